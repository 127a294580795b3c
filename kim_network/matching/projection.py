"""The in-memory projection of the graph that every matching algorithm reads.

Integer indexes for actors (organisations and people), skills and projects, sparse matrices
for who has which skill, who worked on which project and who worked with whom, LSA text
vectors, the precomputed graph models, and the priors learned from past consortia (which
kinds of organisation a call's consortia usually have, which countries work together).
`projection_build` builds it in one pass from a store's export or from importer records.
Nothing here talks to a database or to Flask.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from kim_network.core.model import Label
from kim_network.core.text import readable_case
from kim_network.matching.ease import EaseModel
from kim_network.matching.nodes import NodeTable
from kim_network.matching.priors import KindPrior
from kim_network.matching.text import LabelIndex, TextModel
from kim_network.matching.types import MatchingError

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
        nodes = self.project_nodes
        return nodes.value(pidx, "acronym") or nodes.value(pidx, "title") or self.project_ids[pidx]

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

    def skill_vectors(self, weight_rows: Sequence[Mapping[int, float]]) -> sparse.csr_matrix:
        """`sparse.vstack([skill_vector(w) for w in weight_rows])` in a few products: each row
        bit for bit what `skill_vector` gives, its entries in the same order (see `_unit_rows_each`)."""
        counts = [len(w) for w in weight_rows]
        rows = np.repeat(np.arange(len(weight_rows)), counts)
        cols = np.fromiter((c for w in weight_rows for c in w.keys()), dtype=np.int64, count=len(rows))
        vals = np.fromiter((v for w in weight_rows for v in w.values()), dtype=np.float32, count=len(rows))
        raw = sparse.csr_matrix((vals, (rows, cols)), shape=(len(weight_rows), len(self.skill_ids)))
        return _profile(raw, self.ancestors, self.idf, normalize=_unit_rows_each)


def _row_normalize(m: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags((1.0 / norms).astype(np.float32)) @ m


def _unit_rows_each(m: sparse.csr_matrix) -> sparse.csr_matrix:
    """`sparse.vstack([_row_normalize(row) for row in m])`, bit for bit, in one pass.

    Each row's norm is summed exactly as `_row_normalize` sums it for a matrix of that row
    alone: SciPy squares a row whose indices are sorted in their order and any other row in
    reverse order (csr_binop_csr's canonical and general paths), drops zero squares, and sums
    a row with np.add.reduceat. The scaling (a product with a diagonal) treats each row apart.

    >>> m = sparse.csr_matrix((np.array([3.0, 4.0, 1.0], dtype=np.float32), [2, 0, 1], [0, 2, 2, 3]), shape=(3, 3))
    >>> _unit_rows_each(m).toarray().tolist()
    [[0.800000011920929, 0.0, 0.6000000238418579], [0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    """
    lens = np.diff(m.indptr)
    starts = m.indptr[:-1]
    row_of = np.repeat(np.arange(m.shape[0]), lens)
    pos = np.arange(m.nnz)
    # A row is unsorted when one of its entries is not before the next one of the same row.
    step_down = (np.diff(m.indices) <= 0) & (row_of[1:] == row_of[:-1])
    unsorted = np.zeros(m.shape[0], dtype=bool)
    unsorted[row_of[1:][step_down]] = True
    order = np.where(unsorted[row_of], starts[row_of] + starts[row_of] + lens[row_of] - 1 - pos, pos)
    x = m.data[order]
    squares = x * x
    keep = squares != 0
    squares, row_of = squares[keep], row_of[keep]
    counts = np.bincount(row_of, minlength=m.shape[0])
    sums = np.zeros(m.shape[0], dtype=squares.dtype)
    filled = np.flatnonzero(counts)
    if len(filled):
        sums[filled] = np.add.reduceat(squares, (np.cumsum(counts) - counts)[filled])
    norms = np.sqrt(sums)
    norms[norms == 0] = 1.0
    return sparse.diags((1.0 / norms).astype(np.float32)) @ m


def _profile(raw: sparse.csr_matrix, ancestors: sparse.csr_matrix, idf: np.ndarray,
             normalize=None) -> sparse.csr_matrix:
    """log-damped weights, spread to broader skills, IDF-weighted, unit rows (`normalize`:
    `_row_normalize` by default)."""
    raw = raw.tocsr(copy=True)
    raw.data = np.log1p(raw.data).astype(np.float32)
    expanded = raw @ ancestors
    expanded = expanded @ sparse.diags(idf.astype(np.float32))
    return (normalize or _row_normalize)(expanded.tocsr())
