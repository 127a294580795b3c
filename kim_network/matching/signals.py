"""Matching signals: pure functions from sparse matrices and index vectors to one score per actor.

Each function scores every actor at once (a dense vector indexed like the projection's
`actor_ids`), so a request costs a few sparse matrix-vector products. They know nothing of
stores, requests or visibility.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse


def seed_vector(n: int, seeds, weights=None) -> np.ndarray:
    """A dense vector with the seeds' weights (1 each by default).

    >>> seed_vector(4, [1, 3]).tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    v = np.zeros(n, dtype=np.float32)
    for i, s in enumerate(seeds):
        v[s] += 1.0 if weights is None else weights[i]
    return v


def cosine_scores(matrix, query) -> np.ndarray:
    """Row-wise dot products with a query (rows and query are unit vectors: cosines).

    Works for a dense or sparse matrix and a dense vector or a 1×n sparse row; a CSC matrix
    with a sparse query reads only the query's columns.

    >>> cosine_scores(np.array([[1.0, 0.0], [0.6, 0.8]]), np.array([0.0, 1.0])).astype(float).round(2).tolist()
    [0.0, 0.8]
    """
    if sparse.issparse(query) and sparse.issparse(matrix) and matrix.format == "csc":
        # Touch only the columns the query uses: a query has few terms or skills.
        q = query.tocsr()
        if q.nnz == 0:
            return np.zeros(matrix.shape[0], dtype=np.float32)
        sub = matrix[:, q.indices]
        return np.asarray(sub @ q.data.astype(np.float32), dtype=np.float32).ravel()
    if sparse.issparse(query):
        out = matrix @ query.T
        out = out.toarray() if sparse.issparse(out) else np.asarray(out)
        return np.asarray(out, dtype=np.float32).ravel()
    return np.asarray(matrix @ query, dtype=np.float32).ravel()


def _binary(adjacency: sparse.csr_matrix) -> sparse.csr_matrix:
    if adjacency.format == "csr" and adjacency.nnz and getattr(adjacency, "_kim_binary", False):
        return adjacency
    b = adjacency.tocsr(copy=True)
    b.data[:] = 1.0
    return b


