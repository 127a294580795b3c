"""The graph model: node labels, their properties, relationship types and validation.

Both store adapters and every importer take their vocabulary from here, so a label,
relationship type or property name that is not declared in the model can never reach
a query. Labels and relationship types cannot be query parameters in Cypher; whitelisting
them here is what makes formatting them into a statement safe.

The model is one import in three modules: `labels` (labels, relationship types, closed
lists of values), `schema` (every label's properties, every relationship's endpoints) and
this one (validation against them), which re-exports the other two.
"""
from __future__ import annotations

import math
import re
from typing import Any, Iterable, Mapping

from kim_network.core import fields
from kim_network.core.labels import (
    ATTEND_STATUS,
    DataKind,
    EVENT_FORMATS,
    FOLLOW_UPS,
    GRAPH_LABELS,
    INTRO_ROUTES,
    INTRO_STATUS,
    Label,
    MEETING_OUTCOMES,
    MEETING_STATUS,
    ORG_KINDS,
    PERSON_KINDS,
    PROJECT_ROLES,
    REGIERUNGSBEZIRKE,
    ROLES,
    Rel,
    VISIBILITY,
    ValidationError,
    as_label,
    as_rel,
    data_kind,
)
from kim_network.core.schema import NODE_SCHEMA, REL_SCHEMA, Prop, RelSpec
from kim_network.core.text import readable_case

__all__ = [
    "as_label",
    "as_rel",
    "ATTEND_STATUS",
    "check_id",
    "chunked",
    "data_kind",
    "DataKind",
    "display_name",
    "drop_invalid",
    "EVENT_FORMATS",
    "filterable_props",
    "FOLLOW_UPS",
    "GRAPH_LABELS",
    "ID_RE",
    "INTRO_ROUTES",
    "INTRO_STATUS",
    "Label",
    "MEETING_OUTCOMES",
    "MEETING_STATUS",
    "NODE_SCHEMA",
    "ORG_KINDS",
    "PERSON_KINDS",
    "PROJECT_ROLES",
    "Prop",
    "REGIERUNGSBEZIRKE",
    "Rel",
    "REL_SCHEMA",
    "RelSpec",
    "ROLES",
    "searchable_props",
    "validate_edge",
    "validate_node",
    "ValidationError",
    "VISIBILITY",
]

