"""One introduction as its reader sees it: the one service call behind the page and the API.

`describe(store, viewer, intro, proj)` says who asked whom, the status, what the reader may
do, the contact details the reader may now see, and why the two fit, recomputed for the
reader's side each time it is shown (never text the asker wrote).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from kim_network.core.model import Label, display_name
from kim_network.core.visibility import Viewer, visible_props
from kim_network.matching.types import Reason
from kim_network.services import introductions as intros
from kim_network.services.recommendations import explain
from kim_network.store import GraphStore

REVEALED = ("accepted", "met")


def _ref(store: GraphStore, label: Label, node_id: str | None) -> dict | None:
    if not node_id:
        return None
    node = intros._node(store, label, node_id)
    return {"id": node_id, "label": label.value, "name": display_name(label, node) if node else node_id}


def _account(store: GraphStore, account_id: str | None) -> dict:
    return intros._node(store, Label.ACCOUNT, account_id) or {}


def _org_contact(store: GraphStore, org_id: str | None, answered_by: str | None = None) -> dict:
    org = intros._node(store, Label.ORGANIZATION, org_id) or {}
    side = {"name": display_name(Label.ORGANIZATION, org) if org else (org_id or ""),
            **{k: org[k] for k in ("contact_email", "contact_phone") if org.get(k)}}
    if answered_by:
        account = _account(store, answered_by)
        if account.get("organization_id") == org_id:
            side["person"] = account.get("name") or ""
            side["email"] = account.get("email")
    return {k: v for k, v in side.items() if v}


def _person_contact(store: GraphStore, viewer: Viewer, person_id: str) -> dict:
    """A person's own contact fields, as far as their visibility allows for this viewer."""
    person = intros._node(store, Label.PERSON, person_id) or {}
    side = {"name": display_name(Label.PERSON, person) if person else person_id}
    readable = visible_props(viewer, Label.PERSON, person) if person else {}
    for key in ("email", "phone"):
        if readable.get(key):
            side[key] = readable[key]
    employers = [e.target for e in store.edges(Label.PERSON, person_id, "WORKS_AT", "out")] if person else []
    if employers:
        org = intros._node(store, Label.ORGANIZATION, employers[0])
        if org:
            side["organization"] = display_name(Label.ORGANIZATION, org)
    return side


def _requester_contact(store: GraphStore, intro: Mapping) -> dict:
    account = _account(store, intro["requester_account"])
    side = {"name": account.get("name") or "", "email": account.get("email")}
    org = intros._node(store, Label.ORGANIZATION, intro.get("requester_org"))
    if org:
        side["organization"] = display_name(Label.ORGANIZATION, org)
        side.update({k: org[k] for k in ("contact_email", "contact_phone") if org.get(k)})
    return {k: v for k, v in side.items() if v}


def target_contact(store: GraphStore, viewer: Viewer, intro: Mapping) -> dict:
    """The contact fields of the one asked for, as far as `viewer` may see them."""
    if intro.get("target_person"):
        return _person_contact(store, viewer, intro["target_person"])
    return _org_contact(store, intro.get("target_org"), intro.get("answered_by"))


def contacts(store: GraphStore, viewer: Viewer, intro: Mapping) -> dict:
    """Contact details of the other side, only once both sides agreed.

    Returns ``{"requester": {...}, "target": {...}}`` with the sides the viewer may see: each
    side sees the other's, staff see both, nobody sees anything before acceptance. A
    request staff passed on ("reached") shows the requester what the profile of the one
    asked for shows to members, since nobody accepted on the platform.
    """
    status, route = intro.get("status"), intros.route_of(intro)
    if route == "staff":
        if status not in ("reached", "met"):
            return {}
        if viewer.is_staff or intros.is_requester_side(viewer, intro):
            return {"target": target_contact(store, viewer, intro)}
        return {}
    if status not in REVEALED:
        return {}
    out = {}
    if route == "bridge":
        side = intros.bridge_side(viewer, intro)
        for name in ("requester", "target"):
            if viewer.is_staff or (side is not None and side != name):
                out[name] = _org_contact(store, intro.get(f"{name}_org"))
                for account in intros.recipients(store, intro, name)[:3]:
                    out[name].setdefault("people", []).append(
                        {"name": account.get("name") or "", "email": account.get("email")})
        return out
    if viewer.is_staff or intros.is_requester_side(viewer, intro):
        out["target"] = target_contact(store, viewer, intro)
    if viewer.is_staff or intros.is_recipient_side(viewer, intro):
        out["requester"] = _requester_contact(store, intro)
    return out


