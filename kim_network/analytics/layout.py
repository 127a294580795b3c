"""Server-side positions for the map: communities placed first, then each laid out inside its disc.

A force layout of the whole graph in the browser does not stay smooth beyond a few
thousand nodes, and a global one on the server is slow and a hairball. Laying out each
community on its own (igraph's Fruchterman-Reingold in C) and packing the discs keeps
communities readable and the whole thing a few seconds on the CORDIS graph.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Hashable, Iterable, Mapping

import igraph as ig
import numpy as np

POOL = -1  # communities too small to place on their own share one disc
SMALL = 2


def _unit_disc(coords: np.ndarray) -> np.ndarray:
    coords = coords - coords.mean(axis=0)
    radius = np.sqrt((coords ** 2).sum(axis=1)).max()
    return coords / radius if radius > 0 else coords


def _even_disc(coords: np.ndarray) -> np.ndarray:
    """Fill the unit disc evenly, keeping each node's angle and radial order.

    Force layouts leave a dense core and a few far outliers; scaling by the outliers
    squeezes the core into a blot. Replacing the radius by sqrt(rank / n) spreads the
    nodes at even density while neighbours stay neighbours.
    """
    coords = coords - np.median(coords, axis=0)
    radius = np.sqrt((coords ** 2).sum(axis=1))
    angle = np.arctan2(coords[:, 1], coords[:, 0])
    rank = np.empty(len(radius))
    rank[np.argsort(radius, kind="stable")] = np.arange(len(radius))
    r = np.sqrt((rank + 0.5) / len(radius))
    return np.column_stack([r * np.cos(angle), r * np.sin(angle)])


def _inner_layout(n: int, pairs: list[tuple[int, int]], weights: list[float], rng: np.random.Generator) -> np.ndarray:
    if n == 1:
        return np.zeros((1, 2))
    if not pairs:  # a pool of loose nodes: a sunflower spiral fills the disc evenly
        k = np.arange(n) + 0.5
        r = np.sqrt(k / n)
        theta = k * np.pi * (3 - np.sqrt(5))
        return np.column_stack([r * np.cos(theta), r * np.sin(theta)])
    g = ig.Graph(n=n, edges=pairs)
    start = (rng.uniform(-1, 1, size=(n, 2)) * np.sqrt(n)).tolist()  # igraph's grid assumes this spread
    # The grid variant is linear per iteration; without it repulsion is quadratic.
    niter = 300 if n < 2000 else 150
    coords = np.asarray(
        g.layout_fruchterman_reingold(seed=start, niter=niter, weights=weights, grid="grid" if n >= 200 else "nogrid").coords
    )
    return _even_disc(coords)


def _pack(centres: np.ndarray, radii: np.ndarray, rounds: int = 80) -> np.ndarray:
    """Push overlapping discs apart, keeping their arrangement."""
    pos = centres.copy()
    if len(pos) < 2:
        return pos
    for _ in range(rounds):
        diff = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((diff ** 2).sum(-1)) + 1e-9
        need = (radii[:, None] + radii[None, :]) * 1.08 - dist
        np.fill_diagonal(need, 0.0)
        need = np.clip(need, 0.0, None)
        if not need.any():
            break
        push = (diff / dist[..., None]) * (need[..., None] / 2.0)
        pos += push.sum(axis=1)
    return pos


def community_layout(
    nodes: Iterable[Hashable],
    edges: Iterable[tuple[Hashable, Hashable, float]],
    community: Mapping[Hashable, int],
    seed: int = 42,
) -> dict[Hashable, tuple[float, float]]:
    """Positions for every node: communities as packed discs, each laid out by force inside.

    Disc radius grows with the square root of the community size, so density is even;
    communities that share many edges are placed near each other. Deterministic for a seed.

    Examples
    --------
    >>> pos = community_layout("abcxyz", [("a", "b", 1), ("b", "c", 1), ("x", "y", 1), ("y", "z", 1), ("c", "x", 1)],
    ...                        {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 1})
    >>> sorted(pos) == list("abcxyz"), all(-1.0 <= v <= 1.0 for xy in pos.values() for v in xy)
    (True, True)
    """
    nodes = list(nodes)
    rng = np.random.default_rng(seed)
    sizes: dict[int, int] = defaultdict(int)
    for n in nodes:
        sizes[community.get(n, POOL)] += 1
    group_of = {}
    for n in nodes:
        c = community.get(n, POOL)
        group_of[n] = c if sizes[c] > SMALL and c != POOL else POOL
    groups: dict[int, list] = defaultdict(list)
    for n in nodes:
        groups[group_of[n]].append(n)
    if not nodes:
        return {}

    local = {n: i for g in groups.values() for i, n in enumerate(g)}
    inner: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
    between: dict[tuple[int, int], float] = defaultdict(float)
    for u, v, w in edges:
        if u not in group_of or v not in group_of:
            continue
        gu, gv = group_of[u], group_of[v]
        if gu == gv:
            if gu != POOL:
                inner[gu][0].append((local[u], local[v]))
                inner[gu][1].append(float(w))
        else:
            between[(min(gu, gv), max(gu, gv))] += float(w)

    order = sorted(groups, key=lambda g: (-len(groups[g]), g))
    gindex = {g: i for i, g in enumerate(order)}
    radii = np.sqrt(np.array([len(groups[g]) for g in order], dtype=float))
    if len(order) > 1:
        cg = ig.Graph(n=len(order), edges=[(gindex[a], gindex[b]) for a, b in between])
        weights = [np.log1p(w) for w in between.values()] or None
        start = (rng.uniform(-1, 1, size=(len(order), 2)) * radii.sum() ** 0.5).tolist()
        centres = np.asarray(cg.layout_fruchterman_reingold(
            seed=start, niter=300, weights=weights, grid="grid" if len(order) >= 200 else "nogrid").coords)
        centres = _unit_disc(centres) * radii.sum() ** 0.75
    else:
        centres = np.zeros((1, 2))
    centres = _pack(centres, radii)

    pos: dict = {}
    for g in order:
        members = groups[g]
        pairs, weights = inner[g] if g in inner else ([], [])
        coords = _inner_layout(len(members), pairs, weights, rng) * radii[gindex[g]] + centres[gindex[g]]
        for n, xy in zip(members, coords):
            pos[n] = xy
    allxy = np.array(list(pos.values()))
    lo, hi = allxy.min(axis=0), allxy.max(axis=0)
    span = float((hi - lo).max()) or 1.0
    mid = (hi + lo) / 2
    return {n: (round(float((xy[0] - mid[0]) / span * 2), 5), round(float((xy[1] - mid[1]) / span * 2), 5))
            for n, xy in pos.items()}
