"""Search timings: facet-index build and faceted queries on a synthetic graph (prints numbers).

    .venv/bin/python scripts/bench_search.py [--orgs 20000] [--people 10000] [--neo4j bolt://...]

Builds a fictional graph of organisations, people and a three-level skill taxonomy in a
temporary SQLite store (or a given, empty Neo4j), then times the first search (index
build), repeated searches with and without text and filters, and a search after a write.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from kim_network.core.model import ORG_KINDS, REGIERUNGSBEZIRKE, Label, Rel  # noqa: E402
from kim_network.services.search import IndexCache, SearchQuery, search  # noqa: E402
from kim_network.core.visibility import Viewer  # noqa: E402

WORDS = ["Audio", "Video", "Sprache", "Bild", "Archiv", "Nachrichten", "Radio", "Verlag", "Daten",
         "Studio", "Medien", "Film", "Podcast", "Text", "Analyse", "Cloud", "Untertitel", "Dialekt"]
CITIES = ["München", "Nürnberg", "Augsburg", "Regensburg", "Würzburg", "Passau", "Bamberg", "Ingolstadt"]


def build(store, n_orgs: int, n_people: int, rng: random.Random) -> None:
    skills, broader = [], []
    for i in range(300):
        skills.append({"id": f"s{i}", "label_de": f"{rng.choice(WORDS)}-Kompetenz {i}",
                       "label_en": f"{rng.choice(WORDS)} skill {i}", "source": "kim"})
        if i >= 10:
            broader.append({"source": f"s{i}", "target": f"s{i // 10 if i >= 100 else i % 10}"})
    store.upsert_nodes(Label.SKILL, skills)
    store.upsert_edges(Rel.BROADER, broader)
    regions = list(REGIERUNGSBEZIRKE)
    store.upsert_nodes(Label.ORGANIZATION, (
        {"id": f"o{i}", "name": f"{rng.choice(WORDS)} {rng.choice(WORDS)} {i}", "kind": rng.choice(ORG_KINDS),
         "sme": rng.random() < 0.6, "region": rng.choice(regions), "city": rng.choice(CITIES),
         "visibility": rng.choice(["public", "public", "members", "staff"]),
         "description_de": " ".join(rng.choices(WORDS, k=12))} for i in range(n_orgs)))
    store.upsert_nodes(Label.PERSON, (
        {"id": f"p{i}", "name": f"Person {i}", "kind": "researcher", "region": rng.choice(regions),
         "visibility": "public", "description_de": " ".join(rng.choices(WORDS, k=8))} for i in range(n_people)))
    edges = [{"source": f"o{i}", "target": f"s{rng.randrange(300)}"} for i in range(n_orgs) for _ in range(4)]
    store.upsert_edges(Rel.OFFERS, edges)
    store.upsert_edges(Rel.HAS_SKILL, [{"source": f"p{i}", "target": f"s{rng.randrange(300)}",
                                        "source_label": "Person"} for i in range(n_people)])


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=20000)
    parser.add_argument("--people", type=int, default=10000)
    parser.add_argument("--neo4j", help="bolt URI of an EMPTY Neo4j (password from NEO4J_PASSWORD)")
    args = parser.parse_args()
    rng = random.Random(7)
    if args.neo4j:
        from kim_network.store.neo4j import Neo4jStore

        store = Neo4jStore(args.neo4j, "neo4j", os.environ["NEO4J_PASSWORD"])
    else:
        from kim_network.store.sqlite import SQLiteStore

        store = SQLiteStore(os.path.join(tempfile.mkdtemp(), "bench.sqlite3"))
    store.migrate()
    start = time.perf_counter()
    build(store, args.orgs, args.people, rng)
    print(f"{store.backend}: {args.orgs:,} organisations, {args.people:,} people written in "
          f"{time.perf_counter() - start:.1f} s")

    cache = IndexCache()
    member = Viewer(role="member", account_id="a1", organization_id="o1")
    start = time.perf_counter()
    search(store, member, SearchQuery(), cache=cache)
    print(f"first search (index build)          {(time.perf_counter() - start) * 1000:8.0f} ms")
    cases = {
        "all members, page 1": SearchQuery(),
        "all members, page 50": SearchQuery(page=50),
        "text 'Audio'": SearchQuery(text="Audio"),
        "text 'Audio Archiv' + SME + region": SearchQuery(text="Audio Archiv", sme=True, region="DE21"),
        "skill s1 (with narrower)": SearchQuery(skill="s1"),
    }
    for name, query in cases.items():
        ms, result = timed(lambda q=query: search(store, member, q, cache=cache))
        print(f"{name:<36} {ms:8.1f} ms  ({result.total:,} results)")
    store.update_node(Label.ORGANIZATION, "o1", {"city": "Kempten"})
    start = time.perf_counter()
    search(store, member, SearchQuery(text="Audio"), cache=cache)
    print(f"search after a write (index rebuild) {(time.perf_counter() - start) * 1000:8.0f} ms")
    if args.neo4j:
        store.clear()
    store.close()


if __name__ == "__main__":
    main()
