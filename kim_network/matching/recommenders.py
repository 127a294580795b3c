"""The matching service: the functions the web pages, the JSON API and the CLI call.

Every function takes a built `Projection` (see `kim_network.services.caches` for the shared,
self-refreshing one), validates its input (bad input raises `MatchingError` with a message
for the user), and returns ranked `Recommendation`s with reasons in German and English.

Common keyword arguments:

viewer : kim_network.core.visibility.Viewer, optional
    Who asks. Results and every node named in a reason pass `can_see(viewer, ...)`.
    Defaults to anonymous (public profiles only).
constraints : Constraints or dict, optional
    Hard filters: ``kinds``, ``sme``, ``regions`` (NUTS prefixes), ``countries``, ``exclude``.
feedback : iterable of dict, optional
    The asking account's feedback rows ``{"target": id, "value": "useful"|"not_relevant"|"hide"}``
    (Feedback nodes). ``hide`` removes the target, ``not_relevant`` demotes it, ``useful``
    slightly promotes candidates similar to it.
sme_boost, newcomer_boost : float
    Raise SMEs / newcomers (no projects or ties yet): the boost b multiplies the odds of the
    score by exp(BOOST_SCALE * b) (0.15 -> x1.8); shown as a reason with its share.
    Pass ``KIM_SME_BOOST`` / ``KIM_NEWCOMER_BOOST`` from the app config.
k : int
    Number of results, 1..100.

Partners (complementary: they can do what you need) and similar organisations (peers,
possible competitors) are separate functions and say so in their reasons.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from kim_network.core.model import Label
from kim_network.core.visibility import ANONYMOUS, Viewer, can_see, clearance, level_of
from kim_network.matching import ltr, rank, reasons as R, signals
from kim_network.matching.projection import Projection
from kim_network.matching.text import fold
from kim_network.matching.types import FEEDBACK_VALUES, Constraints, MatchingError, Reason, Recommendation

MAX_K = 100
MAX_TEXT = 20_000
# Fixed weights of signals the CORDIS-trained ranker cannot learn (there are no needs there).
RECIPROCITY_WEIGHT = 3.0
NEEDS_WEIGHT = 6.0
LOOKALIKE_PENALTY = 2.0
NOT_RELEVANT_PENALTY = 3.0
USEFUL_SIMILARITY_BONUS = 1.0
PER_INSTITUTION = 2
MEDIA_KINDS = ("media_company",)
BOOST_SCALE = 4.0


# -- input checks ----------------------------------------------------------------
def check_k(k: Any) -> int:
    """Validate the number of results.

    >>> check_k(5)
    5
    >>> check_k(0)
    Traceback (most recent call last):
    ...
    kim_network.matching.types.MatchingError: k must be a whole number between 1 and 100
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= MAX_K:
        raise MatchingError(f"k must be a whole number between 1 and {MAX_K}")
    return int(k)


def _check_text(text: Any, required: bool = False) -> str:
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise MatchingError("the project idea must be text")
    if len(text) > MAX_TEXT:
        raise MatchingError(f"the text is longer than {MAX_TEXT} characters")
    return text.strip()


def _ids(values: Any, what: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in re.split(r"[,\s]+", values) if v]
    if not isinstance(values, (list, tuple, set)) or not all(isinstance(v, str) for v in values):
        raise MatchingError(f"{what} must be a list of ids")
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


# -- candidate filtering ---------------------------------------------------------
def _visible_actor(proj: Projection, viewer: Viewer):
    def check(i: int) -> bool:
        node = proj.actor_nodes[i]
        return not node.get("merged_into") and can_see(viewer, proj.actor_label[i], node)
    return check


def _subject(proj: Projection, node_id: str, label: Label, viewer: Viewer) -> int:
    """The index of the organisation or person a list is for; one the viewer may not see
    is refused exactly like one that does not exist."""
    i = proj.actor_index.get(node_id) if isinstance(node_id, str) else None
    if i is None or not _visible_actor(proj, viewer)(i):
        raise MatchingError(f"unknown organisation or person {str(node_id)[:80]!r}")
    return proj.actor(node_id, label)  # the kind check only for one the viewer may see


def _visible_project(proj: Projection, viewer: Viewer):
    return lambda p: can_see(viewer, Label.PROJECT, proj.project_nodes[p])


