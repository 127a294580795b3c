"""Input checks shared by every matching call: result counts, texts, id lists, feedback rows.

Bad input raises `MatchingError` with a message for the user and nothing is computed.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

import numpy as np

from kim_network.matching.projection import Projection
from kim_network.matching.types import FEEDBACK_VALUES, MatchingError

MAX_K = 100
MAX_TEXT = 20_000


def check_k(k: Any) -> int:
    """Validate the number of results.

    >>> check_k(5)
    5
    >>> check_k(0)
    Traceback (most recent call last):
    ...
    kim_network.matching.types.MatchingError: k must be a whole number between 1 and 100
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= int(k) <= MAX_K:
        raise MatchingError(f"k must be a whole number between 1 and {MAX_K}")
    return int(k)


def check_text(text: Any) -> str:
    """A project idea or description: text of at most MAX_TEXT characters (None is empty)."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        raise MatchingError("the project idea must be text")
    if len(text) > MAX_TEXT:
        raise MatchingError(f"the text is longer than {MAX_TEXT} characters")
    return text.strip()


def ids(values: Any, what: str) -> list[str]:
    """A list of ids (or a comma/space separated text of them), duplicates dropped.

    >>> ids("org-1, org-2 org-1", "partners")
    ['org-1', 'org-2']
    """
    if values is None:
        return []
    if isinstance(values, str):
        values = [v for v in re.split(r"[,\s]+", values) if v]
    if not isinstance(values, (list, tuple, set)) or not all(isinstance(v, str) for v in values):
        raise MatchingError(f"{what} must be a list of ids")
    return list(dict.fromkeys(v.strip() for v in values if v.strip()))


def feedback(proj: Projection, rows: Iterable[Mapping] | None) -> tuple[set[int], set[int], set[int]]:
    """The asking account's feedback as actor indexes: (hidden, not relevant, useful).

    Feedback on a node that is gone is ignored; a malformed row raises MatchingError.
    """
    hide, demote, useful = set(), set(), set()
    for item in rows or ():
        if not isinstance(item, Mapping):
            raise MatchingError("feedback must be a list of {target, value} objects")
        value, target = item.get("value"), item.get("target")
        if value not in FEEDBACK_VALUES:
            raise MatchingError(f"feedback value must be one of {', '.join(FEEDBACK_VALUES)}")
        idx = proj.actor_index.get(target) if isinstance(target, str) else None
        if idx is None:
            continue
        {"hide": hide, "not_relevant": demote, "useful": useful}[value].add(idx)
    return hide, demote, useful
