"""What the bench scripts share: BLAS pinned to one thread and the repository on the path (on
import, before numpy is), the load average printed beside every figure, percentiles, and the
`--sqlite PATH --neo4j URI --no-sqlite` choice of stores.

    >>> percentiles([5.0, 1.0, 3.0, 2.0, 4.0])
    (3.0, 5.0)
    >>> load().startswith("load ")
    True
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load() -> str:
    return "load %.2f %.2f %.2f" % os.getloadavg()


def percentiles(times: list[float]) -> tuple[float, float]:
    """(median, p95) of the timings."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered), p95


def store_arguments(parser: argparse.ArgumentParser, neo4j_help: str) -> argparse.ArgumentParser:
    """Add --sqlite (default: the app's database under $KIM_DATA_DIR), --neo4j and --no-sqlite."""
    parser.add_argument("--sqlite", default=os.path.join(os.environ.get("KIM_DATA_DIR", "instance"),
                                                         "kim_network.sqlite3"))
    parser.add_argument("--neo4j", help=neo4j_help)
    parser.add_argument("--no-sqlite", action="store_true")
    return parser


def open_store(kind: str, where: str):
    """A store of `kind` ("sqlite": a file path, "neo4j": a bolt URI, password from NEO4J_PASSWORD)."""
    if kind == "neo4j":
        from kim_network.store.neo4j import Neo4jStore

        return Neo4jStore(where, "neo4j", os.environ["NEO4J_PASSWORD"])
    from kim_network.store.sqlite import SQLiteStore

    return SQLiteStore(where)