def candidate_mask(proj: Projection, label: str, viewer: Viewer, constraints: Constraints,
                   kinds: Sequence[str] = ()) -> np.ndarray:
    """Actors of `label` the viewer may see and the constraints allow."""
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
    return mask & visible_mask(proj, viewer)


def visible_mask(proj: Projection, viewer: Viewer) -> np.ndarray:
    """`can_see` for every actor at once (merged profiles are never candidates).

    Mirrors `kim_network.core.visibility.can_see`; results are checked with `can_see` again
    before they are returned.
    """
    ex = proj.__dict__.get("_visibility")
    if ex is None:  # filled apart and published whole: a concurrent request never sees half of it
        ex = {"level": np.array([level_of(n.get("visibility")) for n in proj.actor_nodes]),
              "pending": np.array([bool(n.get("pending")) for n in proj.actor_nodes]),
              "merged": np.array([bool(n.get("merged_into")) for n in proj.actor_nodes])}
        ex = proj.__dict__.setdefault("_visibility", ex)
    if viewer.is_staff:
        mask = np.ones(proj.n_actors, dtype=bool)
    else:
        mask = ~ex["pending"] & (ex["level"] <= clearance(viewer))
    for own in (viewer.organization_id, viewer.person_id):
        if own is not None and own in proj.actor_index:
            mask[proj.actor_index[own]] = True
    return mask & ~ex["merged"]


def institution(name: str) -> str:
    """A key shared by departments of one institution (for diversity).

    >>> institution("TU München – Lehrstuhl für Medientechnik") == institution("TU München, Fakultät Informatik")
    True
    """
    head = re.split(r"\s[-–—|/]\s|[,(]", name or "", maxsplit=1)[0]
    return " ".join(fold(head).split()[:3])


# -- feedback -------------------------------------------------------------------------
def _feedback(proj: Projection, feedback: Iterable[Mapping] | None):
    hide, demote, useful = set(), set(), set()
    for row in feedback or ():
        if not isinstance(row, Mapping):
            raise MatchingError("feedback must be a list of {target, value} objects")
        value, target = row.get("value"), row.get("target")
        if value not in FEEDBACK_VALUES:
            raise MatchingError(f"feedback value must be one of {', '.join(FEEDBACK_VALUES)}")
        idx = proj.actor_index.get(target) if isinstance(target, str) else None
        if idx is None:
            continue  # feedback on a node that is gone: nothing to do
        {"hide": hide, "not_relevant": demote, "useful": useful}[value].add(idx)
    return hide, demote, useful


# -- the shared ranking core ------------------------------------------------------------
Models = Mapping[str, "ltr.TaskModel | None"]  # task -> model overrides (default: the shipped models)


@dataclass
class _Scored:
    logit: np.ndarray
    ranked: ltr.Ranked
    extra: dict  # name -> (vector, weight): fixed-weight signals added to the logit


def _score(proj: Projection, query: rank.Query, models: Models | None = None, extra: dict | None = None,
           candidates: np.ndarray | None = None) -> _Scored:
    """The learned two-stage ranking (`ltr`) of the query's task, plus fixed-weight signals.

    `extra` signals (declared needs and offers, which CORDIS has none of) also bring their best
    organisations into the candidate list.
    """
    extra = extra or {}
    pool = candidates if candidates is not None else np.ones(proj.n_actors, dtype=bool)
    task = ltr.task_for(query)
    model = (models or {}).get(task)
    sources = [vec for vec, weight in extra.values() if weight > 0]
    ranked = ltr.score(proj, query, pool, task, model=model, extra_sources=sources)
    logit = ranked.scores.astype(np.float64)
    for vec, weight in extra.values():
        logit = logit + weight * vec
    return _Scored(logit, ranked, extra)


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _newcomer(proj: Projection) -> np.ndarray:
    degree = np.diff(proj.collab.indptr)
    return (proj.n_projects == 0) & (degree == 0)


