#!/usr/bin/env python3
"""Scale benchmark: 1x, 3x and 10x CORDIS-like graphs, built, shared and served (prints numbers).

    nice -n 10 .venv/bin/python scripts/bench_scale.py                  # sizes 1,3,10 on SQLite
    nice -n 10 .venv/bin/python scripts/bench_scale.py --sizes 1 --store neo4j   # NEO4J_URI, wiped

For each size it prints: import time; projection build time, peak memory of the build and
size on disk; analytics snapshots and map layouts (built once for every worker); then, with
the app under gunicorn (2 workers that only map the published files, KIM_SHARED_BUILD=job):
the first partner query after the start, one partner query's p50/p95, the analytics report,
the map, a broad search, and the resident memory of the 2 workers (RSS; PSS counts each
shared page once, so the PSS sum is the memory the workers really take together).

The graphs: size 1 is the real CORDIS import (read from ../shared, never copied). Size N is N
replicas of it with fixed seeds: organisations and projects copied under new ids, and each
participation kept in its replica with probability 0.85, else moved to the same
organisation's copy in a random other replica (so the replicas form one graph, with CORDIS's
degree and project-size distributions). Skills (the euroSciVoc and keyword taxonomy) are
shared. Generated stores live under --work (default /tmp/kim-scale) and are reused.
BLAS is pinned to one thread; the load average is printed with every figure.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PY = sys.executable
BLAS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
STAFF_EMAIL, STAFF_PASSWORD = "bench-staff@kim-scale.example", "Bench-Scale-2026!"
KEEP_IN_REPLICA = 0.85
SEED = 20260101


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


# -- generating and importing one size (run in a child process: it holds the records) --------------
def _copy_id(value: str, replica: int) -> str:
    return value if replica == 0 else f"{value}-x{replica}"


def _replica_rows(records, replica: int, n: int, rng: random.Random):
    """Nodes and edges of one replica (see the module docstring)."""
    from kim_network.core.model import Label, Rel

    nodes, edges = {}, {}
    nodes[Label.ORGANIZATION] = [
        {**o, "id": _copy_id(o["id"], replica), "name": o["name"] if not replica else f"{o['name']} · {replica}"}
        for o in records.nodes[Label.ORGANIZATION]]
    nodes[Label.PROJECT] = [{**p, "id": _copy_id(p["id"], replica)} for p in records.nodes[Label.PROJECT]]
    edges[Rel.LOCATED_IN] = [{**e, "source": _copy_id(e["source"], replica)} for e in records.edges[Rel.LOCATED_IN]]
    edges[Rel.REQUIRES] = [{**e, "source": _copy_id(e["source"], replica)} for e in records.edges[Rel.REQUIRES]]
    participations, seen = [], set()
    for e in records.edges[Rel.PARTICIPATED_IN]:
        org_replica = replica if n == 1 or rng.random() < KEEP_IN_REPLICA else rng.randrange(n)
        row = {**e, "source": _copy_id(e["source"], org_replica), "target": _copy_id(e["target"], replica)}
        if (row["source"], row["target"]) not in seen:
            seen.add((row["source"], row["target"]))
            participations.append(row)
    edges[Rel.PARTICIPATED_IN] = participations
    return nodes, edges


def do_import(size: int, folder: Path, store_kind: str) -> dict:
    from kim_network.core.model import Label, Rel
    from kim_network.core.taxonomy import match_term, seed_taxonomy
    from kim_network.importers.cordis import read_cordis
    from kim_network.importers.records import write_records
    from kim_network.importers.cordis import GraphRecords
    from kim_network.services import accounts

    store = open_bench_store(folder, store_kind)
    store.migrate()
    if store_kind == "neo4j":
        store.clear()
    started = time.perf_counter()
    records = read_cordis(match_term=match_term)
    read_seconds = time.perf_counter() - started
    started = time.perf_counter()
    seed_taxonomy(store)
    shared = GraphRecords()
    for label in (Label.REGION, Label.SKILL):
        shared.nodes[label] = records.nodes[label]
    for rel in (Rel.PART_OF, Rel.BROADER):
        shared.edges[rel] = records.edges[rel]
    write_records(store, shared)
    rng = random.Random(SEED + size)
    replicas = []
    for replica in range(size):  # every replica's nodes first: cross-replica edges find both ends
        nodes, edges = _replica_rows(records, replica, size, rng)
        write_records(store, GraphRecords(nodes=nodes, edges={}))
        replicas.append(edges)
        del nodes
    for edges in replicas:
        write_records(store, GraphRecords(nodes={}, edges=edges))
    write_seconds = time.perf_counter() - started
    counts = store.counts()
    counts["participations"] = store.count_edges(Rel.PARTICIPATED_IN)
    account = accounts.create_account(store, STAFF_EMAIL, STAFF_PASSWORD, name="Bench Staff", role="staff",
                                      approved=True, consent_version=accounts.CONSENT_VERSION)
    token = accounts.issue_api_token(store, account["id"])
    # Partner queries for organisations with at least two projects, drawn with a fixed seed.
    degree: dict[str, int] = {}
    for edges in replicas:
        for e in edges[Rel.PARTICIPATED_IN]:
            degree[e["source"]] = degree.get(e["source"], 0) + 1
    candidates = sorted(o for o, d in degree.items() if d >= 2)
    sample = random.Random(SEED).sample(candidates, min(200, len(candidates)))
    store.close()
    return {"size": size, "read_seconds": read_seconds, "write_seconds": write_seconds, "counts": counts,
            "token": token, "sample": sample, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def open_bench_store(folder: Path, store_kind: str):
    if store_kind == "neo4j":
        from kim_network.store.neo4j import Neo4jStore

        return Neo4jStore(os.environ["NEO4J_URI"], "neo4j", os.environ["NEO4J_PASSWORD"])
    from kim_network.store.sqlite import SQLiteStore

    return SQLiteStore(str(folder / "store.sqlite3"))


# -- the parent: children for each step ---------------------------------------------------------------
def app_env(folder: Path, store_kind: str) -> dict:
    env = dict(os.environ, **BLAS)
    env.update({"SECRET_KEY": "bench-scale-secret", "KIM_DATA_DIR": str(folder), "KIM_SHARED_DIR": str(folder / "shared"),
                "KIM_SHARED_BUILD": "job", "SESSION_COOKIE_SECURE": "0", "PYTHONPATH": str(ROOT)})
    env.pop("KIM_DEMO", None)
    if store_kind == "sqlite":
        env.pop("NEO4J_URI", None)
        env["KIM_SQLITE_PATH"] = str(folder / "store.sqlite3")
    return env


def cpu_seconds(out: str) -> float:
    match = re.search(r"^CPU_S (\S+)$", out, re.M)
    return float(match.group(1)) if match else float("nan")


def run_child(args: list[str], env: dict, timeout: float = 7200) -> tuple[str, float, float]:
    """Run a child; its output, wall seconds and peak resident memory (MB, from wait4)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    # The child prints its own peak memory (RUSAGE_CHILDREN would be the maximum over all children).
    seconds = time.perf_counter() - started
    match = re.search(r"^MAXRSS_MB (\S+)$", out, re.M)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} failed ({proc.returncode}):\n{out[-3000:]}")
    return out, seconds, float(match.group(1)) if match else float("nan")


