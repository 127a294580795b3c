"""The narrow graph-store interface that both adapters (SQLite, Neo4j) implement.

Everything above the store (services, importers, the projection) speaks only this
interface. Both adapters are checked by the same contract suite in
`tests/store/test_contract.py`.
"""
from __future__ import annotations

import abc
import math
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from kim_network.core import errors
from kim_network.core.model import Label, Rel


class StoreError(errors.DomainError):
    """Base class of every error the store raises."""


class NotFound(StoreError, errors.NotFound):
    """The node does not exist."""


class AlreadyExists(StoreError, errors.Conflict):
    """A node with that id already exists."""

    def fields(self) -> dict[str, str]:
        return {"id": "is already taken"}


class StoreUnavailable(StoreError, errors.Unavailable):
    """The database cannot be reached or stayed busy; retry later."""


class InvalidQuery(StoreError, errors.Invalid):
    """A filter, sort key or search string the store will not run."""

    status = 400


@dataclass
class Page:
    """One page of a listing and the total number of matches."""

    items: list[dict]
    total: int
    limit: int
    offset: int


@dataclass
class Edge:
    """A relationship as seen from one node: the other end and the relationship's properties."""

    type: str
    source_label: str
    source: str
    target_label: str
    target: str
    props: dict = field(default_factory=dict)


@dataclass
class SearchHit:
    label: str
    id: str
    score: float
    node: dict


@dataclass
class TextMatch:
    """An organisation, person or project that a ranked text search found, with its evidence.

    `project` is the member's project that matched best, `skill` the matched skill the
    member has (or, for a project, requires); both None when only its own text matched.
    """

    label: str
    id: str
    score: float
    project: str | None = None
    skill: str | None = None


@dataclass
class TextResult:
    """Members and projects matching a text, best first (at most `TEXT_MATCH_LIMIT` each).

    `prefix` says that no word matched whole, so word beginnings were matched instead;
    `matched_skills` are the skills whose label or synonyms matched (others that count are
    narrower or broader ones).
    """

    members: list[TextMatch] = field(default_factory=list)
    projects: list[TextMatch] = field(default_factory=list)
    prefix: bool = False
    matched_skills: list[str] = field(default_factory=list)  # skills whose own words matched


@dataclass
class ResultRow:
    """One search result as a page shows it: the node, its skills and what its projects are about."""

    label: str
    id: str
    node: dict
    skills: list[str] = field(default_factory=list)  # its own skills: offered first, then had
    project_skills: list[str] = field(default_factory=list)  # most frequent skills of its projects
    projects: int = 0  # projects it took part in (for a project: its participants)


