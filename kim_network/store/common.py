"""What both store adapters share beneath the interface: checks of their arguments, the
schema folder, the purge schedule of counters. Callers above the store never need these."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Mapping

from kim_network.core.model import (NODE_SCHEMA, Label, Rel, as_label, as_rel, filterable_props, validate_edge,
                                    validate_node)
from kim_network.store.base import BROAD, GRAPH_LOG_NODES, InvalidQuery, check_paging

MAX_COUNTER_KEY = 200
COUNTER_PURGE_EVERY = 500  # bumps between two purges of expired counters (per store object)
# The numbered migrations of each adapter: graph_schema/sqlite/*.sql, graph_schema/neo4j/*.cypher.
SCHEMA_DIR = Path(__file__).resolve().parents[2] / "graph_schema"


class PurgeSchedule:
    """Says on every `every`-th counter bump (per store object, across threads) that expired
    counters are to be purged now."""

    def __init__(self, every: int = COUNTER_PURGE_EVERY):
        self.every = every
        self._bumps = 0
        self._lock = threading.Lock()

    def due(self) -> bool:
        with self._lock:
            self._bumps += 1
            return self._bumps % self.every == 0


def check_counter(key: str, window_seconds: float, delta: int) -> None:
    """Validate `bump_counter` arguments shared by both adapters."""
    if not isinstance(key, str) or not 0 < len(key) <= MAX_COUNTER_KEY:
        raise InvalidQuery(f"a counter key is 1-{MAX_COUNTER_KEY} characters of text")
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise InvalidQuery("a counter changes by a whole number")
    if isinstance(window_seconds, bool) or not isinstance(window_seconds, (int, float)) or not window_seconds > 0:
        raise InvalidQuery("a counter's window is a positive number of seconds")


def validated_changes(label: Label, changes: Mapping[str, Any]) -> dict:
    """The checked properties of a partial update (`update_node`, `update_nodes_where`); the id
    of a node never changes."""
    checked = validate_node(label, {k: v for k, v in changes.items() if k != "id"}, partial=True)
    checked.pop("id", None)
    return checked


def checked_edge(rel: Rel | str, source: str, target: str, source_label=None, target_label=None) -> tuple[Rel, dict]:
    """The relationship type and the checked ends of one relationship (`delete_edge`)."""
    edge = validate_edge(
        rel, {"source": source, "target": target, "source_label": source_label, "target_label": target_label})
    return as_rel(rel), edge


def checked_filters(label: Label, filters: Mapping[str, Any] | None) -> list[tuple[str, Any]]:
    """`list_nodes` filters as `(property, value)`: a value is None (missing), a list (any of)
    or one text, number or true/false; InvalidQuery for any other property or value.

    >>> checked_filters(Label.ORGANIZATION, {"city": ("München", "Nürnberg"), "country": None})
    [('city', ['München', 'Nürnberg']), ('country', None)]
    """
    allowed = filterable_props(label)
    out: list[tuple[str, Any]] = []
    for key, value in (filters or {}).items():
        if key not in allowed:
            raise InvalidQuery(f"cannot filter {label.value} by {key!r}")
        if isinstance(value, (list, tuple, set)):
            value = [_filter_value(v) for v in value]
        elif value is not None:
            value = _filter_value(value)
        out.append((key, value))
    return out


def checked_fields(label: Label, fields) -> list[str] | None:
    """The properties of `fields` that `label` declares, and its id; None for all of them.

    >>> checked_fields(Label.PROJECT, ["visibility", "merged_into"])
    ['id', 'visibility']
    """
    if fields is None:
        return None
    schema = NODE_SCHEMA[label]
    return ["id"] + [f for f in dict.fromkeys(fields) if f != "id" and f in schema]


def _filter_value(value):
    if isinstance(value, (str, int, float, bool)):
        return value
    raise InvalidQuery("filter values must be text, numbers or true/false")


def checked_listing(label: Label | str, order_by: str, limit: int, offset: int) -> tuple[Label, int, int]:
    """The label and paging of a listing; it sorts by a filterable property only."""
    label = as_label(label)
    limit, offset = check_paging(limit, offset)
    if order_by not in filterable_props(label):
        raise InvalidQuery(f"cannot sort {label.value} by {order_by!r}")
    return label, limit, offset


def check_direction(direction: str) -> None:
    if direction not in ("out", "in", "both"):
        raise InvalidQuery("direction must be out, in or both")


def change_rows(touched) -> list[list[str]]:
    """The change-log rows of one graph write: `[label, id, what]` per node it touched, or the
    one BROAD row when it did not say (None) or touched more than `GRAPH_LOG_NODES`.

    >>> change_rows([("Person", "p1", "node"), ("Person", "p1", "node"), ("Skill", "s", "HAS_SKILL")])
    [['Person', 'p1', 'node'], ['Skill', 's', 'HAS_SKILL']]
    >>> change_rows(None)
    [['*', '*', '*']]
    """
    if touched is not None:
        rows = sorted({(getattr(l, "value", l), str(i), str(getattr(w, "value", w))) for l, i, w in touched})
        if len(rows) <= GRAPH_LOG_NODES:
            return [list(r) for r in rows]
    return [[BROAD.label, BROAD.id, BROAD.what]]


def edge_ends(edges, rel) -> list[tuple[str, str, str]]:
    """Both ends of each checked relationship, as touched nodes of the change log."""
    rel = getattr(rel, "value", rel)
    out = []
    for e in edges:
        out.append((e["source_label"], e["source"], rel))
        out.append((e["target_label"], e["target"], rel))
    return out