def measured_flask(args: list[str], env: dict) -> tuple[str, float, float]:
    """A `flask --app app ...` command in a child that prints its own peak memory when done."""
    code = ("import resource, sys\nfrom flask.cli import main\nsys.argv = ['flask'] + sys.argv[1:]\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\nelse:\n    code = 0\n"
            "usage = resource.getrusage(resource.RUSAGE_SELF)\n"
            "print('MAXRSS_MB', usage.ru_maxrss / 1024, flush=True)\n"
            "print('CPU_S', usage.ru_utime + usage.ru_stime, flush=True)\n"
            "sys.exit(code)\n")
    return run_child([PY, "-c", code, "--app", "app", *args], env)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_of(pid: int) -> dict[str, float]:
    """RSS, PSS and private memory of one process in MB (from /proc/<pid>/smaps_rollup)."""
    out = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
        for line in fh:
            key, _, rest = line.partition(":")
            if key in ("Rss", "Pss", "Anonymous"):
                out[key] = int(rest.split()[0]) / 1024
    return {"rss": out.get("Rss", 0.0), "pss": out.get("Pss", 0.0), "anon": out.get("Anonymous", 0.0)}


def worker_pids(master: int) -> list[int]:
    with open(f"/proc/{master}/task/{master}/children", encoding="ascii") as fh:
        return [int(p) for p in fh.read().split()]


