"""Consortium builder: alternative teams for a call that cover its skills and meet its rules.

A greedy set-cover search: starting from the partners already on board it adds, one by one,
the candidate with the best mix of new skill coverage, overall fit (the ranker's score),
closeness to the team in the collaboration graph, and what the eligibility rules still
need (an SME, a university, a lead in a region, a required kind). Alternatives penalise the
members of earlier teams, so the three teams really differ.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from kim_network.core import eligibility
from kim_network.core.messages import Localized, kind_name, msg, names, nmsg
from kim_network.core.regions import region_name
from kim_network.core.model import Label
from kim_network.core.visibility import ANONYMOUS, Viewer
from kim_network.matching import candidates as C, evidence_data, inputs, rank
from kim_network.matching import listing
from kim_network.matching.projection import Projection
from kim_network.matching.types import Constraints, MatchingError, Reason

COVER_THRESHOLD = 0.12   # cosine of a member's profile with a single required skill
POOL_SIZE = 80
REUSE_PENALTY = 0.8
W_COVER, W_FIT, W_CLOSE, W_RULE = 1.0, 0.6, 0.25, 0.8


@dataclass
class Requirements:
    """What a call asks for. Sizes count every member, partners on board included."""

    skills: dict[int, float] = field(default_factory=dict)
    text: str = ""
    topic: str | None = None
    min_size: int = 3
    max_size: int = 6
    min_sme: int = 0
    min_university: int = 0
    lead_region: str | None = None
    required_kinds: tuple[str, ...] = ()
    roles: list[dict] = field(default_factory=list)
    partners: list[int] = field(default_factory=list)
    title: str = ""
    type_of_action: str | None = None  # RIA, IA, CSA, ...: its eligibility rules (core/eligibility.py)
    year: int | None = None  # the call's work-programme year: which countries were associated


@dataclass
class ConsortiumMember:
    id: str
    name: str
    role: str  # lead | partner | on_board
    kind: str
    sme: bool
    region: str
    covers: list[str] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    role_name: str | None = None


@dataclass
class Consortium:
    """One alternative team: members, the skills covered, the gaps left open, rule checks."""

    members: list[ConsortiumMember]
    covered: list[str]
    gaps: list[str]
    eligibility: list[dict]
    score: float
    gap_names: dict[str, dict] = field(default_factory=dict)

    @property
    def eligible(self) -> bool:
        """Every rule met, every required skill covered, a lead that covers something."""
        return all(rule["ok"] for rule in self.eligibility)

    @property
    def formal_rules_met(self) -> bool:
        """The call's formal rules (size, SMEs, universities, lead region, kinds), gaps aside."""
        return all(rule["ok"] for rule in self.eligibility if rule["rule"] not in ("coverage", "lead_covers"))

    def as_dict(self) -> dict:
        out = asdict(self)
        for member, original in zip(out["members"], self.members):
            member["reasons"] = [r.as_dict() for r in original.reasons]
        out["eligible"] = self.eligible
        return out


def _int(value, name, lo, hi, default):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or int(value) != value or not lo <= value <= hi:
        raise MatchingError(f"{name} must be a whole number between {lo} and {hi}")
    return int(value)


def partner_index(proj: Projection, viewer: Viewer, partner_id: str) -> int:
    """The index of an organisation already on board; one the viewer may not see is refused
    exactly like one that does not exist."""
    idx = proj.actor_index.get(partner_id)
    if idx is None or proj.actor_label[idx] != Label.ORGANIZATION.value or not C.visible_actor(proj, viewer)(idx):
        raise MatchingError(f"unknown partner id {partner_id!r}", "partner")
    return idx


