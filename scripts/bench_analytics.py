"""Time every analytics result and the map on the CORDIS graph (or a store) and print the numbers.

    .venv/bin/python scripts/bench_analytics.py                # CORDIS records from ../shared/data/...
    .venv/bin/python scripts/bench_analytics.py --dir PATH     # another CORDIS folder
    .venv/bin/python scripts/bench_analytics.py --store        # the configured store (after `kim import-cordis`)

Target: all analytics (ecosystem, communities, centrality, report) ready in under 10 s on 2 cores.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kim_network.analytics import mapdata, mapserve  # noqa: E402
from kim_network.analytics.snapshot import EXPORT_LABELS, EXPORT_RELS, build_snapshot, compute_report  # noqa: E402
from kim_network.core.visibility import STAFF, Viewer  # noqa: E402


def _records(folder):
    from kim_network.importers.cordis import read_cordis

    rec = read_cordis(folder)
    nodes = [(label, props) for label, rows in rec.nodes.items() for props in rows]
    edges = [{"type": rel, **row} for rel, rows in rec.edges.items() for row in rows]
    return nodes, edges


def _store_records():
    from kim_network.config import Config
    from kim_network.store import open_store

    config = Config()
    store = open_store(config.as_dict())
    return list(store.export_nodes(EXPORT_LABELS)), list(store.export_edges(EXPORT_RELS))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="CORDIS folder (default: ../shared/data/cordis-horizon-europe-2021-2024)")
    parser.add_argument("--store", action="store_true", help="read the configured store instead of CSV files")
    args = parser.parse_args()

    print(f"load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    started = time.perf_counter()
    nodes, edges = _store_records() if args.store else _records(args.dir)
    print(f"read {len(nodes):,} nodes and {len(edges):,} edges in {time.perf_counter() - started:.1f} s "
          f"({'store export' if args.store else 'CORDIS CSV'}; not part of the analytics budget)")

    for name, viewer in (("staff", STAFF), ("member", Viewer(role="member"))):
        started, cpu = time.perf_counter(), time.process_time()
        snap = build_snapshot(nodes, edges, viewer)
        report = compute_report(snap)
        analytics, analytics_cpu = time.perf_counter() - started, time.process_time() - cpu
        t = snap.timings
        print(f"\n[{name} view] {len(snap.eco.members):,} members, {snap.eco.graph.number_of_nodes():,} graph nodes, "
              f"{snap.eco.graph.number_of_edges():,} edges, {report['totals']['communities']:,} communities")
        print(f"  ecosystem    {t['ecosystem']:6.2f} s")
        print(f"  communities  {t['communities']:6.2f} s   (Louvain, seed 42)")
        print(f"  centrality   {t['centrality']:6.2f} s   (degree + betweenness, sampled above 3,000 nodes)")
        print(f"  report       {t['report']:6.2f} s   (hubs, brokers, weak ties, skills, bridges, growth, funnel, actions)")
        print(f"  ALL ANALYTICS {analytics:5.2f} s   {'OK' if analytics < 10 else 'OVER'} (target < 10 s; "
              f"CPU {analytics_cpu:.2f} s: wall above CPU means other processes shared the cores)")
        for scope in ("germany", "bavaria"):
            started = time.perf_counter()
            scoped = compute_report(snap, scope=scope)
            print(f"  report {scope:<8}{time.perf_counter() - started:5.2f} s   ({scoped['totals']['members']:,} members, "
                  f"{len(scoped['legend'])} communities in the legend; load {os.getloadavg()[0]:.1f})")
        started, cpu = time.perf_counter(), time.process_time()
        graph = mapdata.build_map(snap.eco, snap.communities, snap.centrality)
        layout, layout_cpu = time.perf_counter() - started, time.process_time() - cpu
        started = time.perf_counter()
        served = mapserve.ServedMap.of(graph, snap.eco, {})  # the map in arrays, as workers serve it
        overview = mapserve.select(served)
        bavaria = mapserve.select(served, region="DE2")
        hub = report["hubs_brokers"]["hubs"][0]["key"] if report["hubs_brokers"]["hubs"] else None
        focus = mapserve.select(served, focus=hub, depth=1) if hub else {"nodes": []}
        select = time.perf_counter() - started
        print(f"  map layout   {layout:6.2f} s   (CPU {layout_cpu:.2f} s; {len(graph.nodes):,} map nodes, {len(graph.edges):,} edges)")
        print(f"  map queries  {select:6.2f} s   (overview {overview['meta']['shown']:,} of {overview['meta']['total']:,} nodes, "
              f"Bavaria {bavaria['meta']['total']:,}, focus {len(focus['nodes']):,})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
