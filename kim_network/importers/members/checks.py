"""Validating a whole member file: every row, duplicates, references and `broader` cycles.

References are checked against the store and against the file's own valid rows; a row
rejected for a broken reference can break others that point at it, so the check repeats
until nothing changes.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from kim_network.core import taxonomy
from kim_network.core.model import Label, Rel
from kim_network.importers.members.files import KINDS, RawRow, read_member_file
from kim_network.importers.members.rows import (
    LABEL_OF_KIND,
    REL_OF_KIND,
    MemberRow,
    RowError,
    SkillResolver,
    StoredNodes,
    split_ids,
    validate_link_row,
    validate_node_row,
)


def _prefetch(raws: list[RawRow], stored: StoredNodes) -> None:
    """Fetch the stored nodes the rows create, update or reference, in one go per label."""
    wanted: dict[Label, set[str]] = defaultdict(set)
    for raw in raws:
        data = raw.data
        if raw.kind in LABEL_OF_KIND and isinstance(data.get("id"), (str, int)):
            wanted[LABEL_OF_KIND[raw.kind]].add(str(data["id"]).strip())
        if "organization_id" in data:
            wanted[Label.ORGANIZATION].add(str(data["organization_id"]).strip())
        if "person_id" in data:
            wanted[Label.PERSON].add(str(data["person_id"]).strip())
        if "broader" in data:
            wanted[Label.SKILL].update(split_ids(data["broader"]))
        if "skill" in data:
            wanted[Label.SKILL].add(str(data["skill"]).strip())
    for label, ids in wanted.items():
        stored.fetch(label, ids)


def skill_resolver(raws: list[RawRow], store, stored: StoredNodes) -> SkillResolver:
    """Resolve a need/offer's `skill`: an id or label of the file, of the store or of the taxonomy."""
    file_skills = {str(r.data.get("id", "")).strip() for r in raws if r.kind == "skills"}
    file_labels: dict[str, str] = {}
    for raw in raws:
        if raw.kind != "skills":
            continue
        for key in ("label_de", "label_en"):
            if isinstance(raw.data.get(key), str):
                file_labels.setdefault(taxonomy.normalize_term(raw.data[key]), str(raw.data.get("id", "")).strip())

    def resolve(text: str) -> tuple[str | None, str | None]:
        if text in file_skills or stored.get(Label.SKILL, text) is not None:
            return text, None
        key = taxonomy.normalize_term(text)
        if key and key in file_labels:
            return file_labels[key], None
        for prop in ("label_de", "label_en"):
            page = store.list_nodes(Label.SKILL, {prop: text}, limit=2)
            if page.items:
                return page.items[0]["id"], None
        matched = taxonomy.match_term(text)
        if matched:
            return matched, None
        return None, f"unknown skill {text[:80]!r}: neither a skill id nor a label in the taxonomy"

    return resolve


def _rows(raws: list[RawRow], stored: StoredNodes, resolve: SkillResolver, errors: list[RowError]) -> list[MemberRow]:
    rows: list[MemberRow] = []
    for raw in raws:
        if "__not_object__" in raw.data:
            errors.append(RowError(raw.where, None, "is not an object"))
            continue
        if "__extra__" in raw.data:
            errors.append(RowError(raw.where, None, "has values beyond the header's columns"))
            continue
        if raw.kind in LABEL_OF_KIND:
            row = validate_node_row(raw, stored, errors)
        else:
            row = validate_link_row(raw, resolve, errors)
        if row is not None:
            rows.append(row)
    return rows


def _unique(rows: list[MemberRow], errors: list[RowError]) -> list[MemberRow]:
    """Duplicates within the file: the first occurrence stands, later ones are errors."""
    first_seen: dict[tuple, str] = {}
    unique = []
    for row in rows:
        if row.node is not None:
            key = (row.kind, row.node["id"])
            what, fld = f"duplicate id {row.node['id']}", "id"
        else:
            rel, edge = row.edges[0]
            key = (rel, edge["source_label"], edge["source"], edge["target"])
            what, fld = f"duplicate of the same {rel.value.lower()} link", "skill"
        if key in first_seen:
            errors.append(RowError(row.where, fld, f"{what} (first at {first_seen[key]})"))
            continue
        first_seen[key] = row.where
        unique.append(row)
    return unique


