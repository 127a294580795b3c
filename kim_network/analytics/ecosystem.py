"""The ecosystem as analytics and the map see it: members, skills, projects, events and their ties.

Built from the store's export shapes (`(label, props)` nodes and `Edge`s or edge dicts),
already filtered for one viewer, so nothing computed from it can reveal a hidden profile:
hidden nodes are dropped before any degree, community or layout is computed.
"""
from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import networkx as nx
import numpy as np
from scipy import sparse

from kim_network.core.model import REL_SCHEMA, Label, Rel, display_name
from kim_network.core.visibility import Viewer, can_see, visible_props

MEMBER_LABELS = (Label.ORGANIZATION.value, Label.PERSON.value)
# Ties that say "these work together"; skill offers are weaker ties (a shared competence).
TIE_WEIGHT = {
    Rel.WORKS_AT.value: 1.0,
    Rel.PARTICIPATED_IN.value: 1.0,
    Rel.ATTENDED.value: 1.0,
    Rel.MET.value: 1.0,  # their people met at a KI.M event (a confirmed meeting)
    Rel.OFFERS.value: 0.5,
    Rel.HAS_SKILL.value: 0.5,
}
OFFER_RELS = (Rel.OFFERS.value, Rel.HAS_SKILL.value)
# Plain strings for the hot loops (an Enum's `.value` is a slow descriptor).
_NEEDS, _WORKS_AT, _SKILL, _INTRODUCTION = Rel.NEEDS.value, Rel.WORKS_AT.value, Label.SKILL.value, Label.INTRODUCTION.value
_REQUIRES, _PROJECT = Rel.REQUIRES.value, Label.PROJECT.value
_MET = Rel.MET.value
_GRAPH_NODE_LABELS = frozenset(l.value for l in (Label.ORGANIZATION, Label.PERSON, Label.SKILL, Label.PROJECT, Label.EVENT))
_KEEP = (
    "name", "short_name", "title", "acronym", "kind", "sme", "city", "country", "region",
    "created_at", "updated_at", "confirmed_at", "pending", "visibility", "label_de", "label_en",
    "signed_date", "start_date", "date", "description_de", "description_en", "source",
)


def node_key(label: str, node_id: str) -> str:
    """The graph key of a node: its label and id, so ids of different labels never collide.

    >>> node_key("Organization", "br-1")
    'Organization:br-1'
    """
    return f"{label}:{node_id}"


def split_key(key: str) -> tuple[str, str]:
    """The label and id of a graph key.

    >>> split_key("Skill:asr")
    ('Skill', 'asr')
    """
    label, _, node_id = key.partition(":")
    return label, node_id


def _label_of(value: Any) -> str:
    return value.value if isinstance(value, Label) or isinstance(value, Rel) else str(value)


def edge_tuple(edge: Any) -> tuple[str, str, str, str, str, dict]:
    """`(type, source_label, source, target_label, target, props)` of a store Edge or an edge dict."""
    if isinstance(edge, Mapping):
        rel = _label_of(edge["type"])
        default_src, default_dst = REL_SCHEMA[Rel(rel)].endpoints[0]
        props = {k: v for k, v in edge.items() if k not in ("type", "source", "target", "source_label", "target_label", "props")}
        props.update(edge.get("props") or {})
        return (rel, _label_of(edge.get("source_label") or default_src), edge["source"],
                _label_of(edge.get("target_label") or default_dst), edge["target"], props)
    return (_label_of(edge.type), _label_of(edge.source_label), edge.source,
            _label_of(edge.target_label), edge.target, edge.props or {})


_DEFAULT_ENDS = {rel.value: (spec.endpoints[0][0].value, spec.endpoints[0][1].value) for rel, spec in REL_SCHEMA.items()}


def _plain(value: Any) -> Any:
    return value._value_ if isinstance(value, enum.Enum) else value


def _edge_ends(edge: Any) -> tuple[str, str, str, str, str]:
    """`edge_tuple` without the properties: the hot loop over every edge needs only the ends."""
    if type(edge) is dict:
        rel = _plain(edge["type"])
        default_src, default_dst = _DEFAULT_ENDS[rel]
        return (rel, _plain(edge.get("source_label")) or default_src, edge["source"],
                _plain(edge.get("target_label")) or default_dst, edge["target"])
    rel, sl, src, tl, dst, _props = edge_tuple(edge)
    return rel, sl, src, tl, dst


@dataclass
class Ecosystem:
    """One viewer's view of the network.

    `graph` holds members (organisations, people), projects, events and the skills members
    offer, keyed by `node_key`; edge attribute `weight` sums the ties, `types` names them.
    `partners` is a sparse member × member matrix of shared projects and events plus
    employment, indexed like `members`.
    """

    nodes: dict[str, dict]
    graph: nx.Graph
    members: list[str]
    member_index: dict[str, int]
    partners: sparse.csr_matrix
    offers: dict[str, set[str]] = field(default_factory=dict)
    needs: dict[str, set[str]] = field(default_factory=dict)
    employer: dict[str, set[str]] = field(default_factory=dict)
    first_project: dict[str, str] = field(default_factory=dict)
    introductions: list[dict] = field(default_factory=list)
    project_skills: dict[str, set[str]] = field(default_factory=dict)  # project key -> skills it required
    projects_of: dict[str, list[str]] = field(default_factory=dict)  # member key -> its projects
    met: set[tuple[str, str]] = field(default_factory=set)  # member pairs that met at an event

    def label(self, key: str) -> str:
        return split_key(key)[0]

    def name(self, key: str, lang: str = "de") -> str:
        label, node_id = split_key(key)
        node = self.nodes.get(key) or {"id": node_id}
        return display_name(label, node, lang)

    def partner_count(self) -> np.ndarray:
        """Distinct other members each member is tied to, in `members` order."""
        return np.diff(self.partners.indptr)

    def skills_of(self) -> dict[str, set[str]]:
        """What each member can do: the skills it offers or has, and those its projects required."""
        out: dict[str, set[str]] = {}
        for key in self.members:
            skills = set(self.offers.get(key, ()))
            for project in self.projects_of.get(key, ()):
                skills |= self.project_skills.get(project, set())
            if skills:
                out[key] = skills
        return out

