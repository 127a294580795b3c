"""The store contract: the same tests, unchanged, against the SQLite and the Neo4j adapter."""
from __future__ import annotations

import pytest

from kim_network.core.model import Label, Rel, ValidationError
from kim_network.store import AlreadyExists, InvalidQuery, NotFound
from tests.conftest import gen_org, gen_skill


def _seed_skills(store):
    store.upsert_nodes(
        Label.SKILL,
        [
            gen_skill("audio", "Audio-KI", "Audio AI"),
            gen_skill("asr", "Spracherkennung", "Speech recognition"),
            gen_skill("subtitles", "Automatische Untertitelung", "Automatic subtitling"),
        ],
    )
    store.upsert_edges(Rel.BROADER, [{"source": "asr", "target": "audio"},
                                     {"source": "subtitles", "target": "asr"}])


def test_create_read_update_delete_organisation(store):
    created = store.create_node(Label.ORGANIZATION, gen_org(1))
    assert created["name"] == "Medienhaus Test 1"
    node = store.get_node(Label.ORGANIZATION, "org-1")
    assert node["city"] == "München" and node["sme"] is True and node["id"] == "org-1"

    updated = store.update_node(Label.ORGANIZATION, "org-1", {"city": "Augsburg", "website": None})
    assert updated["city"] == "Augsburg"
    assert store.get_node(Label.ORGANIZATION, "org-1")["city"] == "Augsburg"

    assert store.delete_node(Label.ORGANIZATION, "org-1") is True
    assert store.get_node(Label.ORGANIZATION, "org-1") is None
    assert store.delete_node(Label.ORGANIZATION, "org-1") is False


def test_update_removes_property_set_to_none(store):
    store.create_node(Label.ORGANIZATION, gen_org(1, website="https://example.org"))
    store.update_node(Label.ORGANIZATION, "org-1", {"website": None})
    assert "website" not in store.get_node(Label.ORGANIZATION, "org-1")


def test_duplicate_id_is_refused_and_nothing_changes(store):
    store.create_node(Label.ORGANIZATION, gen_org(1))
    with pytest.raises(AlreadyExists):
        store.create_node(Label.ORGANIZATION, gen_org(1, name="Other"))
    assert store.get_node(Label.ORGANIZATION, "org-1")["name"] == "Medienhaus Test 1"


def test_same_id_under_different_labels_is_allowed(store):
    store.create_node(Label.ORGANIZATION, gen_org(1, id="x1"))
    store.create_node(Label.SKILL, gen_skill("x1", "X", "X"))
    assert store.get_node(Label.SKILL, "x1")["label_en"] == "X"
    assert store.get_node(Label.ORGANIZATION, "x1")["kind"] == "media_company"


def test_update_of_missing_node_raises_not_found(store):
    with pytest.raises(NotFound):
        store.update_node(Label.ORGANIZATION, "nope", {"city": "Passau"})


def test_invalid_properties_are_refused_before_any_write(store):
    before = store.change_counter()
    with pytest.raises(ValidationError) as err:
        store.create_node(Label.ORGANIZATION, gen_org(1, kind="spaceship"))
    assert err.value.field == "kind"
    with pytest.raises(ValidationError):
        store.create_node(Label.ORGANIZATION, gen_org(2, colour="blue"))
    with pytest.raises(ValidationError):
        store.upsert_nodes(Label.ORGANIZATION, [gen_org(3), gen_org(4, lat="north")])
    assert store.count_nodes(Label.ORGANIZATION) == 0
    assert store.change_counter() == before


def test_hostile_strings_are_stored_verbatim(store):
    hostile = "x'); DROP TABLE nodes; -- }) DETACH DELETE n //\"` ${a}"
    store.create_node(Label.ORGANIZATION, gen_org(1, name=hostile, city="Nürnberg 🚀"))
    assert store.get_node(Label.ORGANIZATION, "org-1")["name"] == hostile
    assert store.list_nodes(Label.ORGANIZATION, {"name": hostile}).total == 1
    assert store.count_nodes(Label.ORGANIZATION) == 1


def test_upsert_merges_and_is_idempotent(store):
    assert store.upsert_nodes(Label.ORGANIZATION, [gen_org(i) for i in range(1, 6)]) == 5
    counter = store.change_counter()
    store.upsert_nodes(Label.ORGANIZATION, [{"id": "org-2", "name": "Neu", "kind": "tech_provider"}])
    node = store.get_node(Label.ORGANIZATION, "org-2")
    assert node["name"] == "Neu" and node["kind"] == "tech_provider" and node["city"] == "München"
    assert store.change_counter() > counter
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(i) for i in range(1, 6)])
    assert store.count_nodes(Label.ORGANIZATION) == 5


