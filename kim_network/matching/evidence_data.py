"""What the data says about one candidate for one subject: the facts behind every reason
(`kim_network.matching.evidence` turns them into reasons).

- `facts`: the candidate's skills that cover the subject's needs (offered, listed, from its
  projects) and the subject's offers it needs;
- `mutual_partners`: partners of both a seed and the candidate, strongest ties first;
- `shared_projects` / `similar_projects`: the candidate's most recent projects with a seed,
  and its projects closest to the query text.

Each one is computed once per shown result, so the per-list parts (`near_needs`,
`seed_ties`, `seed_project_mask`) are worked out by the caller once per list. Pure
functions over a `Projection`; no Flask, no store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol, Sequence

import numpy as np

from kim_network.core.model import Label
from kim_network.matching.projection import Projection
from kim_network.matching.supply import Skills, col, derived, row


class Hubs(Protocol):
    """What `mutual_partners` asks of the pool (`kim_network.matching.evidence.Pool`)."""

    def hub(self, proj: Projection, z: int) -> bool:
        """Tied to most of the pool: naming it tells nobody apart."""


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
                    pool: Hubs, limit: int = 2, *, seed_weight: np.ndarray | None = None) -> list[int]:
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
