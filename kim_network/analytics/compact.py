"""Array-backed structures for what web workers serve: adjacency, lookups, key lists.

Python dicts, sets and strings are private to each worker; numpy arrays are mapped
read-only from the shared files (`kim_network.services.artifacts`), one copy for all
workers. Relations are kept as CSR index arrays; strings and coded values are
`kim_network.core.columns`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Sequence

import numpy as np


@dataclass
class Csr:
    """Rows of integer neighbours (e.g. node -> nodes), as CSR index arrays.

    >>> g = Csr.of(3, [(0, 2), (0, 1), (2, 1), (0, 2)])
    >>> g.row(0).tolist(), g.row(1).tolist(), g.rows_with_any(np.array([False, True, False])).tolist()
    ([1, 2], [], [True, False, True])
    """

    indptr: np.ndarray
    indices: np.ndarray

    @classmethod
    def of(cls, n: int, pairs: Iterable[tuple[int, int]]) -> "Csr":
        """Row `a` holds each `b` of the pairs `(a, b)` once, in ascending order."""
        pairs = np.asarray(list(pairs), dtype=np.int64).reshape(-1, 2)
        return cls.of_arrays(n, pairs[:, 0], pairs[:, 1])

    @classmethod
    def of_arrays(cls, n: int, rows: np.ndarray, cols: np.ndarray) -> "Csr":
        """`of` for the pairs `zip(rows, cols)` given as two integer arrays."""
        codes = np.unique(np.asarray(rows, dtype=np.int64) * max(n, 1) + np.asarray(cols, dtype=np.int64))
        rows, cols = np.divmod(codes, max(n, 1))
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        return cls(indptr, cols.astype(np.int32))

    def row(self, i: int) -> np.ndarray:
        return self.indices[self.indptr[i]:self.indptr[i + 1]]

    def rows_with_any(self, hit: np.ndarray) -> np.ndarray:
        """Rows with at least one neighbour `j` where `hit[j]`."""
        n = len(self.indptr) - 1
        found = hit[self.indices] if len(self.indices) else np.zeros(0, dtype=bool)
        rows = np.repeat(np.arange(n), np.diff(self.indptr))
        out = np.zeros(n, dtype=bool)
        out[rows[found]] = True
        return out

    def neighbours_of(self, rows: np.ndarray) -> np.ndarray:
        """Every neighbour of the rows where `rows` is true, as a mask."""
        n = len(self.indptr) - 1
        counts = np.diff(self.indptr)
        owner = np.repeat(rows, counts)
        out = np.zeros(n, dtype=bool)
        out[self.indices[owner]] = True
        return out


def lower_bound(n: int, get: Callable[[int], Any], target: Any) -> int:
    """The first position in 0..n whose `get(position)` is not below `target` (sorted data)."""
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi) // 2
        if get(mid) < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def sorted_positions(values: Sequence) -> np.ndarray:
    """Indices that sort `values` (stable: equal values keep their order), as int32."""
    return np.asarray(sorted(range(len(values)), key=values.__getitem__), dtype=np.int32)


class KeyList(Sequence):
    """Node keys by row index, decoded only when read (a report's long lists of members)."""

    def __init__(self, rows: np.ndarray, key: Callable[[int], str]) -> None:
        self.rows = rows
        self._key = key

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._key(r) for r in self.rows[i].tolist()]
        return self._key(int(self.rows[i]))

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self) -> str:
        return f"KeyList({len(self)} keys)"
