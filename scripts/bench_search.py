"""Search timings on the full CORDIS import, on SQLite and Neo4j side by side (prints numbers).

    .venv/bin/python scripts/bench_search.py [--sqlite PATH] [--neo4j bolt://...] [--repeat 15]

Each store is used as it is (import once with `make import-cordis`, or this script imports
CORDIS into an empty one). Prints, with the load average beside every figure:

- the facet index build (what a cold server does once);
- p50/p95 of broad and narrow text queries, facet filters and listings (budget: broad text
  p95 <= 300 ms, a facet <= 150 ms);
- 8 concurrent searches without a write (for reference), the first search after a write, and
  8 concurrent searches after a write, with the index following the write as in the app (by a
  patch of the rows it touched; budget: 1 s, no waiting for a rebuild);
- the top results of the done-when queries ("subtitles", "Untertitel", "media").

BLAS is pinned to one thread. The Neo4j password comes from NEO4J_PASSWORD.
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time

from benchlib import load, open_store, percentiles, store_arguments

from kim_network.core.model import Label
from kim_network.core.visibility import Viewer
from kim_network.services.caches import export_cache
from kim_network.services.search import IndexCache, SearchQuery, search

MEMBER = Viewer(role="member", account_id="bench", organization_id=None)


def ensure_cordis(store) -> None:
    store.migrate()
    if store.count_nodes(Label.ORGANIZATION) >= 20_000:
        return
    from kim_network.importers.records import import_cordis

    started = time.perf_counter()
    import_cordis(store)
    print(f"  imported CORDIS in {time.perf_counter() - started:.1f} s ({load()})")


def cases(top_skill: str) -> dict[str, tuple[str, SearchQuery]]:
    return {
        "text 'energy' (broad)": ("broad", SearchQuery(text="energy")),
        "text 'climate' (broad)": ("broad", SearchQuery(text="climate")),
        "text 'health data' (broad)": ("broad", SearchQuery(text="health data")),
        "text 'artificial intelligence'": ("broad", SearchQuery(text="artificial intelligence")),
        "text 'media'": ("text", SearchQuery(text="media")),
        "text 'subtitles'": ("text", SearchQuery(text="subtitles")),
        "text 'Untertitel'": ("text", SearchQuery(text="Untertitel")),
        "text 'energy' + Bavaria": ("broad", SearchQuery(text="energy", region="DE2")),
        "text 'energy', projects": ("broad", SearchQuery(text="energy", type="project")),
        f"facet skill {top_skill}": ("facet", SearchQuery(skill=top_skill)),
        "facet Bavaria (DE2)": ("facet", SearchQuery(region="DE2")),
        "facet France, SMEs": ("facet", SearchQuery(region="FR", sme=True)),
        "facet companies": ("facet", SearchQuery(kinds=("company",))),
        "listing page 1": ("facet", SearchQuery()),
        "listing page 500": ("facet", SearchQuery(page=500)),
    }


def bench_store(kind: str, where: str, repeat: int) -> dict:
    store = open_store(kind, where)
    print(f"== {kind} ({where})")
    ensure_cordis(store)
    exports = export_cache()
    cache = IndexCache(exports=exports)  # as in the app: rebuilt in the background once slow
    started = time.perf_counter()
    index = cache.get(store, wait=True)
    print(f"  facet index build (cold start)         {(time.perf_counter() - started) * 1000:8.0f} ms  ({load()})")
    per_skill = (index.skill_counts(index.order) if hasattr(index, "skill_counts")
                 else index.skills.sum(axis=0).A1)
    top_skill = index.skill_ids[int(per_skill.argmax())]
    summary: dict[str, list[float]] = {"broad": [], "text": [], "facet": []}
    for name, (group, query) in cases(top_skill).items():
        search(store, MEMBER, query, cache=cache)  # warm the query's pages
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            result = search(store, MEMBER, query, cache=cache)
            times.append((time.perf_counter() - t0) * 1000)
        p50, p95 = percentiles(times)
        summary[group].append(p95)
        print(f"  {name:<38} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms  ({result.total:>6,} results, {load()})")

    def eight() -> list[float]:
        """8 concurrent searches; the process's CPU time over them (every thread) is kept in `cpu`."""
        times: list[float] = []
        cpu0 = time.process_time()

        def one() -> None:
            t = time.perf_counter()
            search(store, MEMBER, SearchQuery(text="climate"), cache=cache)
            times.append((time.perf_counter() - t) * 1000)

        threads = [threading.Thread(target=one) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        cpu[:] = [(time.process_time() - cpu0) * 1000]
        return times

    cpu: list[float] = [0.0]

    reference = eight()
    print(f"  8 concurrent searches, no write        max {max(reference):6.0f} ms  "
          f"median {statistics.median(reference):6.0f} ms  cpu {cpu[0]:6.0f} ms  ({load()})")

    # A write, then searches at once: the index follows it by a patch (or is rebuilt in the
    # background meanwhile when a patch cannot follow).
    org = index.key(int(index.order[0]))[1]
    store.update_node(Label.ORGANIZATION, org, {"description_en": f"benchmark write {time.time()}"})
    t0 = time.perf_counter()
    search(store, MEMBER, SearchQuery(text="energy"), cache=cache)
    first = (time.perf_counter() - t0) * 1000
    followed = "patched" if getattr(cache.get(store), "patched", None) is not None else "stale while rebuilt"
    print(f"  first search after a write             {first:8.0f} ms  ({followed}; {load()})")
    cache.wait_idle()
    store.update_node(Label.ORGANIZATION, org, {"description_en": f"benchmark write {time.time()}"})
    concurrent = eight()
    print(f"  8 concurrent searches after a write    max {max(concurrent):6.0f} ms  "
          f"median {statistics.median(concurrent):6.0f} ms  cpu {cpu[0]:6.0f} ms  ({load()})")
    cpu0 = time.process_time()
    cache.wait_idle()
    print(f"  then until the index is current        cpu {(time.process_time() - cpu0) * 1000:6.0f} ms")
    store.update_node(Label.ORGANIZATION, org, {"description_en": None})

    for text in ("subtitles", "Untertitel", "media"):
        result = search(store, MEMBER, SearchQuery(text=text, per_page=5), cache=cache, lang="en")
        print(f"  top 5 for {text!r}:")
        for item in result.items:
            why = item.why
            where = (why.project_name or why.skill_name or why.field or "") if why else ""
            print(f"     {item.name[:60]:<60} [{item.node.get('kind')}] via {why.kind if why else '-'} {where}")
    cache.wait_idle()
    store.close()
    return {group: max(values) for group, values in summary.items() if values}


def main() -> None:
    parser = store_arguments(argparse.ArgumentParser(description=__doc__.splitlines()[0]),
                             "bolt URI of a Neo4j (with CORDIS imported, or empty)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    results = {}
    if not args.no_sqlite:
        results["sqlite"] = bench_store("sqlite", args.sqlite, args.repeat)
    if args.neo4j:
        results["neo4j"] = bench_store("neo4j", args.neo4j, args.repeat)
    print("== worst p95 per group (budget: broad text 300 ms, facet 150 ms)")
    for kind, groups in results.items():
        print("  " + kind + ": " + ", ".join(f"{g} {v:.0f} ms" for g, v in groups.items()))


if __name__ == "__main__":
    main()
