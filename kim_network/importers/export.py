"""Exports of the graph (lossless JSON, GraphML for Gephi) and the import of a JSON export.

The JSON format is the platform's own backup and exchange format:

    {"format": "kim-network-export", "version": 1,
     "nodes": [{"label": "Organization", "id": "...", "props": {...}}, ...],
     "edges": [{"type": "OFFERS", "source_label": "Organization", "source": "...",
                "target_label": "Skill", "target": "...", "props": {...}}, ...]}

Importing an export into an empty store restores it exactly. Exports honour visibility:
with a viewer, only what `kim_network.core.visibility` lets that viewer see is exported, and a
relationship whose endpoint is hidden is dropped.
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

from kim_network.core.errors import Invalid
from kim_network.core.model import (
    GRAPH_LABELS,
    NODE_SCHEMA,
    REL_SCHEMA,
    Label,
    ValidationError,
    as_label,
    as_rel,
    display_name,
    validate_edge,
    validate_node,
)

EXPORT_FORMAT = "kim-network-export"
EXPORT_VERSION = 1
# Platform records carry personal data (accounts, messages, feedback): staff opt in.
PLATFORM_LABELS = tuple(label for label in Label if label not in GRAPH_LABELS)
_LABEL_RANK = {label.value: i for i, label in enumerate(Label)}


class ExportFileError(Invalid):
    """A file that is not a readable network export."""


def export_graph(
    store,
    viewer=None,
    labels: Sequence[Label | str] | None = None,
    include_platform_records: bool = False,
) -> dict:
    """The graph as an export document, sorted by label and id.

    Without a viewer (the staff CLI) every graph node is exported; with one, nodes and
    their fields are filtered through `kim_network.core.visibility` (`can_see`, `visible_props`). Platform records are
    included only on request, and never for a viewer who is not staff.

    >>> from kim_network.store.sqlite import SQLiteStore
    >>> store = SQLiteStore(":memory:"); _ = store.migrate()
    >>> _ = store.create_node("Skill", {"id": "asr", "label_de": "Spracherkennung", "label_en": "Speech recognition"})
    >>> export_graph(store)["nodes"][0]["props"]["label_en"]
    'Speech recognition'
    """
    from kim_network.core.visibility import can_see, visible_props

    platform_ok = include_platform_records and (viewer is None or viewer.is_staff)
    if labels:
        wanted = [as_label(l) for l in labels]
    else:
        wanted = list(GRAPH_LABELS)
    if platform_ok:
        wanted += [l for l in PLATFORM_LABELS if l not in wanted]
    else:
        wanted = [l for l in wanted if l not in PLATFORM_LABELS]

    nodes = []
    kept: set[tuple[str, str]] = set()
    for label, node in store.export_nodes(wanted):
        if viewer is not None and not can_see(viewer, label, node):
            continue
        readable = node if viewer is None else visible_props(viewer, label, node)
        props = {k: v for k, v in readable.items() if k != "id" and v is not None}
        nodes.append({"label": label, "id": node["id"], "props": dict(sorted(props.items()))})
        kept.add((label, node["id"]))
    edges = []
    for edge in store.export_edges():
        if (edge.source_label, edge.source) in kept and (edge.target_label, edge.target) in kept:
            edges.append({
                "type": edge.type,
                "source_label": edge.source_label,
                "source": edge.source,
                "target_label": edge.target_label,
                "target": edge.target,
                "props": dict(sorted((k, v) for k, v in edge.props.items() if v is not None)),
            })
    nodes.sort(key=lambda n: (_LABEL_RANK[n["label"]], n["id"]))
    edges.sort(key=lambda e: (e["type"], e["source_label"], e["source"], e["target_label"], e["target"]))
    return {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "nodes": nodes, "edges": edges}


def write_json(document: dict, out: IO[str]) -> None:
    """One node or edge per line: diffable, and streamable by line-oriented tools."""
    out.write('{"format": %s, "version": %d,\n"nodes": [\n' % (json.dumps(document["format"]), document["version"]))
    for i, node in enumerate(document["nodes"]):
        out.write(("," if i else "") + json.dumps(node, ensure_ascii=False) + "\n")
    out.write('],\n"edges": [\n')
    for i, edge in enumerate(document["edges"]):
        out.write(("," if i else "") + json.dumps(edge, ensure_ascii=False) + "\n")
    out.write("]}\n")


# -- GraphML ----------------------------------------------------------------------------

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_GRAPHML_TYPE = {str: "string", int: "long", float: "double", bool: "boolean", list: "string"}


def _graphml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        value = " | ".join(str(v) for v in value)
    return _XML_INVALID.sub("", str(value))


def node_key(label: str, node_id: str) -> str:
    """GraphML node id: ids are unique per label only, so the label is part of it."""
    return f"{label}:{node_id}"


def write_graphml(document: dict, out: IO[bytes]) -> None:
    """Write an export document as GraphML that Gephi, yEd and networkx open.

    Node attributes: `label` (the display name Gephi shows), `node_label` (Organization,
    Skill, ...) and every property; edge attribute `type` plus the relationship's properties.
    """
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    node_props: dict[str, type] = {}
    for node in document["nodes"]:
        schema = NODE_SCHEMA[as_label(node["label"])]
        for name in node["props"]:
            if name in schema:
                node_props.setdefault(name, schema[name].type)
    edge_props: dict[str, type] = {}
    for edge in document["edges"]:
        schema = REL_SCHEMA[as_rel(edge["type"])].props
        for name in edge["props"]:
            if name in schema:
                edge_props.setdefault(name, schema[name].type)

    def key(for_: str, name: str, kind: type) -> str:
        key_id = f"{for_[0]}_{name}"
        ET.SubElement(root, "key", {"id": key_id, "for": for_, "attr.name": name,
                                    "attr.type": _GRAPHML_TYPE[kind]})
        return key_id

    node_keys = {"label": key("node", "label", str), "node_label": key("node", "node_label", str)}
    for name, kind in sorted(node_props.items()):
        node_keys[name] = key("node", name, kind)
    edge_keys = {"type": key("edge", "type", str)}
    for name, kind in sorted(edge_props.items()):
        edge_keys[name] = key("edge", name, kind)

    graph = ET.SubElement(root, "graph", {"id": "kim-network", "edgedefault": "directed"})
    for node in document["nodes"]:
        element = ET.SubElement(graph, "node", {"id": node_key(node["label"], node["id"])})
        values = {"label": display_name(node["label"], {"id": node["id"], **node["props"]}),
                  "node_label": node["label"], **node["props"]}
        for name, value in values.items():
            if name in node_keys and value is not None:
                ET.SubElement(element, "data", {"key": node_keys[name]}).text = _graphml_value(value)
    for i, edge in enumerate(document["edges"]):
        element = ET.SubElement(graph, "edge", {
            "id": f"e{i}",
            "source": node_key(edge["source_label"], edge["source"]),
            "target": node_key(edge["target_label"], edge["target"]),
        })
        for name, value in {"type": edge["type"], **edge["props"]}.items():
            if name in edge_keys and value is not None:
                ET.SubElement(element, "data", {"key": edge_keys[name]}).text = _graphml_value(value)
    ET.ElementTree(root).write(out, encoding="utf-8", xml_declaration=True)


# -- importing an export ----------------------------------------------------------------

@dataclass
class ExportImport:
    errors: list[str] = field(default_factory=list)
    written: bool = False
    nodes: int = 0
    edges: int = 0


def is_export_document(document: Any) -> bool:
    return isinstance(document, dict) and document.get("format") == EXPORT_FORMAT


def _checked_items(items: list, key: str, fields: str, check, errors: list[str]):
    """(where, check(item)) for each item of an export's `key` list that is an object with a
    props object and passes `check`; what fails is added to `errors` as `key[i]: ...`."""
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("props", {}), dict):
            errors.append(f"{where}: must be an object with {fields} and props")
            continue
        try:
            checked = check(item)
        except ValidationError as exc:
            errors.append(f"{where}: {exc.field}: {exc.message}")
            continue
        yield where, checked


def validate_export(document: Any, store) -> tuple[Any, list[str]]:
    """Check every node and edge of an export; return (GraphRecords of the valid ones, errors)."""
    from kim_network.importers.cordis import GraphRecords

    if not is_export_document(document):
        raise ExportFileError(f"not a network export (expected \"format\": \"{EXPORT_FORMAT}\")")
    if document.get("version") != EXPORT_VERSION:
        raise ExportFileError(f"export version {document.get('version')!r} is not supported (expected {EXPORT_VERSION})")
    if not isinstance(document.get("nodes"), list) or not isinstance(document.get("edges", []), list):
        raise ExportFileError("an export needs a list of nodes and a list of edges")
    records = GraphRecords()
    errors: list[str] = []
    present: set[tuple[Label, str]] = set()
    def node_of(item):
        label = as_label(item.get("label"))
        return label, validate_node(label, {**item.get("props", {}), "id": item.get("id")})

    for where, (label, node) in _checked_items(document["nodes"], "nodes", "label, id", node_of, errors):
        if (label, node["id"]) in present:
            errors.append(f"{where}: id: duplicate {label.value} {node['id']}")
            continue
        present.add((label, node["id"]))
        records.nodes[label].append(node)
    missing: dict[Label, set[str]] = {}
    checked = []
    def edge_of(item):
        rel = as_rel(item.get("type"))
        return rel, validate_edge(rel, {
            **item.get("props", {}),
            "source": item.get("source"), "target": item.get("target"),
            "source_label": item.get("source_label"), "target_label": item.get("target_label"),
        })

    for where, (rel, edge) in _checked_items(document.get("edges", []), "edges", "type, source, target",
                                             edge_of, errors):
        for end in ("source", "target"):
            key = (edge[f"{end}_label"], edge[end])
            if key not in present:
                missing.setdefault(key[0], set()).add(key[1])
        checked.append((where, rel, edge))
    stored = {(label, node_id) for label, ids in missing.items()
              for node_id in store.get_nodes(label, list(ids))}
    for where, rel, edge in checked:
        ends = [(edge[f"{end}_label"], edge[end]) for end in ("source", "target")]
        absent = [f"{l.value} {i}" for l, i in ends if (l, i) not in present and (l, i) not in stored]
        if absent:
            errors.append(f"{where}: source: {', '.join(absent)} is neither in the file nor stored")
            continue
        records.edges[rel].append({
            "source": edge["source"], "target": edge["target"],
            "source_label": edge["source_label"], "target_label": edge["target_label"],
            **edge["props"],
        })
    return records, errors


def import_export(document: Any, store, skip_invalid: bool = False) -> ExportImport:
    """Validate an export document, then write it (nothing on errors unless skip_invalid)."""
    from kim_network.importers.records import write_records

    records, errors = validate_export(document, store)
    result = ExportImport(errors=errors)
    if errors and not skip_invalid:
        return result
    write_records(store, records)
    result.written = True
    result.nodes = sum(len(rows) for rows in records.nodes.values())
    result.edges = sum(len(rows) for rows in records.edges.values())
    return result


def read_export_file(path: str | Path) -> Any:
    """The parsed JSON document of a file (UTF-8), or ExportFileError with the position."""
    from kim_network.importers.members import MemberFileError, decode_utf8, load_json

    path = Path(path)
    try:
        text = decode_utf8(path.read_bytes(), path.name)
        return load_json(text, path.name)
    except OSError as exc:
        raise ExportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    except MemberFileError as exc:
        raise ExportFileError(str(exc)) from None


def iter_labels(values: Iterable[str]) -> list[Label]:
    """Parse `--labels Organization,Skill` (repeatable, comma-separated) into Labels."""
    out = []
    for value in values:
        for part in value.split(","):
            if part.strip():
                out.append(as_label(part.strip()))
    return out
