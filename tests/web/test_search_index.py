"""The search facet index: ids and arrays only, built once and mapped by every worker."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from kim_network.core.visibility import ANONYMOUS, Viewer
from kim_network.services import artifacts
from kim_network.services.artifacts import Shelf
from kim_network.services.caches import read_export
from kim_network.services.search import IndexCache, SearchQuery, search
from kim_network.core.columns import Strings
from kim_network.services.search_index import index_from_export
from tests.support.world import SME, STAFF, seed

PENDING_OWNER = Viewer(role="pending", account_id="acc-new", organization_id="org-pend")
QUERIES = [SearchQuery(), SearchQuery(text="Spracherkennung"), SearchQuery(text="Untertitel", per_page=2),
           SearchQuery(skill="audio"), SearchQuery(sme=True, region="DE2"), SearchQuery(type="project", text="Dialekt"),
           SearchQuery(kinds=("university", "researcher")), SearchQuery(type="person")]


@pytest.fixture
def seeded(store):
    seed(store)
    return store


@pytest.fixture(autouse=True)
def _map_small_arrays(monkeypatch):
    monkeypatch.setattr(artifacts, "MIN_MAPPED_BYTES", 0)


def _seen(result):
    return ([(item.id, item.why and item.why.kind) for item in result.items], result.total,
            [p.id for p in result.projects], result.project_total,
            {name: [(f.value, f.count, f.selected) for f in values] for name, values in result.facets.items()})


def test_the_index_keeps_no_node_only_arrays_ids_and_skill_names(seeded):
    index = index_from_export(read_export(seeded))
    for name, value in vars(index).items():
        if name in ("skill_nodes", "counts_cache", "renamed"):  # renamed: empty but in a patched index
            continue
        if isinstance(value, Strings):  # names: one UTF-8 buffer and its offsets
            value = (value.blob, value.offsets)
        if value is None:  # what a patched index changed: nothing in a built one
            assert name in ("patched", "own_skills", "gone"), name
            continue
        parts = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else [value]
        assert all(isinstance(v, (np.ndarray, sparse.csr_matrix)) or name in ("version", "region_codes", "skill_ids",
                                                                               "skill_index") for v in parts), name
    # A skill keeps what its name is made of, not its description.
    assert all(set(node) <= {"id", "label_de", "label_en"} for node in index.skill_nodes.values())
    assert index.row_of("Organization", "org-ak") is not None and index.row_of("Person", "org-ak") is None
    assert index.rows_of([("Person", "p-lena"), ("Organization", "nobody")]).tolist()[1] == -1


def test_an_owner_sees_their_own_hidden_profile_and_nobody_else_does(seeded):
    cache = IndexCache(background=False)
    own = search(seeded, PENDING_OWNER, SearchQuery(text="Neugründung"), cache=cache)
    assert [item.id for item in own.items] == ["org-pend"]
    assert {f.value: f.count for f in own.facets["kind"]} == {"company": 1}
    for viewer in (ANONYMOUS, SME):
        assert "org-pend" not in [i.id for i in search(seeded, viewer, SearchQuery(), cache=cache).items]


def test_a_mapped_index_gives_the_same_results_as_one_built_in_the_process(seeded, tmp_path):
    built = IndexCache(background=False)
    shelf = Shelf(tmp_path, "search")
    first = IndexCache(background=False, shelf=shelf)
    mapped = first.get(seeded)
    assert not mapped.skills.data.flags.writeable and not mapped.ids.flags.writeable  # read from the files
    worker = IndexCache(background=False, shelf=shelf, may_build=False)  # another worker: maps, never builds
    assert worker.get(seeded).ids.tolist() == mapped.ids.tolist()
    for viewer in (ANONYMOUS, SME, STAFF, PENDING_OWNER):
        for query in QUERIES:
            expected = _seen(search(seeded, viewer, query, cache=built))
            assert _seen(search(seeded, viewer, query, cache=worker)) == expected, (viewer.role, query)


def test_in_job_mode_a_worker_waits_for_the_job_and_then_finds_later_writes_in_the_store(seeded, tmp_path):
    from kim_network.core.errors import BeingPrepared
    from tests.conftest import gen_org

    shelf = Shelf(tmp_path, "search")
    worker = IndexCache(shelf=shelf, may_build=False, first_wait=0.1)  # KIM_SHARED_BUILD=job
    with pytest.raises(BeingPrepared):
        search(seeded, SME, SearchQuery(), cache=worker)
    job = IndexCache(background=False, shelf=shelf)  # `kim build-projection`
    job.get(seeded)
    worker.wait_idle(10)
    assert search(seeded, SME, SearchQuery()).total == search(seeded, SME, SearchQuery(), cache=worker).total == 5
    seeded.create_node("Organization", gen_org(9, id="org-new", name="Zugspitze Media"))
    # The worker answers at once from the index it has, and finds the new member in the store.
    assert [i.id for i in search(seeded, SME, SearchQuery(text="Zugspitze"), cache=worker).items] == ["org-new"]
    job.get(seeded)
    worker.wait_idle(10)
    assert worker.get(seeded).row_of("Organization", "org-new") is not None