def requirements(proj: Projection, spec: str | Mapping[str, Any] | Requirements, viewer: Viewer = ANONYMOUS) -> Requirements:
    """Requirements from a Call id (its REQUIRES skills and eligibility fields) or a dict.

    A dict may have: skills (ids/labels), text, topic, min_size, max_size, min_sme,
    min_university, lead_region (NUTS prefix), required_kinds, roles ([{name, skills, kinds}]),
    partners (organisation ids on board).
    """
    if isinstance(spec, Requirements):
        return spec
    if isinstance(spec, str):
        call = proj.calls.get(spec)
        if call is None:
            raise MatchingError(f"unknown call {spec[:80]!r}")
        spec = {
            "skills": [proj.skill_ids[s] for s in proj.call_skills.get(spec, {})],
            "text": " ".join(filter(None, [call.get("title"), call.get("description_en"), call.get("description_de")])),
            "min_size": call.get("min_partners"), "max_size": call.get("max_partners"),
            "min_sme": call.get("min_sme"), "min_university": call.get("min_university"),
            "lead_region": call.get("lead_region"), "required_kinds": call.get("required_kinds") or [],
            "title": call.get("title") or spec,
            "type_of_action": call.get("type_of_action"), "year": eligibility.call_year(spec),
        }
    if not isinstance(spec, Mapping):
        raise MatchingError("give a call id or an object with skills, sizes and rules")
    unknown = set(spec) - {"skills", "text", "topic", "min_size", "max_size", "min_sme", "min_university",
                           "lead_region", "required_kinds", "roles", "partners", "title", "type_of_action", "year"}
    if unknown:
        raise MatchingError(f"unknown requirement(s): {', '.join(sorted(unknown))}")
    roles = spec.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, Mapping) for r in roles):
        raise MatchingError("roles must be a list of {name, skills, kinds}")
    terms = list(inputs.ids(spec.get("skills") or [], "skills"))
    for role in roles:
        terms += inputs.ids(role.get("skills") or [], "role skills")
    found, missing = proj.resolve_skills(terms)
    if missing:
        raise MatchingError(f"unknown skill(s): {', '.join(missing)}")
    text = inputs.check_text(spec.get("text"))
    partners = [partner_index(proj, viewer, pid) for pid in inputs.ids(spec.get("partners") or [], "partners")]
    req = Requirements(
        skills={s: 1.0 for s in found}, text=text, topic=spec.get("topic"),
        min_size=_int(spec.get("min_size"), "min_size", 1, 30, 3),
        max_size=_int(spec.get("max_size"), "max_size", 1, 30, 6),
        min_sme=_int(spec.get("min_sme"), "min_sme", 0, 30, 0),
        min_university=_int(spec.get("min_university"), "min_university", 0, 30, 0),
        lead_region=(str(spec.get("lead_region")).upper().strip() or None) if spec.get("lead_region") else None,
        required_kinds=tuple(inputs.ids(spec.get("required_kinds") or [], "required_kinds")),
        roles=[{"name": str(r.get("name") or f"role {n + 1}")[:100],
                "skills": proj.resolve_skills(inputs.ids(r.get("skills") or [], "role skills"))[0],
                "kinds": tuple(inputs.ids(r.get("kinds") or [], "role kinds"))} for n, r in enumerate(roles)],
        partners=partners, title=str(spec.get("title") or "")[:300],
        type_of_action=_action(spec.get("type_of_action")), year=_int(spec.get("year"), "year", 2000, 2100, None),
    )
    if req.max_size < req.min_size:
        raise MatchingError("max_size must be at least min_size")
    if len(req.partners) > req.max_size:
        raise MatchingError("more partners on board than the maximum team size")
    if not req.skills and not req.text:
        raise MatchingError("the call needs required skills or a description")
    return req


def _action(value) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or value not in eligibility.action_types():
        known = ", ".join(eligibility.action_types())
        raise MatchingError(f"type_of_action must be one of: {known}")
    return value


def _region_words(code: str | None):
    """A NUTS prefix in words, in each reader's language (Eurostat's names); never a bare code."""
    if not code:
        return ""
    return Localized(de=region_name(code, "de"), en=region_name(code, "en"))


def _rule(rule: str, ok: bool, message) -> dict:
    texts = message.texts()
    return {"rule": rule, "ok": bool(ok), "text_de": texts["de"], "text_en": texts["en"]}


def _rules(proj: Projection, req: Requirements, team: Sequence[int], lead: int | None,
           gaps: Sequence[str] = (), lead_covers: bool = True) -> list[dict]:
    rules = [r.as_dict() for r in eligibility.evaluate(req.type_of_action, [proj.country[m] for m in team], req.year)]
    n_sme = int(sum(proj.sme[m] for m in team))
    n_uni = int(sum(proj.kind[m] == "university" for m in team))
    rules.append(_rule("size", req.min_size <= len(team) <= req.max_size,
                       nmsg("%(n)d partner (allowed: %(low)d–%(high)d)", "%(n)d partners (allowed: %(low)d–%(high)d)",
                            len(team), low=req.min_size, high=req.max_size)))
    if req.min_sme:
        rules.append(_rule("min_sme", n_sme >= req.min_sme,
                           nmsg("%(have)d of at least %(n)d SME", "%(have)d of at least %(n)d SMEs", req.min_sme,
                                have=n_sme)))
    if req.min_university:
        rules.append(_rule("min_university", n_uni >= req.min_university,
                           nmsg("%(have)d of at least %(n)d university", "%(have)d of at least %(n)d universities",
                                req.min_university, have=n_uni)))
    if req.lead_region:
        ok = lead is not None and str(proj.region[lead]).startswith(req.lead_region)
        where = _region_words(req.lead_region)
        rules.append(_rule("lead_region", ok, msg("Lead in %(region)s", region=where) if ok else
                           msg("Lead in %(region)s: not met", region=where)))
    for kind in req.required_kinds:
        n = int(sum(proj.kind[m] == kind for m in team))
        rules.append(_rule(f"kind:{kind}", n > 0, nmsg("Required kind %(kind)s: %(n)d in the team",
                                                       "Required kind %(kind)s: %(n)d in the team", n,
                                                       kind=kind_name(kind))))
    if req.skills:
        rules.append(_rule("coverage", not gaps, msg("Every required skill is covered") if not gaps else
                           nmsg("%(n)d required skill is not covered", "%(n)d required skills are not covered",
                                len(gaps))))
        rules.append(_rule("lead_covers", lead_covers, msg("The lead covers a required skill") if lead_covers else
                           msg("The lead covers none of the required skills")))
    return rules


