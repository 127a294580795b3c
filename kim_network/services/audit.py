"""The audit log: AuditEntry nodes recording who did what to which record, and when.

Staff actions (approvals, rejections, profile edits by staff, merges, role changes) and
account deletions are recorded here. Entries are written by the services that act; this
module records and reads them. Entries about a deleted account are stripped of personal
detail (see `kim_network.services.privacy`), so the log keeps counts, not people.
"""
from __future__ import annotations

import json
import uuid
from typing import Any, Iterable, Mapping

from kim_network.core.clock import utcnow
from kim_network.core.model import Label
from kim_network.store import GraphStore, Page

PAGE_SIZE = 50


def _stamp() -> str:
    # Microseconds keep entries written in the same second in order on the paged list.
    return utcnow().isoformat(timespec="microseconds")


def record(store: GraphStore, actor: str | None, action: str, subject: str | None = None,
           detail: str | Mapping[str, Any] | None = None) -> dict:
    """Store one entry. `detail` may be text or a mapping (stored as sorted JSON)."""
    if isinstance(detail, Mapping):
        detail = json.dumps(dict(detail), ensure_ascii=False, sort_keys=True)
    props = {
        "id": "audit-" + uuid.uuid4().hex[:16],
        "actor": (actor or "system")[:64],
        "action": action[:100],
        "subject": (subject or "")[:200] or None,
        "detail": (detail or "")[:5000] or None,
        "created_at": _stamp(),
    }
    return store.create_node(Label.AUDIT, {k: v for k, v in props.items() if v is not None})


def recent(store: GraphStore, page: int = 1, per_page: int = PAGE_SIZE,
           action: str | None = None) -> Page:
    """One page of entries, newest first (page numbers start at 1)."""
    filters = {"action": action} if action else None
    return store.list_nodes(Label.AUDIT, filters, order_by="created_at", descending=True,
                            limit=per_page, offset=(page - 1) * per_page)


def about(store: GraphStore, ids: Iterable[str]) -> list[dict]:
    """Every entry whose subject or actor is one of `ids` (for a person's data export)."""
    ids = sorted({i for i in ids if i})
    if not ids:
        return []
    found: dict[str, dict] = {}
    for key in ("subject", "actor"):
        offset = 0
        while True:
            result = store.list_nodes(Label.AUDIT, {key: ids}, order_by="created_at",
                                      limit=500, offset=offset)
            for entry in result.items:
                found[entry["id"]] = entry
            offset += len(result.items)
            if not result.items or offset >= result.total:
                break
    return sorted(found.values(), key=lambda e: e.get("created_at") or "")
