"""The in-memory projection of the graph that every matching algorithm reads.

Built in one pass from the store's bulk export (`export_nodes`, `export_edges`) or from
importer records (the offline evaluation): integer indexes for actors (organisations and
people), skills and projects, sparse matrices for who has which skill, who worked on which
project and who worked with whom, LSA text vectors, and the priors learned from past
consortia (which kinds of organisation a call's consortia usually have, which countries work
together). Nothing here talks to a database or to Flask.
"""
from __future__ import annotations

import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np
from scipy import sparse

from kim_network.core.model import REL_SCHEMA, Label, Rel
from kim_network.core.text import readable_case
from kim_network.matching.ease import EaseModel, build_ease
from kim_network.matching.nodes import NodeTable
from kim_network.matching.priors import KindPrior, actor_class, country_lift, country_of, learn_kind_prior
from kim_network.matching.signals import rp3beta_weights, spectral_embedding
from kim_network.matching.text import Glossary, LabelIndex, TextModel, normalize_rows
from kim_network.matching.types import MatchingError

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
# What the projection keeps of each node once built (`actor_nodes`, `project_nodes`): what
# matchers, reasons and recommendations read at serve time (names, visibility, the kind, the
# edit time, the topic); the rest was turned into arrays by the build. Long texts went into the
# text model; a page that shows one reads it from the store.
SHOWN_ACTOR = ("name", "short_name", "kind", "visibility", "pending", "merged_into", "updated_at", "centre")
SHOWN_PROJECT = ("title", "acronym", "topic", "topic_title", "visibility")


