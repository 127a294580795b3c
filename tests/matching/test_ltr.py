"""The two-stage ranker on the fictional graph: candidates, features by their definitions, scores, parts."""
import numpy as np
import pytest

from kim_network.matching import ltr, ltr_data, ltr_features, reasons, signals
from kim_network.matching.rank import Query


def idx(proj, *ids):
    return [proj.actor_index[i] for i in ids]


def pool_of(proj):
    return proj.actor_label == "Organization"


def test_basket_signals_are_the_graph_indices_summed_over_the_partners(proj):
    seeds = idx(proj, "o-thi", "o-kanal")
    b = ltr.basket_signals(proj, seeds)
    assert np.allclose(b.aa, signals.adamic_adar(proj.collab, seeds), atol=1e-5)
    assert np.allclose(b.ra, signals.resource_allocation(proj.collab, seeds), atol=1e-5)
    assert np.allclose(b.direct, signals.direct_ties(proj.collab, seeds))
    assert np.allclose(b.ease, proj.ease.scores(seeds))
    assert np.allclose(b.rp3, np.asarray(proj.rp3[seeds].sum(axis=0)).ravel())
    assert np.all(b.emb <= 1.0001)


def test_pair_features_follow_their_definitions(proj):
    seeds = idx(proj, "o-thi", "o-kanal", "o-fakt")
    cand = np.array(idx(proj, "o-sprach", "o-verlag", "o-paris", "o-bild"))
    f = ltr_features._pair(proj, seeds, cand, "HORIZON-CL4-2022-HUMAN-01-01")
    collab = proj.collab.toarray()
    b = (collab > 0).astype(float)
    deg = b.sum(axis=1)
    w = np.where(deg > 1, 1 / np.log(np.maximum(deg, 2)), 0)
    cons, coord = proj.consortium.toarray(), proj.coordinated.toarray()
    for j, c in enumerate(cand):
        assert f["tie_max"][j] == max(collab[s, c] for s in seeds)
        assert f["tied"][j] == pytest.approx(sum(collab[s, c] > 0 for s in seeds) / 3)
        assert f["aa_max"][j] == pytest.approx(max((b[s] * b[c] * w).sum() for s in seeds), abs=1e-5)
        assert f["coord_ties"][j] == sum((coord[s] * cons[c]).sum() for s in seeds)
        assert f["led_by"][j] == sum((cons[s] * coord[c]).sum() for s in seeds)
        assert f["family_ties"][j] == sum((cons[s] * cons[c]).sum() for s in seeds)  # one family in the fixture
    sprach = 0
    assert f["tie_max"][sprach] == 1 and f["coord_ties"][sprach] == 1  # TH Isar coordinated p-dialekt with it


def test_candidates_are_the_union_of_each_signals_best_and_never_a_partner(proj):
    seeds = idx(proj, "o-kanal")
    q = Query(text="automatic subtitles speech recognition", seeds=seeds)
    pool = pool_of(proj)
    c = ltr.candidates(proj, "partners", q, pool, per_signal=2)
    assert seeds[0] not in set(c.index.tolist())
    assert set(c.index.tolist()) <= set(np.flatnonzero(pool).tolist())
    text = ltr.text_signals(proj, q)
    best_text = ltr.top_of(text.text_knn, np.flatnonzero(pool & (np.arange(proj.n_actors) != seeds[0])), 2)
    assert set(best_text.tolist()) <= set(c.index.tolist())
    for name in ltr_data.FEATURES["partners"]:
        assert len(c.features[name]) == len(c.index)
    rel = c.features["text_knn_rel"]
    assert rel.max() == pytest.approx(1.0) or not c.features["text_knn"].any()


