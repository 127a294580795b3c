"""Text helpers every layer shares."""
from __future__ import annotations

import re
import unicodedata

_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def strip_accents(text: str) -> str:
    """Remove combining accents (NFKD), keeping the base letters and their case.

    >>> strip_accents("Übersetzung für Künstliche Intelligenz, Łódź")
    'Ubersetzung fur Kunstliche Intelligenz, Łodz'
    """
    if text.isascii():
        return text
    # Only the non-ASCII runs can hold combining marks: 3x faster on long abstracts, which the
    # projection build folds by the ten thousand.
    return _NON_ASCII.sub(_drop_combining, unicodedata.normalize("NFKD", text))


def _drop_combining(match: re.Match) -> str:
    return "".join(c for c in match.group() if not unicodedata.combining(c))