def test_list_filters_sorts_and_pages(store):
    store.upsert_nodes(
        Label.ORGANIZATION,
        [gen_org(i, name=f"Org {i:02d}", sme=i % 2 == 0, kind="university" if i > 8 else "media_company")
         for i in range(1, 11)],
    )
    page = store.list_nodes(Label.ORGANIZATION, {"sme": True}, order_by="name", limit=3)
    assert page.total == 5
    assert [n["name"] for n in page.items] == ["Org 02", "Org 04", "Org 06"]
    page2 = store.list_nodes(Label.ORGANIZATION, {"sme": True}, order_by="name", limit=3, offset=3)
    assert [n["name"] for n in page2.items] == ["Org 08", "Org 10"]
    desc = store.list_nodes(Label.ORGANIZATION, {"kind": ["university"]}, order_by="name", descending=True)
    assert [n["name"] for n in desc.items] == ["Org 10", "Org 09"]


def test_list_refuses_unknown_filter_and_sort_keys(store):
    with pytest.raises(InvalidQuery):
        store.list_nodes(Label.ORGANIZATION, {"name) OR 1=1 --": "x"})
    with pytest.raises(InvalidQuery):
        store.list_nodes(Label.ORGANIZATION, order_by="description_de; DROP")
    with pytest.raises(InvalidQuery):
        store.list_nodes(Label.ORGANIZATION, limit=0)
    with pytest.raises(ValidationError):
        store.list_nodes("Organization`) DETACH DELETE (n", {})


def test_edges_are_created_listed_and_deleted(store):
    _seed_skills(store)
    store.create_node(Label.ORGANIZATION, gen_org(1))
    written = store.upsert_edges(
        Rel.OFFERS, [{"source": "org-1", "source_label": "Organization", "target": "subtitles", "weight": 0.9}]
    )
    assert written == 1
    out = store.edges(Label.ORGANIZATION, "org-1", Rel.OFFERS)
    assert [(e.type, e.target, e.props.get("weight")) for e in out] == [("OFFERS", "subtitles", 0.9)]
    incoming = store.edges(Label.SKILL, "asr", direction="in")
    assert {(e.type, e.source) for e in incoming} == {("BROADER", "subtitles")}
    assert store.delete_edge(Rel.OFFERS, "org-1", "subtitles") is True
    assert store.edges(Label.ORGANIZATION, "org-1", Rel.OFFERS) == []


def test_edge_upsert_updates_props_and_skips_missing_endpoints(store):
    _seed_skills(store)
    store.create_node(Label.ORGANIZATION, gen_org(1))
    store.upsert_edges(Rel.NEEDS, [{"source": "org-1", "target": "asr", "weight": 0.5}])
    written = store.upsert_edges(
        Rel.NEEDS,
        [{"source": "org-1", "target": "asr", "weight": 1.0}, {"source": "org-1", "target": "ghost"}],
    )
    assert written == 1
    assert store.count_edges(Rel.NEEDS) == 1
    assert store.edges(Label.ORGANIZATION, "org-1", Rel.NEEDS)[0].props["weight"] == 1.0


def test_edge_between_wrong_labels_is_refused(store):
    with pytest.raises(ValidationError):
        store.upsert_edges(Rel.WORKS_AT, [{"source": "a", "target": "b", "source_label": "Skill"}])


def test_deleting_a_node_removes_its_relationships(store):
    _seed_skills(store)
    store.create_node(Label.ORGANIZATION, gen_org(1))
    store.upsert_edges(Rel.HAS_SKILL, [{"source": "org-1", "target": "asr"}])
    store.delete_node(Label.SKILL, "asr")
    assert store.edges(Label.ORGANIZATION, "org-1") == []
    assert store.count_edges(Rel.BROADER) == 0


def test_full_text_search_folds_case_and_accents_and_needs_every_word(store):
    store.upsert_nodes(
        Label.ORGANIZATION,
        [
            gen_org(1, name="Bayerischer Untertitel Dienst", city="München"),
            gen_org(2, name="Fränkische Sprachtechnologie", description_de="Spracherkennung für Dialekte",
                    description_en="Speech recognition for dialects"),
            gen_org(3, name="Nordlicht Verlag", description_de="Bücher", description_en="Books"),
        ],
    )
    _seed_skills(store)
    hits, total = store.search("untertitel")
    assert ("Organization", "org-1") in {(h.label, h.id) for h in hits}
    hits, _ = store.search("frankische")
    assert [h.id for h in hits] == ["org-2"]
    hits, _ = store.search("Spracherk dialekte", labels=[Label.ORGANIZATION])
    assert [h.id for h in hits] == ["org-2"]
    hits, _ = store.search("speech", labels=[Label.SKILL])
    assert [h.id for h in hits] == ["asr"]
    hits, total = store.search("nordlicht zebra")
    assert hits == [] and total == 0