def _rank(proj: Projection, scored: _Scored, mask: np.ndarray, k: int, *, viewer: Viewer, feedback,
          sme_boost: float, newcomer_boost: float, query: rank.Query,
          mode: str, skill_row=None, offer_row=None, diversity: bool = True) -> list[Recommendation]:
    hide, demote, useful = _feedback(proj, feedback)
    mask = mask.copy()
    if hide:
        mask[list(hide)] = False
    logit = scored.logit.copy()
    if demote:
        # Demote by at least the spread of the shortlist, so the candidate really moves down.
        live = logit[mask]
        spread = float(np.max(live) - np.sort(live)[-min(len(live), 10)]) if len(live) else 0.0
        logit[list(demote)] -= max(NOT_RELEVANT_PENALTY, spread + 1.0)
    liked = np.zeros(proj.n_actors)
    if useful:
        like_vec = proj.actor_vecs[list(useful)].mean(axis=0)
        liked = np.maximum(proj.actor_vecs @ like_vec, 0.0)
        logit += USEFUL_SIMILARITY_BONUS * liked
    sme_part = np.where(proj.sme, BOOST_SCALE * float(sme_boost), 0.0)
    new_part = np.where(_newcomer(proj), BOOST_SCALE * float(newcomer_boost), 0.0)
    final = logit + sme_part + new_part  # ranking is on the logit scale (no saturation)
    idx = np.flatnonzero(mask)
    if not len(idx):
        return []
    take = min(len(idx), k * 4 if diversity else k)
    top = idx[np.argpartition(-final[idx], take - 1)[:take]] if take < len(idx) else idx
    top = top[np.argsort(-final[top], kind="stable")]
    if diversity:
        top = signals.diversify(list(top), [institution(proj.name(i)) for i in top], k, PER_INSTITUTION)
    visible_actor = _visible_actor(proj, viewer)
    top = [i for i in top if visible_actor(i)][:k]  # the authoritative check, per result

    # Displayed score: 0.5 for the typical candidate of the shortlist (the 5k-th best), towards 1
    # for the clearly best; comparable within one list, not across lists.
    pool_scores = final[idx]
    ref_rank = min(len(pool_scores), 5 * k) - 1
    reference = float(np.partition(-pool_scores, ref_rank)[ref_rank]) * -1.0
    shown = _sigmoid(final - reference)
    visible_project = _visible_project(proj, viewer)
    qvec = scored.ranked.qvec
    seed_weight = R.seed_weights(proj, query.seeds)
    out = []
    model_parts = scored.ranked.contributions(top)  # TreeSHAP: each feature's part of the model score
    for i, parts in zip(top, model_parts):
        contributions = dict(parts)
        for name, (vec, weight) in scored.extra.items():
            contributions[name] = float(weight * vec[i])
        if useful and liked[i] > 0:
            contributions["feedback"] = float(USEFUL_SIMILARITY_BONUS * liked[i])
        contributions["sme_boost"] = float(sme_part[i])
        contributions["newcomer_boost"] = float(new_part[i])
        shares = R.signal_shares(contributions, 1.0)
        rec = Recommendation(
            id=proj.actor_ids[i], label=str(proj.actor_label[i]), score=round(float(shown[i]), 4), name=proj.name(i),
            signals=scored.ranked.features_of(i),
        )
        rec.reasons = _reasons(proj, i, query, shares, mode=mode, skill_row=skill_row, offer_row=offer_row,
                               qvec=qvec, visible_actor=visible_actor, visible_project=visible_project,
                               demoted=i in demote, seed_weight=seed_weight)
        out.append(rec)
    return out


