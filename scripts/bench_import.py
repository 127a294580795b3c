"""Benchmark `kim import-cordis`: the full CORDIS folder into SQLite and (if one answers) Neo4j.

Prints the time per phase and in total for each store, then imports again to show that
a re-import changes no count. Targets on the 2-core reference machine: < 30 s into SQLite,
< 60 s into Neo4j.

    .venv/bin/python scripts/bench_import.py [--dir CORDIS_DIR] [--wipe] [--no-neo4j] [--keep]

Neo4j: NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD (default bolt://127.0.0.1:7687, neo4j,
kim-dev-password). A database that already holds KI.M nodes is only wiped with --wipe;
the benchmark's data is removed again at the end unless --keep.
"""
from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kim_network.importers.cordis import CordisFormatError, default_dir  # noqa: E402
from kim_network.importers.records import CordisImport, import_cordis  # noqa: E402
from kim_network.core.model import Label  # noqa: E402


def _print_run(title: str, result: CordisImport, cpu: float) -> None:
    print(f"\n{title}")
    print(f"  {'phase':<18}{'rows':>10}{'written':>10}{'seconds':>10}")
    print(f"  {'read CORDIS':<18}{'':>10}{'':>10}{result.read_seconds:>10.2f}")
    print(f"  {'seed taxonomy':<18}{'':>10}{'':>10}{result.taxonomy_seconds:>10.2f}")
    for phase in result.write.phases:
        print(f"  {phase.name:<18}{phase.rows:>10,}{phase.written:>10,}{phase.seconds:>10.2f}")
    print(f"  {'total':<18}{'':>10}{'':>10}{result.seconds:>10.2f}   (CPU time of this process {cpu:.1f} s)")


def _run(store, folder: Path, label: str) -> tuple[CordisImport, CordisImport]:
    cpu = time.process_time()
    first = import_cordis(store, folder)
    _print_run(f"{label}: first import", first, time.process_time() - cpu)
    cpu = time.process_time()
    second = import_cordis(store, folder)
    _print_run(f"{label}: re-import", second, time.process_time() - cpu)
    unchanged = second.before == second.after == first.after
    print(f"  counts unchanged by the re-import: {'yes' if unchanged else 'NO'}")
    print("  counts: " + ", ".join(f"{k} {v:,}" for k, v in first.after.items()))
    return first, second


def bench_sqlite(folder: Path) -> bool:
    from kim_network.store.sqlite import SQLiteStore

    with tempfile.TemporaryDirectory(prefix="kim-bench-") as tmp:
        store = SQLiteStore(os.path.join(tmp, "bench.sqlite3"))
        store.migrate()
        try:
            first, second = _run(store, folder, "SQLite (fresh file in a temp dir)")
        finally:
            store.close()
    return first.after == second.after


def _reachable(uri: str) -> bool:
    url = urlparse(uri)
    try:
        with socket.create_connection((url.hostname or "127.0.0.1", url.port or 7687), timeout=2):
            return True
    except OSError:
        return False


def bench_neo4j(folder: Path, wipe: bool, keep: bool) -> bool | None:
    from kim_network.store import StoreError
    from kim_network.store.neo4j import Neo4jStore

    uri = os.environ.get("NEO4J_URI") or "bolt://127.0.0.1:7687"
    if not _reachable(uri):
        print(f"\nNeo4j: nothing answers at {uri}; skipped (start one with scripts/neo4j_local.sh start)")
        return None
    store = Neo4jStore(uri, os.environ.get("NEO4J_USER") or "neo4j",
                       os.environ.get("NEO4J_PASSWORD") or "kim-dev-password",
                       os.environ.get("NEO4J_DATABASE") or None)
    try:
        store.migrate()
        present = sum(store.count_nodes(label) for label in Label)
        if present and not wipe:
            print(f"\nNeo4j at {uri} already holds {present:,} KI.M nodes; refusing to wipe it "
                  "(repeat with --wipe, or point NEO4J_URI at an empty database)")
            return False
        store.clear()
        first, second = _run(store, folder, f"Neo4j ({uri})")
        if not keep:
            store.clear()
        return first.after == second.after
    except StoreError as exc:
        print(f"\nNeo4j: {exc}")
        return False
    finally:
        store.close()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=None, help="CORDIS folder (default: the shared data)")
    parser.add_argument("--wipe", action="store_true", help="wipe a Neo4j database that holds KI.M data")
    parser.add_argument("--keep", action="store_true", help="leave the imported data in Neo4j")
    parser.add_argument("--no-neo4j", action="store_true", help="benchmark SQLite only")
    args = parser.parse_args(argv)
    folder = args.dir or default_dir()
    if not (folder / "organizations.csv.gz").exists():
        print(f"no CORDIS folder at {folder}", file=sys.stderr)
        return 2
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"CORDIS folder: {folder}\nCPUs: {os.cpu_count()}, load average (1 min) at start: {load:.1f}")
    try:
        ok = bench_sqlite(folder)
        if not args.no_neo4j:
            neo = bench_neo4j(folder, args.wipe, args.keep)
            ok = ok and neo is not False
    except CordisFormatError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
