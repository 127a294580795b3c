"""Feedback on recommendations (useful / not relevant / hide), kept per member and result.

One Feedback node per (account, subject, target, context): giving new feedback on the
same result replaces the old one, so the latest opinion counts.
"""
from __future__ import annotations

import hashlib

from kim_network.core.errors import Invalid, NotAllowed
from kim_network.core.model import ID_RE, Label
from kim_network.store import GraphStore
from kim_network.core.visibility import Viewer, can_see
from kim_network.core.clock import now_iso

VALUES = ("useful", "not_relevant", "hide")
CONTEXTS = ("partners", "similar", "collaborators", "researchers", "project_partners", "consortia")
PROJECT_SUBJECT = "project-search"  # feedback subject of the free project-partner search


class FeedbackError(Invalid):
    """Feedback that cannot be recorded; `field` names the input."""

    summary = "Some fields are not valid."


def feedback_id(account: str, subject: str, target: str, context: str) -> str:
    digest = hashlib.sha256(f"{account}|{subject}|{target}|{context}".encode()).hexdigest()
    return "fb-" + digest[:24]


def record_feedback(
    store: GraphStore, viewer: Viewer, subject: str, target: str, value: str, context: str = "partners"
) -> dict:
    """Store a member's opinion of one recommended result.

    `subject` is what the recommendation was for (an organisation, person, call or a
    query key), `target` the recommended id, `context` which list it was in.
    """
    if not viewer.is_member or not viewer.account_id:
        raise NotAllowed("only members give feedback")
    if value not in VALUES:
        raise FeedbackError(f"value must be one of: {', '.join(VALUES)}", "value")
    if context not in CONTEXTS:
        raise FeedbackError(f"context must be one of: {', '.join(CONTEXTS)}", "context")
    for name, ident in (("subject", subject), ("target", target)):
        if not isinstance(ident, str) or not ID_RE.match(ident):
            raise FeedbackError(f"{name} must be an id", name)
    # Ids are checked like any other read: one the viewer may not see is unknown (same answer).
    if not _visible_actor(store, viewer, target):
        raise FeedbackError("target is not an organisation or person", "target")
    if not _known_subject(store, viewer, subject, context):
        raise FeedbackError("subject is not what this list was for", "subject")
    node = {
        "id": feedback_id(viewer.account_id, subject, target, context),
        "account": viewer.account_id,
        "subject": subject,
        "target": target,
        "context": context,
        "value": value,
        "created_at": now_iso(),
    }
    store.upsert_nodes(Label.FEEDBACK, [node])
    return node


def _visible_actor(store: GraphStore, viewer: Viewer, node_id: str) -> bool:
    for label in (Label.ORGANIZATION, Label.PERSON):
        node = store.get_node(label, node_id)
        if node is not None and not node.get("merged_into") and can_see(viewer, label, node):
            return True
    return False


def _known_subject(store: GraphStore, viewer: Viewer, subject: str, context: str) -> bool:
    """A list's subject: a call (consortia), the project search, or a visible organisation or person."""
    if context == "consortia":
        return store.get_node(Label.CALL, subject) is not None
    if context == "project_partners":
        return subject == PROJECT_SUBJECT
    return _visible_actor(store, viewer, subject)


def feedback_of(store: GraphStore, account_id: str, subject: str | None = None,
                context: str | None = None) -> list[dict]:
    """An account's feedback, optionally for one subject and list."""
    filters: dict = {"account": account_id}
    if subject is not None:
        filters["subject"] = subject
    if context is not None:
        filters["context"] = context
    return store.all_nodes(Label.FEEDBACK, filters)


