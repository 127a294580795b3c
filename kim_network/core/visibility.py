"""Who may see which profile and which contact field: one rule for every feature.

Search, profiles, recommendations, the map, analytics and exports all filter through
these functions, so a profile hidden from someone is hidden everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from kim_network.core.model import Label


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


def can_see_field(viewer: Viewer, label: str | Label, node: Mapping[str, Any], field_visibility: str | None) -> bool:
    """Whether a contact field with its own visibility (`email_visibility`, ...) is shown."""
    label = label.value if isinstance(label, Label) else label
    if viewer.is_staff or _owns(viewer, label, node):
        return True
    return clearance(viewer) >= _LEVEL.get(field_visibility or "members", 1)


