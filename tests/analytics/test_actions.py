"""Suggested bridging introductions and members worth reaching out to."""
from datetime import date

from kim_network.analytics import actions, network
from kim_network.analytics.ecosystem import build_ecosystem
from kim_network.core.visibility import STAFF, Viewer

from .ecosystem_data import ecosystem_records


def _suggestions(viewer=STAFF):
    eco = build_ecosystem(*ecosystem_records(), viewer)
    found = network.communities(eco.graph)
    return eco, found, actions.bridging_introductions(eco, found)


def test_media_smes_are_introduced_to_research_that_covers_their_needs():
    eco, found, rows = _suggestions()
    assert rows
    for row in rows:
        assert found[row["seeker"]] != found[row["provider"]]
        assert set(row["skills"]) <= eco.needs[row["seeker"]] & eco.offers.get(row["provider"], set())
        kinds = [r["kind"] for r in row["reasons"]]
        assert kinds[0] == "complementary_skills" and "bridge" in kinds
        assert all(r["text_de"] and r["text_en"] and r["text_de"] != r["text_en"] for r in row["reasons"])
        assert abs(sum(r["share"] for r in row["reasons"]) - 1.0) < 0.01
    assert any(eco.nodes[r["provider"]]["kind"] in ("university", "research_institute")
               and eco.nodes[r["seeker"]]["kind"] == "media_company" for r in rows)
    scores = [r["score"] for r in rows]
    assert scores == sorted(scores, reverse=True)


def test_no_suggestion_repeats_an_existing_request_or_tie():
    eco, found, rows = _suggestions()
    pairs = {(r["seeker"], r["provider"]) for r in rows}
    assert ("Organization:med-1", "Organization:res-1") not in pairs  # already asked
    for seeker, provider in pairs:
        assert eco.partners[eco.member_index[seeker], eco.member_index[provider]] == 0


def test_each_member_appears_at_most_twice():
    _, _, rows = _suggestions()
    from collections import Counter
    counts = Counter([r["seeker"] for r in rows] + [r["provider"] for r in rows])
    assert max(counts.values()) <= 2


def test_hidden_provider_is_never_suggested_to_members():
    _suggestions(STAFF)
    _, _, member_rows = _suggestions(Viewer(role="member", account_id="acc-9"))
    assert all("secret-lab" not in r["provider"] for r in member_rows)
    assert all("secret-lab" not in r["seeker"] for r in member_rows)


def test_outreach_names_isolated_stale_and_unmet():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    rows = actions.outreach_candidates(eco, today=date(2026, 1, 1))
    by_key = {r["key"]: r for r in rows}
    loner = [r["kind"] for r in by_key["Organization:loner"]["reasons"]]
    assert loner[:2] == ["isolated", "stale"]
    assert rows[0]["key"] == "Organization:loner"
    unmet = [r for r in rows if any(x["kind"] == "unmet_needs" for x in r["reasons"])]
    assert unmet and all("Untertitelung" in x["text_de"] for r in unmet for x in r["reasons"] if x["kind"] == "unmet_needs")
    fresh = actions.outreach_candidates(eco, today=date(2025, 7, 1))
    assert not any(x["kind"] == "stale" for r in fresh if r["key"].startswith("Organization:res") for x in r["reasons"])


def test_imported_records_are_not_called_stale():
    eco = build_ecosystem(
        [("Organization", {"id": "cordis-1", "name": "Imported", "kind": "company", "source": "cordis",
                           "created_at": "2021-01-01"})], [])
    rows = actions.outreach_candidates(eco, today=date(2026, 1, 1))
    assert [x["kind"] for x in rows[0]["reasons"]] == ["isolated"]


def test_a_bridge_staff_started_between_the_two_ends_the_suggestion():
    nodes, edges = ecosystem_records()
    eco = build_ecosystem(nodes, edges, STAFF)
    found = network.communities(eco.graph)
    first = actions.bridging_introductions(eco, found)[0]
    # Staff introduced the two (a three-way bridge: the seeker is requester_org, the provider target_org).
    nodes = nodes + [("Introduction", {
        "id": "intro-bridge", "requester_account": "acc-staff", "requester_org": first["seeker"].split(":", 1)[1],
        "target_org": first["provider"].split(":", 1)[1], "route": "bridge", "status": "requested",
        "created_at": "2025-02-01"})]
    eco = build_ecosystem(nodes, edges, STAFF)
    pairs = {(r["seeker"], r["provider"]) for r in actions.bridging_introductions(eco, found)}
    assert (first["seeker"], first["provider"]) not in pairs


def test_bridging_reasons_are_plain_language_without_community_numbers():
    nodes, edges = ecosystem_records()
    eco = build_ecosystem(nodes, edges, STAFF)
    rows = actions.bridging_introductions(eco, network.communities(eco.graph))
    texts = [r[key] for row in rows for r in row["reasons"] for key in ("text_de", "text_en")]
    assert texts and not any("ommunit" in t or "Gemeinschaft " in t for t in texts)
    bridge = next(r for r in rows[0]["reasons"] if r["kind"] == "bridge")
    assert "Teilen des Netzwerks" in bridge["text_de"] and "parts of the network" in bridge["text_en"]
