"""The SQLite store's coordination between processes: leases and shared counters (attempt limits)."""
from __future__ import annotations

import time

from kim_network.store.common import check_counter


class Coordination:
    """Leases and counters; neither is data, so no change counter moves (mixed into `SQLiteStore`)."""

    def try_lease(self, name, owner, seconds):
        now = time.time()

        def work(conn):
            cur = conn.execute(
                "INSERT INTO leases (name, owner, expires) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires = excluded.expires "
                "WHERE leases.owner = excluded.owner OR leases.expires < ?",
                (str(name), str(owner), now + float(seconds), now),
            )
            return cur.rowcount > 0

        return self._run(work, write=True)

    def release_lease(self, name, owner):
        self._run(lambda c: c.execute("DELETE FROM leases WHERE name = ? AND owner = ?", (str(name), str(owner))),
                  write=True)

    # -- shared counters -----------------------------------------------------------
    def bump_counter(self, key, window_seconds, delta=1, now=None):
        check_counter(key, window_seconds, delta)
        now = time.time() if now is None else float(now)
        purge = self._purges.due()

        def work(conn):
            # One statement: the old row's values feed every expression of the update, and
            # BEGIN IMMEDIATE serialises writers, so no bump is ever lost.
            count = conn.execute(
                "INSERT INTO counters (key, count, expires) VALUES (?, max(?, 0), ?) "
                "ON CONFLICT (key) DO UPDATE SET "
                "count = max(CASE WHEN expires <= ? THEN 0 ELSE count END + ?, 0), "
                "expires = CASE WHEN expires <= ? THEN excluded.expires ELSE expires END "
                "RETURNING count",
                (key, delta, now + window_seconds, now, delta, now),
            ).fetchone()[0]
            if purge:
                conn.execute("DELETE FROM counters WHERE expires <= ? AND key != ?", (now, key))
            return int(count)

        return self._run(work, write=True)  # counters are not data: no kinds, no change counter
