"""Recommendation lists for a member, with their feedback applied: the layer the /matches pages and the API share.

It calls the matching service (`kim_network.matching.recommenders`) with the member's stored
feedback for the list, so "hide" removes a result and "not relevant" / "useful" change the
next ranking, and it says for each result whom a contact request would go to.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from kim_network.matching import recommenders as matching
from kim_network.matching.consortium import Consortium, build_consortia, partner_index, requirements
from kim_network.matching.types import Constraints, MatchingError, Recommendation
from kim_network.core.model import Label
from kim_network.store import GraphStore
from kim_network.core.visibility import VISIBILITY_FIELDS, Viewer, can_see
from kim_network.services.feedback import PROJECT_SUBJECT, feedback_of

# The lists a member can get, each with its feedback context and what it is asked for.
LISTS = {
    "partners": ("organization", "Technology partners for your needs"),
    "researchers": ("organization", "Researchers for your needs"),
    "similar": ("organization", "Similar organisations"),
    "collaborators": ("person", "Media organisations for your research"),
}


@dataclass
class Match:
    """One recommended organisation or person and whom a contact request goes to."""

    rec: Recommendation
    contact: str | None  # the organisation or person a request goes to (the result itself)

    @property
    def is_org(self) -> bool:
        return self.rec.label == Label.ORGANIZATION.value

    @property
    def contact_args(self) -> dict:
        """The query of the request form: ``org=<id>`` or ``person=<id>``."""
        if self.contact is None:
            return {}
        return {"org": self.contact} if self.is_org else {"person": self.contact}


@dataclass
class MatchList:
    key: str  # partners | researchers | similar | collaborators | project_partners
    subject: str
    items: list[Match] = field(default_factory=list)
    error: str | None = None


@dataclass(frozen=True)
class Boosts:
    """Exposure fairness settings from the app config (KIM_SME_BOOST, KIM_NEWCOMER_BOOST)."""

    sme: float = 0.0
    newcomer: float = 0.0

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "Boosts":
        return cls(float(config.get("SME_BOOST") or 0.0), float(config.get("NEWCOMER_BOOST") or 0.0))


def feedback_rows(store: GraphStore, viewer: Viewer, subject: str, context: str) -> list[dict]:
    """The member's feedback on this list, in the form the matching service takes.

    Feedback is applied when the list is ranked (it is a platform record: giving it moves no
    graph version, so no projection is rebuilt for it).
    """
    if not viewer.account_id:
        return []
    return [{"target": f["target"], "value": f["value"]}
            for f in feedback_of(store, viewer.account_id, subject, context)]


def _feedback_by_list(store: GraphStore, viewer: Viewer) -> dict[tuple[str, str], list[dict]]:
    """All the member's feedback in one read, by (subject, list), for a page of several lists."""
    rows: dict[tuple[str, str], list[dict]] = {}
    for f in feedback_of(store, viewer.account_id) if viewer.account_id else []:
        rows.setdefault((f["subject"], f["context"]), []).append({"target": f["target"], "value": f["value"]})
    return rows


def contact_for(viewer: Viewer, rec: Recommendation) -> str | None:
    """Whom a contact request for this result goes to: the organisation or the person itself.

    A person with an account answers it; one without goes to KI.M's staff queue (see
    `kim_network.services.introductions`). Never the viewer or the viewer's organisation.
    """
    if rec.id in (viewer.organization_id, viewer.person_id):
        return None
    return rec.id


def explain(proj, store: GraphStore, viewer: Viewer, subject: tuple[str, str], other: tuple[str, str]) -> list:
    """Why `other` fits `subject`, read from the subject's side; [] when either is unknown or hidden.

    `subject` and `other` are ``(label, id)``. The reasons are computed now, for this viewer,
    from the current projection (the request form, a request the recipient reads).
    """
    from kim_network.matching import candidates, evidence

    i, j = proj.actor_index.get(subject[1]), proj.actor_index.get(other[1])
    if i is None or j is None or proj.actor_label[i] != subject[0] or proj.actor_label[j] != other[0]:
        return []
    visible = candidates.visible_actor(proj, viewer)
    if not (visible(i) and visible(j)):
        return []
    rec = Recommendation(other[1], other[0], 0.0, proj.name(j), evidence.explain_pair(proj, i, j, viewer))
    shown = _visible_now(store, viewer, [rec])
    return shown[0].reasons if shown else []


