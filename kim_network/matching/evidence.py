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
from typing import Callable, Iterable, Sequence

import numpy as np

from kim_network.core.messages import Localized, kind_name, msg, names, nmsg
from kim_network.core.model import Label
from kim_network.core.regions import region_name as nuts_name
from kim_network.core.visibility import Viewer
from kim_network.matching import candidates as C
from kim_network.matching.projection import Projection
from kim_network.matching.supply import Skills, col, derived, row
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


def skill_names(proj: Projection, skills: Iterable[int], limit: int = 3):
    known = derived(proj, "skill_labels", lambda _proj: {})
    labels = []
    for s in skills:
        label = known.get(s)
        if label is None:
            label = known[s] = Localized(de=proj.skill_name(s, "de"), en=proj.skill_name(s, "en"))
        labels.append(label)
    return names(labels, limit)


def actor_name(proj: Projection, i: int) -> str:
    """`proj.name(i)`, remembered per projection (readable case is worked out once per actor)."""
    known = derived(proj, "names", lambda _proj: {})
    name = known.get(i)
    if name is None:
        name = known[i] = proj.name(i)
    return name


def project_name(proj: Projection, p: int) -> str:
    """`proj.project_name(p)`, remembered per projection."""
    known = derived(proj, "project_names", lambda _proj: {})
    name = known.get(p)
    if name is None:
        name = known[p] = proj.project_name(p)
    return name


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


# -- the facts ---------------------------------------------------------------------------------------
@dataclass
class Facts:
    """What one candidate brings for one subject, as skill and actor indexes."""

    offers: list[int] = field(default_factory=list)       # candidate's declared offers covering the needs
    listed: list[int] = field(default_factory=list)       # listed (not offered) skills covering the needs
    from_projects: list[int] = field(default_factory=list)  # project skills covering the needs
    reciprocal: list[int] = field(default_factory=list)   # subject's declared offers the candidate needs
    reciprocal_inferred: list[int] = field(default_factory=list)  # the subject's inferred competence it needs
    shared_offers: list[int] = field(default_factory=list)
    shared_needs: list[int] = field(default_factory=list)

    @property
    def complementary(self) -> bool:
        return bool(self.offers or self.listed or self.from_projects or self.reciprocal or self.reciprocal_inferred)


def _column(sk: Skills, cols, n: int) -> set[int]:
    """`col(cols, n)` for one of `sk`'s column matrices, remembered on `sk` (a set per skill and matrix)."""
    known = sk.__dict__.setdefault("_columns", {})
    out = known.get((id(cols), n))
    if out is None:
        out = known[(id(cols), n)] = col(cols, n)
    return out


def _cover_named(sk: Skills, own: Iterable[int], needs: set[int]) -> list[int]:
    """Which of the candidate's own skills to name for the needs: the same or a narrower skill;
    the skill right above a need only where nothing closer covers it."""
    own = list(own)
    if not own or not needs:
        return []
    mine = set(own)
    if sorted(own) == own:  # rows of the skill matrices come in index order: that is the order
        key = None
    else:  # the order to name them in: the first place in `own` (later places are overwritten)
        key = dict(zip(reversed(own), range(len(own) - 1, -1, -1))).__getitem__
    named: list[int] = []
    for n in sorted(needs):
        close = sorted(mine & _column(sk, sk.narrower_cols, n), key=key)
        for o in close or sorted(mine & _column(sk, sk.cover_cols, n), key=key):
            if o not in named:
                named.append(o)
    return named


def near_needs(sk: Skills, needs: Iterable[int]) -> np.ndarray:
    """Skills that are, are narrower than, or cover one of `needs`, as a boolean vector: the
    only skills `_cover_named` can name for them (or for any of their subsets)."""
    out = np.zeros(sk.cover.shape[0], dtype=bool)
    for cols in (sk.narrower_cols, sk.cover_cols):
        for n in needs:
            out[cols.indices[cols.indptr[n]:cols.indptr[n + 1]]] = True
    return out


def _near_row(m, j: int, near: np.ndarray) -> list[int]:
    """`[s for s in row(m, j) if near[s]]`, filtered in numpy."""
    indices = m.indices[m.indptr[j]:m.indptr[j + 1]]
    return indices[near.take(indices)].tolist()