def build_consortia(proj: Projection, call_or_requirements, n_alternatives: int = 3, viewer: Viewer | None = None,
                    constraints: Constraints | Mapping | None = None, feedback=None, *,
                    models: listing.Models | None = None, pool_size: int = POOL_SIZE,
                    sme_boost: float = 0.0, newcomer_boost: float = 0.0) -> list[Consortium]:
    """Up to `n_alternatives` teams for a call (a Call id or a requirements dict, see `requirements`).

    Each team lists its members (with the skills each covers and why it is there), the
    required skills covered, the gaps left open and the eligibility checks. Teams that
    cannot meet a rule are still returned, with the rule marked as not met. Raises
    MatchingError for bad input or when no organisation is left to choose from.
    """
    viewer = viewer or ANONYMOUS
    n_alternatives = _int(n_alternatives, "n_alternatives", 1, 5, 3)
    constraints = Constraints.coerce(constraints)
    req = requirements(proj, call_or_requirements, viewer)
    query = rank.Query(text=req.text or listing.skills_text(proj, req.skills), skills=req.skills,
                       seeds=list(req.partners), topic=req.topic)
    mask = C.candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
    scored = listing.score(proj, query, models, candidates=mask)
    sme_part, new_part = listing.boost_vector(proj, sme_boost, newcomer_boost)
    boosted = scored.logit + sme_part + new_part
    fit = 1.0 / (1.0 + np.exp(-np.clip(boosted, -30, 30)))
    hide, demote, _ = inputs.feedback(proj, feedback)
    if hide:
        mask[list(hide)] = False
    if demote:
        fit[list(demote)] *= 0.3
    mask[req.partners] = False
    if not mask.any() and not req.partners:
        raise MatchingError("no organisation meets the constraints")

    skills = list(req.skills)
    cover = np.zeros((proj.n_actors, len(skills)), dtype=np.float32)
    if skills:
        cover[:] = (proj.competence @ proj.single_skill_vectors(skills).T.tocsc()).toarray()
    capped = np.minimum(cover / COVER_THRESHOLD, 1.0)
    weights = np.array([req.skills[s] for s in skills], dtype=np.float32)

    # Candidate pool: the best overall, the best for each skill and for each rule.
    idx = np.flatnonzero(mask)
    pool = set(idx[np.argsort(-fit[idx])[:pool_size]].tolist())
    for j in range(len(skills)):
        pool.update(idx[np.argsort(-cover[idx, j])[:5]].tolist())
    rule_masks = _rule_masks(proj, req)
    for rm in rule_masks.values():
        sub = idx[rm[idx]]
        pool.update(sub[np.argsort(-fit[sub])[:8]].tolist())
    pool = np.array(sorted(pool), dtype=np.int64)

    used: dict[int, int] = {}
    teams = []
    for _ in range(n_alternatives):
        team = _greedy(proj, req, pool, fit, capped, weights, rule_masks, used)
        if not team or (teams and sorted(team) == sorted(teams[-1][0])):
            break
        for m in team:
            if m not in req.partners:
                used[m] = used.get(m, 0) + 1
        teams.append((team, _lead(proj, req, team, fit, cover)))
    if not teams:
        raise MatchingError("no team could be formed from the organisations available")
    visible_project = C.visible_project(proj, viewer)
    return [_describe(proj, req, team, lead, fit, cover, skills, visible_project) for team, lead in teams]


