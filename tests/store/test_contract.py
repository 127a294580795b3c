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


# -- what the events feature relies on ------------------------------------------------------------

def _event_world(store):
    store.upsert_nodes(Label.PERSON, [{"id": "p-1", "name": "Anna Berg", "kind": "media_professional"},
                                     {"id": "p-2", "name": "Alex Klang", "kind": "expert"}])
    slots = ["2031-06-03T14:00/2031-06-03T14:20", "2031-06-03T14:20/2031-06-03T14:40"]
    store.create_node(Label.EVENT, {"id": "ev-1", "title": "Matchmaking", "date": "2031-06-03", "slots": slots,
                                    "tables": 2})
    return slots


def test_list_valued_properties_round_trip_on_edges_and_nodes(store):
    slots = _event_world(store)
    looks_for = ["subtitles", "asr", "Spracherkennung für Dialekte – ß, é, 🚀"]
    store.upsert_edges(Rel.ATTENDS, [{"source": "p-1", "target": "ev-1", "status": "registered",
                                      "looks_for": looks_for, "offers": [], "availability": ["2031-06-03T14:20",
                                                                                          "2031-06-03T14:00"],
                                      "max_meetings": 2}])
    (edge,) = store.edges(Label.PERSON, "p-1", Rel.ATTENDS, "out")
    assert edge.props["looks_for"] == looks_for  # order and text as written
    assert edge.props["availability"] == ["2031-06-03T14:20", "2031-06-03T14:00"]
    assert edge.props["offers"] == [] and edge.props["max_meetings"] == 2  # an empty list stays a list
    (incoming,) = store.edges(Label.EVENT, "ev-1", Rel.ATTENDS, "in")
    assert incoming.source == "p-1" and incoming.props["looks_for"] == looks_for
    (exported,) = list(store.export_edges([Rel.ATTENDS]))
    assert exported.props["availability"] == ["2031-06-03T14:20", "2031-06-03T14:00"]
    assert store.get_node(Label.EVENT, "ev-1")["slots"] == slots
    # An upsert replaces a list as a whole (no merge, no append) and keeps the other properties.
    store.upsert_edges(Rel.ATTENDS, [{"source": "p-1", "target": "ev-1", "availability": ["2031-06-03T14:00"]}])
    (edge,) = store.edges(Label.PERSON, "p-1", Rel.ATTENDS, "out")
    assert edge.props["availability"] == ["2031-06-03T14:00"]
    assert edge.props["looks_for"] == looks_for and edge.props["status"] == "registered"
    store.upsert_edges(Rel.ATTENDS, [{"source": "p-1", "target": "ev-1", "availability": []}])
    (edge,) = store.edges(Label.PERSON, "p-1", Rel.ATTENDS, "out")
    assert edge.props["availability"] == []  # "free in no slot", not "property missing"
    store.update_node(Label.EVENT, "ev-1", {"slots": slots[1:]})
    assert store.get_node(Label.EVENT, "ev-1")["slots"] == slots[1:]


def test_meetings_are_found_by_a_list_of_values(store):
    _event_world(store)
    for i, status in enumerate(("requested", "accepted", "scheduled", "cancelled")):
        store.create_node(Label.MEETING, {"id": f"m-{i}", "event": "ev-1", "requester": "p-1", "recipient": "p-2",
                                          "status": status, "created_at": f"2031-05-0{i + 1}T10:00:00+00:00"})
    found = store.all_nodes(Label.MEETING, {"event": "ev-1", "status": ["accepted", "scheduled"]}, order_by="created_at")
    assert [m["id"] for m in found] == ["m-1", "m-2"]
    assert store.all_nodes(Label.MEETING, {"event": "ev-1", "status": []}) == []


def _booking(meeting: str, booking_id: str = "bk-ev-1-14-00-p-1") -> dict:
    return {"id": booking_id, "event": "ev-1", "slot": "2031-06-03T14:00", "holder": "p-1", "meeting": meeting}


