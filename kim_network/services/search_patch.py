"""The search facet index follows a write without a rebuild: only the nodes it touched.

A whole build of the facet index reads the whole graph (seconds at CORDIS size). After a
write, the store's change log (`GraphStore.graph_changes`) says which nodes the writes since
the index's version touched; `patch_index` reads just those (one `result_rows` read, and the
participants of a project whose required skills changed) and returns a new index in which
their rows are as a full build would make them: their kind, region, SME flag, name and
place in the alphabetical order, what each role may see, and their skills. Everything else
is shared with the old index (mapped files stay mapped). So a search right after a write
sees it, visibility changes included, and no request waits for a rebuild.

Writes a patch does not follow return None (the caller builds the index anew): an import
or `clear` (logged as broad), a change of the taxonomy (a skill node or a BROADER
relationship: every member's broader skills could move), or more than `PATCH_LIMIT`
changed rows since the last full build.
"""
from __future__ import annotations

import bisect
import dataclasses
import gc
import threading
import weakref
from typing import Sequence

import numpy as np
from scipy import sparse

from kim_network.core.model import Label, Rel
from kim_network.services.artifacts import Shelf
from kim_network.services.caches import VersionedCache, graph_version, read_export, store_version
from kim_network.services.search_index import LABEL_VALUES, FacetIndex, index_from_export, member_fields, project_fields
from kim_network.store.base import GraphChange

PATCH_LIMIT = 5000  # rows a chain of patches may change before the index is built anew
_ALL = 10 ** 9  # every skill of a result row


def follows(changes: Sequence[GraphChange]) -> bool:
    """Whether a patch can follow these changes (no import, clear or taxonomy change).

    >>> follows([GraphChange("Organization", "o1", "node"), GraphChange("Skill", "s1", "HAS_SKILL")])
    True
    >>> follows([GraphChange("Skill", "s1", "BROADER")]), follows([GraphChange("Skill", "s1", "node")])
    (False, False)
    """
    return not any(c.broad or c.what == Rel.BROADER.value or (c.label == Label.SKILL.value and c.what == "node")
                   for c in changes)


def patch_index(index: FacetIndex, store, until: int) -> FacetIndex | None:
    """`index` with the graph writes after its version up to graph version `until` applied,
    or None when a patch cannot follow them (see the module's docstring)."""
    changes = store.graph_changes(int(index.version), until)
    if changes is None or not follows(changes):
        return None
    if not changes:
        return dataclasses.replace(index, version=until, counts_cache={})
    members = {(c.label, c.id) for c in changes if c.label in LABEL_VALUES}
    projects = sorted({c.id for c in changes if c.label == Label.PROJECT.value})
    for pid in sorted({c.id for c in changes if c.label == Label.PROJECT.value and c.what == Rel.REQUIRES.value}):
        # what its participants have through it changed
        members.update((e.source_label, e.source) for e in store.edges(Label.PROJECT, pid, Rel.PARTICIPATED_IN, "in"))
    already = int(index.patched.sum()) if index.patched is not None else 0
    if already + len(members) > PATCH_LIMIT:
        return None
    members = sorted(members)
    fresh = {(r.label, r.id): r for r in store.result_rows(members + [(Label.PROJECT.value, p) for p in projects],
                                                           skill_limit=_ALL)}
    return _Patch(index).members(members, fresh).projects(projects, fresh).done(until)


