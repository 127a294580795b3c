"""Search right after a write: the facet index follows it by a patch of the touched rows, and
what every viewer finds is what a full rebuild would find (on both stores)."""
from __future__ import annotations

import threading

import pytest

from kim_network.core.model import Label, Rel
from kim_network.core.visibility import ANONYMOUS, Viewer
from kim_network.services import search_patch
from kim_network.services.artifacts import Shelf
from kim_network.services.search import IndexCache, SearchQuery, search
from tests.conftest import gen_org
from tests.support.world import RESEARCHER, SME, STAFF, TECH, seed

PENDING_OWNER = Viewer(role="pending", account_id="acc-new", organization_id="org-pend")
NEW_OWNER = Viewer(role="member", account_id="acc-new", organization_id="org-new")
VIEWERS = (ANONYMOUS, SME, STAFF, TECH, RESEARCHER, PENDING_OWNER, NEW_OWNER)
QUERIES = [SearchQuery(), SearchQuery(per_page=2, page=2), SearchQuery(text="Spracherkennung"),
           SearchQuery(text="Untertitel"), SearchQuery(text="Zugspitze"), SearchQuery(skill="audio"),
           SearchQuery(skill="subtitles"), SearchQuery(skill="vision"), SearchQuery(skill="recsys"),
           SearchQuery(sme=True, region="DE2"), SearchQuery(region="FR"), SearchQuery(type="project", text="Dialekt"),
           SearchQuery(text="Radioprogramme"), SearchQuery(kinds=("university", "researcher", "company")),
           SearchQuery(type="person")]


def _add_member(s):
    s.create_node(Label.ORGANIZATION, gen_org(9, id="org-new", name="Zugspitze Media", kind="company",
                                             region="AT33", description_de="Untertitel aus Tirol"))
    s.upsert_edges(Rel.OFFERS, [{"source": "org-new", "target": "subtitles"}])


def _add_person(s):
    s.create_node(Label.PERSON, {"id": "p-neu", "name": "Zoe Zugspitze", "kind": "researcher",
                                 "visibility": "members", "region": "DE21"})
    s.upsert_edges(Rel.HAS_SKILL, [{"source": "p-neu", "target": "vision", "source_label": "Person"}])
    s.upsert_edges(Rel.PARTICIPATED_IN, [{"source": "p-neu", "target": "prj-radio", "source_label": "Person"}])


WRITES = {
    "added member": _add_member,
    "added person": _add_person,
    "edited skills": lambda s: (s.upsert_edges(Rel.HAS_SKILL, [{"source": "org-uni", "target": "subtitles"}]),
                                s.delete_edge(Rel.HAS_SKILL, "org-ak", "asr"),
                                s.delete_edge(Rel.OFFERS, "org-ak", "subtitles")),
    "made hidden": lambda s: s.update_node(Label.ORGANIZATION, "org-ak", {"visibility": "staff"}),
    "made public": lambda s: s.update_node(Label.ORGANIZATION, "org-hidden", {"visibility": "public"}),
    "approved": lambda s: s.update_node(Label.ORGANIZATION, "org-pend", {"pending": None}),
    "renamed and moved": lambda s: s.update_node(Label.ORGANIZATION, "org-bm", {
        "name": "Zeta Media Lyon", "region": "FR71", "sme": False, "kind": "university"}),
    "deleted": lambda s: s.delete_node(Label.ORGANIZATION, "org-fk"),
    "project requires a skill": lambda s: s.upsert_edges(Rel.REQUIRES, [{"source": "prj-radio", "target": "vision"}]),
    "project hidden": lambda s: s.update_node(Label.PROJECT, "prj-dialekt", {"visibility": "staff"}),
    "project deleted": lambda s: s.delete_node(Label.PROJECT, "prj-dialekt"),
    "project added": lambda s: (s.upsert_nodes(Label.PROJECT, [{"id": "prj-zz", "title": "Radioprogramme im Gebirge",
                                                                "visibility": "public"}]),
                                s.upsert_edges(Rel.PARTICIPATED_IN, [{"source": "org-uni", "target": "prj-zz"}]),
                                s.upsert_edges(Rel.REQUIRES, [{"source": "prj-zz", "target": "recsys"}])),
    "records only": lambda s: s.update_node(Label.ACCOUNT, "acc-ak", {"language": "de"}),
}


@pytest.fixture
def seeded(store):
    seed(store)
    store.upsert_edges(Rel.REQUIRES, [{"source": "prj-dialekt", "target": "subtitles"}])
    return store


def _seen(result):
    return ([(item.id, item.why and item.why.kind, [s for s, _ in item.skills]) for item in result.items],
            result.total, [p.id for p in result.projects], result.project_total,
            {name: [(f.value, f.count, f.selected) for f in values] for name, values in result.facets.items()})


def _same_as_a_rebuild(store, cache) -> None:
    rebuilt = IndexCache(background=False)
    for viewer in VIEWERS:
        for query in QUERIES:
            expected = _seen(search(store, viewer, query, cache=rebuilt))
            assert _seen(search(store, viewer, query, cache=cache)) == expected, (viewer, query)


