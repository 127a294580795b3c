"""What the data says about one candidate for one subject: the facts behind every reason.

A reason may claim only what the data holds, and only when it tells this candidate apart:

- **offers** names skills the candidate declares as OFFERS that cover a need (the same
  skill, a narrower one, or the skill right above it in the taxonomy);
- **inferred** competence (a skill listed on the profile but not offered, or one of the
  candidate's past projects) says where it comes from, and never counts a skill the
  candidate itself needs;
- **reciprocal** names the subject's own declared offers that the candidate needs;
- **mutual partners** never name the viewer, the viewer's organisation, the subject, the
  candidate's or subject's own colleagues, the competence centre, or a partner of most
  candidates;
- region, kind and experience appear only when most candidates of the pool do not share
  them (`Pool`); a country is never a reason on a regional platform.

Every text is a catalogue message (`kim_network.core.messages`), rendered in the reader's
language. Pure functions over a `Projection`; no Flask, no store.
"""
from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

import numpy as np

from kim_network.core.messages import Localized, kind_name, msg, names, nmsg
from kim_network.core.model import Label
from kim_network.core.regions import region_name as nuts_name
from kim_network.core.visibility import Viewer
from kim_network.matching import candidates as C
from kim_network.matching.evidence_data import (facts, mutual_partners, near_needs, seed_project_mask, seed_projects,
                                                seed_ties, shared_projects, similar_projects)
from kim_network.matching.projection import Projection
from kim_network.matching.supply import Skills, derived, row
from kim_network.matching.types import Reason

# A reason must separate the candidate from most others: shared by at most this share of the pool.
DISCRIMINATING_SHARE = 0.5
# Proximity is worth saying when at most a third of the candidates are as close.
REGION_SHARE = 1 / 3
# A mutual partner tied to more than this share of the candidates says nothing.
HUB_SHARE = 0.5
EXPERIENCE_MIN = 3
MAX_REASONS = 5
# Evidence first, then the facts that only separate, then what the platform did.
ORDER = ("offers", "covers_gap", "reciprocal", "inferred_skills", "shared_projects", "mutual_partners",
         "shared_skills", "shared_needs", "similar_topics", "region", "kind_fit", "experience",
         "feedback", "sme_boost", "newcomer_boost")
_PLACE = {kind: place for place, kind in enumerate(ORDER)}


def _remembered(proj: Projection, kind: str, item: int, make: Callable[[int], object]):
    """`make(item)`, remembered per projection under `kind` (worked out once per item)."""
    known = derived(proj, kind, lambda _proj: {})
    value = known.get(item)
    if value is None:
        value = known[item] = make(item)
    return value


def skill_names(proj: Projection, skills: Iterable[int], limit: int = 3):
    """The skills' names in both languages as one parameter (each label made once per projection)."""
    def label(s: int) -> Localized:
        return Localized(de=proj.skill_name(s, "de"), en=proj.skill_name(s, "en"))

    return names([_remembered(proj, "skill_labels", s, label) for s in skills], limit)


def actor_name(proj: Projection, i: int) -> str:
    """`proj.name(i)`, remembered per projection (readable case is worked out once per actor)."""
    return _remembered(proj, "names", i, proj.name)


def project_name(proj: Projection, p: int) -> str:
    """`proj.project_name(p)`, remembered per projection."""
    return _remembered(proj, "project_names", p, proj.project_name)


@functools.lru_cache(maxsize=4096)
def region_words(code: str | None):
    """A NUTS-2 region in words (Eurostat's names, per language); None when it has no name."""
    code = (code or "")[:4].upper()
    if len(code) < 3:
        return None
    de, en = nuts_name(code, "de"), nuts_name(code, "en")
    return None if de == code else Localized(de=de, en=en)


# -- who is evidence at all ------------------------------------------------------------------------
def never_evidence(proj: Projection, viewer: Viewer, *subjects: int) -> set[int]:
    """Actors no reason may name: the viewer, their organisation, the subjects and their colleagues, the centre."""
    out = set(np.flatnonzero(C.centre_mask(proj)).tolist())
    for own in (viewer.person_id, viewer.organization_id):
        if own is not None and own in proj.actor_index:
            out.add(proj.actor_index[own])
    for i in subjects:
        out.add(int(i))
        out.update(proj.employer.get(int(i), []))
        out.update(proj.staff.get(int(i), []))
    return out


