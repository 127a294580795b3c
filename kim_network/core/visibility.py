"""Who may see which profile and which of its fields: one rule for every feature.

Search, profiles, recommendations, the map, analytics and exports all filter through
these functions, so a profile hidden from someone is hidden everywhere, and a field
(an address, an e-mail) hidden from someone is left out of the page, the API, the export
and the map alike. Which field is for whom is declared once in the model
(`kim_network.core.model.Prop.audience`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from kim_network.core.model import NODE_SCHEMA, Label, as_label


@dataclass(frozen=True)
class Viewer:
    """Who is looking: anonymous, an approved member, staff or admin.

    ``pending`` is an account waiting for approval: it sees what anonymous visitors see,
    plus the organisation and person its own registration created (to build its profile).
    """

    role: str = "anonymous"  # anonymous | pending | member | staff | admin
    account_id: str | None = None
    organization_id: str | None = None
    person_id: str | None = None

    @property
    def is_member(self) -> bool:
        return self.role in ("member", "staff", "admin")

    @property
    def is_staff(self) -> bool:
        return self.role in ("staff", "admin")

    @property
    def is_pending(self) -> bool:
        return self.role == "pending"


ANONYMOUS = Viewer()
STAFF = Viewer(role="staff")

_LEVEL = {"public": 0, "members": 1, "staff": 2}


def level_of(visibility: str | None) -> int:
    """The clearance a `visibility` value asks for: 0 public (the default), 1 members, 2 staff.

    >>> level_of("members"), level_of(None)
    (1, 0)
    """
    return _LEVEL.get(visibility or "public", 0)


def _owns(viewer: Viewer, label: str, node: Mapping[str, Any]) -> bool:
    if label == Label.ORGANIZATION.value:
        return viewer.organization_id is not None and node.get("id") == viewer.organization_id
    if label == Label.PERSON.value:
        return viewer.person_id is not None and node.get("id") == viewer.person_id
    return False


def clearance(viewer: Viewer) -> int:
    """0 public, 1 members, 2 staff."""
    if viewer.is_staff:
        return 2
    if viewer.is_member:
        return 1
    return 0


# The properties `can_see` reads (besides the id): enough to read of a node only to check it.
VISIBILITY_FIELDS = ("visibility", "pending", "merged_into")


def can_see(viewer: Viewer, label: str | Label, node: Mapping[str, Any]) -> bool:
    """Whether `viewer` may see the node at all.

    Skills, regions and calls are public. Organisations, people, projects and events
    follow their `visibility`; pending (unapproved) and merged profiles are seen only by
    staff and by their own members.

    >>> can_see(ANONYMOUS, "Organization", {"id": "o1", "visibility": "members"})
    False
    >>> can_see(Viewer(role="member", organization_id="o1"), "Organization", {"id": "o1", "visibility": "staff"})
    True
    """
    label = label.value if isinstance(label, Label) else label
    if label in (Label.SKILL.value, Label.REGION.value, Label.CALL.value):
        return True
    if viewer.is_staff or _owns(viewer, label, node):
        return True
    if node.get("pending") or node.get("merged_into"):
        return False
    return clearance(viewer) >= level_of(node.get("visibility"))


def _may_read(viewer: Viewer, node: Mapping[str, Any], audience: str) -> bool:
    if audience == "public":
        return True
    if audience == "internal":
        return False
    if audience == "members":
        return clearance(viewer) >= 1
    # The property named by `audience` holds the field's own visibility (members by default).
    return clearance(viewer) >= _LEVEL.get(node.get(audience) or "members", 1)


def visible_props(viewer: Viewer, label: str | Label, node: Mapping[str, Any]) -> dict:
    """The properties of a node the viewer may read, by each property's declared audience.

    Staff and the profile's owners read everything; others read public fields, members
    also members-only fields (an organisation's address and contact), contact fields with
    their own visibility as that says, and bookkeeping fields (pending, merges, account
    links) never. Call it only for a node `can_see` allows. Undeclared keys are left out.

    >>> org = {"id": "o1", "name": "Isar Medien", "street": "Isarweg 1", "pending": True}
    >>> sorted(visible_props(ANONYMOUS, "Organization", org)), sorted(visible_props(Viewer(role="member"), "Organization", org))
    (['id', 'name'], ['id', 'name', 'street'])
    """
    label = as_label(label)
    schema = NODE_SCHEMA[label]
    full = viewer.is_staff or _owns(viewer, label.value, node)
    return {
        key: value for key, value in node.items()
        if key == "id" or (key in schema and (full or _may_read(viewer, node, schema[key].audience)))
    }