def _reasons(proj, i, query, shares, *, mode, skill_row, offer_row, qvec, visible_actor, visible_project,
             demoted, seed_weight=None) -> list[Reason]:
    out: list[Reason] = []
    name = proj.name(i)
    skills = R.top_skills(proj, skill_row, i, limit=12) if skill_row is not None else []
    own = [s for s in skills if s in query.skills or s in query.offers]
    skills = (own or skills)[:5]  # name the skills asked for, broader ones only when nothing else matches
    if skills:
        de, en = R._names(R.skill_names(proj, skills, "de")), R._names(R.skill_names(proj, skills, "en"))
        share = shares.get("skills", 0.0)
        if mode == "partner":
            out.append(Reason("complementary_skills", f"Bietet, was Sie suchen: {de}", f"Offers what you need: {en}",
                              share, {"skills": [proj.skill_ids[s] for s in skills]}))
        elif mode == "gap":
            out.append(Reason("complementary_skills", f"Ergänzt, was dem Team fehlt: {de}",
                              f"Adds what the team lacks: {en}", share, {"skills": [proj.skill_ids[s] for s in skills]}))
        else:
            out.append(Reason("shared_skills", f"Gemeinsame Kompetenzen: {de}", f"Shared skills: {en}", share,
                              {"skills": [proj.skill_ids[s] for s in skills]}))
    if offer_row is not None and shares.get("reciprocal", 0) > 0:
        theirs = R.top_skills(proj, offer_row, i, matrix=proj.need_profile)
        if theirs:
            de, en = R._names(R.skill_names(proj, theirs, "de")), R._names(R.skill_names(proj, theirs, "en"))
            out.append(Reason("reciprocal", f"Gegenseitig: {name} sucht, was Sie bieten ({de})",
                              f"Mutual benefit: {name} needs what you offer ({en})", shares["reciprocal"],
                              {"skills": [proj.skill_ids[s] for s in theirs]}))
    seeds = list(query.seeds)
    common = R.shared_projects(proj, seeds, i, visible_project)
    if common:
        names = [proj.project_name(p) for p in common]
        out.append(Reason("shared_projects", f"Schon zusammen in: {R._names(names)}",
                          f"Worked together before in: {R._names(names)}", shares.get("repeat_partner", 0.0),
                          {"projects": [proj.project_ids[p] for p in common]}))
    mutual = R.mutual_partners(proj, seeds, i, visible_actor, seed_weight=seed_weight)
    if mutual:
        names = [proj.name(z) for z in mutual]
        out.append(Reason("mutual_partners", f"Gemeinsame Partner: {R._names(names)}",
                          f"Mutual partners: {R._names(names)}", shares.get("network", 0.0),
                          {"partners": [proj.actor_ids[z] for z in mutual]}))
    elif shares.get("network", 0) > 0.05 and seeds:
        out.append(Reason("network", "Im Netzwerk nah an Ihren Partnern", "Close to your partners in the network",
                          shares["network"], {}))
    if qvec is not None and shares.get("text", 0) > 0:
        similar = R.similar_projects(proj, qvec, i, visible_project)
        if similar:
            names = [proj.project_name(p) for p in similar]
            out.append(Reason("text", f"Ähnliche Themen, z. B. in {R._names(names)}",
                              f"Similar topics, e.g. in {R._names(names)}", shares["text"],
                              {"projects": [proj.project_ids[p] for p in similar]}))
        else:
            out.append(Reason("text", "Ähnliche Themen in Profil und Projekten",
                              "Similar topics in profile and projects", shares["text"], {}))
    if shares.get("kind_fit", 0) > 0.05:
        kde, ken = R.KIND_NAMES.get(proj.actor_class[i], (proj.kind[i], proj.kind[i]))
        out.append(Reason("kind_fit", f"Passende Rolle im Team: {kde}", f"Fits the team as a {ken}",
                          shares["kind_fit"], {"kind": str(proj.kind[i])}))
    if shares.get("experience", 0) > 0.05 and proj.n_projects[i] > 0:
        n = int(proj.n_projects[i])
        out.append(Reason("popularity", f"Erfahren: {n} Projekte", f"Experienced: {n} projects",
                          shares["experience"], {"projects_count": n}))
    if shares.get("region", 0) > 0.05 and proj.country[i]:
        out.append(Reason("region", f"Aus einem Land, das oft mit den Ländern Ihrer Partner arbeitet ({proj.country[i]})",
                          f"From a country that often works with your partners' countries ({proj.country[i]})",
                          shares["region"], {"country": str(proj.country[i])}))
    if shares.get("feedback", 0) > 0:
        out.append(Reason("feedback", "Ähnlich zu Vorschlägen, die Sie nützlich fanden",
                          "Similar to suggestions you found useful", shares["feedback"], {}))
    if shares.get("sme_boost", 0) > 0:
        out.append(Reason("sme_boost", "KMU: sichtbar bevorzugt", "SME: given a visible boost", shares["sme_boost"], {}))
    if shares.get("newcomer_boost", 0) > 0:
        out.append(Reason("newcomer_boost", "Neu im Netzwerk: sichtbar bevorzugt",
                          "New to the network: given a visible boost", shares["newcomer_boost"], {}))
    if demoted:
        out.append(Reason("feedback", "Von Ihnen als nicht relevant markiert", "You marked this as not relevant", 0.0, {}))
    # Concrete reasons (skills, partners, projects, topics) first, then the other signals;
    # each group by its share of the score.
    concrete = ("complementary_skills", "shared_skills", "reciprocal", "mutual_partners", "shared_projects", "text")
    out.sort(key=lambda r: (r.kind not in concrete, -r.share))
    return out


