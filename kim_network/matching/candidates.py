"""Who may appear in a list: visible to the viewer, allowed by the constraints, and fitting the list.

- `visible_mask` / `visible_actor`: the visibility rule of `kim_network.core.visibility` for
  every actor at once (merged profiles never); results are checked one by one again.
- `candidate_mask`: one label, the constraints (kinds, SMEs, regions, countries, exclusions).
- `partner_mask`: **complementary** organisations, the only ones a partner list may hold:
  they supply what the subject needs (declared or inferred), or need what it supplies.
- similar organisations are the peers outside `partner_mask`, so no organisation is ever both
  a partner and a similar organisation.
- the competence centre that runs the platform is never a candidate (`centre_mask`).
"""
from __future__ import annotations

import re
from typing import Callable, Sequence

import numpy as np

from kim_network.core.model import Label
from kim_network.core.visibility import Viewer, can_see, clearance, level_of
from kim_network.matching.projection import Projection
from kim_network.matching.supply import Skills, derived, row
from kim_network.matching.text import fold
from kim_network.matching.types import Constraints, MatchingError


# -- visibility -------------------------------------------------------------------------------
def _visibility(proj: Projection) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    nodes = proj.actor_nodes
    return (np.array([level_of(v) for v in nodes.column("visibility")], dtype=np.int8),
            np.array([bool(v) for v in nodes.column("pending")], dtype=bool),
            np.array([bool(v) for v in nodes.column("merged_into")], dtype=bool))


def visible_mask(proj: Projection, viewer: Viewer) -> np.ndarray:
    """`can_see` for every actor at once (merged profiles are never candidates)."""
    level, pending, merged = derived(proj, "visibility", _visibility)
    if viewer.is_staff:
        mask = np.ones(proj.n_actors, dtype=bool)
    else:
        mask = ~pending & (level <= clearance(viewer))
    for own in (viewer.organization_id, viewer.person_id):
        if own is not None and own in proj.actor_index:
            mask[proj.actor_index[own]] = True
    return mask & ~merged


def visible_actor(proj: Projection, viewer: Viewer) -> Callable[[int], bool]:
    """The authoritative per-result check (staff see everyone but merged profiles, as `can_see`
    says: read from the projection's merged flags instead of each node)."""
    if viewer.is_staff:
        merged = derived(proj, "visibility", _visibility)[2]
        return lambda i: not merged[i]

    def check(i: int) -> bool:
        node = proj.actor_nodes[i]
        return not node.get("merged_into") and can_see(viewer, proj.actor_label[i], node)
    return check


def visible_project(proj: Projection, viewer: Viewer) -> Callable[[int], bool]:
    if viewer.is_staff:  # `can_see` lets staff see every project
        return lambda p: True
    return lambda p: can_see(viewer, Label.PROJECT, proj.project_nodes[p])


def subject(proj: Projection, node_id: str, label: Label, viewer: Viewer) -> int:
    """The index of the organisation or person a list is for; one the viewer may not see
    is refused exactly like one that does not exist."""
    i = proj.actor_index.get(node_id) if isinstance(node_id, str) else None
    if i is None or not visible_actor(proj, viewer)(i):
        raise MatchingError(f"unknown organisation or person {str(node_id)[:80]!r}")
    return proj.actor(node_id, label)  # the kind check only for one the viewer may see


def centre_mask(proj: Projection) -> np.ndarray:
    """The competence centre(s) running the platform."""
    return derived(proj, "centre", lambda p: np.array([bool(v) for v in p.actor_nodes.column("centre")], dtype=bool))


def candidate_mask(proj: Projection, label: str, viewer: Viewer, constraints: Constraints,
                   kinds: Sequence[str] = ()) -> np.ndarray:
    """Actors of `label` the viewer may see and the constraints allow (never the centre)."""
    mask = proj.actor_label == label
    kinds = constraints.kinds or tuple(kinds)
    if kinds:
        mask &= np.isin(proj.kind, list(kinds))
    if constraints.sme is not None:
        mask &= proj.sme == constraints.sme
    if constraints.regions:
        mask &= np.array([any(str(r).startswith(p) for p in constraints.regions) for r in proj.region])
    if constraints.countries:
        mask &= np.isin(proj.country, list(constraints.countries))
    for ex in constraints.exclude:
        if ex in proj.actor_index:
            mask[proj.actor_index[ex]] = False
    return mask & visible_mask(proj, viewer) & ~centre_mask(proj)


# -- what a subject needs and supplies ------------------------------------------------------------
def needs_of(skills: Skills, i: int) -> list[int]:
    return row(skills.needs, i)


def supply_of(skills: Skills, i: int) -> tuple[list[int], list[int]]:
    """(declared offers, inferred competence) of an actor: what it can supply to others."""
    declared = row(skills.declared, i)
    return declared, [s for s in row(skills.own, i) if s not in set(declared)]


def partner_mask(proj: Projection, i: int, skills: Skills | None = None) -> np.ndarray:
    """Actors complementary to actor `i`.

    Eligible is who declares an offer covering a need of `i`, or needs what `i` declares
    it offers. Inferred competence (listed skills, projects) counts too, but not for a
    fellow seeker: an organisation that looks for the same as `i` and declares none of it
    is a lookalike (a similar organisation, maybe a competitor), not a partner.
    """
    skills = skills or Skills.of(proj)
    needs = needs_of(skills, i)
    declared, inferred = supply_of(skills, i)
    fellow = skills.shares_need(needs)
    mask = np.zeros(proj.n_actors, dtype=bool)
    if needs:
        mask |= skills.supplies_declared(needs) | (skills.supplies_inferred(needs) & ~fellow)
    if declared:
        mask |= skills.needs_any(declared)
    if inferred:
        mask |= skills.needs_any(inferred) & ~fellow
    mask[i] = False
    return mask


def institution(name: str) -> str:
    """A key shared by departments of one institution (for diversity).

    >>> institution("TU München – Lehrstuhl für Medientechnik") == institution("TU München, Fakultät Informatik")
    True
    """
    head = re.split(r"\s[-–—|/]\s|[,(]", name or "", maxsplit=1)[0]
    return " ".join(fold(head).split()[:3])