def _rule_masks(proj: Projection, req: Requirements) -> dict[str, np.ndarray]:
    masks = {}
    if req.min_sme:
        masks["min_sme"] = proj.sme.copy()
    if req.min_university:
        masks["min_university"] = proj.kind == "university"
    if req.lead_region:
        masks["lead_region"] = np.array([str(r).startswith(req.lead_region) for r in proj.region])
    for kind in req.required_kinds:
        masks[f"kind:{kind}"] = proj.kind == kind
    for role in req.roles:
        if role["kinds"]:
            masks[f"role:{role['name']}"] = np.isin(proj.kind, list(role["kinds"]))
    if req.type_of_action:  # the greedy step combines these with the countries already in the team
        masks["eligible_country"] = np.array([eligibility.is_eligible_country(c, req.year) for c in proj.country])
        masks["member_state"] = np.array([eligibility.is_member_state(c) for c in proj.country])
    return masks


def _unmet(proj: Projection, req: Requirements, team: list[int], rule_masks) -> dict[str, int]:
    """How many more members each rule still needs."""
    need = {}
    if req.min_sme:
        need["min_sme"] = max(0, req.min_sme - int(sum(proj.sme[m] for m in team)))
    if req.min_university:
        need["min_university"] = max(0, req.min_university - int(sum(proj.kind[m] == "university" for m in team)))
    if req.lead_region:
        need["lead_region"] = 0 if any(rule_masks["lead_region"][m] for m in team) else 1
    for kind in req.required_kinds:
        need[f"kind:{kind}"] = 0 if any(proj.kind[m] == kind for m in team) else 1
    for role in req.roles:
        key = f"role:{role['name']}"
        if key in rule_masks:
            need[key] = 0 if any(rule_masks[key][m] for m in team) else 1
    for key, missing in eligibility.shortfall(req.type_of_action, [proj.country[m] for m in team], req.year).items():
        need[f"eligibility:{key}"] = missing
    return need


def _eligibility_mask(proj: Projection, team: list[int], key: str, rule_masks) -> np.ndarray:
    """Members who would close an eligibility gap: a country the team lacks, or a member state."""
    if key == "eligibility:member_states":
        return rule_masks["member_state"]
    present = [proj.country[m] for m in team]
    return rule_masks["eligible_country"] & ~np.isin(proj.country, present)


def _greedy(proj, req, pool, fit, capped, weights, rule_masks, used) -> list[int]:
    team = list(req.partners)
    covered = capped[team].max(axis=0) if team and capped.shape[1] else np.zeros(capped.shape[1], dtype=np.float32)
    close = np.zeros(proj.n_actors, dtype=np.float32)
    for m in team:
        close += np.asarray(proj.collab[m].toarray()).ravel()
    fit_scale = max(float(fit[pool].max()), 1e-9) if len(pool) else 1.0
    while len(team) < req.max_size:
        need = _unmet(proj, req, team, rule_masks)
        open_slots = req.max_size - len(team)
        cands = np.array([c for c in pool if c not in team], dtype=np.int64)
        if not len(cands):
            break
        gain = (np.maximum(capped[cands] - covered, 0.0) @ weights) / max(weights.sum(), 1e-9) if len(weights) else \
            np.zeros(len(cands))
        rule = np.zeros(len(cands))
        urgent = sum(need.values()) >= open_slots
        for key, missing in need.items():
            if missing:
                mask = rule_masks[key] if key in rule_masks else _eligibility_mask(proj, team, key, rule_masks)
                rule += mask[cands] * (1.0 if not urgent else 3.0)
        closeness = np.log1p(close[cands]) / np.log1p(max(close.max(), 1.0)) if close.max() > 0 else np.zeros(len(cands))
        reuse = np.array([used.get(int(c), 0) for c in cands]) * REUSE_PENALTY
        value = W_COVER * gain + W_FIT * fit[cands] / fit_scale + W_CLOSE * closeness + W_RULE * rule - reuse
        best = int(np.argmax(value))
        done = len(team) >= req.min_size and not any(need.values()) and gain[best] < 0.02
        if done:
            break
        c = int(cands[best])
        team.append(c)
        if capped.shape[1]:
            covered = np.maximum(covered, capped[c])
        close += np.asarray(proj.collab[c].toarray()).ravel()
    return team


def _lead(proj: Projection, req: Requirements, team: list[int], fit: np.ndarray, cover: np.ndarray) -> int | None:
    """The lead: in the lead region if the call asks, covering a required skill, the most experienced."""
    if not team:
        return None
    eligible = [m for m in team if not req.lead_region or str(proj.region[m]).startswith(req.lead_region)]
    candidates = eligible or team
    covering = [m for m in candidates if cover.shape[1] and (cover[m] >= COVER_THRESHOLD).any()]
    return max(covering or candidates, key=lambda m: (proj.n_projects[m], fit[m]))


