"""The map as web workers serve it: `mapdata.MapGraph` in arrays, and the map's filters over them.

`ServedMap.of` turns a laid-out map (with the members' partner matrix and roles) into
arrays that the shared files map read-only, so a worker holds no per-node dicts;
`select` applies the filters and the focus mode (`mapdata.parse_filters`) and gives the
nodes (with each member's role) and edges the map draws. Its rows are the
map's nodes in `MapGraph` order: the members first (their row is their index in
`Ecosystem.members`, and in the partner matrix), then the skills.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from kim_network.analytics.compact import Csr, lower_bound, sorted_positions
from kim_network.analytics.ecosystem import Ecosystem
from kim_network.analytics.mapdata import FOCUS_LIMIT, MAX_FOCUS_LIMIT, MapGraph, MapQueryError, parse_filters
from kim_network.core.columns import Codes, Strings

_KINDS = ("organization", "person", "skill")
_LABELS = ("Organization", "Person", "Skill")
ORGANIZATION, PERSON, SKILL = range(3)
_EDGE_TYPES = ("partner", "works_at", "met", "offers", "needs")


@dataclass(eq=False, repr=False)
class ServedMap:
    """One level's map nodes and edges as arrays (see the module's docstring)."""

    members: int  # rows 0..members-1 are the members
    kind: np.ndarray  # index into _KINDS
    node_id: Strings
    label_de: Strings
    label_en: Strings
    subkind: Codes
    community: np.ndarray
    size: np.ndarray
    x: np.ndarray
    y: np.ndarray
    region: Codes
    sme: Codes
    created_at: Codes
    partners: np.ndarray  # -1 for skills
    degree: np.ndarray
    betweenness: np.ndarray
    role: Codes
    edge_source: np.ndarray
    edge_target: np.ndarray
    edge_type: np.ndarray  # index into _EDGE_TYPES
    edge_weight: np.ndarray
    adjacency: Csr
    member_skills: Csr
    employer: Csr
    partner_matrix: sparse.csr_matrix
    key_order: np.ndarray  # rows sorted by key
    key_rank: np.ndarray  # each row's place in key order
    id_order: np.ndarray  # rows sorted by node id (stable)
    by_size: np.ndarray  # rows by size (largest first), then key
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _by_name: dict | None = None

    @classmethod
    def of(cls, graph: MapGraph, eco: Ecosystem, roles: dict[str, str]) -> "ServedMap":
        keys = list(graph.nodes)
        if keys[:len(eco.members)] != eco.members:
            raise ValueError("the map's rows must start with the ecosystem's members")
        row = {k: i for i, k in enumerate(keys)}
        nodes = [graph.nodes[k] for k in keys]
        kind = np.array([_KINDS.index(n["kind"]) for n in nodes], dtype=np.int8)

        def column(name, dtype):
            return np.array([n[name] for n in nodes], dtype=dtype)

        sources, targets, types, weights = [], [], [], []
        for e in graph.edges:
            sources.append(row[e["source"]])
            targets.append(row[e["target"]])
            types.append(_EDGE_TYPES.index(e["type"]))
            weights.append(e["weight"])
        n = len(keys)
        sources, targets = np.asarray(sources, dtype=np.int32), np.asarray(targets, dtype=np.int32)
        # `MapGraph.adjacency` links both ends of every edge.
        adjacency = Csr.of_arrays(n, np.concatenate([sources, targets]), np.concatenate([targets, sources]))
        member_skills = Csr.of(n, [(row[m], row[s]) for m, skills in graph.member_skills.items() for s in skills])
        employer = Csr.of(n, [(row[p], row[o]) for p, orgs in graph.employer.items() if p in row
                              for o in orgs if o in row])
        key_order = sorted_positions(keys)
        key_rank = np.empty(n, dtype=np.int32)
        key_rank[key_order] = np.arange(n, dtype=np.int32)
        by_size = np.asarray(sorted(range(n), key=lambda i: (-nodes[i]["size"], keys[i])), dtype=np.int32)
        return cls(
            members=len(eco.members), kind=kind, node_id=Strings.of(n["node_id"] for n in nodes),
            label_de=Strings.of(n["label_de"] for n in nodes), label_en=Strings.of(n["label_en"] for n in nodes),
            subkind=Codes.of(n["subkind"] for n in nodes), community=column("community", np.int64),
            size=column("size", np.float64), x=column("x", np.float64), y=column("y", np.float64),
            region=Codes.of(n["region"] for n in nodes), sme=Codes.of(n["sme"] for n in nodes),
            created_at=Codes.of(n["created_at"] for n in nodes),
            partners=np.array([-1 if n["partners"] is None else n["partners"] for n in nodes], dtype=np.int64),
            degree=column("degree", np.int64), betweenness=column("betweenness", np.float64),
            role=Codes.of(roles.get(k) for k in keys),
            edge_source=sources, edge_target=targets,
            edge_type=np.asarray(types, dtype=np.int8), edge_weight=np.asarray(weights, dtype=np.float64),
            adjacency=adjacency, member_skills=member_skills, employer=employer, partner_matrix=eco.partners,
            key_order=key_order, key_rank=key_rank, id_order=sorted_positions([n["node_id"] for n in nodes]),
            by_size=by_size)

    # -- rows and keys ----------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.kind)

    def key(self, i: int) -> str:
        return f"{_LABELS[self.kind[i]]}:{self.node_id[i]}"

    def row(self, key: str) -> int:
        """The row of a node key, or -1."""
        n = len(self.key_order)
        at = lower_bound(n, lambda p: self.key(int(self.key_order[p])), key)
        if at < n and self.key(int(self.key_order[at])) == key:
            return int(self.key_order[at])
        return -1

    def row_of_id(self, node_id: str) -> int:
        """The first row (in map order) whose node id is `node_id`, or -1."""
        n = len(self.id_order)
        at = lower_bound(n, lambda p: self.node_id[int(self.id_order[p])], node_id)
        if at < n and self.node_id[int(self.id_order[at])] == node_id:
            return int(self.id_order[at])
        return -1

    def skill_by_name(self) -> dict[str, int]:
        """Skill rows by their lower-case name in either language (the first one for a name)."""
        with self._lock:
            if self._by_name is None:
                found: dict[str, int] = {}
                for i in np.flatnonzero(self.kind == SKILL).tolist():
                    found.setdefault(self.label_de[i].lower(), i)
                    found.setdefault(self.label_en[i].lower(), i)
                self._by_name = found
            return self._by_name

    def nodes(self, rows: np.ndarray, lang: str) -> list[dict]:
        """Nodes as the map draws them (in the order of `rows`), with the member's role."""
        labels = self.label_en if lang == "en" else self.label_de
        kinds = self.kind[rows].tolist()
        columns = zip(rows.tolist(), kinds, self.subkind.take(rows), self.community[rows].tolist(),
                      self.size[rows].tolist(), self.x[rows].tolist(), self.y[rows].tolist(), self.region.take(rows),
                      self.sme.take(rows), self.created_at.take(rows), self.partners[rows].tolist(),
                      self.degree[rows].tolist(), self.betweenness[rows].tolist(), self.role.take(rows))
        out = []
        for i, kind, subkind, community, size, x, y, region, sme, created, partners, degree, between, role in columns:
            node_id = self.node_id[i]
            out.append({
                "id": f"{_LABELS[kind]}:{node_id}", "node_id": node_id, "kind": _KINDS[kind], "subkind": subkind,
                "community": community, "size": size, "x": x, "y": y, "region": region, "sme": sme,
                "created_at": created, "partners": None if kind == SKILL else partners, "degree": degree,
                "betweenness": between, "label": labels[i], "role": role,
            })
        return out

    def _partner_row(self, i: int) -> tuple[np.ndarray, np.ndarray]:
        m = self.partner_matrix
        return m.indices[m.indptr[i]:m.indptr[i + 1]], m.data[m.indptr[i]:m.indptr[i + 1]]


