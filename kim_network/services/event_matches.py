"""Suggested meetings at an event: the /matches engine, limited to the event's participants.

For a participant, the candidates are the other participants (not their own colleagues).
The ranking and its reasons are those of /matches ("partners for your needs" for a member
of an organisation, "media organisations for your research" for a researcher without
one), with the viewer's feedback applied, restricted to the organisations and people who
attend. Only complementary candidates are kept: a result whose reasons show neither that
it offers what the viewer needs nor that it needs what the viewer offers is a lookalike
and is left out (it belongs under "similar organisations", not on a meeting agenda).

What people declared for this event counts as well, with reasons that say so: when a
participant offers here what the viewer looks for here (or the other way round), that is
named, and such a participant is suggested even when the profile-based ranking would not
have listed them. Reasons name only skills the data holds.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kim_network.core.errors import NotAllowed
from kim_network.core.messages import Localized, msg, names
from kim_network.core.model import Label, display_name
from kim_network.core.visibility import Viewer, can_see
from kim_network.matching.types import Constraints, Reason
from kim_network.services import events as ev, meetings as mt
from kim_network.services.recommendations import Boosts, recommend
from kim_network.store import GraphStore

# Partner lists hold only complementary candidates (`kim_network.matching.candidates`); their
# skill reasons say so. A result without one is not someone to meet for what you need.
COMPLEMENTARY = ("offers", "inferred_skills", "reciprocal", "covers_gap")


@dataclass
class Suggestion:
    """A participant worth meeting, why, and whether a meeting with them is already open."""

    registration: ev.Registration
    score: float
    reasons: list[Reason] = field(default_factory=list)
    open_meeting: dict | None = None

    @property
    def person_id(self) -> str:
        return self.registration.person_id


def _skill_names(store: GraphStore, ids):
    nodes = store.get_nodes(Label.SKILL, list(ids))
    return names([Localized(de=display_name(Label.SKILL, nodes[i], "de"), en=display_name(Label.SKILL, nodes[i], "en"))
                  for i in ids if i in nodes], limit=5)


def _event_reasons(store: GraphStore, me: ev.Registration, other: ev.Registration) -> list[Reason]:
    out = []
    theirs = [s for s in other.offers if s in set(me.looks_for)]
    if theirs:
        out.append(Reason.of("event_offers", msg("Offers at this event what you look for: %(skills)s",
                                                 skills=_skill_names(store, theirs)), 0.0, {"skills": theirs}))
    mine = [s for s in other.looks_for if s in set(me.offers)]
    if mine:
        out.append(Reason.of("event_needs", msg("Looks at this event for what you offer: %(skills)s",
                                                skills=_skill_names(store, mine)), 0.0, {"skills": mine}))
    return out


def suggestions(proj, store: GraphStore, viewer: Viewer, event: ev.Event, k: int = 10,
                boosts: Boosts = Boosts()) -> list[Suggestion]:
    """The viewer's suggested meetings at the event, best first (participants only)."""
    me = ev.registration(store, event.id, viewer.person_id)
    if me is None or not me.active:
        raise NotAllowed("Register for the event to see suggested meetings.")
    others = [r for r in ev.participants(store, viewer, event)
              if r.person_id != viewer.person_id
              and not (viewer.organization_id and r.organization_id == viewer.organization_id)]
    return rank_participants(proj, store, viewer, event, me, others, k, boosts)


def rank_participants(proj, store, viewer, event, me, others, k=10, boosts=Boosts()) -> list[Suggestion]:
    by_org: dict[str, list[ev.Registration]] = defaultdict(list)
    by_person = {r.person_id: r for r in others}
    for r in others:
        if r.organization_id:
            by_org[r.organization_id].append(r)
    engine: dict[str, tuple[float, list[Reason]]] = {}
    subject_org = viewer.organization_id if viewer.organization_id in getattr(proj, "actor_index", {}) else None
    if subject_org or (viewer.person_id and viewer.person_id in getattr(proj, "actor_index", {})):
        allowed = set(by_org) | set(by_person)
        # The engine has no "only these" filter; every other actor is excluded instead.
        exclude = tuple(a for a in proj.actor_ids if a not in allowed)
        key, subject = ("partners", subject_org) if subject_org else ("collaborators", viewer.person_id)
        result = recommend(proj, store, viewer, key, subject, k=min(100, max(1, len(allowed))), boosts=boosts,
                           constraints=Constraints(exclude=exclude))
        for match in result.items:
            rec = match.rec
            if not any(r.kind in COMPLEMENTARY for r in rec.reasons):
                continue  # a lookalike, not someone to meet for what you need
            targets = by_org.get(rec.id, []) if rec.label == Label.ORGANIZATION.value else \
                [by_person[rec.id]] if rec.id in by_person else []
            for reg in targets:
                engine.setdefault(reg.person_id, (float(rec.score), list(rec.reasons)))
    out = []
    for reg in others:
        declared = _event_reasons(store, me, reg)
        score, reasons = engine.get(reg.person_id, (0.0, []))
        if not reasons and not declared:
            continue
        # What they declared for this event leads; then the engine's score decides.
        out.append(Suggestion(reg, score + 0.5 * len(declared), declared + reasons))
    out.sort(key=lambda s: (-s.score, s.registration.name.casefold()))
    out = out[:k]
    for s in out:
        s.open_meeting = mt.open_between(store, event.id, viewer.person_id, s.person_id)
    return out


def strength(proj, store: GraphStore, viewer: Viewer, event: ev.Event, person_id: str,
             boosts: Boosts = Boosts()) -> float:
    """The scheduler's value of a meeting with this participant: 1 plus the suggestion's
    score (0..1, more with what both declared for the event); 1 when not suggested."""
    try:
        for s in suggestions(proj, store, viewer, event, k=100, boosts=boosts):
            if s.person_id == person_id:
                return 1.0 + min(s.score, 2.0) / 2.0
    except NotAllowed:
        pass
    return 1.0


def for_staff(proj, store: GraphStore, viewer: Viewer, event: ev.Event, person_id: str, k: int = 3,
              boosts: Boosts = Boosts()) -> list[Suggestion]:
    """Suggestions for a participant without meetings, as staff see them (to broker one).

    Ranked from the participant's side with the participant's own viewer, so reasons are
    written for them and name only what they may see.
    """
    if not viewer.is_staff:
        raise NotAllowed("Only KI.M staff see suggestions for other participants.")
    me = ev.registration(store, event.id, person_id)
    if me is None or not me.active:
        return []
    as_them = Viewer(role="member", person_id=person_id, organization_id=me.organization_id)
    others = [r for r in ev.all_registrations(store, event.id)
              if r.person_id != person_id and not (me.organization_id and r.organization_id == me.organization_id)
              and can_see(as_them, Label.PERSON, r.person)]
    return rank_participants(proj, store, as_them, event, me, others, k, boosts)