def test_each_task_reads_only_its_inputs(proj):
    seeds = idx(proj, "o-kanal")
    pool = pool_of(proj)
    org = ltr.candidates(proj, "organisation", Query(text="subtitles", skills={0: 1.0}, seeds=seeds, topic="X-1"), pool)
    assert not any(name in org.features for name in ltr_data.TEXT)  # no text, even when one was passed in
    assert not set(ltr_data.FEATURES["organisation"]) & set(ltr_data.TEXT + ("text_graph", "family_exp", "kind_fit"))
    idea = ltr.candidates(proj, "idea", Query(text="subtitles"), pool)
    assert "aa" not in idea.features and "tie_max" not in idea.features
    assert ltr.task_for(Query(skills={1: 1.0}, seeds=seeds)) == "partners"


def test_project_query_reads_the_cordis_fields(proj):
    q, unknown = ltr.project_query(proj, {"title": "Automatic subtitles", "euroscivoc": ["Speech recognition", "nope"],
                                          "topic": "HORIZON-CL4-2024-HUMAN-01-05"}, idx(proj, "o-kanal"))
    assert "Automatic subtitles" in q.text and "Speech recognition" in q.text
    assert q.skills == {proj.skill_index["asr"]: 1.0} and unknown == ["nope"]
    assert q.topic == "HORIZON-CL4-2024-HUMAN-01-05" and q.seeds == idx(proj, "o-kanal")
    named, _ = ltr.project_query(proj, {"objective": "Wir brauchen Faktenprüfung"})
    assert proj.skill_index["factcheck"] in named.skills  # skills named in the text stand in


def test_score_puts_candidates_first_and_partners_never(proj):
    seeds = idx(proj, "o-kanal")
    pool = pool_of(proj)
    r = ltr.score(proj, Query(text="automatic subtitles", seeds=seeds), pool)
    assert r.scores[seeds[0]] == -np.inf
    assert np.all(r.scores[~pool] == -np.inf)
    outside = np.setdiff1d(np.flatnonzero(pool), np.concatenate([r.candidates.index, seeds]))
    if len(outside) and len(r.candidates.index):
        assert r.scores[outside].max() < r.scores[r.candidates.index].min()
    many = ltr.score_many(proj, [Query(text="automatic subtitles", seeds=seeds), Query(seeds=seeds),
                                 Query(text="fact checking")], pool)
    assert [m.task for m in many] == ["partners", "organisation", "idea"]
    assert np.allclose(many[0].scores[np.isfinite(many[0].scores)], r.scores[np.isfinite(r.scores)])


class _Stump:
    """A LightGBM-like model for tests: score = sum of two features; contributions exact."""

    def __init__(self, names):
        self.names = names

    def predict(self, X, pred_contrib=False, **_options):
        a, b = self.names.index("text_knn"), self.names.index("aa")
        if pred_contrib:
            out = np.zeros((len(X), len(self.names) + 1))
            out[:, a], out[:, b] = X[:, a], X[:, b]
            return out
        return X[:, a] + X[:, b]


def test_contributions_add_up_to_the_model_score_and_group_into_reasons(proj):
    names = ltr_data.FEATURES["partners"]
    model = ltr.TaskModel("partners", names, _Stump(list(names)))
    seeds = idx(proj, "o-thi")
    r = ltr.score(proj, Query(text="speech recognition subtitles", seeds=seeds), pool_of(proj), model=model)
    best = int(r.candidates.index[np.argmax(r.model_scores)])
    part = r.contributions([best])[0]
    assert sum(part.values()) == pytest.approx(r.scores[best], abs=1e-5)
    shares = reasons.signal_shares(part, 1.0)
    assert set(shares) <= {"text", "network"} and sum(shares.values()) == pytest.approx(1.0, abs=1e-3)
    outside = [a for a in np.flatnonzero(pool_of(proj)) if a not in set(r.candidates.index.tolist()) | set(seeds)]
    for a in outside[:3]:  # outside the candidates: the stage-1 signals are the parts
        assert sum(r.contributions([a])[0].values()) == pytest.approx(r.candidates.first_stage[a], abs=1e-6)