# -- the pool a reason must separate the candidate from -------------------------------------------
class Pool:
    """Statistics of the candidates of one list (or of all organisations, for a single pair).

    Each statistic is counted when a reason first asks for it: most lists need only some.
    """

    def __init__(self, proj: Projection, mask: np.ndarray):
        self.proj = proj
        self.members = np.asarray(mask, dtype=bool)  # boolean mask over actors
        self._idx = np.flatnonzero(self.members)
        self.size = max(len(self._idx), 1)
        self._hubs: dict[int, bool] = {}

    @classmethod
    def of(cls, proj: Projection, mask: np.ndarray) -> "Pool":
        return cls(proj, mask)

    @functools.cached_property
    def regions(self) -> Counter:
        (keys, codes), _ = derived(self.proj, "pool_codes", _pool_codes)
        return _count(keys, codes[self._idx])

    @functools.cached_property
    def kinds(self) -> Counter:
        _, (keys, codes) = derived(self.proj, "pool_codes", _pool_codes)
        return _count(keys, codes[self._idx])

    @functools.cached_property
    def experience_cut(self) -> float:
        """The 75th percentile of the pool's project counts, at least EXPERIENCE_MIN."""
        projects = self.proj.n_projects[self._idx] if len(self._idx) else np.zeros(1)
        # When the two counts the percentile lies between are at most EXPERIENCE_MIN, so is the
        # percentile: counting those is cheaper than finding them.
        if np.count_nonzero(projects <= EXPERIENCE_MIN) >= int(0.75 * (len(projects) - 1)) + 2:
            return EXPERIENCE_MIN
        return max(float(np.percentile(projects, 75)), EXPERIENCE_MIN)

    def hub(self, proj: Projection, z: int) -> bool:
        """Tied to most of the candidates (and to more than a few): naming it tells nobody apart."""
        limit = max(HUB_SHARE * self.size, 3)
        if proj.collab.indptr[z + 1] - proj.collab.indptr[z] <= limit:
            return False  # fewer ties in all than the limit
        known = self._hubs.get(z)
        if known is None:
            known = self._hubs[z] = int(self.members[row(proj.collab, z)].sum()) > limit
        return known

    def rare(self, counter: Counter, key: str, share: float = DISCRIMINATING_SHARE) -> bool:
        return counter.get(key, 0) <= share * self.size


def _pool_codes(proj: Projection):
    """Every actor's NUTS-1 prefix and kind as integer codes (-1: no region), computed once per
    projection so that a list's pool is counted with `np.bincount`."""
    def encode(values, drop_empty: bool):
        keys: dict[str, int] = {}
        codes = np.array([-1 if drop_empty and not v else keys.setdefault(v, len(keys)) for v in values],
                         dtype=np.int64)
        return list(keys), codes
    return (encode([str(r)[:4] if r else "" for r in proj.region], True),
            encode([str(k) for k in proj.kind], False))


def _count(keys: list[str], codes: np.ndarray) -> Counter:
    """The Counter of the keys behind `codes` (negative codes are not counted).

    >>> _count(["DE21", "FR10"], np.array([0, 1, 0, -1]))
    Counter({'DE21': 2, 'FR10': 1})
    """
    counts = np.bincount(codes[codes >= 0], minlength=len(keys))
    return Counter({keys[i]: int(c) for i, c in enumerate(counts) if c})


# -- facts into reasons ----------------------------------------------------------------------------
@dataclass
class Context:
    """Everything the reasons of one list (or one pair) share.

    `needs` is what the subject looks for, `offers` its declared offers, `inferred_supply`
    its listed and project skills; `seeds` are the subject (and its employer or partners on
    board) whose ties count; `excluded` are never named; `pool` is whom to tell apart from.
    """

    proj: Projection
    skills: Skills
    pool: Pool | None
    viewer: Viewer
    seeds: list[int]
    needs: list[int]
    offers: list[int]
    excluded: set[int]
    mode: str = "partner"  # partner | gap | similar | pair
    qvec: np.ndarray | None = None
    inferred_supply: list[int] = field(default_factory=list)
    subject_region: str | None = None
    subject_kind: str | None = None
    visible_actor: Callable[[int], bool] | None = None
    visible_project: Callable[[int], bool] | None = None

    def __post_init__(self):
        self.visible_actor = self.visible_actor or C.visible_actor(self.proj, self.viewer)
        self.visible_project = self.visible_project or C.visible_project(self.proj, self.viewer)
        self.pool = self.pool or Pool.of(self.proj, derived(self.proj, "organisations", _organisations))

    @functools.cached_property
    def seed_weight(self) -> np.ndarray:
        return seed_ties(self.proj, self.seeds)

    @functools.cached_property
    def seed_projects(self) -> set[int]:
        return seed_projects(self.proj, self.seeds)

    @functools.cached_property
    def seed_project_mask(self) -> np.ndarray:
        return seed_project_mask(self.proj, self.seeds)

    def near_needs(self) -> np.ndarray:
        """`near_needs(skills, needs)`, worked out once per list (again if `needs` changes)."""
        key = tuple(self.needs)
        known = self.__dict__.get("_near")
        if known is None or known[0] != key:
            known = self.__dict__["_near"] = (key, near_needs(self.skills, set(int(s) for s in key)))
        return known[1]


