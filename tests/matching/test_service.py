"""Recommendations on the fictional graph: what a member would notice on the pages."""
import pytest

from kim_network.matching import recommenders as service
from kim_network.matching.types import MatchingError
from kim_network.core.visibility import ANONYMOUS, STAFF, Viewer, can_see

MEMBER = Viewer(role="member", account_id="acc-1", organization_id="o-kanal")


def ids(recs):
    return [r.id for r in recs]


def mentioned(rec):
    data = [r.data for r in rec.reasons]
    return {i for d in data for key in ("partners", "projects") for i in d.get(key, [])}


def test_partners_offer_what_the_organisation_needs_not_lookalikes(proj):
    recs = service.partners_for_organization(proj, "o-kanal", k=5)
    assert "o-kanal" not in ids(recs)
    assert ids(recs).index("o-sprach") < 3
    # Frankenfernsehen offers the same (broadcast) and needs the same: a competitor, not a partner.
    assert "o-franken" not in ids(recs)[:3]
    sprach = next(r for r in recs if r.id == "o-sprach")
    kinds = {r.kind for r in sprach.reasons}
    assert "offers" in kinds
    text = " ".join(r.text_de for r in sprach.reasons)
    assert "Untertitelung" in text or "Spracherkennung" in text
    assert any("subtitl" in r.text_en.lower() or "speech" in r.text_en.lower() for r in sprach.reasons)


def test_partner_reasons_show_reciprocity_and_mutual_partners(proj):
    recs = service.partners_for_organization(proj, "o-kanal", k=5)
    sprach = next(r for r in recs if r.id == "o-sprach")
    by_kind = {r.kind: r for r in sprach.reasons}
    assert "reciprocal" in by_kind and "broadcast" in by_kind["reciprocal"].data["skills"]
    assert by_kind["mutual_partners"].data["partners"] == ["o-thi"]
    assert 0 < sum(r.share for r in sprach.reasons) <= 1.0001
    assert 0 <= sprach.score <= 1


def test_hidden_and_pending_profiles_never_appear_nor_are_named(proj):
    for viewer in (ANONYMOUS, MEMBER):
        for rec in service.partners_for_project_idea(proj, "subtitles speech recognition", k=20, viewer=viewer):
            node = proj.actor_nodes[proj.actor_index[rec.id]]
            assert can_see(viewer, rec.label, node)
            assert "o-offen" != rec.id
            assert "p-geheim" not in mentioned(rec)
    anonymous = ids(service.partners_for_project_idea(proj, "subtitles speech recognition", k=20))
    assert "o-geheim" not in anonymous
    staff = ids(service.partners_for_project_idea(proj, "subtitles speech recognition", k=20, viewer=STAFF))
    assert "o-geheim" in staff and "o-offen" in staff


def test_mutual_partner_hidden_from_viewer_is_not_named(proj):
    # Sous-Titres SA worked with Geheimlabor (members only), which worked with Isarkanal in a
    # staff-only project: anonymous visitors see neither, members see the lab but not the project.
    paris = next(r for r in service.partners_for_organization(proj, "o-kanal", k=10, viewer=MEMBER) if r.id == "o-paris")
    assert "o-geheim" in mentioned(paris) and "p-geheim" not in mentioned(paris)
    for rec in service.partners_for_organization(proj, "o-kanal", k=10, viewer=ANONYMOUS):
        assert "o-geheim" not in mentioned(rec) and "p-geheim" not in mentioned(rec)
        assert "Geheim" not in " ".join(r.text_de + r.text_en for r in rec.reasons)


def test_feedback_hide_removes_not_relevant_demotes_useful_promotes_similar(proj):
    before = service.partners_for_organization(proj, "o-kanal", k=8)
    assert "o-sprach" in ids(before)
    hidden = service.partners_for_organization(proj, "o-kanal", k=8,
                                               feedback=[{"target": "o-sprach", "value": "hide"}])
    assert "o-sprach" not in ids(hidden)
    demoted = service.partners_for_organization(proj, "o-kanal", k=8,
                                                feedback=[{"target": "o-sprach", "value": "not_relevant"}])
    assert ids(demoted)[0] != "o-sprach" and ids(before)[0] == "o-sprach"
    assert "o-sprach" not in ids(demoted)[:3]
    liked = service.partners_for_organization(proj, "o-kanal", k=8,
                                              feedback=[{"target": "o-paris", "value": "useful"}])
    score = {r.id: r.score for r in before}
    score_liked = {r.id: r.score for r in liked}
    assert score_liked["o-paris"] > score["o-paris"]
    with pytest.raises(MatchingError):
        service.partners_for_organization(proj, "o-kanal", feedback=[{"target": "o-sprach", "value": "love"}])