@dataclass
class Projection:
    """Indexes, matrices and vectors of the graph; read-only once built.

    Rows of the actor matrices follow `actor_ids`; columns of skill matrices follow `skill_ids`;
    project matrices follow `project_ids`.
    """

    actor_ids: list[str]
    actor_index: dict[str, int]
    actor_label: np.ndarray
    actor_nodes: NodeTable  # of SHOWN_ACTOR, row by row like dicts
    kind: np.ndarray
    sme: np.ndarray
    country: np.ndarray
    region: np.ndarray
    actor_class: np.ndarray
    skill_ids: list[str]
    skill_index: dict[str, int]
    skill_nodes: list[dict]
    skill_by_label: dict[str, int]
    ancestors: sparse.csr_matrix
    idf: np.ndarray
    project_ids: list[str]
    project_index: dict[str, int]
    project_nodes: NodeTable  # of SHOWN_PROJECT
    project_date: np.ndarray
    incidence: sparse.csr_matrix
    consortium: sparse.csr_matrix
    project_skills: sparse.csr_matrix
    offers: sparse.csr_matrix
    needs: sparse.csr_matrix
    competence: sparse.csc_matrix   # CSC: queries read a few skill columns
    need_profile: sparse.csc_matrix
    collab: sparse.csr_matrix
    employer: dict[int, list[int]]
    staff: dict[int, list[int]]
    n_projects: np.ndarray
    last_date: np.ndarray
    text: TextModel
    project_vecs: np.ndarray
    actor_vecs: np.ndarray
    project_lex: sparse.csr_matrix
    actor_lex: sparse.csc_matrix
    kind_prior: KindPrior
    class_index: dict[str, int]
    country_codes: list[str]
    country_index: np.ndarray
    country_lift: np.ndarray
    calls: dict[str, dict] = field(default_factory=dict)
    call_skills: dict[str, dict[int, float]] = field(default_factory=dict)
    events: dict[str, dict] = field(default_factory=dict)
    coordinated: sparse.csr_matrix | None = None  # actors × projects: 1 where the actor coordinated
    ease: "EaseModel | None" = None
    rp3: sparse.csr_matrix | None = None           # actors × actors RP3β weights (top-k per row)
    embedding: np.ndarray | None = None            # actors × EMBEDDING_DIMS unit vectors (zeros: no ties)
    change_counter: int | None = None
    build_seconds: float = 0.0
    build_timings: dict[str, float] = field(default_factory=dict)
    # Only the OFFERS edges (`offers` also holds HAS_SKILL): what reasons may call an offer.
    declared_offers: sparse.csr_matrix | None = None

    # -- lookups ---------------------------------------------------------------
    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    def actor(self, actor_id: str, label: Label | str | None = None) -> int:
        """Index of an organisation or person; MatchingError when unknown."""
        idx = self.actor_index.get(actor_id) if isinstance(actor_id, str) else None
        if idx is None:
            raise MatchingError(f"unknown organisation or person {str(actor_id)[:80]!r}")
        if label is not None and self.actor_label[idx] != (label.value if isinstance(label, Label) else label):
            raise MatchingError(f"{actor_id!r} is not a {label.value if isinstance(label, Label) else label}")
        return idx

    def name(self, idx: int) -> str:
        node = self.actor_nodes[idx]
        return readable_case(node.get("name") or node.get("short_name") or self.actor_ids[idx])

    def skill_name(self, sidx: int, lang: str = "de") -> str:
        node = self.skill_nodes[sidx]
        return node.get(f"label_{lang}") or node.get("label_en") or node["id"]

    def project_name(self, pidx: int) -> str:
        node = self.project_nodes[pidx]
        return node.get("acronym") or node.get("title") or self.project_ids[pidx]

    def resolve_skills(self, terms: Iterable[str]) -> tuple[list[int], list[str]]:
        """Skill indexes for ids, euroSciVoc codes/paths or labels; plus the terms not found.

        >>> # see tests/matching for examples on a built projection
        """
        found, missing = [], []
        for term in terms:
            if not isinstance(term, str) or not term.strip():
                continue
            term = term.strip()
            idx = self.skill_index.get(term)
            if idx is None and re.fullmatch(r"/?[0-9/]+", term):
                code = [c for c in term.split("/") if c]
                idx = self.skill_index.get(f"esv-{code[-1]}") if code else None
            if idx is None:
                last = term.strip("/").split("/")[-1] if "/" in term else term
                idx = self.skill_by_label.get(last.strip().lower())
            if idx is None:
                missing.append(term)
            elif idx not in found:
                found.append(idx)
        return found, missing

    def skills_in_text(self, text: str, limit: int = 12) -> list[int]:
        """Skills whose German or English label occurs in a free text (whole words, folded)."""
        from kim_network.matching.text import fold

        words = " " + " ".join(re.findall(r"[a-z0-9]+", fold(text or ""))) + " "
        if len(words) < 3:
            return []
        cache = self.__dict__.setdefault("_label_words", None)
        if cache is None:
            cache = []
            for label, idx in self.skill_by_label.items():
                key = " " + " ".join(re.findall(r"[a-z0-9]+", fold(label))) + " "
                if len(key) >= 6:
                    cache.append((key, idx))
            cache.sort(key=lambda kv: -len(kv[0]))
            self.__dict__["_label_words"] = cache
        index = self.__dict__.get("_label_index")
        if index is None:
            index = self.__dict__["_label_index"] = LabelIndex(cache)
        return index.find(words, limit)

    def single_skill_vectors(self, skills: Iterable[int]) -> sparse.csr_matrix:
        """One unit row per skill, as `skill_vector({s: 1})` would give, built in one step."""
        skills = list(skills)
        rows = self.ancestors[skills] @ sparse.diags(self.idf.astype(np.float32))
        return _row_normalize(rows.tocsr())

    def skill_vector(self, weights: Mapping[int, float]) -> sparse.csr_matrix:
        """A 1×S row of skill weights expanded to broader skills, IDF-weighted, unit length."""
        if not weights:
            return sparse.csr_matrix((1, len(self.skill_ids)), dtype=np.float32)
        cols = np.fromiter(weights.keys(), dtype=np.int64)
        vals = np.fromiter(weights.values(), dtype=np.float32)
        row = sparse.csr_matrix((vals, (np.zeros_like(cols), cols)), shape=(1, len(self.skill_ids)))
        return _profile(row, self.ancestors, self.idf)


# -- building ------------------------------------------------------------------
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


