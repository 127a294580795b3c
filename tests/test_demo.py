"""The demo ecosystem: deterministic, plausible, valid, and able to carry the three journeys."""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date

import pytest
from werkzeug.security import check_password_hash

from kim_network import demo

from kim_network.core import taxonomy
from kim_network.core.model import REGIERUNGSBEZIRKE, Label, Rel, validate_edge, validate_node


def _fake_hash(password: str) -> str:
    return f"plain:{password}"


@pytest.fixture(scope="module")
def data():
    return demo.generate(hash_password=_fake_hash)


def _by_id(data, label):
    return {n["id"]: n for n in data.nodes[label]}


def _skill_edges(data, rel, label=Label.ORGANIZATION):
    """skill -> set of node ids with that relationship to it."""
    out = defaultdict(set)
    for e in data.edges[rel]:
        if e.get("source_label", label.value) == label.value:
            out[e["target"]].add(e["source"])
    return out


def test_same_seed_same_data_other_seed_other_data(data):
    again = demo.generate(hash_password=_fake_hash)
    assert again.nodes == data.nodes and again.edges == data.edges
    other = demo.generate(seed=7, hash_password=_fake_hash)
    assert [o["name"] for o in other.nodes[Label.ORGANIZATION]] != [o["name"] for o in data.nodes[Label.ORGANIZATION]]


def test_counts_are_in_the_expected_ranges(data):
    counts = data.counts()
    assert 280 <= counts["Organization"] <= 320
    assert 550 <= counts["Person"] <= 700
    assert 110 <= counts["Project"] <= 130
    assert 20 <= counts["Event"] <= 30
    assert 5 <= counts["Call"] <= 8
    assert counts["Account"] == 3
    assert counts["WORKS_AT"] == counts["Person"]
    assert counts["LOCATED_IN"] == counts["Organization"]


def test_every_row_fits_the_model_and_every_edge_has_both_ends(data):
    ids = {label: {n["id"] for n in rows} for label, rows in data.nodes.items()}
    ids[Label.SKILL] = {s.id for s in taxonomy.SKILLS}
    for label, rows in data.nodes.items():
        for row in rows:
            validate_node(label, row)
    for rel, rows in data.edges.items():
        for row in rows:
            edge = validate_edge(rel, row)
            assert edge["source"] in ids[edge["source_label"]], (rel, row)
            assert edge["target"] in ids[edge["target_label"]], (rel, row)


def test_organisations_sit_in_bavaria_with_real_codes_and_fictional_contacts(data):
    orgs = data.nodes[Label.ORGANIZATION]
    regions = _by_id(data, Label.REGION)
    for org in orgs:
        assert org["region"] in REGIERUNGSBEZIRKE
        assert org["nuts3"].startswith(org["region"]) and regions[org["nuts3"]]["level"] == 3
        assert 47.2 < org["lat"] < 50.6 and 8.9 < org["lon"] < 13.9
        assert org["website"].startswith("https://www.") and org["website"].endswith(".example")
        assert org["contact_email"].endswith(".example")
        assert org["source"] == "demo" and org["description_de"] and org["description_en"]
    assert len({o["name"] for o in orgs}) == len(orgs)
    assert len({o["website"] for o in orgs}) == len(orgs)
    per_region = Counter(o["region"] for o in orgs)
    assert set(per_region) == set(REGIERUNGSBEZIRKE)
    assert per_region.most_common(1)[0][0] == "DE21"
    kinds = Counter(o["kind"] for o in orgs)
    assert {"media_company", "tech_provider", "university", "research_institute", "public_body"} <= set(kinds)
    assert 0.4 < sum(o["sme"] for o in orgs) / len(orgs) < 0.9
    assert Counter(o["visibility"] for o in orgs).most_common(1)[0][0] == "public"
    assert len({o["visibility"] for o in orgs}) == 3
    assert any(o["confirmed_at"] < "2025-10" for o in orgs), "some profiles should be stale"


