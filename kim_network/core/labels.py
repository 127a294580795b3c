"""The vocabulary of the graph: node labels, relationship types, the kinds of data for change
tracking, and the closed lists of values (kinds, roles, statuses, regions).

Import them from `kim_network.core.model`, which re-exports them with the properties and the
validation.
"""
from __future__ import annotations

import enum

from kim_network.core.errors import Invalid


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