def build_ecosystem(
    nodes: Iterable[tuple[Any, Mapping[str, Any]]],
    edges: Iterable[Any],
    viewer: Viewer | None = None,
) -> Ecosystem:
    """Build the ecosystem one viewer may see.

    Nodes the viewer may not see (`kim_network.core.visibility.can_see`) and merged duplicates
    are left out together with every edge that touches them.

    Examples
    --------
    >>> eco = build_ecosystem(
    ...     [("Organization", {"id": "a", "name": "A", "kind": "media_company"}),
    ...      ("Organization", {"id": "b", "name": "B", "kind": "university", "visibility": "members"}),
    ...      ("Project", {"id": "p", "title": "P"})],
    ...     [{"type": "PARTICIPATED_IN", "source": "a", "target": "p"},
    ...      {"type": "PARTICIPATED_IN", "source": "b", "target": "p"}])
    >>> eco.members, eco.partner_count().tolist()
    (['Organization:a', 'Organization:b'], [1, 1])
    >>> from kim_network.core.visibility import ANONYMOUS
    >>> build_ecosystem([("Organization", {"id": "b", "name": "B", "kind": "university",
    ...     "visibility": "members"})], [], ANONYMOUS).members
    []
    """
    kept: dict[str, dict] = {}
    intros: list[dict] = []
    for label, props in nodes:
        label = _label_of(label)
        if label == _INTRODUCTION:
            intros.append(dict(props))
            continue
        if label not in _GRAPH_NODE_LABELS:
            continue
        if props.get("merged_into"):
            continue
        if viewer is not None and not can_see(viewer, label, props):
            continue
        readable = props if viewer is None else visible_props(viewer, label, props)
        kept[node_key(label, props["id"])] = {"id": props["id"],
                                              **{k: readable[k] for k in _KEEP if readable.get(k) is not None}}

    graph = nx.Graph()
    for key in kept:
        if split_key(key)[0] != _SKILL:
            graph.add_node(key)
    offers: dict[str, set[str]] = defaultdict(set)
    needs: dict[str, set[str]] = defaultdict(set)
    employer: dict[str, set[str]] = defaultdict(set)
    joined: dict[str, list[str]] = defaultdict(list)  # project/event -> members
    project_skills: dict[str, set[str]] = defaultdict(set)
    met: set[tuple[str, str]] = set()
    for edge in edges:
        rel, sl, src, tl, dst = _edge_ends(edge)
        a, b = f"{sl}:{src}", f"{tl}:{dst}"
        if a not in kept or b not in kept:
            continue
        if rel == _REQUIRES:
            if sl == _PROJECT:
                project_skills[a].add(b)
            continue
        if rel == _NEEDS:
            needs[a].add(b)
            continue
        weight = TIE_WEIGHT.get(rel)
        if weight is None:
            continue
        if rel in OFFER_RELS:
            offers[a].add(b)
        elif rel == _WORKS_AT:
            employer[a].add(b)
        elif rel == _MET:
            met.add((a, b))
        else:
            joined[b].append(a)
        if graph.has_edge(a, b):
            data = graph[a][b]
            data["weight"] += weight
            data["types"] = sorted(set(data["types"]) | {rel})
        else:
            graph.add_edge(a, b, weight=weight, types=[rel])

    members = [k for k in kept if split_key(k)[0] in MEMBER_LABELS]
    member_index = {k: i for i, k in enumerate(members)}
    groups = list(joined)
    rows, cols = [], []
    for g, group_key in enumerate(groups):
        for m in joined[group_key]:
            rows.append(member_index[m])
            cols.append(g)
    incidence = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(members), len(groups)))
    incidence.data[:] = 1.0  # repeated ties to one project count once
    co = (incidence @ incidence.T).tocsr()
    w_rows, w_cols = [], []
    direct = [(p, o) for p, orgs in employer.items() for o in orgs] + sorted(met)
    for a, b in direct:  # employment and meetings held are ties of their own
        w_rows += [member_index[a], member_index[b]]
        w_cols += [member_index[b], member_index[a]]
    if w_rows:
        co = co + sparse.csr_matrix(
            (np.ones(len(w_rows), dtype=np.float32), (w_rows, w_cols)), shape=co.shape)
    co.setdiag(0)
    co.eliminate_zeros()

    first: dict[str, str] = {}
    for g in groups:
        node = kept[g]
        when = node.get("signed_date") or node.get("start_date") or node.get("date")
        if not when:
            continue
        for m in joined[g]:
            if m not in first or when < first[m]:
                first[m] = when
    projects_of: dict[str, list[str]] = defaultdict(list)
    for group_key, group_members in joined.items():
        if split_key(group_key)[0] == _PROJECT:
            for m in group_members:
                projects_of[m].append(group_key)
    return Ecosystem(
        nodes=kept, graph=graph, members=members, member_index=member_index, partners=co.tocsr(),
        offers=dict(offers), needs=dict(needs), employer=dict(employer), first_project=first,
        introductions=intros, met=met, project_skills=dict(project_skills), projects_of=dict(projects_of),
    )
