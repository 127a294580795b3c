"""Benchmark the matching engine on the full CORDIS graph: projection build and query latency.

Prints the projection build time and memory (from importer records, and from each store's
bulk export), then p50/p95 latency of every kind of recommendation on the built projection.
Targets on the 2-core reference machine: build < 30 s, p95 < 50 ms per partner query.

    .venv/bin/python scripts/bench_matching.py [--dir CORDIS_DIR] [--queries 200] [--no-stores] [--neo4j]

SQLite: the CORDIS folder is imported into a temporary SQLite store with `import_cordis`
(the `kim import-cordis` code). Neo4j (--neo4j): NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD;
only an empty database is used, and the benchmark's data is removed again afterwards.
People (researchers, media professionals) are not in CORDIS: the person-based queries are
timed on the demo ecosystem instead.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kim_network.importers.cordis import default_dir, read_cordis  # noqa: E402
from kim_network.matching import recommenders as service  # noqa: E402
from kim_network.matching.consortium import build_consortia  # noqa: E402
from kim_network.matching.projection import projection_from_records, projection_from_store  # noqa: E402
from kim_network.core.model import Label  # noqa: E402
from kim_network.core.visibility import STAFF  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def timed_build(title: str, build) -> object:
    before = rss_mb()
    started = time.perf_counter()
    proj = build()
    seconds = time.perf_counter() - started
    print(f"{title:<44} {seconds:7.1f} s   +{rss_mb() - before:6.0f} MB resident "
          f"(process peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)   "
          f"{proj.n_actors:,} actors, {len(proj.project_ids):,} projects, {len(proj.skill_ids):,} skills")
    return proj


def latency(title: str, calls) -> None:
    times = []
    for call in calls:
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    if not times:
        print(f"{title:<44} (no queries)")
        return
    t = np.asarray(times)
    print(f"{title:<44} n={len(t):4d}  p50 {np.percentile(t, 50):7.1f} ms  p95 {np.percentile(t, 95):7.1f} ms  "
          f"max {t.max():7.1f} ms")


def query_benchmarks(proj, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    orgs = [i for i in np.flatnonzero((proj.n_projects > 0) & (proj.actor_label == Label.ORGANIZATION.value))]
    sample = [proj.actor_ids[i] for i in rng.sample(orgs, min(n, len(orgs)))]
    projects = rng.sample(range(len(proj.project_ids)), min(n, len(proj.project_ids)))
    members = proj.consortium.T.tocsr()
    ideas = []
    for p in projects:
        node = proj.project_nodes[p]
        partners = [proj.actor_ids[a] for a in members.indices[members.indptr[p]:members.indptr[p + 1]][:2]]
        ideas.append((f"{node.get('title', '')} {node.get('topic_title', '')}", partners))
    skills = [s for s in range(len(proj.skill_ids)) if proj.skill_ids[s].startswith("esv-")]
    latency("partners_for_organization", [lambda o=o: service.partners_for_organization(proj, o, 10, STAFF)
                                          for o in sample])
    latency("partners_for_project_idea (text + 2 partners)",
            [lambda t=t, p=p: service.partners_for_project_idea(proj, t, partners=p, k=10, viewer=STAFF)
             for t, p in ideas])
    latency("similar_organizations", [lambda o=o: service.similar_organizations(proj, o, 10, STAFF) for o in sample])
    calls = []
    for _ in range(max(1, n // 10)):
        req = {"skills": [proj.skill_ids[s] for s in rng.sample(skills, min(4, len(skills)))], "min_size": 4,
               "max_size": 6, "min_sme": 1, "min_university": 1, "lead_region": "DE2"}
        calls.append(lambda req=req: build_consortia(proj, req, 3, STAFF))
    latency("build_consortia (4 skills, 3 teams)", calls)


def person_benchmarks(n: int) -> None:
    try:
        from kim_network import demo
        from kim_network.store.sqlite import SQLiteStore
    except ImportError as exc:  # demo data not available in this checkout
        print(f"person queries skipped: {exc}")
        return
    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(str(Path(tmp) / "demo.sqlite3"))
        store.migrate()
        demo.seed(store, demo.DEFAULT_SEED)
        proj = timed_build("projection of the demo store", lambda: projection_from_store(store))
        people = [proj.actor_ids[i] for i in np.flatnonzero(proj.kind == "researcher")]
        media = [proj.actor_ids[i] for i in np.flatnonzero((proj.kind == "media_company") & (proj.needs.getnnz(axis=1) > 0))]
        rng = random.Random(1)
        latency("collaborators_for_researcher (demo)",
                [lambda p=p: service.collaborators_for_researcher(proj, p, 10, STAFF) for p in rng.choices(people, k=n)]
                if people else [])
        latency("researchers_for_needs (demo)",
                [lambda o=o: service.researchers_for_needs(proj, o, 10, STAFF) for o in rng.choices(media, k=n)]
                if media else [])
        store.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=str(default_dir()))
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--no-stores", action="store_true", help="build only from importer records")
    ap.add_argument("--neo4j", action="store_true", help="also import into and build from Neo4j")
    args = ap.parse_args(argv)
    logging.getLogger("neo4j").setLevel(logging.ERROR)  # driver notices about absent relationship types
    print(f"CPU cores: {os.cpu_count()}; load average: {os.getloadavg()[0]:.1f}")

    started = time.perf_counter()
    records = read_cordis(args.dir)
    print(f"{'read CORDIS records':<44} {time.perf_counter() - started:7.1f} s")
    proj = timed_build("projection from records (full CORDIS)", lambda: projection_from_records(records))
    del records
    query_benchmarks(proj, args.queries)

    if not args.no_stores:
        from kim_network.importers.records import import_cordis
        from kim_network.store.sqlite import SQLiteStore

        with tempfile.TemporaryDirectory() as tmp:
            store = SQLiteStore(str(Path(tmp) / "cordis.sqlite3"))
            store.migrate()
            t = time.perf_counter()
            import_cordis(store, args.dir)
            print(f"{'import into SQLite (not part of the build)':<44} {time.perf_counter() - t:7.1f} s")
            timed_build("projection from SQLite export", lambda: projection_from_store(store))
            store.close()
        if args.neo4j:
            from kim_network.store.neo4j import Neo4jStore

            store = Neo4jStore(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
                               os.environ.get("NEO4J_USER", "neo4j"),
                               os.environ.get("NEO4J_PASSWORD", "kim-dev-password"))
            try:
                if store.count_nodes(Label.ORGANIZATION):
                    print("Neo4j holds data already; skipped (use an empty database)")
                else:
                    store.migrate()
                    t = time.perf_counter()
                    import_cordis(store, args.dir)
                    print(f"{'import into Neo4j (not part of the build)':<44} {time.perf_counter() - t:7.1f} s")
                    timed_build("projection from Neo4j export", lambda: projection_from_store(store))
                    store.clear()
            finally:
                store.close()
    person_benchmarks(max(20, args.queries // 4))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
