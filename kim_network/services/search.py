"""Search over members (organisations and people) and projects, with facets and "why it matched".

Relevance comes from the store's own full-text indexes (`store.text_search`: German and
English stemming, matches through skills, the taxonomy and projects), and one store read
(`store.result_rows`) gives the page its nodes and skills. Facets come from an in-memory
index of every organisation, person and project (`FacetIndex`, numpy arrays), built from
the shared graph export and rebuilt in the background after writes, so no query waits for
it; members written since its last build are checked against the store directly.
Visibility is applied to the candidates before anything is counted or paged, so a hidden
profile leaks neither as a result nor as a facet count.
"""
from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
from scipy import sparse

from kim_network.core import regions
from kim_network.core.errors import Invalid
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, REGIERUNGSBEZIRKE, Label, Rel, display_name
from kim_network.core.text import readable_case, stem, strip_accents, words
from kim_network.core.visibility import Viewer, can_see, clearance
from kim_network.services.caches import GraphExport, VersionedCache, read_export
from kim_network.store import GraphStore, InvalidQuery
from kim_network.store.base import ResultRow, TextMatch, search_terms

KINDS = ORG_KINDS + PERSON_KINDS
ENTITY_LABELS = (Label.ORGANIZATION, Label.PERSON)
TYPES = ("organization", "person", "project")
# Relationships that say an organisation or person has a skill (NEEDS does not).
HAVING_RELS = (Rel.HAS_SKILL, Rel.OFFERS)
MAX_PER_PAGE = 100
SKILL_FACET_SIZE = 15
REGION_FACET_SIZE = 20
PROJECTS_BESIDE = 3  # matching projects shown beside the member results

# Viewers that stand for everyone of a role who owns nothing: what they see is precomputed.
_ROLE_VIEWERS = {0: Viewer(role="anonymous"), 1: Viewer(role="member"), 2: Viewer(role="staff")}
_LABEL_CODE = {Label.ORGANIZATION.value: 0, Label.PERSON.value: 1}


# -- the facet index ---------------------------------------------------------------------------
@dataclass
class FacetIndex:
    """Organisations, people and projects as arrays, as of one store version.

    Row `i` of the member arrays is `keys[i]`; `skills` is a sparse members x skills matrix
    of each member's skills with every broader skill (its own skills, and the skills its
    projects require), so a skill filter matches narrower skills too.
    """

    version: int
    keys: list[tuple[str, str]]
    index: dict[tuple[str, str], int]
    nodes: list[dict]
    label: np.ndarray  # 0 organisation, 1 person
    kind: np.ndarray  # index into KINDS, -1 unknown
    region: list[str]  # NUTS code as stored ("" if none)
    sme: np.ndarray  # 1 SME, 0 not, -1 person
    visible: dict[int, np.ndarray]  # clearance level -> bool per member
    order: np.ndarray  # members alphabetically
    skills: sparse.csr_matrix
    skill_ids: list[str]
    skill_index: dict[str, int]
    skill_nodes: dict[str, dict]
    project_visible: dict[int, set[str]]  # clearance level -> visible project ids
    counts_cache: dict[tuple, dict] = field(default_factory=dict)

    def skill_name(self, skill_id: str, lang: str) -> str:
        node = self.skill_nodes.get(skill_id)
        return display_name(Label.SKILL, node, lang) if node else skill_id

    def visible_mask(self, viewer: Viewer) -> np.ndarray:
        """Who the viewer may see: their role's members plus their own profiles."""
        level = clearance(viewer)
        mask = self.visible[level]
        extra = self.own_extras(viewer)
        if extra:
            mask = mask.copy()
            mask[extra] = True
        return mask

    def own_extras(self, viewer: Viewer) -> list[int]:
        """Rows of the viewer's own profiles that their role alone would not show (pending, staff-only)."""
        out = []
        for key in ((Label.ORGANIZATION.value, viewer.organization_id), (Label.PERSON.value, viewer.person_id)):
            i = self.index.get(key) if key[1] else None
            if i is not None and not self.visible[clearance(viewer)][i] and can_see(viewer, key[0], self.nodes[i]):
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