def test_a_slot_booking_id_is_taken_once(store):
    store.create_node(Label.BOOKING, _booking("m-1"))
    counter = store.change_counter()
    with pytest.raises(AlreadyExists):
        store.create_node(Label.BOOKING, _booking("m-2"))
    assert store.get_node(Label.BOOKING, "bk-ev-1-14-00-p-1")["meeting"] == "m-1"
    assert store.count_nodes(Label.BOOKING) == 1 and store.change_counter() == counter
    # Freed, it can be taken again (a cancelled meeting's slot).
    assert store.delete_node(Label.BOOKING, "bk-ev-1-14-00-p-1")
    store.create_node(Label.BOOKING, _booking("m-2"))
    assert store.get_node(Label.BOOKING, "bk-ev-1-14-00-p-1")["meeting"] == "m-2"


def test_two_concurrent_writers_of_one_slot_booking_one_wins(store):
    """What makes a double booking impossible: two writers create the same booking at once
    (released together by a barrier), ten times over; each time exactly one succeeds, the
    other gets AlreadyExists, and the stored booking is the winner's."""
    import threading

    for round_no in range(10):
        booking_id = f"bk-race-{round_no}"
        barrier, results = threading.Barrier(2), {}

        def write(meeting):
            barrier.wait()
            try:
                store.create_node(Label.BOOKING, _booking(meeting, booking_id))
                results[meeting] = "won"
            except AlreadyExists:
                results[meeting] = "refused"

        threads = [threading.Thread(target=write, args=(m,)) for m in ("m-a", "m-b")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(results.values()) == ["refused", "won"], results
        (winner,) = [m for m, r in results.items() if r == "won"]
        assert store.get_node(Label.BOOKING, booking_id)["meeting"] == winner
    assert store.count_nodes(Label.BOOKING) == 10


# -- shared counters (attempt limits) -------------------------------------------------------


def test_counters_add_up_decay_and_never_go_below_zero(store):
    assert store.bump_counter("login:acc-1", 900, now=1000.0) == 1
    assert store.bump_counter("login:acc-1", 900, now=1001.0) == 2
    assert store.bump_counter("login:acc-1", 900, delta=0, now=1002.0) == 2  # a read
    assert store.bump_counter("login:acc-2", 900, now=1002.0) == 1  # counters are separate
    assert store.bump_counter("login:acc-1", 900, delta=-5, now=1003.0) == 0
    assert store.bump_counter("login:acc-1", 900, now=1004.0) == 1
    # The window runs from the first bump: 15 minutes later the count starts again.
    assert store.bump_counter("login:acc-2", 900, now=1902.0) == 1
    assert store.bump_counter("login:acc-2", 900, now=1903.0) == 2


def test_counters_are_not_graph_data(store):
    before = store.change_counter()
    store.bump_counter("login:10.0.0.1", 900)
    assert store.change_counter() == before
    assert [n for n in store.export_nodes()] == []
    store.clear()
    assert store.bump_counter("login:10.0.0.1", 900, delta=0) == 0


@pytest.mark.parametrize("key,window,delta", [("", 900, 1), ("x" * 201, 900, 1), (None, 900, 1),
                                              ("k", 0, 1), ("k", 900, 1.5), ("k", 900, True)],
                         ids=["empty-key", "long-key", "no-key", "no-window", "fractional", "bool"])
def test_counters_refuse_bad_arguments(store, key, window, delta):
    with pytest.raises(InvalidQuery):
        store.bump_counter(key, window, delta)


def test_simultaneous_bumps_are_never_lost(store):
    """Twelve threads at once (the login race of issue 9): each sees its own count."""
    import threading

    barrier = threading.Barrier(12)
    seen = []

    def bump():
        barrier.wait()
        seen.append(store.bump_counter("login:race", 900))

    threads = [threading.Thread(target=bump) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 13))
    assert store.bump_counter("login:race", 900, delta=0) == 12