def select(smap: ServedMap, kind=None, skill=None, region=None, sme=None, since=None, until=None, focus=None,
           depth: int = 1, limit: int | None = None, lang: str = "de", focus_limit: int = FOCUS_LIMIT) -> dict:
    """The nodes and edges of the map that pass the filters, with counts.

    Without a focus, every member that passes and the skills they link to (all skills when
    no member filter is set), at most `limit` of the largest; with a focus, its
    neighbourhood to `depth` (every partner, not only the overview's strongest), closest
    first, at most `focus_limit`.
    """
    from kim_network.analytics.mapdata import DEFAULT_LIMIT

    limit = DEFAULT_LIMIT if limit is None else limit
    f = parse_filters(kind, skill, region, sme, since, until, depth, limit, focus_limit)
    n = len(smap)
    is_skill = smap.kind == SKILL
    wanted_skills = np.zeros(n, dtype=bool)
    for s in f.skills:
        key = s if s.startswith("Skill:") else f"Skill:{s}"
        i = smap.row(key)
        if i < 0:  # a name from the autocomplete, in either language
            i = smap.skill_by_name().get(s.lower(), -1)
        if i >= 0 and is_skill[i]:
            wanted_skills[i] = True

    fkey, ring1 = -1, set()
    if focus:
        fkey = smap.row(focus)
        if fkey < 0:
            fkey = smap.row_of_id(focus)
        if fkey < 0:
            raise MapQueryError("the focused node does not exist or is not visible to you")
        chosen, frontier = {fkey}, {fkey}
        for step in range(depth):
            nxt: set[int] = set()
            for k in frontier:
                nxt.update(smap.adjacency.row(k).tolist())
                if k < smap.members:  # every partner, not only the overview's strongest
                    nxt.update(smap._partner_row(k)[0].tolist())
            nxt -= chosen
            chosen |= nxt
            frontier = nxt
            if step == 0:
                ring1 = set(nxt)
        selected = np.zeros(n, dtype=bool)
        selected[list(chosen)] = True
    else:
        selected = np.ones(n, dtype=bool)

    ok = selected & ~is_skill
    if f.node_kinds:
        ok &= np.isin(smap.kind, [_KINDS.index(k) for k in f.node_kinds])
    if f.member_kinds:
        ok &= smap.subkind.mask(lambda v: v in f.member_kinds)
    if f.regions:
        ok &= smap.region.mask(lambda v: any((v or "").upper().startswith(r) for r in f.regions))
    if f.sme_value is not None:
        sme_ok = smap.sme.mask(lambda v: bool(v) == f.sme_value)
        person_ok = smap.employer.rows_with_any(sme_ok)
        ok &= np.where(smap.kind == ORGANIZATION, sme_ok, True) & np.where(smap.kind == PERSON, person_ok, True)
    if f.skills:
        ok &= smap.member_skills.rows_with_any(wanted_skills)
    if f.since:
        ok &= smap.created_at.mask(lambda v: bool(v) and v[:len(f.since)] >= f.since)
    if f.until:
        ok &= smap.created_at.mask(lambda v: bool(v) and v[:len(f.until)] <= f.until)

    member_filters = bool(f.member_kinds or f.regions or f.sme_value is not None or f.skills or f.since or f.until)
    kept = ok
    if not f.node_kinds or "skill" in f.node_kinds:
        candidates = selected & is_skill
        if member_filters or focus or f.node_kinds == {"skill"}:
            if f.node_kinds == {"skill"} and not member_filters:
                kept = kept | candidates
            else:
                linked = smap.member_skills.neighbours_of(ok)
                kept = kept | (candidates & (linked | wanted_skills))
        else:
            kept = kept | candidates
        if fkey >= 0:
            kept[fkey] = True

    total = int(kept.sum())
    focus_meta = None
    if fkey >= 0:
        # Closest first: direct neighbours by the strength of the tie, then the second ring by size.
        strength: dict[int, float] = {}
        if fkey < smap.members:
            cols, vals = smap._partner_row(fkey)
            strength = dict(zip(cols.tolist(), (float(w) for w in vals.tolist())))
        rest = [k for k in np.flatnonzero(kept).tolist() if k != fkey]
        size, rank = smap.size, smap.key_rank
        rest.sort(key=lambda k: (k not in ring1, -strength.get(k, 0.0), -size[k], rank[k]))
        shown = [fkey] + rest[:focus_limit - 1]
        kept = np.zeros(n, dtype=bool)
        kept[shown] = True
        focus_meta = {"total": total, "shown": len(shown), "limit": focus_limit,
                      "more": min(MAX_FOCUS_LIMIT, focus_limit * 2) if total > len(shown) else None}
    truncated = int(kept.sum()) > limit
    if truncated:
        top = smap.by_size[kept[smap.by_size]][:limit]
        kept = np.zeros(n, dtype=bool)
        kept[top] = True
        if fkey >= 0:
            kept[fkey] = True
    rows = np.flatnonzero(kept)
    rows = rows[np.argsort(smap.key_rank[rows], kind="stable")]
    out_nodes = smap.nodes(rows, lang)
    out_edges = _edges(smap, np.flatnonzero(kept[smap.edge_source] & kept[smap.edge_target]))
    if fkey >= 0 and fkey < smap.members:
        seen = {(e["source"], e["target"]) for e in out_edges}
        me = smap.key(fkey)
        cols, vals = smap._partner_row(fkey)
        for j, w in zip(cols.tolist(), vals.tolist()):
            if kept[j]:
                other = smap.key(j)
                if (me, other) not in seen and (other, me) not in seen:
                    out_edges.append({"source": me, "target": other, "type": "partner", "weight": float(w)})
    return {
        "nodes": out_nodes,
        "edges": out_edges,
        "meta": {"total": total, "shown": len(out_nodes), "truncated": truncated, "limit": limit,
                 "focus": focus_meta},
    }


def _edges(smap: ServedMap, chosen: np.ndarray) -> list[dict]:
    keys: dict[int, str] = {}

    def key(i: int) -> str:
        found = keys.get(i)
        if found is None:
            found = keys[i] = smap.key(i)
        return found

    return [{"source": key(a), "target": key(b), "type": _EDGE_TYPES[t], "weight": w}
            for a, b, t, w in zip(smap.edge_source[chosen].tolist(), smap.edge_target[chosen].tolist(),
                                  smap.edge_type[chosen].tolist(), smap.edge_weight[chosen].tolist())]
