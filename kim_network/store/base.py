"""The narrow graph-store interface that both adapters (SQLite, Neo4j) implement.

Everything above the store (services, importers, the projection) speaks only this
interface. Both adapters are checked by the same contract suite in
`tests/store/test_contract.py`.
"""
from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping, Sequence

from kim_network.core import errors
from kim_network.core.model import DataKind, Label, Rel


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


@dataclass(frozen=True)
class Versions:
    """The store's change counters per kind of data (`core.model.DataKind`), read at once.

    `uid` names the store itself (made once by `migrate`), so files built from one store
    are never taken for another store's at the same counter.
    """

    graph: int
    introductions: int
    records: int
    total: int
    uid: str

    def of(self, kind: DataKind | str) -> int:
        return getattr(self, DataKind(kind).value)


@dataclass(frozen=True)
class GraphChange:
    """One node a graph write touched (`GraphStore.graph_changes`).

    `what` is "node" when its own properties were written (or it was created or deleted),
    else the type of a relationship added or removed at it (both ends are listed). A
    write too broad to list (an import batch, `clear`) is logged as `BROAD`.
    """

    label: str
    id: str
    what: str

    @property
    def broad(self) -> bool:
        return self.label == "*"


BROAD = GraphChange("*", "*", "*")


@dataclass
class Related:
    """A node at the other end of one of a viewed node's relationships, with that relationship's properties."""

    node: dict
    props: dict = field(default_factory=dict)


@dataclass
class NodeView:
    """A node with the neighbours a page shows, read in one go (see `GraphStore.node_view`)."""

    node: dict
    related: dict[str, list[Related]] = field(default_factory=dict)
    lookups: dict[str, dict | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Relation:
    """One part of a node view: relationships of `rel` in `direction` to nodes of `other`."""

    rel: Rel
    direction: str  # "out" or "in"
    other: Label


@dataclass(frozen=True)
class Lookup:
    """One part of a node view: the node of `label` whose id is the viewed node's `prop`."""

    label: Label
    prop: str


@dataclass
class AccountView:
    """The logged-in account as every page needs it: the Account node and its unread notifications."""

    node: dict
    unread_notifications: int
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
    # Seconds this process may reuse the change counters it read (`current_versions`); writes
    # made through this store object are seen at once all the same. The app sets it from
    # KIM_VERSION_TTL; 0 (tests, scripts) asks the store every time.
    versions_ttl: float = 0.0
    _local_writes: int = 0  # writes made through this object (adapters count them)
    _versions_memo: tuple | None = None

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

    # -- reads shaped by use case (one round trip each) --------------------------
    @abc.abstractmethod
    def node_view(
        self,
        label: Label | str,
        node_id: str,
        relations: Mapping[str, Relation] | None = None,
        lookups: Mapping[str, Lookup] | None = None,
    ) -> NodeView | None:
        """A node with its neighbours by relation (each list ordered by the neighbour's id) and
        the nodes its properties name, in one read; None if the node does not exist.

        A profile page is one call: the node, its skills, offers, needs, projects, events,
        staff or employers, and its region.
        """

    @abc.abstractmethod
    def count_where(self, queries: Mapping[str, tuple[Label | str, Mapping[str, Any] | None]]) -> dict[str, int]:
        """How many nodes match each named `(label, filters)` (filters as in `list_nodes`), in one read."""

    @abc.abstractmethod
    def account_view(self, account_id: str) -> AccountView | None:
        """The Account node and its number of unread notifications, in one read."""

    @abc.abstractmethod
    def get_many(self, wanted: Mapping[Label | str, Sequence[str]],
                 fields: Sequence[str] | None = None) -> dict[str, dict[str, dict]]:
        """The nodes among the ids asked for per label, in one read: `{label value: {id: node}}`.

        With `fields`, each node holds only its id and those of the fields it has (a
        visibility check needs three short properties, not a project's whole objective);
        fields a label does not declare are left out.
        """

    @abc.abstractmethod
    def update_nodes_where(
        self, label: Label | str, filters: Mapping[str, Any], changes: Mapping[str, Any]
    ) -> int:
        """Set `changes` on every node matching `filters` (as in `list_nodes`) in one write.

        Returns how many nodes matched; when none did, nothing is written and no counter moves.
        """

    # -- change tracking and coordination -----------------------------------------
    @abc.abstractmethod
    def change_counters(self) -> Versions:
        """Every kind's change counter and the store's uid, in one read."""

    @abc.abstractmethod
    def graph_changes(self, since: int, until: int) -> list[GraphChange] | None:
        """The nodes touched by the graph writes after graph version `since` up to `until`
        (`Versions.graph`), sorted, each once; None when the log no longer reaches back
        to `since` (it keeps the last `GRAPH_LOG_KEEP` versions), so a cache built at
        `since` must be built again. Every graph write logs what it touched in its own
        transaction, so the changes up to a version read before are all there.
        """

    def current_versions(self) -> Versions:
        """`change_counters()`, reused for `versions_ttl` seconds unless this object wrote since.

        Caches ask for the graph's version on every request; with a TTL a busy worker asks the
        store about once per TTL instead, and still sees its own writes at once.
        """
        import time

        memo, now = self._versions_memo, time.monotonic()
        if memo is not None and memo[0] == self._local_writes and now - memo[1] < self.versions_ttl:
            return memo[2]
        writes = self._local_writes
        versions = self.change_counters()
        if self.versions_ttl > 0:
            self._versions_memo = (writes, now, versions)
        return versions

    @abc.abstractmethod
    def try_lease(self, name: str, owner: str, seconds: float) -> bool:
        """Take (or renew) the named lease for `seconds` unless another owner holds an unexpired one.

        Across processes and machines that share the store, at most one owner holds a lease at a
        time (e.g. the one process that builds the shared projection files). Leases are not data:
        no change counter moves.
        """

    @abc.abstractmethod
    def release_lease(self, name: str, owner: str) -> None:
        """Give the lease back if `owner` holds it."""

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
GRAPH_LOG_NODES = 500  # a write touching more nodes is logged as BROAD
GRAPH_LOG_KEEP = 2000  # graph versions the change log reaches back


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
