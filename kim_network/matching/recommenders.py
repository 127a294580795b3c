"""The matching service: the lists the web pages, the JSON API and the CLI ask for.

Each function takes a built `Projection` (see `kim_network.services.caches` for the shared,
self-refreshing one), validates its input (`inputs`; bad input raises `MatchingError` with a
message for the user), chooses who is eligible (`candidates`), scores them (the learned
two-stage ranker of `ltr`, one model per task, plus fixed-weight signals), and returns
`Recommendation`s with their strength among the candidates (`strength`) and reasons that
are true and tell each candidate apart (`evidence`), in the reader's language.

Common keyword arguments:

viewer : kim_network.core.visibility.Viewer, optional
    Who asks. Results and every node named in a reason pass `can_see(viewer, ...)`; the
    viewer and the viewer's organisation are never named as evidence. Defaults to anonymous.
constraints : Constraints or dict, optional
    Hard filters: ``kinds``, ``sme``, ``regions`` (NUTS prefixes), ``countries``, ``exclude``.
feedback : iterable of dict, optional
    The asking account's feedback rows ``{"target": id, "value": "useful"|"not_relevant"|"hide"}``.
    ``hide`` removes the target, ``not_relevant`` demotes it, ``useful`` slightly promotes
    candidates similar to it.
sme_boost, newcomer_boost : float
    Raise SMEs / newcomers (no projects or ties yet): the boost b multiplies the odds of the
    score by exp(BOOST_SCALE * b) (0.15 -> x1.8); shown as a reason.
k : int
    Number of results, 1..100.

Partners are complementary (they supply what is needed, or need what the subject supplies);
similar organisations are peers that are not complementary. No organisation is in both.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from kim_network.core.model import Label
from kim_network.core.visibility import ANONYMOUS, Viewer
from kim_network.matching import candidates as C, evidence as E, inputs, ltr, rank, signals
from kim_network.matching.listing import (PER_INSTITUTION, Models, Scored, _context, _rank, _skill_weights, score,
                                          skills_text)
from kim_network.matching.projection import Projection
from kim_network.matching.strength import strengths
from kim_network.matching.suggest import suggest_skills
from kim_network.matching.supply import Skills
from kim_network.matching.types import Constraints, MatchingError, Recommendation

# Fixed weights of signals the CORDIS-trained ranker cannot learn (there are no needs there).
RECIPROCITY_WEIGHT = 3.0
NEEDS_WEIGHT = 6.0
LOOKALIKE_PENALTY = 2.0
MEDIA_KINDS = ("media_company",)


# -- public service functions ------------------------------------------------------------
def partners_for_organization(proj: Projection, org_id: str, k: int = 10, viewer: Viewer | None = None,
                              constraints: Constraints | Mapping | None = None, feedback=None, *,
                              sme_boost: float = 0.0, newcomer_boost: float = 0.0,
                              models: Models | None = None) -> list[Recommendation]:
    """Partners for an organisation: complementary, never lookalikes.

    An organisation that declares needs or offers gets only organisations that supply a
    need (declared offers, or competence inferred from their listed skills and projects) or
    that need what it offers (`candidates.partner_mask`). Among them the ranker orders by
    fit: needs covered, the other side's needs (reciprocity), closeness through shared
    partners; a candidate whose offers merely repeat the organisation's own is penalised.
    An organisation that declares neither (most of a CORDIS import) is matched on its history
    by the organisation-only model: who works with its partners, in its kind of projects.

    Returns at most `k` organisations, best first; never the organisation itself, the
    competence centre, or a profile the viewer may not see.

    Examples
    --------
    See tests/matching/test_service.py (needs a built projection).
    """
    k = inputs.check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = C.subject(proj, org_id, Label.ORGANIZATION, viewer)
    needs = _skill_weights(proj, proj.needs, i)
    offers = _skill_weights(proj, proj.offers, i)
    if not needs and not offers and not proj.collab[i].nnz and not proj.n_projects[i]:
        # Neither declared nor shown in projects: any list would be popularity, not a match.
        # (Projects without partners, e.g. single-beneficiary grants, still show its kind of
        # calls and topics: the organisation model matches on those.)
        raise MatchingError("nothing to match on yet: record what the organisation needs or offers, "
                            "or describe it in its profile")
    offer_row = proj.skill_vector(offers) if offers else None
    extra = {}
    if needs:
        query = rank.Query(text=skills_text(proj, needs), skills=needs, offers=offers, seeds=[i])
        extra["needs"] = (signals.cosine_scores(proj.competence, proj.skill_vector(needs)), NEEDS_WEIGHT)
        if offer_row is not None:
            extra["lookalike"] = (signals.cosine_scores(proj.competence, offer_row), -LOOKALIKE_PENALTY)
    else:
        # No stated needs ("partners for my organisation" on a CORDIS import): the organisation
        # alone, no text, ranked by the organisation-only model - trained without text, as
        # scripts/evaluate.py measures it in task (b).
        query = rank.Query(offers=offers, seeds=[i])
    if offer_row is not None:
        extra["reciprocal"] = (signals.cosine_scores(proj.need_profile, offer_row), RECIPROCITY_WEIGHT)
    mask = C.candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
    if needs or C.supply_of(Skills.of(proj), i)[0]:
        # Declared needs or offers: only complementary organisations (never lookalikes).
        mask &= C.partner_mask(proj, i)
    # Otherwise nothing declared says what would complement it, and its history decides: the
    # organisations that work with its partners and in its kind of projects.
    mask[i] = False
    for person in proj.staff.get(i, []):
        mask[person] = False
    scored = score(proj, query, models, extra, mask)
    ctx = _context(proj, viewer, [i], C.needs_of(Skills.of(proj), i), i, "partner")
    return _rank(proj, scored, mask, k, ctx, feedback=feedback, sme_boost=sme_boost,
                 newcomer_boost=newcomer_boost)


def similar_organizations(proj: Projection, org_id: str, k: int = 10, viewer: Viewer | None = None,
                          constraints: Constraints | Mapping | None = None, feedback=None) -> list[Recommendation]:
    """Peers: organisations with the same skills, needs and topics that are not complementary.

    Scored by skill-profile and text-profile similarity and the same kind; no network
    signal. An organisation eligible as a partner is never listed here.
    """
    k = inputs.check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = C.subject(proj, org_id, Label.ORGANIZATION, viewer)
    own_row = proj.competence[i]
    skill_sim = np.asarray((proj.competence @ own_row.T).toarray()).ravel() if own_row.nnz else np.zeros(proj.n_actors)
    text_sim = np.asarray(proj.actor_vecs @ proj.actor_vecs[i]).ravel()
    same_kind = (proj.kind == proj.kind[i]).astype(np.float64)
    value = 0.5 * skill_sim + 0.4 * np.maximum(text_sim, 0) + 0.1 * same_kind
    mask = C.candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints) & ~C.partner_mask(proj, i)
    mask[i] = False
    hide, demote, _useful = inputs.feedback(proj, feedback)
    if hide:
        mask[list(hide)] = False
    if demote:
        value[list(demote)] *= 0.5
    pool = np.flatnonzero(mask & (value > 0.1))
    order = pool[np.argsort(-value[pool], kind="stable")][: k * 4]
    order = signals.diversify(list(order), [C.institution(proj.name(j)) for j in order], k, PER_INSTITUTION)[:k]
    skills = Skills.of(proj)
    ctx = _context(proj, viewer, [i], C.needs_of(skills, i), i, "similar")
    ctx.pool = E.Pool.of(proj, mask)
    places = strengths(value, pool, order)
    out = []
    for j in order:
        total = float(value[j]) or 1.0
        shares = {"skills": 0.5 * skill_sim[j] / total, "text": 0.4 * max(text_sim[j], 0) / total,
                  "kind_fit": 0.1 * same_kind[j] / total}
        out.append(Recommendation(proj.actor_ids[j], str(proj.actor_label[j]), round(min(float(value[j]), 1.0), 4),
                                  proj.name(j), E.reasons_for(ctx, j, shares, demoted=j in demote),
                                  {"skill": float(skill_sim[j]), "text_profile": float(text_sim[j])},
                                  strength=places[int(j)]))
    return out


def _team_gap(proj: Projection, required: Mapping[int, float], team: Sequence[int]) -> dict[int, float]:
    """Required skills weighted by how little the team already covers them."""
    if not team or not required:
        return dict(required)
    skills = list(required)
    single = proj.single_skill_vectors(skills)
    cover = (proj.competence[list(team)].tocsr() @ single.T).toarray().max(axis=0)
    out = {s: required[s] * max(0.0, 1.0 - 2.0 * float(c)) for s, c in zip(skills, cover)}
    return {s: w for s, w in out.items() if w > 0}


def _partner_seeds(proj: Projection, partners, viewer: Viewer) -> tuple[list[int], list[str]]:
    """Indexes of the partners on board the viewer may see, and the ids that are unknown (or hidden)."""
    seeds, unknown = [], []
    visible = C.visible_actor(proj, viewer)
    for pid in inputs.ids(partners, "partners"):
        idx = proj.actor_index.get(pid)
        if idx is None or not visible(idx):
            unknown.append(pid)
        elif idx not in seeds:
            seeds.append(idx)
    return seeds, unknown


@dataclass
class ProjectAnswer:
    """The answer to one request of `partners_for_projects`: recommendations or an error, and warnings."""

    recommendations: list[Recommendation]
    warnings: list[str]
    error: MatchingError | None = None


def _project_request(proj: Projection, fields: Mapping[str, Any], partners, k, viewer: Viewer):
    k = inputs.check_k(k)
    if not isinstance(fields, Mapping):
        raise MatchingError("a project must be an object with title, keywords, objective, topic, topic_title, euroscivoc")
    for name in ltr.QUERY_TEXT_FIELDS + ("topic",):
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            raise MatchingError(f"{name} must be text")
        if isinstance(value, str) and len(value) > inputs.MAX_TEXT:
            raise MatchingError(f"{name} is longer than {inputs.MAX_TEXT} characters")
    terms = fields.get("euroscivoc") or []
    if isinstance(terms, str):
        terms = [terms]
    if not isinstance(terms, (list, tuple)) or not all(isinstance(t, str) for t in terms):
        raise MatchingError("euroscivoc must be a list of texts")
    seeds, unknown = _partner_seeds(proj, partners, viewer)
    query, unknown_terms = ltr.project_query(proj, {**fields, "euroscivoc": list(terms)}, seeds)
    warnings = []
    if unknown:
        warnings.append(f"unknown partner id(s): {', '.join(unknown)}")
    if unknown_terms:
        warnings.append(f"unknown euroSciVoc term(s): {', '.join(unknown_terms)}")
    if not (query.text.strip() or query.skills or query.seeds):
        raise MatchingError("empty query: give a title, keywords, objective, euroSciVoc terms or partners")
    return query, seeds, k, warnings


def partners_for_projects(proj: Projection, requests: Sequence[Mapping[str, Any]], viewer: Viewer | None = None,
                          constraints: Constraints | Mapping | None = None, *,
                          models: Models | None = None, details: bool = True) -> list[ProjectAnswer]:
    """`partners_for_project` for many requests ``{"fields", "partners", "k"}`` at once.

    The requests share the dense products and the model calls (`ltr.score_many`), which is
    what makes `kim partners` fast. A bad request gets its error; the others are answered.
    Without `details` the recommendations carry no `signals` and no `strength` (the batch
    writes ids, scores and reasons only).
    """
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    base = C.candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
    answers: list[ProjectAnswer | None] = [None] * len(requests)
    prepared = []
    for j, req in enumerate(requests):
        try:
            query, seeds, k, warnings = _project_request(proj, req.get("fields") or {}, req.get("partners") or (),
                                                         req.get("k", 10), viewer)
        except MatchingError as exc:
            answers[j] = ProjectAnswer([], [], exc)
            continue
        prepared.append((j, query, seeds, k, warnings))
    ranked = ltr.score_many(proj, [p[1] for p in prepared], base, models=models) if prepared else []
    for (j, query, seeds, k, warnings), r in zip(prepared, ranked):
        mask = base.copy()
        mask[seeds] = False
        ctx = _context(proj, viewer, seeds, list(query.skills), None, "gap" if seeds else "partner", qvec=r.qvec)
        recs = _rank(proj, Scored(r.scores.astype(np.float64), r, {}), mask, k, ctx, feedback=None,
                     sme_boost=0.0, newcomer_boost=0.0, diversity=False, details=details)
        answers[j] = ProjectAnswer(recs, warnings)
    return answers  # type: ignore[return-value]


def partners_for_project(proj: Projection, fields: Mapping[str, Any], partners: Sequence[str] = (), k: int = 10,
                         viewer: Viewer | None = None, constraints: Constraints | Mapping | None = None, *,
                         models: Models | None = None, warnings: list | None = None) -> list[Recommendation]:
    """Partners for a project described in CORDIS fields, ranked exactly as `scripts/evaluate.py` measures.

    `fields`: ``title``, ``keywords``, ``objective``, ``topic``, ``topic_title`` (texts) and
    ``euroscivoc`` (ids, codes, paths or titles). With text and partners the hidden-partner
    model ranks (task a), with partners only the organisation-only model (task b), with text
    only the idea model (task c). Unknown partner ids and euroSciVoc terms are ignored and
    reported in `warnings`. No boosts, no feedback, no diversification: this is the batch and
    evaluation path. Bad input raises MatchingError.
    """
    answer = partners_for_projects(proj, [{"fields": fields, "partners": partners, "k": k}], viewer, constraints,
                                   models=models)[0]
    if answer.error is not None:
        raise answer.error
    if warnings is not None:
        warnings.extend(answer.warnings)
    return answer.recommendations


def partners_for_project_idea(proj: Projection, text: str = "", skills: Sequence[str] = (),
                              partners: Sequence[str] = (), constraints: Constraints | Mapping | None = None,
                              k: int = 10, viewer: Viewer | None = None, feedback=None, *, topic: str | None = None,
                              sme_boost: float = 0.0, newcomer_boost: float = 0.0,
                              models: Models | None = None, ignore_unknown: bool = False,
                              warnings: list | None = None, diversity: bool = True,
                              skill_emphasis: float = NEEDS_WEIGHT, require_supply: bool = False,
                              implied_skills: bool = False) -> list[Recommendation]:
    """Partners for a project idea: free text (German or English), required skills, partners on board.

    Candidates add what the team lacks: required skills the partners already cover count
    less. Partners on board are never returned. `skills` are skill ids, euroSciVoc codes or
    labels; without them, skills named in the text are used. `skill_emphasis` weights the
    coverage of the missing skills on top of the learned ranker (the batch command passes 0
    and so ranks exactly as the offline evaluation measured). With `require_supply`, only
    candidates that supply a required skill (declared or inferred) are eligible; with
    `implied_skills`, a text without skills is searched for the clearest taxonomy skills it
    implies (`matching.suggest`), as the pages propose them. Unknown
    partner ids or skills raise MatchingError unless `ignore_unknown`, in which case they
    are reported in `warnings` (a list to append to).
    """
    k = inputs.check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    text = inputs.check_text(text)
    seeds, unknown = _partner_seeds(proj, partners, viewer)
    skill_terms = inputs.ids(list(skills) if not isinstance(skills, str) else skills, "skills") if skills else []
    found, missing = proj.resolve_skills(skill_terms)
    if unknown or missing:
        message = "; ".join(filter(None, [
            f"unknown partner id(s): {', '.join(unknown)}" if unknown else "",
            f"unknown skill(s): {', '.join(missing)}" if missing else "",
        ]))
        if not ignore_unknown:
            raise MatchingError(message)
        if warnings is not None:
            warnings.append(message)
    if not text and not found and not seeds:
        raise MatchingError("describe the project idea: give a text, required skills or partners on board")
    required = {s: 1.0 for s in found}
    if not required and text:  # skills named in the text count as required, a little less
        required = {s: 0.7 for s in proj.skills_in_text(text)}
    if not required and text and implied_skills:
        required = {proj.skill_index[s]: 0.7 for s in suggest_skills(proj, text, limit=2)}
    gap = _team_gap(proj, required, seeds)
    query = rank.Query(text=text or skills_text(proj, required), skills=gap or required, seeds=seeds, topic=topic)
    mask = C.candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
    mask[seeds] = False
    if require_supply and query.skills:
        wanted = Skills.of(proj)
        mask &= wanted.supplies_declared(query.skills) | wanted.supplies_inferred(query.skills)
    extra = {}
    if skill_emphasis and query.skills:
        extra["needs"] = (signals.cosine_scores(proj.competence, proj.skill_vector(query.skills)), skill_emphasis)
    scored = score(proj, query, models, extra, mask)
    # Reasons name the skills the idea implies even when none were given (the ranking is unchanged).
    named = list(query.skills) or [proj.skill_index[s] for s in suggest_skills(proj, text, limit=4)]
    ctx = _context(proj, viewer, seeds, named, None, "gap" if seeds else "partner", qvec=scored.ranked.qvec)
    return _rank(proj, scored, mask, k, ctx, feedback=feedback, sme_boost=sme_boost,
                 newcomer_boost=newcomer_boost, diversity=diversity)


def collaborators_for_researcher(proj: Projection, person_id: str, k: int = 10, viewer: Viewer | None = None,
                                 constraints: Constraints | Mapping | None = None, feedback=None, *,
                                 sme_boost: float = 0.0, newcomer_boost: float = 0.0,
                                 models: Models | None = None) -> list[Recommendation]:
    """Media organisations for a researcher: they need what the researcher supplies.

    Eligible are media companies (unless `constraints.kinds` says otherwise) that need a
    skill the researcher offers or has shown in projects; scored by how well the
    researcher's skills meet their needs, their topics, and closeness in the network
    through the researcher and their institution.
    """
    k = inputs.check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = C.subject(proj, person_id, Label.PERSON, viewer)
    offers = _skill_weights(proj, proj.offers, i)
    seeds = [i] + list(proj.employer.get(i, []))
    query = rank.Query(text=skills_text(proj, offers), skills=offers, seeds=seeds)
    offer_row = proj.skill_vector(offers) if offers else None
    extra = {}
    if offer_row is not None:
        extra["reciprocal"] = (signals.cosine_scores(proj.need_profile, offer_row), NEEDS_WEIGHT)
    if proj.text.svd is not None:
        extra["topic"] = (np.maximum(proj.actor_vecs @ proj.actor_vecs[i], 0.0), 1.0)
    mask = C.candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints, kinds=MEDIA_KINDS)
    mask &= C.partner_mask(proj, i)
    for o in proj.employer.get(i, []):
        mask[o] = False
    scored = score(proj, query, models, extra, mask)
    ctx = _context(proj, viewer, seeds, C.needs_of(Skills.of(proj), i), i, "partner")
    return _rank(proj, scored, mask, k, ctx, feedback=feedback, sme_boost=sme_boost,
                 newcomer_boost=newcomer_boost)


def researchers_for_needs(proj: Projection, org_id: str, k: int = 10, viewer: Viewer | None = None,
                          constraints: Constraints | Mapping | None = None, feedback=None, *,
                          skills: Sequence[str] = (), text: str = "",
                          models: Models | None = None, newcomer_boost: float = 0.0) -> list[Recommendation]:
    """Researchers whose own skills cover a (media) organisation's needs.

    The organisation's NEEDS, or the given `skills`/`text`, describe what is looked for.
    Candidates are people of kind ``researcher`` (``constraints.kinds`` may widen that),
    not the organisation's own, who declare or have shown (listed skills, own projects) a
    skill that covers a need; what their colleagues list does not count.
    """
    k = inputs.check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = C.subject(proj, org_id, Label.ORGANIZATION, viewer)
    found, missing = proj.resolve_skills(inputs.ids(list(skills), "skills")) if skills else ([], [])
    if missing:
        raise MatchingError(f"unknown skill(s): {', '.join(missing)}")
    needs = {s: 1.0 for s in found} or _skill_weights(proj, proj.needs, i)
    text = inputs.check_text(text)
    if not needs and not text:
        raise MatchingError("the organisation has no recorded needs; give skills or a text")
    query = rank.Query(text=text or skills_text(proj, needs), skills=needs, seeds=[i])
    skill_row = proj.skill_vector(needs) if needs else None
    extra = {"needs": (signals.cosine_scores(proj.competence, skill_row), NEEDS_WEIGHT)} if skill_row is not None else {}
    mask = C.candidate_mask(proj, Label.PERSON.value, viewer, constraints, kinds=("researcher",))
    for person in proj.staff.get(i, []):  # its own people are no discovery
        mask[person] = False
    if needs:
        wanted = Skills.of(proj)
        mask &= wanted.supplies_declared(needs) | (wanted.supplies_inferred(needs) & ~wanted.shares_need(needs))
    scored = score(proj, query, models, extra, mask)
    ctx = _context(proj, viewer, [i], list(needs), i, "partner")
    return _rank(proj, scored, mask, k, ctx, feedback=feedback, sme_boost=0.0,
                 newcomer_boost=newcomer_boost)
