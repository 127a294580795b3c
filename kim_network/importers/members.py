"""The centre's own member lists (CSV or JSON): validate every row, then write all or nothing.

File formats (UTF-8, with or without BOM):

- CSV with a header row, `;` or `,` as delimiter (whichever the header uses more). One
  kind of record per file. Empty cells mean "not given" and leave stored values alone.
- JSON: a list of objects (one kind), or an object with any of the keys
  `organizations`, `people`, `skills`, `needs`, `offers`, each a list of objects.

Columns per kind (`id` columns: 1-64 letters, digits or `_.:-`):

- organizations: id, name, kind (company, media_company, tech_provider, university,
  research_institute, public_body, other), sme (true/false, ja/nein), short_name, street,
  postcode, city, country, nuts3 and/or region (NUTS-3 like DE212 / NUTS-2 like DE21),
  lat, lon, website, description_de, description_en, keywords, contact_email,
  contact_phone, visibility (public, members, staff; new organisations default to public)
- people: id, name, kind (researcher, expert, media_professional), title,
  organization_id, role (at that organisation), email, phone, email_visibility,
  phone_visibility, city, region, description_de, description_en, visibility
  (new people default to members)
- skills: id, label_de, label_en, broader (ids of broader skills, separated by `|`),
  synonyms, description_de, description_en
- needs / offers: organization_id or person_id (one of them), skill (a skill id or a
  label, matched onto the curated taxonomy), weight (0..1, default 1), note

An organisation is linked (`LOCATED_IN`) to its NUTS-3 or NUTS-2 region when that region
is in the store (after a CORDIS import). Curated skills that rows refer to are seeded.

The kind comes from `--kind`, from the JSON keys, or from the CSV header (needs and
offers share a header: the file name must contain "need"/"offer" or `--kind` says it;
a header of only `id` and descriptions is told by a file name with "org", "people" or "skill").

Every row is validated before anything is written: properties against the model,
references (organisations, people, skills) against the store and the same file,
duplicate ids within the file, and `broader` links that would close a cycle. Errors read
`line N: field: reason` (CSV, header = line 1), `item 3: field: reason` (a JSON list) or
`people[3]: field: reason` (a JSON object's section; indexes from 0). Rows identical to what is stored are not written again, so re-importing a file
changes nothing.
"""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from kim_network.core.errors import Invalid
from kim_network.core.model import (
    NODE_SCHEMA,
    Label,
    Rel,
    ValidationError,
    check_id,
    validate_edge,
    validate_node,
)

KINDS = ("organizations", "people", "skills", "needs", "offers")
ORIGIN = "member_list"

