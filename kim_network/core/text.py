"""Text helpers every layer shares."""
from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

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


# -- stemming for search (Snowball, the algorithms Lucene's and FTS5's stemmers follow) ----------
_WORD = re.compile(r"\w+")


_STEMMERS = threading.local()


def _stemmer(lang: str):
    """This thread's Snowball stemmer for `lang`: a stemmer keeps the word it works on in its
    own state, so threads sharing one corrupt each other's words (IndexError, wrong stems)."""
    stemmers = getattr(_STEMMERS, "by_lang", None)
    if stemmers is None:
        stemmers = _STEMMERS.by_lang = {}
    stemmer = stemmers.get(lang)
    if stemmer is None:
        import snowballstemmer

        stemmer = stemmers[lang] = snowballstemmer.stemmer({"de": "german", "en": "english"}[lang])
    return stemmer


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



# -- names in readable case ----------------------------------------------------------------------
# Legal forms and the like, written as they usually are.
_LEGAL_FORMS = {
    "GMBH": "GmbH", "MBH": "mbH", "GGMBH": "gGmbH", "UG": "UG", "AG": "AG", "KG": "KG", "OHG": "OHG", "EV": "e.V.",
    "E.V.": "e.V.", "LTD": "Ltd", "LIMITED": "Limited", "PLC": "plc", "LLC": "LLC", "INC": "Inc.", "SRL": "Srl",
    "SARL": "SARL", "SAS": "SAS", "SPA": "SpA", "SPRL": "SPRL", "SCRL": "SCRL", "BV": "BV", "NV": "NV", "VZW": "vzw",
    "ASBL": "asbl", "AISBL": "aisbl", "OY": "Oy", "OYJ": "Oyj", "AB": "AB", "AS": "AS", "ASA": "ASA", "APS": "ApS",
    "SA": "SA", "SL": "SL", "SLU": "SLU", "SLL": "SLL", "EOOD": "EOOD", "OOD": "OOD", "DOO": "d.o.o.",
    "D.O.O.": "d.o.o.", "SRO": "s.r.o.", "S.R.O.": "s.r.o.", "ZOO": "z o.o.", "IKE": "IKE", "EPE": "EPE",
    "OU": "OÜ", "UAB": "UAB", "SIA": "SIA", "KFT": "Kft.", "ZRT": "Zrt.", "LDA": "Lda", "SE": "SE", "EEIG": "EEIG",
    "GIE": "GIE", "CIC": "CIC", "LBG": "LBG", "IVZW": "ivzw", "CO": "Co.", "KGAA": "KGaA",
}
# Short words that stay lower case inside a name.
_PARTICLES = {
    "a", "à", "al", "am", "an", "and", "as", "at", "au", "aux", "by", "d", "da", "das", "de", "degli", "dei", "del",
    "della", "delle", "der", "des", "di", "do", "dos", "du", "e", "el", "en", "et", "for", "fur", "für", "i", "im",
    "in", "la", "le", "les", "of", "on", "och", "og", "per", "su", "the", "to", "und", "van", "von", "y", "z", "zu",
    "zum", "zur", "na", "ve", "og", "ja", "és",
}
_VOWELS = set("AEIOUYÄÖÜÀÁÂÃÅÆÈÉÊËÌÍÎÏÒÓÔÕØÙÚÛÝ")


def _looks_shouted(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _word_case(word: str, first: bool) -> str:
    core = word.strip("()[],.;:\"'")
    upper = core.upper()
    if upper in _LEGAL_FORMS and not first:
        return word.replace(core, _LEGAL_FORMS[upper])
    if not core or not any(c.isalpha() for c in core):
        return word
    if core.lower() in _PARTICLES and not first:
        return word.replace(core, core.lower())
    letters = [c for c in core if c.isalpha()]
    if len(letters) <= 3 or not (set(core.upper()) & _VOWELS):
        return word  # an acronym: CNRS, VIB, TU
    if "'" in core or "’" in core:  # D'ECONOMIE -> d'Economie, L'ENERGIE -> l'Energie
        head, sep, tail = core.replace("’", "'").partition("'")
        fixed = (head.lower() if len(head) <= 2 and not first else head.capitalize()) + sep + tail.capitalize()
        return word.replace(core, fixed)
    return word.replace(core, "-".join(part.capitalize() for part in core.split("-")))


def readable_case(name: str) -> str:
    """A name written all in capitals (as CORDIS has many) in readable case; others unchanged.

    Legal forms keep their usual spelling, acronyms stay capitals, small joining words go lower case.

    >>> readable_case("MEDIAGNOST GESELLSCHAFT FUR FORSCHUNG UND HERSTELLUNG VON DIAGNOSTIKA GMBH")
    'Mediagnost Gesellschaft fur Forschung und Herstellung von Diagnostika GmbH'
    >>> readable_case("CENTRE NATIONAL DE LA RECHERCHE SCIENTIFIQUE CNRS")
    'Centre National de la Recherche Scientifique CNRS'
    >>> readable_case("SOCIETE D'ECONOMIE MIXTE ISSY - MEDIA (SEM ISSY MEDIA)")
    "Societe d'Economie Mixte Issy - Media (SEM Issy Media)"
    >>> readable_case("voice INTER connect GmbH"), readable_case("TU")
    ('voice INTER connect GmbH', 'TU')
    """
    if not name or not _looks_shouted(name):
        return name
    parts = name.split(" ")
    return " ".join(_word_case(word, i == 0) for i, word in enumerate(parts))
