"""Node properties kept column by column in numpy arrays, read row by row like a list of dicts.

The projection keeps a few properties of every organisation, person and project (names,
visibility, kind, topic) for the matchers, reasons and recommendations that show them. A
Python dict per node costs hundreds of bytes of private heap in every worker; a `NodeTable`
holds each property as numpy arrays instead, which the shared projection files map once
for all workers:

- a property with few distinct values (kind, visibility, flags, topics) as integer codes
  into a short list of its values (`core.columns.Codes`);
- any other text (names, dates) as one UTF-8 buffer with the offsets of each row's value
  (`core.columns.Strings`).

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

from kim_network.core.columns import Codes, Strings

MAX_CODES = 4096  # more distinct values than this, and a text property is kept as a buffer


class _Plain:
    """Anything else (values that are neither few nor text): a plain list."""

    def __init__(self, values: list) -> None:
        self.items = values

    def __getitem__(self, i: int):
        return self.items[i]

    def tolist(self) -> list:
        return list(self.items)


def _column(values: list):
    try:
        distinct = set(values)
    except TypeError:  # unhashable values
        return _Plain(values)
    distinct.discard(None)
    if len(distinct) <= MAX_CODES:
        return Codes.of(values)
    if all(isinstance(v, str) for v in distinct):
        return Strings.of(values)
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
            value = column[i]
            if value is not None:
                out[key] = value
        return out

    def value(self, i: int, key: str) -> Any:
        """`self[i].get(key)` without building the whole row."""
        i = int(i)
        if i < 0:
            i += self._n
        if not 0 <= i < self._n:
            raise IndexError(i)
        column = self._columns.get(key)
        return column[i] if column is not None else None

    def __iter__(self) -> Iterator[dict]:
        return (self[i] for i in range(self._n))

    def column(self, key: str) -> list:
        """Every row's value of `key` (None where a row has none, or the table does not keep it)."""
        column = self._columns.get(key)
        return column.tolist() if column is not None else [None] * self._n
