"""Caches shared by every worker through published files, invalidated only by the data they read."""
from __future__ import annotations

import threading
import time

import pytest

from kim_network.core.errors import BeingPrepared
from kim_network.core.model import Label
from kim_network.matching.projection_build import projection_from_store
from kim_network.services import artifacts
from kim_network.services.artifacts import Shelf
from kim_network.services.caches import ProjectionCache, VersionedCache, graph_version
from tests.conftest import gen_org
from tests.matching.fixtures import load_into


class Builds:
    """A projection builder that counts its builds (and can be slowed down)."""

    def __init__(self, delay: float = 0.0):
        self.count = 0
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, store):
        with self.lock:
            self.count += 1
        time.sleep(self.delay)
        return projection_from_store(store, text_dims=8)


def _worker(shelf, builds, **kw):
    """One worker process's projection cache (each has its own; the folder is shared)."""
    kw.setdefault("background", False)
    return ProjectionCache(builder=builds, min_interval=0.0, shelf=shelf, **kw)


@pytest.fixture(autouse=True)
def _map_small_arrays(monkeypatch):
    monkeypatch.setattr(artifacts, "MIN_MAPPED_BYTES", 0)


def test_one_build_per_graph_version_for_all_workers_and_a_restart_maps_the_files(store, tmp_path):
    load_into(store)
    shelf, builds = Shelf(tmp_path, "projection"), Builds()
    first = _worker(shelf, builds).get(store)
    second = _worker(shelf, builds).get(store)  # another worker: maps what the first published
    assert builds.count == 1
    assert second.actor_ids == first.actor_ids
    assert not first.collab.data.flags.writeable and not second.collab.data.flags.writeable  # both mapped
    restarted = _worker(shelf, Builds())  # a restart answers from the files, no build
    assert restarted.get(store).actor_index == first.actor_index
    published = shelf.published()
    assert [p.key for p in published] == [str(graph_version(store))]
    assert published[0].manifest["build_seconds"] >= 0 and published[0].manifest["bytes"] > 0


def test_platform_records_do_not_invalidate_graph_caches(store, tmp_path):
    load_into(store)
    cache = _worker(Shelf(tmp_path, "projection"), builds := Builds())
    proj = cache.get(store)
    store.create_node(Label.FEEDBACK, {"id": "fb-1", "account": "acc-1", "subject": "o-kanal", "target": "o-sprach",
                                       "context": "partners", "value": "hide"})
    store.create_node(Label.NOTIFICATION, {"id": "n-1", "account": "acc-1", "kind": "k", "text_de": "t",
                                           "text_en": "t", "read": False})
    store.create_node(Label.ACCOUNT, {"id": "acc-1", "email": "a@example.org", "password_hash": "x", "role": "member"})
    store.update_node(Label.ACCOUNT, "acc-1", {"language": "en"})
    store.create_node(Label.AUDIT, {"id": "audit-1", "actor": "acc-1", "action": "x", "created_at": "2026-01-01"})
    assert cache.get(store) is proj and builds.count == 1
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(99, id="o-neu-99")])
    fresh = cache.get(store, wait=True)
    assert builds.count == 2 and "o-neu-99" in fresh.actor_index


def test_concurrent_requests_after_a_write_cause_one_build(store, tmp_path):
    load_into(store)
    builds = Builds(delay=0.2)
    cache = _worker(Shelf(tmp_path, "projection"), builds)
    cache.get(store)
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(98, id="o-neu-98")])
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.get(store, wait=True))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert builds.count == 2 and len({id(r) for r in results}) == 1


def test_a_busy_worker_waits_for_the_lease_holder_instead_of_building_again(store, tmp_path):
    load_into(store)
    shelf = Shelf(tmp_path, "projection")
    slow, other = Builds(delay=1.0), Builds()
    results = {}
    builder = threading.Thread(target=lambda: results.setdefault("a", _worker(shelf, slow).get(store)))
    builder.start()
    time.sleep(0.4)  # the first worker holds the lease and builds
    results["b"] = _worker(shelf, other).get(store)
    builder.join(60)
    assert slow.count == 1 and other.count == 0
    assert results["a"].actor_ids == results["b"].actor_ids


