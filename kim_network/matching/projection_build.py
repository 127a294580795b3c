"""Building the matching projection (`projection.Projection`) in one pass over a graph export.

From the store's bulk export (`export_nodes`, `export_edges`) or from importer records (the
offline evaluation): the nodes are indexed, the edges become sparse matrices (who took part
in which project and how, who offers and needs which skill, who worked with whom), then the
skill profiles, the text space, the precomputed graph models (EASE, RP3β, the embedding)
and the priors of past consortia. Nothing here talks to a database or to Flask.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
from scipy import sparse

from kim_network.core.model import REL_SCHEMA, Label, Rel
from kim_network.matching.ease import build_ease
from kim_network.matching.nodes import NodeTable
from kim_network.matching.priors import actor_class, country_lift, country_of, learn_kind_prior
from kim_network.matching.projection import SHOWN_ACTOR, SHOWN_PROJECT, Projection, _profile, _row_normalize
from kim_network.matching.signals import rp3beta_weights, spectral_embedding
from kim_network.matching.text import Glossary, TextModel, normalize_rows

# How much a project role counts in an actor's profile and in the collaboration graph.
ROLE_WEIGHT = {"coordinator": 1.0, "participant": 1.0, "partner": 1.0,
               "associatedPartner": 0.5, "thirdParty": 0.3}
# A skill also counts for its broader skills, halved per level.
ANCESTOR_DECAY = 0.5
ANCESTOR_LEVELS = 4
# Co-attending an event is a weak tie compared with a shared project.
EVENT_TIE = 0.25
CONSORTIUM_ROLES = ("coordinator", "participant", "partner")
# The walk model (RP3β) and the graph embedding, built with the projection like EASE (ease.py).
RP3_ALPHA, RP3_BETA, RP3_TOP_K = 0.5, 0.0, 100
EMBEDDING_DIMS = 64

_KEEP_ACTOR = ("name", "short_name", "kind", "sme", "city", "country", "region", "nuts3",
               "visibility", "pending", "merged_into", "created_at", "updated_at", "title", "centre")
_KEEP_PROJECT = ("title", "acronym", "signed_date", "start_date", "topic", "topic_title", "call",
                 "visibility")


def _label_of(value: Any) -> str:
    return value.value if isinstance(value, Label) else str(value)


def _edge_tuple(edge: Any) -> tuple[str, str, str, str, str, dict]:
    if isinstance(edge, Mapping):
        rel = _label_of(edge["type"])
        default_src, default_dst = REL_SCHEMA[Rel(rel)].endpoints[0]
        return (rel, _label_of(edge.get("source_label") or default_src), edge["source"],
                _label_of(edge.get("target_label") or default_dst), edge["target"],
                {k: v for k, v in edge.items() if k not in ("type", "source", "target", "source_label", "target_label")})
    return (_label_of(edge.type), _label_of(edge.source_label), edge.source,
            _label_of(edge.target_label), edge.target, edge.props or {})


def records_graph(records, until: str | None = None) -> tuple[list, list]:
    """Nodes and edges of importer records in the export shapes, optionally only up to a date.

    With `until` (ISO date), projects signed after it and their edges are left out: the
    projection then sees the graph as it was on that day (organisations stay; those without
    earlier projects simply have no history).
    """
    nodes, edges, dropped = [], [], set()
    for label, rows in records.nodes.items():
        lab = _label_of(label)
        for props in rows:
            if until and lab == Label.PROJECT.value:
                when = props.get("signed_date") or props.get("start_date") or ""
                if not when or when > until:
                    dropped.add(props["id"])
                    continue
            nodes.append((lab, props))
    for rel, rows in records.edges.items():
        rel_value = _label_of(rel)
        for row in rows:
            if dropped and (row["source"] in dropped or row["target"] in dropped):
                continue
            edges.append({"type": rel_value, **row})
    return nodes, edges


def _csr(rows, cols, vals, shape) -> sparse.csr_matrix:
    m = sparse.csr_matrix(
        (np.asarray(vals, dtype=np.float32), (np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))),
        shape=shape,
    )
    m.sum_duplicates()
    return m


def _ancestor_matrix(parents: list[list[int]], n: int) -> sparse.csr_matrix:
    rows, cols, vals = list(range(n)), list(range(n)), [1.0] * n
    for s in range(n):
        frontier, weight, seen = parents[s], ANCESTOR_DECAY, {s}
        for _ in range(ANCESTOR_LEVELS):
            nxt = []
            for p in frontier:
                if p in seen:
                    continue
                seen.add(p)
                rows.append(s), cols.append(p), vals.append(weight)
                nxt.extend(parents[p])
            frontier, weight = nxt, weight * ANCESTOR_DECAY
            if not frontier:
                break
    return _csr(rows, cols, vals, (n, n))


def _text_of(props: Mapping[str, Any], keys: Iterable[str]) -> str:
    return " ".join(str(props[k]) for k in keys if props.get(k))


PROJECT_TEXT = ("title", "keywords", "objective", "topic_title")
ACTOR_TEXT = ("description_de", "description_en", "keywords", "title")


def build_projection(nodes: Iterable, edges: Iterable, *, text_dims: int = 200,
                     change_counter: int | None = None) -> Projection:
    """Build the projection from `(label, props)` nodes and edges (store `Edge`s or dicts).

    Parameters
    ----------
    nodes : iterable of (label, props)
        As yielded by ``GraphStore.export_nodes()``.
    edges : iterable of Edge or dict
        As yielded by ``GraphStore.export_edges()``, or dict rows with a ``type`` key.
    text_dims : int
        Dimensions of the LSA text space.
    change_counter : int, optional
        The store's counter at export time, kept so caches know what they hold.

    Examples
    --------
    >>> p = build_projection(
    ...     [("Organization", {"id": "a", "name": "A", "kind": "company"}),
    ...      ("Organization", {"id": "b", "name": "B", "kind": "university"}),
    ...      ("Project", {"id": "p1", "title": "Speech recognition"}),
    ...      ("Skill", {"id": "asr", "label_de": "Spracherkennung", "label_en": "Speech recognition"})],
    ...     [{"type": "PARTICIPATED_IN", "source": "a", "target": "p1", "role": "coordinator"},
    ...      {"type": "PARTICIPATED_IN", "source": "b", "target": "p1"},
    ...      {"type": "OFFERS", "source": "b", "target": "asr"}])
    >>> p.n_actors, float(p.collab[p.actor_index["a"], p.actor_index["b"]])
    (2, 1.0)
    """
    started = time.perf_counter()
    g = _read_nodes(nodes)
    e = _read_edges(edges, g)
    A, S, P = len(g.actor_ids), len(g.skill_ids), len(g.project_ids)
    incidence = _csr(*e.inc, (A, P))
    incidence.data = np.minimum(incidence.data, 1.0)
    consortium = _binary(_csr(*e.cons, (A, P)))
    project_skills = _csr(*e.psk, (P, S))
    offers_m, needs_m = _csr(*e.offers, (A, S)), _csr(*e.needs, (A, S))
    ancestors = _ancestor_matrix(e.parents, S)
    idf, competence, need_profile = _skill_profiles(incidence, project_skills, offers_m, needs_m, ancestors)
    binc = _binary(incidence.copy())
    collab = _collaboration(binc, e, len(g.events))
    employer: dict[int, list[int]] = defaultdict(list)
    staff: dict[int, list[int]] = defaultdict(list)
    for a, o in zip(*e.works):
        if o not in employer[a]:
            employer[a].append(o)
            staff[o].append(a)
    n_projects = np.asarray((consortium if consortium.nnz else binc).sum(axis=1)).ravel()
    n_projects = np.maximum(n_projects, np.asarray(binc.sum(axis=1)).ravel())
    project_date = np.array([n.get("signed_date") or n.get("start_date") or "" for n in g.project_nodes], dtype=object)
    last_date = np.full(A, "", dtype=object)
    coo = incidence.tocoo()
    for a, p in zip(coo.row, coo.col):
        if project_date[p] > last_date[a]:
            last_date[a] = project_date[p]
    text, project_lex, actor_lex, project_vecs, actor_vecs = _text_space(g, incidence, text_dims)

    timings = {"base": time.perf_counter() - started}
    ease, rp3, embedding = _graph_models(consortium, timings)
    t = time.perf_counter()
    actor_nodes = g.actor_nodes
    kind = np.array([n.get("kind") or "other" for n in actor_nodes], dtype=object)
    sme = np.array([bool(n.get("sme")) for n in actor_nodes], dtype=bool)
    country = np.array([country_of(n) for n in actor_nodes], dtype=object)
    region = np.array([(n.get("nuts3") or n.get("region") or "").upper() for n in actor_nodes], dtype=object)
    classes_arr = np.array([actor_class(k, s) for k, s in zip(kind, sme)], dtype=object)
    kind_prior, class_index = learn_kind_prior(classes_arr, consortium, g.project_nodes)
    country_codes, country_idx, lift = country_lift(country, consortium)
    skill_by_label = {}
    for i, n in enumerate(g.skill_nodes):
        for key in ("label_en", "label_de"):
            if n.get(key):
                skill_by_label.setdefault(n[key].strip().lower(), i)

    return Projection(
        actor_ids=g.actor_ids, actor_index=g.actor_index, actor_label=np.array(g.actor_label, dtype=object),
        actor_nodes=NodeTable(actor_nodes, SHOWN_ACTOR), kind=kind, sme=sme, country=country, region=region,
        actor_class=classes_arr, skill_ids=g.skill_ids, skill_index=g.skill_index, skill_nodes=g.skill_nodes,
        skill_by_label=skill_by_label, ancestors=ancestors, idf=idf, project_ids=g.project_ids,
        project_index=g.project_index, project_nodes=NodeTable(g.project_nodes, SHOWN_PROJECT),
        project_date=project_date,
        incidence=incidence, consortium=consortium, project_skills=project_skills, offers=offers_m,
        needs=needs_m, competence=competence.tocsc(), need_profile=need_profile.tocsc(), collab=collab,
        employer=dict(employer), staff=dict(staff), n_projects=n_projects.astype(np.float32),
        last_date=last_date, text=text, project_vecs=project_vecs, actor_vecs=actor_vecs,
        project_lex=project_lex.tocsr(), actor_lex=actor_lex.tocsc(), kind_prior=kind_prior,
        class_index=class_index, country_codes=country_codes, country_index=country_idx,
        country_lift=lift, calls=g.calls, call_skills=dict(e.call_skills), events=g.events,
        coordinated=_binary(_csr(*e.coord, (A, P))), ease=ease, rp3=rp3, embedding=embedding,
        change_counter=change_counter, build_seconds=time.perf_counter() - started,
        build_timings={**timings, "priors": time.perf_counter() - t},
        declared_offers=_binary(_csr(*e.declared, (A, S))),
    )


@dataclass
class _Nodes:
    """The exported nodes, indexed: what the projection keeps of each, and the texts to fit."""

    actor_ids: list = field(default_factory=list)
    actor_label: list = field(default_factory=list)
    actor_nodes: list = field(default_factory=list)
    actor_text: list = field(default_factory=list)
    skill_ids: list = field(default_factory=list)
    skill_nodes: list = field(default_factory=list)
    project_ids: list = field(default_factory=list)
    project_nodes: list = field(default_factory=list)
    project_text: list = field(default_factory=list)
    calls: dict = field(default_factory=dict)
    events: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.actor_index: dict[str, int] = {}
        self.skill_index: dict[str, int] = {}
        self.project_index: dict[str, int] = {}
        self.event_index: dict[str, int] = {}

    def index(self) -> "_Nodes":
        self.actor_index = {a: i for i, a in enumerate(self.actor_ids)}
        self.skill_index = {s: i for i, s in enumerate(self.skill_ids)}
        self.project_index = {p: i for i, p in enumerate(self.project_ids)}
        self.event_index = {e: i for i, e in enumerate(self.events)}
        return self


def _read_nodes(nodes: Iterable) -> _Nodes:
    g = _Nodes()
    for label, props in nodes:
        label = _label_of(label)
        if label in (Label.ORGANIZATION.value, Label.PERSON.value):
            g.actor_ids.append(props["id"])
            g.actor_label.append(label)
            g.actor_nodes.append({"id": props["id"], **{k: props[k] for k in _KEEP_ACTOR if props.get(k) is not None}})
            g.actor_text.append(_text_of(props, ACTOR_TEXT))
        elif label == Label.SKILL.value:
            g.skill_ids.append(props["id"])
            g.skill_nodes.append({k: props.get(k) for k in ("id", "label_de", "label_en", "source", "path",
                                                            "synonyms", "description_de", "description_en")})
        elif label == Label.PROJECT.value:
            g.project_ids.append(props["id"])
            g.project_nodes.append({"id": props["id"],
                                    **{k: props[k] for k in _KEEP_PROJECT if props.get(k) is not None}})
            g.project_text.append(_text_of(props, PROJECT_TEXT))
        elif label == Label.CALL.value:
            g.calls[props["id"]] = dict(props)
        elif label == Label.EVENT.value:
            g.events[props["id"]] = {k: props.get(k) for k in ("id", "title", "date", "city", "format")}
    return g.index()


@dataclass
class _Edges:
    """The exported edges as (row, column, weight) triples per matrix, in export order."""

    skills: int
    inc: tuple = field(default_factory=lambda: ([], [], []))
    cons: tuple = field(default_factory=lambda: ([], [], []))
    coord: tuple = field(default_factory=lambda: ([], [], []))
    offers: tuple = field(default_factory=lambda: ([], [], []))
    declared: tuple = field(default_factory=lambda: ([], [], []))
    needs: tuple = field(default_factory=lambda: ([], [], []))
    psk: tuple = field(default_factory=lambda: ([], [], []))
    att: tuple = field(default_factory=lambda: ([], [], []))
    works: tuple = field(default_factory=lambda: ([], []))
    call_skills: dict = field(default_factory=lambda: defaultdict(dict))

    def __post_init__(self) -> None:
        self.parents: list[list[int]] = [[] for _ in range(self.skills)]


def _read_edges(edges: Iterable, g: _Nodes) -> _Edges:
    e = _Edges(len(g.skill_ids))
    actor_index, skill_index, project_index = g.actor_index, g.skill_index, g.project_index
    for edge in edges:
        rel, _sl, src, _tl, dst, props = _edge_tuple(edge)
        weight = props.get("weight")
        weight = float(weight) if isinstance(weight, (int, float)) and weight > 0 else 1.0
        if rel == Rel.PARTICIPATED_IN.value:
            a, p = actor_index.get(src), project_index.get(dst)
            if a is None or p is None:
                continue
            role = props.get("role") or "participant"
            e.inc[0].append(a), e.inc[1].append(p), e.inc[2].append(ROLE_WEIGHT.get(role, 1.0))
            if role in CONSORTIUM_ROLES:
                e.cons[0].append(a), e.cons[1].append(p), e.cons[2].append(1.0)
            if role == "coordinator":
                e.coord[0].append(a), e.coord[1].append(p), e.coord[2].append(1.0)
        elif rel in (Rel.OFFERS.value, Rel.HAS_SKILL.value, Rel.NEEDS.value):
            a, s = actor_index.get(src), skill_index.get(dst)
            if a is None or s is None:
                continue
            bucket = e.needs if rel == Rel.NEEDS.value else e.offers
            bucket[0].append(a), bucket[1].append(s), bucket[2].append(weight)
            if rel == Rel.OFFERS.value:
                e.declared[0].append(a), e.declared[1].append(s), e.declared[2].append(1.0)
        elif rel == Rel.REQUIRES.value:
            s = skill_index.get(dst)
            if s is None:
                continue
            p = project_index.get(src)
            if p is not None:
                e.psk[0].append(p), e.psk[1].append(s), e.psk[2].append(weight)
            elif src in g.calls:
                e.call_skills[src][s] = weight
        elif rel == Rel.BROADER.value:
            s, t = skill_index.get(src), skill_index.get(dst)
            if s is not None and t is not None and s != t:
                e.parents[s].append(t)
        elif rel == Rel.WORKS_AT.value:
            a, o = actor_index.get(src), actor_index.get(dst)
            if a is not None and o is not None:
                e.works[0].append(a), e.works[1].append(o)
        elif rel == Rel.ATTENDED.value:
            a, ev = actor_index.get(src), g.event_index.get(dst)
            if a is not None and ev is not None:
                e.att[0].append(a), e.att[1].append(ev), e.att[2].append(1.0)
    return e


def _skill_profiles(incidence, project_skills, offers_m, needs_m, ancestors):
    """IDF over everything that holds skills (projects and actors' explicit skills), and the
    actors' competence (offers and their projects' skills) and need profiles."""
    (A, P), S = incidence.shape, ancestors.shape[0]
    holders = (project_skills @ ancestors) if P else sparse.csr_matrix((0, S))
    explicit = (offers_m + needs_m) @ ancestors if A else sparse.csr_matrix((0, S))
    df = np.asarray((holders > 0).sum(axis=0)).ravel() + np.asarray((explicit > 0).sum(axis=0)).ravel()
    n_docs = max(P + A, 1)
    idf = np.log((n_docs + 1) / (df + 1)).astype(np.float32) + 1.0
    from_projects = incidence @ project_skills
    competence = _profile(offers_m * 2.0 + from_projects, ancestors, idf) if S else offers_m
    need_profile = _profile(needs_m, ancestors, idf) if S else needs_m
    return idf, competence, need_profile


def _collaboration(binc: sparse.csr_matrix, e: _Edges, n_events: int) -> sparse.csr_matrix:
    """Who worked with whom: shared projects (binary incidence), events (weaker), employment."""
    A = binc.shape[0]
    collab = (binc @ binc.T).tocsr()
    if n_events:
        attendance = _csr(*e.att, (A, n_events))
        collab = collab + EVENT_TIE * (attendance @ attendance.T)
    if e.works[0]:
        w = _csr(e.works[0], e.works[1], [1.0] * len(e.works[0]), (A, A))
        w.data[:] = 1.0
        collab = collab + w + w.T
    collab = collab.tocsr()
    collab.setdiag(0)
    collab.eliminate_zeros()
    return collab


def _text_space(g: _Nodes, incidence: sparse.csr_matrix, text_dims: int):
    """One LSA space fitted on projects, calls and actors; lexical and reduced vectors."""
    P, A = len(g.project_ids), len(g.actor_ids)
    glossary = Glossary.build((n.get("label_de") or "", n.get("label_en") or "") for n in g.skill_nodes)
    call_text = [_text_of(c, ("title", "description_de", "description_en")) for c in g.calls.values()]
    text = TextModel(dims=text_dims, glossary=glossary)
    fitted = text.fit_transform(g.project_text + call_text + [t for t in g.actor_text if t])
    project_lex = fitted[:P] if text.vectorizer is not None else text.sparse(g.project_text)
    own_lex = text.sparse(g.actor_text)
    actor_lex = _row_normalize((own_lex * 2.0 + incidence @ project_lex).tocsr())
    if text.svd is not None:
        project_vecs = text.reduce(project_lex)
        own_vecs = text.reduce(own_lex)
        actor_vecs = normalize_rows(own_vecs * 2.0 + incidence @ project_vecs)
    else:
        project_vecs = np.zeros((P, 1), dtype=np.float32)
        actor_vecs = np.zeros((A, 1), dtype=np.float32)
    return text, project_lex, actor_lex, project_vecs, actor_vecs


def _graph_models(consortium: sparse.csr_matrix, timings: dict):
    """EASE, the RP3β walk model and the spectral embedding of the consortium graph (timed)."""
    t = time.perf_counter()
    ease = build_ease(consortium)
    timings["ease"] = time.perf_counter() - t
    t = time.perf_counter()
    rp3 = rp3beta_weights(consortium.T.tocsr(), RP3_ALPHA, RP3_BETA, RP3_TOP_K)
    timings["rp3"] = time.perf_counter() - t
    t = time.perf_counter()
    sizes = np.asarray(consortium.sum(axis=0)).ravel()
    co = (consortium @ sparse.diags((1.0 / np.log(np.maximum(sizes, 2.0))).astype(np.float32)) @ consortium.T).tocsr()
    co.setdiag(0)
    co.eliminate_zeros()
    embedding = spectral_embedding(co, EMBEDDING_DIMS)
    del co
    timings["embedding"] = time.perf_counter() - t
    return ease, rp3, embedding


def _binary(m: sparse.csr_matrix) -> sparse.csr_matrix:
    m = m.tocsr()
    m.data[:] = 1.0
    return m


def projection_from_store(store, *, text_dims: int = 200) -> Projection:
    """Build the projection from a store's bulk export (the graph labels only)."""
    counter = store.change_counter()
    return build_projection(store.export_nodes(PROJECTED_LABELS), store.export_edges(PROJECTED_RELS),
                            text_dims=text_dims, change_counter=counter)


# What the projection reads from a store (regions and LOCATED_IN are not needed: actors carry
# their NUTS codes).
PROJECTED_LABELS = (Label.ORGANIZATION, Label.PERSON, Label.SKILL, Label.PROJECT, Label.CALL, Label.EVENT)
PROJECTED_RELS = (Rel.PARTICIPATED_IN, Rel.OFFERS, Rel.HAS_SKILL, Rel.NEEDS, Rel.REQUIRES, Rel.BROADER,
                  Rel.WORKS_AT, Rel.ATTENDED)


def projection_from_records(records, until: str | None = None, *, text_dims: int = 200) -> Projection:
    """Build the projection from importer records (e.g. `read_cordis`), optionally up to a date."""
    nodes, edges = records_graph(records, until)
    return build_projection(nodes, edges, text_dims=text_dims)
