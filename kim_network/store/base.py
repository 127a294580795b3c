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