def test_sme_and_newcomer_boosts_are_visible(proj):
    plain = service.partners_for_project_idea(proj, "automatic subtitling", k=10)
    boosted = service.partners_for_project_idea(proj, "automatic subtitling", k=10, newcomer_boost=0.5, sme_boost=0.2)
    assert ids(boosted).index("o-neu") < ids(plain).index("o-neu") if "o-neu" in ids(plain) else "o-neu" in ids(boosted)
    neu = next(r for r in boosted if r.id == "o-neu")
    assert {"newcomer_boost", "sme_boost"} <= {r.kind for r in neu.reasons}


def test_similar_organisations_are_peers_kept_apart_from_partners(proj):
    peers = service.similar_organizations(proj, "o-kanal", k=3)
    assert ids(peers)[0] == "o-franken"
    assert "o-kanal" not in ids(peers)
    assert peers[0].reasons[0].kind == "shared_skills"


def test_project_idea_in_german_adds_what_the_team_lacks(proj):
    recs = service.partners_for_project_idea(proj, "Automatische Untertitelung und Spracherkennung für Nachrichten", k=5)
    assert set(ids(recs)[:3]) & {"o-sprach", "o-thi-sprache", "o-thi", "o-paris"}
    team = service.partners_for_project_idea(proj, "Faktenprüfung und Untertitelung", skills=["factcheck", "subtitles"],
                                             partners=["o-sprach"], k=5)
    assert "o-sprach" not in ids(team)
    assert ids(team)[0] == "o-fakt"  # subtitles are covered already, fact checking is not
    gap = next(r for r in team[0].reasons if r.kind == "covers_gap")
    assert gap.data["skills"] == ["factcheck"] and "Faktenprüfung" in gap.text_de


def test_institution_departments_do_not_fill_the_list(proj):
    recs = service.partners_for_project_idea(proj, "speech recognition subtitles computer vision", k=5, viewer=STAFF)
    thi = [r for r in recs if r.name.startswith("Technische Hochschule Isar")]
    assert len(thi) <= 2


def test_constraints_filter_and_unmeetable_constraints_give_empty_result(proj):
    smes = service.partners_for_project_idea(proj, "subtitles", k=10, constraints={"sme": True})
    assert smes and all(proj.sme[proj.actor_index[r.id]] for r in smes)
    bavarian = service.partners_for_project_idea(proj, "subtitles", k=10, constraints={"regions": ["DE2"]})
    assert "o-paris" not in ids(bavarian) and bavarian
    assert service.partners_for_project_idea(proj, "subtitles", k=10, constraints={"regions": ["XX"]}) == []
    assert "o-sprach" not in ids(service.partners_for_project_idea(proj, "subtitles", constraints={"exclude": ["o-sprach"]}))


@pytest.mark.parametrize("call, message", [
    (lambda p: service.partners_for_organization(p, "nope"), "unknown organisation"),
    (lambda p: service.partners_for_organization(p, "per-anna"), "is not a Organization"),
    (lambda p: service.partners_for_organization(p, "o-kanal", k=0), "k must be"),
    (lambda p: service.partners_for_organization(p, "o-kanal", k=1000), "k must be"),
    (lambda p: service.partners_for_organization(p, "o-kanal", k="5"), "k must be"),
    (lambda p: service.partners_for_project_idea(p, "   "), "describe the project idea"),
    (lambda p: service.partners_for_project_idea(p, "x", partners=["o-nope"]), "unknown partner"),
    (lambda p: service.partners_for_project_idea(p, "x", skills=["no-such-skill"]), "unknown skill"),
    (lambda p: service.partners_for_project_idea(p, 42), "must be text"),
    (lambda p: service.partners_for_project_idea(p, "x", constraints={"colour": "red"}), "unknown constraint"),
    (lambda p: service.partners_for_organization(p, "o-geheim"), "unknown organisation"),
])
def test_bad_input_is_a_clear_matching_error(proj, call, message):
    with pytest.raises(MatchingError, match=message):
        call(proj)


