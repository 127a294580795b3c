"""The reference methods of issue 11 compute exactly what the issue defines."""
import numpy as np
from scipy import sparse

from kim_network.core.model import Label
from kim_network.importers.cordis import read_cordis
from kim_network.matching import baselines as B

from .cordis_fixture import write

TEXTS = ["speech recognition for broadcast subtitles", "speech recognition for dialects",
         "battery recycling and materials", "fact checking for newsrooms", "subtitles for television news",
         "battery materials for cars"]
# organisations × projects
M = sparse.csr_matrix(np.array([
    [1, 1, 0, 0, 1, 0],   # 0: speech
    [1, 0, 0, 0, 1, 0],   # 1: subtitles
    [0, 0, 1, 0, 0, 1],   # 2: batteries
    [0, 0, 0, 1, 0, 0],   # 3: fact checking
    [0, 1, 0, 0, 0, 0],   # 4: dialects
    [0, 0, 0, 0, 0, 0],   # 5: no training project
], dtype=np.float32))


def corpus():
    ids = [f"o{i}" for i in range(6)]
    return B.Corpus(ids, {o: i for i, o in enumerate(ids)}, [f"p{j}" for j in range(6)], TEXTS, M)


def test_standard_hybrid_is_the_formula_of_the_issue():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    h = B.StandardHybrid(corpus(), min_df=1)  # min_df=2 would leave this tiny corpus almost empty
    assert h.vectorizer.sublinear_tf and h.vectorizer.max_df == 0.5 and h.vectorizer.stop_words == "english"
    assert h.vectorizer.max_features == 200000
    vec = TfidfVectorizer(sublinear_tf=True, min_df=1, max_df=0.5, stop_words="english", max_features=200000)
    X = vec.fit_transform(TEXTS)
    profiles = normalize(M @ X)
    query = "speech recognition subtitles"
    text = (profiles @ vec.transform([query]).T).toarray().ravel()
    size = np.asarray(M.sum(axis=0)).ravel()
    Md = M.toarray()
    A = Md @ np.diag(1 / np.log(np.maximum(size, 2))) @ Md.T
    np.fill_diagonal(A, 0)
    partners = [4]
    graph = A[partners].sum(axis=0)
    projects = np.asarray(M.sum(axis=1)).ravel()
    cand = (projects > 0) & (np.arange(6) != 4)
    expected = 0.5 * text / text[cand].max() + 0.5 * graph / graph[cand].max() + 0.05 * projects / projects[cand].max()
    got = h.scores(query, partners)
    assert np.allclose(got[cand], expected[cand], atol=1e-6)
    assert not h.candidates(partners)[4] and not h.candidates(partners)[5]  # partners and no-history excluded
    best = np.flatnonzero(cand)[np.argmax(got[cand])]
    assert best == 0  # the speech organisation that worked with the dialect partner


def test_ease_baseline_uses_organisations_with_two_projects():
    e = B.EASE(M, lam=1.0)
    assert sorted(e.items.tolist()) == [0, 1, 2]
    s = e.scores([1])
    assert s[0] > 0 and s[3] == 0 and s[4] == 0  # 3 and 4 have one project each: not items
    assert B.EASE(M, lam=1.0, min_projects=1).scores([4])[0] > 0


def test_rp3beta_baseline_scores_the_basket():
    r = B.RP3Beta(M, alpha=1.0, beta=0.0, top_k=None)
    s = r.scores([4])
    assert s[0] > 0 and s[2] == 0
    assert np.allclose(B.RP3Beta(M, 0.5, 0.3, None).scores([0, 1]),
                       B.RP3Beta(M, 0.5, 0.3, None).scores([0]) + B.RP3Beta(M, 0.5, 0.3, None).scores([1]))


def test_corpus_from_records_respects_the_cut_off(tmp_path):
    records = read_cordis(write(tmp_path / "cordis"))
    c = B.corpus_from_records(records, "2023-12-31")
    dates = {p["id"]: p["signed_date"] for p in records.nodes[Label.PROJECT]}
    assert all(dates[p] <= "2023-12-31" for p in c.project_ids)
    assert c.incidence.shape == (len(c.org_ids), len(c.project_ids)) and c.incidence.max() == 1
    # the text holds the euroSciVoc titles too
    assert any("speech recognition" in t for t in c.texts)