@dataclass
class IntroView:
    """Everything the introduction page and the API show, already filtered for the reader."""

    intro: dict
    route: str
    direction: str  # sent | received | other
    requester: str
    requester_org: dict | None
    target: dict | None  # the organisation or person asked for
    target_org: dict | None
    contacts: dict
    reasons: list[Reason] = field(default_factory=list)
    reasons_about: dict | None = None  # whom the reasons are about (the other side)
    can_answer: bool = False
    can_withdraw: bool = False
    can_mark_met: bool = False
    can_record_outcome: bool = False
    side: str | None = None  # bridge: which side the reader speaks for

    @property
    def id(self) -> str:
        return self.intro["id"]

    @property
    def status(self) -> str:
        return self.intro["status"]

    def as_json(self, lang: str = "de") -> dict:
        i = self.intro
        return {
            "id": i["id"], "status": i["status"], "route": self.route, "direction": self.direction,
            "requester": self.requester, "requester_org": _public(self.requester_org),
            "target_org": _public(self.target_org),
            "target_person": _public(self.target) if i.get("target_person") else None,
            "message": i.get("message"), "reply": i.get("reply"), "outcome_note": i.get("outcome_note"),
            "created_at": i.get("created_at"), "answered_at": i.get("answered_at"),
            "handled_at": i.get("handled_at"), "met_at": i.get("met_at"),
            "answers": {s: i.get(f"{s}_answer") for s in ("requester", "target")} if self.route == "bridge" else None,
            "contacts": self.contacts,
            "reasons": [{"kind": r.kind, "text": r.text(lang), "data": r.data} for r in self.reasons],
        }


def _public(ref: dict | None) -> dict | None:
    return {"id": ref["id"], "name": ref["name"]} if ref else None


def _sides(viewer: Viewer, intro: Mapping) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    """(the reader's own subject, the other side), each as (label, id), for the reasons."""
    requester = (Label.ORGANIZATION.value, intro["requester_org"]) if intro.get("requester_org") else None
    if intro.get("target_person"):
        target = (Label.PERSON.value, intro["target_person"])
    else:
        target = (Label.ORGANIZATION.value, intro["target_org"]) if intro.get("target_org") else None
    if intros.route_of(intro) == "bridge":
        side = intros.bridge_side(viewer, intro)
        if side == "target":
            return target, requester
        return requester, target  # side a, and staff read it from a's side
    if intros.is_recipient_side(viewer, intro):
        return target, requester
    return requester, target


def describe(store: GraphStore, viewer: Viewer, intro: Mapping, proj=None) -> IntroView:
    """The introduction for `viewer` (who must be able to see it; see `intros.get_introduction`)."""
    intro = dict(intro)
    route = intros.route_of(intro)
    if intros.is_recipient_side(viewer, intro):
        direction = "received"
    elif intros.is_requester_side(viewer, intro):
        direction = "sent"
    else:
        direction = "other"
    target = _ref(store, Label.PERSON, intro["target_person"]) if intro.get("target_person") else \
        _ref(store, Label.ORGANIZATION, intro.get("target_org"))
    target_org = _ref(store, Label.ORGANIZATION, intro.get("target_org"))
    if intro.get("target_person") and target_org is None:
        person_orgs = [e.target for e in store.edges(Label.PERSON, intro["target_person"], "WORKS_AT", "out")]
        target_org = _ref(store, Label.ORGANIZATION, person_orgs[0]) if person_orgs else None
    account = _account(store, intro["requester_account"])
    side = intros.bridge_side(viewer, intro)
    is_open = intro["status"] == intros.OPEN
    view = IntroView(
        intro=intro, route=route, direction=direction,
        requester=account.get("name") or account.get("email") or "",
        requester_org=_ref(store, Label.ORGANIZATION, intro.get("requester_org")),
        target=target, target_org=target_org, contacts=contacts(store, viewer, intro),
        can_answer=is_open and intros.is_recipient_side(viewer, intro)
        and not (side and intro.get(f"{side}_answer")),
        can_withdraw=is_open and viewer.account_id == intro["requester_account"],
        can_mark_met=intros.can_mark_met(viewer, intro),
        can_record_outcome=intros.can_record_outcome(viewer, intro), side=side,
    )
    mine, other = _sides(viewer, intro)
    if proj is not None and mine and other:
        view.reasons = explain(proj, store, viewer, mine, other)
        view.reasons_about = _ref(store, Label(other[0]), other[1])
    return view


def bridge_draft(proj, store: GraphStore, viewer: Viewer, org_a: str, org_b: str, lang: str) -> str:
    """A plain-language first draft of a bridging introduction; staff edit it before sending.

    It names what each side brings for the other, from the data (declared offers and needs),
    never community numbers or scores.
    """
    from kim_network.core.messages import msg
    from kim_network.matching import evidence, evidence_data
    from kim_network.matching.supply import Skills, row

    a_name, b_name = (display_name(Label.ORGANIZATION, intros._node(store, Label.ORGANIZATION, o) or {"id": o})
                      for o in (org_a, org_b))
    parts = [msg("Hello, the KI.M team would like to introduce %(a)s and %(b)s to each other.", a=a_name, b=b_name)]
    i, j = proj.actor_index.get(org_a), proj.actor_index.get(org_b)
    if i is not None and j is not None:
        skills = Skills.of(proj)
        for me, other, me_name, other_name in ((i, j, a_name, b_name), (j, i, b_name, a_name)):
            f = evidence_data.facts(proj, skills, row(skills.needs, me), [], other)
            brought = f.offers or f.listed or f.from_projects
            if brought:
                parts.append(msg("%(other)s offers %(skills)s, which %(me)s is looking for.", other=other_name,
                                 me=me_name, skills=evidence.skill_names(proj, brought)))
    parts.append(msg("Would you like to talk to each other? If you both accept, you will see each other's "
                     "contact details on the platform."))
    return " ".join(p.render(lang) for p in parts)[:intros.MAX_MESSAGE]