class GraphStore(abc.ABC):
    """A property graph of labelled nodes with an `id` each and typed relationships.

    Nodes are plain dicts of declared properties (see `kim_network.core.model`). Every write
    moves `change_counter()`, so caches built from the store know when to refresh.
    """

    backend: str = "abstract"

    # -- lifecycle -------------------------------------------------------------
    @abc.abstractmethod
    def migrate(self) -> list[str]:
        """Apply the schema migrations not applied yet; return the names applied now."""

    @abc.abstractmethod
    def applied_migrations(self) -> list[str]:
        """Names of the migrations recorded as applied, oldest first."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable when the database cannot answer."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release connections."""

    @abc.abstractmethod
    def clear(self) -> None:
        """Delete every node and relationship (tests and `kim reset` only)."""

    # -- nodes -----------------------------------------------------------------
    @abc.abstractmethod
    def create_node(self, label: Label | str, props: Mapping[str, Any]) -> dict:
        """Create a node; raise AlreadyExists if the id is taken."""

    @abc.abstractmethod
    def get_node(self, label: Label | str, node_id: str) -> dict | None:
        """The node's properties including `id`, or None."""

    @abc.abstractmethod
    def get_nodes(self, label: Label | str, ids: Sequence[str]) -> dict[str, dict]:
        """The nodes among `ids` that exist, keyed by id."""

    @abc.abstractmethod
    def update_node(self, label: Label | str, node_id: str, props: Mapping[str, Any]) -> dict:
        """Set the given properties (None removes one); raise NotFound. Returns the node."""

    @abc.abstractmethod
    def delete_node(self, label: Label | str, node_id: str) -> bool:
        """Delete a node with its relationships; False if it did not exist."""

    @abc.abstractmethod
    def upsert_nodes(self, label: Label | str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Create or update nodes by id in batches (properties are merged). Returns the count."""

    @abc.abstractmethod
    def list_nodes(
        self,
        label: Label | str,
        filters: Mapping[str, Any] | None = None,
        order_by: str = "id",
        descending: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> Page:
        """Nodes whose filterable properties equal the filter values (a list means any of)."""

    @abc.abstractmethod
    def count_nodes(self, label: Label | str) -> int:
        """How many nodes carry the label."""

    # -- relationships ---------------------------------------------------------
    @abc.abstractmethod
    def upsert_edges(self, rel: Rel | str, rows: Iterable[Mapping[str, Any]]) -> int:
        """Create or update relationships `{source, target, [source_label], [target_label], **props}`.

        Rows whose endpoints do not exist are skipped; returns how many were written.
        """

    @abc.abstractmethod
    def delete_edge(
        self,
        rel: Rel | str,
        source: str,
        target: str,
        source_label: Label | str | None = None,
        target_label: Label | str | None = None,
    ) -> bool:
        """Delete one relationship; False if it did not exist."""

    @abc.abstractmethod
    def edges(
        self,
        label: Label | str,
        node_id: str,
        rel: Rel | str | None = None,
        direction: str = "out",
    ) -> list[Edge]:
        """Relationships of one node: `out`, `in` or `both`."""

    @abc.abstractmethod
    def count_edges(self, rel: Rel | str | None = None) -> int:
        """How many relationships (of one type, or all)."""

    # -- search and export -----------------------------------------------------
    @abc.abstractmethod
    def search(
        self,
        text: str,
        labels: Sequence[Label | str] | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> tuple[list[SearchHit], int]:
        """Full-text search: every word must match (prefix match, case and accents folded).

        Returns the hits of the page, best first, and the total number of hits.
        """

    @abc.abstractmethod
    def text_search(self, text: str, limit: int = 20_000) -> TextResult:
        """Organisations, people and projects ranked by relevance to a text.

        Each index is searched in both languages (German and English stemming). A member
        matches by its own text, by a skill it has whose label or synonym matches (or a
        narrower one, or with half weight the curated skill just above), and through its
        projects, whose titles, keywords, objectives and required skills are searched. The
        components are combined by `combine_member_scores`, the same in every adapter.
        """

    @abc.abstractmethod
    def result_rows(self, keys: Sequence[tuple[str, str]], skill_limit: int = 6) -> list[ResultRow]:
        """One read for a page of results: each `(label, id)` that exists, in the given order,
        with its skills and the skills of its projects (for a project: the skills it requires)."""

    @abc.abstractmethod
    def export_nodes(self, labels: Sequence[Label | str] | None = None) -> Iterator[tuple[str, dict]]:
        """Every node as `(label, props)`, for the projection and exports."""

    @abc.abstractmethod
    def export_edges(self, rels: Sequence[Rel | str] | None = None) -> Iterator[Edge]:
        """Every relationship, for the projection and exports."""

    @abc.abstractmethod
    def change_counter(self) -> int:
        """A number that grows with every write."""

    # -- shared counters (attempt limits) ----------------------------------------
    @abc.abstractmethod
    def bump_counter(self, key: str, window_seconds: float, delta: int = 1, now: float | None = None) -> int:
        """Add `delta` to the counter `key` and return its new value, atomically (one statement).

        Every app server and worker sees the same counters, so a limit such as "5 failed
        logins per account" holds however many requests arrive at once: of 12 simultaneous
        bumps, each gets a different value. A counter lives `window_seconds` from its
        first bump; the first bump after that starts it again (so counts decay). It never
        goes below 0; `delta=0` reads it. `now` is seconds since the epoch (default: the
        clock). Counters are not graph data: they move no `change_counter()`, are never
        exported, and `clear()` removes them; expired ones are purged now and then.
        """

    # -- helpers shared by adapters ---------------------------------------------
    def all_nodes(
        self, label: Label | str, filters: Mapping[str, Any] | None = None, order_by: str = "id"
    ) -> list[dict]:
        """Every node matching `filters`, across pages: for administrative sets (accounts,
        feedback, introductions), not for the whole graph (use `export_nodes`)."""
        out: list[dict] = []
        offset = 0
        while True:
            page = self.list_nodes(label, filters, order_by=order_by, limit=MAX_PAGE, offset=offset)
            out += page.items
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return out

    def counts(self) -> dict[str, int]:
        """Node counts of the main graph labels, hidden and pending ones included (`/healthz`
        reports only listed ones: `kim_network.services.profiles.listed_counts`)."""
        return {
            "organizations": self.count_nodes(Label.ORGANIZATION),
            "people": self.count_nodes(Label.PERSON),
            "skills": self.count_nodes(Label.SKILL),
            "projects": self.count_nodes(Label.PROJECT),
        }


MAX_PAGE = 1000
MAX_COUNTER_KEY = 200
COUNTER_PURGE_EVERY = 500  # bumps between two purges of expired counters (per store object)


def check_counter(key: str, window_seconds: float, delta: int) -> None:
    """Validate `bump_counter` arguments shared by both adapters."""
    if not isinstance(key, str) or not 0 < len(key) <= MAX_COUNTER_KEY:
        raise InvalidQuery(f"a counter key is 1-{MAX_COUNTER_KEY} characters of text")
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise InvalidQuery("a counter changes by a whole number")
    if isinstance(window_seconds, bool) or not isinstance(window_seconds, (int, float)) or not window_seconds > 0:
        raise InvalidQuery("a counter's window is a positive number of seconds")

# -- ranked text search: what every adapter's `text_search` shares ---------------------------
TEXT_MATCH_LIMIT = 20_000  # members and projects a ranked search returns at most
SOURCE_LIMIT = 5_000  # hits read from one full-text index
MEMBER_PROJECTS_LIMIT = 1_500  # the best matching projects whose participants are ranked as members
SKILL_LIMIT = 200  # matched skills read
W_OWN, W_SKILL, W_PROJECTS = 1.0, 0.8, 1.0  # a member's own text, its matched skills, its projects
PROJECT_SKILL_WEIGHT = 0.8  # a project that requires a matched skill, against one whose text matches
PARENT_WEIGHT = 0.5  # the curated skill just above a matched one (and half again for the next one up)
# German joins words: in the German indexes a word this long also matches as the start of a
# longer one ("Untertitel" finds "Untertitelungsdienst"); shorter ones ("Media") only whole.
COMPOUND_PREFIX_MIN = 6
BODY_ONLY_WEIGHT = 0.4  # a project whose text matches only in its objective, not in title or keywords

# The text of each kind of document per language: (index group, {language: (name properties,
# body properties)}). Names weigh more; names, keywords and objectives, whose language is
# not recorded, are in both. The Neo4j indexes of migration 0006 cover the same properties.
_MEMBER_NAMES = ("name", "short_name", "title")
TEXT_DOCUMENTS = {
    Label.ORGANIZATION: ("member", {"en": (_MEMBER_NAMES, ("city", "description_en", "keywords")),
                                    "de": (_MEMBER_NAMES, ("city", "description_de", "keywords"))}),
    Label.PERSON: ("member", {"en": (_MEMBER_NAMES, ("city", "description_en")),
                              "de": (_MEMBER_NAMES, ("city", "description_de"))}),
    Label.PROJECT: ("project", {"en": (("title", "acronym", "keywords"), ("objective", "topic_title")),
                                "de": (("title", "acronym", "keywords"), ("objective",))}),
    Label.SKILL: ("skill", {"en": (("label_en",), ("synonyms", "description_en")),
                            "de": (("label_de",), ("synonyms", "description_de"))}),
}


def text_document(label: Label, props: Mapping[str, Any]) -> tuple[str, dict[str, tuple[str, str]]] | None:
    """`(group, {language: (names, body)})` of a node for the ranked full-text indexes, or None.

    >>> text_document(Label.SKILL, {"label_de": "Spracherkennung", "label_en": "Speech recognition",
    ...                             "synonyms": "ASR"})
    ('skill', {'en': ('Speech recognition', 'ASR'), 'de': ('Spracherkennung', 'ASR')})
    """
    spec = TEXT_DOCUMENTS.get(label)
    if spec is None:
        return None
    group, languages = spec

    def join(keys) -> str:
        return " ".join(str(props[k]) for k in keys if props.get(k))

    return group, {lang: (join(names), join(body)) for lang, (names, body) in languages.items()}


def project_weight(found: float, projects: int) -> float:
    """How much a member's matching projects count, from the sum of their scores and how many
    projects it has in all: specialists rank above large institutions with a few hits.

    >>> round(project_weight(2.0, 2), 2), round(project_weight(10.0, 500), 2)
    (0.59, 0.31)
    """
    x = found / math.sqrt(max(projects, 1))
    return x / (1.0 + x)


def combine_member_scores(own: Mapping[tuple[str, str], float], skill: Mapping[tuple[str, str], float],
                          projects: Mapping[tuple[str, str], tuple[float, int]]) -> dict[tuple[str, str], float]:
    """A member's relevance from its parts: own text (scores normalised to the best hit),
    matched skills (0..1) and its projects (sum of their 0..1 scores, and its project count).

    >>> combine_member_scores({("Organization", "a"): 4.0, ("Organization", "b"): 2.0},
    ...                       {("Organization", "b"): 1.0}, {("Organization", "c"): (2.0, 2)})
    {('Organization', 'a'): 1.0, ('Organization', 'b'): 1.3, ('Organization', 'c'): 0.586}
    """
    top = max(own.values(), default=0.0) or 1.0
    out: dict[tuple[str, str], float] = {}
    for key, value in own.items():
        out[key] = W_OWN * value / top
    for key, value in skill.items():
        out[key] = out.get(key, 0.0) + W_SKILL * value
    for key, (found, count) in projects.items():
        out[key] = out.get(key, 0.0) + W_PROJECTS * project_weight(found, count)
    return {key: round(value, 3) for key, value in out.items()}


def expand_skills(matched: Mapping[str, float], narrower: Iterable[tuple[str, str]],
                  parents: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Weights of the skills a text matched, spread over the taxonomy.

    `matched` maps each matched skill to its 0..1 score; `narrower` holds
    `(narrower skill, matched skill)` pairs at any depth (having a narrower skill is having
    the skill); `parents` holds `(matched curated skill, ancestor, steps up)` for the
    curated skills above it, which count with `PARENT_WEIGHT` per step ("subtitles" also
    finds speech recognition, and with less weight speech technology).

    >>> expand_skills({"subtitling": 1.0}, [("live-subtitling", "subtitling")],
    ...               [("subtitling", "asr", 1), ("subtitling", "audio-speech", 2)])
    {'subtitling': 1.0, 'live-subtitling': 1.0, 'asr': 0.5, 'audio-speech': 0.25}
    """
    out = dict(matched)
    for skill, root in narrower:
        out[skill] = max(out.get(skill, 0.0), matched.get(root, 0.0))
    for root, ancestor, steps in parents:
        out[ancestor] = max(out.get(ancestor, 0.0), PARENT_WEIGHT ** steps * matched.get(root, 0.0))
    return out


def project_scores(text: Mapping[str, float], required: Iterable[tuple[str, str]],
                   skills: Mapping[str, float]) -> dict[str, tuple[float, str | None]]:
    """Each project's 0..1 relevance: its own text (normalised) or `PROJECT_SKILL_WEIGHT` times
    the best matched skill it requires, whichever is higher, and that skill.

    >>> project_scores({"p1": 3.0, "p2": 1.5}, [("p2", "asr"), ("p3", "asr")], {"asr": 1.0})
    {'p1': (1.0, None), 'p2': (0.8, 'asr'), 'p3': (0.8, 'asr')}
    """
    out: dict[str, tuple[float, str | None]] = {key: (value, None) for key, value in normalised(text).items()}
    for project, skill in required:
        value = PROJECT_SKILL_WEIGHT * skills.get(skill, 0.0)
        if value > out.get(project, (0.0, None))[0]:
            out[project] = (value, skill)
    return out


def normalised(scores: Mapping[Any, float]) -> dict[Any, float]:
    """Scores divided by the best one (0..1)."""
    top = max(scores.values(), default=0.0) or 1.0
    return {key: value / top for key, value in scores.items()}


def check_paging(limit: int, offset: int) -> tuple[int, int]:
    """Validate paging arguments shared by listings and search."""
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_PAGE:
        raise InvalidQuery(f"limit must be between 1 and {MAX_PAGE}")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise InvalidQuery("offset must be 0 or more")
    return limit, offset


def search_terms(text: str) -> list[str]:
    """Split a user's search text into lower-case word terms, dropping query syntax.

    Both adapters build their engine's query from these terms, so neither FTS5 nor Lucene
    syntax in the user's text is ever interpreted.

    >>> search_terms('Spracherkennung "AND" München* OR-x')
    ['spracherkennung', 'and', 'münchen', 'or', 'x']
    """
    import re

    if not isinstance(text, str):
        raise InvalidQuery("search text must be text")
    if len(text) > 500:
        raise InvalidQuery("search text is longer than 500 characters")
    return [t.lower() for t in re.findall(r"\w+", text)][:12]