def test_search_ignores_query_syntax_and_pages(store):
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(i, name=f"Studio Alpha {i}") for i in range(1, 8)])
    for text in ['"unbalanced', "name:*", "a AND OR NOT (", "\\", "*", "~~~", "NEAR(", "))))"]:
        store.search(text)  # must not raise
    hits, total = store.search("studio alpha", limit=3, offset=3)
    assert total == 7 and len(hits) == 3
    ids = {h.id for h in store.search("studio alpha", limit=10)[0]}
    assert ids == {f"org-{i}" for i in range(1, 8)}
    assert store.search("   ") == ([], 0)


def test_search_reflects_updates_and_deletes(store):
    store.create_node(Label.ORGANIZATION, gen_org(1, name="Alter Name"))
    store.update_node(Label.ORGANIZATION, "org-1", {"name": "Frischer Titel"})
    assert store.search("alter")[1] == 0
    assert [h.id for h in store.search("frischer")[0]] == ["org-1"]
    store.delete_node(Label.ORGANIZATION, "org-1")
    assert store.search("frischer")[1] == 0


def test_export_returns_every_node_and_edge(store):
    _seed_skills(store)
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2)])
    store.upsert_edges(Rel.OFFERS, [{"source": "org-1", "target": "asr"}, {"source": "org-2", "target": "audio"}])
    nodes = list(store.export_nodes([Label.ORGANIZATION, Label.SKILL]))
    assert sorted((l, n["id"]) for l, n in nodes) == [
        ("Organization", "org-1"), ("Organization", "org-2"),
        ("Skill", "asr"), ("Skill", "audio"), ("Skill", "subtitles"),
    ]
    edges = list(store.export_edges([Rel.OFFERS, Rel.BROADER]))
    assert sorted((e.type, e.source_label, e.source, e.target) for e in edges) == [
        ("BROADER", "Skill", "asr", "audio"), ("BROADER", "Skill", "subtitles", "asr"),
        ("OFFERS", "Organization", "org-1", "asr"), ("OFFERS", "Organization", "org-2", "audio"),
    ]


def test_change_counter_moves_on_every_write_and_not_on_reads(store):
    c0 = store.change_counter()
    store.create_node(Label.ORGANIZATION, gen_org(1))
    c1 = store.change_counter()
    store.get_node(Label.ORGANIZATION, "org-1")
    store.list_nodes(Label.ORGANIZATION)
    store.search("medienhaus")
    assert store.change_counter() == c1 > c0
    store.update_node(Label.ORGANIZATION, "org-1", {"city": "Regensburg"})
    c2 = store.change_counter()
    store.delete_node(Label.ORGANIZATION, "org-1")
    assert c0 < c1 < c2 < store.change_counter()


def test_migrations_are_recorded_and_idempotent(store):
    applied = store.applied_migrations()
    assert applied and applied == sorted(applied)
    assert store.migrate() == []
    assert store.applied_migrations() == applied


def test_get_nodes_returns_only_existing(store):
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2)])
    found = store.get_nodes(Label.ORGANIZATION, ["org-1", "org-2", "org-9"])
    assert sorted(found) == ["org-1", "org-2"]


def test_counts_for_health(store):
    _seed_skills(store)
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1)])
    assert store.counts() == {"organizations": 1, "people": 0, "skills": 3, "projects": 0}


def test_all_nodes_pages_through_every_match(store):
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(i, sme=i % 3 == 0) for i in range(1, 2102)])
    smes = store.all_nodes(Label.ORGANIZATION, {"sme": True})
    assert len(smes) == 700 and len({n["id"] for n in smes}) == 700
    assert [n["id"] for n in smes] == sorted(n["id"] for n in smes)


# -- reads shaped by use case, change tracking per kind, leases ----------------------------
from kim_network.core.model import DataKind  # noqa: E402
from kim_network.store.base import Lookup, Relation  # noqa: E402

