"""Node properties kept column by column in numpy arrays, read row by row like a list of dicts.

The projection keeps a few properties of every organisation, person and project (names,
visibility, kind, topic) for the matchers, reasons and recommendations that show them. A
Python dict per node costs hundreds of bytes of private heap in every worker; a `NodeTable`
holds each property as numpy arrays instead, which the shared projection files map once
for all workers:

- a property with few distinct values (kind, visibility, flags, topics) as integer codes
  into a short list of its values;
- any other text (names, dates) as one UTF-8 buffer with the offsets of each row's value.

`table[i]` gives row `i` as the dict it was built from (the keys it has, in the order
given), and `table.column(key)` every row's value of one property at once.

>>> table = NodeTable([{"id": "a", "name": "Alpenklang", "sme": True}, {"id": "b", "kind": "university"}],
...                   ("name", "kind", "sme"))
>>> table[0], table[1]
({'id': 'a', 'name': 'Alpenklang', 'sme': True}, {'id': 'b', 'kind': 'university'})
>>> len(table), table.column("kind")
(2, [None, 'university'])
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np

MAX_CODES = 4096  # more distinct values than this, and a text property is kept as a buffer


class _Codes:
    """Values as codes into a list of the distinct values (-1: no value)."""

    def __init__(self, values: list) -> None:
        vocab: dict = {}  # keyed with the type too: 1 and True stay apart
        codes = [-1 if v is None else vocab.setdefault((type(v), v), len(vocab)) for v in values]
        self.vocab = [v for _, v in vocab]
        self.codes = np.array(codes, dtype=np.int16 if len(vocab) < 2 ** 15 else np.int32)

    def value(self, i: int):
        code = int(self.codes[i])
        return None if code < 0 else self.vocab[code]

    def values(self) -> list:
        vocab = self.vocab
        return [None if c < 0 else vocab[c] for c in self.codes.tolist()]


class _Texts:
    """Text values in one UTF-8 buffer; `offsets[i]:offsets[i + 1]` is row i's (absent: `present`)."""

    def __init__(self, values: list) -> None:
        encoded = [b"" if v is None else v.encode("utf-8") for v in values]
        self.offsets = np.zeros(len(values) + 1, dtype=np.int64)
        np.cumsum([len(e) for e in encoded], out=self.offsets[1:])
        self.data = np.frombuffer(b"".join(encoded), dtype=np.uint8).copy()
        self.present = np.array([v is not None for v in values], dtype=bool)

    def value(self, i: int):
        if not self.present[i]:
            return None
        return self.data[self.offsets[i]:self.offsets[i + 1]].tobytes().decode("utf-8")

    def values(self) -> list:
        return [self.value(i) for i in range(len(self.present))]


class _Plain:
    """Anything else (values that are neither few nor text): a plain list."""

    def __init__(self, values: list) -> None:
        self.items = values

    def value(self, i: int):
        return self.items[i]

    def values(self) -> list:
        return list(self.items)


def _column(values: list):
    try:
        distinct = set(values)
    except TypeError:  # unhashable values
        return _Plain(values)
    distinct.discard(None)
    if len(distinct) <= MAX_CODES:
        return _Codes(values)
    if all(isinstance(v, str) for v in distinct):
        return _Texts(values)
    return _Plain(values)


class NodeTable(Sequence):
    """Rows of `id` and the properties `keys` of nodes; read-only once built."""

    def __init__(self, rows: Iterable[Mapping[str, Any]], keys: Sequence[str]) -> None:
        rows = list(rows)
        self.keys = ("id", *(k for k in keys if k != "id"))
        self._n = len(rows)
        self._columns = {key: _column([row.get(key) for row in rows]) for key in self.keys}

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self._n))]
        i = int(i)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        out = {}
        for key, column in self._columns.items():
            value = column.value(i)
            if value is not None:
                out[key] = value
        return out

    def __iter__(self) -> Iterator[dict]:
        return (self[i] for i in range(self._n))

    def column(self, key: str) -> list:
        """Every row's value of `key` (None where a row has none, or the table does not keep it)."""
        column = self._columns.get(key)
        return column.values() if column is not None else [None] * self._n