def _row_normalize(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags((1.0 / norms).astype(np.float32)) @ m


def _profile(raw: sparse.csr_matrix, ancestors: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """log-damped weights, spread to broader skills, IDF-weighted, unit rows."""
    raw = raw.tocsr(copy=True)
    raw.data = np.log1p(raw.data).astype(np.float32)
    expanded = raw @ ancestors
    expanded = expanded @ sparse.diags(idf.astype(np.float32))
    return _row_normalize(expanded.tocsr())


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
    actor_ids, actor_label, actor_nodes, actor_text = [], [], [], []
    skill_ids, skill_nodes = [], []
    project_ids, project_nodes, project_text = [], [], []
    calls, events = {}, {}
    for label, props in nodes:
        label = _label_of(label)
        if label in (Label.ORGANIZATION.value, Label.PERSON.value):
            actor_ids.append(props["id"])
            actor_label.append(label)
            actor_nodes.append({"id": props["id"], **{k: props[k] for k in _KEEP_ACTOR if props.get(k) is not None}})
            actor_text.append(_text_of(props, ACTOR_TEXT))
        elif label == Label.SKILL.value:
            skill_ids.append(props["id"])
            skill_nodes.append({k: props.get(k) for k in ("id", "label_de", "label_en", "source", "path",
                                                          "synonyms", "description_de", "description_en")})
        elif label == Label.PROJECT.value:
            project_ids.append(props["id"])
            project_nodes.append({"id": props["id"], **{k: props[k] for k in _KEEP_PROJECT if props.get(k) is not None}})
            project_text.append(_text_of(props, PROJECT_TEXT))
        elif label == Label.CALL.value:
            calls[props["id"]] = dict(props)
        elif label == Label.EVENT.value:
            events[props["id"]] = {k: props.get(k) for k in ("id", "title", "date", "city", "format")}

    actor_index = {a: i for i, a in enumerate(actor_ids)}
    skill_index = {s: i for i, s in enumerate(skill_ids)}
    project_index = {p: i for i, p in enumerate(project_ids)}
    event_ids = list(events)
    event_index = {e: i for i, e in enumerate(event_ids)}
    A, S, P, E = len(actor_ids), len(skill_ids), len(project_ids), len(event_ids)

    inc = ([], [], [])
    cons = ([], [], [])
    coord = ([], [], [])
    offers = ([], [], [])
    declared = ([], [], [])
    needs = ([], [], [])
    psk = ([], [], [])
    att = ([], [], [])
    works = ([], [])
    parents: list[list[int]] = [[] for _ in range(S)]
    call_skills: dict[str, dict[int, float]] = defaultdict(dict)
    for edge in edges:
        rel, _sl, src, _tl, dst, props = _edge_tuple(edge)
        weight = props.get("weight")
        weight = float(weight) if isinstance(weight, (int, float)) and weight > 0 else 1.0
        if rel == Rel.PARTICIPATED_IN.value:
            a, p = actor_index.get(src), project_index.get(dst)
            if a is None or p is None:
                continue
            role = props.get("role") or "participant"
            inc[0].append(a), inc[1].append(p), inc[2].append(ROLE_WEIGHT.get(role, 1.0))
            if role in CONSORTIUM_ROLES:
                cons[0].append(a), cons[1].append(p), cons[2].append(1.0)
            if role == "coordinator":
                coord[0].append(a), coord[1].append(p), coord[2].append(1.0)
        elif rel in (Rel.OFFERS.value, Rel.HAS_SKILL.value, Rel.NEEDS.value):
            a, s = actor_index.get(src), skill_index.get(dst)
            if a is None or s is None:
                continue
            bucket = needs if rel == Rel.NEEDS.value else offers
            bucket[0].append(a), bucket[1].append(s), bucket[2].append(weight)
            if rel == Rel.OFFERS.value:
                declared[0].append(a), declared[1].append(s), declared[2].append(1.0)
        elif rel == Rel.REQUIRES.value:
            s = skill_index.get(dst)
            if s is None:
                continue
            p = project_index.get(src)
            if p is not None:
                psk[0].append(p), psk[1].append(s), psk[2].append(weight)
            elif src in calls:
                call_skills[src][s] = weight
        elif rel == Rel.BROADER.value:
            s, t = skill_index.get(src), skill_index.get(dst)
            if s is not None and t is not None and s != t:
                parents[s].append(t)
        elif rel == Rel.WORKS_AT.value:
            a, o = actor_index.get(src), actor_index.get(dst)
            if a is not None and o is not None:
                works[0].append(a), works[1].append(o)
        elif rel == Rel.ATTENDED.value:
            a, e = actor_index.get(src), event_index.get(dst)
            if a is not None and e is not None:
                att[0].append(a), att[1].append(e), att[2].append(1.0)

    incidence = _csr(*inc, (A, P))
    incidence.data = np.minimum(incidence.data, 1.0)
    consortium = _csr(*cons, (A, P))
    consortium.data[:] = 1.0
    coordinated = _csr(*coord, (A, P))
    coordinated.data[:] = 1.0
    project_skills = _csr(*psk, (P, S))
    offers_m = _csr(*offers, (A, S))
    needs_m = _csr(*needs, (A, S))
    ancestors = _ancestor_matrix(parents, S)

    # IDF over everything that holds skills (projects and actors' explicit skills).
    holders = (project_skills @ ancestors) if P else sparse.csr_matrix((0, S))
    explicit = (offers_m + needs_m) @ ancestors if A else sparse.csr_matrix((0, S))
    df = np.asarray((holders > 0).sum(axis=0)).ravel() + np.asarray((explicit > 0).sum(axis=0)).ravel()
    n_docs = max(P + A, 1)
    idf = np.log((n_docs + 1) / (df + 1)).astype(np.float32) + 1.0

    from_projects = incidence @ project_skills
    competence = _profile(offers_m * 2.0 + from_projects, ancestors, idf) if S else offers_m
    need_profile = _profile(needs_m, ancestors, idf) if S else needs_m

    # Collaboration graph: shared projects (binary incidence), employment, events.
    binc = incidence.copy()
    binc.data[:] = 1.0
    collab = (binc @ binc.T).tocsr()
    if E:
        attendance = _csr(*att, (A, E))
        collab = collab + EVENT_TIE * (attendance @ attendance.T)
    if works[0]:
        w = _csr(works[0], works[1], [1.0] * len(works[0]), (A, A))
        w.data[:] = 1.0
        collab = collab + w + w.T
    collab = collab.tocsr()
    collab.setdiag(0)
    collab.eliminate_zeros()

    employer: dict[int, list[int]] = defaultdict(list)
    staff: dict[int, list[int]] = defaultdict(list)
    for a, o in zip(*works):
        if o not in employer[a]:
            employer[a].append(o)
            staff[o].append(a)


    n_projects = np.asarray((consortium if consortium.nnz else binc).sum(axis=1)).ravel()
    n_projects = np.maximum(n_projects, np.asarray(binc.sum(axis=1)).ravel())
    project_date = np.array([n.get("signed_date") or n.get("start_date") or "" for n in project_nodes], dtype=object)
    last_date = np.full(A, "", dtype=object)
    coo = incidence.tocoo()
    for a, p in zip(coo.row, coo.col):
        if project_date[p] > last_date[a]:
            last_date[a] = project_date[p]

    # Text: one LSA space fitted on projects, actors and calls.
    glossary = Glossary.build((n.get("label_de") or "", n.get("label_en") or "") for n in skill_nodes)
    call_text = [_text_of(c, ("title", "description_de", "description_en")) for c in calls.values()]
    text = TextModel(dims=text_dims, glossary=glossary)
    fitted = text.fit_transform(project_text + call_text + [t for t in actor_text if t])
    project_lex = fitted[:P] if text.vectorizer is not None else text.sparse(project_text)
    own_lex = text.sparse(actor_text)
    actor_lex = _row_normalize((own_lex * 2.0 + incidence @ project_lex).tocsr())
    if text.svd is not None:
        project_vecs = text.reduce(project_lex)
        own_vecs = text.reduce(own_lex)
        actor_vecs = normalize_rows(own_vecs * 2.0 + incidence @ project_vecs)
    else:
        project_vecs = np.zeros((P, 1), dtype=np.float32)
        actor_vecs = np.zeros((A, 1), dtype=np.float32)

    timings = {"base": time.perf_counter() - started}
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
    t = time.perf_counter()

    kind = np.array([n.get("kind") or "other" for n in actor_nodes], dtype=object)
    sme = np.array([bool(n.get("sme")) for n in actor_nodes], dtype=bool)
    country = np.array([country_of(n) for n in actor_nodes], dtype=object)
    region = np.array([(n.get("nuts3") or n.get("region") or "").upper() for n in actor_nodes], dtype=object)
    classes_arr = np.array([actor_class(k, s) for k, s in zip(kind, sme)], dtype=object)
    kind_prior, class_index = learn_kind_prior(classes_arr, consortium, project_nodes)
    country_codes, country_idx, lift = country_lift(country, consortium)

    skill_by_label = {}
    for i, n in enumerate(skill_nodes):
        for key in ("label_en", "label_de"):
            if n.get(key):
                skill_by_label.setdefault(n[key].strip().lower(), i)

    return Projection(
        actor_ids=actor_ids, actor_index=actor_index, actor_label=np.array(actor_label, dtype=object),
        actor_nodes=NodeTable(actor_nodes, SHOWN_ACTOR), kind=kind, sme=sme, country=country, region=region,
        actor_class=classes_arr, skill_ids=skill_ids, skill_index=skill_index, skill_nodes=skill_nodes,
        skill_by_label=skill_by_label, ancestors=ancestors, idf=idf, project_ids=project_ids,
        project_index=project_index, project_nodes=NodeTable(project_nodes, SHOWN_PROJECT),
        project_date=project_date,
        incidence=incidence, consortium=consortium, project_skills=project_skills, offers=offers_m,
        needs=needs_m, competence=competence.tocsc(), need_profile=need_profile.tocsc(), collab=collab,
        employer=dict(employer), staff=dict(staff), n_projects=n_projects.astype(np.float32),
        last_date=last_date, text=text, project_vecs=project_vecs, actor_vecs=actor_vecs,
        project_lex=project_lex.tocsr(), actor_lex=actor_lex.tocsc(), kind_prior=kind_prior,
        class_index=class_index, country_codes=country_codes, country_index=country_idx,
        country_lift=lift, calls=calls, call_skills=dict(call_skills), events=events,
        coordinated=coordinated, ease=ease, rp3=rp3, embedding=embedding,
        change_counter=change_counter, build_seconds=time.perf_counter() - started,
        build_timings={**timings, "priors": time.perf_counter() - t},
        declared_offers=_binary(_csr(*declared, (A, S))),
    )


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