_ORG_COLUMNS = (
    "id", "name", "short_name", "kind", "sme", "street", "postcode", "city", "country", "nuts3",
    "region", "lat", "lon", "website", "description_de", "description_en", "keywords",
    "contact_email", "contact_phone", "visibility",
)
_PERSON_COLUMNS = (
    "id", "name", "kind", "title", "organization_id", "role", "email", "phone", "email_visibility",
    "phone_visibility", "city", "region", "description_de", "description_en", "visibility",
)
_SKILL_COLUMNS = ("id", "label_de", "label_en", "broader", "synonyms", "description_de", "description_en")
_LINK_COLUMNS = ("organization_id", "person_id", "skill", "weight", "note")
COLUMNS: dict[str, tuple[str, ...]] = {
    "organizations": _ORG_COLUMNS,
    "people": _PERSON_COLUMNS,
    "skills": _SKILL_COLUMNS,
    "needs": _LINK_COLUMNS,
    "offers": _LINK_COLUMNS,
}
_LABEL_OF_KIND = {"organizations": Label.ORGANIZATION, "people": Label.PERSON, "skills": Label.SKILL}
_REL_OF_KIND = {"needs": Rel.NEEDS, "offers": Rel.OFFERS}
# Defaults applied only when a row creates a new node, never over stored values.
_NEW_DEFAULTS = {
    "organizations": {"visibility": "public", "source": ORIGIN},
    "people": {"visibility": "members", "source": ORIGIN},
    "skills": {"source": "kim"},
}
_NUTS3_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{3}$")
_NUTS2_RE = re.compile(r"^[A-Z]{2}[A-Z0-9]{2}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class MemberFileError(Invalid):
    """The file as a whole cannot be read (encoding, syntax, unknown kind or columns)."""


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


@dataclass
class RawRow:
    kind: str
    where: str
    data: dict[str, Any]


@dataclass
class MemberImport:
    """What `import_member_file` did. Nothing was written when `written` is False."""

    errors: list[RowError]
    written: bool
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seeded_taxonomy: bool = False


# -- reading ---------------------------------------------------------------------------

def decode_utf8(raw: bytes, name: str) -> str:
    """Decode UTF-8 (a BOM is dropped); say where the first undecodable byte is."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if b"\x00" in raw:
        # NUL bytes mean a binary or UTF-16 file, or a corrupted export; nothing to guess at.
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise MemberFileError(f"{name} contains a NUL byte at line {line}: it is not a UTF-8 text file.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise MemberFileError(
            f"{name} is not UTF-8: byte 0x{raw[exc.start]:02x} at line {line}, column {column} "
            "cannot be decoded. Save the file as UTF-8 (in Excel: 'CSV UTF-8')."
        ) from None


def load_json(text: str, name: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MemberFileError(
            f"{name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except RecursionError:
        raise MemberFileError(f"{name} is nested too deeply to be a member list or an export.") from None


def _looks_like_json(path: Path, text: str) -> bool:
    if path.suffix.lower() == ".json":
        return True
    if path.suffix.lower() in (".csv", ".txt", ".tsv"):
        return False
    return text.lstrip()[:1] in ("[", "{")


def _guess_kind(columns: Iterable[str], path: Path, where: str) -> str:
    columns = set(columns)
    if "skill" in columns:
        stem = path.stem.lower()
        if "need" in stem or "bedarf" in stem:
            return "needs"
        if "offer" in stem or "angebot" in stem:
            return "offers"
        raise MemberFileError(
            f"{where} links members to skills, but is it needs or offers? "
            "Repeat with --kind needs or --kind offers."
        )
    if columns & {"label_de", "label_en", "broader"}:
        return "skills"
    if columns & {"organization_id", "role", "email", "title", "phone"}:
        return "people"
    if "name" in columns:
        return "organizations"
    stem = path.stem.lower()
    for hint, kind in (("org", "organizations"), ("people", "people"), ("person", "people"), ("skill", "skills")):
        if hint in stem:
            return kind
    raise MemberFileError(
        f"cannot tell what {where} holds from its columns ({', '.join(sorted(columns)) or 'none'}); "
        f"repeat with --kind ({'|'.join(KINDS)})"
    )


def _check_columns(kind: str, columns: Iterable[str], where: str) -> None:
    unknown = [c for c in columns if c not in COLUMNS[kind]]
    if unknown:
        raise MemberFileError(
            f"{where}: unknown column(s) for {kind}: {', '.join(unknown)}. "
            f"Known columns: {', '.join(COLUMNS[kind])}"
        )


def _read_csv(path: Path, text: str, kind: str | None) -> list[RawRow]:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise MemberFileError(f"{path.name}: line 1: {exc}") from None
    if not header or not any(h.strip() for h in header):
        raise MemberFileError(f"{path.name} has no header row")
    header = [h.strip().lower() for h in header]
    named = [h for h in header if h]
    seen: set[str] = set()
    for h in named:
        if h in seen:
            raise MemberFileError(f"{path.name}: line 1: column {h} appears twice")
        seen.add(h)
    kind = kind or _guess_kind(named, path, path.name)
    _check_columns(kind, named, f"{path.name}: line 1")
    rows: list[RawRow] = []
    previous_end = reader.line_num
    try:
        for cells in reader:
            where = f"line {previous_end + 1}"
            previous_end = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            data: dict[str, Any] = {}
            extra = [c for c in cells[len(header):] if c.strip()]
            for name, value in zip(header, cells):
                if name and value.strip():
                    data[name] = value
                elif not name and value.strip():
                    extra.append(value)
            if extra:
                data["__extra__"] = len(cells)
            rows.append(RawRow(kind, where, data))
    except csv.Error as exc:
        raise MemberFileError(f"{path.name}: line {reader.line_num}: {exc}") from None
    return rows


def _json_items(items: Any, kind: str, prefix: str, path: Path) -> list[RawRow]:
    if not isinstance(items, list):
        raise MemberFileError(f"{path.name}: {prefix or 'the file'} must be a list of objects")
    rows = []
    for i, item in enumerate(items):
        where = f"{prefix}[{i}]" if prefix else f"item {i}"
        if not isinstance(item, dict):
            rows.append(RawRow(kind, where, {"__not_object__": True}))
            continue
        columns = [str(k).strip().lower() for k in item]
        _check_columns(kind, columns, f"{path.name}: {where}")
        data = {}
        for key, value in item.items():
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            data[str(key).strip().lower()] = value
        rows.append(RawRow(kind, where, data))
    return rows


def _read_json(path: Path, text: str, kind: str | None) -> list[RawRow]:
    document = load_json(text, path.name)
    if isinstance(document, list):
        if kind is None:
            keys = {str(k).strip().lower() for item in document if isinstance(item, dict) for k in item}
            kind = _guess_kind(keys, path, path.name)
        return _json_items(document, kind, "", path)
    if isinstance(document, dict):
        if document.get("format") == "kim-network-export":
            raise MemberFileError(f"{path.name} is a network export; import it with `kim import` as a whole")
        unknown = [k for k in document if k not in KINDS]
        if unknown:
            raise MemberFileError(
                f"{path.name}: unknown section(s) {', '.join(map(str, unknown))}; "
                f"expected any of {', '.join(KINDS)}"
            )
        if kind is not None and set(document) - {kind}:
            raise MemberFileError(f"{path.name} holds {', '.join(document)}, not only {kind}")
        rows = []
        for section in KINDS:
            if section in document:
                rows += _json_items(document[section], section, section, path)
        return rows
    raise MemberFileError(f"{path.name} must hold a JSON list or object")


def read_member_file(path: str | Path, kind: str | None = None, content: bytes | None = None) -> list[RawRow]:
    """Parse a member file into raw rows (no validation beyond the file's shape).

    `content` is the file's bytes when they did not come from disk (an upload); `path`
    then only names the file (its suffix and name tell the format and kind).
    """
    path = Path(path)
    if kind is not None and kind not in KINDS:
        raise MemberFileError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    raw = content
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise MemberFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    text = decode_utf8(raw, path.name)
    if _looks_like_json(path, text):
        return _read_json(path, text, kind)
    return _read_csv(path, text, kind)


# -- validation ------------------------------------------------------------------------

def _reason(exc: ValidationError) -> tuple[str | None, str]:
    message, name = exc.message, exc.field
    if name and message.startswith(name + " "):
        message = message[len(name) + 1:]
    return name, message


def _text(data: dict, key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    return value.strip() if isinstance(value, str) else value


def _split_ids(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v for v in re.split(r"[|,;\s]+", str(value)) if v]


class _Context:
    """What validation needs from the store, fetched once per file."""

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


def _validate_node_row(kind: str, raw: RawRow, ctx: _Context, errors: list[RowError]) -> MemberRow | None:
    label = _LABEL_OF_KIND[kind]
    data = dict(raw.data)
    props: dict[str, Any] = {}
    row = MemberRow(kind, raw.where)
    problems: list[tuple[str | None, str]] = []
    for key in COLUMNS[kind]:
        if key in data and (key == "id" or key in NODE_SCHEMA[label]):
            props[key] = data[key]
    if "id" not in props:
        problems.append(("id", "is required"))
    else:
        try:
            props["id"] = check_id(props["id"])
        except ValidationError as exc:
            problems.append(_reason(exc))
    if kind == "skills" and "synonyms" in props and isinstance(props["synonyms"], list):
        props["synonyms"] = ", ".join(str(s) for s in props["synonyms"])
    if kind == "organizations":
        for key, pattern, example in (("nuts3", _NUTS3_RE, "DE212"), ("region", _NUTS2_RE, "DE21")):
            if key in props:
                props[key] = str(props[key]).strip().upper()
                if not pattern.match(props[key]):
                    problems.append((key, f"must be a NUTS code like {example} (got {props[key]!r})"))
        if "nuts3" in props and "region" not in props:
            props["region"] = props["nuts3"][:4]
        code = props.get("nuts3") or props.get("region")
        if code and "country" not in props:
            props["country"] = code[:2]
    if kind == "people" and "region" in props:
        props["region"] = str(props["region"]).strip().upper()
        if not _NUTS2_RE.match(props["region"]):
            problems.append(("region", f"must be a NUTS-2 code like DE21 (got {props['region']!r})"))
    for key, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        if key in props:
            try:
                value = float(str(props[key]).replace(",", ".")) if isinstance(props[key], str) else props[key]
                props[key] = value
                if not isinstance(value, (int, float)) or isinstance(value, bool) or not low <= value <= high:
                    problems.append((key, f"must be a number between {low} and {high}"))
            except ValueError:
                problems.append((key, "must be a number"))
    for key in ("email", "contact_email"):
        if key in props and (not isinstance(props[key], str) or not _EMAIL_RE.match(props[key].strip())):
            problems.append((key, f"is not an e-mail address ({str(props[key])[:80]!r})"))
    if "website" in props and isinstance(props["website"], str) and " " in props["website"].strip():
        problems.append(("website", "must be a web address without spaces"))

    if not problems:
        stored = ctx.get(label, props["id"])
        merged = {**(stored or _NEW_DEFAULTS.get(kind, {})), **props}
        try:
            node = validate_node(label, merged)
        except ValidationError as exc:
            problems.append(_reason(exc))
        else:
            # The whole node (stored values plus the row's): the store validates full nodes.
            row.node = node

    if kind == "people" and "organization_id" in data:
        try:
            org = check_id(data["organization_id"], "organization_id")
        except ValidationError as exc:
            problems.append(_reason(exc))
        else:
            row.refs.append(("organization_id", Label.ORGANIZATION, org))
            edge = {"source": props.get("id"), "target": org}
            if "role" in data:
                edge["role"] = data["role"]
            row.edges.append((Rel.WORKS_AT, edge))
    elif kind == "people" and "role" in data:
        problems.append(("role", "needs an organization_id"))
    if kind == "skills" and "broader" in data:
        for parent in _split_ids(data["broader"]):
            try:
                parent = check_id(parent, "broader")
            except ValidationError as exc:
                problems.append(_reason(exc))
                continue
            if parent == props.get("id"):
                problems.append(("broader", "a skill cannot be broader than itself"))
                continue
            row.refs.append(("broader", Label.SKILL, parent))
            row.edges.append((Rel.BROADER, {"source": props.get("id"), "target": parent}))
    for rel, edge in row.edges:
        try:
            validate_edge(rel, edge)
        except ValidationError as exc:
            if exc.field not in ("source",):
                problems.append(_reason(exc))
    errors += [RowError(raw.where, f, r) for f, r in problems]
    return None if problems else row


def _validate_link_row(
    kind: str, raw: RawRow, resolve_skill, errors: list[RowError]
) -> MemberRow | None:
    rel = _REL_OF_KIND[kind]
    data = raw.data
    problems: list[tuple[str | None, str]] = []
    row = MemberRow(kind, raw.where)
    owners = [(k, l) for k, l in (("organization_id", Label.ORGANIZATION), ("person_id", Label.PERSON)) if k in data]
    source = source_label = None
    if len(owners) != 1:
        problems.append(("organization_id", "give either organization_id or person_id (exactly one)"))
    else:
        key, source_label = owners[0]
        try:
            source = check_id(data[key], key)
            row.refs.append((key, source_label, source))
        except ValidationError as exc:
            problems.append(_reason(exc))
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
    weight = data.get("weight", 1.0)
    try:
        weight = float(str(weight).replace(",", ".")) if isinstance(weight, str) else weight
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 <= weight <= 1:
            raise ValueError
        edge["weight"] = float(weight)
    except ValueError:
        problems.append(("weight", "must be a number from 0 to 1"))
    if "note" in data:
        edge["note"] = data["note"]
    if not problems:
        try:
            validated = validate_edge(rel, edge)
        except ValidationError as exc:
            problems.append(_reason(exc))
        else:
            edge.update(validated["props"])
            row.edges.append((rel, edge))
    errors += [RowError(raw.where, f, r) for f, r in problems]
    return None if problems else row


def _cycle_path(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """A path start -> ... -> goal along `graph` (child -> parents), or None."""
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


def validate_member_file(
    path: str | Path, store, kind: str | None = None, content: bytes | None = None
) -> tuple[dict[str, list[MemberRow]], list[RowError]]:
    """Validate every row of a member file against the model, the store and itself.

    Returns the valid rows by kind and the errors (sorted as they appear in the file).
    Raises MemberFileError when the file as a whole cannot be read. Writes nothing.
    """
    from kim_network.core import taxonomy

    raws = read_member_file(path, kind, content)
    errors: list[RowError] = []
    ctx = _Context(store)

    # Fetch the stored nodes the rows create, update or reference, in one go per label.
    wanted: dict[Label, set[str]] = defaultdict(set)
    for raw in raws:
        data = raw.data
        if raw.kind in _LABEL_OF_KIND and isinstance(data.get("id"), (str, int)):
            wanted[_LABEL_OF_KIND[raw.kind]].add(str(data["id"]).strip())
        if "organization_id" in data:
            wanted[Label.ORGANIZATION].add(str(data["organization_id"]).strip())
        if "person_id" in data:
            wanted[Label.PERSON].add(str(data["person_id"]).strip())
        if "broader" in data:
            wanted[Label.SKILL].update(_split_ids(data["broader"]))
        if "skill" in data:
            wanted[Label.SKILL].add(str(data["skill"]).strip())
    for label, ids in wanted.items():
        ctx.fetch(label, ids)

    file_skills = {str(r.data.get("id", "")).strip(): r for r in raws if r.kind == "skills"}
    curated = {row["id"] for row in taxonomy.skill_rows()}
    file_skill_labels: dict[str, str] = {}
    for sid, raw in file_skills.items():
        for key in ("label_de", "label_en"):
            if isinstance(raw.data.get(key), str):
                file_skill_labels.setdefault(taxonomy.normalize_term(raw.data[key]), sid)

    def resolve_skill(text: str) -> tuple[str | None, str | None]:
        if text in file_skills or ctx.get(Label.SKILL, text) is not None:
            return text, None
        key = taxonomy.normalize_term(text)
        if key and key in file_skill_labels:
            return file_skill_labels[key], None
        for prop in ("label_de", "label_en"):
            page = store.list_nodes(Label.SKILL, {prop: text}, limit=2)
            if page.items:
                return page.items[0]["id"], None
        matched = taxonomy.match_term(text)
        if matched:
            return matched, None
        return None, f"unknown skill {text[:80]!r}: neither a skill id nor a label in the taxonomy"

    rows: list[MemberRow] = []
    for raw in raws:
        if "__not_object__" in raw.data:
            errors.append(RowError(raw.where, None, "is not an object"))
            continue
        if "__extra__" in raw.data:
            errors.append(RowError(raw.where, None, "has values beyond the header's columns"))
            continue
        if raw.kind in _LABEL_OF_KIND:
            row = _validate_node_row(raw.kind, raw, ctx, errors)
        else:
            row = _validate_link_row(raw.kind, raw, resolve_skill, errors)
        if row is not None:
            rows.append(row)

    # Duplicates within the file: the first occurrence stands, later ones are errors.
    first_seen: dict[tuple, str] = {}
    unique_rows = []
    for row in rows:
        if row.node is not None:
            key = (row.kind, row.node["id"])
            what = f"duplicate id {row.node['id']}"
            fld = "id"
        else:
            rel, edge = row.edges[0]
            key = (rel, edge["source_label"], edge["source"], edge["target"])
            what = f"duplicate of the same {rel.value.lower()} link"
            fld = "skill"
        if key in first_seen:
            errors.append(RowError(row.where, fld, f"{what} (first at {first_seen[key]})"))
            continue
        first_seen[key] = row.where
        unique_rows.append(row)
    rows = unique_rows

    # References and cycles; repeat while rejecting a row invalidates rows that point at it.
    stored_broader: dict[str, set[str]] = defaultdict(set)
    for edge in store.export_edges([Rel.BROADER]):
        stored_broader[edge.source].add(edge.target)
    for edge in taxonomy.broader_rows():
        stored_broader[edge["source"]].add(edge["target"])
    rejected: set[int] = set()
    while True:
        valid = [r for i, r in enumerate(rows) if i not in rejected]
        in_file: dict[Label, set[str]] = defaultdict(set)
        for r in valid:
            if r.node is not None:
                in_file[_LABEL_OF_KIND[r.kind]].add(r.node["id"])
        graph = defaultdict(set, {k: set(v) for k, v in stored_broader.items()})
        for r in valid:
            for rel, edge in r.edges:
                if rel is Rel.BROADER:
                    graph[edge["source"]].add(edge["target"])
        newly = False
        for i, r in enumerate(rows):
            if i in rejected:
                continue
            problems = []
            for fld, label, ref in r.refs:
                exists = ctx.get(label, ref) is not None or ref in in_file[label]
                if not exists and label is Label.SKILL and ref in curated:
                    exists = True  # the curated taxonomy is seeded on import
                if not exists:
                    problems.append((fld, f"{label.value} {ref} is neither stored nor a valid row of this file"))
            for rel, edge in r.edges:
                if rel is Rel.BROADER:
                    path = _cycle_path(graph, edge["target"], edge["source"])
                    if path:
                        problems.append(("broader", f"{edge['target']} would close a cycle: "
                                         + " → ".join([edge["source"], *path])))
            if r.kind in _REL_OF_KIND:
                target = r.edges[0][1]["target"]
                if ctx.get(Label.SKILL, target) is None and target not in in_file[Label.SKILL] and target not in curated:
                    problems.append(("skill", f"skill {target} does not exist"))
            if problems:
                errors += [RowError(r.where, f, m) for f, m in problems]
                rejected.add(i)
                newly = True
        if not newly:
            break

    by_kind: dict[str, list[MemberRow]] = {k: [] for k in KINDS}
    for i, r in enumerate(rows):
        if i not in rejected:
            by_kind[r.kind].append(r)
    order = {raw.where: n for n, raw in enumerate(raws)}
    errors.sort(key=lambda e: order.get(e.where, -1))
    return {k: v for k, v in by_kind.items() if v}, errors


# -- writing ---------------------------------------------------------------------------

def _same(stored: dict | None, wanted: dict) -> bool:
    return stored is not None and all(stored.get(k) == v for k, v in wanted.items())


def write_member_rows(store, rows_by_kind: dict[str, list[MemberRow]]) -> MemberImport:
    """Write validated rows: nodes first, then relationships; skip what is already stored."""
    from kim_network.core import taxonomy
    from kim_network.importers.cordis import GraphRecords
    from kim_network.importers.records import write_records

    result = MemberImport(errors=[], written=True)
    records = GraphRecords()
    ctx = _Context(store)
    for kind, rows in rows_by_kind.items():
        if kind in _LABEL_OF_KIND:
            ctx.fetch(_LABEL_OF_KIND[kind], [r.node["id"] for r in rows])

    # Skills the rows reference but the store lacks can only be curated ones: seed them.
    skill_refs = {edge["target"] for rows in rows_by_kind.values() for r in rows
                  for rel, edge in r.edges if rel in (Rel.NEEDS, Rel.OFFERS, Rel.BROADER)}
    file_skills = {r.node["id"] for r in rows_by_kind.get("skills", [])}
    missing = skill_refs - file_skills - set(store.get_nodes(Label.SKILL, list(skill_refs)))
    if missing:
        taxonomy.seed_taxonomy(store)
        result.seeded_taxonomy = True

    regions = {r.node.get("nuts3") or r.node.get("region") for r in rows_by_kind.get("organizations", [])}
    regions.discard(None)
    stored_regions = set(store.get_nodes(Label.REGION, list(regions))) if regions else set()

    for kind in KINDS:
        for row in rows_by_kind.get(kind, []):
            changed = False
            if row.node is not None:
                label = _LABEL_OF_KIND[kind]
                stored = ctx.get(label, row.node["id"])
                if not _same(stored, row.node):
                    records.nodes[label].append(row.node)
                    changed = True
                    (result.updated if stored else result.created)[kind] += 1
                edges = list(row.edges)
                if kind == "organizations":
                    for code in (row.node.get("nuts3"), row.node.get("region")):
                        if code and code in stored_regions:
                            edges.append((Rel.LOCATED_IN, {"source": row.node["id"], "target": code}))
                            break
            else:
                edges = row.edges
            for rel, edge in edges:
                current = validate_edge(rel, edge)
                existing = [
                    e for e in store.edges(current["source_label"], current["source"], rel)
                    if e.target == current["target"] and e.target_label == current["target_label"].value
                ]
                if existing and all(existing[0].props.get(k) == v for k, v in current["props"].items()):
                    continue
                records.edges[rel].append(edge)
                if row.node is None:
                    (result.updated if existing else result.created)[kind] += 1
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
