"""The analytics cache on both stores: one build per data version and visibility level."""
from kim_network.services import ecosystem as service
from kim_network.core.model import Label
from kim_network.core.visibility import ANONYMOUS, STAFF, Viewer

from .ecosystem_data import seed_store

MEMBER = Viewer(role="member", account_id="acc-1", organization_id="med-1")


def test_results_are_reused_until_the_store_changes(store):
    seed_store(store)
    # Rebuilt in the request: under load a build may pass SYNC_BUILD_SECONDS, and then the stale
    # snapshot is served while a background build runs (that policy has its own tests).
    cache = service.AnalyticsCache(background=False)
    first = cache.snapshot(store, STAFF)
    assert cache.snapshot(store, STAFF) is first
    assert cache.snapshot(store, Viewer(role="admin")) is first  # same visibility level
    store.update_node(Label.ORGANIZATION, "loner", {"name": "Einsiedler Medien GmbH"})
    second = cache.snapshot(store, STAFF)
    assert second is not first and second.counter > first.counter
    assert second.name("Organization:loner") == "Einsiedler Medien GmbH"


def test_each_visibility_level_gets_its_own_view(store):
    seed_store(store)
    cache = service.AnalyticsCache()
    staff, member, anonymous = (cache.snapshot(store, v) for v in (STAFF, MEMBER, ANONYMOUS))
    assert staff.row("Organization:secret-lab") >= 0
    assert member.row("Organization:secret-lab") < 0
    assert member.row("Organization:members-only") >= 0
    assert anonymous.row("Organization:members-only") < 0
    # Counts come from the view: the staff-only lab's project ties are not in a member's numbers.
    lab = staff.map.partner_matrix[staff.row("Organization:secret-lab")].indices.tolist()
    assert lab
    for key in (staff.map.key(i) for i in lab):
        assert staff.map.partners[staff.row(key)] == member.map.partners[member.row(key)] + 1


def test_report_and_map_for_a_viewer(store):
    seed_store(store)
    snap, report = service.report_for(store, STAFF)
    assert report["totals"]["members"] == snap.map.members
    assert report["funnel"]["stages"]["requested"] == 3
    assert service.report_for(store, STAFF)[1] is report
    _, graph = service.map_for(store, MEMBER)
    assert graph.row("Organization:secret-lab") < 0 and graph.row("Organization:members-only") >= 0


def test_slow_graphs_serve_the_previous_snapshot_while_rebuilding(store):
    seed_store(store)
    cache = service.AnalyticsCache(sync_build_seconds=0.0)  # every build counts as slow
    first = cache.snapshot(store, STAFF)
    store.update_node(Label.ORGANIZATION, "loner", {"name": "Einsiedler Medien GmbH"})
    assert cache.snapshot(store, STAFF) is first  # no wait: the old one, while the new one builds
    cache.wait_idle(30)
    fresh = cache.snapshot(store, STAFF)
    assert fresh is not first and fresh.name("Organization:loner") == "Einsiedler Medien GmbH"
    assert fresh.map is not None and fresh.legend  # made with the snapshot, not in a request
    store.update_node(Label.ORGANIZATION, "loner", {"name": "Einsiedler Medien AG"})
    assert cache.snapshot(store, STAFF, wait=True).name("Organization:loner") == "Einsiedler Medien AG"


def test_introductions_update_the_funnel_without_rebuilding_the_snapshot(store):
    seed_store(store)
    cache = service.AnalyticsCache()
    snap, report = service.report_for(store, STAFF, cache=cache)
    assert report["funnel"]["stages"]["requested"] == 3
    graph_before = store.change_counters().graph
    store.create_node(Label.INTRODUCTION, {"id": "intro-new", "requester_account": "acc-1", "requester_org": "med-1",
                                           "target_org": "loner", "status": "requested", "created_at": "2026-01-05"})
    assert store.change_counters().graph == graph_before  # an introduction is not graph data
    again, fresh = service.report_for(store, STAFF, cache=cache)
    assert again is snap  # communities, centrality and the map stand
    assert fresh["funnel"]["stages"]["requested"] == 4
    assert service.report_for(store, STAFF, cache=cache)[1] is fresh  # read again only when they move


def test_analytics_snapshots_are_shared_through_files(store, tmp_path):
    from kim_network.services.artifacts import Shelf

    seed_store(store)
    shelf = Shelf(tmp_path, "analytics")
    first = service.AnalyticsCache(shelf=shelf, background=False)
    built = first.snapshot(store, STAFF)
    other = service.AnalyticsCache(shelf=shelf, background=False)  # another worker
    mapped = other.snapshot(store, STAFF)
    assert mapped.member_communities() == built.member_communities() and mapped.reports == built.reports
    assert mapped.map is not None and "_introductions" in mapped.__dict__  # the layout came with it
    assert [p.manifest["cache_key"] for p in shelf.published()] == ["2"]
    _, report = service.report_for(store, STAFF, cache=other)
    assert report["funnel"]["stages"]["requested"] == 3
