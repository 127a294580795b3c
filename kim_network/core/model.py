"""The graph model: node labels, their properties, relationship types and validation.

Both store adapters and every importer take their vocabulary from here, so a label,
relationship type or property name that is not declared in this module can never reach
a query. Labels and relationship types cannot be query parameters in Cypher; whitelisting
them here is what makes formatting them into a statement safe.
"""
from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from kim_network.core import fields
from kim_network.core.errors import Invalid
from kim_network.core.text import readable_case


class Label(str, enum.Enum):
    """Node labels. The graph labels plus the platform's own records (accounts, ...)."""

    ORGANIZATION = "Organization"
    PERSON = "Person"
    SKILL = "Skill"
    PROJECT = "Project"
    CALL = "Call"
    EVENT = "Event"
    REGION = "Region"
    # Platform records: stored in the same store so the app keeps no state elsewhere.
    ACCOUNT = "Account"
    INTRODUCTION = "Introduction"
    FEEDBACK = "Feedback"
    NOTIFICATION = "Notification"
    AUDIT = "AuditEntry"
    MEETING = "Meeting"
    # One per (event, slot, person) and (event, slot, table) while a meeting holds it: the
    # unique id makes "no double booking" atomic in both stores (see services/bookings.py).
    BOOKING = "SlotBooking"
    TEAM = "Team"  # a consortium a member saved from the consortium builder

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.value


class Rel(str, enum.Enum):
    """Relationship types."""

    WORKS_AT = "WORKS_AT"
    HAS_SKILL = "HAS_SKILL"
    OFFERS = "OFFERS"
    NEEDS = "NEEDS"
    BROADER = "BROADER"
    PARTICIPATED_IN = "PARTICIPATED_IN"
    REQUIRES = "REQUIRES"
    ATTENDED = "ATTENDED"
    LOCATED_IN = "LOCATED_IN"
    PART_OF = "PART_OF"
    ATTENDS = "ATTENDS"  # registration for an event (status, per-event needs/offers, availability)
    MET = "MET"  # organisations whose people met at an event (from confirmed meetings)

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.value


# Labels that make up the ecosystem graph (what the projection, map and exports see).
GRAPH_LABELS = (
    Label.ORGANIZATION,
    Label.PERSON,
    Label.SKILL,
    Label.PROJECT,
    Label.CALL,
    Label.EVENT,
    Label.REGION,
)



class DataKind(str, enum.Enum):
    """What a write changes, for change tracking: caches are invalidated only by the kinds they read.

    - GRAPH: the ecosystem graph (GRAPH_LABELS and every relationship), read by the matching
      projection, the analytics snapshots and search;
    - INTRODUCTIONS: introduction records, read by the analytics report (the funnel);
    - RECORDS: the platform's own records (accounts, feedback, notifications, audit), read
      per request and never cached from the whole store.
    """

    GRAPH = "graph"
    INTRODUCTIONS = "introductions"
    RECORDS = "records"


def data_kind(label: "Label | str") -> DataKind:
    """The kind of data a node of this label is.

    >>> data_kind("Organization").value, data_kind("Introduction").value, data_kind("Feedback").value
    ('graph', 'introductions', 'records')
    """
    label = as_label(label)
    if label in GRAPH_LABELS:
        return DataKind.GRAPH
    if label is Label.INTRODUCTION:
        return DataKind.INTRODUCTIONS
    return DataKind.RECORDS


ORG_KINDS = (
    "company",
    "media_company",
    "tech_provider",
    "university",
    "research_institute",
    "public_body",
    "other",
)
PERSON_KINDS = ("researcher", "expert", "media_professional")
VISIBILITY = ("public", "members", "staff")
PROJECT_ROLES = ("coordinator", "participant", "associatedPartner", "thirdParty", "partner")
ROLES = ("member", "staff", "admin")
EVENT_FORMATS = ("workshop", "meetup", "conference", "office_hours", "matchmaking", "barcamp", "hackathon")
ATTEND_STATUS = ("registered", "attended", "cancelled")
MEETING_STATUS = ("requested", "accepted", "declined", "cancelled", "scheduled")
MEETING_OUTCOMES = ("met", "not_met")
FOLLOW_UPS = ("useful", "not_useful")
# requested -> accepted | declined | withdrawn; staff record "reached" for requests they pass on;
# either side (or staff) records "met" once the two sides met.
INTRO_STATUS = ("requested", "accepted", "declined", "withdrawn", "expired", "reached", "met")
# direct: the organisation's members or the person answer; staff: "Vermittlung durch KI.M"
# (nobody on the platform can answer, staff act and record the outcome); bridge: staff
# introduce two organisations to each other, both answer.
INTRO_ROUTES = ("direct", "staff", "bridge")

