#!/usr/bin/env python3
"""Load benchmark: the app under gunicorn on each store, N concurrent clients for T seconds.

Each client logs in as a demo member and loops over a mix of pages, search, API calls and
recommendations. Prints throughput, error count and latency percentiles per kind of
request, the load average before and after, and on Neo4j the Bolt round trips per request,
counted in the workers through the driver (`scripts/bench_gunicorn_hooks.py`). With
`--store both` both servers run side by side and the clients alternate between them in
`--rounds` rounds, so a busy machine slows both alike; the throughput ratio is printed.
Before measuring, each server gets `--warmup` seconds of the same load, counted nowhere: a
freshly started Neo4j JVM needs it to compile its hot paths. Traffic goes to 127.0.0.1 only; loops are bounded in time.

    .venv/bin/python scripts/bench_load.py                 # SQLite, 50 clients, 60 s
    .venv/bin/python scripts/bench_load.py --store neo4j   # NEO4J_URI / NEO4J_PASSWORD
    .venv/bin/python scripts/bench_load.py --store both --clients 20 --duration 20
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

# (kind, method, path) — a member's typical session: pages, search, API, recommendations.
MIX = [
    ("page", "GET", "/"),
    ("page", "GET", "/matches"),
    ("page", "GET", "/organizations/demo-sme"),
    ("page", "GET", "/notifications"),
    ("search", "GET", "/search?q=untertitel"),
    ("search", "GET", "/search?q=KI&kind=tech_provider"),
    ("search", "GET", "/search?q=sprach&sme=1"),
    ("api", "GET", "/api/v1/organizations?per_page=20"),
    ("api", "GET", "/api/v1/search?q=video"),
    ("api", "GET", "/api/v1/skills?q=sprach"),
    ("recommend", "GET", "/api/v1/recommendations/partners?organization=demo-sme&k=10"),
    ("recommend", "GET", "/api/v1/recommendations/similar?organization=demo-sme&k=10"),
    ("health", "GET", "/healthz"),
]
LOGIN = ("sme@demo.kim-netzwerk.de", "Demo-SME-2026!")
HOOKS = ROOT / "scripts" / "bench_gunicorn_hooks.py"
BLAS_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def kind_of(path: str) -> str:
    """The MIX kind of a request path (query left out), as the hooks record it."""
    for kind, _method, mix_path in MIX:
        if mix_path.split("?")[0] == path:
            return kind
    return "login" if path == "/login" else "other"


def cpu_of(pids) -> float:
    """CPU seconds (user + system) the processes have used so far."""
    total = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            pass
    return total


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as fh:
            return [int(p) for p in fh.read().split()]
    except OSError:
        return []


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def read_bolt_counts(folder: str) -> tuple[dict[str, list[int]], int]:
    """Requests and Bolt flushes per kind, summed over the workers' files; and background flushes."""
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    background = 0
    for name in os.listdir(folder):
        if not name.startswith("worker-"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as fh:
            data = json.load(fh)
        background += data.get("background", 0)
        for path, (requests_, flushes) in data["paths"].items():
            entry = per_kind[kind_of(path)]
            entry[0] += requests_
            entry[1] += flushes
    return dict(per_kind), background


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(base: str, timeout: float = 90) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the app at {base} did not become healthy")


def login(session: requests.Session, base: str) -> None:
    page = session.get(base + "/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    if not token:
        raise SystemExit("no csrf_token on /login")
    r = session.post(base + "/login", data={"email": LOGIN[0], "password": LOGIN[1],
                                            "csrf_token": token.group(1)}, timeout=10)
    if r.status_code >= 400 or "/login" in r.url:
        raise SystemExit(f"demo login failed ({r.status_code})")


def client(base: str, deadline: float, results: list, seed: int, mix: list = MIX) -> None:
    rng = random.Random(seed)
    session = requests.Session()
    try:
        login(session, base)
    except (SystemExit, requests.RequestException) as exc:
        results.append(("login", 0.0, f"error: {exc}"))
        return
    while time.time() < deadline:
        kind, method, path = rng.choice(mix)
        start = time.perf_counter()
        try:
            r = session.request(method, base + path, timeout=30)
            status = r.status_code
        except requests.RequestException as exc:
            status = f"error: {type(exc).__name__}"
        results.append((kind, (time.perf_counter() - start) * 1000, status))


def pct(values, p):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Server:
    """The app on one store under gunicorn, seeded with the demo, warmed up, with Bolt counting."""

    def __init__(self, store: str, workers: int, threads: int, wipe: bool, database_pid: int | None = None):
        self.store, self.workers, self.threads = store, workers, threads
        self.database_pid = database_pid
        self.cpu = {"app": 0.0, "database": 0.0}
        env = dict(os.environ)
        env.update({"SECRET_KEY": "bench-" + os.urandom(8).hex(), "KIM_DEMO": "1", "SESSION_COOKIE_SECURE": "0"})
        env.update(BLAS_ONE_THREAD)
        self.tmp = tempfile.mkdtemp(prefix="kim-load-")
        self.bolt_dir = os.path.join(self.tmp, "bolt")
        os.makedirs(self.bolt_dir)
        env["BENCH_BOLT_DIR"] = self.bolt_dir
        env["KIM_DATA_DIR"] = self.tmp
        if store == "sqlite":
            env.pop("NEO4J_URI", None)
        else:
            env.setdefault("NEO4J_URI", "bolt://127.0.0.1:7687")
            env.setdefault("NEO4J_PASSWORD", "kim-dev-password")
            if wipe:
                subprocess.run([PY, "-m", "flask", "--app", "app", "kim", "reset", "--yes"], cwd=ROOT, env=env,
                               check=True)
        for args in (["kim", "migrate"], ["kim", "seed-demo"]):
            subprocess.run([PY, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [PY, "-m", "gunicorn", "-c", str(HOOKS), "-w", str(workers), "--threads", str(threads),
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
            cwd=ROOT, env=env,
        )
        self.results: list = []
        self.elapsed = 0.0
        self.loads: list[str] = []
        self.rounds: list[str] = []  # each round's throughput and CPU per request
        wait_healthy(self.base)
        warm = requests.Session()  # warm up every worker before measuring
        login(warm, self.base)
        for _ in range(workers * 3):
            for _, method, path in MIX:
                warm.request(method, self.base + path, timeout=120)

    def warm_up(self, clients: int, seconds: float, mix: list = MIX) -> str:
        """`clients` concurrent clients for `seconds`, counted nowhere: a freshly started JVM
        compiles its hot paths under load for a minute or more (a cold Neo4j server took 3x
        the CPU per request of a warm one), and a server in production is warm."""
        if seconds <= 0:
            return ""
        started, cpu = time.time(), cpu_of([self.database_pid] if self.database_pid else [])
        thrown_away: list = []
        deadline = time.time() + seconds
        pool = [threading.Thread(target=client, args=(self.base, deadline, thrown_away, 10_000 + i, mix))
                for i in range(clients)]
        for t in pool:
            t.start()
        for t in pool:
            t.join(seconds + 60)
        n = max(1, len(thrown_away))
        db = (f", Neo4j server {(cpu_of([self.database_pid]) - cpu) / n * 1000:.1f} ms per request"
              if self.database_pid else "")
        return f"{self.store} warm-up: {n / (time.time() - started):.1f} req/s{db}"

    def measure(self, clients: int, seconds: float, seed: int, mix: list = MIX) -> None:
        """One round of `clients` logged-in clients for `seconds`; results add up over rounds."""
        flag = os.path.join(self.bolt_dir, "measuring")
        done = len(self.results)
        before = load()
        open(flag, "w").close()
        deadline = time.time() + seconds
        pool = [threading.Thread(target=client, args=(self.base, deadline, self.results, seed + i, mix))
                for i in range(clients)]
        app_pids = [self.process.pid] + children(self.process.pid)
        db_pids = [self.database_pid] if self.database_pid else []
        app_cpu, db_cpu = cpu_of(app_pids), cpu_of(db_pids)
        started = time.time()
        for t in pool:
            t.start()
        for t in pool:
            t.join(seconds + 60)
        took = time.time() - started
        self.elapsed += took
        app_used, db_used = cpu_of(app_pids) - app_cpu, cpu_of(db_pids) - db_cpu
        self.cpu["app"] += app_used
        self.cpu["database"] += db_used
        os.remove(flag)
        self.loads.append(f"{before} -> {load()}")
        n = max(1, len(self.results) - done)
        self.rounds.append(f"{n / took:.1f} req/s, app {app_used / n * 1000:.1f} ms"
                           + (f" + server {db_used / n * 1000:.1f} ms" if db_pids else ""))

    def stop(self) -> tuple[dict, int]:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
        counts = read_bolt_counts(self.bolt_dir)
        shutil.rmtree(self.tmp, ignore_errors=True)
        return counts

    def report(self, clients: int, rounds: int, bolt: dict, background: int) -> dict:
        by_kind = defaultdict(list)
        errors = defaultdict(int)
        for kind, ms, status in self.results:
            by_kind[kind].append(ms)
            if not isinstance(status, int) or status >= 400:
                errors[(kind, status)] += 1
        total = len(self.results)
        print(f"\n== {self.store}: {clients} clients, {self.elapsed:.0f} s in {rounds} rounds, "
              f"gunicorn {self.workers} workers x {self.threads} threads")
        print("load average per round: " + "; ".join(self.loads))
        print("each round (CPU per request): " + "; ".join(self.rounds))
        print(f"requests {total}, throughput {total / self.elapsed:.1f} req/s, errors {sum(errors.values())}")
        if total:
            db = (f", Neo4j server {self.cpu['database'] / total * 1000:.1f} ms" if self.database_pid else "")
            print(f"CPU per request: app workers {self.cpu['app'] / total * 1000:.1f} ms{db}")
        print(f"{'kind':<10} {'n':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
        for kind, values in sorted(by_kind.items()):
            print(f"{kind:<10} {len(values):>7} {pct(values, 50):>8.1f} {pct(values, 95):>8.1f} {pct(values, 99):>8.1f}")
        all_ms = [ms for _, ms, _ in self.results]
        print(f"{'all':<10} {total:>7} {pct(all_ms, 50):>8.1f} {pct(all_ms, 95):>8.1f} {pct(all_ms, 99):>8.1f}")
        for (kind, status), n in sorted(errors.items(), key=str):
            print(f"  error {kind} {status}: {n}")
        summary = {"requests": total, "errors": sum(errors.values()), "p95": pct(all_ms, 95),
                   "throughput": total / self.elapsed}
        counted = sum(n for n, _ in bolt.values())
        if self.store == "neo4j" and counted:
            flushes = sum(f for _, f in bolt.values())
            summary["round_trips"] = flushes / counted
            print(f"Bolt round trips per request (counted through the driver in the workers): "
                  f"{flushes / counted:.2f} over {counted} requests; {background} more from background threads")
            for kind, (n, f) in sorted(bolt.items()):
                print(f"  {kind:<10} {f / n:>8.2f} per request ({n} requests)")
        return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", choices=["sqlite", "neo4j", "both"], default="sqlite")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--wipe", action="store_true", help="clear the Neo4j database first")
    parser.add_argument("--neo4j-pid-file", help="the Neo4j server's pid file, to count its CPU per request "
                        "(scripts/neo4j_local.sh writes $KIM_NEO4J_HOME/run/neo4j.pid)")
    parser.add_argument("--kinds", default="", help="only these kinds of the mix (comma-separated, "
                        "e.g. page,recommend,health): a diagnosis, not the benchmark")
    parser.add_argument("--warmup", type=float, default=60,
                        help="seconds of load on each server before measuring, counted nowhere (both stores alike)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="with --store both: alternate the stores this many times, so both see the same load")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.duration <= 600 or not 1 <= args.rounds <= 20 \
            or not 0 <= args.warmup <= 300:
        parser.error("clients must be 1-200, duration 1-600 s, rounds 1-20 and warm-up 0-300 s")
    stores = ["sqlite", "neo4j"] if args.store == "both" else [args.store]
    rounds = args.rounds if len(stores) > 1 else 1
    kinds = {k.strip() for k in args.kinds.split(",") if k.strip()}
    mix = [entry for entry in MIX if not kinds or entry[0] in kinds]
    if not mix:
        parser.error(f"no request of the mix is of kind {sorted(kinds)}")
    servers = {}
    try:
        database_pid = int(open(args.neo4j_pid_file).read().strip()) if args.neo4j_pid_file else None
        for store in stores:
            servers[store] = Server(store, args.workers, args.threads, args.wipe,
                                    database_pid if store == "neo4j" else None)
        for store in stores:  # the same load on each before anything is counted
            print(servers[store].warm_up(args.clients, args.warmup, mix), f"({load()})", flush=True)
        for r in range(rounds):  # both servers are up; the clients go to one store at a time
            for store in stores:
                servers[store].measure(args.clients, args.duration / rounds, seed=1000 * r, mix=mix)
    finally:
        counts = {store: server.stop() for store, server in servers.items()}
    failed = False
    summaries = {}
    for store, server in servers.items():
        summaries[store] = server.report(args.clients, rounds, *counts[store])
        failed |= summaries[store]["errors"] > 0
    if len(summaries) == 2:
        ratio = summaries["neo4j"]["throughput"] / summaries["sqlite"]["throughput"]
        print(f"\nNeo4j / SQLite throughput in this run: {ratio:.2f} (target at least {1 / 1.5:.2f})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
