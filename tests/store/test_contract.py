"""The store contract: the same tests, unchanged, against the SQLite and the Neo4j adapter."""
from __future__ import annotations

import pytest

from kim_network.core.model import Label, Rel, ValidationError
from kim_network.store import AlreadyExists, InvalidQuery, NotFound
from tests.conftest import gen_org, gen_skill
from tests.store.seeds import seed_skills as _seed_skills


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