def _skill_list(proj: Projection, skills: Sequence[int]):
    return names([Localized(de=proj.skill_name(s, "de"), en=proj.skill_name(s, "en")) for s in skills])


def _describe(proj, req, team, lead, fit, cover, skills, visible_project) -> Consortium:
    members = []
    for m in team:
        covers = [skills[j] for j in range(len(skills)) if cover[m, j] >= COVER_THRESHOLD]
        reasons = []
        if covers:
            reasons.append(Reason.of("complementary_skills", msg("Covers: %(skills)s", skills=_skill_list(proj, covers)),
                                     data={"skills": [proj.skill_ids[s] for s in covers]}))
        if m in req.partners:
            reasons.append(Reason.of("role", msg("Already on board")))
        if m == lead:
            where = _region_words(req.lead_region)
            if where:
                text = (msg("Lead in %(region)s: the most experienced member covering a required skill", region=where)
                        if covers else msg("Lead in %(region)s: the most experienced member", region=where))
            else:
                text = (msg("Lead: the most experienced member covering a required skill") if covers
                        else msg("Lead: the most experienced member"))
            reasons.append(Reason.of("role", text, data={"projects_count": int(proj.n_projects[m])}))
        if proj.sme[m] and req.min_sme:
            reasons.append(Reason.of("role", msg("SME (eligibility rule)")))
        if proj.kind[m] == "university" and req.min_university:
            reasons.append(Reason.of("role", msg("University (eligibility rule)")))
        others = [o for o in team if o != m]
        shared = evidence_data.shared_projects(proj, others, m, visible_project)
        if shared:
            reasons.append(Reason.of("shared_projects", msg("Has worked with the team before: %(projects)s",
                                                            projects=names([proj.project_name(p) for p in shared])),
                                     data={"projects": [proj.project_ids[p] for p in shared]}))
        role_name = None
        for role in req.roles:
            if (not role["kinds"] or proj.kind[m] in role["kinds"]) and \
                    (not role["skills"] or any(s in covers for s in role["skills"])):
                role_name = role["name"]
                reasons.append(Reason.of("role", msg("Role: %(role)s", role=role_name)))
                break
        members.append(ConsortiumMember(
            id=proj.actor_ids[m], name=proj.name(m),
            role="lead" if m == lead else ("on_board" if m in req.partners else "partner"),
            kind=str(proj.kind[m]), sme=bool(proj.sme[m]), region=str(proj.region[m]),
            covers=[proj.skill_ids[s] for s in covers], reasons=reasons, role_name=role_name))
    covered = sorted({s for mem in members for s in mem.covers})
    gaps = [proj.skill_ids[s] for s in skills if proj.skill_ids[s] not in covered]
    gap_names = {g: {"de": proj.skill_name(proj.skill_index[g], "de"), "en": proj.skill_name(proj.skill_index[g], "en")}
                 for g in gaps}
    coverage = len(covered) / len(skills) if skills else 1.0
    score = round(float(0.6 * coverage + 0.4 * np.mean([min(fit[m], 1.0) for m in team])), 4)
    lead_covers = lead is None or not skills or any(mem.covers for mem in members if mem.role == "lead")
    return Consortium(members, covered, gaps, _rules(proj, req, team, lead, gaps, lead_covers), score, gap_names)


def describe_team(proj: Projection, call_or_requirements, member_ids: Sequence[str], lead_id: str | None,
                  viewer: Viewer | None = None) -> Consortium:
    """One given team (to save or export it): what each member covers, the gaps, the rule checks.

    Every id is checked like any other read (a hidden one is refused like an unknown one);
    the competence centre is never a member.
    """
    viewer = viewer or ANONYMOUS
    req = requirements(proj, call_or_requirements, viewer)
    team = [partner_index(proj, viewer, pid) for pid in inputs.ids(list(member_ids), "members")]
    if not team:
        raise MatchingError("a team needs at least one member", "members")
    if C.centre_mask(proj)[team].any():
        raise MatchingError("the competence centre is not a consortium member", "members")
    lead = proj.actor_index.get(lead_id) if lead_id else None
    lead = lead if lead in team else None
    skills = list(req.skills)
    cover = np.zeros((proj.n_actors, len(skills)), dtype=np.float32)
    if skills:
        cover[team] = (proj.competence[team] @ proj.single_skill_vectors(skills).T.tocsc()).toarray()
    fit = np.full(proj.n_actors, 0.5)
    return _describe(proj, req, team, lead, fit, cover, skills, C.visible_project(proj, viewer))
