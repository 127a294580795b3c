"""Benchmark the matching engine on the full CORDIS graph: `kim partners` against the plain standard hybrid.

1. **Side by side, one run** (issue 11): the same 2,000 hidden-partner queries (projects
   signed in 2024, each member with earlier projects hidden once, the others given as
   partners) answered by
   - a plain script of the standard hybrid (TF-IDF + Adamic–Adar, `baselines.StandardHybrid`),
     fit included: it reads the CORDIS folder, fits on projects up to 2023 and ranks;
   - `flask --app app kim partners` in a fresh process on a SQLite store holding CORDIS up to
     2023 (the import is not timed): once cold (the projection is built from the store and
     published into the shared folder) and once warm (the published projection is mapped, as
     after a server restart).
   Both wall times and CPU times, the time per query, Hits@10 of both on these queries, and the load
   average before and after each.
2. **The projection**: build time and memory from records and from the SQLite export, with
   the time of each precomputed part (EASE, RP3β, embedding) and the size of each.
3. **Latency per recommendation kind** (p50/p95) on the built projection (people-based lists
   on the demo ecosystem: CORDIS has no people). `--neo4j` also imports into an empty Neo4j
   and builds from its export (the data is removed again afterwards).

BLAS and OpenMP are pinned to one thread (threadpoolctl and the environment of the child
process): OpenBLAS's second thread spins and doubles the time on a loaded machine.

    .venv/bin/python scripts/bench_matching.py [--queries 2000] [--skip-latency] [--neo4j] [--dir CORDIS_DIR]
"""
from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kim_network.core.model import Label, Rel  # noqa: E402
from kim_network.core.visibility import STAFF  # noqa: E402
from kim_network.importers.cordis import default_dir, read_cordis  # noqa: E402
from kim_network.matching import baselines, ltr_model  # noqa: E402
from kim_network.matching import recommenders as service  # noqa: E402
from kim_network.matching.consortium import build_consortia  # noqa: E402
from kim_network.matching.projection_build import projection_from_records, projection_from_store  # noqa: E402

UNTIL = "2023-12-31"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (5 min {five:.1f})"


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
          f"{proj.n_actors:,} actors, {len(proj.project_ids):,} projects; {load()}")
    parts = ", ".join(f"{k} {v:.1f} s" for k, v in proj.build_timings.items())
    sizes = {"EASE": proj.ease.weights.nbytes if proj.ease is not None else 0,
             "RP3β": (proj.rp3.data.nbytes + proj.rp3.indices.nbytes + proj.rp3.indptr.nbytes) if proj.rp3 is not None else 0,
             "embedding": proj.embedding.nbytes if proj.embedding is not None else 0}
    print(f"{'':<44} parts: {parts}; sizes: " + ", ".join(f"{k} {v / 2**20:.0f} MB" for k, v in sizes.items())
          + f" (EASE items: {len(proj.ease.items) if proj.ease is not None else 0:,})")
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
          f"max {t.max():7.1f} ms; {load()}")


# -- the side-by-side run -------------------------------------------------------------------
def hidden_partner_queries(records, n: int, seed: int = 11) -> list[dict]:
    """`kim partners` lines for 2024 projects: each member with earlier projects hidden once."""
    projects = {p["id"]: p for p in records.nodes[Label.PROJECT]}
    labels = {s["id"]: s for s in records.nodes[Label.SKILL] if s.get("source") == "euroscivoc"}
    members: dict[str, list[str]] = {}
    for e in records.edges[Rel.PARTICIPATED_IN]:
        if e.get("role", "participant") in ("coordinator", "participant"):
            members.setdefault(e["target"], []).append(e["source"])
    history = set()
    for e in records.edges[Rel.PARTICIPATED_IN]:
        if (projects[e["target"]].get("signed_date") or "") <= UNTIL:
            history.add(e["source"])
    esv: dict[str, list[str]] = {}
    for e in records.edges[Rel.REQUIRES]:
        if e["target"] in labels:
            esv.setdefault(e["source"], []).append(labels[e["target"]]["label_en"])
    lines = []
    for pid in sorted(projects):
        p = projects[pid]
        if not (p.get("signed_date") or "").startswith("2024") or len(members.get(pid, [])) < 3:
            continue
        for hidden in members[pid]:
            if hidden not in history:
                continue
            line = {k: p[k] for k in ("title", "keywords", "objective", "topic", "topic_title") if p.get(k)}
            line.update(id=f"{pid}:{hidden}", euroscivoc=esv.get(pid, []), k=10,
                        partners=[m for m in members[pid] if m != hidden], _hidden=hidden)
            lines.append(line)
    random.Random(seed).shuffle(lines)
    return lines[:n]