# -- public service functions ------------------------------------------------------------
def _skill_weights(proj: Projection, matrix, i: int) -> dict[int, float]:
    row = matrix[i]
    return {int(s): float(w) for s, w in zip(row.indices, row.data)}


def _skills_text(proj: Projection, skills: Mapping[int, float]) -> str:
    return " ".join(f"{proj.skill_name(s, 'en')} {proj.skill_name(s, 'de')}" for s in skills)


def partners_for_organization(proj: Projection, org_id: str, k: int = 10, viewer: Viewer | None = None,
                              constraints: Constraints | Mapping | None = None, feedback=None, *,
                              sme_boost: float = 0.0, newcomer_boost: float = 0.0,
                              models: Models | None = None) -> list[Recommendation]:
    """Technology partners for an organisation's needs.

    Candidates whose offers cover the organisation's NEEDS (complementarity, not lookalikes:
    similar offers are penalised), scored also from the other side (what they need that the
    organisation offers), and closer when they share partners. An organisation without
    recorded needs is matched on its history alone (its partners, their partners, its topics)
    by the organisation-only model.

    Returns at most `k` organisations, best first; never the organisation itself or a profile
    the viewer may not see.

    Examples
    --------
    See tests/matching/test_service.py (needs a built projection).
    """
    k = check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = _subject(proj, org_id, Label.ORGANIZATION, viewer)
    needs = _skill_weights(proj, proj.needs, i)
    offers = _skill_weights(proj, proj.offers, i)
    offer_row = proj.skill_vector(offers) if offers else None
    if not needs and not offers and not np.any(proj.actor_vecs[i]) and not proj.collab[i].nnz:
        raise MatchingError("nothing to match on yet: record what the organisation needs or offers, "
                            "or describe it in its profile")
    extra = {}
    if needs:
        mode = "partner"
        query = rank.Query(text=_skills_text(proj, needs), skills=needs, offers=offers, seeds=[i])
        skill_row = proj.skill_vector(needs)
        extra["needs"] = (signals.cosine_scores(proj.competence, skill_row), NEEDS_WEIGHT)
        if offer_row is not None:
            extra["lookalike"] = (signals.cosine_scores(proj.competence, offer_row), -LOOKALIKE_PENALTY)
    else:
        # No stated needs ("partners for my organisation" on a CORDIS import): the organisation
        # alone, no text, ranked by the organisation-only model - trained without text, as
        # scripts/evaluate.py measures it in task (b).
        mode = "shared"
        query = rank.Query(offers=offers, seeds=[i])
        skill_row = None
    if offer_row is not None:
        extra["reciprocal"] = (signals.cosine_scores(proj.need_profile, offer_row), RECIPROCITY_WEIGHT)
    mask = candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
    mask[i] = False
    for person in proj.staff.get(i, []):
        mask[person] = False
    scored = _score(proj, query, models, extra, mask)
    return _rank(proj, scored, mask, k, viewer=viewer, feedback=feedback, sme_boost=sme_boost,
                 newcomer_boost=newcomer_boost, query=query, mode=mode, skill_row=skill_row,
                 offer_row=offer_row)