def facts(proj: Projection, sk: Skills, needs: Sequence[int], offers: Sequence[int], j: int,
          inferred_supply: Sequence[int] = (), *, near: np.ndarray | None = None) -> Facts:
    """The skill facts of candidate `j` for a subject that needs `needs`, offers `offers`
    (declared) and has shown `inferred_supply` (listed skills, projects).

    `near` is `near_needs(sk, needs)` when the caller has it already. Only skills near a need
    can be named for it, so the candidate's skills are narrowed down to those first (the
    same facts, without going through hundreds of project skills one by one).
    """
    need_set = set(int(s) for s in needs)
    own_needs = set(row(sk.needs, j))
    declared = row(sk.declared, j)
    declared_set = set(declared)
    f = Facts()
    if need_set:
        if near is None:
            near = near_needs(sk, need_set)
        f.offers = _cover_named(sk, [s for s in declared if near[s]], need_set)
        named = set(f.offers)
        covered = {n for o in f.offers for n in row(sk.cover, o) if n in need_set}
        rest = need_set - covered
        # A skill in the family of one the candidate needs itself is no competence of its own.
        def own_need(s: int) -> bool:
            return bool(own_needs) and bool(own_needs.intersection(row(sk.cover, s)))
        listed = [s for s in _near_row(sk.listed, j, near) if s not in declared_set and not (own_needs and own_need(s))]
        f.listed = [s for s in _cover_named(sk, listed, rest) if s not in named]
        covered |= {n for o in f.listed for n in row(sk.cover, o) if n in need_set}
        projects = _near_row(sk.from_projects, j, near)
        if named or own_needs:
            projects = [s for s in projects if s not in named and not (own_needs and own_need(s))]
        f.from_projects = [s for s in _cover_named(sk, projects, need_set - covered) if s not in f.listed]
    if offers and own_needs:
        f.reciprocal = [o for o in offers if own_needs.intersection(row(sk.cover, o))]
    if inferred_supply and own_needs:
        met = {n for o in f.reciprocal for n in row(sk.cover, o)}
        f.reciprocal_inferred = [o for o in inferred_supply if o not in f.reciprocal
                                 and (own_needs - met).intersection(row(sk.cover, o))][:5]
    f.shared_offers = sorted(set(declared) & set(offers))
    f.shared_needs = sorted(own_needs & need_set)
    return f


def seed_ties(proj: Projection, seeds: Sequence[int]) -> np.ndarray:
    """Every actor's summed tie strength to the seeds (what `mutual_partners` weighs partners by)."""
    out = np.zeros(proj.n_actors, dtype=proj.collab.dtype)  # as collab[seeds].sum(axis=0), row by row
    collab = proj.collab
    for s in seeds:
        start, end = collab.indptr[s], collab.indptr[s + 1]
        out[collab.indices[start:end]] += collab.data[start:end]
    return out


def strongest_first(values: np.ndarray, head: int = 8):
    """The indexes of the positive `values`, largest first and ties in index order: the order of
    `np.argsort(-values, kind="stable")` up to the first value that is not positive.

    The `head` largest (and every value equal to the smallest of them) are sorted first; the
    rest only if the caller reads past them (most stop after a few).

    >>> list(strongest_first(np.array([0.5, 2.0, 0.0, 2.0, 1.0, -1.0, 0.5]), head=2))
    [1, 3, 4, 0, 6]
    """
    positive = (values > 0).nonzero()[0]
    if len(positive) > head:
        top = values.take(positive)
        cut = np.partition(top, len(top) - head)[len(top) - head]  # the head-th largest
        first = positive[top >= cut]
        yield from first.take(np.argsort(-values.take(first), kind="stable")).tolist()
        positive = positive[top < cut]
    yield from positive.take(np.argsort(-values.take(positive), kind="stable")).tolist()