def _visible_now(store: GraphStore, viewer: Viewer, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """Drop results, and reasons naming nodes, that the viewer may no longer see.

    The projection is rebuilt in the background after a write, so for a few seconds it
    can still show a profile that was just hidden or deleted; the store's current state
    decides what is shown.
    """
    wanted: dict[str, set[str]] = {Label.ORGANIZATION.value: set(), Label.PERSON.value: set(),
                                   Label.PROJECT.value: set()}
    for rec in recs:
        if rec.label in wanted:
            wanted[rec.label].add(rec.id)
        for reason in rec.reasons:
            for pid in reason.data.get("partners", ()):
                wanted[Label.ORGANIZATION.value].add(pid)
                wanted[Label.PERSON.value].add(pid)
            wanted[Label.PROJECT.value].update(reason.data.get("projects", ()))
    visible: set[tuple[str, str]] = set()
    # One read for every label, of the few fields `can_see` looks at.
    for label, nodes in store.get_many(wanted, fields=VISIBILITY_FIELDS).items():
        for node_id, node in nodes.items():
            if can_see(viewer, label, node):
                visible.add((label, node_id))
    visible_ids = {node_id for _, node_id in visible}

    def reason_ok(reason) -> bool:
        return (all(pid in visible_ids for pid in reason.data.get("partners", ()))
                and all((Label.PROJECT.value, pid) in visible for pid in reason.data.get("projects", ())))

    out = []
    for rec in recs:
        if rec.label in wanted and (rec.label, rec.id) not in visible:
            continue
        rec.reasons = [r for r in rec.reasons if reason_ok(r)]
        out.append(rec)
    return out


def _matches(proj, store, viewer, recs: Sequence[Recommendation]) -> list[Match]:
    return [Match(rec, contact_for(viewer, rec)) for rec in _visible_now(store, viewer, recs)]


def _ranked(proj, store: GraphStore, viewer: Viewer, key: str, subject: str, k: int, boosts: Boosts,
            constraints: Constraints | Mapping | None, feedback: list[dict] | None) -> MatchList:
    """The list as ranked, before the visibility check (`_checked`)."""
    if key not in LISTS:
        raise MatchingError(f"unknown list {key!r}")
    if feedback is None:
        feedback = feedback_rows(store, viewer, subject, key)
    calls: dict[str, Callable[[], list[Recommendation]]] = {
        "partners": lambda: matching.partners_for_organization(
            proj, subject, k, viewer, constraints, feedback, sme_boost=boosts.sme, newcomer_boost=boosts.newcomer),
        "researchers": lambda: matching.researchers_for_needs(
            proj, subject, k, viewer, constraints, feedback, newcomer_boost=boosts.newcomer),
        "similar": lambda: matching.similar_organizations(proj, subject, k, viewer, constraints, feedback),
        "collaborators": lambda: matching.collaborators_for_researcher(
            proj, subject, k, viewer, constraints, feedback, sme_boost=boosts.sme, newcomer_boost=boosts.newcomer),
    }
    try:
        recs = calls[key]()
    except (MatchingError, KeyError) as exc:
        return MatchList(key, subject, [], str(exc).strip("'\""))
    return MatchList(key, subject, [Match(rec, None) for rec in recs])


def recommend(proj, store: GraphStore, viewer: Viewer, key: str, subject: str, k: int = 10,
              boosts: Boosts = Boosts(), constraints: Constraints | Mapping | None = None,
              feedback: list[dict] | None = None) -> MatchList:
    """One of the member's lists (`LISTS`) for an organisation or person, feedback applied.

    `feedback` is the member's feedback on this list when the caller has read it already.
    A MatchingError (nothing to match on, unknown id) becomes the list's `error`.
    """
    return _checked(store, viewer, [_ranked(proj, store, viewer, key, subject, k, boosts, constraints, feedback)])[0]


def _checked(store: GraphStore, viewer: Viewer, lists: list[MatchList]) -> list[MatchList]:
    """The lists with what the viewer may no longer see dropped (one read for all of them)
    and whom each contact request goes to."""
    shown = {id(rec) for rec in _visible_now(store, viewer, [m.rec for ml in lists for m in ml.items])}
    for ml in lists:
        ml.items = [Match(m.rec, contact_for(viewer, m.rec)) for m in ml.items if id(m.rec) in shown]
    return lists


def stale_for(proj, store: GraphStore, viewer: Viewer) -> bool:
    """Whether the projection predates the viewer's own profile as stored now.

    True when the member's organisation or person is missing from the projection, or was
    saved (``updated_at``), approved or otherwise changed since it was built: their own list
    must then not be shown from it.
    """
    own = {label: [node_id] for label, node_id in ((Label.ORGANIZATION, viewer.organization_id),
                                                    (Label.PERSON, viewer.person_id)) if node_id}
    stored = store.get_many(own, fields=("updated_at", "pending")) if own else {}  # one read for both
    for label, (node_id,) in own.items():
        node = stored[label.value].get(node_id)
        if node is None:
            continue
        idx = proj.actor_index.get(node_id)
        if idx is None:
            return True
        seen = proj.actor_nodes[idx]
        if (node.get("updated_at") or "") != (seen.get("updated_at") or "") or \
                bool(node.get("pending")) != bool(seen.get("pending")):
            return True
    return False


def home_lists(proj, store: GraphStore, viewer: Viewer, k: int = 5, boosts: Boosts = Boosts()) -> list[MatchList]:
    """The member's home: partners, researchers and (apart) similar organisations for their
    organisation, and media partners for their research if they are a researcher."""
    lists = []
    feedback = _feedback_by_list(store, viewer)
    if viewer.organization_id and viewer.organization_id in proj.actor_index:
        for key in ("partners", "researchers", "similar"):
            lists.append(_ranked(proj, store, viewer, key, viewer.organization_id, k, boosts, None,
                                 feedback.get((viewer.organization_id, key), [])))
    if viewer.person_id and viewer.person_id in proj.actor_index:
        node = proj.actor_nodes[proj.actor_index[viewer.person_id]]
        if node.get("kind") == "researcher":
            lists.append(_ranked(proj, store, viewer, "collaborators", viewer.person_id, k, boosts, None,
                                 feedback.get((viewer.person_id, "collaborators"), [])))
    return _checked(store, viewer, lists)  # one visibility read for all the lists


def project_partners(
    proj,
    store: GraphStore,
    viewer: Viewer,
    text: str = "",
    skills: Sequence[str] = (),
    partners: Sequence[str] = (),
    constraints: Constraints | Mapping | None = None,
    k: int = 10,
    boosts: Boosts = Boosts(),
) -> MatchList:
    """Partners for a project idea (free text + skills + partners on board + constraints).

    Raises MatchingError for bad input (the form shows it); hidden results stay hidden
    across the member's project searches.
    """
    feedback = feedback_rows(store, viewer, PROJECT_SUBJECT, "project_partners")
    exclude = [viewer.organization_id] if viewer.organization_id else []
    given = Constraints.coerce(constraints)
    merged = Constraints(given.kinds, given.sme, given.regions, given.countries, tuple(given.exclude) + tuple(exclude))
    recs = matching.partners_for_project_idea(
        proj, text, skills, partners, merged, k, viewer, feedback,
        sme_boost=boosts.sme, newcomer_boost=boosts.newcomer, require_supply=bool(skills), implied_skills=True)
    return MatchList("project_partners", PROJECT_SUBJECT, _matches(proj, store, viewer, recs))


IDEA_SUBJECT = "idea"  # feedback subject of consortia built from a free project idea


def consortia(
    proj,
    store: GraphStore,
    viewer: Viewer,
    call_id: str | None,
    partners: Sequence[str] = (),
    *,
    include_own: bool = False,
    size: int | None = None,
    alternatives: int = 3,
    boosts: Boosts = Boosts(),
    idea: str = "",
    skills: Sequence[str] = (),
) -> list[Consortium]:
    """Alternative consortia for a call, or for a free project idea, for the page and the API alike.

    Without `call_id`, the idea's text and `skills` (ids or labels; skills the text implies
    when none are given) are the requirements. `partners` are organisations already on
    board (each checked like any other read: a hidden one is refused exactly like an
    unknown one); `include_own` adds the viewer's organisation (never the competence
    centre, which is no member); `size` fixes the team size. Bad input raises MatchingError.
    """
    from kim_network.matching.candidates import centre_mask
    from kim_network.matching.suggest import suggest_skills

    if call_id:
        spec = call_id
    else:
        wanted = list(skills) or suggest_skills(proj, idea)
        if not wanted and not (idea or "").strip():
            raise MatchingError("choose a call, or describe the project idea", "idea")
        spec = {"skills": wanted, "text": idea, "title": (idea or "").strip()[:120]}
    req = requirements(proj, spec, viewer)
    on_board = [partner_index(proj, viewer, pid) for pid in partners]
    own = proj.actor_index.get(viewer.organization_id or "")
    if include_own and own is not None and not centre_mask(proj)[own]:
        on_board.append(own)
    for idx in on_board:
        if idx not in req.partners:
            req.partners.append(idx)
    if size:
        req.min_size = req.max_size = max(size, len(req.partners))
    req.max_size = max(req.max_size, len(req.partners))
    return build_consortia(proj, req, alternatives, viewer,
                           feedback=feedback_rows(store, viewer, call_id or IDEA_SUBJECT, "consortia"),
                           sme_boost=boosts.sme, newcomer_boost=boosts.newcomer)