# Default endpoint labels per relationship type, so callers may omit them when unambiguous.
_DEFAULT_ENDPOINTS = {rel: spec.endpoints[0] for rel, spec in REL_SCHEMA.items()}

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates (e.g. JSON "\ud800") are not Unicode text; neither database can store them.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def check_id(value: Any, field_name: str = "id") -> str:
    """Validate a node id: 1-64 characters of letters, digits and `_ . : -`."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ID_RE.match(value):
        raise ValidationError(
            f"{field_name} must be 1-64 letters, digits or _.:- (got {str(value)[:80]!r})",
            field_name,
        )
    return value


def filterable_props(label: Label | str) -> set[str]:
    """Properties of a label that may be used to filter or sort listings (plus `id`)."""
    schema = NODE_SCHEMA[as_label(label)]
    return {"id"} | {k for k, p in schema.items() if p.filterable}


def searchable_props(label: Label | str) -> list[str]:
    schema = NODE_SCHEMA[as_label(label)]
    return [k for k, p in schema.items() if p.searchable]


def _coerce(name: str, prop: Prop, value: Any) -> Any:
    if value is None:
        return None
    t = prop.type
    if t is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "ja"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "nein", ""):
            return False
        raise ValidationError(f"{name} must be true or false", name)
    if t is int:
        if isinstance(value, bool):
            raise ValidationError(f"{name} must be a whole number", name)
        try:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{name} must be a whole number", name) from None
    if t is float:
        if isinstance(value, bool):
            raise ValidationError(f"{name} must be a number", name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{name} must be a number", name) from None
        if not math.isfinite(number):
            raise ValidationError(f"{name} must be a finite number", name)
        return number
    if t is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.split("|") if v.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{name} must be a list of texts", name)
        return [_clean_text(name, prop, v) for v in value]
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValidationError(f"{name} must be text", name)
    value = _clean_text(name, prop, value)
    if prop.choices is not None and value not in prop.choices:
        raise ValidationError(f"{name} must be one of: {', '.join(prop.choices)}", name)
    if prop.rule and value:
        try:
            value = fields.check(prop.rule, value)
        except fields.FieldError as exc:
            raise ValidationError(f"{name} {exc} ({value[:80]!r})", name) from None
    return value


def _clean_text(name: str, prop: Prop, value: str) -> str:
    if _SURROGATE_RE.search(value):
        raise ValidationError(f"{name} contains a character that is not valid Unicode", name)
    value = _CONTROL_RE.sub("", value).strip()
    if len(value) > prop.max_length:
        raise ValidationError(f"{name} is longer than {prop.max_length} characters", name)
    return value


def validate_node(label: Label | str, props: Mapping[str, Any], partial: bool = False) -> dict:
    """Check and normalise node properties against the model.

    Returns a new dict with `id` and the declared properties, coerced to their types.
    Unknown properties, wrong types and missing required values raise ValidationError.
    With ``partial=True`` (updates) required properties may be absent but not emptied.

    >>> validate_node("Skill", {"id": "asr", "label_de": "Spracherkennung", "label_en": "Speech recognition"})["label_en"]
    'Speech recognition'
    """
    label = as_label(label)
    schema = NODE_SCHEMA[label]
    out: dict[str, Any] = {}
    if not partial or "id" in props:
        out["id"] = check_id(props.get("id"))
    for key, value in props.items():
        if key == "id":
            continue
        prop = schema.get(key)
        if prop is None:
            raise ValidationError(f"unknown property {key!r} for {label.value}", key)
        out[key] = _coerce(key, prop, value)
    for key, prop in schema.items():
        if not prop.required:
            continue
        if (not partial or key in out) and out.get(key) in (None, ""):
            raise ValidationError(f"{key} is required", key)
    return out


def drop_invalid(label: Label | str, props: Mapping[str, Any]) -> tuple[dict, list[tuple[str, str]]]:
    """For importers of outside data: the properties with every invalid optional value left out.

    Invisible characters are removed first (they are common in copied web addresses); a
    value that still breaks its rule is dropped and reported as `(property, reason)`. The
    rest is returned unchanged, for `validate_node` to check as a whole.

    >>> drop_invalid("Organization", {"id": "o", "website": "javascript:alert(1)", "name": "A"})
    ({'id': 'o', 'name': 'A'}, [('website', "website must be a web address starting with http:// or https:// ('javascript:alert(1)')")])
    """
    schema = NODE_SCHEMA[as_label(label)]
    kept: dict[str, Any] = {}
    dropped: list[tuple[str, str]] = []
    for key, value in props.items():
        prop = schema.get(key)
        if prop is not None and prop.rule and isinstance(value, str):
            value = fields.INVISIBLE_RE.sub("", value)
            try:
                _coerce(key, prop, value)
            except ValidationError as exc:
                if not prop.required:
                    dropped.append((key, str(exc.message)))
                    continue
        kept[key] = value
    return kept, dropped


def validate_edge(rel: Rel | str, row: Mapping[str, Any]) -> dict:
    """Check an edge row `{source, target, [source_label], [target_label], **props}`.

    Returns `{"source", "target", "source_label", "target_label", "props"}` with labels as
    Label members.

    >>> validate_edge("BROADER", {"source": "asr", "target": "audio"})["target_label"]
    <Label.SKILL: 'Skill'>
    """
    rel = as_rel(rel)
    spec = REL_SCHEMA[rel]
    default_src, default_dst = _DEFAULT_ENDPOINTS[rel]
    src_label = as_label(row.get("source_label") or default_src)
    dst_label = as_label(row.get("target_label") or default_dst)
    if (src_label, dst_label) not in spec.endpoints:
        raise ValidationError(
            f"{rel.value} cannot connect {src_label.value} to {dst_label.value}", "type"
        )
    props = {}
    for key, value in row.items():
        if key in ("source", "target", "source_label", "target_label"):
            continue
        prop = spec.props.get(key)
        if prop is None:
            raise ValidationError(f"unknown property {key!r} for {rel.value}", key)
        coerced = _coerce(key, prop, value)
        if coerced is not None:
            props[key] = coerced
    return {
        "source": check_id(row.get("source"), "source"),
        "target": check_id(row.get("target"), "target"),
        "source_label": src_label,
        "target_label": dst_label,
        "props": props,
    }


def display_name(label: Label | str, node: Mapping[str, Any], lang: str = "de") -> str:
    """The name a person reads for a node, in the given language where it has one."""
    label = as_label(label)
    if label is Label.SKILL:
        return node.get(f"label_{lang}") or node.get("label_en") or node.get("id", "")
    if label is Label.ORGANIZATION and node.get("name"):
        return readable_case(node["name"])  # CORDIS writes many names in capitals
    return node.get("name") or node.get("title") or node.get("acronym") or node.get("id", "")


def chunked(rows: Iterable, size: int) -> Iterable[list]:
    """Yield lists of at most `size` items."""
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
