"""The store contract, continued: reads shaped by use case, change tracking per kind of data,
leases, what the events feature relies on, and the shared counters; on both adapters."""
from __future__ import annotations

import pytest

from kim_network.core.model import Label, Rel, ValidationError
from kim_network.store import AlreadyExists, InvalidQuery
from tests.conftest import gen_org
from tests.store.seeds import seed_skills as _seed_skills


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


def test_get_many_reads_only_the_fields_asked_for(store):
    _seed_profile(store)
    store.update_node(Label.ORGANIZATION, "org-2", {"visibility": "members", "pending": True})
    found = store.get_many({Label.ORGANIZATION: ["org-1", "org-2"], Label.PROJECT: ["pr-1"]},
                           fields=("visibility", "pending", "merged_into"))
    assert found["Organization"]["org-2"] == {"id": "org-2", "visibility": "members", "pending": True}
    assert "name" not in found["Organization"]["org-1"]
    # A project declares no `pending` or `merged_into`, and this one has no visibility set.
    assert found["Project"]["pr-1"] == {"id": "pr-1"}


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


def test_count_where_counts_several_filtered_sets_in_one_read(store):
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2, visibility="staff"), gen_org(3, sme=False)])
    _seed_skills(store)
    counts = store.count_where({"public smes": (Label.ORGANIZATION, {"visibility": "public", "sme": True}),
                                "staff": (Label.ORGANIZATION, {"visibility": ["staff"]}),
                                "no visibility": (Label.ORGANIZATION, {"visibility": None}),
                                "skills": (Label.SKILL, None)})
    assert counts == {"public smes": 1, "staff": 1, "no visibility": 0, "skills": 3}
    assert store.count_where({}) == {}
    with pytest.raises(InvalidQuery):
        store.count_where({"x": (Label.ORGANIZATION, {"description_de": "y"})})