def plain_hybrid(folder: str, queries: list[dict]) -> tuple[float, float, list[list[str]]]:
    """The plain standard hybrid, fit included: read, fit on projects up to 2023, rank each query.

    Returns the wall time, the CPU time (of this process) and the top 10 of each query.
    """
    started, cpu = time.perf_counter(), time.process_time()
    records = read_cordis(folder)
    corpus = baselines.corpus_from_records(records, UNTIL)
    hybrid = baselines.StandardHybrid(corpus)
    tops = []
    for q in queries:
        partners = [corpus.org_index[p] for p in q["partners"] if p in corpus.org_index]
        text = baselines.standard_text(q, q.get("euroscivoc") or [])
        candidates = hybrid.candidates(partners)
        scores = np.where(candidates, hybrid.scores(text, partners, candidates), -np.inf)
        top = np.argpartition(-scores, 10)[:10]
        tops.append([corpus.org_ids[i] for i in top[np.argsort(-scores[top])]])
    return time.perf_counter() - started, time.process_time() - cpu, tops


def cordis_store(folder: str, path: Path) -> None:
    """A SQLite store with CORDIS projects signed up to 2023 (taxonomy as `kim import-cordis` does)."""
    from kim_network.core.taxonomy import match_term, seed_taxonomy
    from kim_network.importers.records import write_records
    from kim_network.matching.projection_build import records_graph
    from kim_network.store.sqlite import SQLiteStore

    records = read_cordis(folder, match_term=match_term)
    nodes, edges = records_graph(records, UNTIL)
    kept = type(records)()
    for label, props in nodes:
        kept.nodes[Label(label)].append(props)
    for edge in edges:
        rel = Rel(edge.pop("type"))
        kept.edges[rel].append(edge)
    store = SQLiteStore(str(path))
    store.migrate()
    seed_taxonomy(store)
    write_records(store, kept)
    store.close()


def child_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def kim_partners(workdir: Path, queries_path: Path, out_path: Path) -> tuple[float, float, str]:
    """Wall and CPU seconds of one `kim partners` run in a fresh process, and where its wall time
    went: start-up (Python, imports, the app), mapping or building the projection, loading the
    models, ranking (with writing)."""
    env = {**os.environ, "KIM_DEMO": "1", "KIM_DATA_DIR": str(workdir), "KIM_SQLITE_PATH": str(workdir / "kim.sqlite3"),
           "KIM_SHARED_DIR": str(workdir / "shared"), "KIM_WARM_UP": "0"}
    env.pop("NEO4J_URI", None)
    started, cpu = time.perf_counter(), child_cpu()
    result = subprocess.run([sys.executable, "-m", "flask", "--app", str(ROOT / "app.py"), "kim", "partners",
                             str(queries_path), "--out", str(out_path), "--timings"], env=env, cwd=str(ROOT),
                            capture_output=True, text=True)
    seconds, cpu = time.perf_counter() - started, child_cpu() - cpu
    if result.returncode != 0:
        raise SystemExit(f"kim partners failed:\n{result.stderr[-2000:]}")
    parts = {}
    for line in result.stderr.splitlines():
        if line.startswith("timings: "):
            for part in line[len("timings: "):].split(", "):
                name, _, value = part.rpartition(" ")[0].rpartition(" ")
                parts[name] = float(value)
    inside = sum(parts.values())
    breakdown = f"start-up {seconds - inside:.1f} s, " + ", ".join(f"{k} {v:.1f} s" for k, v in parts.items())
    return seconds, cpu, breakdown


def hits(tops: list[list[str]], queries: list[dict]) -> float:
    return float(np.mean([q["_hidden"] in top[:10] for q, top in zip(queries, tops)])) if queries else 0.0


def seen_by_ranker() -> str:
    """A warning when the shipped ranker has seen these queries' year (its Hits@10 here is then in-sample)."""
    meta = json.loads(ltr_model.MODEL_FILES["partners"].read_text(encoding="utf-8")).get("meta", {})
    if "2024" in meta.get("trained_on", ""):
        return " (in-sample: the shipped ranker was refitted on 2024; docs/evaluation.md has the out-of-sample figures)"
    return ""


def side_by_side(folder: str, n: int) -> None:
    print(f"== kim partners vs the plain standard hybrid, {n} hidden-partner queries (2024 projects, "
          f"history up to {UNTIL}) ==")
    queries = hidden_partner_queries(read_cordis(folder), n)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        cordis_store(folder, work / "kim.sqlite3")
        print(f"SQLite store with CORDIS up to {UNTIL} (not timed): {time.perf_counter() - t:.0f} s; {load()}")
        qpath = work / "queries.jsonl"
        with qpath.open("w", encoding="utf-8") as handle:
            for q in queries:
                handle.write(json.dumps({k: v for k, v in q.items() if k != "_hidden"}, ensure_ascii=False) + "\n")
        print(f"  before the plain script: {load()}")
        plain_s, plain_cpu, plain_tops = plain_hybrid(folder, queries)
        print(f"plain standard hybrid (read + fit + rank)   {plain_s:7.1f} s   {plain_s / len(queries) * 1000:6.1f} ms/query"
              f" (CPU {plain_cpu / len(queries) * 1000:5.1f} ms/query)   Hits@10 {hits(plain_tops, queries):.3f}; "
              f"after: {load()}")
        runs = {}
        for label in ("cold: builds and publishes the projection", "warm: maps the published projection"):
            out = work / "out.jsonl"
            seconds, cpu, breakdown = kim_partners(work, qpath, out)
            rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            tops = [[r["id"] for r in row.get("ranking", [])] for row in rows]
            runs[label] = seconds, cpu
            print(f"kim partners, {label:<38} {seconds:7.1f} s   {seconds / len(queries) * 1000:6.1f} ms/query "
                  f"(CPU {cpu / len(queries) * 1000:5.1f} ms/query)   Hits@10 {hits(tops, queries):.3f}{seen_by_ranker()}; "
                  f"after: {load()}")
            print(f"{'':<14}wall time: {breakdown}")
        # Wall times swing with the load of a shared machine; CPU times much less.
        for label, (seconds, cpu) in runs.items():
            print(f"ratio kim partners ({label.split(':')[0]}) / plain: {seconds / plain_s:.2f}x wall, "
                  f"{cpu / plain_cpu:.2f}x CPU (target <= 1.5x)")