def similar_organizations(proj: Projection, org_id: str, k: int = 10, viewer: Viewer | None = None,
                          constraints: Constraints | Mapping | None = None, feedback=None) -> list[Recommendation]:
    """Peers: organisations with the same skills and topics (possible competitors), not partners.

    Scored by skill-profile and text-profile similarity and the same kind; no network signal.
    """
    k = check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = _subject(proj, org_id, Label.ORGANIZATION, viewer)
    own_row = proj.competence[i]
    skill_sim = np.asarray((proj.competence @ own_row.T).toarray()).ravel() if own_row.nnz else np.zeros(proj.n_actors)
    text_sim = np.asarray(proj.actor_vecs @ proj.actor_vecs[i]).ravel()
    same_kind = (proj.kind == proj.kind[i]).astype(np.float64)
    score = 0.5 * skill_sim + 0.4 * np.maximum(text_sim, 0) + 0.1 * same_kind
    mask = candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
    mask[i] = False
    hide, demote, _useful = _feedback(proj, feedback)
    if hide:
        mask[list(hide)] = False
    if demote:
        score[list(demote)] *= 0.5
    idx = np.flatnonzero(mask & (score > 0.1))
    order = idx[np.argsort(-score[idx], kind="stable")][: k * 4]
    order = signals.diversify(list(order), [institution(proj.name(j)) for j in order], k, PER_INSTITUTION)[:k]
    out = []
    for j in order:
        total = float(score[j]) or 1.0
        parts = {"skills": 0.5 * skill_sim[j] / total, "text": 0.4 * max(text_sim[j], 0) / total,
                 "kind": 0.1 * same_kind[j] / total}
        reasons = []
        shared = R.top_skills(proj, own_row, j) if own_row.nnz else []
        if shared:
            reasons.append(Reason("shared_skills",
                                  f"Ähnliches Angebot: {R._names(R.skill_names(proj, shared, 'de'))}",
                                  f"Similar offer: {R._names(R.skill_names(proj, shared, 'en'))}",
                                  round(parts["skills"], 4), {"skills": [proj.skill_ids[s] for s in shared]}))
        if parts["text"] > 0:
            reasons.append(Reason("text", "Ähnliche Themen in Profil und Projekten",
                                  "Similar topics in profile and projects", round(parts["text"], 4), {}))
        if same_kind[j]:
            kde, ken = R.KIND_NAMES.get(str(proj.kind[j]), (proj.kind[j], proj.kind[j]))
            reasons.append(Reason("kind_fit", f"Gleiche Art: {kde}", f"Same kind: {ken}", round(parts["kind"], 4),
                                  {"kind": str(proj.kind[j])}))
        out.append(Recommendation(proj.actor_ids[j], str(proj.actor_label[j]), round(min(float(score[j]), 1.0), 4),
                                  proj.name(j), reasons,
                                  {"skill": float(skill_sim[j]), "text_profile": float(text_sim[j])}))
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
    for pid in _ids(partners, "partners"):
        idx = proj.actor_index.get(pid)
        if idx is None or not _visible_actor(proj, viewer)(idx):
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
    k = check_k(k)
    if not isinstance(fields, Mapping):
        raise MatchingError("a project must be an object with title, keywords, objective, topic, topic_title, euroscivoc")
    for name in ltr.QUERY_TEXT_FIELDS + ("topic",):
        value = fields.get(name)
        if value is not None and not isinstance(value, str):
            raise MatchingError(f"{name} must be text")
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise MatchingError(f"{name} is longer than {MAX_TEXT} characters")
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
                          models: Models | None = None) -> list[ProjectAnswer]:
    """`partners_for_project` for many requests ``{"fields", "partners", "k"}`` at once.

    The requests share the dense products and the model calls (`ltr.score_many`), which is
    what makes `kim partners` fast. A bad request gets its error; the others are answered.
    """
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    base = candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
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
        skill_row = proj.skill_vector(query.skills) if query.skills else None
        recs = _rank(proj, _Scored(r.scores.astype(np.float64), r, {}), mask, k, viewer=viewer, feedback=None,
                     sme_boost=0.0, newcomer_boost=0.0, query=query, mode="gap" if seeds else "partner",
                     skill_row=skill_row, diversity=False)
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
                              skill_emphasis: float = NEEDS_WEIGHT) -> list[Recommendation]:
    """Partners for a project idea: free text (German or English), required skills, partners on board.

    Candidates add what the team lacks: required skills the partners already cover count
    less. Partners on board are never returned. `skills` are skill ids, euroSciVoc codes or
    labels; without them, skills named in the text are used. `skill_emphasis` weights the
    coverage of the missing skills on top of the learned ranker (the batch command passes 0
    and so ranks exactly as the offline evaluation measured). Unknown partner ids or skills raise MatchingError unless `ignore_unknown`, in
    which case they are reported in `warnings` (a list to append to).
    """
    k = check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    text = _check_text(text)
    seeds, unknown = _partner_seeds(proj, partners, viewer)
    skill_terms = _ids(list(skills) if not isinstance(skills, str) else skills, "skills") if skills else []
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
    gap = _team_gap(proj, required, seeds)
    query = rank.Query(text=text or _skills_text(proj, required), skills=gap or required, seeds=seeds, topic=topic)
    mask = candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints)
    mask[seeds] = False
    extra = {}
    if skill_emphasis and query.skills:
        extra["needs"] = (signals.cosine_scores(proj.competence, proj.skill_vector(query.skills)), skill_emphasis)
    scored = _score(proj, query, models, extra, mask)
    skill_row = proj.skill_vector(query.skills) if query.skills else None
    return _rank(proj, scored, mask, k, viewer=viewer, feedback=feedback, sme_boost=sme_boost,
                 newcomer_boost=newcomer_boost, query=query, mode="gap" if seeds else "partner",
                 skill_row=skill_row, diversity=diversity)


