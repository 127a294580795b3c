"""Reading a member file (CSV or JSON) into raw rows: encoding, syntax, kind and columns.

Nothing is validated here beyond the file's shape; `kim_network.importers.members.checks`
validates the rows.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from kim_network.core.errors import Invalid

KINDS = ("organizations", "people", "skills", "needs", "offers")

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


class MemberFileError(Invalid):
    """The file as a whole cannot be read (encoding, syntax, unknown kind or columns)."""


@dataclass
class RawRow:
    """One row as read: its kind, where it is (`line 4`, `people[2]`) and its non-empty cells."""

    kind: str
    where: str
    data: dict[str, Any]


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