# -- latency of every kind of recommendation ---------------------------------------------------
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
    latency("partners_for_project_idea (text only)",
            [lambda t=t: service.partners_for_project_idea(proj, t, k=10, viewer=STAFF) for t, _p in ideas])
    latency("similar_organizations", [lambda o=o: service.similar_organizations(proj, o, 10, STAFF) for o in sample])
    calls = []
    for _ in range(max(1, n // 10)):
        req = {"skills": [proj.skill_ids[s] for s in rng.sample(skills, min(4, len(skills)))], "min_size": 4,
               "max_size": 6, "min_sme": 1, "min_university": 1, "lead_region": "DE2"}
        calls.append(lambda req=req: build_consortia(proj, req, 3, STAFF))
    latency("build_consortia (4 skills, 3 teams)", calls)


def person_benchmarks(n: int) -> None:
    """People are not in CORDIS: the person-based lists are timed on the demo ecosystem."""
    from kim_network import demo
    from kim_network.store.sqlite import SQLiteStore

    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(str(Path(tmp) / "demo.sqlite3"))
        store.migrate()
        demo.seed(store, demo.DEFAULT_SEED)
        proj = projection_from_store(store)
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


def neo4j_build(folder: str) -> None:
    """Import into an empty Neo4j (NEO4J_URI / NEO4J_USER / NEO4J_PASSWORD), build, remove the data again."""
    import logging

    from kim_network.importers.records import import_cordis
    from kim_network.store.neo4j import Neo4jStore

    logging.getLogger("neo4j").setLevel(logging.ERROR)
    store = Neo4jStore(os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"), os.environ.get("NEO4J_USER", "neo4j"),
                       os.environ.get("NEO4J_PASSWORD", "kim-dev-password"))
    try:
        if store.count_nodes(Label.ORGANIZATION):
            print("Neo4j holds data already; skipped (use an empty database)")
            return
        store.migrate()
        t = time.perf_counter()
        import_cordis(store, folder)
        print(f"{'import into Neo4j (not part of the build)':<44} {time.perf_counter() - t:7.1f} s")
        timed_build("projection from the Neo4j export", lambda: projection_from_store(store))
        store.clear()
    finally:
        store.close()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", default=str(default_dir()))
    ap.add_argument("--queries", type=int, default=2000, help="queries of the side-by-side run")
    ap.add_argument("--latency-queries", type=int, default=200)
    ap.add_argument("--skip-latency", action="store_true")
    ap.add_argument("--skip-side-by-side", action="store_true")
    ap.add_argument("--neo4j", action="store_true", help="also import into and build from an empty Neo4j")
    args = ap.parse_args(argv)
    threadpool_limits(1)
    print(f"CPU cores: {os.cpu_count()}; {load()}; BLAS/OpenMP pinned to one thread")
    if not args.skip_side_by_side:
        side_by_side(args.dir, args.queries)
    print("== the projection (full CORDIS) ==")
    started = time.perf_counter()
    records = read_cordis(args.dir)
    print(f"{'read CORDIS records':<44} {time.perf_counter() - started:7.1f} s")
    proj = timed_build("projection from records", lambda: projection_from_records(records))
    with tempfile.TemporaryDirectory() as tmp:
        from kim_network.importers.records import import_cordis
        from kim_network.store.sqlite import SQLiteStore

        store = SQLiteStore(str(Path(tmp) / "cordis.sqlite3"))
        store.migrate()
        t = time.perf_counter()
        import_cordis(store, args.dir)
        print(f"{'import into SQLite (not part of the build)':<44} {time.perf_counter() - t:7.1f} s")
        timed_build("projection from the SQLite export", lambda: projection_from_store(store))
        store.close()
    if args.neo4j:
        neo4j_build(args.dir)
    if not args.skip_latency:
        print("== latency per recommendation (full CORDIS projection) ==")
        query_benchmarks(proj, args.latency_queries)
        person_benchmarks(max(20, args.latency_queries // 4))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