def collaborators_for_researcher(proj: Projection, person_id: str, k: int = 10, viewer: Viewer | None = None,
                                 constraints: Constraints | Mapping | None = None, feedback=None, *,
                                 sme_boost: float = 0.0, newcomer_boost: float = 0.0,
                                 models: Models | None = None) -> list[Recommendation]:
    """Media organisations for a researcher: they need what the researcher offers.

    Scored by how well the researcher's skills meet the media companies' needs (and their
    topics), and by closeness in the network through the researcher and their institution.
    Candidates are media companies unless `constraints.kinds` says otherwise.
    """
    k = check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = _subject(proj, person_id, Label.PERSON, viewer)
    offers = _skill_weights(proj, proj.offers, i)
    seeds = [i] + list(proj.employer.get(i, []))
    query = rank.Query(text=_skills_text(proj, offers), skills=offers, seeds=seeds)
    offer_row = proj.skill_vector(offers) if offers else None
    extra = {}
    if offer_row is not None:
        extra["reciprocal"] = (signals.cosine_scores(proj.need_profile, offer_row), NEEDS_WEIGHT)
    if proj.text.svd is not None:
        extra["topic"] = (np.maximum(proj.actor_vecs @ proj.actor_vecs[i], 0.0), 1.0)
    mask = candidate_mask(proj, Label.ORGANIZATION.value, viewer, constraints, kinds=MEDIA_KINDS)
    for o in proj.employer.get(i, []):
        mask[o] = False
    scored = _score(proj, query, models, extra, mask)
    return _rank(proj, scored, mask, k, viewer=viewer, feedback=feedback, sme_boost=sme_boost,
                 newcomer_boost=newcomer_boost, query=query, mode="shared",
                 skill_row=offer_row, offer_row=offer_row)


def researchers_for_needs(proj: Projection, org_id: str, k: int = 10, viewer: Viewer | None = None,
                          constraints: Constraints | Mapping | None = None, feedback=None, *,
                          skills: Sequence[str] = (), text: str = "",
                          models: Models | None = None, newcomer_boost: float = 0.0) -> list[Recommendation]:
    """Researchers whose skills cover a (media) organisation's needs.

    The organisation's NEEDS, or the given `skills`/`text`, describe what is looked for.
    Candidates are people of kind ``researcher`` (``constraints.kinds`` may widen that).
    """
    k = check_k(k)
    viewer = viewer or ANONYMOUS
    constraints = Constraints.coerce(constraints)
    i = _subject(proj, org_id, Label.ORGANIZATION, viewer)
    found, missing = proj.resolve_skills(_ids(list(skills), "skills")) if skills else ([], [])
    if missing:
        raise MatchingError(f"unknown skill(s): {', '.join(missing)}")
    needs = {s: 1.0 for s in found} or _skill_weights(proj, proj.needs, i)
    text = _check_text(text)
    if not needs and not text:
        raise MatchingError("the organisation has no recorded needs; give skills or a text")
    query = rank.Query(text=text or _skills_text(proj, needs), skills=needs, seeds=[i])
    skill_row = proj.skill_vector(needs) if needs else None
    extra = {"needs": (signals.cosine_scores(proj.competence, skill_row), NEEDS_WEIGHT)} if skill_row is not None else {}
    mask = candidate_mask(proj, Label.PERSON.value, viewer, constraints, kinds=("researcher",))
    scored = _score(proj, query, models, extra, mask)
    return _rank(proj, scored, mask, k, viewer=viewer, feedback=feedback, sme_boost=0.0,
                 newcomer_boost=newcomer_boost, query=query, mode="partner", skill_row=skill_row)
