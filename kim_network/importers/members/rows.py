"""Validating one row of a member file on its own: properties against the model, links it adds.

Field rules (e-mail, web address, phone, NUTS codes, lengths) are the model's
(`kim_network.core.model`, `kim_network.core.fields`), the same the forms, the API and the store
apply; this module only reads a row into properties and relationships and says, per
field, what is wrong. References to other rows or stored nodes are checked for the whole
file in `kim_network.importers.members.checks`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from kim_network.core.model import NODE_SCHEMA, Label, Rel, ValidationError, check_id, validate_edge, validate_node
from kim_network.importers.members.files import COLUMNS, RawRow

ORIGIN = "member_list"
LABEL_OF_KIND = {"organizations": Label.ORGANIZATION, "people": Label.PERSON, "skills": Label.SKILL}
REL_OF_KIND = {"needs": Rel.NEEDS, "offers": Rel.OFFERS}
# Defaults applied only when a row creates a new node, never over stored values.
_NEW_DEFAULTS = {
    "organizations": {"visibility": "public", "source": ORIGIN},
    "people": {"visibility": "members", "source": ORIGIN},
    "skills": {"source": "kim"},
}
_RANGES = (("lat", -90, 90), ("lon", -180, 180))

Problem = tuple[str | None, str]
# resolve_skill(text) -> (skill id or None, problem or None)
SkillResolver = Callable[[str], tuple[str | None, str | None]]


@dataclass(frozen=True)
class RowError:
    """One problem with one row: where (`line 4`, `people[2]`), which field, why."""

    where: str
    field: str | None
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.field}: {self.reason}" if self.field else f"{self.where}: {self.reason}"


@dataclass
class MemberRow:
    """A validated row: the node it upserts (if any) and the relationships it adds."""

    kind: str
    where: str
    node: dict | None = None
    edges: list[tuple[Rel, dict]] = field(default_factory=list)
    # (field, label, id) that must exist in the store or among the file's valid rows
    refs: list[tuple[str, Label, str]] = field(default_factory=list)


class StoredNodes:
    """The stored nodes validation needs, fetched once per file and label."""

    def __init__(self, store):
        self.store = store
        self.stored: dict[Label, dict[str, dict]] = {}

    def fetch(self, label: Label, ids: Iterable[str]) -> None:
        known = self.stored.setdefault(label, {})
        wanted = [i for i in set(ids) if i not in known]
        if wanted:
            known.update(self.store.get_nodes(label, wanted))

    def get(self, label: Label, node_id: str) -> dict | None:
        return self.stored.get(label, {}).get(node_id)


def reason(exc: ValidationError) -> Problem:
    """`(field, reason)` of a model error, without the field name repeated in the reason."""
    message, name = str(exc.message), exc.field
    if name and message.startswith(name + " "):
        message = message[len(name) + 1:]
    return name, message


def split_ids(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in re.split(r"[|,;\s]+", str(value)) if v]


def _each_property(label: Label, props: dict, problems: list[Problem]) -> dict:
    """Every property checked on its own (so a row reports all its problems), normalised."""
    out = {}
    for key, value in props.items():
        try:
            out[key] = validate_node(label, {key: value}, partial=True)[key]
        except ValidationError as exc:
            problems.append(reason(exc))
    return out


def _coordinates(props: dict, problems: list[Problem]) -> None:
    """lat/lon with a decimal comma or point, within range."""
    for key, low, high in _RANGES:
        if key not in props:
            continue
        value = props[key]
        try:
            value = float(str(value).replace(",", ".")) if isinstance(value, str) else value
        except ValueError:
            problems.append((key, "must be a number"))
            continue
        props[key] = value
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high:
            problems.append((key, f"must be a number between {low} and {high}"))


def _derive_region(props: dict) -> None:
    """An organisation's NUTS-2 region and country from its NUTS-3 code, unless given."""
    if props.get("nuts3") and "region" not in props:
        props["region"] = props["nuts3"][:4]
    code = props.get("nuts3") or props.get("region")
    if code and "country" not in props:
        props["country"] = code[:2]


def _node(kind: str, label: Label, props: dict, stored: StoredNodes, problems: list[Problem]) -> dict | None:
    """The whole node to write: stored values (or the defaults of a new node) plus the row's."""
    merged = {**(stored.get(label, props["id"]) or _NEW_DEFAULTS.get(kind, {})), **props}
    try:
        return validate_node(label, merged)
    except ValidationError as exc:
        problems.append(reason(exc))
        return None