def test_the_first_build_says_being_prepared_and_then_answers(store, tmp_path):
    load_into(store)
    cache = _worker(Shelf(tmp_path, "projection"), builds := Builds(delay=1.5), background=True, first_wait=0.2)
    with pytest.raises(BeingPrepared):
        cache.get(store)
    cache.wait_idle(60)
    assert "o-kanal" in cache.get(store).actor_index and builds.count == 1
    # Later versions are built in the background while the published one is served.
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(97, id="o-neu-97")])
    restarted = _worker(Shelf(tmp_path, "projection"), Builds(), background=True)
    stale = restarted.get(store)
    assert "o-neu-97" not in stale.actor_index  # at once: the older published version
    restarted.wait_idle(60)
    assert "o-neu-97" in restarted.get(store).actor_index


def test_job_mode_workers_only_map_what_the_job_published(store, tmp_path):
    load_into(store)
    shelf = Shelf(tmp_path, "projection")
    worker = _worker(shelf, never := Builds(), background=True, may_build=False, first_wait=0.1)
    with pytest.raises(BeingPrepared):
        worker.get(store)
    _worker(shelf, Builds()).get(store)  # `kim build-projection`
    assert "o-kanal" in worker.get(store).actor_index and never.count == 0


def test_a_plain_versioned_cache_ignores_record_writes_too(store):
    builds = []
    cache = VersionedCache(lambda s, key: builds.append(key) or len(builds), background=False)
    assert cache.get(store, "x") == 1
    store.create_node(Label.FEEDBACK, {"id": "fb-1", "account": "acc-1", "subject": "a", "target": "b",
                                       "context": "partners", "value": "useful"})
    assert cache.get(store, "x") == 1
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1)])
    assert cache.get(store, "x") == 2


def test_build_projection_command_publishes_once_and_workers_map_it(app, store, runner):
    load_into(store)
    app.config["SHARED_BUILD"] = "job"
    result = runner.invoke(args=["kim", "build-projection"])
    assert result.exit_code == 0, result.output
    assert "projection: ready" in result.output and result.output.count("analytics level") == 3
    assert "search index: ready" in result.output
    again = runner.invoke(args=["kim", "build-projection", "--no-analytics"])
    assert "analytics" not in again.output and "projection: ready" in again.output
    from kim_network.extensions import Caches

    worker = Caches.for_app(app)  # a worker of the same deployment, job mode: it only maps
    assert not worker.projection.may_build
    with app.app_context():
        proj = worker.projection.get(store)
    assert "o-kanal" in proj.actor_index
    assert not proj.incidence.data.flags.writeable  # mapped from the published files
    assert not worker.search.may_build
    index = worker.search.get(store)  # the search index too: mapped, not built per worker
    assert index.row_of(Label.ORGANIZATION.value, "o-kanal") is not None and not index.ids.flags.writeable


def test_the_graph_export_is_dropped_after_its_builders_are_done(store):
    from kim_network.services.caches import ExportCache

    load_into(store)
    exports = ExportCache(keep_seconds=0.2)
    first = exports.get(store)
    assert exports.get(store) is first  # shared while builders need it
    time.sleep(0.6)
    assert exports.get(store) is not first  # read again: it was not kept


def test_requests_after_a_write_are_not_held_up_by_a_slow_rebuild(store):
    """As search's facet index: once a build is slow, the next ones run beside the requests."""
    load_into(store)
    builds = []

    def build(s, key):
        builds.append(key)
        time.sleep(0.6)
        return len(builds)

    cache = VersionedCache(build, background=True, sync_seconds=0.5)
    assert cache.get(store) == 1
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(96, id="o-neu-96")])
    answers, seconds = [], []

    def ask():
        started = time.perf_counter()
        answers.append(cache.get(store))
        seconds.append(time.perf_counter() - started)

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert answers == [1] * 8 and max(seconds) < 0.5  # the previous index, at once
    cache.wait_idle(30)
    assert cache.get(store) == 2 and len(builds) == 2  # one rebuild for all eight
