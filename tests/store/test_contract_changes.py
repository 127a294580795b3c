"""The store contract, continued: the graph change log (`graph_changes`), on both adapters.

Caches built at one graph version (the search facet index) follow later writes by the nodes
they touched, so every graph write must say what it touched, in its own transaction.
"""
from __future__ import annotations

from kim_network.core.model import Label, Rel
from kim_network.store.base import BROAD, GRAPH_LOG_NODES, GraphChange
from tests.conftest import gen_org, gen_skill


def _since(store, version: int) -> set[tuple[str, str, str]]:
    now = store.change_counters().graph
    changes = store.graph_changes(version, now)
    assert changes is not None
    return {(c.label, c.id, c.what) for c in changes}


def _seeded(store) -> int:
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2)])
    store.upsert_nodes(Label.SKILL, [gen_skill("s-1", "Untertitel", "Subtitles")])
    store.upsert_nodes(Label.PROJECT, [{"id": "p-1", "title": "Subtitles"}])
    store.upsert_edges(Rel.PARTICIPATED_IN, [{"source": "org-1", "target": "p-1"}])
    return store.change_counters().graph


def test_graph_writes_log_the_nodes_they_touch(store):
    start = _seeded(store)
    assert store.graph_changes(start, start) == []
    store.update_node(Label.ORGANIZATION, "org-1", {"description_de": "neu"})
    one = store.change_counters().graph
    assert _since(store, start) == {("Organization", "org-1", "node")}
    store.upsert_edges(Rel.HAS_SKILL, [{"source": "org-2", "target": "s-1"}])
    assert _since(store, one) == {("Organization", "org-2", "HAS_SKILL"), ("Skill", "s-1", "HAS_SKILL")}
    two = store.change_counters().graph
    store.delete_edge(Rel.HAS_SKILL, "org-2", "s-1")
    store.create_node(Label.PERSON, {"id": "per-1", "name": "Eva", "kind": "media_professional", "visibility": "public"})
    assert _since(store, two) == {("Organization", "org-2", "HAS_SKILL"), ("Skill", "s-1", "HAS_SKILL"),
                                  ("Person", "per-1", "node")}
    # Up to a version: what came after it is not listed.
    assert store.graph_changes(one, two) == sorted(store.graph_changes(one, two), key=lambda c: (c.label, c.id, c.what))
    assert {(c.label, c.id) for c in store.graph_changes(one, two)} == {("Organization", "org-2"), ("Skill", "s-1")}


def test_deleting_a_node_logs_its_former_neighbours(store):
    start = _seeded(store)
    store.delete_node(Label.PROJECT, "p-1")
    assert _since(store, start) == {("Project", "p-1", "node"), ("Organization", "org-1", "PARTICIPATED_IN")}


def test_writes_of_records_log_nothing_and_broad_writes_say_so(store):
    start = _seeded(store)
    store.create_node(Label.ACCOUNT, {"id": "acc-1", "email": "a@example.org", "password_hash": "x", "role": "member"})
    assert store.graph_changes(start, store.change_counters().graph) == []
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(i) for i in range(10, 11 + GRAPH_LOG_NODES)])
    changes = store.graph_changes(start, store.change_counters().graph)
    assert changes == [BROAD] and changes[0].broad
    store.update_nodes_where(Label.ORGANIZATION, {"id": ["org-1", "org-2"]}, {"sme": False})
    later = store.change_counters().graph
    assert store.graph_changes(later - 1, later) == [GraphChange("Organization", "org-1", "node"),
                                                     GraphChange("Organization", "org-2", "node")]


def test_clear_is_broad_and_the_log_does_not_reach_before_it_was_kept(store):
    start = _seeded(store)
    store.clear()
    assert BROAD in store.graph_changes(start, store.change_counters().graph)
    assert store.graph_changes(-1, store.change_counters().graph) is None