def _works_at(data: dict, person_id: str | None, row: MemberRow, problems: list[Problem]) -> None:
    if "organization_id" not in data:
        if "role" in data:
            problems.append(("role", "needs an organization_id"))
        return
    try:
        org = check_id(data["organization_id"], "organization_id")
    except ValidationError as exc:
        problems.append(reason(exc))
        return
    row.refs.append(("organization_id", Label.ORGANIZATION, org))
    edge = {"source": person_id, "target": org}
    if "role" in data:
        edge["role"] = data["role"]
    row.edges.append((Rel.WORKS_AT, edge))


def _broader(data: dict, skill_id: str | None, row: MemberRow, problems: list[Problem]) -> None:
    for parent in split_ids(data.get("broader", "")):
        try:
            parent = check_id(parent, "broader")
        except ValidationError as exc:
            problems.append(reason(exc))
            continue
        if parent == skill_id:
            problems.append(("broader", "a skill cannot be broader than itself"))
            continue
        row.refs.append(("broader", Label.SKILL, parent))
        row.edges.append((Rel.BROADER, {"source": skill_id, "target": parent}))


def validate_node_row(raw: RawRow, stored: StoredNodes, errors: list[RowError]) -> MemberRow | None:
    """An organisation, person or skill row: its node and the links it adds, or None (errors added)."""
    kind, label = raw.kind, LABEL_OF_KIND[raw.kind]
    problems: list[Problem] = []
    row = MemberRow(kind, raw.where)
    props = {k: raw.data[k] for k in COLUMNS[kind] if k in raw.data and (k == "id" or k in NODE_SCHEMA[label])}
    if kind == "skills" and isinstance(props.get("synonyms"), list):
        props["synonyms"] = ", ".join(str(s) for s in props["synonyms"])
    _coordinates(props, problems)
    props = _each_property(label, {k: v for k, v in props.items() if k not in ("lat", "lon")}, problems) | {
        k: v for k, v in props.items() if k in ("lat", "lon")}
    if "id" not in raw.data:
        problems.append(("id", "is required"))
    if kind == "organizations":
        _derive_region(props)
    if not problems:
        row.node = _node(kind, label, props, stored, problems)
    if kind == "people":
        _works_at(raw.data, props.get("id"), row, problems)
    if kind == "skills":
        _broader(raw.data, props.get("id"), row, problems)
    for rel, edge in row.edges:
        try:
            validate_edge(rel, edge)
        except ValidationError as exc:
            if exc.field != "source":
                problems.append(reason(exc))
    errors += [RowError(raw.where, f, r) for f, r in problems]
    return None if problems else row


def _owner(data: dict, row: MemberRow, problems: list[Problem]) -> tuple[str | None, Label | None]:
    """The organisation or person a need/offer row belongs to (exactly one of them)."""
    owners = [(k, l) for k, l in (("organization_id", Label.ORGANIZATION), ("person_id", Label.PERSON)) if k in data]
    if len(owners) != 1:
        problems.append(("organization_id", "give either organization_id or person_id (exactly one)"))
        return None, None
    key, label = owners[0]
    try:
        source = check_id(data[key], key)
    except ValidationError as exc:
        problems.append(reason(exc))
        return None, label
    row.refs.append((key, label, source))
    return source, label


def _weight(data: dict, problems: list[Problem]) -> float | None:
    weight = data.get("weight", 1.0)
    try:
        weight = float(str(weight).replace(",", ".")) if isinstance(weight, str) else weight
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
            raise ValueError
    except ValueError:
        problems.append(("weight", "must be a number from 0 to 1"))
        return None
    return float(weight)


def validate_link_row(raw: RawRow, resolve_skill: SkillResolver, errors: list[RowError]) -> MemberRow | None:
    """A need or offer row: one NEEDS/OFFERS relationship, or None (errors added)."""
    rel, data = REL_OF_KIND[raw.kind], raw.data
    problems: list[Problem] = []
    row = MemberRow(raw.kind, raw.where)
    source, source_label = _owner(data, row, problems)
    skill = None
    if "skill" not in data:
        problems.append(("skill", "is required"))
    else:
        skill, problem = resolve_skill(str(data["skill"]).strip())
        if problem:
            problems.append(("skill", problem))
    edge: dict[str, Any] = {"source": source, "target": skill, "origin": ORIGIN}
    if source_label is not None:
        edge["source_label"] = source_label
    weight = _weight(data, problems)
    if weight is not None:
        edge["weight"] = weight
    if "note" in data:
        edge["note"] = data["note"]
    if not problems:
        try:
            validated = validate_edge(rel, edge)
        except ValidationError as exc:
            problems.append(reason(exc))
        else:
            edge.update(validated["props"])
            row.edges.append((rel, edge))
    errors += [RowError(raw.where, f, r) for f, r in problems]
    return None if problems else row
