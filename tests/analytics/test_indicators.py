"""Members by kind and region, skill supply and demand, growth and the introduction funnel."""
import pytest

from kim_network.analytics import indicators
from kim_network.analytics.ecosystem import build_ecosystem
from kim_network.core.visibility import ANONYMOUS, STAFF

from .ecosystem_data import ecosystem_records


def test_regions_list_all_seven_regierungsbezirke():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    rows = dict(indicators.members_by_region(eco))
    assert list(rows)[:7] == ["DE21", "DE22", "DE23", "DE24", "DE25", "DE26", "DE27"]
    assert rows["DE26"] == 0  # empty districts are shown, not dropped
    assert rows["DE22"] == 1  # the members-only agency, seen by staff
    assert sum(rows.values()) == len(eco.members)


def test_kinds_count_what_the_viewer_may_see():
    staff = dict(((l, k), n) for l, k, n in indicators.members_by_kind(build_ecosystem(*ecosystem_records(), STAFF)))
    anon = dict(((l, k), n) for l, k, n in indicators.members_by_kind(build_ecosystem(*ecosystem_records(), ANONYMOUS)))
    assert staff[("Organization", "research_institute")] == anon[("Organization", "research_institute")] + 1  # secret lab
    assert staff[("Organization", "media_company")] == 9  # eight media SMEs and the loner, not the merged duplicate


def test_needs_that_few_offer_come_first():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    rows = indicators.skill_supply_demand(eco.offers, eco.needs)
    assert rows[0]["skill"] == "Skill:subtitles" and rows[0]["supply"] == 0
    gaps = [r["gap"] for r in rows]
    assert gaps == sorted(gaps, reverse=True)


def test_growth_by_year_and_month():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    years = indicators.growth(eco)
    assert [r["period"] for r in years] == sorted(r["period"] for r in years)
    assert years[-1]["members"] == sum(r["joined"] for r in years)
    assert sum(r["first_project"] for r in years) == len(eco.first_project)
    months = indicators.growth(eco, by="month")
    assert all(len(r["period"]) == 7 for r in months)
    with pytest.raises(ValueError):
        indicators.growth(eco, by="week")


def test_funnel_with_and_without_suggestions():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    f = indicators.introduction_funnel(eco.introductions)
    assert f["stages"] == {"suggested": None, "requested": 3, "accepted": 1, "declined": 1}
    assert f["open"] == 1
    f = indicators.introduction_funnel(eco.introductions, suggested=40)
    assert f["measured"] == ["suggested", "requested", "accepted", "declined"]
