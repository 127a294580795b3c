"""What every fictional test world is built from: the one password, its hashes, the account
record, and one loader that writes `(label, props)` nodes and edge dicts into a store.

The scenes built on it model different corners of the same fictional Bavarian media/AI
ecosystem, each sized for what its tests check:
- `tests.trust.world`: roles and records for the authorization matrix and hostile inputs;
- `tests.web.ecosystem`: organisations, a researcher and accounts for pages, search and API;
- `tests.events.world`: that ecosystem plus the people behind its accounts and an event;
- `tests.analytics.ecosystem_data`: two clusters (research, media SMEs) for the map and indicators;
- `tests.matching.fixtures`: a skill hierarchy, projects and a call for the matching engine.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Iterable

PASSWORD = "Redaktion-Nord-7"
CONSENT = "2026-01"
# A cheap hash for tests that log in many times; the trust world keeps the production method.
FAST_HASH = "pbkdf2:sha256:1000"


@lru_cache(maxsize=4)
def password_hash(method: str | None = None) -> str:
    """One hash of PASSWORD per method, shared by every account (hashing per account is slow)."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method=method) if method else generate_password_hash(PASSWORD)


def account_record(account_id: str, email: str, role: str = "member", *, created_at: str,
                   method: str | None = FAST_HASH, **extra) -> dict:
    """An approved Account node with PASSWORD and the current consent."""
    return {"id": account_id, "email": email, "password_hash": password_hash(method), "role": role,
            "approved": True, "name": extra.pop("name", email.split("@")[0].title()),
            "created_at": created_at, "consent_version": CONSENT, "consent_at": created_at, **extra}


def load_records(store, nodes: Iterable[tuple[str, dict]], edges: Iterable[dict],
                 labels: Iterable[str] = ("Skill", "Organization", "Person", "Project", "Call", "Introduction")) -> None:
    """Write `(label, props)` nodes (in the order of `labels`) and `{"type", "source", "target", ...}`
    edges into a store through its public interface; each edge's end labels come from the nodes."""
    from kim_network.core.model import REL_SCHEMA, Label, Rel

    by_label: dict[str, list] = defaultdict(list)
    label_of = {}
    for label, props in nodes:
        by_label[label].append(props)
        label_of[props["id"]] = label
    for label in labels:
        if by_label.get(label):
            store.upsert_nodes(Label(label), by_label[label])
    by_rel: dict[str, list] = defaultdict(list)
    for edge in edges:
        row = {k: v for k, v in edge.items() if k != "type"}
        row["source_label"], row["target_label"] = label_of[row["source"]], label_of[row["target"]]
        by_rel[edge["type"]].append(row)
    for rel, rows in by_rel.items():
        for row in rows:
            assert (Label(row["source_label"]), Label(row["target_label"])) in REL_SCHEMA[Rel(rel)].endpoints, row
        store.upsert_edges(Rel(rel), rows)