def binary(adjacency: sparse.csr_matrix) -> sparse.csr_matrix:
    """A 0/1 copy of an adjacency matrix, marked so the index functions reuse it as is.

    >>> binary(sparse.csr_matrix(np.array([[0, 3.0], [3.0, 0]]))).toarray().tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    b = _binary(adjacency)
    b._kim_binary = True
    return b


def neighbour_degree(adjacency: sparse.csr_matrix) -> np.ndarray:
    """Number of distinct neighbours of each node."""
    return np.diff(adjacency.tocsr().indptr).astype(np.float32)


def adamic_adar(adjacency: sparse.csr_matrix, seeds, degree: np.ndarray | None = None) -> np.ndarray:
    """Adamic–Adar index of every node with a set of seed nodes, summed over the seeds.

    AA(c, s) = sum over common neighbours z of 1 / log(deg z).

    Examples
    --------
    >>> A = sparse.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]], dtype=float))
    >>> adamic_adar(A, [0]).astype(float).round(3).tolist()
    [2.885, 0.0, 0.0, 2.885]
    """
    b = _binary(adjacency)
    deg = neighbour_degree(b) if degree is None else degree
    with np.errstate(divide="ignore"):
        w = np.where(deg > 1, 1.0 / np.log(np.maximum(deg, 2)), 0.0).astype(np.float32)
    return _two_hop(b, seeds, w)


def _two_hop(b: sparse.csr_matrix, seeds, w: np.ndarray) -> np.ndarray:
    """Σ over seeds s, over common neighbours z of (s, c), of w[z]; reads only the rows it needs.

    The adjacency must be symmetric (it is read by rows for both hops).
    """
    n = b.shape[0]
    seeds = list(seeds)
    if not seeds:
        return np.zeros(n, dtype=np.float32)
    first = b[seeds].sum(axis=0).A1 if len(seeds) > 1 else b[seeds[0]].toarray().ravel()
    hop = np.flatnonzero(first)
    if not len(hop):
        return np.zeros(n, dtype=np.float32)
    weights = (first[hop] * w[hop]).astype(np.float32)
    return np.asarray(b[hop].T @ weights, dtype=np.float32).ravel()


def resource_allocation(adjacency: sparse.csr_matrix, seeds, degree: np.ndarray | None = None) -> np.ndarray:
    """Resource allocation index with the seeds: sum over common neighbours z of 1 / deg z.

    >>> A = sparse.csr_matrix(np.array([[0, 1, 1, 0], [1, 0, 0, 1], [1, 0, 0, 1], [0, 1, 1, 0]], dtype=float))
    >>> resource_allocation(A, [0]).tolist()
    [1.0, 0.0, 0.0, 1.0]
    """
    b = _binary(adjacency)
    deg = neighbour_degree(b) if degree is None else degree
    w = np.where(deg > 0, 1.0 / np.maximum(deg, 1), 0.0).astype(np.float32)
    return _two_hop(b, seeds, w)


def direct_ties(adjacency: sparse.csr_matrix, seeds, weights=None) -> np.ndarray:
    """Edge weight to the seeds (for the collaboration graph: projects shared with them).

    Optional per-seed `weights` (e.g. 1 / the seed's number of projects turn counts into
    "share of the seed's projects").

    >>> A = sparse.csr_matrix(np.array([[0, 2, 0], [2, 0, 1], [0, 1, 0]], dtype=float))
    >>> direct_ties(A, [1]).tolist()
    [2.0, 0.0, 1.0]
    """
    s = seed_vector(adjacency.shape[0], seeds, weights)
    return np.asarray(adjacency @ s, dtype=np.float32).ravel()


def project_neighbours(sims: np.ndarray, incidence: sparse.csr_matrix, k: int = 100, power: float = 2.0) -> np.ndarray:
    """Score actors by the past projects most similar to the query text (item k-NN).

    `sims` holds each project's similarity to the query. An actor scores the sum of
    max(sim, 0)**power over its projects among the k most similar ones, which rewards
    organisations that did several closely related projects rather than one that did a
    thousand loosely related ones.

    >>> inc = sparse.csr_matrix(np.array([[1, 0, 0], [0, 1, 1]], dtype=np.float32))
    >>> project_neighbours(np.array([1.0, 0.0, 0.8], dtype=np.float32), inc, k=2).astype(float).round(2).tolist()
    [1.0, 0.64]
    """
    if not len(sims):
        return np.zeros(incidence.shape[0], dtype=np.float32)
    k = min(k, len(sims))
    top = np.argpartition(-sims, k - 1)[:k]
    weights = np.zeros_like(sims)
    weights[top] = np.maximum(sims[top], 0.0) ** power
    return np.asarray(incidence @ weights, dtype=np.float32).ravel()


def log_scale(values: np.ndarray) -> np.ndarray:
    """log(1 + x) for non-negative signals with a long tail.

    >>> log_scale(np.array([0.0, np.e - 1])).astype(float).round(3).tolist()
    [0.0, 1.0]
    """
    return np.log1p(np.maximum(values, 0.0)).astype(np.float32)


def class_fit(actor_class_index: np.ndarray, prior: np.ndarray, overall: np.ndarray) -> np.ndarray:
    """Log lift of each actor's class under a call's class distribution.

    >>> class_fit(np.array([0, 1]), np.array([0.8, 0.2]), np.array([0.5, 0.5])).astype(float).round(2).tolist()
    [0.47, -0.92]
    """
    ratio = prior[actor_class_index] / np.maximum(overall[actor_class_index], 1e-9)
    return np.log(np.maximum(ratio, 1e-6)).astype(np.float32)


def class_gap(actor_class_index: np.ndarray, prior: np.ndarray, seed_classes, team_size: float) -> np.ndarray:
    """How many more members of each actor's class a team of this size usually has.

    >>> class_gap(np.array([0, 1]), np.array([0.5, 0.5]), [0, 0], 4).tolist()
    [0.0, 2.0]
    """
    observed = np.bincount(np.asarray(seed_classes, dtype=np.int64), minlength=len(prior)).astype(np.float32)
    gap = prior * team_size - observed
    return gap[actor_class_index].astype(np.float32)


def country_affinity(actor_country: np.ndarray, lift: np.ndarray, seed_countries) -> np.ndarray:
    """Mean log lift of co-participation between each actor's country and the seeds' countries.

    >>> L = np.array([[0.5, -0.1], [-0.1, 0.2]], dtype=np.float32)
    >>> country_affinity(np.array([0, 1]), L, [0, 0]).astype(float).round(2).tolist()
    [0.5, -0.1]
    """
    seed_countries = list(seed_countries)
    if not seed_countries or lift.size == 0:
        return np.zeros(len(actor_country), dtype=np.float32)
    return lift[:, seed_countries].mean(axis=1)[actor_country].astype(np.float32)


def diversify(order, groups, limit: int, per_group: int = 2):
    """Re-order a ranking so no group has more than `per_group` entries in the top `limit`.

    Entries over the cap move below the first `limit` in their original order, so ten
    departments of one institution do not fill a top ten.

    >>> diversify([0, 1, 2, 3, 4], ["a", "a", "a", "b", "c"], limit=4, per_group=2)
    [0, 1, 3, 4, 2]
    """
    chosen, held, seen = [], [], {}
    for item, group in zip(order, groups):
        if len(chosen) < limit and (group is None or seen.get(group, 0) < per_group):
            chosen.append(item)
            if group is not None:
                seen[group] = seen.get(group, 0) + 1
        else:
            held.append(item)
    return chosen + held


# -- set completion, random walks and embeddings (precomputed with the projection) -----------
def ease_weights(X, lam: float, dtype=np.float32) -> np.ndarray:
    """EASE item-item weights (Steck, WWW 2019) for a users × items 0/1 matrix.

    B = I − P · diagMat(1 / diag(P)) with P = (XᵀX + λI)⁻¹, so diag(B) = 0: each item is
    predicted from the others in the same basket. The solve is a Cholesky factorisation and
    inverse in place (LAPACK potrf/potri), so memory is one dense items × items array of
    `dtype`; restrict the items beforehand when there are many.

    >>> X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1]], dtype=np.float32))
    >>> B = ease_weights(X, lam=0.5)
    >>> bool(B[0, 1] > B[2, 1] > 0), float(B[0, 0])
    (True, 0.0)
    """
    from scipy.linalg import lapack

    G = X.T @ X
    G = G.toarray() if sparse.issparse(G) else np.asarray(G)
    G = np.asarray(G, dtype=dtype, order="F")
    n = G.shape[0]
    if n == 0:
        return np.zeros((0, 0), dtype=dtype)
    G[np.diag_indices(n)] += lam
    potrf, potri = (lapack.spotrf, lapack.spotri) if G.dtype == np.float32 else (lapack.dpotrf, lapack.dpotri)
    L, info = potrf(G, lower=1, overwrite_a=1, clean=0)
    if info != 0:
        raise np.linalg.LinAlgError(f"EASE: Gram matrix not positive definite (info {info})")
    P, info = potri(L, lower=1, overwrite_c=1)
    if info != 0:
        raise np.linalg.LinAlgError(f"EASE: inversion failed (info {info})")
    # potri fills the lower triangle only: mirror it, a block of columns at a time.
    step = 512
    for start in range(0, n, step):
        stop = min(n, start + step)
        P[start:stop, stop:] = P[stop:, start:stop].T
        block = P[start:stop, start:stop]
        P[start:stop, start:stop] = np.tril(block) + np.tril(block, -1).T
    diag = P.diagonal().copy()
    P /= -diag[None, :]
    P[np.diag_indices(n)] = 0.0
    return np.ascontiguousarray(P)


def rp3beta_weights(X, alpha: float = 1.0, beta: float = 0.5, top_k: int | None = 100,
                    normalize: bool = False) -> sparse.csr_matrix:
    """Item-item weights of a three-step random walk item → user → item (P3α; RP3β with β > 0).

    W[i, j] = Σ_u P(u | i)^α · P(j | u)^α / pop(j)^β (Cooper et al. 2014; Paudel et al. 2016),
    diagonal removed, the `top_k` largest per row kept, rows optionally made to sum to 1.
    The score of item j for a basket is the sum of the basket's rows.

    >>> X = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 1, 1], [0, 1, 0]], dtype=np.float32))
    >>> W = rp3beta_weights(X, alpha=1.0, beta=0.0)
    >>> W.toarray().astype(float).round(3).tolist()
    [[0.0, 0.5, 0.0], [0.25, 0.0, 0.125], [0.0, 0.5, 0.0]]
    >>> bool(rp3beta_weights(X, beta=1.0)[0, 1] < W[0, 1])  # popular targets are discounted
    True
    """
    X = sparse.csr_matrix(X, dtype=np.float32)
    X.data[:] = 1.0
    users = X.sum(axis=1).A1
    items = X.sum(axis=0).A1
    Pui = sparse.diags(np.where(users > 0, 1.0 / np.maximum(users, 1), 0.0).astype(np.float32)) @ X
    Piu = sparse.diags(np.where(items > 0, 1.0 / np.maximum(items, 1), 0.0).astype(np.float32)) @ X.T.tocsr()
    if alpha != 1.0:
        Pui = Pui.power(alpha)
        Piu = Piu.power(alpha)
    W = (Piu @ Pui).tocsr()
    if beta:
        W = W @ sparse.diags(np.where(items > 0, np.maximum(items, 1) ** -beta, 0.0).astype(np.float32))
        W = W.tocsr()
    W.setdiag(0)
    W.eliminate_zeros()
    if top_k is not None:
        W = keep_top_k(W, top_k)
    if normalize:
        sums = W.sum(axis=1).A1
        W = (sparse.diags(np.where(sums > 0, 1.0 / np.maximum(sums, 1e-12), 0.0).astype(np.float32)) @ W).tocsr()
    return W.astype(np.float32)


def keep_top_k(W: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """The `k` largest entries of each row of a sparse matrix (ties: the earlier column).

    >>> keep_top_k(sparse.csr_matrix(np.array([[3.0, 1.0, 2.0], [0.0, 5.0, 0.0]])), 2).toarray().tolist()
    [[3.0, 0.0, 2.0], [0.0, 5.0, 0.0]]
    """
    W = W.tocsr()
    W.sort_indices()
    counts = np.diff(W.indptr)
    if not len(counts) or counts.max() <= k:
        return W
    keep = np.ones(W.nnz, dtype=bool)
    for row in np.flatnonzero(counts > k):
        lo, hi = W.indptr[row], W.indptr[row + 1]
        data = W.data[lo:hi]
        order = np.argsort(-data, kind="stable")
        keep[lo + order[k:]] = False
    rows = np.repeat(np.arange(W.shape[0]), counts)
    return sparse.csr_matrix((W.data[keep], (rows[keep], W.indices[keep])), shape=W.shape)


def spectral_embedding(adjacency: sparse.spmatrix, dims: int = 64, seed: int = 0, n_iter: int = 4) -> np.ndarray:
    """Unit-length node vectors from a randomised SVD of D^-1/2 · A · D^-1/2.

    Nodes that share many partners (also indirectly) get close vectors; isolated nodes get
    zeros. Their cosine is a smooth, global counterpart of Adamic–Adar.

    >>> A = np.zeros((6, 6)); A[:3, :3] = 1; A[3:, 3:] = 1; np.fill_diagonal(A, 0)
    >>> E = spectral_embedding(sparse.csr_matrix(A), dims=2)
    >>> bool(E[0] @ E[1] > 0.9 and abs(E[0] @ E[4]) < 0.1)
    True
    """
    from sklearn.utils.extmath import randomized_svd

    A = sparse.csr_matrix(adjacency, dtype=np.float32)
    n = A.shape[0]
    deg = A.sum(axis=1).A1
    d = np.where(deg > 0, 1.0 / np.sqrt(np.maximum(deg, 1e-12)), 0.0).astype(np.float32)
    N = (sparse.diags(d) @ A @ sparse.diags(d)).tocsr()
    k = max(1, min(dims, n - 1))
    if N.nnz == 0 or n < 3:
        return np.zeros((n, k), dtype=np.float32)
    U, S, _ = randomized_svd(N, n_components=k, n_iter=n_iter, random_state=seed)
    E = (U * np.sqrt(S)[None, :]).astype(np.float32)
    norms = np.linalg.norm(E, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return E / norms