def test_unknown_partners_can_be_ignored_with_a_warning(proj):
    warnings = []
    recs = service.partners_for_project_idea(proj, "subtitles", partners=["o-nope", "o-sprach"], ignore_unknown=True,
                                             warnings=warnings)
    assert recs and "o-nope" in warnings[0] and "o-sprach" not in ids(recs)


def test_researcher_finds_media_companies_that_need_their_skills(proj):
    recs = service.collaborators_for_researcher(proj, "per-anna", k=5)
    assert recs and ids(recs)[0] == "o-kanal"
    assert all(proj.kind[proj.actor_index[r.id]] == "media_company" for r in recs)
    assert "o-thi" not in ids(recs)


def test_media_company_finds_researchers_for_its_needs(proj):
    recs = service.researchers_for_needs(proj, "o-kanal", k=5)
    assert ids(recs)[0] == "per-anna"
    assert all(r.label == "Person" for r in recs)
    assert any(r.kind in ("offers", "inferred_skills") for r in recs[0].reasons)
    with pytest.raises(MatchingError, match="no recorded needs"):
        service.researchers_for_needs(proj, "o-bild")


def test_recommendations_serialise_to_json(proj):
    import json

    rec = service.partners_for_organization(proj, "o-kanal", k=1)[0]
    data = json.loads(json.dumps(rec.as_dict()))
    assert {"id", "label", "score", "reasons", "name"} <= set(data)
    assert {"kind", "text_de", "text_en", "share", "data"} <= set(data["reasons"][0])


def test_skills_named_in_a_german_idea_are_matched_by_name(proj):
    recs = service.partners_for_project_idea(proj, "Wir suchen Hilfe bei der Faktenprüfung", k=3)
    assert recs[0].id == "o-fakt"
    reason = next(r for r in recs[0].reasons if r.kind == "offers")
    assert "factcheck" in reason.data["skills"] and "Fact checking" in reason.text_en


def test_an_empty_profile_gets_a_clear_message_not_random_partners():
    from kim_network.matching.projection_build import build_projection

    nodes, edges = __import__("tests.matching.fixtures", fromlist=["graph"]).graph()
    nodes = nodes + [("Organization", {"id": "o-leer", "name": "Leer GmbH", "kind": "company", "visibility": "public"}),
                     ("Organization", {"id": "o-text", "name": "Nur Text GmbH", "kind": "company", "visibility": "public",
                                       "description": "Wir bauen automatische Untertitel für Fernsehsender."})]
    proj = build_projection(nodes, edges, text_dims=8)
    with pytest.raises(MatchingError, match="nothing to match on"):
        service.partners_for_organization(proj, "o-leer")
    # A description alone declares no need or offer and shows no project: a list would be
    # the most active organisations, not partners.
    with pytest.raises(MatchingError, match="nothing to match on"):
        service.partners_for_organization(proj, "o-text")


def test_an_organisation_whose_projects_had_no_partners_gets_partners_from_its_kind_of_projects():
    """A single-beneficiary grant shows the calls an organisation applies to: it is matched on
    those (the organisation-only model), not told that there is nothing to match on."""
    from kim_network.matching.projection_build import build_projection

    nodes, edges = __import__("tests.matching.fixtures", fromlist=["graph"]).graph()
    nodes = nodes + [("Organization", {"id": "o-solo", "name": "Solo Medienlabor GmbH", "kind": "company",
                                       "visibility": "public", "country": "DE"}),
                     ("Project", {"id": "p-solo", "title": "Speech recognition for regional dialects",
                                  "signed_date": "2023-03-01", "visibility": "public",
                                  "topic": "HORIZON-CL4-2022-HUMAN-01-01"})]
    edges = edges + [{"type": "PARTICIPATED_IN", "source": "o-solo", "target": "p-solo", "role": "coordinator"}]
    proj = build_projection(nodes, edges, text_dims=8)
    i = proj.actor_index["o-solo"]
    assert proj.n_projects[i] == 1 and not proj.collab[i].nnz
    recs = service.partners_for_organization(proj, "o-solo", k=5)
    assert recs and "o-solo" not in {r.id for r in recs}