def cycle_path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A path start -> ... -> goal along `graph` (child -> parents), or None.

    >>> cycle_path({"a": {"b"}, "b": {"c"}}, "a", "c")
    ['a', 'b', 'c']
    """
    previous = {start: None}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        if node == goal:
            path = []
            while node is not None:
                path.append(node)
                node = previous[node]
            return path[::-1]
        for nxt in graph.get(node, ()):
            if nxt not in previous:
                previous[nxt] = node
                frontier.append(nxt)
    return None


class _References:
    """What the rows may point to: stored nodes, the file's valid rows, the curated taxonomy."""

    def __init__(self, store, stored: StoredNodes):
        self.stored = stored
        self.curated = {row["id"] for row in taxonomy.skill_rows()}
        self.stored_broader: dict[str, set[str]] = defaultdict(set)
        for edge in store.export_edges([Rel.BROADER]):
            self.stored_broader[edge.source].add(edge.target)
        for edge in taxonomy.broader_rows():
            self.stored_broader[edge["source"]].add(edge["target"])

    def problems(self, row: MemberRow, in_file: dict[Label, set[str]], graph: dict[str, set[str]]) -> list:
        problems = []
        for fld, label, ref in row.refs:
            exists = self.stored.get(label, ref) is not None or ref in in_file[label]
            if not exists and not (label is Label.SKILL and ref in self.curated):  # curated: seeded on import
                problems.append((fld, f"{label.value} {ref} is neither stored nor a valid row of this file"))
        for rel, edge in row.edges:
            if rel is Rel.BROADER:
                path = cycle_path(graph, edge["target"], edge["source"])
                if path:
                    problems.append(("broader", f"{edge['target']} would close a cycle: "
                                     + " → ".join([edge["source"], *path])))
        if row.kind in REL_OF_KIND:
            target = row.edges[0][1]["target"]
            if (self.stored.get(Label.SKILL, target) is None and target not in in_file[Label.SKILL]
                    and target not in self.curated):
                problems.append(("skill", f"skill {target} does not exist"))
        return problems

    def reject_broken(self, rows: list[MemberRow], errors: list[RowError]) -> set[int]:
        """Indexes of rows whose references are broken, repeated until nothing changes."""
        rejected: set[int] = set()
        while True:
            valid = [r for i, r in enumerate(rows) if i not in rejected]
            in_file: dict[Label, set[str]] = defaultdict(set)
            graph = defaultdict(set, {k: set(v) for k, v in self.stored_broader.items()})
            for r in valid:
                if r.node is not None:
                    in_file[LABEL_OF_KIND[r.kind]].add(r.node["id"])
                for rel, edge in r.edges:
                    if rel is Rel.BROADER:
                        graph[edge["source"]].add(edge["target"])
            newly = False
            for i, r in enumerate(rows):
                if i in rejected:
                    continue
                problems = self.problems(r, in_file, graph)
                if problems:
                    errors += [RowError(r.where, f, m) for f, m in problems]
                    rejected.add(i)
                    newly = True
            if not newly:
                return rejected


def validate_member_file(
    path: str | Path, store, kind: str | None = None, content: bytes | None = None
) -> tuple[dict[str, list[MemberRow]], list[RowError]]:
    """Validate every row of a member file against the model, the store and itself.

    Returns the valid rows by kind and the errors (sorted as they appear in the file).
    Raises MemberFileError when the file as a whole cannot be read. Writes nothing.
    """
    raws = read_member_file(path, kind, content)
    errors: list[RowError] = []
    stored = StoredNodes(store)
    _prefetch(raws, stored)
    rows = _unique(_rows(raws, stored, skill_resolver(raws, store, stored), errors), errors)
    rejected = _References(store, stored).reject_broken(rows, errors)
    by_kind: dict[str, list[MemberRow]] = {k: [] for k in KINDS}
    for i, r in enumerate(rows):
        if i not in rejected:
            by_kind[r.kind].append(r)
    order = {raw.where: n for n, raw in enumerate(raws)}
    errors.sort(key=lambda e: order.get(e.where, -1))
    return {k: v for k, v in by_kind.items() if v}, errors