def _organisations(proj: Projection) -> np.ndarray:
    return proj.actor_label == Label.ORGANIZATION.value


def reasons_for(ctx: Context, j: int, shares: dict | None = None, *, boosts: dict | None = None,
                demoted: bool = False, liked: bool = False) -> list[Reason]:
    """The reasons for candidate `j`: true, named, and telling it apart; best first."""
    proj, shares, out = ctx.proj, shares or {}, []
    f = facts(proj, ctx.skills, ctx.needs, ctx.offers, j, ctx.inferred_supply, near=ctx.near_needs())
    skill_share = shares.get("skills", 0.0)
    if ctx.mode == "similar":
        if f.shared_offers:
            out.append(Reason.of("shared_skills", msg("Similar offer: %(skills)s", skills=skill_names(proj, f.shared_offers)),
                                 skill_share, {"skills": [proj.skill_ids[s] for s in f.shared_offers]}))
        if f.shared_needs:
            out.append(Reason.of("shared_needs", msg("Looks for the same: %(skills)s",
                                                     skills=skill_names(proj, f.shared_needs)),
                                 skill_share, {"skills": [proj.skill_ids[s] for s in f.shared_needs]}))
    else:
        if f.offers:
            text = (msg("Adds what the team lacks: %(skills)s", skills=skill_names(proj, f.offers))
                    if ctx.mode == "gap" else msg("Offers what you need: %(skills)s", skills=skill_names(proj, f.offers)))
            out.append(Reason.of("covers_gap" if ctx.mode == "gap" else "offers", text, skill_share,
                                 {"skills": [proj.skill_ids[s] for s in f.offers]}))
        if f.listed:
            out.append(Reason.of("inferred_skills", msg("Lists as a skill, not as an offer: %(skills)s",
                                                        skills=skill_names(proj, f.listed)),
                                 0.0 if f.offers else skill_share,
                                 {"skills": [proj.skill_ids[s] for s in f.listed], "source": "profile"}))
        if f.from_projects:
            out.append(Reason.of("inferred_skills", msg("From their projects: %(skills)s",
                                                        skills=skill_names(proj, f.from_projects)),
                                 0.0 if (f.offers or f.listed) else skill_share,
                                 {"skills": [proj.skill_ids[s] for s in f.from_projects], "source": "projects"}))
        if f.reciprocal:
            out.append(Reason.of("reciprocal", msg("Needs what you offer: %(skills)s",
                                                   skills=skill_names(proj, f.reciprocal)),
                                 shares.get("reciprocal", 0.0), {"skills": [proj.skill_ids[s] for s in f.reciprocal]}))
        if f.reciprocal_inferred:
            out.append(Reason.of("reciprocal", msg("Needs what you work on: %(skills)s (from your skills and projects)",
                                                   skills=skill_names(proj, f.reciprocal_inferred)),
                                 0.0 if f.reciprocal else shares.get("reciprocal", 0.0),
                                 {"skills": [proj.skill_ids[s] for s in f.reciprocal_inferred], "source": "inferred"}))
    common = shared_projects(proj, ctx.seeds, j, ctx.visible_project,
                             theirs_mask=ctx.seed_project_mask if ctx.seeds else None,
                             theirs=(lambda: ctx.seed_projects) if ctx.seeds else None)
    if common:
        out.append(Reason.of("shared_projects", msg("Worked together before in: %(projects)s",
                                                    projects=names([project_name(proj, p) for p in common])),
                             shares.get("repeat_partner", 0.0), {"projects": [proj.project_ids[p] for p in common]}))
    if ctx.mode != "similar":
        mutual = mutual_partners(proj, ctx.seeds, j, ctx.excluded, ctx.visible_actor, ctx.pool,
                                 seed_weight=ctx.seed_weight if ctx.seeds else None)
        if mutual:
            out.append(Reason.of("mutual_partners", msg("Both worked with %(partners)s",
                                                        partners=names([actor_name(proj, z) for z in mutual])),
                                 shares.get("network", 0.0), {"partners": [proj.actor_ids[z] for z in mutual]}))
    similar = similar_projects(proj, ctx.qvec, j, ctx.visible_project)
    if similar:
        out.append(Reason.of("similar_topics", msg("Similar topics, e.g. in %(projects)s",
                                                   projects=names([project_name(proj, p) for p in similar])),
                             shares.get("text", 0.0), {"projects": [proj.project_ids[p] for p in similar]}))
    if not out and ctx.qvec is not None and shares.get("text", 0.0) >= max(shares.values(), default=0.0) > 0:
        # Chosen for its words alone: say that, and nothing more.
        out.append(Reason.of("similar_topics", msg("Its profile and projects use the words of your idea"),
                             shares["text"]))
    out += _separating_facts(ctx, j, shares)
    boosts = boosts or {}
    if liked:
        out.append(Reason.of("feedback", msg("Similar to suggestions you found useful"), shares.get("feedback", 0.0)))
    if boosts.get("sme"):
        out.append(Reason.of("sme_boost", msg("SME: given a visible boost"), shares.get("sme_boost", 0.0)))
    if boosts.get("newcomer"):
        out.append(Reason.of("newcomer_boost", msg("New to the network: given a visible boost"),
                             shares.get("newcomer_boost", 0.0)))
    if demoted:
        out.append(Reason.of("feedback", msg("You marked this as not relevant")))
    out.sort(key=lambda r: _PLACE.get(r.kind, len(ORDER)))
    return out[:MAX_REASONS]