class _Patch:
    """The arrays of a new index, copied from the old one as far as they change."""

    def __init__(self, index: FacetIndex) -> None:
        self.index = index
        n = len(index)
        self.ids, self.label = [], []  # of appended rows
        self.kind, self.region, self.sme = index.kind.copy(), index.region.copy(), index.sme.copy()
        self.visible = {level: flags.copy() for level, flags in index.visible.items()}
        self.region_codes = list(index.region_codes)
        self.codes = {code: i for i, code in enumerate(self.region_codes)}
        self.gone = index.gone.copy() if index.gone is not None else np.zeros(n, dtype=bool)
        self.renamed = dict(index.renamed)
        self.skill_rows: dict[int, np.ndarray] = {}
        if index.patched is not None:
            own = index.own_skills
            for i in np.flatnonzero(index.patched).tolist():
                self.skill_rows[i] = own.indices[own.indptr[i]:own.indptr[i + 1]]
        self.touched: list[int] = []
        self.project_ids = index.project_ids
        self.project_visible = index.project_visible

    def _new_row(self, label: str, node_id: str) -> int:
        row = len(self.index) + len(self.label)
        self.ids.append(node_id)
        self.label.append(LABEL_VALUES.index(label))
        self.kind, self.region, self.sme = (np.append(self.kind, -1).astype(self.kind.dtype),
                                            np.append(self.region, 0).astype(self.region.dtype),
                                            np.append(self.sme, -1).astype(self.sme.dtype))
        self.visible = {level: np.append(flags, False) for level, flags in self.visible.items()}
        self.gone = np.append(self.gone, False)
        return row

    def _skills(self, row) -> np.ndarray:
        """The skill columns a member has, with every broader skill, as a full build makes them."""
        index = self.index
        cols = sorted({index.skill_index[s] for s in (*row.skills, *row.project_skills) if s in index.skill_index})
        if not cols:
            return np.zeros(0, dtype=np.int32)
        return np.flatnonzero(np.asarray(index.ancestors[cols].sum(axis=0)).ravel()).astype(np.int32)

    def members(self, keys: Sequence[tuple[str, str]], fresh: dict) -> "_Patch":
        rows = self.index.rows_of(keys)
        for (label, node_id), i in zip(keys, rows.tolist()):
            found = fresh.get((label, node_id))
            if found is None:  # deleted (or never there)
                if i >= 0:
                    self.gone[i] = True
                    for flags in self.visible.values():
                        flags[i] = False
                    self.skill_rows[i] = np.zeros(0, dtype=np.int32)
                    self.touched.append(i)
                continue
            if i < 0:
                i = self._new_row(label, node_id)
            fields = member_fields(label, found.node)
            self.kind[i], self.sme[i] = fields.kind, fields.sme
            if fields.region not in self.codes:
                self.codes[fields.region] = len(self.region_codes)
                self.region_codes.append(fields.region)
            self.region[i] = self.codes[fields.region]
            for level, flag in fields.visible.items():
                self.visible[level][i] = flag
            self.gone[i] = False
            self.renamed[i] = fields.name
            self.skill_rows[i] = self._skills(found)
            self.touched.append(i)
        return self

    def projects(self, project_ids: Sequence[str], fresh: dict) -> "_Patch":
        ids, visible = self.project_ids, {level: flags.copy() for level, flags in self.project_visible.items()}
        for pid in project_ids:
            found = fresh.get((Label.PROJECT.value, pid))
            at = int(np.searchsorted(ids, pid))
            known = at < len(ids) and ids[at] == pid
            if found is None and not known:
                continue
            if not known:
                ids = _insert(ids, at, pid)
                visible = {level: np.insert(flags, at, False) for level, flags in visible.items()}
            hidden = {level: False for level in visible}
            for level, flag in (project_fields(found.node) if found is not None else hidden).items():
                visible[level][at] = flag
        self.project_ids, self.project_visible = ids, visible
        return self

    def done(self, until: int) -> FacetIndex:
        index = self.index
        added = len(self.label)
        n = len(index) + added
        ids = np.append(index.ids, np.array(self.ids, dtype=str)) if added else index.ids
        label = np.append(index.label, np.array(self.label, dtype=index.label.dtype)) if added else index.label
        sorted_ids, sorted_rows = list(index.sorted_ids), list(index.sorted_rows)
        for row in range(len(index), n):
            code = int(label[row])
            at = np.searchsorted(sorted_ids[code], ids[row])
            sorted_ids[code] = _insert(sorted_ids[code], at, ids[row])
            sorted_rows[code] = np.insert(sorted_rows[code], at, row)
        patched = np.zeros(n, dtype=bool)
        patched[list(self.skill_rows)] = True
        order_rows = sorted(self.skill_rows)
        own = sparse.csr_matrix(
            (np.ones(sum(len(self.skill_rows[i]) for i in order_rows), dtype=np.float32),
             np.concatenate([self.skill_rows[i] for i in order_rows]) if order_rows else np.zeros(0, dtype=np.int32),
             np.concatenate([[0], np.cumsum([len(self.skill_rows[i]) for i in order_rows])]).astype(np.int64)),
            shape=(len(order_rows), len(index.skill_ids)))
        # rows x skills: row i of the patched rows at its own row number
        expand = sparse.csr_matrix((np.ones(len(order_rows), dtype=np.float32), (order_rows, range(len(order_rows)))),
                                   shape=(n, len(order_rows)))
        new = dataclasses.replace(
            index, version=until, ids=ids, label=label, sorted_ids=tuple(sorted_ids), sorted_rows=tuple(sorted_rows),
            kind=self.kind, region=self.region, region_codes=self.region_codes, sme=self.sme, visible=self.visible,
            project_ids=self.project_ids, project_visible=self.project_visible, counts_cache={},
            patched=patched, own_skills=(expand @ own).tocsr(), renamed=self.renamed, gone=self.gone)
        new.order = _reordered(new, index.order, self.touched)
        return new


