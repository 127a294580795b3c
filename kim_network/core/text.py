"""Text helpers every layer shares."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


def strip_accents(text: str) -> str:
    """Remove combining accents (NFKD), keeping the base letters and their case.

    >>> strip_accents("Übersetzung für Künstliche Intelligenz, Łódź")
    'Ubersetzung fur Kunstliche Intelligenz, Łodz'
    """
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


# -- stemming for search (Snowball, the algorithms Lucene's and FTS5's stemmers follow) ----------
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=2)
def _stemmer(lang: str):
    import snowballstemmer

    return snowballstemmer.stemmer({"de": "german", "en": "english"}[lang])


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """One lower-case word reduced to its Snowball stem in German (`de`) or English (`en`).

    >>> stem("untertitelung", "de"), stem("subtitles", "en"), stem("medien", "de")
    ('untertitel', 'subtitl', 'medi')
    """
    return _stemmer(lang).stemWord(word)


def words(text: str) -> list[str]:
    """The lower-case words of a text (letters and digits, any script).

    >>> words("Fränkische Sprach-Technologie, 2024")
    ['fränkische', 'sprach', 'technologie', '2024']
    """
    return _WORD.findall(text.lower()) if text else []


def stemmed(text: str, lang: str) -> str:
    """A text as its words' stems, space-separated: what a German full-text column holds.

    >>> stemmed("Automatische Untertitelung für Dialekte", "de")
    'automat untertitel fur dialekt'
    """
    return " ".join(stem(strip_accents(w), lang) for w in words(text))