def mutual_partners(proj: Projection, seeds: Sequence[int], j: int, excluded: set[int], visible: Callable[[int], bool],
                    pool: Pool, limit: int = 2, *, seed_weight: np.ndarray | None = None) -> list[int]:
    """Partners of both a seed and the candidate that say something: no hub, nobody excluded.

    `seed_weight` is `seed_ties(proj, seeds)` when the caller has it already.
    """
    if not len(seeds):
        return []
    if seed_weight is None:
        seed_weight = seed_ties(proj, seeds)
    collab = proj.collab
    start, end = collab.indptr[j], collab.indptr[j + 1]
    indices = collab.indices[start:end]
    strength = collab.data[start:end] * seed_weight.take(indices)
    # The candidate's own people and employers are no "partner" of it.
    own = set(proj.staff.get(j, [])) | set(proj.employer.get(j, []))
    for employer in proj.employer.get(j, []):
        own.update(proj.staff.get(employer, []))
    out: list[int] = []
    for k in strongest_first(strength):
        z = int(indices[k])
        if z in excluded or z in own or z == j or pool.hub(proj, z) or not visible(z):
            continue
        out.append(z)
        if len(out) >= limit:
            break
    # Organisations before people: "both worked with X GmbH" is what people act on.
    return sorted(out, key=lambda z: proj.actor_label[z] != Label.ORGANIZATION.value)


def seed_projects(proj: Projection, seeds: Sequence[int]) -> set[int]:
    """The projects of any of the seeds."""
    return set().union(*[set(row(proj.incidence, s)) for s in seeds])


def seed_project_mask(proj: Projection, seeds: Sequence[int]) -> np.ndarray:
    """`seed_projects` as a boolean vector over projects."""
    out = np.zeros(proj.incidence.shape[1], dtype=bool)
    inc = proj.incidence
    for s in seeds:
        out[inc.indices[inc.indptr[s]:inc.indptr[s + 1]]] = True
    return out


def _date_ranks(proj: Projection) -> np.ndarray | None:
    """Each project's place among the distinct project dates, in their sort order (None when
    the dates do not sort)."""
    dates = list(proj.project_date)
    try:
        place = {d: k for k, d in enumerate(sorted(set(dates)))}
    except TypeError:
        return None
    return np.array([place[d] for d in dates], dtype=np.int64)


def shared_projects(proj: Projection, seeds: Sequence[int], j: int, visible: Callable[[int], bool],
                    limit: int = 2, *, theirs: set[int] | Callable[[], set[int]] | None = None,
                    theirs_mask: np.ndarray | None = None) -> list[int]:
    """The candidate's most recent projects with a seed, visible only.

    `theirs` is `seed_projects` (or a function that gives it) and `theirs_mask`
    `seed_project_mask`, when the caller has them.
    """
    if not len(seeds):
        return []
    ranks = derived(proj, "date_ranks", _date_ranks) if theirs_mask is not None else None
    if ranks is not None:
        inc = proj.incidence
        mine = inc.indices[inc.indptr[j]:inc.indptr[j + 1]]
        common = mine[theirs_mask.take(mine)]
        if not len(common):
            return []
        common = common.take(np.argsort(-ranks.take(common), kind="stable"))
        common, dates = common.tolist(), ranks.take(common)
        out: list[int] = []
        read = 0  # how many of the most recent the loop below reads
        for p in common:
            if len(out) >= limit:
                break
            read += 1
            if visible(p):
                out.append(p)
        # Exactly the projects of the loop over the sorted set below unless two of those read
        # share a date (or one shares it with the next): then the set's order decides.
        if not (dates[1:read + 1] == dates[:read][:len(dates) - 1]).any():
            return out
    mine = set(row(proj.incidence, j))
    if theirs is None:
        theirs = seed_projects(proj, seeds)
    elif callable(theirs):
        theirs = theirs()
    common = sorted(mine & theirs, key=lambda p: proj.project_date[p], reverse=True)
    out: list[int] = []
    for p in common:
        if len(out) >= limit:
            break
        if visible(p):
            out.append(p)
    return out


def similar_projects(proj: Projection, qvec, j: int, visible: Callable[[int], bool], limit: int = 2) -> list[int]:
    """The candidate's past projects closest to a query text (cosine above 0.2), visible only."""
    if qvec is None or proj.project_vecs.shape[1] != len(qvec):
        return []
    inc = proj.incidence
    mine = inc.indices[inc.indptr[j]:inc.indptr[j + 1]]
    if not len(mine):
        return []
    sims = proj.project_vecs.take(mine, axis=0) @ qvec  # the rows of project_vecs[mine]
    out: list[int] = []
    for k in np.argsort(-sims):
        if sims[k] <= 0.2 or len(out) >= limit:
            break
        if visible(int(mine[k])):
            out.append(int(mine[k]))
    return out


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
