"""The facet index of search: every organisation, person and project as arrays.

Built from the shared graph export, once per graph version. It holds no node: ids, codes
and flags only, in numpy arrays and one scipy sparse matrix, so that with a shelf
(`kim_network.services.artifacts.Shelf`) it is built once for all workers (by the build job
under `KIM_SHARED_BUILD=job`, like the projection) and every worker maps the same files
read-only instead of holding its own copy. What a page shows of a node is read from the
store (`store.result_rows`) for the few nodes on the page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

import numpy as np
from scipy import sparse

from kim_network.core.columns import Strings
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, Label, Rel, display_name
from kim_network.core.visibility import Viewer, can_see, clearance
from kim_network.services.caches import GraphExport

KINDS = ORG_KINDS + PERSON_KINDS
ENTITY_LABELS = (Label.ORGANIZATION, Label.PERSON)
LABEL_VALUES = (Label.ORGANIZATION.value, Label.PERSON.value)  # by label code
# Relationships that say an organisation or person has a skill (NEEDS does not).
HAVING_RELS = (Rel.HAS_SKILL, Rel.OFFERS)

# Viewers that stand for everyone of a role who owns nothing: what they see is precomputed.
_ROLE_VIEWERS = {0: Viewer(role="anonymous"), 1: Viewer(role="member"), 2: Viewer(role="staff")}
_LABEL_CODE = {value: code for code, value in enumerate(LABEL_VALUES)}
_KIND_CODE = {k: i for i, k in enumerate(KINDS)}


@dataclass(frozen=True)
class MemberFields:
    """What the index holds of one organisation or person, read from its node."""

    label: int
    kind: int
    region: str  # NUTS code, upper case ("" if none)
    sme: int
    name: str  # the alphabetical order's key (with the id)
    visible: dict[int, bool]  # clearance level -> whose role alone sees it


def member_fields(label: str, node: Mapping) -> MemberFields:
    """The index's fields of one member node (the build and the patch after a write share it).

    >>> f = member_fields("Organization", {"id": "o1", "name": "Kanal B", "kind": "company", "sme": True,
    ...                                    "region": "de21", "visibility": "members"})
    >>> f.kind == KINDS.index("company"), f.region, f.sme, f.name, f.visible
    (True, 'DE21', 1, 'kanal b', {0: False, 1: True, 2: True})
    """
    return MemberFields(
        _LABEL_CODE[label], _KIND_CODE.get(node.get("kind"), -1), (node.get("region") or "").upper(),
        -1 if label == Label.PERSON.value else int(bool(node.get("sme"))),
        (node.get("name") or node["id"]).casefold(),
        {level: can_see(viewer, label, node) for level, viewer in _ROLE_VIEWERS.items()})


def _sorted_lookup(ids: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Ids sorted (for binary search) and the position of each in `ids`."""
    order = np.array(sorted(range(len(ids)), key=ids.__getitem__), dtype=np.int64)
    return np.array([ids[i] for i in order.tolist()], dtype=str), order


def _find(sorted_ids: np.ndarray, positions: np.ndarray, wanted: Sequence[str]) -> np.ndarray:
    """The positions of `wanted` ids (-1 for an unknown one).

    >>> s, p = _sorted_lookup(["b", "a", "c"])
    >>> _find(s, p, ["c", "x", "b"]).tolist()
    [2, -1, 0]
    """
    out = np.full(len(wanted), -1, dtype=np.int64)
    if not len(wanted) or not len(sorted_ids):
        return out
    query = np.array(list(wanted), dtype=str)
    at = np.minimum(np.searchsorted(sorted_ids, query), len(sorted_ids) - 1)
    hit = sorted_ids[at] == query
    out[hit] = positions[at[hit]]
    return out


def project_fields(node: Mapping) -> dict[int, bool]:
    """Which role alone sees a project node (clearance level -> whether)."""
    return {level: can_see(viewer, Label.PROJECT, node) for level, viewer in _ROLE_VIEWERS.items()}