def index_from_export(export: GraphExport) -> FacetIndex:
    """The facet index of one graph export."""
    skill_nodes = {node["id"]: node for _, node in export.nodes_of([Label.SKILL])}
    skill_ids = sorted(skill_nodes)
    skill_index = {sid: j for j, sid in enumerate(skill_ids)}
    parents: dict[str, set[str]] = {}
    for edge in export.edges_of([Rel.BROADER]):
        parents.setdefault(edge.source, set()).add(edge.target)

    keys, nodes, labels, kinds, region, sme = [], [], [], [], [], []
    kind_code = {k: i for i, k in enumerate(KINDS)}
    for label_value, node in export.nodes_of(ENTITY_LABELS):
        label = getattr(label_value, "value", label_value)
        keys.append((label, node["id"]))
        nodes.append(node)
        labels.append(_LABEL_CODE[label])
        kinds.append(kind_code.get(node.get("kind"), -1))
        region.append((node.get("region") or "").upper())
        sme.append(-1 if label == Label.PERSON.value else int(bool(node.get("sme"))))
    index = {key: i for i, key in enumerate(keys)}
    n, m = len(keys), len(skill_ids)

    # What each member has: its own skills, and the skills of the projects it took part in.
    rows, cols = [], []
    for edge in export.edges_of(HAVING_RELS):
        i, j = index.get((edge.source_label, edge.source)), skill_index.get(edge.target)
        if i is not None and j is not None:
            rows.append(i)
            cols.append(j)
    direct = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, m))
    projects = {node["id"]: node for _, node in export.nodes_of([Label.PROJECT])}
    project_index = {pid: k for k, pid in enumerate(projects)}
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
    took_part = sparse.csr_matrix((np.ones(len(p_rows), dtype=np.float32), (p_rows, p_cols)), shape=(n, len(projects)))
    requires = sparse.csr_matrix((np.ones(len(r_rows), dtype=np.float32), (r_rows, r_cols)), shape=(len(projects), m))
    a_rows, a_cols = [], []
    for sid, j in skill_index.items():
        for ancestor in _ancestors(sid, parents):
            if ancestor in skill_index:
                a_rows.append(j)
                a_cols.append(skill_index[ancestor])
    up = sparse.csr_matrix((np.ones(len(a_rows), dtype=np.float32), (a_rows, a_cols)), shape=(m, m))
    having = ((direct + took_part @ requires) @ up).tocsr()
    having.data[:] = 1.0

    visible = {level: np.fromiter((can_see(viewer, keys[i][0], nodes[i]) for i in range(n)), dtype=bool, count=n)
               for level, viewer in _ROLE_VIEWERS.items()}
    names = [(nodes[i].get("name") or nodes[i]["id"]).casefold() for i in range(n)]
    order = np.array(sorted(range(n), key=lambda i: (names[i], keys[i][1])), dtype=np.int64)
    project_visible = {level: {pid for pid, node in projects.items() if can_see(viewer, Label.PROJECT, node)}
                       for level, viewer in _ROLE_VIEWERS.items()}
    return FacetIndex(export.version, keys, index, nodes, np.array(labels, dtype=np.int8),
                      np.array(kinds, dtype=np.int16), region, np.array(sme, dtype=np.int8), visible, order,
                      having, skill_ids, skill_index, skill_nodes, project_visible)


class IndexCache(VersionedCache):
    """One FacetIndex per store, rebuilt after writes (in the background once it is slow).

    ``exports`` is the shared `GraphExport` cache; without one, each build reads the store.
    """

    def __init__(self, exports: VersionedCache | None = None, background: bool = True,
                 sync_seconds: float = 0.5) -> None:
        def build(store, _key) -> FacetIndex:
            index = index_from_export(exports.get(store, wait=True) if exports is not None else read_export(store))
            gc.freeze()  # long-lived: the garbage collector need not scan it on every request
            return index

        super().__init__(build, name="search-index", background=background, sync_seconds=sync_seconds)

    def get(self, store: GraphStore, wait: bool = False) -> FacetIndex:  # type: ignore[override]
        return super().get(store, None, wait)


