"""Stage-2 features of the learned ranker (`ltr`): of the candidate, of the query and of the pair
(the candidate with each partner on board), for the stage-1 candidates only."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse

from kim_network.matching import baselines, rank, signals
from kim_network.matching.ltr_data import BASKET, LAST_PROJECTS, MODEL_KINDS, PAIR, RELATIVE, TEXT, _extras
from kim_network.matching.ltr_signals import BasketSignals, TextSignals
from kim_network.matching.priors import topic_family, topic_programme
from kim_network.matching.projection import Projection
from kim_network.matching.rank import Query


def _topic_vector(proj: Projection, kind: str, topic: str | None) -> np.ndarray | None:
    if not topic:
        return None
    ex = rank._extras(proj)
    if kind == "f":
        return rank._topic_experience(proj, ex["families"], "f|" + topic_family(topic))
    return rank._topic_experience(proj, ex["programmes"], "p|" + topic_programme(topic))


def row_entries(m: sparse.csr_matrix, rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """The positions in `m.data` / `m.indices` of the entries of `rows` (row after row, each
    in its stored order) and each row's number of entries.

    >>> m = sparse.csr_matrix(np.array([[0, 2.0, 5.0], [3.0, 0, 1.0]], dtype=np.float32))
    >>> [a.tolist() for a in row_entries(m, [1, 0, 1])]
    [[2, 3, 0, 1, 2, 3], [2, 2, 2]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    starts = m.indptr[rows].astype(np.int64)
    lens = m.indptr[rows + 1] - starts
    ends = np.cumsum(lens)
    return np.repeat(starts - ends + lens, lens) + np.arange(int(ends[-1]) if len(ends) else 0), lens


def rows_at(m: sparse.csr_matrix, rows: Sequence[int], where: np.ndarray, width: int) -> np.ndarray:
    """`m[rows].toarray()[:, cols]` where ``where[cols] == arange(width)`` (-1 elsewhere), read
    from the rows' entries only.

    >>> m = sparse.csr_matrix(np.array([[0, 2.0, 5.0], [3.0, 0, 1.0]], dtype=np.float32))
    >>> rows_at(m, [1, 0], np.array([1, -1, 0]), 2).tolist()
    [[1.0, 3.0], [5.0, 0.0]]
    """
    out = np.zeros((len(rows), width), dtype=m.dtype)
    at_, lens = row_entries(m, rows)
    at = where[m.indices[at_]]
    keep = at >= 0
    out[np.repeat(np.arange(len(rows)), lens)[keep], at[keep]] = m.data[at_[keep]]
    return out


def weighted_columns(m: sparse.csr_matrix, rows: Sequence[int], weights: np.ndarray) -> np.ndarray:
    """`(m[rows].toarray() * weights).T` as a C-ordered array (columns × rows), from the rows'
    entries only.

    >>> m = sparse.csr_matrix(np.array([[0, 2.0, 5.0], [3.0, 0, 1.0]], dtype=np.float32))
    >>> weighted_columns(m, [1], np.array([0.5, 1.0, 2.0], dtype=np.float32)).tolist()
    [[1.5], [0.0], [2.0]]
    """
    out = np.zeros((m.shape[1], len(rows)), dtype=np.result_type(m.dtype, weights.dtype))
    for r, i in enumerate(rows):
        start, end = m.indptr[i], m.indptr[i + 1]
        cols = m.indices[start:end]
        out[cols, r] = m.data[start:end] * weights[cols]
    return out


def seed_project_counts(m: sparse.csr_matrix, rows: Sequence[int]) -> np.ndarray:
    """How many of `rows` have an entry in each column of a 0/1 matrix (e.g. seeds per project).

    >>> seed_project_counts(sparse.csr_matrix(np.array([[1, 1, 0], [0, 1, 0]], dtype=np.float32)), [0, 1]).tolist()
    [1.0, 2.0, 0.0]
    """
    if not m.has_canonical_format:  # a row may name a column twice: it counts once
        out = np.zeros(m.shape[1], dtype=np.float32)
        for i in rows:
            out[m.indices[m.indptr[i]:m.indptr[i + 1]]] += 1.0
        return out
    return np.bincount(m.indices[row_entries(m, rows)[0]], minlength=m.shape[1]).astype(np.float32)


def latest_projects(m: sparse.csr_matrix, rows: Sequence[int], month: np.ndarray, n: int = LAST_PROJECTS) -> np.ndarray:
    """1 for each column that is among the `n` newest (by `month`; ties: the earlier entry) of
    at least one of `rows`.

    >>> m = sparse.csr_matrix(np.array([[1, 1, 1], [0, 0, 1]], dtype=np.float32))
    >>> latest_projects(m, [0], np.array([5.0, 9.0, 7.0]), n=2).tolist()
    [0.0, 1.0, 1.0]
    """
    at, lens = row_entries(m, rows)
    cols = m.indices[at]
    row_of = np.repeat(np.arange(len(lens)), lens)
    # Newest first within each row (a stable sort: rows stay where they are, ties in order).
    order = np.lexsort((-month[cols], row_of))
    place = np.arange(len(cols)) - (np.cumsum(lens) - lens)[row_of]
    out = np.zeros(m.shape[1], dtype=np.float32)
    out[cols[order][place < n]] = 1.0
    return out


def rank_among(v: np.ndarray) -> np.ndarray:
    """Each value's place among all (1 = the best; ties share the better place).

    >>> rank_among(np.array([0.5, 2.0, 0.5, 1.0])).tolist()
    [3.0, 1.0, 3.0, 2.0]
    """
    if not len(v):
        return np.zeros(0, dtype=np.float32)
    order = np.sort(-v)
    return (np.searchsorted(order, -v, side="left") + 1).astype(np.float32)


def _standard(f: dict[str, np.ndarray], C: int) -> dict[str, np.ndarray]:
    """The standard hybrid's evidence among the candidates (ltr_data.STANDARD), from the features.

    >>> out = _standard({"std_aa": np.array([2.0, 1.0, 0.0]), "text_lex_rel": np.array([0.0, 1.0, 0.5]),
    ...                  "projects_rel": np.array([1.0, 0.5, 0.0])}, 3)
    >>> out["std_aa_rank"].tolist(), out["hyb"].round(3).tolist(), out["hyb_rank"].tolist()
    ([1.0, 2.0, 3.0], [0.55, 0.775, 0.25], [2.0, 1.0, 3.0])
    """
    aa = f.get("std_aa", np.zeros(C, dtype=np.float32))
    rel = _relative(aa)
    text = f.get("text_lex_rel", np.zeros(C))
    hyb = (HYBRID_WEIGHTS["text"] * text + HYBRID_WEIGHTS["graph"] * rel
           + HYBRID_WEIGHTS["projects"] * f["projects_rel"])
    return {"std_aa_rel": rel, "std_aa_rank": rank_among(aa), "hyb": hyb, "hyb_rank": rank_among(hyb)}


# The standard hybrid's blend (baselines.StandardHybrid) and the feature each part reads.
HYBRID_WEIGHTS = baselines.WEIGHTS
HYBRID_PARTS = {"text": "text_lex", "graph": "std_aa", "projects": "pop_rate"}


def split_blended(parts: dict[str, float], values: dict[str, float]) -> dict[str, float]:
    """A candidate's contributions with those of the blended features (`hyb`, `hyb_rank`) moved
    onto the evidence they blend (text, shared projects, projects), in proportion to each
    part of the candidate's blend, so that reasons name the evidence and keep its share.

    >>> split_blended({"hyb": 1.0, "aa": 0.5}, {"text_lex_rel": 1.0, "std_aa_rel": 1.0, "projects_rel": 0.0})
    {'aa': 0.5, 'text_lex': 0.5, 'std_aa': 0.5}
    """
    blended = sum(parts.get(k, 0.0) for k in ("hyb", "hyb_rank"))
    out = {k: v for k, v in parts.items() if k not in ("hyb", "hyb_rank")}
    if not blended:
        return out
    shares = {"text": HYBRID_WEIGHTS["text"] * values.get("text_lex_rel", 0.0),
              "graph": HYBRID_WEIGHTS["graph"] * values.get("std_aa_rel", 0.0),
              "projects": HYBRID_WEIGHTS["projects"] * values.get("projects_rel", 0.0)}
    total = sum(shares.values())
    if total <= 0:
        shares, total = {"projects": 1.0}, 1.0
    for part, share in shares.items():
        if share > 0:
            name = HYBRID_PARTS[part]
            out[name] = out.get(name, 0.0) + blended * share / total
    return out


def _pair(proj: Projection, seeds: list[int], cand: np.ndarray, topic: str | None) -> dict[str, np.ndarray]:
    """Features of each candidate with each partner on board, reduced over the partners."""
    lx = _extras(proj)
    ex = rank._extras(proj)
    C = len(cand)
    out = {}
    if not seeds or not C:
        return {f: np.zeros(C, dtype=np.float32) for f in PAIR + ("family_ties", "std_aa", "last_ties")}
    where = np.full(proj.n_actors, -1, dtype=np.int64)
    where[cand] = np.arange(C)
    direct = rows_at(proj.collab, seeds, where, C)
    out["tie_max"] = direct.max(axis=0)
    out["tied"] = (direct > 0).sum(axis=0) / len(seeds)
    b = ex["collab01"]
    out["aa_max"] = np.asarray(b[cand] @ weighted_columns(b, seeds, lx["w_aa"])).max(axis=1)
    out["ease_max"] = proj.ease.rows(seeds, cand).max(axis=0) if proj.ease is not None else np.zeros(C)
    out["rp3_max"] = rows_at(proj.rp3, seeds, where, C).max(axis=0) if proj.rp3 is not None else np.zeros(C)
    if proj.embedding is not None:
        out["emb_max"] = (proj.embedding[cand] @ proj.embedding[seeds].T).max(axis=1)
    else:
        out["emb_max"] = np.zeros(C)
    # Shared projects of each candidate with the seeds (consortium and coordination are 0/1, so
    # these are whole counts, summed project by project): coordinated by a seed, recent, in the
    # call family, and led by the candidate.
    coord = lx["coordinated"]
    cons = proj.consortium
    with_seeds = seed_project_counts(cons, seeds)  # seeds in each project
    by_seeds = seed_project_counts(coord, seeds)  # seeds coordinating each project
    columns = [by_seeds, with_seeds * lx["recent_projects"], with_seeds * lx["w_size"],
               with_seeds * latest_projects(cons, seeds, lx["project_month"])]
    fam = ex["families"].get(topic_family(topic)) if topic else None
    if fam:
        marks = np.zeros(cons.shape[1], dtype=np.float32)
        marks[fam] = 1.0
        columns.append(with_seeds * marks)
    shared = cons[cand] @ np.column_stack(columns)
    out["coord_ties"] = shared[:, 0]
    out["recent_ties"] = shared[:, 1]
    out["std_aa"] = shared[:, 2]
    out["last_ties"] = shared[:, 3]
    out["family_ties"] = shared[:, 4] if fam else np.zeros(C)
    out["led_by"] = coord[cand] @ with_seeds
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def _context(proj: Projection, topic: str | None, seeds: list[int], cand: np.ndarray) -> dict[str, np.ndarray]:
    """`rank.context_features`, for the candidates only."""
    ex = rank._extras(proj)
    C = len(cand)
    class_idx = ex["class_idx"]
    prior = proj.kind_prior.distribution(topic)
    out: dict[str, np.ndarray] = {}
    if seeds:
        seed_country = proj.country_index[seeds]
        counts = np.bincount(seed_country, minlength=len(proj.country_codes))
        out["same_country"] = counts[proj.country_index[cand]] / len(seeds)
        codes = ex["region_code"]
        seed_codes = codes[seeds]
        seed_codes = seed_codes[seed_codes >= 0]
        cc = codes[cand]
        if len(seed_codes):
            per_region = np.bincount(seed_codes, minlength=int(codes.max()) + 1).astype(np.float32)
            out["same_region"] = np.where(cc >= 0, per_region[np.maximum(cc, 0)], 0.0) / len(seeds)
        else:
            out["same_region"] = np.zeros(C)
        out["country_fit"] = signals.country_affinity(proj.country_index[cand], proj.country_lift, seed_country)
    else:
        out["same_country"] = out["same_region"] = out["country_fit"] = np.zeros(C)
    cls = class_idx[cand]
    out["kind_fit"] = signals.class_fit(cls, prior, proj.kind_prior.overall)
    out["kind_gap"] = signals.class_gap(cls, prior, class_idx[seeds] if seeds else [], len(seeds) + 1)
    fam = _topic_vector(proj, "f", topic)
    prog = _topic_vector(proj, "p", topic)
    out["family_exp"] = fam[cand] if fam is not None else np.zeros(C)
    out["programme_exp"] = prog[cand] if prog is not None else np.zeros(C)
    # The share of the call family's (programme's) past projects the candidate was in: how
    # usual it is in such consortia, comparable across years.
    n_fam = len(ex["families"].get(topic_family(topic), ())) if topic else 0
    n_prog = len(ex["programmes"].get(topic_programme(topic), ())) if topic else 0
    out["family_rate"] = np.expm1(out["family_exp"]) / n_fam if n_fam else np.zeros(C)
    out["programme_rate"] = np.expm1(out["programme_exp"]) / n_prog if n_prog else np.zeros(C)
    return {k: np.asarray(v, dtype=np.float32) for k, v in out.items()}


def _relative(v: np.ndarray) -> np.ndarray:
    hi = float(v.max()) if len(v) else 0.0
    return v / hi if hi > 0 else np.zeros(len(v))


def _features(proj: Projection, task: str, query: Query, cand: np.ndarray, text: TextSignals | None,
              basket: BasketSignals | None) -> dict[str, np.ndarray]:
    lx = _extras(proj)
    seeds = list(query.seeds)
    C = len(cand)
    topic = query.topic if task != "organisation" else None
    f: dict[str, np.ndarray] = {}
    if text is not None:
        for name in TEXT:
            f[name] = getattr(text, name)[cand]
    if basket is not None:
        for name in BASKET + ("text_graph",):
            f[name] = getattr(basket, name)[cand]
    if task != "idea":
        f.update(_pair(proj, seeds, cand, topic))
    f["pop_pct"] = lx["pop_pct"][cand]
    f["pop_rate"] = lx["pop_rate"][cand]
    f["coord_share"] = lx["coord_share"][cand]
    f["kind"] = lx["kind"][cand]
    f["sme"] = lx["sme"][cand]
    f["idle_months"] = lx["idle_months"][cand]
    f.update(_context(proj, topic, seeds, cand))
    n_proj = np.maximum(lx["n_projects"][cand], 1.0)
    f["family_share"] = (np.expm1(f["family_exp"]) / n_proj).astype(np.float32)
    f["n_seeds"] = np.full(C, np.log1p(len(seeds)), dtype=np.float32)
    f["has_topic"] = np.full(C, 1.0 if topic else 0.0, dtype=np.float32)
    f["asks_as_lead"] = np.full(C, 1.0 if query.asks_as_lead else 0.0, dtype=np.float32)
    if seeds:
        f["seed_pop_pct"] = np.full(C, float(np.mean(lx["pop_pct"][seeds])), dtype=np.float32)
        kinds = lx["kind"][seeds].astype(np.int64)
        f["seed_kind"] = np.full(C, float(np.bincount(kinds).argmax()), dtype=np.float32)
    else:
        f["seed_pop_pct"] = np.zeros(C, dtype=np.float32)
        f["seed_kind"] = np.full(C, float(MODEL_KINDS.index("other")), dtype=np.float32)
    for rel, base in RELATIVE.items():
        if base in f:
            v = f[base]
            hi = float(v.max()) if C else 0.0
            f[rel] = (v / hi).astype(np.float32) if hi > 0 else np.zeros(C, dtype=np.float32)
    if task != "idea":
        f["projects_rel"] = _relative(lx["n_projects"][cand])  # the hybrid's projects/max (not a model input)
        f.update(_standard(f, C))
    return {k: np.asarray(v, dtype=np.float32) for k, v in f.items()}
