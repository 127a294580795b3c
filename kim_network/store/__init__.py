"""The graph store: one interface, two adapters, chosen by configuration."""
from __future__ import annotations

import os
from typing import Mapping

from kim_network.store.base import (  # noqa: F401  (re-exported for callers)
    AlreadyExists,
    Edge,
    GraphStore,
    InvalidQuery,
    NotFound,
    Page,
    SearchHit,
    StoreError,
    StoreUnavailable,
)


def open_store(config: Mapping) -> GraphStore:
    """Build the adapter the configuration asks for. Connects lazily, never at import."""
    if config.get("NEO4J_URI"):
        from kim_network.store.neo4j import Neo4jStore

        return Neo4jStore(
            config["NEO4J_URI"],
            config.get("NEO4J_USER") or "neo4j",
            config.get("NEO4J_PASSWORD") or "",
            config.get("NEO4J_DATABASE") or None,
        )
    from kim_network.store.sqlite import SQLiteStore

    path = config.get("SQLITE_PATH") or os.path.join(config["KIM_DATA_DIR"], "kim_network.sqlite3")
    return SQLiteStore(path)
