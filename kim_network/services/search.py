"""Search over members (organisations and people) with facets, filtered by visibility first.

Full text comes from the store's own index (`store.search`); the facets come from a small
in-memory index of every organisation and person with their skills, rebuilt when the
store's change counter moves. Visibility is applied to the candidates before anything is
counted or paged, so a hidden profile leaks neither as a result nor as a facet count.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from kim_network.core.errors import Invalid
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, REGIERUNGSBEZIRKE, Label, Rel, display_name
from kim_network.store import GraphStore, InvalidQuery
from kim_network.store.base import MAX_PAGE, search_terms
from kim_network.core.visibility import Viewer, can_see, clearance
from kim_network.services.caches import GraphExport, VersionedCache, read_export

KINDS = ORG_KINDS + PERSON_KINDS
ENTITY_LABELS = (Label.ORGANIZATION, Label.PERSON)
# Relationships that say an organisation or person has a skill (NEEDS does not).
HAVING_RELS = (Rel.HAS_SKILL, Rel.OFFERS)
MAX_PER_PAGE = 100
# Full-text hits read per search; beyond this the query is too broad to facet usefully.
MAX_HITS = 5000
SKILL_FACET_SIZE = 15


@dataclass
class Entity:
    label: Label
    node: dict
    skills: frozenset[str]  # the skills it has plus every broader skill of those
    key: tuple[str, str] = ("", "")  # (label value, id), as search hits name it
    sort_key: tuple[str, str] = ("", "")  # (folded name, id)

    @property
    def id(self) -> str:
        return self.node["id"]


# Viewers that stand for everyone of a role who owns nothing: what they see is cached.
_ROLE_VIEWERS = {0: Viewer(role="anonymous"), 1: Viewer(role="member"), 2: Viewer(role="staff")}


@dataclass
class FacetIndex:
    """Organisations and people with their skill closure, as of one store change counter."""

    version: int
    entities: dict[tuple[str, str], Entity]
    skills: dict[str, dict]
    narrower: dict[str, set[str]]  # skill id -> itself and every narrower skill
    _by_clearance: dict[int, list[Entity]] = field(default_factory=dict)
    counts_cache: dict[tuple, dict[str, Counter]] = field(default_factory=dict)

    def visible(self, viewer: Viewer) -> list[Entity]:
        """Every entity the viewer may see, alphabetically.

        `can_see` depends on the viewer's role and on what they own, so the list of a role
        is computed once per index and the viewer's own (hidden) organisation/person added.
        """
        level = clearance(viewer)
        if level not in self._by_clearance:
            role_viewer = _ROLE_VIEWERS[level]
            self._by_clearance[level] = sorted(
                (e for e in self.entities.values() if can_see(role_viewer, e.label, e.node)),
                key=lambda e: e.sort_key)
        extra = self.own_extras(viewer)
        seen = self._by_clearance[level]
        return sorted(seen + extra, key=lambda e: e.sort_key) if extra else seen

    def own_extras(self, viewer: Viewer) -> list[Entity]:
        """The viewer's own profiles that their role alone would not show (pending, staff-only)."""
        role_viewer = _ROLE_VIEWERS[clearance(viewer)]
        own = [self.entities.get(key) for key in ((Label.ORGANIZATION.value, viewer.organization_id),
                                                  (Label.PERSON.value, viewer.person_id)) if key[1]]
        return [e for e in own if e is not None and can_see(viewer, e.label, e.node)
                and not can_see(role_viewer, e.label, e.node)]

    def skill_name(self, skill_id: str, lang: str) -> str:
        node = self.skills.get(skill_id)
        return display_name(Label.SKILL, node, lang) if node else skill_id


def _closure(start: str, parents: Mapping[str, set[str]]) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def index_from_export(export: GraphExport) -> FacetIndex:
    """The facet index of one graph export."""
    skills = {node["id"]: node for _, node in export.nodes_of([Label.SKILL])}
    parents: dict[str, set[str]] = {}
    children: dict[str, set[str]] = {}
    for edge in export.edges_of([Rel.BROADER]):
        parents.setdefault(edge.source, set()).add(edge.target)
        children.setdefault(edge.target, set()).add(edge.source)
    has: dict[tuple[str, str], set[str]] = {}
    for edge in export.edges_of(HAVING_RELS):
        has.setdefault((edge.source_label, edge.source), set()).add(edge.target)
    up_cache: dict[str, set[str]] = {}
    entities = {}
    for label_value, node in export.nodes_of(ENTITY_LABELS):
        label = Label(getattr(label_value, "value", label_value))
        key = (label.value, node["id"])
        closure: set[str] = set()
        for skill in has.get(key, ()):
            if skill not in up_cache:
                up_cache[skill] = _closure(skill, parents)
            closure |= up_cache[skill]
        entities[key] = Entity(label, node, frozenset(closure), key,
                               (display_name(label, node).casefold(), node["id"]))
    narrower = {sid: _closure(sid, children) for sid in skills}
    return FacetIndex(export.version, entities, skills, narrower)