# Bavaria's seven Regierungsbezirke by NUTS-2 code.
REGIERUNGSBEZIRKE = {
    "DE21": "Oberbayern",
    "DE22": "Niederbayern",
    "DE23": "Oberpfalz",
    "DE24": "Oberfranken",
    "DE25": "Mittelfranken",
    "DE26": "Unterfranken",
    "DE27": "Schwaben",
}


class ValidationError(Invalid):
    """A value does not fit the model. `field` names the offending property."""

    summary = "Some fields are not valid."

    def fields(self) -> dict[str, str]:
        return {self.field or "body": str(self.message)}


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

# Default endpoint labels per relationship type, so callers may omit them when unambiguous.
_DEFAULT_ENDPOINTS = {rel: spec.endpoints[0] for rel, spec in REL_SCHEMA.items()}

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Lone surrogates (e.g. JSON "\ud800") are not Unicode text; neither database can store them.
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def as_label(value: Label | str) -> Label:
    """Return the Label for a value, or raise ValidationError for anything undeclared."""
    try:
        return value if isinstance(value, Label) else Label(value)
    except ValueError:
        raise ValidationError(f"unknown node label {value!r}", "label") from None


def as_rel(value: Rel | str) -> Rel:
    """Return the Rel for a value, or raise ValidationError for anything undeclared."""
    try:
        return value if isinstance(value, Rel) else Rel(value)
    except ValueError:
        raise ValidationError(f"unknown relationship type {value!r}", "type") from None


