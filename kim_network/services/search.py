"""Search over members (organisations and people) and projects, with facets and "why it matched".

Relevance comes from the store's own full-text indexes (`store.text_search`: German and
English stemming, matches through skills, the taxonomy and projects), and one store read
(`store.result_rows`) gives the page its nodes and skills. Facets come from an index of
every organisation, person and project (`FacetIndex` in `kim_network.services.search_index`:
ids, codes and flags in numpy arrays, no node), built from the shared graph export (with a
shared folder: by one process, mapped by every worker). After a write it follows by a patch
of the rows the write touched (`kim_network.services.search_patch`), so a search right after
it sees it and no query waits for a rebuild; only imports and taxonomy changes build it
anew (in the background), and meanwhile members the index does not know yet are checked
against the store directly.
Visibility is applied to the candidates before anything is counted or paged, so a hidden
profile leaks neither as a result nor as a facet count.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np

from kim_network.core import regions
from kim_network.core.errors import Invalid
from kim_network.core.model import REGIERUNGSBEZIRKE, Label, display_name
from kim_network.core.text import readable_case, stem, strip_accents, words
from kim_network.core.visibility import Viewer, can_see, clearance
from kim_network.services.search_index import ENTITY_LABELS, KINDS, LABEL_VALUES, FacetIndex
from kim_network.services.search_patch import IndexCache
from kim_network.store import GraphStore, InvalidQuery
from kim_network.store.base import ResultRow, TextMatch, search_terms

TYPES = ("organization", "person", "project")
MAX_PER_PAGE = 100
SKILL_FACET_SIZE = 15
REGION_FACET_SIZE = 20
PROJECTS_BESIDE = 3  # matching projects shown beside the member results

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
def _region_ok(index: FacetIndex, rows: np.ndarray, prefix: str) -> np.ndarray:
    ok = np.array([code.startswith(prefix) for code in index.region_codes], dtype=bool)
    return ok[index.region[rows]] if len(ok) else np.zeros(len(rows), dtype=bool)


def _filters(q: SearchQuery, index: FacetIndex, rows: np.ndarray) -> dict[str, np.ndarray]:
    """For each filter the query sets: which candidate rows pass it."""
    out: dict[str, np.ndarray] = {}
    if q.type in ("organization", "person"):
        out["type"] = index.label[rows] == (0 if q.type == "organization" else 1)
    if q.kinds:
        wanted = [KINDS.index(k) for k in q.kinds]
        out["kind"] = np.isin(index.kind[rows], wanted)
    if q.region:
        out["region"] = _region_ok(index, rows, q.region)
    if q.sme is not None:
        out["sme"] = index.sme[rows] == int(q.sme)
    if q.skill:
        j = index.skill_index.get(q.skill)
        if j is None:
            out["skill"] = np.zeros(len(rows), dtype=bool)
        else:
            out["skill"] = np.isin(rows, index.members_with_skill(j))
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
    per_code = np.bincount(index.region[chosen], minlength=len(index.region_codes)) if len(chosen) else ()
    for code, count in zip(index.region_codes, np.asarray(per_code).tolist()):
        if code and count:
            by_region[code[:4]] = by_region.get(code[:4], 0) + count
            by_country[code[:2]] = by_country.get(code[:2], 0) + count
    counts["region"], counts["country"] = by_region, by_country
    chosen = pool("sme")
    sme = index.sme[chosen]
    counts["sme"] = {True: int((sme == 1).sum()), False: int((sme == 0).sum())}
    chosen = pool("skill")
    if len(chosen):
        per_skill = index.skill_counts(chosen)
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
def _newcomers(store: GraphStore, viewer: Viewer, matches: Sequence[TextMatch],
               rows: np.ndarray) -> dict[tuple[str, str], dict]:
    """Members the text search found that the index does not know yet (`rows` -1: written
    since its build), read from the store and kept when the viewer may see them."""
    missing: dict[str, list[str]] = {}
    for m, i in zip(matches, rows.tolist()):
        if i < 0:
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
        found = index.rows_of([(m.label, m.id) for m in text_result.members])
        for m, i in zip(text_result.members, found.tolist()):
            evidence[(m.label, m.id)] = m
            if i >= 0 and mask[i] and m.label in wanted:
                scores[i] = m.score
        newcomers = {k: v for k, v in _newcomers(store, viewer, text_result.members, found).items()
                     if k[0] in wanted}
        rows = np.fromiter(scores, dtype=np.int64, count=len(scores))
    else:
        rows = index.order[mask[index.order]]
        if len(wanted) < len(ENTITY_LABELS):
            rows = rows[np.isin(index.label[rows], [LABEL_VALUES.index(w) for w in wanted])]

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
    if scores and query.type != "project":  # by relevance, then label and id
        score = np.array([scores[i] for i in rows.tolist()], dtype=np.float64)
        rows = rows[np.lexsort((index.ids[rows], index.label[rows], -score))]
    # Members written since the index was built (filtered by what their node says) come last.
    late = [key for key, node in newcomers.items() if _passes_node(query, key[0], node)]

    visible_projects = []
    if text_result is not None:
        shown = index.projects_visible([p.id for p in text_result.projects], clearance(viewer))
        visible_projects = [p for p, ok in zip(text_result.projects, shown.tolist()) if ok]
    project_total = len(visible_projects)

    if query.type == "project":
        page_members: list[tuple[str, str]] = []
        page_projects = visible_projects[query.offset: query.offset + query.per_page]
        total = project_total
    else:
        start, stop = query.offset, query.offset + query.per_page
        page_members = index.keys(rows[start:stop]) + late[max(0, start - len(rows)): max(0, stop - len(rows))]
        page_projects = visible_projects[:PROJECTS_BESIDE] if query.page == 1 else []
        total = len(rows) + len(late)
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