def _separating_facts(ctx: Context, j: int, shares: dict) -> list[Reason]:
    """Region, kind and experience: only where most of the pool differs."""
    proj, pool, out = ctx.proj, ctx.pool, []
    code = str(proj.region[j])[:4]
    name = region_words(code)
    if name and ctx.subject_region and ctx.subject_region[:4] == code and pool.rare(pool.regions, code, REGION_SHARE):
        out.append(Reason.of("region", msg("Also in %(region)s", region=name), shares.get("region", 0.0),
                             {"region": code}))
    kind = str(proj.kind[j])
    wanted = (ctx.mode == "similar" and kind == ctx.subject_kind) or \
        (ctx.mode != "similar" and shares.get("kind_fit", 0.0) > 0.05)
    if wanted and pool.rare(pool.kinds, kind):
        text = msg("Same kind: %(kind)s", kind=kind_name(kind)) if ctx.mode == "similar" else \
            msg("Adds to the team: %(kind)s", kind=kind_name(proj.actor_class[j]))
        out.append(Reason.of("kind_fit", text, shares.get("kind_fit", 0.0), {"kind": kind}))
    n = int(proj.n_projects[j])
    if ctx.mode != "similar" and n >= pool.experience_cut:
        out.append(Reason.of("experience", nmsg("Experienced: %(n)d project", "Experienced: %(n)d projects", n),
                             shares.get("experience", 0.0), {"projects_count": n}))
    return out


def pair_context(proj: Projection, subject: int, viewer: Viewer, skills: Skills | None = None) -> Context:
    """The context that explains any candidate to `subject` (an organisation or a person)."""
    skills = skills or Skills.of(proj)
    seeds = [subject] + list(proj.employer.get(subject, []))
    declared, inferred = C.supply_of(skills, subject)
    return Context(proj, skills, Pool.of(proj, proj.actor_label == proj.actor_label[subject]), viewer, seeds,
                   row(skills.needs, subject), declared, never_evidence(proj, viewer, subject), mode="pair",
                   inferred_supply=inferred, subject_region=str(proj.region[subject]) or None,
                   subject_kind=str(proj.kind[subject]))


def explain_pair(proj: Projection, subject: int, candidate: int, viewer: Viewer) -> list[Reason]:
    """Why `candidate` fits `subject`, read from the subject's side (shown to the subject's members).

    Used where a pair exists before any list: the request form, the request a recipient
    reads, a bridging introduction. Both indexes must be visible to the viewer.
    """
    ctx = pair_context(proj, subject, viewer)
    ctx.excluded.update(never_evidence(proj, viewer, candidate))
    ctx.excluded.discard(candidate)
    return reasons_for(ctx, candidate)
