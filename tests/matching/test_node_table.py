"""What the projection keeps of each node: what reasons and recommendations show, as arrays."""
from __future__ import annotations

import pickle

import numpy as np

from kim_network.core.text import readable_case
from kim_network.core.visibility import ANONYMOUS, Viewer, can_see
from kim_network.matching import recommenders as service
from kim_network.matching.nodes import NodeTable
from kim_network.matching.projection import SHOWN_ACTOR, SHOWN_PROJECT
from kim_network.services import artifacts

from .fixtures import graph


def _source():
    nodes, _ = graph()
    return {props["id"]: props for _, props in nodes}


def test_a_projection_keeps_what_reasons_and_recommendations_show(proj):
    source = _source()
    for i, actor_id in enumerate(proj.actor_ids):
        node = proj.actor_nodes[i]
        assert node == {k: v for k, v in source[actor_id].items() if k in ("id", *SHOWN_ACTOR) and v is not None}
        assert proj.name(i) == readable_case(source[actor_id]["name"])
    for p, project_id in enumerate(proj.project_ids):
        node = proj.project_nodes[p]
        assert set(node) <= {"id", *SHOWN_PROJECT} and node["title"] == source[project_id]["title"]
        assert proj.project_name(p) == source[project_id].get("acronym") or source[project_id]["title"]
    # Visibility is read from what is kept: hidden and pending profiles stay hidden.
    geheim, offen = proj.actor_index["o-geheim"], proj.actor_index["o-offen"]
    assert not can_see(ANONYMOUS, "Organization", proj.actor_nodes[geheim])
    assert can_see(Viewer(role="member"), "Organization", proj.actor_nodes[geheim])
    assert proj.actor_nodes[offen]["pending"] is True
    assert not can_see(ANONYMOUS, "Project", proj.project_nodes[proj.project_index["p-geheim"]])
    assert all(proj.actor_nodes[i].get("kind") for i in range(proj.n_actors))  # the researcher lists read it


def test_recommendations_name_partners_and_projects_from_the_kept_properties(proj):
    recs = service.partners_for_organization(proj, "o-kanal", 5, Viewer(role="staff"))
    names = {proj.actor_ids[i]: proj.name(i) for i in range(proj.n_actors)}
    assert recs and all(rec.name == names[rec.id] for rec in recs)


def test_a_node_table_is_arrays_mapped_from_the_shared_files(tmp_path, monkeypatch):
    monkeypatch.setattr(artifacts, "MIN_MAPPED_BYTES", 0)
    rows = [{"id": f"o{i}", "name": f"Organisation {i} ✓", **({"kind": "company"} if i % 2 else {}),
             "sme": i % 3 == 0, "updated_at": f"2026-01-{i:05d}"} for i in range(5000)]
    table = NodeTable(rows, ("name", "kind", "sme", "updated_at", "centre"))
    assert [table[i] for i in (0, 1, 4999, -1)] == [rows[0], rows[1], rows[4999], rows[-1]]
    assert list(table) == rows and table.column("centre") == [None] * 5000
    artifacts.save(table, tmp_path / "t")
    mapped = artifacts.load(tmp_path / "t")
    assert list(mapped) == rows and mapped[1:3] == rows[1:3]
    arrays = [v for column in vars(mapped)["_columns"].values() for v in vars(column).values()
              if isinstance(v, np.ndarray)]
    assert arrays and not any(a.flags.writeable for a in arrays)  # nothing per node in the heap
    assert len(pickle.dumps(mapped)) > 0


def test_value_reads_one_property_as_a_row_would():
    from kim_network.matching.nodes import NodeTable

    table = NodeTable([{"id": "p1", "acronym": "ABC", "title": "A"}, {"id": "p2", "title": "B"}], ["acronym", "title"])
    for i in (0, 1, -1):
        for key in ("id", "acronym", "title", "not kept"):
            assert table.value(i, key) == table[i].get(key)
