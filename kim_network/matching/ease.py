"""EASE (Steck, WWW 2019): the closed-form item-item set-completion model over the consortium
matrix, precomputed with the projection for the most active organisations."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from kim_network.matching.signals import ease_weights

# Precomputed set-completion and walk models over the consortium matrix (core roles), built
# with the projection. EASE is a dense items × items float32 matrix, so its items are the
# organisations with at least EASE_MIN_PROJECTS projects, at most EASE_MAX_ITEMS of the most
# active (6,000 items: 144 MB, about 2 s on one core).
EASE_LAMBDA = 100.0
EASE_MIN_PROJECTS = 2
EASE_MAX_ITEMS = 6000


@dataclass
class EaseModel:
    """EASE weights over a subset of actors (`items`); `position[a]` is a's row, or -1."""

    items: np.ndarray
    position: np.ndarray
    weights: np.ndarray  # len(items) × len(items), float32, zero diagonal
    lam: float

    def scores(self, seeds) -> np.ndarray:
        """Sum of the seeds' rows over all actors (0 for actors that are not items)."""
        out = np.zeros(len(self.position), dtype=np.float32)
        pos = self.position[np.asarray(list(seeds), dtype=np.int64)] if len(seeds) else np.zeros(0, dtype=np.int64)
        pos = pos[pos >= 0]
        if len(pos):
            out[self.items] = self.weights[pos].sum(axis=0) if len(pos) > 1 else self.weights[pos[0]]
        return out

    def rows(self, seeds, columns) -> np.ndarray:
        """Weights from each seed (rows) to each column actor (0 where either is not an item)."""
        seeds = np.asarray(list(seeds), dtype=np.int64)
        columns = np.asarray(columns, dtype=np.int64)
        out = np.zeros((len(seeds), len(columns)), dtype=np.float32)
        sp, cp = self.position[seeds], self.position[columns]
        rs, cs = np.flatnonzero(sp >= 0), np.flatnonzero(cp >= 0)
        if len(rs) and len(cs):
            out[np.ix_(rs, cs)] = self.weights[np.ix_(sp[rs], cp[cs])]
        return out


def build_ease(consortium: sparse.csr_matrix, lam: float = EASE_LAMBDA, min_projects: int = EASE_MIN_PROJECTS,
               max_items: int = EASE_MAX_ITEMS) -> EaseModel:
    """EASE on the project × actor matrix, items restricted to the most active actors."""
    counts = np.asarray(consortium.sum(axis=1)).ravel()
    items = np.flatnonzero(counts >= min_projects)
    if len(items) > max_items:
        items = np.sort(items[np.argsort(-counts[items], kind="stable")[:max_items]])
    position = np.full(consortium.shape[0], -1, dtype=np.int64)
    position[items] = np.arange(len(items))
    weights = ease_weights(consortium[items].T.tocsr(), lam) if len(items) else np.zeros((0, 0), dtype=np.float32)
    return EaseModel(items, position, weights, lam)
