"""The SQLite store's connections, transactions with retries, change counters and migrations."""
from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from kim_network.core.clock import now_iso
from kim_network.core.model import DataKind
from kim_network.store.base import GRAPH_LOG_KEEP, Edge, StoreUnavailable
from kim_network.store.common import SCHEMA_DIR, PurgeSchedule, change_rows

# The SQLite schema, as numbered, idempotent migrations; the Neo4j ones are beside them.
MIGRATIONS_DIR = SCHEMA_DIR / "sqlite"


def load_migrations(directory: Path = MIGRATIONS_DIR) -> list[tuple[str, str]]:
    """The migrations as `(name, script)`, ordered by file name."""
    return [(path.stem, path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.sql"))]


# A write waits at most ~11 s for a busy file (5 x 2 s plus back-off), then the page says 503:
# well inside gunicorn's 30 s worker timeout, so people see our message, not a proxy error.
_RETRIES = 5
_BUSY_TIMEOUT_MS = 2000


def kinds(*data_kinds: DataKind) -> tuple[str, ...]:
    """The names of the change counters that a write of these kinds of data moves."""
    return tuple(k.value for k in data_kinds)


ALL_KINDS = kinds(*DataKind)


class Connections:
    """One connection per thread, transactions with retries, the lifecycle of the schema.

    Mixed into `SQLiteStore`; `_after_migration` and `_clear_text` come from its full-text part.
    """

    def __init__(self, path: str, busy_timeout_ms: int = _BUSY_TIMEOUT_MS, retries: int = _RETRIES):
        # The retry budget is about retries x busy_timeout plus the back-off sleeps (< 1 s each).
        self.path = path
        self.busy_timeout_ms = busy_timeout_ms
        self.retries = max(1, int(retries))
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._purges = PurgeSchedule()
        self._log_purges = PurgeSchedule(every=200)
        if path != ":memory:":
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)


    # -- connections -----------------------------------------------------------
    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(
                    self.path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                    check_same_thread=False,
                )
            except sqlite3.Error as exc:
                raise StoreUnavailable(f"cannot open the SQLite store at {self.path}: {exc}") from exc
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _touch(self, touched: Iterable[tuple]) -> None:
        """Say which graph nodes the running write touches: `(label, id, what)` each, logged
        with the graph version it makes (a graph write that says nothing is logged as BROAD)."""
        self._local.touched = (getattr(self._local, "touched", None) or []) + list(touched)

    def _bump(self, conn: sqlite3.Connection, kinds: Iterable[str]) -> None:
        """Move the total change counter and the counters of the kinds of data written; a graph
        write also logs the nodes it touched."""
        keys = ("changes", *kinds)
        conn.execute(f"UPDATE meta SET value = value + 1 WHERE key IN ({','.join('?' * len(keys))})", keys)
        if DataKind.GRAPH.value in keys:
            version = conn.execute("SELECT value FROM meta WHERE key = 'graph'").fetchone()[0]
            conn.executemany("INSERT INTO graph_changes (version, label, id, what) VALUES (?, ?, ?, ?)",
                             [(version, *row) for row in change_rows(getattr(self._local, "touched", None))])
            if self._log_purges.due():
                floor = version - GRAPH_LOG_KEEP
                conn.execute("DELETE FROM graph_changes WHERE version <= ?", (floor,))
                conn.execute("UPDATE meta SET value = max(value, ?) WHERE key = 'graph_log_floor'", (floor,))

    def _run(self, work: Callable[[sqlite3.Connection], Any], write: bool = False,
             kinds: Iterable[str] = ()) -> Any:
        """Run `work` in a transaction, retrying while the file is busy or locked.

        A write moves the change counters of `kinds` (and the total) in the same transaction;
        a write with no kinds (leases; `update_nodes_where`, which bumps only when something
        matched) moves none.
        """
        kinds = tuple(kinds)
        delay = 0.05
        for attempt in range(self.retries):
            conn = self._conn()
            self._local.touched = None
            try:
                conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
                try:
                    result = work(conn)
                    if write and kinds:
                        self._bump(conn, kinds)
                    conn.execute("COMMIT")
                    if write:  # after the commit: a counter read before it is not reused
                        self._local_writes += 1
                    return result
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError as exc:
                message = str(exc).lower()
                if "locked" in message or "busy" in message:
                    if attempt == self.retries - 1:
                        raise StoreUnavailable(
                            "the SQLite store stayed busy; try again in a moment"
                        ) from exc
                    time.sleep(delay)
                    delay = min(delay * 2, 1.0)
                    continue
                if "no such table" in message:
                    raise StoreUnavailable(
                        "the SQLite store has no schema yet: run `flask --app app kim migrate`"
                    ) from exc
                raise
        raise StoreUnavailable("the SQLite store stayed busy")  # pragma: no cover

    # -- lifecycle -------------------------------------------------------------
    def migrate(self) -> list[str]:
        conn = self._conn()
        conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                name TEXT PRIMARY KEY, applied_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
            INSERT OR IGNORE INTO meta (key, value) VALUES ('changes', 0);
            """
        )
        done = set(self.applied_migrations())
        applied = []
        for name, script in load_migrations():
            if name in done:
                continue
            # executescript commits on its own; each migration is idempotent (IF NOT EXISTS).
            conn.executescript(script)
            self._after_migration(conn, name)
            conn.execute(
                "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)", (name, now_iso())
            )
            applied.append(name)
        return applied

    def applied_migrations(self) -> list[str]:
        try:
            rows = self._conn().execute("SELECT name FROM schema_migrations ORDER BY name").fetchall()
        except sqlite3.OperationalError:
            return []
        return [r[0] for r in rows]

    def ping(self) -> None:
        try:
            self._conn().execute("SELECT 1 FROM meta LIMIT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"the SQLite store does not answer: {exc}") from exc

    def close(self) -> None:
        with self._lock:
            for conn in self._all:
                try:
                    conn.close()
                except sqlite3.Error:  # pragma: no cover
                    pass
            self._all.clear()
        self._local = threading.local()

    def clear(self) -> None:
        def work(conn):
            conn.execute("DELETE FROM edges")
            conn.execute("DELETE FROM nodes")
            self._clear_text(conn)
            conn.execute("DELETE FROM counters")
            conn.execute("DELETE FROM graph_changes")

        self._run(work, write=True, kinds=ALL_KINDS)

    @staticmethod
    def _row_node(row) -> dict:
        props = json.loads(row["props"])
        props["id"] = row["id"]
        return props

    @staticmethod
    def _row_edge(row) -> Edge:
        return Edge(row["type"], row["src_label"], row["src"], row["dst_label"], row["dst"],
                    json.loads(row["props"]))