def check_id(value: Any, field_name: str = "id") -> str:
    """Validate a node id: 1-64 characters of letters, digits and `_ . : -`."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not ID_RE.match(value):
        raise ValidationError(
            f"{field_name} must be 1-64 letters, digits or _.:- (got {str(value)[:80]!r})",
            field_name,
        )
    return value


def filterable_props(label: Label | str) -> set[str]:
    """Properties of a label that may be used to filter or sort listings (plus `id`)."""
    schema = NODE_SCHEMA[as_label(label)]
    return {"id"} | {k for k, p in schema.items() if p.filterable}


def searchable_props(label: Label | str) -> list[str]:
    schema = NODE_SCHEMA[as_label(label)]
    return [k for k, p in schema.items() if p.searchable]


def _coerce(name: str, prop: Prop, value: Any) -> Any:
    if value is None:
        return None
    t = prop.type
    if t is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "1", "yes", "ja"):
            return True
        if isinstance(value, str) and value.strip().lower() in ("false", "0", "no", "nein", ""):
            return False
        raise ValidationError(f"{name} must be true or false", name)
    if t is int:
        if isinstance(value, bool):
            raise ValidationError(f"{name} must be a whole number", name)
        try:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError
            return int(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{name} must be a whole number", name) from None
    if t is float:
        if isinstance(value, bool):
            raise ValidationError(f"{name} must be a number", name)
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{name} must be a number", name) from None
        if not math.isfinite(number):
            raise ValidationError(f"{name} must be a finite number", name)
        return number
    if t is list:
        if isinstance(value, str):
            value = [v.strip() for v in value.split("|") if v.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ValidationError(f"{name} must be a list of texts", name)
        return [_clean_text(name, prop, v) for v in value]
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise ValidationError(f"{name} must be text", name)
    value = _clean_text(name, prop, value)
    if prop.choices is not None and value not in prop.choices:
        raise ValidationError(f"{name} must be one of: {', '.join(prop.choices)}", name)
    if prop.rule and value:
        try:
            value = fields.check(prop.rule, value)
        except fields.FieldError as exc:
            raise ValidationError(f"{name} {exc} ({value[:80]!r})", name) from None
    return value


def _clean_text(name: str, prop: Prop, value: str) -> str:
    if _SURROGATE_RE.search(value):
        raise ValidationError(f"{name} contains a character that is not valid Unicode", name)
    value = _CONTROL_RE.sub("", value).strip()
    if len(value) > prop.max_length:
        raise ValidationError(f"{name} is longer than {prop.max_length} characters", name)
    return value


def validate_node(label: Label | str, props: Mapping[str, Any], partial: bool = False) -> dict:
    """Check and normalise node properties against the model.

    Returns a new dict with `id` and the declared properties, coerced to their types.
    Unknown properties, wrong types and missing required values raise ValidationError.
    With ``partial=True`` (updates) required properties may be absent but not emptied.

    >>> validate_node("Skill", {"id": "asr", "label_de": "Spracherkennung", "label_en": "Speech recognition"})["label_en"]
    'Speech recognition'
    """
    label = as_label(label)
    schema = NODE_SCHEMA[label]
    out: dict[str, Any] = {}
    if not partial or "id" in props:
        out["id"] = check_id(props.get("id"))
    for key, value in props.items():
        if key == "id":
            continue
        prop = schema.get(key)
        if prop is None:
            raise ValidationError(f"unknown property {key!r} for {label.value}", key)
        out[key] = _coerce(key, prop, value)
    for key, prop in schema.items():
        if not prop.required:
            continue
        if (not partial or key in out) and out.get(key) in (None, ""):
            raise ValidationError(f"{key} is required", key)
    return out


def drop_invalid(label: Label | str, props: Mapping[str, Any]) -> tuple[dict, list[tuple[str, str]]]:
    """For importers of outside data: the properties with every invalid optional value left out.

    Invisible characters are removed first (they are common in copied web addresses); a
    value that still breaks its rule is dropped and reported as `(property, reason)`. The
    rest is returned unchanged, for `validate_node` to check as a whole.

    >>> drop_invalid("Organization", {"id": "o", "website": "javascript:alert(1)", "name": "A"})
    ({'id': 'o', 'name': 'A'}, [('website', "website must be a web address starting with http:// or https:// ('javascript:alert(1)')")])
    """
    schema = NODE_SCHEMA[as_label(label)]
    kept: dict[str, Any] = {}
    dropped: list[tuple[str, str]] = []
    for key, value in props.items():
        prop = schema.get(key)
        if prop is not None and prop.rule and isinstance(value, str):
            value = fields.INVISIBLE_RE.sub("", value)
            try:
                _coerce(key, prop, value)
            except ValidationError as exc:
                if not prop.required:
                    dropped.append((key, str(exc.message)))
                    continue
        kept[key] = value
    return kept, dropped


def validate_edge(rel: Rel | str, row: Mapping[str, Any]) -> dict:
    """Check an edge row `{source, target, [source_label], [target_label], **props}`.

    Returns `{"source", "target", "source_label", "target_label", "props"}` with labels as
    Label members.

    >>> validate_edge("BROADER", {"source": "asr", "target": "audio"})["target_label"]
    <Label.SKILL: 'Skill'>
    """
    rel = as_rel(rel)
    spec = REL_SCHEMA[rel]
    default_src, default_dst = _DEFAULT_ENDPOINTS[rel]
    src_label = as_label(row.get("source_label") or default_src)
    dst_label = as_label(row.get("target_label") or default_dst)
    if (src_label, dst_label) not in spec.endpoints:
        raise ValidationError(
            f"{rel.value} cannot connect {src_label.value} to {dst_label.value}", "type"
        )
    props = {}
    for key, value in row.items():
        if key in ("source", "target", "source_label", "target_label"):
            continue
        prop = spec.props.get(key)
        if prop is None:
            raise ValidationError(f"unknown property {key!r} for {rel.value}", key)
        coerced = _coerce(key, prop, value)
        if coerced is not None:
            props[key] = coerced
    return {
        "source": check_id(row.get("source"), "source"),
        "target": check_id(row.get("target"), "target"),
        "source_label": src_label,
        "target_label": dst_label,
        "props": props,
    }


def display_name(label: Label | str, node: Mapping[str, Any], lang: str = "de") -> str:
    """The name a person reads for a node, in the given language where it has one."""
    label = as_label(label)
    if label is Label.SKILL:
        return node.get(f"label_{lang}") or node.get("label_en") or node.get("id", "")
    if label is Label.ORGANIZATION and node.get("name"):
        return readable_case(node["name"])  # CORDIS writes many names in capitals
    return node.get("name") or node.get("title") or node.get("acronym") or node.get("id", "")


def chunked(rows: Iterable, size: int) -> Iterable[list]:
    """Yield lists of at most `size` items."""
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
