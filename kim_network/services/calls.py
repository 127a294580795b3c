"""Funding calls: the open ones that fit a member, finding a topic, and staff adding a call by hand.

CORDIS topics are imported as calls (code as id, type of action, the skills their funded
projects needed); staff add current calls with a deadline, rules and required skills. The
eligibility rules of a type of action come from `core/eligibility.py`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from kim_network.core import eligibility
from kim_network.core.clock import now_iso, utcnow
from kim_network.core.errors import Conflict, Invalid, NotAllowed
from kim_network.core.model import ID_RE, Label, Rel, validate_node
from kim_network.core.visibility import Viewer
from kim_network.matching.calls import CallFit, fitting_calls
from kim_network.services import audit
from kim_network.store import GraphStore
from kim_network.store.base import search_terms

MAX_FOUND = 20


class CallError(Invalid):
    """A call cannot be added as given; `field` names the field."""


@dataclass
class OpenCall:
    call: dict
    fit: CallFit | None = None


def _today() -> str:
    return utcnow().date().isoformat()


def all_calls(store: GraphStore) -> list[dict]:
    return store.all_nodes(Label.CALL, order_by="id")


def open_calls(store: GraphStore, today: str | None = None) -> list[dict]:
    """Calls whose deadline is today or later, soonest first."""
    today = today or _today()
    return sorted((c for c in all_calls(store) if (c.get("deadline") or "") >= today),
                  key=lambda c: (c["deadline"], c["id"]))


def calls_for_member(proj, store: GraphStore, viewer: Viewer, today: str | None = None,
                     k: int = 10) -> tuple[list[OpenCall], list[OpenCall]]:
    """Open calls that fit the member's organisation (or, failing that, their own profile), best
    first, and the other open calls."""
    calls = open_calls(store, today)
    subject = next((s for s in (viewer.organization_id, viewer.person_id) if s and s in proj.actor_index), None)
    fits = {f.call_id: f for f in fitting_calls(proj, subject, [c["id"] for c in calls], k=k)} if subject else {}
    fitting = sorted((OpenCall(c, fits[c["id"]]) for c in calls if c["id"] in fits), key=lambda o: -o.fit.score)
    others = [OpenCall(c) for c in calls if c["id"] not in fits]
    return fitting, others


def find_calls(store: GraphStore, text: str, limit: int = MAX_FOUND) -> list[dict]:
    """Calls by code (exact, or the start of one) or by words of their title."""
    text = (text or "").strip()
    if not text:
        return []
    out: dict[str, dict] = {}
    exact = store.get_node(Label.CALL, text.upper()) if ID_RE.match(text.upper()) else None
    if exact:
        out[exact["id"]] = exact
    if search_terms(text):
        hits, _ = store.search(text, labels=[Label.CALL], limit=limit)
        for hit in hits:
            out.setdefault(hit.id, hit.node)
    if len(out) < limit and re.fullmatch(r"[A-Za-z0-9-]{4,64}", text):
        prefix = text.upper()
        for call in all_calls(store):
            if call["id"].upper().startswith(prefix):
                out.setdefault(call["id"], call)
                if len(out) >= limit:
                    break
    return list(out.values())[:limit]


def rules_of(call: Mapping) -> eligibility.ActionType | None:
    return eligibility.action_types().get(call.get("type_of_action") or "")


def create_call(store: GraphStore, viewer: Viewer, data: Mapping, skills: Sequence[str]) -> dict:
    """Staff add a current call: code, title, deadline, type of action (its rules), required skills.

    Raises NotAllowed for non-staff, CallError for bad input and Conflict for a code in use;
    nothing is written then.
    """
    if not viewer.is_staff:
        raise NotAllowed("only KI.M staff add calls")
    code = str(data.get("id") or "").strip().upper()
    if not ID_RE.match(code):
        raise CallError("the code must be 1-64 letters, digits or _.:- (e.g. HORIZON-CL4-2027-HUMAN-01-03)", "id")
    deadline = str(data.get("deadline") or "").strip()
    try:
        due = date.fromisoformat(deadline).isoformat()
    except ValueError:
        raise CallError("the deadline must be a date (YYYY-MM-DD)", "deadline") from None
    if due < _today():
        raise CallError("the deadline has passed", "deadline")
    action = data.get("type_of_action") or None
    if action is not None and action not in eligibility.action_types():
        raise CallError(f"type of action must be one of {', '.join(eligibility.action_types())}", "type_of_action")
    if not skills:
        raise CallError("name at least one required skill", "skills")
    props = {k: v for k, v in data.items() if v not in (None, "")}
    props.update(id=code, deadline=deadline, source="staff", created_at=now_iso())
    rules = eligibility.action_types().get(action or "")
    if rules and not props.get("min_partners"):
        props["min_partners"] = rules.minimum("min_entities")
    if props.get("min_partners") and props.get("max_partners") and props["max_partners"] < props["min_partners"]:
        raise CallError("the largest team cannot be smaller than the smallest", "max_partners")
    node = validate_node(Label.CALL, props)
    if store.get_node(Label.CALL, code) is not None:
        raise Conflict(f"a call with the code {code} exists already")
    store.create_node(Label.CALL, node)
    store.upsert_edges(Rel.REQUIRES, [{"source": code, "target": s, "source_label": Label.CALL.value,
                                       "weight": 1.0, "origin": "staff"} for s in skills])
    audit.record(store, viewer.account_id or viewer.role, "call.create", code,
                 {"title": node.get("title"), "deadline": deadline, "skills": list(skills)})
    return node
