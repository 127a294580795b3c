"""Whole columns of values in numpy arrays: what shared files map once for every worker.

Python dicts, lists and strings are private to each worker; numpy arrays are mapped
read-only from the shared files (`kim_network.services.artifacts`), one copy for all
workers. `Strings` keeps text as one UTF-8 buffer with offsets, `Codes` keeps repeated
values (kinds, regions, dates, flags) as integer codes into the short list of distinct
values. The matching projection's node tables and the served analytics map use both.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy as np


@dataclass
class Strings:
    """Strings (or None) in one UTF-8 buffer: `blob[offsets[i]:offsets[i + 1]]` is the i-th.

    >>> s = Strings.of(["Köln", None, ""])
    >>> len(s), s[0], s[1], s[2], s.tolist()
    (3, 'Köln', None, '', ['Köln', None, ''])
    """

    blob: np.ndarray
    offsets: np.ndarray
    missing: np.ndarray | None = None

    @classmethod
    def of(cls, values: Iterable[str | None]) -> "Strings":
        values = list(values)
        encoded = [(v or "").encode("utf-8") for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(b) for b in encoded], out=offsets[1:])
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
        missing = np.array([v is None for v in values], dtype=bool)
        return cls(blob, offsets, missing if missing.any() else None)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str | None:
        if self.missing is not None and self.missing[i]:
            return None
        return self.blob[self.offsets[i]:self.offsets[i + 1]].tobytes().decode("utf-8")

    def take(self, indices: Iterable[int]) -> list[str | None]:
        return [self[i] for i in indices]

    def tolist(self) -> list[str | None]:
        return self.take(range(len(self)))


@dataclass
class Codes:
    """Repeated values (strings, booleans, None) as codes into the list of distinct values.

    >>> c = Codes.of(["DE21", None, "DE21", True, 1])
    >>> c.values, c.codes.tolist(), c[3], c[4]
    (['DE21', None, True, 1], [0, 1, 0, 2, 3], True, 1)
    """

    values: list
    codes: np.ndarray

    @classmethod
    def of(cls, values: Iterable[Any]) -> "Codes":
        seen: dict = {}
        out: list = []
        codes = []
        for v in values:
            tag = (type(v), v)  # True and 1 are equal, but not the same value to serve
            code = seen.get(tag)
            if code is None:
                code = seen[tag] = len(out)
                out.append(v)
            codes.append(code)
        return cls(out, np.asarray(codes, dtype=np.int16 if len(out) < 2 ** 15 else np.int32))

    def __getitem__(self, i: int) -> Any:
        return self.values[self.codes[i]]

    def mask(self, test: Callable[[Any], bool]) -> np.ndarray:
        """Which rows hold a value that passes `test` (evaluated once per distinct value)."""
        passing = np.array([bool(test(v)) for v in self.values], dtype=bool)
        return passing[self.codes] if len(self.codes) else np.zeros(0, dtype=bool)

    def take(self, indices: np.ndarray) -> list:
        return [self.values[c] for c in self.codes[indices].tolist()]

    def tolist(self) -> list:
        values = self.values
        return [values[c] for c in self.codes.tolist()]