# -- queries and results -------------------------------------------------------------------------
@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class SearchQuery:
    """A search as the user asked it; `parse_query` builds one from request arguments."""

    text: str = ""
    kinds: tuple[str, ...] = ()
    skill: str | None = None
    region: str | None = None
    sme: bool | None = None
    type: str | None = None  # organization | person | project
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Why:
    """Why a result matched, as a person reads it: where the words were found.

    `kind` is `text` (its own description, name or keywords), `skill` (a skill it has, or a
    project requires), `project` (the text of one of its projects) or `project_skill` (one of
    its projects requires a matching skill). `before`, `match` and `after` are a short
    excerpt with the matching word; `related` says the skill is only close to the words
    (the broader skill of one that matched).
    """

    kind: str
    field: str | None = None
    before: str = ""
    match: str = ""
    after: str = ""
    skill_id: str | None = None
    skill_name: str | None = None
    project_id: str | None = None
    project_name: str | None = None
    related: bool = False


@dataclass
class Result:
    label: Label
    id: str
    name: str
    node: dict
    score: float
    skills: list[tuple[str, str]]  # (id, name) of its own skills (or, failing those, its projects'), a few
    projects: int = 0  # projects it took part in (a project: its participants)
    why: Why | None = None
    skills_from_projects: bool = False


@dataclass
class SearchResult:
    query: SearchQuery
    items: list[Result]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    projects: list[Result] = field(default_factory=list)  # matching projects beside the members
    project_total: int = 0
    prefix: bool = False  # no word matched whole; word beginnings were used

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


class BadQuery(Invalid):
    """A search argument is invalid; `field` names it."""

    status = 400
    summary = "Some parameters are not valid."


