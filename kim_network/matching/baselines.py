"""The reference recommenders the KI.M ranker is judged against, exactly as issue 11 defines them.

They read importer records (`read_cordis`), not the projection, so nothing of our own text
processing or graph weighting leaks into them:

- **hybrid (standard)**: scikit-learn TF-IDF (``STANDARD_TFIDF``) fitted on the training
  projects' title + keywords + objective + topic title + euroSciVoc titles; an
  organisation's profile is the L2-normalised sum of its projects' vectors; Adamic–Adar
  ``A = M · diag(1 / log(max(size_p, 2))) · Mᵀ`` with a zero diagonal, summed over the rows
  of the partners on board; score ``0.5·text/max + 0.5·graph/max + 0.05·projects/max``
  over the candidates (every organisation with a training project, partners excluded).
- **EASE** (Steck 2019) on the project × organisation matrix, organisations with at least two
  projects as items, λ tuned on the validation year.
- **P3α / RP3β** (Cooper et al. 2014; Paudel et al. 2016) on the same matrix.

`M` holds every participation (all roles) of a project signed up to the cut-off date.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse

from kim_network.core.model import Label, Rel
from kim_network.matching import signals

STANDARD_TFIDF = dict(sublinear_tf=True, min_df=2, max_df=0.5, stop_words="english", max_features=200000)
PROJECT_FIELDS = ("title", "keywords", "objective", "topic_title")


def standard_text(project: Mapping, euroscivoc_titles: Sequence[str] = ()) -> str:
    """The text of a project as the standard hybrid reads it.

    >>> standard_text({"title": "Subtitles", "keywords": "asr", "objective": None}, ["speech recognition"])
    'Subtitles\\nasr\\nspeech recognition'
    """
    parts = [str(project.get(f) or "") for f in PROJECT_FIELDS] + list(euroscivoc_titles)
    return "\n".join(p for p in parts if p)


@dataclass
class Corpus:
    """Training projects, their texts and the organisation × project incidence (0/1, all roles).

    Rows of `incidence` follow `org_ids` (every organisation of the records, with or without
    training projects); columns follow `project_ids`.
    """

    org_ids: list[str]
    org_index: dict[str, int]
    project_ids: list[str]
    texts: list[str]
    incidence: sparse.csr_matrix
    euroscivoc: dict[str, list[str]] = field(default_factory=dict)  # project id -> titles (all projects)

    @property
    def n_projects(self) -> np.ndarray:
        return np.asarray(self.incidence.sum(axis=1)).ravel().astype(np.float64)


def euroscivoc_titles(records) -> dict[str, list[str]]:
    """euroSciVoc titles of every project in the records (the leaf concepts a project lists)."""
    labels = {s["id"]: s.get("label_en") or "" for s in records.nodes[Label.SKILL] if s.get("source") == "euroscivoc"}
    out: dict[str, list[str]] = defaultdict(list)
    for e in records.edges[Rel.REQUIRES]:
        title = labels.get(e["target"])
        if title and e.get("origin", "euroscivoc") == "euroscivoc":
            out[e["source"]].append(title)
    return dict(out)


def corpus_from_records(records, until: str | None = None, org_ids: Sequence[str] | None = None) -> Corpus:
    """The training corpus: projects signed up to `until` (ISO date) and who took part in them.

    `org_ids` fixes the row order (e.g. a projection's `actor_ids`); organisations not in it
    are left out.
    """
    if org_ids is None:
        org_ids = [o["id"] for o in records.nodes[Label.ORGANIZATION]]
    org_ids = list(org_ids)
    org_index = {o: i for i, o in enumerate(org_ids)}
    esv = euroscivoc_titles(records)
    project_ids, texts = [], []
    for p in records.nodes[Label.PROJECT]:
        when = p.get("signed_date") or p.get("start_date") or ""
        if until and (not when or when > until):
            continue
        project_ids.append(p["id"])
        texts.append(standard_text(p, esv.get(p["id"], ())))
    project_index = {p: j for j, p in enumerate(project_ids)}
    rows, cols = [], []
    for e in records.edges[Rel.PARTICIPATED_IN]:
        i, j = org_index.get(e["source"]), project_index.get(e["target"])
        if i is not None and j is not None:
            rows.append(i), cols.append(j)
    M = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                          shape=(len(org_ids), len(project_ids)))
    M.data[:] = 1.0
    M.sum_duplicates()
    M.data[:] = 1.0
    return Corpus(org_ids, org_index, project_ids, texts, M, esv)


# The standard hybrid's blend of issue 11: text/max, graph/max and projects/max, so weighted.
WEIGHTS = {"text": 0.5, "graph": 0.5, "projects": 0.05}


def _max_normalised(v: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    hi = float(v[candidates].max()) if candidates.any() else 0.0
    return v / hi if hi > 0 else np.zeros_like(v)


class StandardHybrid:
    """The standard text + graph hybrid of issue 11 (fit on a `Corpus`).

    >>> from types import SimpleNamespace
    >>> c = Corpus(["a", "b", "c"], {"a": 0, "b": 1, "c": 2}, ["p1", "p2", "p3"],
    ...            ["speech recognition subtitles", "speech recognition news", "battery materials"],
    ...            sparse.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 0, 1]], dtype=np.float32)))
    >>> h = StandardHybrid(c, min_df=1, max_df=1.0)
    >>> s = h.scores("speech recognition", partners=[1])
    >>> int(np.argmax(np.where(h.candidates([1]), s, -1)))
    0
    """

    def __init__(self, corpus: Corpus, **tfidf):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self.corpus = corpus
        self.vectorizer = TfidfVectorizer(**{**STANDARD_TFIDF, **tfidf})
        X = self.vectorizer.fit_transform(corpus.texts)
        M = corpus.incidence
        self.profiles = normalize(M @ X, norm="l2", axis=1).tocsc().astype(np.float32)
        size = np.asarray(M.sum(axis=0)).ravel()
        w = (1.0 / np.log(np.maximum(size, 2.0))).astype(np.float32)
        A = (M @ sparse.diags(w) @ M.T).tocsr()
        A.setdiag(0)
        A.eliminate_zeros()
        self.aa = A
        self.n_projects = corpus.n_projects
        self.pool = self.n_projects > 0

    def query_vector(self, text: str) -> sparse.csr_matrix:
        return self.vectorizer.transform([text or ""])

    def text_scores(self, text: str) -> np.ndarray:
        return signals.cosine_scores(self.profiles, self.query_vector(text)).astype(np.float64)

    def graph_scores(self, partners: Sequence[int]) -> np.ndarray:
        partners = [p for p in partners if p is not None]
        if not partners:
            return np.zeros(self.aa.shape[0])
        return np.asarray(self.aa[partners].sum(axis=0)).ravel().astype(np.float64)

    def candidates(self, partners: Sequence[int] = ()) -> np.ndarray:
        mask = self.pool.copy()
        mask[[p for p in partners if p is not None]] = False
        return mask

    def combine(self, text: np.ndarray, graph: np.ndarray, candidates: np.ndarray) -> np.ndarray:
        return (WEIGHTS["text"] * _max_normalised(text, candidates)
                + WEIGHTS["graph"] * _max_normalised(graph, candidates)
                + WEIGHTS["projects"] * _max_normalised(self.n_projects, candidates))

    def scores(self, text: str, partners: Sequence[int] = (), candidates: np.ndarray | None = None) -> np.ndarray:
        """The hybrid score of every organisation (rank only the `candidates`)."""
        candidates = self.candidates(partners) if candidates is None else candidates
        return self.combine(self.text_scores(text), self.graph_scores(partners), candidates)


class EASE:
    """EASE on the project × organisation matrix; items are organisations with ≥ `min_projects`.

    `scores(basket)` is the sum of the basket's rows of B over all organisations (0 for
    organisations that are not items).
    """

    def __init__(self, incidence: sparse.csr_matrix, lam: float, min_projects: int = 2,
                 max_items: int | None = None, dtype=np.float32):
        counts = np.asarray(incidence.sum(axis=1)).ravel()
        items = np.flatnonzero(counts >= min_projects)
        if max_items is not None and len(items) > max_items:
            items = items[np.argsort(-counts[items], kind="stable")[:max_items]]
            items.sort()
        self.items = items
        self.n = incidence.shape[0]
        self.position = np.full(self.n, -1, dtype=np.int64)
        self.position[items] = np.arange(len(items))
        self.lam = lam
        X = incidence[items].T.tocsr()  # projects × items
        self.B = signals.ease_weights(X, lam, dtype=dtype)

    def scores(self, basket: Sequence[int]) -> np.ndarray:
        out = np.zeros(self.n, dtype=np.float32)
        pos = self.position[np.asarray(list(basket), dtype=np.int64)] if len(basket) else np.zeros(0, dtype=np.int64)
        pos = pos[pos >= 0]
        if len(pos):
            out[self.items] = self.B[pos].sum(axis=0)
        return out


class RP3Beta:
    """P3α (β = 0) or RP3β on the project × organisation matrix; `scores(basket)` sums rows of W."""

    def __init__(self, incidence: sparse.csr_matrix, alpha: float = 1.0, beta: float = 0.5, top_k: int | None = 100,
                 normalize: bool = False):
        self.alpha, self.beta, self.top_k, self.normalize = alpha, beta, top_k, normalize
        self.W = signals.rp3beta_weights(incidence.T.tocsr(), alpha, beta, top_k, normalize)

    def scores(self, basket: Sequence[int]) -> np.ndarray:
        basket = list(basket)
        if not basket:
            return np.zeros(self.W.shape[0], dtype=np.float32)
        return np.asarray(self.W[basket].sum(axis=0)).ravel().astype(np.float32)
