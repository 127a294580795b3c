"""Writing graph records into a store in a safe order, and the CORDIS import built on it.

Nodes go in before relationships (referenced labels first), in batches that are each
their own transaction. An import killed midway therefore leaves only whole batches, and
no relationship without both ends, so it can simply be run again: every write is an
upsert by id.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from kim_network.core.model import GRAPH_LABELS, Label, Rel, chunked
from kim_network.importers.cordis import GraphRecords

# Referenced labels first, so a batch of relationships finds its endpoints.
NODE_ORDER = (
    Label.REGION,
    Label.SKILL,
    Label.ORGANIZATION,
    Label.PERSON,
    Label.PROJECT,
    Label.CALL,
    Label.EVENT,
    Label.ACCOUNT,
    Label.INTRODUCTION,
    Label.FEEDBACK,
    Label.NOTIFICATION,
    Label.TEAM,
    Label.AUDIT,
)
EDGE_ORDER = (
    Rel.PART_OF,
    Rel.BROADER,
    Rel.LOCATED_IN,
    Rel.WORKS_AT,
    Rel.PARTICIPATED_IN,
    Rel.REQUIRES,
    Rel.HAS_SKILL,
    Rel.OFFERS,
    Rel.NEEDS,
    Rel.ATTENDED,
)
BATCH_SIZE = 2000

# progress(phase, rows_done_in_phase, rows_in_phase)
Progress = Callable[[str, int, int], None]


@dataclass
class Phase:
    """One label or relationship type written: rows offered, rows the store wrote, seconds."""

    name: str
    rows: int
    written: int
    seconds: float


@dataclass
class WriteReport:
    phases: list[Phase] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.phases)


def total_rows(records: GraphRecords) -> int:
    return sum(len(r) for r in records.nodes.values()) + sum(len(r) for r in records.edges.values())


def write_records(
    store,
    records: GraphRecords,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> WriteReport:
    """Upsert every node, then every relationship, batch by batch; report per phase.

    Relationship rows whose endpoints are missing are skipped by the store, so `written`
    may be lower than `rows` for edges.
    """
    report = WriteReport()
    jobs = [(label, records.nodes.get(label) or [], store.upsert_nodes) for label in NODE_ORDER]
    jobs += [(rel, records.edges.get(rel) or [], store.upsert_edges) for rel in EDGE_ORDER]
    for kind, rows, upsert in jobs:
        if not rows:
            continue
        started = time.perf_counter()
        done = written = 0
        for batch in chunked(rows, batch_size):
            written += upsert(kind, batch)
            done += len(batch)
            if progress:
                progress(kind.value, done, len(rows))
        report.phases.append(Phase(kind.value, len(rows), written, time.perf_counter() - started))
    return report


def graph_counts(store) -> dict[str, int]:
    """Nodes per graph label and relationships per type, for before/after summaries."""
    out = {label.value: store.count_nodes(label) for label in GRAPH_LABELS}
    out.update({rel.value: store.count_edges(rel) for rel in Rel})
    return out


@dataclass
class CordisImport:
    """What `import_cordis` did: phase timings and the counts before and after."""

    folder: Path
    before: dict[str, int]
    after: dict[str, int]
    read_seconds: float
    taxonomy_seconds: float
    write: WriteReport
    dropped: dict[str, int] = field(default_factory=dict)  # invalid values left out, per property

    @property
    def seconds(self) -> float:
        return self.read_seconds + self.taxonomy_seconds + self.write.seconds


def import_cordis(
    store,
    folder: str | Path | None = None,
    progress: Progress | None = None,
    on_read: Callable[[GraphRecords], None] | None = None,
) -> CordisImport:
    """Seed the curated taxonomy, read a CORDIS folder and write it into `store`.

    Raises `CordisFormatError` (before anything is written) for a folder that is not in
    the CORDIS format. `on_read` sees the records once they are read (e.g. to size a
    progress bar).
    """
    from kim_network.core.taxonomy import match_term, seed_taxonomy
    from kim_network.importers.cordis import default_dir, read_cordis

    folder = Path(folder) if folder else default_dir()
    before = graph_counts(store)
    started = time.perf_counter()
    records = read_cordis(folder, match_term=match_term)
    read_seconds = time.perf_counter() - started
    if on_read:
        on_read(records)
    started = time.perf_counter()
    seed_taxonomy(store)
    taxonomy_seconds = time.perf_counter() - started
    write = write_records(store, records, progress)
    return CordisImport(folder, before, graph_counts(store), read_seconds, taxonomy_seconds, write,
                        dict(records.dropped))