def test_regions_form_the_nuts_hierarchy(data):
    regions = _by_id(data, Label.REGION)
    parent = {e["source"]: e["target"] for e in data.edges[Rel.PART_OF]}
    assert regions["DE"]["level"] == 0 and regions["DE2"]["level"] == 1
    for code in REGIERUNGSBEZIRKE:
        assert regions[code]["level"] == 2 and parent[code] == "DE2"
    for code, region in regions.items():
        if region["level"] == 3:
            assert parent[code] == code[:4] and parent[parent[code]] == "DE2" and parent["DE2"] == "DE"


def test_people_work_somewhere_with_fictional_contacts(data):
    people = data.nodes[Label.PERSON]
    orgs = _by_id(data, Label.ORGANIZATION)
    works_at = {e["source"]: e["target"] for e in data.edges[Rel.WORKS_AT]}
    for person in people:
        assert works_at[person["id"]] in orgs
        assert person["email"].endswith(".example")
        assert person.get("phone", "+49 1 0").split(" ")[2].startswith("0")
    assert len({p["name"] for p in people}) == len(people)
    assert set(Counter(p["kind"] for p in people)) == {"researcher", "expert", "media_professional"}
    assert len({p["email_visibility"] for p in people}) == 3


def test_demo_accounts_log_in_with_their_documented_passwords():
    data = demo.generate()
    accounts = _by_id(data, Label.ACCOUNT)
    assert sorted(a["email"] for a in accounts.values()) == [
        "forschung@demo.kim-netzwerk.de", "sme@demo.kim-netzwerk.de", "staff@demo.kim-netzwerk.de"]
    expected = {"acc-demo-sme": ("Demo-SME-2026!", "member", "demo-sme"),
                "acc-demo-researcher": ("Demo-Forschung-2026!", "member", "demo-uni"),
                "acc-demo-staff": ("Demo-Staff-2026!", "staff", "kim-zentrum")}
    orgs, people = _by_id(data, Label.ORGANIZATION), _by_id(data, Label.PERSON)
    for account_id, (password, role, org_id) in expected.items():
        account = accounts[account_id]
        assert check_password_hash(account["password_hash"], password)
        assert account["role"] == role and account["approved"] is True and account["language"] == "de"
        assert account["organization_id"] == org_id and org_id in orgs
        assert people[account["person_id"]]["account_id"] == account_id
    assert not check_password_hash(accounts["acc-demo-sme"]["password_hash"], "Demo-Staff-2026!")
    assert orgs["demo-sme"]["sme"] is True and orgs["demo-sme"]["kind"] == "media_company"
    assert orgs["kim-zentrum"]["kind"] == "public_body"
    assert people["demo-researcher"]["kind"] == "researcher"


def test_the_sme_journey_has_providers_and_mutual_partners(data):
    orgs = _by_id(data, Label.ORGANIZATION)
    offers = _skill_edges(data, Rel.OFFERS)
    sme_needs = {e["target"] for e in data.edges[Rel.NEEDS] if e["source"] == "demo-sme"}
    assert {"subtitling", "asr", "metadata-enrichment", "ai-act"} <= sme_needs
    for skill in ("subtitling", "asr", "metadata-enrichment", "ai-act"):
        assert len(offers[skill] - {"demo-sme"}) >= 3, skill
    assert {orgs[o]["sme"] for o in offers["subtitling"]} == {True, False}
    assert "demo-uni" in offers["subtitling"]

    members = defaultdict(set)
    for e in data.edges[Rel.PARTICIPATED_IN]:
        if e.get("source_label") == "Organization":
            members[e["target"]].add(e["source"])
    partners = defaultdict(set)
    for group in members.values():
        for org in group:
            partners[org] |= group - {org}
    sme_partners = partners["demo-sme"]
    assert 2 <= len(sme_partners) <= 12
    via_mutual = [o for o in offers["subtitling"] if o not in sme_partners and o != "demo-sme"
                  and partners[o] & sme_partners]
    assert via_mutual, "a subtitling provider should share a past partner with the demo SME"


def test_the_researcher_offers_what_media_companies_need(data):
    orgs = _by_id(data, Label.ORGANIZATION)
    needs = _skill_edges(data, Rel.NEEDS)
    offered = {e["target"] for e in data.edges[Rel.OFFERS] if e["source"] == "demo-researcher"}
    needing = {o for s in offered for o in needs[s] if orgs[o]["kind"] == "media_company"}
    assert len(needing) >= 5