@dataclass
class FacetIndex:
    """Organisations, people and projects as arrays, as of one graph version.

    Row `i` of the member arrays is the member `(LABEL_VALUES[label[i]], ids[i])`; `skills`
    is a sparse members x skills matrix of each member's skills with every broader skill (its
    own skills, and the skills its projects require), so a skill filter matches narrower
    skills too. `region` holds codes into `region_codes`; projects are kept as their sorted
    ids with a visibility flag per clearance level.
    """

    version: object
    ids: np.ndarray  # member id per row (str)
    label: np.ndarray  # 0 organisation, 1 person
    sorted_ids: tuple[np.ndarray, np.ndarray]  # per label code: ids sorted, for lookups
    sorted_rows: tuple[np.ndarray, np.ndarray]  # per label code: the row of each sorted id
    kind: np.ndarray  # index into KINDS, -1 unknown
    region: np.ndarray  # index into region_codes
    region_codes: list[str]  # NUTS codes as stored, upper case ("" if none)
    sme: np.ndarray  # 1 SME, 0 not, -1 person
    visible: dict[int, np.ndarray]  # clearance level -> bool per member
    order: np.ndarray  # members alphabetically
    skills: sparse.csr_matrix
    skill_ids: list[str]
    skill_index: dict[str, int]
    skill_nodes: dict[str, dict]  # id -> its id and labels (what a skill's name is made of)
    project_ids: np.ndarray  # sorted
    project_visible: dict[int, np.ndarray]  # clearance level -> bool per project of project_ids
    names: Strings  # per row: its name as the alphabetical order compares it
    ancestors: sparse.csr_matrix  # skills x skills: each skill's broader skills, itself included
    counts_cache: dict[tuple, dict] = field(default_factory=dict)
    # A patched index (`search_patch.patch_index`: writes applied since the build) says which
    # rows it changed: their skills (`own_skills`, rows x skills) and names, and which are gone.
    patched: np.ndarray | None = None  # bool per row
    own_skills: sparse.csr_matrix | None = None
    renamed: dict[int, str] = field(default_factory=dict)
    gone: np.ndarray | None = None  # bool per row: deleted since the build

    def __len__(self) -> int:
        return len(self.ids)

    def key(self, i: int) -> tuple[str, str]:
        return LABEL_VALUES[int(self.label[i])], str(self.ids[i])

    def keys(self, rows: np.ndarray) -> list[tuple[str, str]]:
        """`(label, id)` of each row, as plain strings."""
        return list(zip((LABEL_VALUES[c] for c in self.label[rows].tolist()), self.ids[rows].tolist()))

    def rows_of(self, keys: Sequence[tuple[str, str]]) -> np.ndarray:
        """The row of each `(label, id)` (-1 for a member the index does not know)."""
        out = np.full(len(keys), -1, dtype=np.int64)
        for code, value in enumerate(LABEL_VALUES):
            at = [n for n, (label, _) in enumerate(keys) if label == value]
            if at:
                out[at] = _find(self.sorted_ids[code], self.sorted_rows[code], [keys[n][1] for n in at])
        return out

    def row_of(self, label: str, node_id: str) -> int | None:
        row = int(self.rows_of([(label, node_id)])[0])
        return None if row < 0 else row

    def projects_visible(self, project_ids: Sequence[str], level: int) -> np.ndarray:
        """Whether each project is known to the index and visible at the clearance level."""
        at = _find(self.project_ids, np.arange(len(self.project_ids)), project_ids)
        if not len(self.project_ids):
            return at >= 0
        return (at >= 0) & self.project_visible[level][np.maximum(at, 0)]

    def name_key(self, i: int) -> tuple[str, str]:
        """What the alphabetical order sorts row `i` by."""
        name = self.renamed.get(i)
        return (self.names[i] if name is None else name), str(self.ids[i])

    def members_with_skill(self, j: int) -> np.ndarray:
        """The rows that have skill column `j` (or a narrower one), sorted."""
        rows = self.skills[:, j].nonzero()[0]
        if self.patched is None:
            return np.sort(rows)
        return np.union1d(rows[~self.patched[rows]], self.own_skills[:, j].nonzero()[0])

    def skill_counts(self, rows: np.ndarray) -> np.ndarray:
        """How many of `rows` have each skill (a float per skill column)."""
        if self.patched is None:
            return np.asarray(self.skills[rows].sum(axis=0)).ravel()
        mine = self.patched[rows]
        return (np.asarray(self.skills[rows[~mine]].sum(axis=0)).ravel()
                + np.asarray(self.own_skills[rows[mine]].sum(axis=0)).ravel())

    def skill_name(self, skill_id: str, lang: str) -> str:
        node = self.skill_nodes.get(skill_id)
        return display_name(Label.SKILL, node, lang) if node else skill_id

    def visible_mask(self, viewer: Viewer) -> np.ndarray:
        """Who the viewer may see: their role's members plus their own profiles."""
        mask = self.visible[clearance(viewer)]
        extra = self.own_extras(viewer)
        if extra:
            mask = mask.copy()
            mask[extra] = True
        return mask

    def own_extras(self, viewer: Viewer) -> list[int]:
        """Rows of the viewer's own profiles that their role alone would not show (pending, staff-only).

        Everyone sees their own organisation and person (`can_see`), so no node is needed:
        a row of theirs that their level hides is an extra.
        """
        out = []
        for label, node_id in ((Label.ORGANIZATION.value, viewer.organization_id),
                               (Label.PERSON.value, viewer.person_id)):
            i = self.row_of(label, node_id) if node_id else None
            if i is not None and not self.visible[clearance(viewer)][i] and not (self.gone is not None and self.gone[i]):
                out.append(i)
        return out


