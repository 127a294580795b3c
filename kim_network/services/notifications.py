"""In-app notifications: stored per account, in German and English, with an unread count."""
from __future__ import annotations

import uuid

from kim_network.core.model import Label
from kim_network.store import GraphStore
from kim_network.store.base import Page
from kim_network.core.clock import now_iso


def notify(store: GraphStore, account_id: str, kind: str, text_de: str, text_en: str, link: str = "") -> dict:
    """Store one notification for an account."""
    return store.create_node(Label.NOTIFICATION, {
        "id": "note-" + uuid.uuid4().hex[:16],
        "account": account_id,
        "kind": kind,
        "text_de": text_de[:2000],
        "text_en": text_en[:2000],
        "link": link[:500],
        "read": False,
        "created_at": now_iso(),
    })


def unread_count(store: GraphStore, account_id: str) -> int:
    return store.list_nodes(Label.NOTIFICATION, {"account": account_id, "read": False}, limit=1).total


def recent(store: GraphStore, account_id: str, limit: int = 50, offset: int = 0) -> Page:
    """An account's notifications, newest first."""
    return store.list_nodes(Label.NOTIFICATION, {"account": account_id}, order_by="created_at",
                            descending=True, limit=limit, offset=offset)


def mark_read(store: GraphStore, account_id: str, note_id: str | None = None) -> int:
    """Mark one (or, without `note_id`, every) unread notification of the account read.

    One batched write whatever the number; none at all when nothing is unread. Returns how
    many were marked.
    """
    filters = {"account": account_id, "read": False}
    if note_id is not None:
        filters["id"] = note_id
    return store.update_nodes_where(Label.NOTIFICATION, filters, {"read": True})
