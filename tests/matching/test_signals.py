"""Set completion, random walks and graph embeddings on tiny hand-built graphs.

Each signal is checked against its definition written out by hand (or a brute-force
computation), so a faster implementation cannot silently change what it computes.
"""
import numpy as np
import pytest
from scipy import sparse

from kim_network.matching import signals
from kim_network.matching.ease import build_ease

# Five projects (rows) of five organisations (columns): 0-1-2 often together, 3-4 apart,
# 2 bridges to 3 once.
X = sparse.csr_matrix(np.array([
    [1, 1, 1, 0, 0],
    [1, 1, 0, 0, 0],
    [0, 1, 1, 0, 0],
    [0, 0, 1, 1, 0],
    [0, 0, 0, 1, 1],
], dtype=np.float32))


def test_ease_is_the_closed_form_of_steck():
    lam = 2.0
    B = signals.ease_weights(X, lam, dtype=np.float64)
    G = (X.T @ X).toarray().astype(np.float64) + lam * np.eye(5)
    P = np.linalg.inv(G)
    expected = -P / np.diag(P)[None, :]
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(B, expected, atol=1e-9)
    # float32 (what the projection keeps) agrees closely
    assert np.allclose(signals.ease_weights(X, lam), expected, atol=1e-5)
    # B minimises ||X - XB||² + λ||B||² with a zero diagonal: no item predicts itself
    assert np.all(np.diag(B) == 0)


def test_ease_completes_a_basket_with_its_usual_companions():
    B = signals.ease_weights(X, 1.0)
    basket_01 = B[[0, 1]].sum(axis=0)
    assert int(np.argmax(np.where([0, 0, 1, 1, 1], basket_01, -np.inf))) == 2  # 2, not the far 3 or 4
    assert B[3, 4] > B[3, 0]  # 3 and 4 worked together, 3 and 0 never


def test_ease_restricted_to_the_most_active_items():
    consortium = X.T.tocsr()  # actors × projects, as the projection holds it
    model = build_ease(consortium, lam=1.0, min_projects=2, max_items=3)
    counts = np.asarray(consortium.sum(axis=1)).ravel()
    assert len(model.items) == 3 and set(model.items) <= set(np.flatnonzero(counts >= 2))
    scores = model.scores([0])
    outside = [a for a in range(5) if a not in set(model.items)]
    assert all(scores[a] == 0 for a in outside)
    rows = model.rows([0, 4], [1, 2, 4])
    assert rows.shape == (2, 3) and np.all(rows[1] == 0)  # 4 is not an item


def test_rp3beta_matches_its_definition():
    alpha, beta = 0.7, 0.4
    W = signals.rp3beta_weights(X, alpha=alpha, beta=beta, top_k=None).toarray()
    A = X.toarray().astype(np.float64)
    p_user_given_item = (A / A.sum(axis=0, keepdims=True)).T ** alpha   # item -> project
    p_item_given_user = (A / A.sum(axis=1, keepdims=True)) ** alpha     # project -> item
    expected = p_user_given_item @ p_item_given_user / A.sum(axis=0)[None, :] ** beta
    np.fill_diagonal(expected, 0.0)
    assert np.allclose(W, expected, atol=1e-6)


def test_rp3beta_top_k_and_normalisation():
    W = signals.rp3beta_weights(X, alpha=1.0, beta=0.0, top_k=1, normalize=True)
    assert np.all(np.diff(W.indptr) <= 1)
    sums = np.asarray(W.sum(axis=1)).ravel()
    assert np.allclose(sums[sums > 0], 1.0)


def test_p3alpha_ranks_companions_and_rp3beta_discounts_popularity():
    # 0 worked with the hub 1 (in every project) and with 2 once; the hub is the popular one.
    hub = sparse.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 1, 1], [0, 1, 0], [0, 1, 0]], dtype=np.float32))
    p3 = signals.rp3beta_weights(hub, alpha=1.0, beta=0.0, top_k=None).toarray()
    rp3 = signals.rp3beta_weights(hub, alpha=1.0, beta=1.0, top_k=None).toarray()
    assert p3[0, 1] > p3[0, 2]
    assert rp3[0, 1] / rp3[0, 2] < p3[0, 1] / p3[0, 2]


def test_spectral_embedding_separates_communities_and_leaves_isolated_nodes_at_zero():
    A = np.zeros((7, 7))
    A[:3, :3] = 1
    A[3:6, 3:6] = 1
    np.fill_diagonal(A, 0)
    A[2, 3] = A[3, 2] = 0.1  # a weak bridge
    E = signals.spectral_embedding(sparse.csr_matrix(A), dims=2)
    assert np.allclose(E[6], 0.0)  # node 6 has no ties
    assert E[0] @ E[1] > 0.9 and E[4] @ E[5] > 0.9
    assert E[0] @ E[5] < 0.5
    assert np.allclose(np.linalg.norm(E[:6], axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_keep_top_k_keeps_the_largest_of_each_row(k):
    M = sparse.random(6, 8, density=0.6, random_state=1, format="csr", dtype=np.float32)
    kept = signals.keep_top_k(M, k).toarray()
    dense = M.toarray()
    for r in range(6):
        nz = np.flatnonzero(dense[r])
        want = set(nz[np.argsort(-dense[r][nz], kind="stable")[:k]])
        assert set(np.flatnonzero(kept[r])) == want


def test_projection_builds_the_precomputed_signals(proj):
    assert proj.embedding.shape[0] == proj.n_actors
    assert proj.rp3.shape == (proj.n_actors, proj.n_actors)
    kanal, thi, fakt = (proj.actor_index[i] for i in ("o-kanal", "o-thi", "o-fakt"))
    # Isarkanal, TH Isar and the Faktenfinder Institut were in one project: mutual walk weight.
    assert proj.rp3[kanal, thi] > 0 and proj.rp3[thi, kanal] > 0
    assert proj.coordinated[kanal, proj.project_index["p-untertitel"]] == 1
    assert proj.coordinated[thi, proj.project_index["p-untertitel"]] == 0
    assert set(proj.build_timings) >= {"ease", "rp3", "embedding"}
    assert fakt in set(proj.ease.items) or proj.n_projects[fakt] < 2