class IndexCache(VersionedCache):
    """One FacetIndex per store, rebuilt after writes (in the background once it is slow).

    ``exports`` is the shared `GraphExport` cache; without one, each build reads the store.
    """

    def __init__(self, exports: VersionedCache | None = None, background: bool = True,
                 sync_seconds: float = 0.5) -> None:
        def build(store, _key) -> FacetIndex:
            return index_from_export(exports.get(store, wait=True) if exports is not None else read_export(store))

        super().__init__(build, name="search-index", background=background, sync_seconds=sync_seconds)

    def get(self, store: GraphStore, wait: bool = False) -> FacetIndex:  # type: ignore[override]
        return super().get(store, None, wait)


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
    type: str | None = None  # organization | person
    page: int = 1
    per_page: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class Result:
    label: Label
    id: str
    name: str
    node: dict
    score: float
    skills: list[tuple[str, str]]  # (id, name) of its own skills, a few


@dataclass
class SearchResult:
    query: SearchQuery
    items: list[Result]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)

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
    if type_ not in (None, "organization", "person"):
        raise BadQuery("type must be organization or person", "type")
    skill = args.get("skill") or None
    if skill is not None and len(skill) > 64:
        raise BadQuery("skill must be a skill id", "skill")
    return SearchQuery(
        text=text, kinds=kinds, skill=skill, region=region, sme=sme, type=type_,
        page=_int(args.get("page"), "page", 1, 1, 10_000),
        per_page=_int(args.get("per_page"), "per_page", 20, 1, MAX_PER_PAGE),
    )


def _text_hits(store: GraphStore, text: str) -> dict[tuple[str, str], float]:
    """Every full-text hit among organisations and people (up to MAX_HITS), with its score."""
    scores: dict[tuple[str, str], float] = {}
    offset = 0
    while offset < MAX_HITS:
        hits, total = store.search(text, labels=list(ENTITY_LABELS), limit=MAX_PAGE, offset=offset)
        for hit in hits:
            scores[(hit.label, hit.id)] = hit.score
        offset += len(hits)
        if not hits or offset >= total:
            break
    return scores


# Each facet: does an entity pass it under the query? Only facets the query sets are tested.
def _pass_kind(q, e):
    return e.node.get("kind") in q.kinds


def _pass_type(q, e):
    return e.label.value.lower() == q.type


def _pass_region(q, e):
    return (e.node.get("region") or "").startswith(q.region)


def _pass_sme(q, e):
    return e.label is Label.ORGANIZATION and bool(e.node.get("sme")) == q.sme


def _pass_skill(q, e):
    return q.skill in e.skills


_FILTERS = {"type": _pass_type, "kind": _pass_kind, "region": _pass_region, "sme": _pass_sme, "skill": _pass_skill}
_FACETS = tuple(_FILTERS)


def _active(q: "SearchQuery") -> list[tuple[str, object]]:
    given = {"type": q.type is not None, "kind": bool(q.kinds), "region": q.region is not None,
             "sme": q.sme is not None, "skill": q.skill is not None}
    return [(name, test) for name, test in _FILTERS.items() if given[name]]


def _split(q: "SearchQuery", candidates: list[Entity]) -> tuple[list[Entity], dict[str, list[Entity]]]:
    """The entities passing every filter, and per facet those failing only that facet.

    A facet's counts are taken over both lists: how many results each of its values
    would give with every *other* filter kept.
    """
    active = _active(q)
    if not active:
        return candidates, {name: [] for name in _FACETS}
    matches: list[Entity] = []
    near: dict[str, list[Entity]] = {name: [] for name in _FACETS}
    for e in candidates:
        failed = None
        for name, test in active:
            if not test(q, e):
                if failed is not None:
                    break
                failed = name
        else:
            if failed is None:
                matches.append(e)
            else:
                near[failed].append(e)
    return matches, near


