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


def test_standard_hybrid_features_follow_their_definitions(proj):
    """std_aa is the standard Adamic–Adar (projects shared with the partners on board, each
    weighted 1/log of its core size), hyb the standard blend, the ranks places among the candidates."""
    seeds = idx(proj, "o-thi", "o-kanal")
    q = Query(text="automatic subtitles speech recognition", seeds=seeds, topic="HORIZON-CL4-2022-HUMAN-01-01")
    c = ltr.candidates(proj, "partners", q, pool_of(proj))
    f = c.features
    cons = proj.consortium.toarray()
    w = 1.0 / np.log(np.maximum(cons.sum(axis=0), 2.0))
    for j, a in enumerate(c.index):
        assert f["std_aa"][j] == pytest.approx(sum((cons[s] * cons[a] * w).sum() for s in seeds), abs=1e-5)
    assert f["std_aa_rel"].max() == pytest.approx(1.0)
    assert f["std_aa_rank"][np.argmax(f["std_aa"])] == 1.0
    projects = proj.n_projects[c.index] / proj.n_projects[c.index].max()
    expected = 0.5 * f["text_lex_rel"] + 0.5 * f["std_aa_rel"] + 0.05 * projects
    assert np.allclose(f["hyb"], expected, atol=1e-5)
    assert f["hyb_rank"][np.argmax(expected)] == 1.0
    assert set(ltr_data.STANDARD) <= set(ltr_data.FEATURES["partners"])
    assert "std_aa" in ltr.candidates(proj, "organisation", Query(seeds=seeds), pool_of(proj)).features


def test_last_ties_count_the_partners_newest_projects_a_candidate_shared(proj):
    seeds = idx(proj, "o-thi")
    cand = np.array(idx(proj, "o-sprach", "o-verlag", "o-paris", "o-bild"))
    f = ltr_features._pair(proj, seeds, cand, None)
    cons = proj.consortium.toarray()
    month = ltr_data._extras(proj)["project_month"]
    own = np.flatnonzero(cons[seeds[0]])
    newest = own[np.argsort(-month[own], kind="stable")[:ltr_data.LAST_PROJECTS]]
    for j, a in enumerate(cand):
        assert f["last_ties"][j] == cons[a, newest].sum()
        assert f["last_ties"][j] <= (cons[seeds[0]] * cons[a]).sum()  # at most every project shared
    assert f["last_ties"].max() >= 1  # TH Isar's newest projects had partners among these


def test_blended_features_give_their_share_to_the_evidence_they_blend(proj):
    """A model that scores by the blend alone: the reasons name text and shared projects, not 'hyb'."""
    names = ltr_data.FEATURES["partners"]

    class Blend(_Stump):
        def predict(self, X, pred_contrib=False, **_options):
            h = self.names.index("hyb")
            if pred_contrib:
                out = np.zeros((len(X), len(self.names) + 1))
                out[:, h] = X[:, h]
                return out
            return X[:, h]

    model = ltr.TaskModel("partners", names, Blend(list(names)))
    seeds = idx(proj, "o-thi", "o-kanal")
    r = ltr.score(proj, Query(text="automatic subtitles speech recognition", seeds=seeds), pool_of(proj), model=model)
    best = int(r.candidates.index[np.argmax(r.model_scores)])
    part = r.contributions([best])[0]
    assert "hyb" not in part and sum(part.values()) == pytest.approx(r.scores[best], abs=1e-5)
    feats = r.features_of(best)
    assert part.get("text_lex", 0.0) == pytest.approx(0.5 * feats["text_lex_rel"], abs=1e-5)
    assert part.get("std_aa", 0.0) == pytest.approx(0.5 * feats["std_aa_rel"], abs=1e-5)
    shares = reasons.signal_shares(part, 1.0)
    assert set(shares) <= {"text", "repeat_partner", "experience"} and shares


def test_the_blend_with_the_standard_hybrid_is_part_of_the_score_and_of_its_reasons(proj):
    names = ltr_data.FEATURES["partners"]
    plain = ltr.TaskModel("partners", names, _Stump(list(names)))
    fused = ltr.TaskModel("partners", names, _Stump(list(names)), {"blend_weight": 2.0})
    seeds = idx(proj, "o-thi", "o-kanal")
    q = Query(text="automatic subtitles speech recognition", seeds=seeds)
    a = ltr.score(proj, q, pool_of(proj), model=plain)
    b = ltr.score(proj, q, pool_of(proj), model=fused)
    place = b.candidates.features["hyb_rank"]
    assert np.allclose(b.model_scores, a.model_scores + 2.0 / place, atol=1e-5)  # reciprocal-rank fusion
    best = int(b.candidates.index[np.argmax(b.model_scores)])
    part = b.contributions([best])[0]
    assert sum(part.values()) == pytest.approx(b.scores[best], abs=1e-5)
    assert "hyb_rank" not in part  # given to text, shared projects and projects