def _insert(values: np.ndarray, at: int, value) -> np.ndarray:
    """`np.insert` that widens a string array for a longer value instead of cutting it.

    >>> _insert(np.array(["a", "c"]), 1, "bb").tolist()
    ['a', 'bb', 'c']
    """
    return np.insert(values.astype(np.promote_types(values.dtype, np.asarray(value).dtype), copy=False), at, value)


def _reordered(index: FacetIndex, order: np.ndarray, touched: Sequence[int]) -> np.ndarray:
    """The alphabetical order with the touched rows taken out and put back where their
    (new) names go; deleted rows are left out."""
    if not touched:
        return order
    touched_set = np.unique(np.asarray(touched, dtype=np.int64))
    keep = order[~np.isin(order, touched_set)]
    back = sorted((i for i in touched_set.tolist() if not index.gone[i]), key=index.name_key)
    keys = _Keys(index, keep)
    at = [bisect.bisect_left(keys, index.name_key(i)) for i in back]
    return np.insert(keep, at, back).astype(np.int64) if back else keep


class _Keys:
    """The name keys of an order's rows, read as a sequence (for `bisect`)."""

    def __init__(self, index: FacetIndex, order: np.ndarray) -> None:
        self.index, self.order = index, order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, k: int) -> tuple[str, str]:
        return self.index.name_key(int(self.order[k]))


class IndexCache(VersionedCache):
    """One FacetIndex per store, following writes by patches (`patch_index`), built anew only
    when a patch cannot follow (then in the background once a build is slow).

    ``exports`` is the shared `GraphExport` cache; without one, each build reads the store.
    With a `shelf` the index is built once per graph version for every worker and app server
    and mapped from the published files; with `may_build=False` (`KIM_SHARED_BUILD=job`)
    only `kim build-projection` builds it. Every worker patches what it mapped up to the
    store's version itself (a few rows, in the request that notices), so a search right after
    a write made through any worker sees it; a published build of the current version is
    mapped instead when there is one.
    """

    def __init__(self, exports: VersionedCache | None = None, background: bool = True,
                 sync_seconds: float = 0.5, shelf: Shelf | None = None, may_build: bool = True,
                 first_wait: float = 5.0) -> None:
        def build(store, _key) -> FacetIndex:
            index = index_from_export(exports.get(store, wait=True) if exports is not None else read_export(store))
            gc.freeze()  # long-lived: the garbage collector need not scan it on every request
            return index

        super().__init__(build, name="search-index", background=background,
                         # a worker that may not build never waits for the job in a request
                         sync_seconds=sync_seconds if may_build else 0.0,
                         version=graph_version if shelf is not None else store_version,
                         shelf=shelf, may_build=may_build, first_wait=first_wait)
        # Not the key lock: a build holds that for seconds, a patch takes milliseconds.
        self._patch_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, store, wait: bool = False) -> FacetIndex:  # type: ignore[override]
        followed = self._followed(store)
        return followed if followed is not None else super().get(store, None, wait)

    def _followed(self, store) -> FacetIndex | None:
        """The index of the store's current version by a patch of the one held, if it can be."""
        entry = self._entry(store, None)
        if entry is None:
            return None
        version = self._version(store)
        if entry.version == version:
            return entry.value
        if self.shelf is not None and self.shelf.find(self._file_key(version, None)) is not None:
            return None  # the current version is published: map it
        with self._lock:
            lock = self._patch_locks.setdefault(store, threading.Lock())
        with lock:  # concurrent requests after one write: one patch, the others take it
            entry = self._entry(store, None)
            if entry.version == version:
                return entry.value
            patched = patch_index(entry.value, store, int(getattr(version, "graph", version)))
            if patched is None:
                return None
            self.follow(store, None, entry, version, patched)  # unless a build finished meanwhile
            return patched