def workers_memory(master: int) -> dict:
    mems = [memory_of(pid) for pid in worker_pids(master)]
    return {"workers": len(mems), "rss_each": [round(m["rss"]) for m in mems],
            "rss_sum": sum(m["rss"] for m in mems), "pss_sum": sum(m["pss"] for m in mems),
            "anon_sum": sum(m["anon"] for m in mems)}


def serve_and_measure(folder: Path, store_kind: str, info: dict, queries: int, workers: int) -> dict:
    import requests

    env = app_env(folder, store_kind)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env["KIM_BASE_URL"] = base  # links in e-mails; the app refuses to start without it
    server = subprocess.Popen([PY, "-m", "gunicorn", "-w", str(workers), "--threads", "4", "--timeout", "600",
                               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"], cwd=ROOT, env=env)
    out: dict = {}
    try:
        deadline = time.time() + 120
        while True:
            try:
                if requests.get(base + "/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if server.poll() is not None or time.time() > deadline:
                raise SystemExit("the app server did not become healthy (see its output above)")
            time.sleep(0.5)
        # A new connection per request (no keep-alive), so both workers take requests.
        headers = {"Authorization": f"Bearer {info['token']}", "Connection": "close"}

        def timed(path: str) -> tuple[float, int]:
            started = time.perf_counter()
            response = requests.get(base + path, headers=headers, timeout=600)
            return (time.perf_counter() - started) * 1000, response.status_code

        def partner(oid: str) -> tuple[float, int]:
            return timed(f"/api/v1/recommendations/partners?organization={oid}&k=10")

        from concurrent.futures import ThreadPoolExecutor

        sample = info["sample"][: max(queries, workers * 2)]
        with ThreadPoolExecutor(workers * 2) as pool:  # the first queries reach every worker right after start
            firsts = list(pool.map(partner, sample[: workers * 2]))
        out["first_partner_ms"] = max(ms for ms, _ in firsts)
        out["first_statuses"] = sorted({status for _, status in firsts})
        times, statuses = [], set()
        for oid in sample:
            ms, status = partner(oid)
            times.append(ms)
            statuses.add(status)
        out["partner_p50"], out["partner_p95"], out["partner_statuses"] = pct(times, 50), pct(times, 95), sorted(statuses)
        out["partner_load"] = load()
        out["memory_after_partners"] = workers_memory(server.pid)
        out["analytics_first_ms"], out["analytics_status"] = timed("/api/v1/analytics")
        out["analytics_ms"] = statistics.median(timed("/api/v1/analytics")[0] for _ in range(3))
        out["map_first_ms"], out["map_status"] = timed("/api/v1/map")
        out["map_ms"] = statistics.median(timed("/api/v1/map")[0] for _ in range(3))
        out["memory_after_analytics"] = workers_memory(server.pid)
        # One kept-alive connection for the first searches; every worker maps the same published
        # facet index, so which worker answers does not change what it holds.
        search = requests.Session()
        search.headers["Authorization"] = headers["Authorization"]

        def searched() -> tuple[float, int]:
            started = time.perf_counter()
            response = search.get(base + "/api/v1/search?q=energy", timeout=600)
            return (time.perf_counter() - started) * 1000, response.status_code

        out["search_first_ms"], status = searched()
        out["search_status"] = [status]
        warm = [searched()[0] for _ in range(6)]
        out["search_ms"] = statistics.median(warm)
        out["search_load"] = load()

        # The first search after a write of graph data, then 8 concurrent ones after another write:
        # no cache rebuild may hold them up (the rebuild runs beside them).
        def write(n: int) -> None:
            oid = info["sample"][n]
            response = search.patch(f"{base}/api/v1/organizations/{oid}", json={"city": f"Bench {n}"}, timeout=60)
            response.raise_for_status()

        try:
            write(0)
        except requests.HTTPError as exc:  # e.g. a store generated before a migration: say so, keep the rest
            out["write_error"] = str(exc)
            out.update(workers_memory(server.pid))
            return out
        out["search_after_write_ms"], _ = searched()
        with ThreadPoolExecutor(8) as pool:  # every worker warm first
            list(pool.map(lambda _: timed("/api/v1/search?q=energy"), range(16)))
        write(1)
        with ThreadPoolExecutor(8) as pool:
            after = list(pool.map(lambda _: timed("/api/v1/search?q=energy"), range(8)))
        out["search_after_write_8_ms"] = max(ms for ms, _ in after)
        out["search_after_write_8_status"] = sorted({status for _, status in after})
        out["write_load"] = load()
        out.update(workers_memory(server.pid))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    return out


def bench_size(size: int, args) -> dict:
    folder = Path(args.work) / (f"{size}x" if args.store == "sqlite" else f"{size}x-neo4j")
    marker = folder / "import.json"
    row: dict = {"size": size}
    if (args.store == "neo4j" and not args.serve_only) or not marker.exists() or args.fresh:
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        before = load()
        out, seconds, maxrss = run_child([PY, __file__, "_import", "--size", str(size), "--folder", str(folder),
                                          "--store", args.store], app_env(folder, args.store))
        info = json.loads(out.strip().splitlines()[-1])
        info.update(import_wall=seconds, import_load=f"{before} before, {load()} after")
        marker.write_text(json.dumps(info))
        row["reused"] = False
    else:
        info = json.loads(marker.read_text())
        if not args.serve_only:
            shutil.rmtree(folder / "shared", ignore_errors=True)
        row["reused"] = True
    row.update(info)
    if args.serve_only:  # measure serving from the files a previous run published
        row.update(serve_and_measure(folder, args.store, info, args.queries, args.workers))
        return row

    before = load()
    out, seconds, maxrss = measured_flask(["kim", "build-projection", "--no-analytics"], app_env(folder, args.store))
    manifest = json.loads(next((folder / "shared" / "projection").glob("*/manifest.json")).read_text())
    row.update(build_wall=seconds, build_cpu=cpu_seconds(out), build_seconds=manifest["build_seconds"],
               save_seconds=manifest["save_seconds"],
               projection_mb=manifest["bytes"] / 1e6, build_maxrss_mb=maxrss,
               build_load=f"{before} before, {load()} after")
    if not args.skip_analytics:
        before = load()
        out, seconds, maxrss = measured_flask(["kim", "build-projection"], app_env(folder, args.store))
        levels = {}
        for m in (folder / "shared" / "analytics").glob("*/manifest.json"):
            data = json.loads(m.read_text())
            levels[data["cache_key"]] = (data["build_seconds"], data["bytes"] / 1e6)
        row.update(analytics_wall=seconds, analytics_cpu=cpu_seconds(out), analytics_levels=levels,
                   analytics_maxrss_mb=maxrss,
                   analytics_load=f"{before} before, {load()} after")
    row.update(serve_and_measure(folder, args.store, info, args.queries, args.workers))
    return row


def print_row(row: dict) -> None:
    counts = row["counts"]
    print(f"\n== {row['size']}x: {counts['organizations']:,} organisations, {counts['projects']:,} projects, "
          f"{counts['participations']:,} participations, {counts['skills']:,} skills"
          f"{' (store reused)' if row.get('reused') else ''}")
    if "build_seconds" not in row:
        print_serving(row)
        return
    print(f"import: {row['write_seconds']:.0f} s writing (+{row['read_seconds']:.0f} s reading CORDIS); "
          f"{row['import_load']}")
    print(f"projection: built in {row['build_seconds']:.1f} s (+{row['save_seconds']:.1f} s to publish; the job used "
          f"{row['build_cpu']:.0f} s of CPU in {row['build_wall']:.0f} s, start-up and store reads included), "
          f"{row['projection_mb']:.0f} MB on disk, build process peak {row['build_maxrss_mb']:.0f} MB; {row['build_load']}")
    if "analytics_levels" in row:
        levels = ", ".join(f"level {k}: {s:.1f} s / {mb:.0f} MB" for k, (s, mb) in sorted(row["analytics_levels"].items()))
        print(f"analytics snapshots with map layouts: {levels}; job {row['analytics_wall']:.0f} s "
              f"({row['analytics_cpu']:.0f} s of CPU), "
              f"peak {row['analytics_maxrss_mb']:.0f} MB; {row['analytics_load']}")
    print_serving(row)


def print_serving(row: dict) -> None:
    print(f"served by {row['workers']} workers: first partner query after start {row['first_partner_ms']:.0f} ms "
          f"(status {row['first_statuses']}); partner query p50 {row['partner_p50']:.0f} ms, "
          f"p95 {row['partner_p95']:.0f} ms (status {row['partner_statuses']}); {row['partner_load']}")
    print(f"analytics report: first {row['analytics_first_ms']:.0f} ms (status {row['analytics_status']}), "
          f"then {row['analytics_ms']:.0f} ms; map: first {row['map_first_ms']:.0f} ms (status {row['map_status']}), "
          f"then {row['map_ms']:.0f} ms")
    print(f"broad search 'energy': first {row['search_first_ms']:.0f} ms (status {row['search_status']}), "
          f"then p50 {row['search_ms']:.0f} ms; {row['search_load']}")
    concurrent = (f"8 concurrent searches after another write (every worker warm): slowest "
                  f"{row['search_after_write_8_ms']:.0f} ms (status {row['search_after_write_8_status']})")
    if "write_error" in row:
        print(f"writes not measured: {row['write_error']}")
    else:
        print(f"first search after a write {row['search_after_write_ms']:.0f} ms; {concurrent}; {row['write_load']}")
    for stage, mem in (("after the partner queries", row["memory_after_partners"]),
                       ("after analytics and map", row["memory_after_analytics"]), ("after search too", row)):
        print(f"memory of the {mem['workers']} workers {stage}: RSS {mem['rss_each']} MB, sum {mem['rss_sum']:.0f} MB;"
              f" PSS sum {mem['pss_sum']:.0f} MB (shared pages counted once), of which {mem['anon_sum']:.0f} MB"
              f" is the workers' own heap and the rest mapped files")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "_import":
        parser = argparse.ArgumentParser()
        parser.add_argument("_import")
        parser.add_argument("--size", type=int, required=True)
        parser.add_argument("--folder", required=True)
        parser.add_argument("--store", default="sqlite")
        a = parser.parse_args()
        print(json.dumps(do_import(a.size, Path(a.folder), a.store)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,3,10", help="comma-separated replica counts")
    parser.add_argument("--work", default="/tmp/kim-scale", help="where generated stores live (reused)")
    parser.add_argument("--store", choices=["sqlite", "neo4j"], default="sqlite")
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-analytics", action="store_true")
    parser.add_argument("--fresh", action="store_true", help="generate and import again even if a store exists")
    parser.add_argument("--serve-only", action="store_true", help="only serve and measure, from the published files")
    args = parser.parse_args()
    for key, value in BLAS.items():
        os.environ.setdefault(key, value)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if any(not 1 <= s <= 20 for s in sizes) or not 1 <= args.queries <= 1000:
        parser.error("sizes must be 1-20, queries 1-1000")
    rows = []
    for size in sizes:
        row = bench_size(size, args)
        print_row(row)
        rows.append(row)
        sys.stdout.flush()
    print("\nsize  orgs      build s  proj MB  partner p95 ms  workers PSS MB  workers RSS MB")
    for r in rows:
        if "build_seconds" not in r:
            continue
        print(f"{r['size']:>3}x  {r['counts']['organizations']:>8,}  {r['build_seconds']:>7.1f}  {r['projection_mb']:>7.0f}"
              f"  {r['partner_p95']:>14.0f}  {r['pss_sum']:>14.0f}  {r['rss_sum']:>14.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