_PROFILE_PARTS = {
    "skills": Relation(Rel.HAS_SKILL, "out", Label.SKILL),
    "offers": Relation(Rel.OFFERS, "out", Label.SKILL),
    "needs": Relation(Rel.NEEDS, "out", Label.SKILL),
    "projects": Relation(Rel.PARTICIPATED_IN, "out", Label.PROJECT),
    "people": Relation(Rel.WORKS_AT, "in", Label.PERSON),
}


def _seed_profile(store):
    _seed_skills(store)
    store.upsert_nodes(Label.REGION, [{"id": "DE21", "name": "Oberbayern", "level": 2, "country": "DE"}])
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2, region=None)])
    store.upsert_nodes(Label.PERSON, [{"id": "p-b", "name": "Bea", "kind": "researcher"},
                                      {"id": "p-a", "name": "Anton", "kind": "expert"}])
    store.upsert_nodes(Label.PROJECT, [{"id": "pr-1", "title": "Dialekt-ASR"}])
    store.upsert_edges(Rel.OFFERS, [{"source": "org-1", "target": "subtitles"}, {"source": "org-1", "target": "asr"}])
    store.upsert_edges(Rel.NEEDS, [{"source": "org-1", "target": "audio", "weight": 0.5}])
    store.upsert_edges(Rel.PARTICIPATED_IN, [{"source": "org-1", "target": "pr-1", "role": "coordinator"}])
    store.upsert_edges(Rel.WORKS_AT, [{"source": "p-b", "target": "org-1"}, {"source": "p-a", "target": "org-1"},
                                      {"source": "p-a", "target": "org-2"}])


def test_node_view_reads_a_profile_with_its_neighbours_at_once(store):
    _seed_profile(store)
    view = store.node_view(Label.ORGANIZATION, "org-1", _PROFILE_PARTS,
                           {"region": Lookup(Label.REGION, "region")})
    assert view.node["name"] == "Medienhaus Test 1"
    assert view.related["skills"] == []
    assert [r.node["id"] for r in view.related["offers"]] == ["asr", "subtitles"]  # ordered by id
    assert view.related["offers"][1].node["label_en"] == "Automatic subtitling"
    assert [(r.node["id"], r.props) for r in view.related["needs"]] == [("audio", {"weight": 0.5})]
    assert [(r.node["title"], r.props["role"]) for r in view.related["projects"]] == [("Dialekt-ASR", "coordinator")]
    assert [r.node["name"] for r in view.related["people"]] == ["Anton", "Bea"]
    assert view.lookups["region"]["name"] == "Oberbayern"
    # A missing lookup value, a person's employers (out), and a node that does not exist.
    other = store.node_view(Label.ORGANIZATION, "org-2", _PROFILE_PARTS, {"region": Lookup(Label.REGION, "region")})
    assert other.lookups == {"region": None} and [r.node["id"] for r in other.related["people"]] == ["p-a"]
    person = store.node_view(Label.PERSON, "p-a", {"organizations": Relation(Rel.WORKS_AT, "out", Label.ORGANIZATION)})
    assert [r.node["id"] for r in person.related["organizations"]] == ["org-1", "org-2"]
    assert store.node_view(Label.ORGANIZATION, "nope", _PROFILE_PARTS) is None
    assert store.node_view(Label.ORGANIZATION, "org-1").related == {}


def test_account_view_counts_only_the_accounts_unread_notifications(store):
    store.create_node(Label.ACCOUNT, {"id": "acc-1", "email": "a@example.org", "password_hash": "x", "role": "member"})
    store.create_node(Label.ACCOUNT, {"id": "acc-2", "email": "b@example.org", "password_hash": "x", "role": "member"})
    for i, (account, read) in enumerate([("acc-1", False), ("acc-1", False), ("acc-1", True), ("acc-2", False)]):
        store.create_node(Label.NOTIFICATION, {"id": f"n-{i}", "account": account, "kind": "k", "text_de": "t",
                                               "text_en": "t", "read": read, "created_at": f"2026-01-0{i + 1}"})
    view = store.account_view("acc-1")
    assert view.node["email"] == "a@example.org" and view.unread_notifications == 2
    assert store.account_view("acc-2").unread_notifications == 1
    assert store.account_view("acc-9") is None


def test_get_many_reads_several_labels_at_once(store):
    _seed_profile(store)
    found = store.get_many({Label.ORGANIZATION: ["org-1", "org-9"], Label.PERSON: ["p-a"], Label.PROJECT: []})
    assert sorted(found) == ["Organization", "Person", "Project"]
    assert list(found["Organization"]) == ["org-1"] and found["Person"]["p-a"]["name"] == "Anton"
    assert found["Project"] == {}
    assert store.get_many({}) == {}
    many = store.get_many({Label.ORGANIZATION: [f"org-{i}" for i in range(1000)]})
    assert sorted(many["Organization"]) == ["org-1", "org-2"]


