"""The map's JSON data and its GraphML/CSV exports, declared on the API registry (/api/v1/map...).

Everything is filtered for the caller: the graph is the caller's visibility level's view
(`kim_network.services.ecosystem`), so hidden profiles and their ties never appear.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import threading

import networkx as nx
from flask import Response, request

from kim_network.analytics import mapdata, mapserve
from kim_network.services import ecosystem as analytics
from kim_network.api.v1 import api
from kim_network.api.registry import ApiError, Param
from kim_network.extensions import get_caches, get_store
from kim_network.core.visibility import clearance
from kim_network.web.i18n import current_language

_FILTERS = (
    Param("kind", {"type": "string", "maxLength": 200},
          "Comma-separated node kinds (organization, person, skill) and/or member kinds "
          "(media_company, university, researcher, ...)."),
    Param("skill", {"type": "string", "maxLength": 300}, "Comma-separated skill ids: members offering or needing them."),
    Param("region", {"type": "string", "maxLength": 100},
          "Comma-separated NUTS prefixes, e.g. DE21 (Oberbayern) or DE2 (all Bavaria)."),
    Param("sme", {"type": "string", "enum": ["true", "false"]}, "Only SMEs (true) or only non-SMEs (false)."),
    Param("since", {"type": "string", "maxLength": 10}, "Members who joined in or after this year or date."),
    Param("until", {"type": "string", "maxLength": 10}, "Members who joined up to this year or date."),
    Param("focus", {"type": "string", "maxLength": 80},
          "A node id (e.g. Organization:br-1 or br-1): only its neighbourhood."),
    Param("depth", {"type": "integer", "minimum": 1, "maximum": 2, "default": 1}, "Neighbourhood depth for focus."),
    Param("focus_limit", {"type": "integer", "minimum": 2, "maximum": mapdata.MAX_FOCUS_LIMIT,
                          "default": mapdata.FOCUS_LIMIT},
          "A neighbourhood shows at most this many nodes, the closest first (meta.focus.more: the next step)."),
)
_LIMIT = Param("limit", {"type": "integer", "minimum": 1, "maximum": mapdata.MAX_LIMIT, "default": mapdata.DEFAULT_LIMIT},
               "At most this many nodes, the most central first.")

_NODE = {
    "type": "object",
    "required": ["id", "label", "kind", "community", "size", "x", "y"],
    "properties": {
        "id": {"type": "string", "description": "Label and id, e.g. Organization:br-1."},
        "node_id": {"type": "string", "description": "The profile's own id."},
        "label": {"type": "string"},
        "kind": {"type": "string", "enum": ["organization", "person", "skill"]},
        "subkind": {"type": ["string", "null"], "description": "Member kind, e.g. media_company."},
        "community": {"type": "integer", "description": "Louvain community; -1 for none."},
        "size": {"type": "number", "description": "Drawing size from centrality (partners)."},
        "x": {"type": "number"},
        "y": {"type": "number"},
        "region": {"type": ["string", "null"]},
        "sme": {"type": ["boolean", "null"]},
        "created_at": {"type": ["string", "null"]},
        "partners": {"type": ["integer", "null"]},
        "degree": {"type": "integer"},
        "betweenness": {"type": "number"},
        "role": {"type": ["string", "null"], "enum": ["broker", "connector", "hub", "member", None],
                 "description": "Its place in the network in plain words (members only)."},
    },
}
_EDGE = {
    "type": "object",
    "required": ["source", "target", "type", "weight"],
    "properties": {
        "source": {"type": "string"},
        "target": {"type": "string"},
        "type": {"type": "string", "enum": ["partner", "works_at", "offers", "needs"]},
        "weight": {"type": "number"},
    },
}
MAP_RESPONSE = {
    "type": "object",
    "properties": {
        "nodes": {"type": "array", "items": _NODE},
        "edges": {"type": "array", "items": _EDGE},
        "meta": {"type": "object", "properties": {
            "total": {"type": "integer"}, "shown": {"type": "integer"},
            "truncated": {"type": "boolean"}, "limit": {"type": "integer"},
            "focus": {"type": ["object", "null"], "description": "total, shown, limit and the next limit (more)."},
            "legend": {"type": "array", "description": "The communities shown, largest first: community, size, name."}}},
    },
}


def _selection(args, viewer, limit: int | None = None, snapshot=None) -> dict:
    store = get_store()
    snap, graph = snapshot or analytics.map_for(store, viewer, cache=get_caches().analytics)
    lang = current_language()
    try:
        data = mapserve.select(
            graph, kind=args.get("kind"), skill=args.get("skill"), region=args.get("region"),
            sme=args.get("sme"), since=args.get("since"), until=args.get("until"), focus=args.get("focus"),
            depth=args.get("depth") or 1, limit=limit or args.get("limit") or mapdata.DEFAULT_LIMIT,
            lang=lang, focus_limit=args.get("focus_limit") or mapdata.FOCUS_LIMIT)
    except mapdata.MapQueryError as exc:
        raise ApiError(400, str(exc)) from exc
    shown: dict[int, int] = {}
    for node in data["nodes"]:
        if node["kind"] != "skill" and node["community"] >= 0:
            shown[node["community"]] = shown.get(node["community"], 0) + 1
    data["meta"]["legend"] = [{"community": c["community"], "size": c["size"], "shown": shown[c["community"]],
                               "name": c[f"name_{lang}"]} for c in analytics.legend_of(snap) if c["community"] in shown]
    return data


# Per snapshot (so it goes with it): the map's JSON, serialised and gzipped once per viewer
# level, filters and language; a few dozen variants at most.
_CACHE_SIZE = 64
_cache_lock = threading.Lock()


@api.endpoint("GET", "/map", summary="The ecosystem map: nodes with positions and edges", tag="map",
              auth="member", params=_FILTERS + (_LIMIT,), response=MAP_RESPONSE, errors=(400,))
def map_data(args, viewer):
    """Organisations, people and skills the caller may see, coloured by Louvain community, sized by
    centrality, with server-side positions. Filters combine; `focus` shows one neighbourhood.

    Sent gzip-compressed with an ETag; the same map for the same data is serialised once."""
    snapshot = analytics.map_for(get_store(), viewer, cache=get_caches().analytics)
    snap = snapshot[0]
    key = (snap.counter, clearance(viewer), current_language(),
           tuple(sorted((k, str(v)) for k, v in args.items() if v not in (None, ""))))
    with _cache_lock:
        cache = snap.__dict__.setdefault("_map_json", {})
        cached = cache.get(key)
    if cached is None:
        body = json.dumps(_selection(args, viewer, snapshot=snapshot), separators=(",", ":")).encode("utf-8")
        cached = ('"' + hashlib.sha256(repr(key).encode() + body).hexdigest()[:32] + '"',
                  gzip.compress(body, compresslevel=6))
        with _cache_lock:
            if len(cache) >= _CACHE_SIZE:
                cache.pop(next(iter(cache)))
            cache[key] = cached
    etag, compressed = cached
    headers = {"ETag": etag, "Vary": "Accept-Encoding", "Cache-Control": "private, no-cache"}
    if request.if_none_match.contains(etag.strip('"')):
        return Response(status=304, headers=headers)
    if "gzip" in (request.headers.get("Accept-Encoding") or ""):
        return Response(compressed, mimetype="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(gzip.decompress(compressed), mimetype="application/json", headers=headers)


def _export_rows(args, viewer):
    return _selection(args, viewer, limit=mapdata.MAX_LIMIT)


_NODE_COLUMNS = ("id", "node_id", "label", "kind", "subkind", "community", "size", "x", "y", "region", "sme",
                 "created_at", "partners", "degree", "betweenness")
_EDGE_COLUMNS = ("source", "target", "type", "weight")


@api.endpoint("GET", "/map/export.graphml", summary="The filtered map as GraphML (Gephi, yEd)", tag="map",
              auth="member", params=_FILTERS, response={"type": "string"}, errors=(400,))
def map_graphml(args, viewer):
    """The same nodes and edges as /map (without the node limit), with every attribute."""
    data = _export_rows(args, viewer)
    graph = nx.Graph()
    for node in data["nodes"]:
        graph.add_node(node["id"], **{k: node[k] for k in _NODE_COLUMNS if k != "id" and node.get(k) is not None})
    for edge in data["edges"]:
        graph.add_edge(edge["source"], edge["target"], type=edge["type"], weight=edge["weight"])
    out = io.BytesIO()
    nx.write_graphml(graph, out, encoding="utf-8")
    return Response(out.getvalue(), mimetype="application/graphml+xml",
                    headers={"Content-Disposition": "attachment; filename=kim-netzwerk-map.graphml"})


_PART = Param("part", {"type": "string", "enum": ["nodes", "edges"], "default": "nodes"},
              "Which table: nodes or edges.")


@api.endpoint("GET", "/map/export.csv", summary="The filtered map as CSV (nodes or edges)", tag="map",
              auth="member", params=_FILTERS + (_PART,), response={"type": "string"}, errors=(400,))
def map_csv(args, viewer):
    """A node table or an edge table of the filtered map, as Gephi's spreadsheet import reads them."""
    data = _export_rows(args, viewer)
    part = args.get("part") or "nodes"
    columns = _NODE_COLUMNS if part == "nodes" else _EDGE_COLUMNS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in data[part]:
        writer.writerow(["" if row.get(c) is None else _safe(row.get(c)) for c in columns])
    return Response(out.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=kim-netzwerk-map-{part}.csv"})


def _safe(value):
    """Keep spreadsheet programs from running a cell as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
