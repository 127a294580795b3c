"""The shared-file format: anything pickles, numeric arrays are written apart and mapped read-only."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
import pytest
from scipy import sparse

from kim_network.matching import recommenders
from kim_network.matching.projection_build import build_projection
from kim_network.services import artifacts
from kim_network.services.artifacts import Shelf
from tests.matching.fixtures import graph


@dataclass
class _Holder:
    vectors: np.ndarray
    matrix: sparse.csr_matrix
    names: list
    lock: threading.Lock = field(default_factory=threading.Lock)
    extra: dict = field(default_factory=dict)


def test_round_trip_maps_every_numeric_array_and_keeps_the_rest(tmp_path):
    vectors = np.arange(40_000, dtype=np.float32).reshape(200, 200)
    matrix = sparse.random(500, 500, density=0.05, format="csr", dtype=np.float32, random_state=1)
    # An added field of any type needs no change to the format: here a matrix nested in a dict.
    holder = _Holder(vectors, matrix, ["a", "b"], extra={"again": vectors, "ease": np.eye(80),
                                                         "labels": np.array(["x", "y"], dtype=object)})
    written = artifacts.save(holder, tmp_path / "v1")
    assert written > vectors.nbytes + matrix.data.nbytes
    assert sorted(p.suffix for p in (tmp_path / "v1").iterdir()).count(".npy") == 4  # vectors, data, indices, eye

    back = artifacts.load(tmp_path / "v1")
    assert type(back.vectors) is np.ndarray and not back.vectors.flags.writeable  # mapped read-only
    assert back.extra["again"] is back.vectors  # one array shared by two fields stays one
    assert np.array_equal(back.vectors, vectors) and np.array_equal(back.extra["ease"], np.eye(80))
    assert (back.matrix != matrix).nnz == 0 and not back.matrix.data.flags.writeable
    assert back.extra["labels"].tolist() == ["x", "y"] and back.names == ["a", "b"]
    with back.lock:  # locks come back as new, unlocked locks
        pass
    with pytest.raises(ValueError):
        back.vectors[0, 0] = 1.0


def test_a_projection_read_from_files_recommends_exactly_as_the_built_one(tmp_path, monkeypatch):
    monkeypatch.setattr(artifacts, "MIN_MAPPED_BYTES", 0)  # map even this tiny graph's arrays
    nodes, edges = graph()
    built = build_projection(nodes, edges, text_dims=8)
    artifacts.save(built, tmp_path / "p")
    mapped = artifacts.load(tmp_path / "p")
    assert mapped.actor_ids == built.actor_ids and not mapped.collab.data.flags.writeable
    for fn, subject in ((recommenders.partners_for_organization, "o-kanal"),
                        (recommenders.similar_organizations, "o-sprach"),
                        (recommenders.researchers_for_needs, "o-kanal")):
        a, b = fn(built, subject, 5), fn(mapped, subject, 5)
        assert [(r.id, round(r.score, 6)) for r in a] == [(r.id, round(r.score, 6)) for r in b]
    idea = "Automatische Untertitel für Regionalnachrichten"
    a = recommenders.partners_for_project_idea(built, idea, [], [], None, 5)
    b = recommenders.partners_for_project_idea(mapped, idea, [], [], None, 5)
    assert [r.id for r in a] == [r.id for r in b]


def test_shelf_publishes_whole_versions_keeps_the_newest_and_refuses_bad_keys(tmp_path):
    shelf = Shelf(tmp_path, "projection", keep=2)
    assert shelf.find("s-g1") is None and shelf.published() == []
    first = shelf.publish("s-g1", {"v": np.ones(10_000)}, build_seconds=1.5)
    assert first.manifest["build_seconds"] == 1.5 and first.manifest["bytes"] > 80_000
    assert shelf.publish("s-g1", {"v": np.zeros(3)}).path == first.path  # published once: kept
    shelf.publish("s-g2", {"v": 2})
    for level in (0, 1, 2):  # other keys of the same cache are kept apart
        shelf.publish(f"s-g2-k{level}", {"level": level}, cache_key=repr(level))
    shelf.publish("s-g3", {"v": 3})
    assert [p.key for p in shelf.published() if "-k" not in p.key] == ["s-g2", "s-g3"]  # the oldest pruned
    assert len(shelf.published("s-g2-k")) == 3
    assert [p.key for p in shelf.published("s-g3")] == ["s-g3"]
    assert shelf.load(shelf.find("s-g3")) == {"v": 3}
    assert not [p for p in shelf.root.iterdir() if p.name.startswith(".")]  # no temporary left
    (shelf.root / "broken").mkdir()
    (shelf.root / "broken" / "manifest.json").write_text("{not json")
    assert shelf.find("broken") is None
    for bad in ("", "../x", ".hidden"):
        with pytest.raises(ValueError):
            shelf.path(bad)


def test_concurrent_first_queries_on_a_freshly_mapped_projection_all_answer(tmp_path, monkeypatch):
    """Each worker maps a fresh copy, so its lazily derived data is built under concurrent
    requests: a request must never see it half-built (a KeyError answered 422 before)."""
    import time

    from kim_network.matching import signals

    nodes, edges = graph()
    artifacts.save(build_projection(nodes, edges, text_dims=8), tmp_path / "p")
    slow_binary = signals.binary

    def binary(matrix):  # widen the window in which the first request is building
        time.sleep(0.3)
        return slow_binary(matrix)

    monkeypatch.setattr(signals, "binary", binary)
    mapped = artifacts.load(tmp_path / "p")
    failures = []

    def ask(delay):
        time.sleep(delay)
        try:
            recommenders.partners_for_organization(mapped, "o-kanal", 5)
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            failures.append(repr(exc))

    threads = [threading.Thread(target=ask, args=(0.05 * i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []


def test_files_of_an_older_format_are_not_read(tmp_path):
    """A deployment that changed what it publishes (the projection's node tables) rebuilds
    instead of mapping objects its code no longer reads."""
    import json

    shelf = Shelf(tmp_path, "projection")
    published = shelf.publish("store-g1", {"nodes": [{"id": "a"}]})
    assert shelf.find("store-g1") is not None
    manifest = json.loads((published.path / "manifest.json").read_text())
    (published.path / "manifest.json").write_text(json.dumps({**manifest, "format": artifacts.FORMAT - 1}))
    assert shelf.find("store-g1") is None and shelf.published() == []
