"""The shared projection built from each store, refreshed when the store changes."""
import threading

from kim_network.matching import recommenders as service
from kim_network.services.caches import ProjectionCache
from kim_network.matching.projection_build import projection_from_store

from .fixtures import load_into


def test_projection_from_store_matches_the_graph(store):
    load_into(store)
    proj = projection_from_store(store, text_dims=8)
    assert proj.change_counter == store.change_counter()
    assert {"o-kanal", "o-sprach", "per-anna"} <= set(proj.actor_ids)
    kanal, thi = proj.actor_index["o-kanal"], proj.actor_index["o-thi"]
    assert proj.collab[kanal, thi] == 1.0
    recs = service.partners_for_organization(proj, "o-kanal", k=3)
    assert "o-sprach" in [r.id for r in recs]


def test_cache_is_shared_and_refreshes_after_a_write(store):
    load_into(store)
    cache = ProjectionCache(builder=lambda s: projection_from_store(s, text_dims=8), min_interval=0.0)
    first = cache.get(store)
    assert cache.get(store) is first  # no write, same object for every request
    store.upsert_nodes("Organization", [{"id": "o-spaet", "name": "Spätzünder Medien GmbH",
                                         "kind": "media_company", "visibility": "public"}])
    stale = cache.get(store)  # served at once while the rebuild runs in the background
    assert stale is first
    cache.wait_idle(60)
    fresh = cache.get(store)
    assert fresh is not first and "o-spaet" in fresh.actor_index
    assert cache.get(store, wait=True) is fresh


def test_cache_serves_concurrent_requests_one_build(store):
    load_into(store)
    builds = []

    def builder(s):
        builds.append(1)
        return projection_from_store(s, text_dims=8)

    cache = ProjectionCache(builder=builder)
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(store))) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(builds) == 1 and len({id(r) for r in results}) == 1
