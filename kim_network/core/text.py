"""Text helpers every layer shares."""
from __future__ import annotations

import unicodedata


def strip_accents(text: str) -> str:
    """Remove combining accents (NFKD), keeping the base letters and their case.

    >>> strip_accents("Übersetzung für Künstliche Intelligenz, Łódź")
    'Ubersetzung fur Kunstliche Intelligenz, Łodz'
    """
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
