"""Who supplies which skill and who needs it: the relation behind partner eligibility and every skill reason.

- **declared** offers are the OFFERS edges; only they may be called an offer;
- **inferred** competence is a skill listed on the profile (HAS_SKILL, not offered) or one of
  the actor's past projects, never a skill in the family of one the actor needs itself;
- an offer **covers** a need when it is the same skill, a narrower one, or the skill right
  above it (an offer of "Dialekt-Spracherkennung" covers a need of "Spracherkennung").

Arrays are derived once per projection (`derived`) and read by `candidates` and `evidence`.
Pure: numpy and scipy over a `Projection`.
"""
from __future__ import annotations

import functools
import threading
import weakref
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
from scipy import sparse

from kim_network.matching.projection import Projection

_DERIVED: dict[int, dict] = {}
_LOCK = threading.Lock()


def derived(proj: Projection, key: str, build: Callable[[Projection], object]):
    """A value computed once per projection (forgotten when the projection is)."""
    ident = id(proj)
    with _LOCK:
        values = _DERIVED.get(ident)
        if values is None:
            values = _DERIVED[ident] = {}
            weakref.finalize(proj, _DERIVED.pop, ident, None)
        if key in values:
            return values[key]
    value = build(proj)
    with _LOCK:
        return values.setdefault(key, value)


def binary(m) -> sparse.csr_matrix:
    """1 where a sparse matrix is positive, nothing elsewhere."""
    m = sparse.csr_matrix(m, dtype=np.float32, copy=True)
    m.data = (m.data > 0).astype(np.float32)
    m.eliminate_zeros()
    return m


def row(m: sparse.csr_matrix, i: int) -> list[int]:
    """The column indexes of row `i` of a CSR matrix."""
    return m.indices[m.indptr[i]:m.indptr[i + 1]].tolist()


def col(m: sparse.csc_matrix, j: int) -> set[int]:
    """The row indexes of column `j` of a CSC matrix, as a set."""
    return set(m.indices[m.indptr[j]:m.indptr[j + 1]].tolist())


def cover_matrix(proj: Projection) -> sparse.csr_matrix:
    """S×S: row o covers column n when o is n, narrower than n, or n's parent."""
    anc = proj.ancestors.tocsr()
    desc = anc.copy()
    desc.data = (desc.data > 0).astype(np.float32)
    parent = anc.copy()
    parent.data = (np.abs(parent.data - 0.5) < 1e-6).astype(np.float32)
    parent.eliminate_zeros()
    return binary(desc + parent.T)


@dataclass
class Skills:
    """Binary actor×skill matrices: declared offers, listed skills, project skills, needs; and `own`.

    `own` is the inferred competence: listed (not offered) and project skills, without the
    family of anything the actor needs itself.
    """

    cover: sparse.csr_matrix
    narrower: sparse.csr_matrix  # row o, column n: o is n or narrower than n
    declared: sparse.csr_matrix
    listed: sparse.csr_matrix  # HAS_SKILL and OFFERS edges
    from_projects: sparse.csr_matrix
    needs: sparse.csr_matrix
    own: sparse.csr_matrix

    @functools.cached_property
    def narrower_cols(self) -> sparse.csc_matrix:
        """`narrower` by column: column n holds every skill that is n or narrower than n."""
        return self.narrower.tocsc()

    @functools.cached_property
    def cover_cols(self) -> sparse.csc_matrix:
        """`cover` by column: column n holds every skill that covers n."""
        return self.cover.tocsc()

    @classmethod
    def of(cls, proj: Projection) -> "Skills":
        return derived(proj, "skills", cls._build)

    @classmethod
    def _build(cls, proj: Projection) -> "Skills":
        declared = binary(proj.declared_offers if proj.declared_offers is not None else proj.offers)
        listed, needs = binary(proj.offers), binary(proj.needs)
        from_projects = binary(proj.incidence @ proj.project_skills)
        cover = cover_matrix(proj)
        own = binary(listed + from_projects - listed.multiply(declared))
        family = binary(needs @ cover.T)  # skills that cover something the actor needs
        own = binary(own - own.multiply(family))
        return cls(cover, binary(proj.ancestors), declared, listed, from_projects, needs, own)

    # -- skill sets ----------------------------------------------------------------------
    def covered_by(self, offers: Iterable[int]) -> np.ndarray:
        """Needs (skills) that at least one of `offers` covers, as a boolean vector."""
        offers = list(offers)
        if not offers:
            return np.zeros(self.cover.shape[0], dtype=bool)
        return np.asarray(self.cover[offers].sum(axis=0)).ravel() > 0

    def covering(self, needs: Iterable[int]) -> np.ndarray:
        """Skills that cover at least one of `needs`, as a boolean vector."""
        needs = list(needs)
        if not needs:
            return np.zeros(self.cover.shape[0], dtype=bool)
        return np.asarray(self.cover[:, needs].sum(axis=1)).ravel() > 0

    # -- over every actor at once --------------------------------------------------------
    def supplies_declared(self, needs: Iterable[int]) -> np.ndarray:
        """Actors whose declared offers cover at least one of `needs`."""
        return np.asarray(self.declared @ self.covering(needs).astype(np.float32)).ravel() > 0

    def supplies_inferred(self, needs: Iterable[int]) -> np.ndarray:
        """Actors whose inferred competence covers at least one of `needs`."""
        return np.asarray(self.own @ self.covering(needs).astype(np.float32)).ravel() > 0

    def needs_any(self, supplied: Iterable[int]) -> np.ndarray:
        """Actors who need something that `supplied` skills cover."""
        return np.asarray(self.needs @ self.covered_by(supplied).astype(np.float32)).ravel() > 0

    def shares_need(self, needs: Iterable[int]) -> np.ndarray:
        """Actors who look for the same as `needs` (a need in the same family): fellow seekers."""
        needs = list(needs)
        if not needs:
            return np.zeros(self.needs.shape[0], dtype=bool)
        family = self.covering(needs) | self.covered_by(needs)
        return np.asarray(self.needs @ family.astype(np.float32)).ravel() > 0
