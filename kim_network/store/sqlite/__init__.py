"""The embedded graph store on SQLite (stdlib, WAL, FTS5): the default when no Neo4j is set.

Nodes live in one table with their properties as JSON, relationships in another, and FTS5
tables mirror the searchable text. All SQL of the project lives in this package, one module
per concern:

- `connection`: connections, transactions with retries, change counters, migrations;
- `graph`: nodes and relationships (writes, filtered listings, counts);
- `fulltext`: the full-text tables, `search` and the ranked `text_search`;
- `reads`: reads shaped by use case (one per page), exports, change counters;
- `coordination`: leases and shared counters (attempt limits).
"""
from __future__ import annotations

from kim_network.store.base import GraphStore
from kim_network.store.sqlite.connection import MIGRATIONS_DIR, Connections, load_migrations
from kim_network.store.sqlite.coordination import Coordination
from kim_network.store.sqlite.fulltext import FullText
from kim_network.store.sqlite.graph import Graph
from kim_network.store.sqlite.reads import Reads

__all__ = ["MIGRATIONS_DIR", "SQLiteStore", "load_migrations"]


class SQLiteStore(Connections, Graph, FullText, Reads, Coordination, GraphStore):
    """Graph store in one SQLite file; one connection per thread."""

    backend = "sqlite"