def test_needs_and_offers_overlap_only_partly(data):
    offers, needs = _skill_edges(data, Rel.OFFERS), _skill_edges(data, Rel.NEEDS)
    for skill in demo.GAP_SKILLS:
        assert needs[skill] and not offers[skill], skill
    needed = set(needs)
    assert 0.6 < len(needed & set(offers)) / len(needed) < 0.98


def test_projects_have_a_coordinator_and_plausible_consortia(data):
    roles = defaultdict(list)
    for e in data.edges[Rel.PARTICIPATED_IN]:
        if e.get("source_label") == "Organization":
            roles[e["target"]].append(e["role"])
    requires = {e["source"] for e in data.edges[Rel.REQUIRES] if e.get("source_label") == "Project"}
    for project in data.nodes[Label.PROJECT]:
        assert 3 <= len(roles[project["id"]]) <= 8
        assert roles[project["id"]].count("coordinator") == 1
        assert date(2019, 1, 1) <= date.fromisoformat(project["signed_date"]) <= date(2026, 12, 31)
        assert project["id"] in requires
    assert len({p["acronym"] for p in data.nodes[Label.PROJECT]}) == len(data.nodes[Label.PROJECT])


def test_events_and_calls(data):
    events = data.nodes[Label.EVENT]
    attended = Counter(e["target"] for e in data.edges[Rel.ATTENDED] if e.get("source_label") == "Person")
    past = [e for e in events if e["id"] != "demo-matchmaking"]
    assert all(attended[e["id"]] >= 5 for e in past)
    # The upcoming matchmaking evening: 58 registered, some meeting requests; the demo SME and
    # researcher are not registered yet and have no meeting (the browser journey does both).
    (upcoming,) = [e for e in events if e["id"] == "demo-matchmaking"]
    assert upcoming["date"] > date.today().isoformat() and len(upcoming["slots"]) == 9
    registered = {e["source"] for e in data.edges[Rel.ATTENDS] if e["target"] == "demo-matchmaking"}
    assert len(registered) == 58 and not {"demo-sme-person", "demo-researcher"} & registered
    meetings = data.nodes[Label.MEETING]
    assert 10 <= len(meetings) and all({m["requester"], m["recipient"]} <= registered for m in meetings)
    assert not any({m["requester"], m["recipient"]} == {"demo-sme-person", "demo-researcher"} for m in meetings)
    assert {"KI.M Werkstatt", "Matchmaking-Abend", "AI Act Sprechstunde"} <= {e["format"] for e in events}
    calls = data.nodes[Label.CALL]
    call_skills = Counter(e["source"] for e in data.edges[Rel.REQUIRES] if e.get("source_label") == "Call")
    for call in calls:
        assert call["lead_region"] == "DE2" and call["min_partners"] <= call["max_partners"]
        assert call_skills[call["id"]] >= 3


def _store_counts(store) -> dict[str, int]:
    counts = {label.value: store.count_nodes(label) for label in Label}
    counts.update({rel.value: store.count_edges(rel) for rel in Rel})
    return counts


def test_seeding_twice_changes_no_count(store):
    first = demo.seed(store)
    after_first = _store_counts(store)
    second = demo.seed(store)
    assert second == first
    assert _store_counts(store) == after_first
    assert after_first["Organization"] == first["Organization"] >= 280
    assert after_first["Skill"] == len(taxonomy.SKILLS)
    assert store.get_node(Label.ORGANIZATION, "demo-sme")["name"] == "Isarwelle TV GmbH"
    needs = {e.target for e in store.edges(Label.ORGANIZATION, "demo-sme", Rel.NEEDS)}
    assert "subtitling" in needs


def test_seed_demo_command_refuses_a_filled_store_unless_forced(runner, store):
    result = runner.invoke(args=["kim", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "sme@demo.kim-netzwerk.de" in result.output
    seeded = _store_counts(store)
    assert seeded["Organization"] >= 280 and seeded["Account"] == 3

    result = runner.invoke(args=["kim", "seed-demo"])
    assert result.exit_code == 0 and "nothing seeded" in result.output
    assert _store_counts(store) == seeded
