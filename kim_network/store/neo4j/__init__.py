"""The production graph store on Neo4j 5 through the official driver.

All Cypher of the application lives in this package and in `graph_schema/neo4j`. Values
are always `$parameters`; labels, relationship types and property names are formatted into
statements only after `kim_network.core.model` has checked them against its whitelists.
One module per concern:

- `connection`: the driver, sessions, round trips with retries, change counters, migrations;
- `graph`: nodes and relationships (writes, filtered listings, counts);
- `fulltext`: `search` and the ranked `text_search` over the full-text indexes;
- `reads`: reads shaped by use case (one round trip per page), exports, change counters;
- `coordination`: leases and shared counters (attempt limits).
"""
from __future__ import annotations

from kim_network.store.base import GraphStore
from kim_network.store.neo4j.connection import MIGRATIONS_DIR, Connections, load_migrations
from kim_network.store.neo4j.coordination import Coordination
from kim_network.store.neo4j.fulltext import FullText
from kim_network.store.neo4j.graph import Graph
from kim_network.store.neo4j.reads import Reads

__all__ = ["MIGRATIONS_DIR", "Neo4jStore", "load_migrations"]


class Neo4jStore(Connections, Graph, FullText, Reads, Coordination, GraphStore):
    """Graph store on a Neo4j 5 server, single instance, cluster or Aura."""

    backend = "neo4j"