def search(
    store: GraphStore,
    viewer: Viewer,
    query: SearchQuery,
    lang: str = "de",
    cache: IndexCache | None = None,
    labels: Iterable[Label] = ENTITY_LABELS,
) -> SearchResult:
    """Visible organisations and people matching the query, one page of them, and facet counts.

    With text: ranked by the full-text score. Without: members alphabetically. A skill
    filter matches entities that have the skill or any narrower one.
    """
    index = (cache or IndexCache()).get(store)
    wanted = {label.value for label in labels}
    # Visibility first: nothing below sees a profile the viewer may not see.
    visible = index.visible(viewer)
    if len(wanted) < len(ENTITY_LABELS):
        visible = [e for e in visible if e.key[0] in wanted]
    scores: dict[tuple[str, str], float] = {}
    if query.text and search_terms(query.text):
        scores = _text_hits(store, query.text)
        visible = [e for e in visible if e.key in scores]

    matches, near = _split(query, visible)
    if not scores and not _active(query):
        # The plain listing's counts depend only on what the viewer sees: cache them per index.
        key = (clearance(viewer), tuple(e.key for e in index.own_extras(viewer)), frozenset(wanted))
        counts = index.counts_cache.get(key)
        if counts is None:
            counts = index.counts_cache[key] = _facet_counts(matches, near)
    else:
        counts = _facet_counts(matches, near)
    if scores:
        matches = sorted(matches, key=lambda e: (-scores[e.key], e.sort_key))
    page = matches[query.offset: query.offset + query.per_page]
    items = [Result(e.label, e.id, display_name(e.label, e.node), e.node, scores.get(e.key, 0.0), [])
             for e in page]
    _attach_skills(store, index, items, lang)
    return SearchResult(query, items, len(matches), _facets(index, counts, query, lang))


def _attach_skills(store: GraphStore, index: FacetIndex, items: list[Result], lang: str) -> None:
    for item in items:
        own = [e.target for e in store.edges(item.label, item.id, Rel.OFFERS, "out")]
        own += [e.target for e in store.edges(item.label, item.id, Rel.HAS_SKILL, "out") if e.target not in own]
        item.skills = [(s, index.skill_name(s, lang)) for s in own[:6] if s in index.skills]


def _facet_counts(matches: list[Entity], near: dict[str, list[Entity]]) -> dict[str, Counter]:
    """Counts per facet value, each facet with every *other* filter applied."""

    def pool(name: str) -> list[Entity]:
        return matches + near[name] if near[name] else matches

    return {
        "type": Counter(e.key[0] for e in pool("type")),
        "kind": Counter(e.node.get("kind") for e in pool("kind")),
        "region": Counter(r[:4] for e in pool("region") if (r := e.node.get("region"))),
        "sme": Counter(bool(e.node.get("sme")) for e in pool("sme") if e.label is Label.ORGANIZATION),
        "skill": Counter(s for e in pool("skill") for s in e.skills),
    }


def _facets(index: FacetIndex, counts: dict[str, Counter], q: SearchQuery, lang: str) -> dict[str, list[FacetValue]]:
    """Facet values to show: their label in `lang`, count and whether the query selects them."""
    facets: dict[str, list[FacetValue]] = {}
    facets["type"] = [FacetValue(t, t, counts["type"][label.value], q.type == t)
                      for t, label in (("organization", Label.ORGANIZATION), ("person", Label.PERSON))
                      if counts["type"][label.value]]
    kinds = counts["kind"]
    facets["kind"] = [FacetValue(k, k, kinds[k], k in q.kinds) for k in KINDS if kinds[k] or k in q.kinds]
    regions = [FacetValue(code, REGIERUNGSBEZIRKE.get(code, code), n, q.region == code)
               for code, n in counts["region"].items()]
    facets["region"] = sorted(regions, key=lambda f: (f.value not in REGIERUNGSBEZIRKE, f.value))
    facets["sme"] = [FacetValue("true", "sme", counts["sme"][True], q.sme is True),
                     FacetValue("false", "not_sme", counts["sme"][False], q.sme is False)]
    top = [sid for sid, _ in counts["skill"].most_common(SKILL_FACET_SIZE)]
    if q.skill and q.skill not in top:
        top.append(q.skill)
    facets["skill"] = [FacetValue(s, index.skill_name(s, lang), counts["skill"].get(s, 0), q.skill == s)
                       for s in top]
    return facets