def test_update_nodes_where_is_one_write_and_moves_counters_only_when_something_matched(store):
    for i in range(5):
        store.create_node(Label.NOTIFICATION, {"id": f"n-{i}", "account": "acc-1" if i < 4 else "acc-2",
                                               "kind": "k", "text_de": "t", "text_en": "t", "read": i == 0})
    before = store.change_counters()
    assert store.update_nodes_where(Label.NOTIFICATION, {"account": "acc-1", "read": False}, {"read": True}) == 3
    after = store.change_counters()
    assert after.records == before.records + 1 and after.total == before.total + 1
    assert after.graph == before.graph
    assert store.list_nodes(Label.NOTIFICATION, {"account": "acc-1", "read": False}).total == 0
    assert store.get_node(Label.NOTIFICATION, "n-4")["read"] is False
    assert store.update_nodes_where(Label.NOTIFICATION, {"account": "acc-1", "read": False}, {"read": True}) == 0
    assert store.change_counters() == after
    with pytest.raises(InvalidQuery):
        store.update_nodes_where(Label.NOTIFICATION, {"text_de": "t"}, {"read": True})
    with pytest.raises(ValidationError):
        store.update_nodes_where(Label.NOTIFICATION, {"account": "acc-2"}, {"read": "yes please"})
    assert store.get_node(Label.NOTIFICATION, "n-4")["read"] is False


def test_change_counters_move_per_kind_of_data(store):
    start = store.change_counters()
    assert start.uid and store.change_counters().uid == start.uid
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1)])
    graph = store.change_counters()
    assert graph.graph > start.graph and graph.records == start.records
    assert graph.introductions == start.introductions and graph.total > start.total
    store.create_node(Label.FEEDBACK, {"id": "fb-1", "account": "acc-1", "subject": "org-1", "target": "org-2",
                                       "context": "partners", "value": "useful"})
    store.create_node(Label.ACCOUNT, {"id": "acc-1", "email": "a@example.org", "password_hash": "x", "role": "member"})
    store.update_node(Label.ACCOUNT, "acc-1", {"language": "en"})
    records = store.change_counters()
    assert records.graph == graph.graph and records.records >= graph.records + 3
    store.create_node(Label.INTRODUCTION, {"id": "intro-1", "status": "requested", "requester_account": "acc-1",
                                           "target_org": "org-1"})
    intro = store.change_counters()
    assert intro.introductions > records.introductions and intro.graph == graph.graph
    assert intro.records == records.records
    store.upsert_edges(Rel.OFFERS, [{"source": "org-1", "target": "org-1x"}])  # skipped row: still a write
    store.delete_node(Label.FEEDBACK, "fb-1")
    assert store.change_counters().records > intro.records
    assert store.change_counter() == store.change_counters().total
    assert intro.of(DataKind.GRAPH) == intro.graph and intro.of("records") == intro.records


def test_leases_admit_one_owner_at_a_time_and_move_no_counter(store):
    before = store.change_counters()
    assert store.try_lease("build", "worker-a", 60)
    assert not store.try_lease("build", "worker-b", 60)
    assert store.try_lease("build", "worker-a", 60)  # renewing
    assert store.try_lease("other", "worker-b", 60)  # another lease
    store.release_lease("build", "worker-b")  # not the holder: no effect
    assert not store.try_lease("build", "worker-b", 60)
    store.release_lease("build", "worker-a")
    assert store.try_lease("build", "worker-b", 0.05)
    import time

    time.sleep(0.3)
    assert store.try_lease("build", "worker-a", 60)  # worker-b's lease expired
    assert store.change_counters() == before
    store.release_lease("build", "worker-a")
    store.release_lease("other", "worker-b")


def test_current_versions_reuse_a_read_for_the_ttl_but_never_hide_own_writes(store, monkeypatch):
    reads = []
    real = store.change_counters
    monkeypatch.setattr(store, "change_counters", lambda: reads.append(1) or real())
    monkeypatch.setattr(store, "versions_ttl", 60.0)
    first = store.current_versions()
    assert store.current_versions() == first and len(reads) == 1  # reused
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1)])
    assert store.current_versions().graph > first.graph and len(reads) == 2  # its own write: read again
    monkeypatch.setattr(store, "versions_ttl", 0.0)
    store.current_versions()
    store.current_versions()
    assert len(reads) == 4  # no TTL: every call asks the store
