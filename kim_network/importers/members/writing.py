"""Writing validated member rows: nodes first, then relationships; what is stored already is skipped."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kim_network.core import taxonomy
from kim_network.core.model import Label, Rel, validate_edge
from kim_network.importers.cordis import GraphRecords
from kim_network.importers.members.checks import validate_member_file
from kim_network.importers.members.files import KINDS
from kim_network.importers.members.rows import LABEL_OF_KIND, MemberRow, RowError, StoredNodes
from kim_network.importers.records import write_records


@dataclass
class MemberImport:
    """What `import_member_file` did. Nothing was written when `written` is False."""

    errors: list[RowError]
    written: bool
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seeded_taxonomy: bool = False


def _same(stored: dict | None, wanted: dict) -> bool:
    return stored is not None and all(stored.get(k) == v for k, v in wanted.items())


def _seed_missing_skills(store, rows_by_kind: dict[str, list[MemberRow]]) -> bool:
    """Skills the rows reference but the store lacks can only be curated ones: seed them."""
    refs = {edge["target"] for rows in rows_by_kind.values() for r in rows
            for rel, edge in r.edges if rel in (Rel.NEEDS, Rel.OFFERS, Rel.BROADER)}
    in_file = {r.node["id"] for r in rows_by_kind.get("skills", [])}
    if refs - in_file - set(store.get_nodes(Label.SKILL, list(refs))):
        taxonomy.seed_taxonomy(store)
        return True
    return False


def _stored_regions(store, rows_by_kind: dict[str, list[MemberRow]]) -> set[str]:
    codes = {r.node.get("nuts3") or r.node.get("region") for r in rows_by_kind.get("organizations", [])}
    codes.discard(None)
    return set(store.get_nodes(Label.REGION, list(codes))) if codes else set()


def _edges_of(row: MemberRow, regions: set[str]) -> list[tuple[Rel, dict]]:
    """The row's relationships, plus LOCATED_IN for an organisation in a stored region."""
    edges = list(row.edges)
    if row.kind == "organizations":
        for code in (row.node.get("nuts3"), row.node.get("region")):
            if code and code in regions:
                edges.append((Rel.LOCATED_IN, {"source": row.node["id"], "target": code}))
                break
    return edges


def _edge_is_stored(store, rel: Rel, edge: dict) -> tuple[bool, bool]:
    """(exists, exists with exactly these properties)."""
    current = validate_edge(rel, edge)
    existing = [e for e in store.edges(current["source_label"], current["source"], rel)
                if e.target == current["target"] and e.target_label == current["target_label"].value]
    same = bool(existing) and all(existing[0].props.get(k) == v for k, v in current["props"].items())
    return bool(existing), same


def write_member_rows(store, rows_by_kind: dict[str, list[MemberRow]]) -> MemberImport:
    """Write validated rows: nodes first, then relationships; skip what is already stored."""
    result = MemberImport(errors=[], written=True)
    records = GraphRecords()
    stored = StoredNodes(store)
    for kind, rows in rows_by_kind.items():
        if kind in LABEL_OF_KIND:
            stored.fetch(LABEL_OF_KIND[kind], [r.node["id"] for r in rows])
    result.seeded_taxonomy = _seed_missing_skills(store, rows_by_kind)
    regions = _stored_regions(store, rows_by_kind)

    for kind in KINDS:
        for row in rows_by_kind.get(kind, []):
            changed = False
            if row.node is not None:
                label = LABEL_OF_KIND[kind]
                before = stored.get(label, row.node["id"])
                if not _same(before, row.node):
                    records.nodes[label].append(row.node)
                    changed = True
                    (result.updated if before else result.created)[kind] += 1
            for rel, edge in _edges_of(row, regions) if row.node is not None else row.edges:
                exists, same = _edge_is_stored(store, rel, edge)
                if same:
                    continue
                records.edges[rel].append(edge)
                if row.node is None:
                    (result.updated if exists else result.created)[kind] += 1
                elif not changed:
                    result.updated[kind] += 1
                changed = True
            if not changed:
                result.unchanged[kind] += 1
    write_records(store, records)
    return result


def import_member_file(
    path: str | Path, store, kind: str | None = None, skip_invalid: bool = False,
    content: bytes | None = None,
) -> MemberImport:
    """Validate a member file; write it when it has no errors (or only its valid rows).

    Raises MemberFileError for a file that cannot be read at all.
    """
    rows_by_kind, errors = validate_member_file(path, store, kind, content)
    if errors and not skip_invalid:
        return MemberImport(errors=errors, written=False)
    result = write_member_rows(store, rows_by_kind)
    result.errors = errors
    return result