def _ancestors(start: str, parents: Mapping[str, set[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _ones(rows: list, cols: list, shape: tuple[int, int]) -> sparse.csr_matrix:
    return sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)


def index_from_export(export: GraphExport) -> FacetIndex:
    """The facet index of one graph export."""
    skill_nodes = {node["id"]: {k: v for k, v in node.items() if k == "id" or k.startswith("label_")}
                   for _, node in export.nodes_of([Label.SKILL])}
    skill_ids = sorted(skill_nodes)
    skill_index = {sid: j for j, sid in enumerate(skill_ids)}
    parents: dict[str, set[str]] = {}
    for edge in export.edges_of([Rel.BROADER]):
        parents.setdefault(edge.source, set()).add(edge.target)

    ids, labels, kinds, regions, sme, names = [], [], [], [], [], []
    visible: dict[int, list[bool]] = {level: [] for level in _ROLE_VIEWERS}
    region_code: dict[str, int] = {}
    for label_value, node in export.nodes_of(ENTITY_LABELS):
        fields = member_fields(getattr(label_value, "value", label_value), node)
        ids.append(node["id"])
        labels.append(fields.label)
        kinds.append(fields.kind)
        regions.append(region_code.setdefault(fields.region, len(region_code)))
        sme.append(fields.sme)
        names.append(fields.name)
        for level, flag in fields.visible.items():
            visible[level].append(flag)
    index = {(LABEL_VALUES[c], i): row for row, (c, i) in enumerate(zip(labels, ids))}  # for the build only
    n, m = len(ids), len(skill_ids)

    # What each member has: its own skills, and the skills of the projects it took part in.
    rows, cols = [], []
    for edge in export.edges_of(HAVING_RELS):
        i, j = index.get((edge.source_label, edge.source)), skill_index.get(edge.target)
        if i is not None and j is not None:
            rows.append(i)
            cols.append(j)
    direct = _ones(rows, cols, (n, m))
    project_ids, project_vis = [], {level: [] for level in _ROLE_VIEWERS}
    for _, node in export.nodes_of([Label.PROJECT]):
        project_ids.append(node["id"])
        for level, flag in project_fields(node).items():
            project_vis[level].append(flag)
    project_index = {pid: k for k, pid in enumerate(project_ids)}
    p_rows, p_cols, r_rows, r_cols = [], [], [], []
    for edge in export.edges_of([Rel.PARTICIPATED_IN]):
        i, k = index.get((edge.source_label, edge.source)), project_index.get(edge.target)
        if i is not None and k is not None:
            p_rows.append(i)
            p_cols.append(k)
    for edge in export.edges_of([Rel.REQUIRES]):
        k, j = project_index.get(edge.source), skill_index.get(edge.target)
        if edge.source_label == Label.PROJECT.value and k is not None and j is not None:
            r_rows.append(k)
            r_cols.append(j)
    took_part = _ones(p_rows, p_cols, (n, len(project_ids)))
    requires = _ones(r_rows, r_cols, (len(project_ids), m))
    a_rows, a_cols = [], []
    for sid, j in skill_index.items():
        for ancestor in _ancestors(sid, parents):
            if ancestor in skill_index:
                a_rows.append(j)
                a_cols.append(skill_index[ancestor])
    ancestors = _ones(a_rows, a_cols, (m, m))
    having = ((direct + took_part @ requires) @ ancestors).tocsr()
    having.sum_duplicates()
    having.data[:] = 1.0
    del index, direct, took_part, requires

    label_arr = np.array(labels, dtype=np.int8)
    sorted_ids, sorted_rows = [], []
    for code in range(len(LABEL_VALUES)):
        rows_of_label = np.flatnonzero(label_arr == code)
        found, at = _sorted_lookup([ids[i] for i in rows_of_label.tolist()])
        sorted_ids.append(found)
        sorted_rows.append(rows_of_label[at])
    order = np.array(sorted(range(n), key=lambda i: (names[i], ids[i])), dtype=np.int64)
    project_sorted, project_at = _sorted_lookup(project_ids)
    return FacetIndex(
        version=export.version, ids=np.array(ids, dtype=str), label=label_arr,
        sorted_ids=tuple(sorted_ids), sorted_rows=tuple(sorted_rows),
        kind=np.array(kinds, dtype=np.int16), region=np.array(regions, dtype=np.int32),
        region_codes=list(region_code), sme=np.array(sme, dtype=np.int8),
        visible={level: np.array(flags, dtype=bool) for level, flags in visible.items()}, order=order,
        skills=having, skill_ids=skill_ids, skill_index=skill_index, skill_nodes=skill_nodes,
        project_ids=project_sorted,
        project_visible={level: np.array(flags, dtype=bool)[project_at] for level, flags in project_vis.items()},
        names=Strings.of(names), ancestors=ancestors)
