"""The declared properties of every node label and the relationship types' endpoints and
properties: the whitelist that every query, form, importer and export is checked against.

Import them from `kim_network.core.model`, which validates values against them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kim_network.core.labels import (
    ATTEND_STATUS,
    FOLLOW_UPS,
    INTRO_ROUTES,
    INTRO_STATUS,
    MEETING_OUTCOMES,
    MEETING_STATUS,
    ORG_KINDS,
    PERSON_KINDS,
    PROJECT_ROLES,
    ROLES,
    VISIBILITY,
    Label,
    Rel,
)


@dataclass(frozen=True)
class Prop:
    """One property: its type and constraints."""

    type: type  # str, int, float, bool or list (list of str)
    required: bool = False
    choices: tuple[str, ...] | None = None
    max_length: int = 20_000
    searchable: bool = False  # part of the full-text index
    filterable: bool = False  # may be used in list filters and sorting
    rule: str | None = None  # a field rule of `kim_network.core.fields` (email, website, phone, ...)
    # Who may read the value (`kim_network.core.visibility.visible_props`): "public", "members",
    # the name of the property holding the value's own visibility (e.g. "email_visibility"),
    # or "internal" (bookkeeping: staff and the owner only).
    audience: str = "public"


def _p(t, **kw) -> Prop:
    return Prop(t, **kw)


_TEXT = dict(searchable=True)

NODE_SCHEMA: dict[Label, dict[str, Prop]] = {
    Label.ORGANIZATION: {
        "name": _p(str, required=True, max_length=300, searchable=True, filterable=True, rule="plain"),
        "short_name": _p(str, max_length=120, searchable=True, rule="plain"),
        "kind": _p(str, required=True, choices=ORG_KINDS, filterable=True),
        "sme": _p(bool, filterable=True),
        "street": _p(str, max_length=300, audience="members"),
        "postcode": _p(str, max_length=20, audience="members"),
        "city": _p(str, max_length=120, searchable=True, filterable=True),
        "country": _p(str, max_length=2, filterable=True, rule="country"),
        "nuts3": _p(str, max_length=5, filterable=True, rule="nuts3"),
        "region": _p(str, max_length=4, filterable=True, rule="region"),  # NUTS-2, e.g. DE21
        "lat": _p(float),
        "lon": _p(float),
        "website": _p(str, max_length=500, rule="website"),
        "description_de": _p(str, **_TEXT),
        "description_en": _p(str, **_TEXT),
        "keywords": _p(str, **_TEXT),
        "contact_email": _p(str, max_length=254, rule="email", audience="members"),
        "contact_phone": _p(str, max_length=50, rule="phone", audience="members"),
        "visibility": _p(str, choices=VISIBILITY, filterable=True),
        "source": _p(str, max_length=30, filterable=True),
        "created_at": _p(str, filterable=True),
        "updated_at": _p(str, filterable=True),
        "confirmed_at": _p(str, filterable=True),
        "merged_into": _p(str, max_length=64, filterable=True, audience="internal"),
        "pending": _p(bool, filterable=True, audience="internal"),  # registered, not yet approved by staff
        # the account whose registration created it (it may build the profile before approval)
        "registered_by": _p(str, max_length=64, filterable=True, audience="internal"),
        # The competence centre that runs the platform: never a candidate, consortium member or evidence.
        "centre": _p(bool, filterable=True),
    },
    Label.PERSON: {
        "name": _p(str, required=True, max_length=200, searchable=True, filterable=True, rule="plain"),
        "kind": _p(str, required=True, choices=PERSON_KINDS, filterable=True),
        "title": _p(str, max_length=200, searchable=True, rule="plain"),
        "description_de": _p(str, **_TEXT),
        "description_en": _p(str, **_TEXT),
        "email": _p(str, max_length=254, rule="email", audience="email_visibility"),
        "phone": _p(str, max_length=50, rule="phone", audience="phone_visibility"),
        "email_visibility": _p(str, choices=VISIBILITY),
        "phone_visibility": _p(str, choices=VISIBILITY),
        "city": _p(str, max_length=120, filterable=True),
        "region": _p(str, max_length=4, filterable=True, rule="region"),
        "visibility": _p(str, choices=VISIBILITY, filterable=True),
        "source": _p(str, max_length=30, filterable=True),
        "created_at": _p(str, filterable=True),
        "updated_at": _p(str, filterable=True),
        "confirmed_at": _p(str, filterable=True),
        "pending": _p(bool, filterable=True, audience="internal"),
        "account_id": _p(str, max_length=64, filterable=True, audience="internal"),
    },
    Label.SKILL: {
        "label_de": _p(str, required=True, max_length=200, searchable=True, filterable=True),
        "label_en": _p(str, required=True, max_length=200, searchable=True, filterable=True),
        "description_de": _p(str, **_TEXT),
        "description_en": _p(str, **_TEXT),
        "synonyms": _p(str, **_TEXT),
        "source": _p(str, max_length=30, filterable=True),  # kim | euroscivoc | keyword
        "path": _p(str, max_length=1000),
    },
    Label.PROJECT: {
        "title": _p(str, required=True, max_length=1000, searchable=True, filterable=True),
        "acronym": _p(str, max_length=120, searchable=True, filterable=True),
        "objective": _p(str, **_TEXT),
        "keywords": _p(str, **_TEXT),
        "topic": _p(str, max_length=200, filterable=True),
        "topic_title": _p(str, max_length=1000, searchable=True),
        "call": _p(str, max_length=200, filterable=True),
        "programme_part": _p(str, max_length=200),  # CORDIS legal basis title, e.g. "Digital, Industry and Space"
        "funding_scheme": _p(str, max_length=100, filterable=True),
        "start_date": _p(str, filterable=True),
        "end_date": _p(str, filterable=True),
        "signed_date": _p(str, filterable=True),
        "total_cost": _p(float),
        "source": _p(str, max_length=30, filterable=True),
        "visibility": _p(str, choices=VISIBILITY, filterable=True),
    },
    Label.CALL: {
        "title": _p(str, required=True, max_length=500, searchable=True, filterable=True),
        "description_de": _p(str, **_TEXT),
        "description_en": _p(str, **_TEXT),
        "programme": _p(str, max_length=200, filterable=True),
        "deadline": _p(str, filterable=True),
        "min_partners": _p(int),
        "max_partners": _p(int),
        "min_sme": _p(int),
        "min_university": _p(int),
        "lead_region": _p(str, max_length=5, rule="nuts"),  # NUTS prefix the lead must be in
        "required_kinds": _p(list),
        "type_of_action": _p(str, max_length=20, filterable=True),  # RIA, IA, CSA, ... (core/eligibility.py)
        "funding_scheme": _p(str, max_length=100),  # as CORDIS records it, e.g. HORIZON-RIA
        "master_call": _p(str, max_length=200),  # the call a topic belongs to, e.g. HORIZON-CL4-2021-HUMAN-01
        "projects_funded": _p(int),  # CORDIS: projects signed under this topic
        "source": _p(str, max_length=30, filterable=True),  # cordis | staff | demo
        "created_at": _p(str, filterable=True),
    },
    Label.EVENT: {
        "title": _p(str, required=True, max_length=500, searchable=True, filterable=True),  # German
        "title_en": _p(str, max_length=500),
        "format": _p(str, max_length=100, filterable=True),
        "date": _p(str, filterable=True),  # YYYY-MM-DD
        "start_time": _p(str, max_length=5),  # HH:MM, local (Europe/Berlin)
        "end_time": _p(str, max_length=5),
        "city": _p(str, max_length=120, filterable=True),
        "place": _p(str, max_length=300),  # venue and address
        "description_de": _p(str, **_TEXT),
        "description_en": _p(str, **_TEXT),
        # Matchmaking: the slot grid as ISO intervals "YYYY-MM-DDTHH:MM/YYYY-MM-DDTHH:MM".
        "slots": _p(list),
        "tables": _p(int),
        "meeting_cap": _p(int),  # meetings per person, optional
        "registration_deadline": _p(str, filterable=True),  # local YYYY-MM-DDTHH:MM
        "visibility": _p(str, choices=VISIBILITY, filterable=True),
        "scheduled_at": _p(str),
        "source": _p(str, max_length=30, filterable=True),
        "created_at": _p(str, filterable=True),
        "updated_at": _p(str, filterable=True),
    },
    Label.REGION: {
        "name": _p(str, required=True, max_length=200, searchable=True, filterable=True),
        "level": _p(int, filterable=True),  # NUTS level 0..3
        "country": _p(str, max_length=2, filterable=True),
    },
    Label.ACCOUNT: {
        "email": _p(str, required=True, max_length=254, filterable=True, rule="email"),
        "password_hash": _p(str, required=True, max_length=500),
        "name": _p(str, max_length=200),
        "role": _p(str, required=True, choices=ROLES, filterable=True),
        "organization_id": _p(str, max_length=64, filterable=True),  # confirmed by staff
        # The organisation a registration asks to join; approval turns it into organization_id.
        "claimed_organization_id": _p(str, max_length=64, filterable=True),
        "person_id": _p(str, max_length=64, filterable=True),
        "approved": _p(bool, filterable=True),
        "language": _p(str, choices=("de", "en")),
        "consent_version": _p(str, max_length=50),
        "consent_at": _p(str),
        "created_at": _p(str, filterable=True),
        "failed_logins": _p(int),  # no longer written: failures are counted in the store's counters
        "locked_until": _p(str),
        # Sessions carry it; raising it (logout, password change) ends every session at once.
        "session_generation": _p(int),
        "api_token_hash": _p(str, max_length=200, filterable=True),
        "reset_token_hash": _p(str, max_length=200, filterable=True),
        "reset_expires": _p(str),
    },
    Label.INTRODUCTION: {
        "requester_account": _p(str, required=True, max_length=64, filterable=True),
        "requester_org": _p(str, max_length=64, filterable=True),
        "target_org": _p(str, max_length=64, filterable=True),  # an organisation asked for ...
        "target_person": _p(str, max_length=64, filterable=True),  # ... or a person
        "recipient_account": _p(str, max_length=64, filterable=True),  # the person's own account
        "route": _p(str, choices=INTRO_ROUTES, filterable=True),  # absent on old rows: direct
        "message": _p(str, max_length=2000),
        "reply": _p(str, max_length=2000),
        "status": _p(str, required=True, choices=INTRO_STATUS, filterable=True),
        "reasons": _p(str, max_length=5000),  # legacy, never shown: reasons are recomputed for the reader
        "created_at": _p(str, filterable=True),
        "answered_at": _p(str, filterable=True),
        "answered_by": _p(str, max_length=64),
        "reminded_at": _p(str, filterable=True),
        # bridge: each side's answer; staff route and bridge: what staff recorded
        "requester_answer": _p(str, choices=("accepted", "declined")),
        "target_answer": _p(str, choices=("accepted", "declined")),
        "handled_by": _p(str, max_length=64),
        "handled_at": _p(str, filterable=True),
        "outcome_note": _p(str, max_length=2000),
        "met_at": _p(str),
    },
    Label.FEEDBACK: {
        "account": _p(str, required=True, max_length=64, filterable=True),
        "subject": _p(str, required=True, max_length=64, filterable=True),
        "target": _p(str, required=True, max_length=64, filterable=True),
        "context": _p(str, max_length=50, filterable=True),
        "value": _p(str, required=True, choices=("useful", "not_relevant", "hide"), filterable=True),
        "created_at": _p(str, filterable=True),
    },
    Label.NOTIFICATION: {
        "account": _p(str, required=True, max_length=64, filterable=True),
        "kind": _p(str, required=True, max_length=50, filterable=True),
        "text_de": _p(str, max_length=2000),
        "text_en": _p(str, max_length=2000),
        "link": _p(str, max_length=500),
        "read": _p(bool, filterable=True),
        "created_at": _p(str, filterable=True),
    },
    Label.MEETING: {
        "event": _p(str, required=True, max_length=64, filterable=True),
        "requester": _p(str, required=True, max_length=64, filterable=True),  # person ids
        "recipient": _p(str, required=True, max_length=64, filterable=True),
        "requester_account": _p(str, max_length=64, filterable=True),
        "recipient_account": _p(str, max_length=64, filterable=True),
        "requester_org": _p(str, max_length=64, filterable=True),
        "recipient_org": _p(str, max_length=64, filterable=True),
        "status": _p(str, required=True, choices=MEETING_STATUS, filterable=True),
        "message": _p(str, max_length=1000),
        "reply": _p(str, max_length=1000),
        "slot": _p(str, max_length=40),  # the slot asked for; absent: any free slot
        "scheduled_slot": _p(str, max_length=40, filterable=True),
        "table": _p(str, max_length=20),
        "value": _p(float),  # match strength when requested: the scheduler's priority
        "unplaced_reason": _p(str, max_length=40),
        "sequence": _p(int),  # grows when the slot changes (iCalendar SEQUENCE)
        "outcome_requester": _p(str, choices=MEETING_OUTCOMES),
        "outcome_recipient": _p(str, choices=MEETING_OUTCOMES),
        "follow_up_requester": _p(str, choices=FOLLOW_UPS),
        "follow_up_recipient": _p(str, choices=FOLLOW_UPS),
        "created_at": _p(str, filterable=True),
        "answered_at": _p(str),
        "scheduled_at": _p(str),
        "updated_at": _p(str),
    },
    Label.BOOKING: {
        "event": _p(str, required=True, max_length=64, filterable=True),
        "slot": _p(str, required=True, max_length=40),
        "holder": _p(str, required=True, max_length=80),  # a person id or "table:<name>"
        "meeting": _p(str, required=True, max_length=64, filterable=True),
        "created_at": _p(str),
    },
    Label.TEAM: {
        "account": _p(str, required=True, max_length=64, filterable=True),
        "title": _p(str, required=True, max_length=300),
        "call": _p(str, max_length=64),
        "idea": _p(str, max_length=5000),
        "data": _p(str, required=True, max_length=20_000),  # JSON: members, roles, covered skills, gaps
        "created_at": _p(str, filterable=True),
    },
    Label.AUDIT: {
        "actor": _p(str, required=True, max_length=64, filterable=True),
        "action": _p(str, required=True, max_length=100, filterable=True),
        "subject": _p(str, max_length=200, filterable=True),
        "detail": _p(str, max_length=5000),
        "created_at": _p(str, required=True, filterable=True),
    },
}


@dataclass(frozen=True)
class RelSpec:
    """A relationship type: which labels it connects and which properties it carries."""

    endpoints: tuple[tuple[Label, Label], ...]
    props: dict[str, Prop] = field(default_factory=dict)


# `origin` says where an edge came from (member, import, demo, ...); `source` names the start node.
_W = {"weight": _p(float), "origin": _p(str, max_length=30), "note": _p(str, max_length=1000)}
_ACTORS = (Label.ORGANIZATION, Label.PERSON)

REL_SCHEMA: dict[Rel, RelSpec] = {
    Rel.WORKS_AT: RelSpec(((Label.PERSON, Label.ORGANIZATION),), {"role": _p(str, max_length=200)}),
    Rel.HAS_SKILL: RelSpec(tuple((a, Label.SKILL) for a in _ACTORS), _W),
    Rel.OFFERS: RelSpec(tuple((a, Label.SKILL) for a in _ACTORS), _W),
    Rel.NEEDS: RelSpec(tuple((a, Label.SKILL) for a in _ACTORS), _W),
    Rel.BROADER: RelSpec(((Label.SKILL, Label.SKILL),)),
    Rel.PARTICIPATED_IN: RelSpec(
        tuple((a, Label.PROJECT) for a in _ACTORS),
        {"role": _p(str, choices=PROJECT_ROLES), "order": _p(int)},
    ),
    Rel.REQUIRES: RelSpec(((Label.CALL, Label.SKILL), (Label.PROJECT, Label.SKILL)), _W),
    Rel.ATTENDED: RelSpec(tuple((a, Label.EVENT) for a in _ACTORS), {"role": _p(str, max_length=100)}),
    Rel.LOCATED_IN: RelSpec(((Label.ORGANIZATION, Label.REGION),)),
    Rel.PART_OF: RelSpec(((Label.REGION, Label.REGION),)),
    Rel.ATTENDS: RelSpec(((Label.PERSON, Label.EVENT),), {
        "status": _p(str, choices=ATTEND_STATUS),
        "organization": _p(str, max_length=64),  # the person's organisation when registering
        "looks_for": _p(list),  # skill ids, preselected from the profile's needs
        "offers": _p(list),  # skill ids, preselected from the profile's offers
        "availability": _p(list),  # slot ids of the event's grid
        "max_meetings": _p(int),
        "note": _p(str, max_length=500),
        "registered_at": _p(str),
        "updated_at": _p(str),
    }),
    # Stored from the lower to the higher organisation id, so a pair has one edge.
    Rel.MET: RelSpec(((Label.ORGANIZATION, Label.ORGANIZATION),), {
        "weight": _p(float),  # meetings held
        "event": _p(str, max_length=64),  # the latest event where they met
        "date": _p(str, max_length=10),
        "origin": _p(str, max_length=30),
    }),
}