def _int(value, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise BadQuery(f"{name} must be a whole number", name) from None
    if not low <= number <= high:
        raise BadQuery(f"{name} must be between {low} and {high}", name)
    return number


def parse_query(args: Mapping[str, str] | Mapping[str, list], getlist=None) -> SearchQuery:
    """Validate request arguments (`q`, `kind` (repeatable), `skill`, `region`, `sme`, `type`, `page`, `per_page`)."""
    text = (args.get("q") or "").strip()
    try:
        search_terms(text)
    except InvalidQuery as exc:
        raise BadQuery(str(exc), "q") from None
    kinds = tuple(k for k in (getlist("kind") if getlist else [args.get("kind")]) if k)
    for kind in kinds:
        if kind not in KINDS:
            raise BadQuery(f"kind must be one of: {', '.join(KINDS)}", "kind")
    region = args.get("region") or None
    if region is not None and (len(region) > 5 or not region.isalnum()):
        raise BadQuery("region must be a NUTS code such as DE21", "region")
    sme_text = (args.get("sme") or "").lower()
    if sme_text not in ("", "true", "false", "1", "0", "yes", "no"):
        raise BadQuery("sme must be true or false", "sme")
    sme = None if not sme_text else sme_text in ("true", "1", "yes")
    type_ = args.get("type") or None
    if type_ not in (None, *TYPES):
        raise BadQuery("type must be organization, person or project", "type")
    skill = args.get("skill") or None
    if skill is not None and len(skill) > 64:
        raise BadQuery("skill must be a skill id", "skill")
    return SearchQuery(
        text=text, kinds=kinds, skill=skill, region=region.upper() if region else None, sme=sme, type=type_,
        page=_int(args.get("page"), "page", 1, 1, 10_000),
        per_page=_int(args.get("per_page"), "per_page", 20, 1, MAX_PER_PAGE),
    )


# -- "why it matched" ------------------------------------------------------------------------------
_WINDOW = 9  # words shown on each side of the match


class _Terms:
    """The query's words as the indexes see them: their stems in both languages."""

    def __init__(self, text: str, prefix: bool) -> None:
        self.words = [strip_accents(t) for t in search_terms(text)]
        self.stems = {stem(w, lang) for w in self.words for lang in ("de", "en")}
        self.prefix = prefix

    def match(self, word: str) -> bool:
        folded = strip_accents(word.lower())
        if self.prefix:
            return any(folded.startswith(w) for w in self.words)
        return stem(folded, "en") in self.stems or stem(folded, "de") in self.stems or folded in self.words


def excerpt(text: str, terms: _Terms) -> tuple[str, str, str] | None:
    """`(before, match, after)` around the first matching word of a text, a few words each side.

    >>> excerpt("Wir liefern automatische Untertitelungen für das Regionalfernsehen.", _Terms("Untertitel", False))
    ('Wir liefern automatische', 'Untertitelungen', 'für das Regionalfernsehen.')
    """
    if not text:
        return None
    tokens = text.split()
    for i, token in enumerate(tokens):
        if any(terms.match(w) for w in words(token)):
            before = tokens[max(0, i - _WINDOW):i]
            after = tokens[i + 1:i + 1 + _WINDOW]
            return ((("… " if i > _WINDOW else "") + " ".join(before)), token,
                    (" ".join(after) + (" …" if i + 1 + _WINDOW < len(tokens) else "")))
    return None


_OWN_FIELDS = ("description_{lang}", "description_{other}", "keywords", "name", "short_name", "title", "city")
_PROJECT_FIELDS = ("title", "keywords", "objective", "topic_title")


def _why(match: TextMatch | None, row: ResultRow, projects: Mapping[str, ResultRow], terms: _Terms,
         index: FacetIndex, matched_skills: set[str], lang: str) -> Why | None:
    """The clearest reason a result matched: its own words, a skill, or one of its projects."""
    other = "en" if lang == "de" else "de"
    for name in _OWN_FIELDS:
        key = name.format(lang=lang, other=other)
        value = str(row.node.get(key) or "")
        found = excerpt(readable_case(value) if key in ("name", "short_name") else value, terms)
        if found:
            return Why("text", key.removesuffix("_de").removesuffix("_en"), *found)
    if match is None:
        return None
    if match.skill:
        return Why("skill", skill_id=match.skill, skill_name=index.skill_name(match.skill, lang),
                   related=match.skill not in matched_skills)
    project = projects.get(match.project or "")
    if project is None:
        return None
    project_name = project.node.get("acronym") or display_name(Label.PROJECT, project.node)
    for key in _PROJECT_FIELDS:
        found = excerpt(str(project.node.get(key) or ""), terms)
        if found:
            return Why("project", key, *found, project_id=project.id, project_name=project_name)
    skill = next((s for s in project.skills if s in matched_skills), None) or next(iter(project.skills), None)
    return Why("project_skill", project_id=project.id, project_name=project_name, skill_id=skill,
               skill_name=index.skill_name(skill, lang) if skill else None,
               related=skill is not None and skill not in matched_skills)


# -- facets ------------------------------------------------------------------------------------------
def _region_ok(codes: Sequence[str], prefix: str) -> np.ndarray:
    cache: dict[str, bool] = {}
    return np.fromiter((cache.setdefault(c, c.startswith(prefix)) for c in codes), dtype=bool, count=len(codes))


def _filters(q: SearchQuery, index: FacetIndex, rows: np.ndarray) -> dict[str, np.ndarray]:
    """For each filter the query sets: which candidate rows pass it."""
    out: dict[str, np.ndarray] = {}
    if q.type in ("organization", "person"):
        out["type"] = index.label[rows] == (0 if q.type == "organization" else 1)
    if q.kinds:
        wanted = [KINDS.index(k) for k in q.kinds]
        out["kind"] = np.isin(index.kind[rows], wanted)
    if q.region:
        out["region"] = _region_ok([index.region[r] for r in rows], q.region)
    if q.sme is not None:
        out["sme"] = index.sme[rows] == int(q.sme)
    if q.skill:
        j = index.skill_index.get(q.skill)
        if j is None:
            out["skill"] = np.zeros(len(rows), dtype=bool)
        else:
            column = index.skills[:, j]
            having = set(column.nonzero()[0].tolist())
            out["skill"] = np.fromiter((r in having for r in rows.tolist()), dtype=bool, count=len(rows))
    return out


def _counts(index: FacetIndex, rows: np.ndarray, passes: Mapping[str, np.ndarray]) -> dict[str, dict]:
    """Counts per facet value, each facet with every *other* filter applied."""
    everything = np.ones(len(rows), dtype=bool)

    def pool(name: str) -> np.ndarray:
        mask = everything.copy()
        for other, passed in passes.items():
            if other != name:
                mask &= passed
        return rows[mask]

    counts: dict[str, dict] = {}
    chosen = pool("type")
    labels = np.bincount(index.label[chosen].astype(np.int64), minlength=2) if len(chosen) else np.zeros(2, int)
    counts["type"] = {"organization": int(labels[0]), "person": int(labels[1])}
    chosen = pool("kind")
    kinds = index.kind[chosen]
    kinds = kinds[kinds >= 0].astype(np.int64)
    found = np.bincount(kinds, minlength=len(KINDS)) if len(kinds) else np.zeros(len(KINDS), int)
    counts["kind"] = {KINDS[i]: int(c) for i, c in enumerate(found) if c}
    chosen = pool("region")
    by_region: dict[str, int] = {}
    by_country: dict[str, int] = {}
    for r in chosen.tolist():
        code = index.region[r]
        if code:
            by_region[code[:4]] = by_region.get(code[:4], 0) + 1
            by_country[code[:2]] = by_country.get(code[:2], 0) + 1
    counts["region"], counts["country"] = by_region, by_country
    chosen = pool("sme")
    sme = index.sme[chosen]
    counts["sme"] = {True: int((sme == 1).sum()), False: int((sme == 0).sum())}
    chosen = pool("skill")
    if len(chosen):
        per_skill = np.asarray(index.skills[chosen].sum(axis=0)).ravel()
        top = np.argsort(-per_skill, kind="stable")[:SKILL_FACET_SIZE]
        counts["skill"] = {index.skill_ids[j]: int(per_skill[j]) for j in top if per_skill[j] > 0}
        counts["skill_all"] = per_skill
    else:
        counts["skill"], counts["skill_all"] = {}, None
    return counts


def _facets(index: FacetIndex, counts: dict, q: SearchQuery, lang: str, projects: int) -> dict[str, list[FacetValue]]:
    """Facet values to show: their label in `lang`, count and whether the query selects them."""
    facets: dict[str, list[FacetValue]] = {}
    facets["type"] = [FacetValue(t, t, counts["type"][t], q.type == t) for t in ("organization", "person")
                      if counts["type"][t] or q.type == t]
    if projects or q.type == "project":
        facets["type"].append(FacetValue("project", "project", projects, q.type == "project"))
    kinds = counts["kind"]
    facets["kind"] = [FacetValue(k, k, kinds.get(k, 0), k in q.kinds) for k in KINDS if kinds.get(k) or k in q.kinds]
    by_region = counts["region"]
    bavarian = [code for code in REGIERUNGSBEZIRKE if by_region.get(code)]
    others = sorted((c for c in by_region if c not in REGIERUNGSBEZIRKE and len(c) == 4),
                    key=lambda c: (-by_region[c], c))
    shown = (bavarian + others)[:REGION_FACET_SIZE]
    if q.region and len(q.region) >= 4 and q.region[:4] not in shown:
        shown.append(q.region[:4])
    facets["region"] = [FacetValue(c, regions.region_name(c, lang), by_region.get(c, 0), q.region == c) for c in shown]
    by_country = counts["country"]
    countries = sorted(by_country, key=lambda c: (-by_country[c], c))[:REGION_FACET_SIZE]
    if q.region and len(q.region) == 2 and q.region not in countries:
        countries.append(q.region)
    facets["country"] = [FacetValue(c, regions.country_name(c, lang), by_country.get(c, 0), q.region == c)
                         for c in countries]
    facets["sme"] = [FacetValue("true", "sme", counts["sme"][True], q.sme is True),
                     FacetValue("false", "not_sme", counts["sme"][False], q.sme is False)]
    top = list(counts["skill"])
    if q.skill and q.skill not in top:
        top.append(q.skill)
    per_skill = counts["skill_all"]
    facets["skill"] = [FacetValue(s, index.skill_name(s, lang),
                                  int(per_skill[index.skill_index[s]]) if per_skill is not None and s in index.skill_index
                                  else 0, q.skill == s) for s in top]
    return facets


# -- the search ---------------------------------------------------------------------------------------
def _newcomers(store: GraphStore, viewer: Viewer, index: FacetIndex,
               matches: Sequence[TextMatch]) -> dict[tuple[str, str], dict]:
    """Members the text search found that the index does not know yet (written since its build),
    read from the store and kept when the viewer may see them."""
    missing: dict[str, list[str]] = {}
    for m in matches:
        if (m.label, m.id) not in index.index:
            missing.setdefault(m.label, []).append(m.id)
    out = {}
    for label, ids in missing.items():
        for node_id, node in store.get_nodes(label, ids).items():
            if can_see(viewer, label, node) and not node.get("merged_into"):
                out[(label, node_id)] = node
    return out


def search(
    store: GraphStore,
    viewer: Viewer,
    query: SearchQuery,
    lang: str = "de",
    cache: IndexCache | None = None,
    labels: Iterable[Label] = ENTITY_LABELS,
) -> SearchResult:
    """Visible members (and projects) matching the query, one page of them, and facet counts.

    With text: ranked by relevance, each result with why it matched. Without: members
    alphabetically. A skill filter matches members that have the skill or a narrower one,
    themselves or through their projects.
    """
    index = (cache or IndexCache()).get(store)
    wanted = {label.value for label in labels}
    mask = index.visible_mask(viewer)
    text_result = store.text_search(query.text) if query.text and search_terms(query.text) else None

    scores: dict[int, float] = {}
    evidence: dict[tuple[str, str], TextMatch] = {}
    newcomers: dict[tuple[str, str], dict] = {}
    if text_result is not None:
        for m in text_result.members:
            evidence[(m.label, m.id)] = m
            i = index.index.get((m.label, m.id))
            if i is not None and mask[i] and m.label in wanted:
                scores[i] = m.score
        newcomers = {k: v for k, v in _newcomers(store, viewer, index, text_result.members).items() if k[0] in wanted}
        rows = np.fromiter(scores, dtype=np.int64, count=len(scores))
    else:
        rows = index.order[mask[index.order]]
        if len(wanted) < len(ENTITY_LABELS):
            rows = rows[np.isin(index.label[rows], [_LABEL_CODE[w] for w in wanted])]

    passes = _filters(query, index, rows)
    if query.type == "project":  # only the type facet counts members; nothing else about them is shown
        labels_found = np.bincount(index.label[rows].astype(np.int64), minlength=2) if len(rows) else np.zeros(2, int)
        counts = {"type": {"organization": int(labels_found[0]), "person": int(labels_found[1])}, "kind": {},
                  "region": {}, "country": {}, "sme": {True: 0, False: 0}, "skill": {}, "skill_all": None}
    elif text_result is None and not passes:
        key = (clearance(viewer), tuple(index.own_extras(viewer)), frozenset(wanted))
        counts = index.counts_cache.get(key)
        if counts is None:
            counts = index.counts_cache[key] = _counts(index, rows, passes)
    else:
        counts = _counts(index, rows, passes)
    keep = np.ones(len(rows), dtype=bool)
    for passed in passes.values():
        keep &= passed
    rows = rows[keep]
    if scores and query.type != "project":
        rows = np.array(sorted(rows.tolist(), key=lambda i: (-scores[i], index.keys[i])),
                        dtype=np.int64)
    member_keys = [index.keys[i] for i in rows.tolist()]
    # Members written since the index was built: filtered by what their node says.
    for key, node in newcomers.items():
        if _passes_node(query, key[0], node):
            member_keys.append(key)

    visible_projects = []
    if text_result is not None:
        level_projects = index.project_visible[clearance(viewer)]
        visible_projects = [p for p in text_result.projects if p.id in level_projects]
    project_total = len(visible_projects)

    if query.type == "project":
        page_members: list[tuple[str, str]] = []
        page_projects = visible_projects[query.offset: query.offset + query.per_page]
        total = project_total
    else:
        page_members = member_keys[query.offset: query.offset + query.per_page]
        page_projects = visible_projects[:PROJECTS_BESIDE] if query.page == 1 else []
        total = len(member_keys)
    evidence_projects = [evidence[k].project for k in page_members if k in evidence and evidence[k].project]
    wanted_rows = page_members + [(Label.PROJECT.value, p.id) for p in page_projects]
    wanted_rows += [(Label.PROJECT.value, pid) for pid in evidence_projects if (Label.PROJECT.value, pid) not in wanted_rows]
    read = {(r.label, r.id): r for r in store.result_rows(wanted_rows)}
    project_rows = {r.id: r for r in read.values() if r.label == Label.PROJECT.value and can_see(viewer, Label.PROJECT, r.node)}

    terms = _Terms(query.text, bool(text_result and text_result.prefix)) if text_result is not None else None
    matched_skills = set(text_result.matched_skills) if text_result is not None else set()
    items = []
    for key in page_members:
        row = read.get(key)
        if row is None or not can_see(viewer, key[0], row.node):  # deleted or hidden since the index was built
            continue
        match = evidence.get(key)
        items.append(_result(row, index, lang, match.score if match else 0.0,
                             _why(match, row, project_rows, terms, index, matched_skills, lang) if terms else None))
    projects = []
    for p in page_projects:
        row = project_rows.get(p.id)
        if row is not None:
            projects.append(_result(row, index, lang, p.score,
                                    _why(p, row, {}, terms, index, matched_skills, lang) if terms else None))
    facets = _facets(index, counts, query, lang, project_total)
    return SearchResult(query, projects if query.type == "project" else items, total, facets,
                        [] if query.type == "project" else projects, project_total,
                        bool(text_result and text_result.prefix))


def _passes_node(q: SearchQuery, label: str, node: Mapping) -> bool:
    """The query's filters on a node the index does not know yet (its skills are not known either)."""
    if q.type in ("organization", "person") and label.lower() != q.type:
        return False
    if q.kinds and node.get("kind") not in q.kinds:
        return False
    if q.region and not (node.get("region") or "").upper().startswith(q.region):
        return False
    if q.sme is not None and (label != Label.ORGANIZATION.value or bool(node.get("sme")) != q.sme):
        return False
    return q.skill is None


def _named(skill_ids: Iterable[str], index: FacetIndex, lang: str) -> list[tuple[str, str]]:
    """Skills with their names, one per name (euroSciVoc and keyword skills often share one)."""
    out, seen = [], set()
    for sid in skill_ids:
        name = index.skill_name(sid, lang)
        if sid in index.skill_nodes and name.casefold() not in seen:
            seen.add(name.casefold())
            out.append((sid, name))
    return out


def _result(row: ResultRow, index: FacetIndex, lang: str, score: float, why: Why | None) -> Result:
    label = Label(row.label)
    own = _named(row.skills, index, lang)
    from_projects = not own and label is not Label.PROJECT
    if from_projects:
        own = _named(row.project_skills, index, lang)
    return Result(label, row.id, display_name(label, row.node), row.node, score, own, row.projects, why,
                  from_projects and bool(own))