@pytest.mark.parametrize("write", list(WRITES), ids=str)
def test_search_right_after_a_write_finds_what_a_rebuild_finds(seeded, write):
    cache = IndexCache(background=False)
    before = cache.get(seeded)
    WRITES[write](seeded)
    after = cache.get(seeded)
    assert after.version == seeded.change_counters().graph
    assert after is before or after.patched is not None  # followed by a patch, not built anew
    _same_as_a_rebuild(seeded, cache)


def test_writes_one_after_another_patch_the_patched_index(seeded):
    cache = IndexCache(background=False)
    cache.get(seeded)
    for write in ("added member", "made hidden", "project requires a skill", "renamed and moved", "deleted",
                  "added person", "approved"):
        WRITES[write](seeded)
        _same_as_a_rebuild(seeded, cache)
    seeded.update_node(Label.ORGANIZATION, "org-new", {"visibility": "staff"})  # an added row, changed again
    seeded.delete_node(Label.PERSON, "p-neu")
    _same_as_a_rebuild(seeded, cache)
    assert cache.get(seeded).patched is not None


def test_a_hidden_profile_leaves_results_and_facet_counts_at_once(seeded):
    cache = IndexCache(background=False)
    assert "org-ak" in [i.id for i in search(seeded, SME, SearchQuery(text="Spracherkennung"), cache=cache).items]
    seeded.update_node(Label.ORGANIZATION, "org-ak", {"visibility": "staff"})
    found = search(seeded, SME, SearchQuery(skill="subtitles"), cache=cache)
    assert "org-ak" not in [i.id for i in found.items]
    assert "tech_provider" not in {f.value for f in found.facets["kind"]}
    assert "org-ak" in [i.id for i in search(seeded, STAFF, SearchQuery(skill="subtitles"), cache=cache).items]


def test_a_taxonomy_change_or_an_import_builds_the_index_anew(seeded):
    cache = IndexCache(background=False)
    cache.get(seeded)
    seeded.upsert_edges(Rel.BROADER, [{"source": "vision", "target": "audio"}])
    assert cache.get(seeded).patched is None  # built anew
    _same_as_a_rebuild(seeded, cache)
    seeded.upsert_nodes(Label.ORGANIZATION, [gen_org(100 + i) for i in range(600)])  # logged as one broad write
    assert cache.get(seeded).patched is None and len(cache.get(seeded)) > 600
    _same_as_a_rebuild(seeded, cache)


def test_eight_concurrent_searches_after_a_write_cause_one_patch(seeded, monkeypatch):
    cache = IndexCache(background=False)
    cache.get(seeded)
    patches = []
    real = search_patch.patch_index
    monkeypatch.setattr(search_patch, "patch_index", lambda *a: patches.append(1) or real(*a))
    _add_member(seeded)
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        [i.id for i in search(seeded, SME, SearchQuery(text="Zugspitze"), cache=cache).items])) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [["org-new"]] * 8 and len(patches) == 1


def test_in_job_mode_a_worker_patches_what_it_mapped(seeded, tmp_path, monkeypatch):
    from kim_network.services import artifacts

    monkeypatch.setattr(artifacts, "MIN_MAPPED_BYTES", 0)
    shelf = Shelf(tmp_path, "search")
    IndexCache(background=False, shelf=shelf).get(seeded)  # `kim build-projection`
    worker = IndexCache(shelf=shelf, may_build=False)  # KIM_SHARED_BUILD=job: never builds
    mapped = worker.get(seeded)
    seeded.update_node(Label.ORGANIZATION, "org-ak", {"visibility": "staff"})
    _add_member(seeded)
    patched = worker.get(seeded)
    assert patched.patched is not None and patched.skills is mapped.skills  # the mapped matrix is shared
    _same_as_a_rebuild(seeded, worker)


def test_a_member_who_edits_their_profile_finds_the_edit_in_the_next_search(seeded):
    from kim_network.services import profiles

    cache = IndexCache(background=False)
    assert search(seeded, ANONYMOUS, SearchQuery(text="Bergmedia"), cache=cache).total == 1
    profiles.update_profile(seeded, SME, Label.ORGANIZATION, "org-bm",
                            {"description_de": "Bildanalyse für Regionalfernsehen", "visibility": "members"},
                            skills={Rel.HAS_SKILL: ["vision"]})
    mine = search(seeded, SME, SearchQuery(skill="vision"), cache=cache)
    assert [i.id for i in mine.items] == ["org-bm"] and [s for s, _ in mine.items[0].skills] == ["vision"]
    assert search(seeded, ANONYMOUS, SearchQuery(text="Bergmedia"), cache=cache).total == 0  # members only now
    assert search(seeded, ANONYMOUS, SearchQuery(skill="vision"), cache=cache).total == 0
    _same_as_a_rebuild(seeded, cache)
