"""Stage-1 signals of the learned ranker (`ltr`) over all actors: text and skills, and the graph
signals of the partners on board; several queries at once share the dense products."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse

from kim_network.matching import rank, signals
from kim_network.matching.ltr_data import _extras
from kim_network.matching.projection import Projection
from kim_network.matching.rank import Query
from kim_network.matching.supply import derived


# -- stage-1 signals over all actors ------------------------------------------------------
@dataclass
class TextSignals:
    """Text and skill similarity of every actor to the query (zeros when there is no text)."""

    text_lex: np.ndarray
    text_profile: np.ndarray
    text_knn: np.ndarray
    text_best: np.ndarray
    skill: np.ndarray
    project_sims: np.ndarray | None = None  # max(0, cosine)² of each past project with the query
    qvec: np.ndarray | None = None


KNN_PROJECTS = 100


def text_signals_many(proj: Projection, queries: Sequence[Query]) -> list[TextSignals]:
    """`TextSignals` of several queries, with the dense products done for all at once."""
    lx = _extras(proj)
    n, m = proj.n_actors, len(queries)
    zeros = np.zeros(n, dtype=np.float32)
    texts = [q.text if q.text.strip() else "" for q in queries]
    with_text = [j for j, t in enumerate(texts) if t]
    lex_all = profile_all = skill_all = None
    sims_all = None
    vecs = None
    if with_text and proj.text.vectorizer is not None:
        L = proj.text.sparse([texts[j] for j in with_text]).tocsr()
        lex = (L @ derived(proj, "actor_lex_t", _transposed("actor_lex"))) if L.nnz else None
        if lex is not None:
            lex_all = _stacked(lex.toarray(), with_text, m)
        if proj.text.svd is not None:
            vecs = proj.text.reduce(L)
            profile_all = _stacked(vecs @ lx["actor_vecs_t"], with_text, m)
            sims_all = vecs @ lx["project_vecs_t"]
    skill_rows = [j for j, q in enumerate(queries) if q.skills]
    if skill_rows:
        S = proj.skill_vectors([queries[j].skills for j in skill_rows])
        skill_all = _stacked((S @ derived(proj, "competence_t", _transposed("competence"))).toarray(), skill_rows, m)
    lex_all, profile_all, skill_all = (np.zeros((m, n), dtype=np.float32) if a is None else a
                                       for a in (lex_all, profile_all, skill_all))
    out = []
    pos = {j: i for i, j in enumerate(with_text)}
    inc, cons = proj.incidence, proj.consortium
    if sims_all is not None:
        # Each actor's best past project for every query at once (a maximum: any order gives it;
        # np.take gathers the columns twice as fast as fancy indexing).
        positive = np.maximum(sims_all, 0.0)
        best_all = np.zeros((len(with_text), n), dtype=np.float32)
        if cons.nnz:
            has = lx["has_rows"]
            best_all[:, has] = np.maximum.reduceat(np.take(positive, cons.indices, axis=1), cons.indptr[:-1][has],
                                                     axis=1)
    for j in range(m):
        knn = best = zeros
        sims2 = qvec = None
        if sims_all is not None and j in pos:
            raw = sims_all[pos[j]]
            qvec = vecs[pos[j]]
            knn = signals.log_scale(signals.project_neighbours(raw, inc, KNN_PROJECTS))
            sims2 = positive[pos[j]] ** 2
            best = best_all[pos[j]]
        out.append(TextSignals(lex_all[j], profile_all[j], knn, best, skill_all[j], sims2, qvec))
    return out


def _stacked(values: np.ndarray, rows: list[int], m: int) -> np.ndarray:
    """`values` (float32) as the rows `rows` (increasing) of `m` rows of zeros, without a copy
    when they are all the rows.

    >>> _stacked(np.ones((1, 2)), [1], 2).tolist(), _stacked(np.ones((2, 2)), [0, 1], 2).dtype.name
    ([[0.0, 0.0], [1.0, 1.0]], 'float32')
    """
    if len(rows) == m:
        return np.asarray(values, dtype=np.float32)
    out = np.zeros((m, values.shape[1]), dtype=np.float32)
    out[rows] = values
    return out


def _transposed(name: str):
    """A builder of the CSR transpose of a projection matrix (made once per process, not per chunk)."""
    return lambda proj: getattr(proj, name).T.tocsr()


def text_signals(proj: Projection, query: Query) -> TextSignals:
    return text_signals_many(proj, [query])[0]


@dataclass
class BasketSignals:
    """Graph signals from the partners on board, summed over them, for every actor."""

    seeds: list[int]
    aa: np.ndarray
    ra: np.ndarray
    direct: np.ndarray
    repeat_rate: np.ndarray
    ease: np.ndarray
    rp3: np.ndarray
    emb: np.ndarray
    seed_profile: np.ndarray
    family_profile: np.ndarray
    text_graph: np.ndarray


def _unit_rows(V: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return V / norms


def summed_rows_many(m: sparse.csr_matrix, row_lists: Sequence[Sequence[int]],
                     weight_lists: Sequence[np.ndarray] | None = None) -> np.ndarray:
    """Per list, the sum of its rows of `m` (each times its weight), in one product: the selection
    keeps each list's order (and repeats), so every entry is added row by row in the list's
    order, each value times its weight, as `m[rows].sum(axis=0)` (or `m[rows].T @ weights`) adds
    them (tests/matching/test_fast_paths.py holds the row-by-row loop it is checked against).

    >>> m = sparse.csr_matrix(np.array([[1.0, 0, 2], [0, 3, 1]], dtype=np.float32))
    >>> summed_rows_many(m, [[1, 0], [], [1]], [np.ones(2, np.float32), np.ones(0, np.float32), np.full(1, 2.0, np.float32)]).tolist()
    [[1.0, 3.0, 3.0], [0.0, 0.0, 0.0], [0.0, 6.0, 2.0]]
    """
    return (selection(row_lists, m.shape[0], weight_lists, m.dtype) @ m).toarray()


def selection(row_lists: Sequence[Sequence[int]], width: int, weight_lists: Sequence[np.ndarray] | None = None,
              dtype=np.float32) -> sparse.csr_matrix:
    """One row per list with its weights (1 by default) in the columns it names, in the list's
    order and repeats kept: `selection(lists, n) @ m` holds the row sums `m[list].sum(axis=0)`,
    each row added in the list's order.

    >>> selection([[2, 0], [1, 1]], 3).toarray().tolist()
    [[1.0, 0.0, 1.0], [0.0, 2.0, 0.0]]
    """
    lens = [len(r) for r in row_lists]
    indptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    indices = np.fromiter((int(i) for r in row_lists for i in r), dtype=np.int64, count=int(indptr[-1]))
    if weight_lists is None:
        data = np.ones(len(indices), dtype=dtype)
    else:
        data = np.concatenate([np.asarray(w) for w in weight_lists]) if len(weight_lists) else np.zeros(0, dtype)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(row_lists), width))


def transposed(m: np.ndarray, step: int = 1024) -> np.ndarray:
    """`np.ascontiguousarray(m.T)`, copied `step` rows of `m` at a time: each block stays in the
    cache, which makes it about three times faster for the actors × queries products here.

    >>> transposed(np.arange(6, dtype=np.float32).reshape(3, 2), step=2).tolist()
    [[0.0, 2.0, 4.0], [1.0, 3.0, 5.0]]
    """
    out = np.empty((m.shape[1], m.shape[0]), dtype=m.dtype)
    for start in range(0, m.shape[0], step):
        out[:, start:start + step] = m[start:start + step].T
    return out


def second_hops(b: sparse.csr_matrix, seed_lists: Sequence[Sequence[int]], w_aa: np.ndarray,
                w_ra: np.ndarray) -> np.ndarray:
    """Adamic–Adar and resource allocation of every actor to each seed list (rows 2q and 2q + 1).

    The second hop from the seeds' neighbours, for all lists in one product over the symmetric
    0/1 tie matrix `b` (sorted rows: pass `ltr_data._extras(proj)["collab01_sorted"]`, or it is
    sorted here): each sum is added neighbour by neighbour in index order, exactly as
    ``weights @ b[hop]`` of one list adds it (the entries outside the first hop are zeros and
    add nothing), so the values are bit for bit the same. The first hop's counts are whole
    numbers, so one product for all lists gives them exactly.

    >>> b = sparse.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 1, 1], [1, 1, 0, 0], [0, 1, 0, 0]], dtype=np.float32))
    >>> second_hops(b, [[0], [3]], np.full(4, 0.5, dtype=np.float32), np.ones(4, dtype=np.float32)).tolist()
    [[1.0, 0.5, 0.5, 0.5], [2.0, 1.0, 1.0, 1.0], [0.5, 0.0, 0.5, 0.5], [1.0, 0.0, 1.0, 1.0]]
    """
    if not b.has_sorted_indices:
        b = b.sorted_indices()
    n = b.shape[0]
    X = np.zeros((n, 2 * len(seed_lists)), dtype=np.float32)
    first = (selection(seed_lists, n) @ b).tocoo()  # seeds tied to each actor, list by list
    X[first.col, 2 * first.row] = first.data * w_aa[first.col]
    X[first.col, 2 * first.row + 1] = first.data * w_ra[first.col]
    return transposed(np.asarray(b @ X, dtype=np.float32))


def basket_signals_many(proj: Projection, seed_lists: Sequence[Sequence[int]],
                        project_sims: Sequence[np.ndarray | None] | None = None) -> list[BasketSignals]:
    """`BasketSignals` of several seed lists (dense products for all at once)."""
    lx = _extras(proj)
    n = proj.n_actors
    zeros = np.zeros(n, dtype=np.float32)
    lists = [[int(s) for s in seeds] for seeds in seed_lists]
    full = [j for j, seeds in enumerate(lists) if seeds]
    chosen = [lists[j] for j in full]  # the non-empty lists, in order
    emb_all = prof_all = None
    if full:
        if proj.embedding is not None:
            V = np.vstack([proj.embedding[seeds].sum(axis=0) for seeds in chosen])
            emb_all = _unit_rows(V) @ lx["embedding_t"]
        P = np.vstack([proj.actor_vecs[seeds].sum(axis=0) for seeds in chosen])
        prof_all = _unit_rows(P) @ lx["actor_vecs_t"]
    pos = {j: i for i, j in enumerate(full)}
    # (a projection published before "collab01_sorted" existed has only the unsorted ties)
    ties = lx["collab01_sorted"] if "collab01_sorted" in lx else rank._extras(proj)["collab01"]
    second = second_hops(ties, chosen, lx["w_aa"], lx["w_ra"]) if full else None
    text_graph_all, family_all = _graph_products(proj, chosen, full, project_sims)
    if full:
        direct_all = summed_rows_many(proj.collab, chosen)
        per_seed = [(1.0 / np.maximum(lx["n_projects"][seeds], 1.0)).astype(np.float32) for seeds in chosen]
        repeat_all = summed_rows_many(proj.collab, chosen, per_seed)
        rp3_all = summed_rows_many(proj.rp3, chosen) if proj.rp3 is not None else None
    out = []
    for j, seeds in enumerate(lists):
        if not seeds:
            out.append(BasketSignals([], zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros, zeros))
            continue
        aa, ra = second[2 * pos[j]], second[2 * pos[j] + 1]
        direct, repeat = direct_all[pos[j]], repeat_all[pos[j]]
        ease = proj.ease.scores(seeds) if proj.ease is not None else zeros
        rp3 = rp3_all[pos[j]] if rp3_all is not None else zeros
        emb = emb_all[pos[j]] if emb_all is not None else zeros
        text_graph = text_graph_all.get(j, zeros)
        family = family_all.get(j, zeros)
        out.append(BasketSignals(seeds, aa, ra, direct, repeat, ease, rp3, emb, prof_all[pos[j]], family, text_graph))
    return out


def _graph_products(proj: Projection, chosen: list[list[int]], full: list[int],
                    project_sims: Sequence[np.ndarray | None] | None) -> tuple[dict, dict]:
    """Text-weighted shared projects (`text_graph`) and call-family closeness (`family_profile`)
    of the seed lists `chosen`, which stand at positions `full` of the chunk, each product for all
    lists at once (one column per list: each row is summed entry by entry in the same order as
    one list's product sums it)."""
    lx = _extras(proj)
    graph_cols, graph_of, fam_cols, fam_of = [], [], [], []
    shared = summed_rows_many(proj.consortium, chosen) if full else None  # the lists' projects
    families = summed_rows_many(lx["families_of"], chosen) if full else None
    for i, j in enumerate(full):
        sims = project_sims[j] if project_sims is not None else None
        if sims is not None and len(sims):
            graph_cols.append(shared[i] * sims)
            graph_of.append(j)
        fam = families[i].copy()  # a vector of its own, as before (the norm's dot product reads it)
        norm = float(np.linalg.norm(fam))
        if norm > 0:
            fam_cols.append(fam / norm)
            fam_of.append(j)

    def product(m: sparse.csr_matrix, cols: list[np.ndarray], owners: list[int]) -> dict:
        if not cols:
            return {}
        rows = transposed(np.asarray(m @ np.column_stack(cols), dtype=np.float32))
        return dict(zip(owners, rows))
    return (product(proj.consortium, graph_cols, graph_of), product(lx["families_of"], fam_cols, fam_of))


def basket_signals(proj: Projection, seeds: Sequence[int], project_sims: np.ndarray | None = None) -> BasketSignals:
    return basket_signals_many(proj, [seeds], [project_sims])[0]
