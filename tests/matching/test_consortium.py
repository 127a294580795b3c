"""Consortium builder on the fictional graph: three different teams, rules checked, gaps named."""
import pytest

from kim_network.matching.consortium import build_consortia
from kim_network.matching.types import MatchingError
from kim_network.core.visibility import ANONYMOUS, can_see


def test_call_gives_alternative_teams_that_meet_its_rules(proj):
    teams = build_consortia(proj, "call-medien", n_alternatives=3)
    assert 2 <= len(teams) <= 3
    assert len({tuple(sorted(m.id for m in t.members)) for t in teams}) == len(teams)  # really different
    best = teams[0]
    assert best.eligible, best.eligibility
    assert 3 <= len(best.members) <= 5
    lead = [m for m in best.members if m.role == "lead"]
    assert len(lead) == 1 and lead[0].region.startswith("DE2")
    assert any(m.sme for m in best.members) and any(m.kind == "university" for m in best.members)
    assert set(best.covered) | set(best.gaps) == {"subtitles", "factcheck", "cv"}
    assert "factcheck" in best.covered  # only the Faktenfinder Institut offers it
    for member in best.members:
        assert member.reasons, member
        node = proj.actor_nodes[proj.actor_index[member.id]]
        assert can_see(ANONYMOUS, "Organization", node)


def test_requirements_dict_with_roles_partners_and_gaps(proj):
    teams = build_consortia(proj, {
        "skills": ["subtitles", "publishing"], "min_size": 2, "max_size": 3,
        "roles": [{"name": "Anwender", "kinds": ["media_company"], "skills": ["publishing"]}],
        "partners": ["o-sprach"],
    }, n_alternatives=2)
    team = teams[0]
    ids = [m.id for m in team.members]
    assert "o-sprach" in ids and next(m for m in team.members if m.id == "o-sprach").role in ("on_board", "lead")
    assert "o-verlag" in ids  # the only publisher, and the role needs a media company
    assert next(m for m in team.members if m.id == "o-verlag").role_name == "Anwender"
    assert team.gaps == [] and team.eligible


def test_rules_nobody_can_meet_are_reported_not_met(proj):
    teams = build_consortia(proj, {"skills": ["subtitles"], "min_size": 2, "max_size": 3, "lead_region": "AT"})
    rule = next(r for r in teams[0].eligibility if r["rule"] == "lead_region")
    assert rule["ok"] is False and rule["text_en"] == "Lead in Austria: not met"  # the region in words
    assert rule["text_de"] == "Konsortialführung in Österreich: nicht erfüllt"
    assert not teams[0].eligible


@pytest.mark.parametrize("spec, message", [
    ("no-such-call", "unknown call"),
    ({"skills": ["nope"]}, "unknown skill"),
    ({"skills": ["cv"], "min_size": 4, "max_size": 2}, "max_size must be at least"),
    ({"skills": ["cv"], "max_size": 99}, "max_size must be"),
    ({"skills": ["cv"], "partners": ["o-nope"]}, "unknown partner"),
    ({}, "required skills or a description"),
    ({"skills": ["cv"], "budget": 3}, "unknown requirement"),
    (42, "give a call id"),
])
def test_bad_requirements_are_clear_errors(proj, spec, message):
    with pytest.raises(MatchingError, match=message):
        build_consortia(proj, spec)


def test_constraints_nobody_meets_is_an_error(proj):
    with pytest.raises(MatchingError, match="no organisation meets"):
        build_consortia(proj, "call-medien", constraints={"regions": ["XX"]})
