"""The curated KI.M skill taxonomy of AI-in-media competences, and term matching onto it.

Every organisation, person, project and call in the graph points at these skills, so
matching, gap analysis and the map all speak one vocabulary. Imported vocabularies
(CORDIS euroSciVoc, free keywords) are hung into the same graph with `match_term`.

Each skill has a short stable id, German and English labels, comma-separated synonyms
(German, English, abbreviations) and, where a label alone is unclear, a short
description. A skill names its broader skill; top-level areas have none. Edges run
child -> parent (`Rel.BROADER`).
"""
from __future__ import annotations

import math
import re
from typing import Iterable

from kim_network.core.text import strip_accents
from kim_network.core.model import ID_RE, Label, Rel
from kim_network.core.taxonomy_data import SKILLS, SkillDef  # the skills themselves (data)

SOURCE = "kim"


# -- rows for the store ----------------------------------------------------------------

def _by_id() -> dict[str, SkillDef]:
    return {s.id: s for s in SKILLS}


def skill_path(skill_id: str) -> list[str]:
    """Ids from the top-level area down to the skill.

    >>> skill_path("live-subtitling")
    ['audio-speech', 'asr', 'subtitling', 'live-subtitling']
    """
    index = _by_id()
    path, seen = [], set()
    current: str | None = skill_id
    while current is not None:
        if current in seen or current not in index:
            raise ValueError(f"broken BROADER chain at {current!r}")
        seen.add(current)
        path.append(current)
        current = index[current].parent
    return path[::-1]


def skill_rows() -> list[dict]:
    """The curated skills as `Skill` node rows (source "kim"), with `path` as ids joined by "/"."""
    rows = []
    for s in SKILLS:
        row = {
            "id": s.id,
            "label_de": s.label_de,
            "label_en": s.label_en,
            "synonyms": s.synonyms,
            "source": SOURCE,
            "path": "/".join(skill_path(s.id)),
        }
        if s.description_de:
            row["description_de"] = s.description_de
        if s.description_en:
            row["description_en"] = s.description_en
        rows.append(row)
    return rows


def broader_rows() -> list[dict]:
    """`BROADER` edge rows, child -> parent."""
    return [{"source": s.id, "target": s.parent} for s in SKILLS if s.parent]


def top_level_ids() -> list[str]:
    """The ids of the top-level areas, in display order."""
    return [s.id for s in SKILLS if s.parent is None]


def seed_taxonomy(store) -> dict[str, int]:
    """Upsert the curated skills and their BROADER edges (idempotent)."""
    skills = store.upsert_nodes(Label.SKILL, skill_rows())
    edges = store.upsert_edges(Rel.BROADER, broader_rows())
    return {"skills": skills, "broader": edges}


def validate_taxonomy(skills: Iterable[SkillDef] = SKILLS) -> list[str]:
    """Problems in the taxonomy: bad or duplicate ids, empty labels, missing parents,
    cycles, and terms that would match two different skills. Empty list if it is sound.

    >>> validate_taxonomy()
    []
    >>> validate_taxonomy([SkillDef("a", "b", "A", "A"), SkillDef("b", "a", "B", "B")])
    ['cycle through a', 'cycle through b']
    """
    skills = list(skills)
    problems: list[str] = []
    index: dict[str, SkillDef] = {}
    for s in skills:
        if not ID_RE.match(s.id) or s.id != s.id.lower():
            problems.append(f"bad id {s.id!r}")
        if s.id in index:
            problems.append(f"duplicate id {s.id}")
        index[s.id] = s
        if not s.label_de.strip() or not s.label_en.strip():
            problems.append(f"{s.id}: empty label")
    for s in skills:
        if s.parent is not None and s.parent not in index:
            problems.append(f"{s.id}: parent {s.parent} does not exist")
    for s in skills:
        seen, current = set(), s.id
        while current is not None and current in index:
            if current in seen:
                problems.append(f"cycle through {s.id}")
                break
            seen.add(current)
            current = index[current].parent
    for lang in ("de", "en"):
        labels: dict[str, str] = {}
        for s in skills:
            key = normalize_term(getattr(s, f"label_{lang}"))
            if key in labels:
                problems.append(f"label_{lang} of {s.id} repeats {labels[key]}")
            labels[key] = s.id
    owners: dict[str, str] = {}
    for s in skills:
        for term in _terms(s):
            other = owners.setdefault(term, s.id)
            if other != s.id:
                problems.append(f"term {term!r} matches both {other} and {s.id}")
    return problems


# -- term matching ---------------------------------------------------------------------

_UMLAUT_SPELLING = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def _stem(token: str) -> str:
    """A light, language-agnostic plural/inflection fold; only used as a lookup key."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if len(token) > 5:
        for ending in ("en", "e", "n"):
            if token.endswith(ending):
                return token[: -len(ending)]
    return token


def normalize_term(text: str) -> str:
    """Fold a term to its matching key: case, accents, umlaut spellings, hyphens, plurals.

    >>> normalize_term("Übersetzungen") == normalize_term("uebersetzung")
    True
    >>> normalize_term("Fact-Checking") == normalize_term("fact checking")
    True
    """
    text = text.casefold().replace("ß", "ss")
    text = strip_accents(text)
    for written, folded in _UMLAUT_SPELLING:
        text = text.replace(written, folded)
    tokens = re.findall(r"[a-z0-9]+", text)
    return " ".join(_stem(t) for t in tokens)


def _terms(s: SkillDef) -> set[str]:
    raw = [s.label_de, s.label_en] + [t for t in s.synonyms.split(",")]
    # A label like "Texterkennung (OCR)" also matches without its bracket.
    raw += [re.sub(r"\(.*?\)", "", t) for t in raw if "(" in t]
    return {key for key in (normalize_term(t) for t in raw) if key}


_INDEX: dict[str, str] | None = None
_PHRASES: list[tuple[tuple[str, ...], str]] | None = None


def _index() -> tuple[dict[str, str], list[tuple[tuple[str, ...], str]]]:
    global _INDEX, _PHRASES
    if _INDEX is None:
        index: dict[str, str] = {}
        for s in SKILLS:
            for term in _terms(s):
                index.setdefault(term, s.id)
        # Only phrases of two or more words are looked for inside a longer text: a single
        # word ("verification", "training") is too ambiguous outside its own field.
        phrases = [(tuple(t.split()), sid) for t, sid in index.items() if " " in t]
        phrases.sort(key=lambda p: -len(p[0]))
        _INDEX, _PHRASES = index, phrases
    return _INDEX, _PHRASES


def match_term(text: str | None) -> str | None:
    """The curated skill a keyword or vocabulary title stands for, or None.

    A whole-text match on a label or synonym wins; otherwise the longest label or
    synonym of at least two words found as consecutive words in the text. Single words
    and abbreviations only match the whole text, so "ASR" matches but "Mt Everest"
    does not match machine translation.

    >>> match_term("Automatic Speech Recognition")
    'asr'
    >>> match_term("Spracherkennung")
    'asr'
    >>> match_term("fact-checking tools for newsrooms")
    'verification'
    >>> match_term("formal verification") is None
    True
    """
    if not text or not isinstance(text, str):
        return None
    key = normalize_term(text[:500])
    if not key:
        return None
    index, phrases = _index()
    if key in index:
        return index[key]
    tokens = key.split()
    if len(tokens) < 2:
        return None
    # The first phrase in `phrases` order that occurs anywhere wins. Looking phrases up by
    # their first word keeps this fast for the ~50,000 distinct CORDIS keywords.
    best = None
    by_first = _phrases_by_first_word()
    for i, token in enumerate(tokens):
        for rank in by_first.get(token, ()):
            if best is not None and rank >= best:
                break
            phrase = phrases[rank][0]
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                best = rank
                break
    return phrases[best][1] if best is not None else None


_BY_FIRST: dict[str, list[int]] | None = None


def _phrases_by_first_word() -> dict[str, list[int]]:
    """Positions in `_index()[1]` of the phrases starting with each word, ascending."""
    global _BY_FIRST
    if _BY_FIRST is None:
        by_first: dict[str, list[int]] = {}
        for rank, (phrase, _) in enumerate(_index()[1]):
            by_first.setdefault(phrase[0], []).append(rank)
        _BY_FIRST = by_first
    return _BY_FIRST


# -- skills a free text implies (for one-click adding) -----------------------------------------

# Words that say nothing about a skill, in both languages (after `normalize_term`).
_STOP = frozenset(normalize_term(w) for w in (
    "ki ai kunstlich kuenstliche artificial intelligence intelligenz gestutzt gestuetzt based basierte driven "
    "fur fuer for von of und and mit with the der die das ein eine einer for in im am auf on zu to bei at "
    "unsere unser our wir we neue new system systeme systems tool tools losung loesung solution solutions "
    "projekt project idee idea automatisch automatische automatic automated digital digitale media medien"
).split())


def _words(text: str) -> list[str]:
    return [w for w in normalize_term(text).split() if len(w) >= 3 and w not in _STOP]


LABEL_BONUS = 1.3  # a word of the skill's own label says more than one of its synonyms
Vocabulary = list  # rows (skill id, label words, label and synonym words, description words)


def vocabulary(skills: Iterable) -> Vocabulary:
    """The words of skills (`SkillDef`s or skill nodes with labels, synonyms and descriptions)."""
    rows = []
    for s in skills:
        get = s.get if isinstance(s, dict) else (lambda key, default="", s=s: getattr(s, key, default))
        labels = set(_words(get("label_de") or "")) | set(_words(get("label_en") or ""))
        names = set(labels)
        for term in (get("synonyms") or "").split(","):
            names.update(_words(term))
        desc = set(_words(f"{get('description_de') or ''} {get('description_en') or ''}")) - names
        rows.append((get("id"), labels, names, desc))
    return rows


_CURATED: Vocabulary | None = None


def _curated() -> Vocabulary:
    global _CURATED
    if _CURATED is None:
        _CURATED = vocabulary(SKILLS)
    return _CURATED


def _word_match(token: str, word: str) -> float:
    """How well a word of the text stands for a word of a skill (German compounds included).

    >>> _word_match("video", "video"), _word_match("verifikation", "sprecherverifikation")
    (1.0, 0.6)
    >>> _word_match("lokalredaktion", "lokal"), _word_match("ki", "kino")
    (0.3, 0.0)
    """
    if token == word:
        return 1.0
    short, long_ = sorted((token, word), key=len)
    if len(short) < 5:
        return 0.0
    if long_.startswith(short) and len(short) >= 0.7 * len(long_):
        return 0.9  # an inflection or derivation the light stemmer left apart
    if long_.endswith(short):
        return 0.6  # the head of a compound: "Sprecherverifikation" is a verification
    if long_.startswith(short):
        return 0.3  # a modifier: "Lokalredaktion" is not about "lokal" alone
    return 0.0


def suggest_skills(text: str | None, limit: int = 6, exclude: Iterable[str] = (),
                   floor: float = 0.4, vocab: Vocabulary | None = None) -> list[tuple[str, float]]:
    """Taxonomy skills a free-text idea implies, best first, as ``(skill id, score)``.

    Labels and synonyms in German and English count fully, descriptions half; a word that
    stands for many skills counts less (inverse document frequency); a whole label or
    synonym found in the text (`match_term`) wins outright. Meant for suggestions a person
    adds with one click, so it may offer a little more than `match_term` would decide alone.
    `vocab` (see `vocabulary`) names the skills to choose from; the curated taxonomy by default.

    `kim_network.matching.suggest` re-ranks these with which skills go together in the graph.

    >>> [s for s, _ in suggest_skills("KI-gestützte Verifikation von Videos für Lokalredaktionen")][:1]
    ['verification']
    >>> [s for s, _ in suggest_skills("Automatische Untertitel für bairische Dialekte")][:2]
    ['subtitling', 'dialect-asr']
    >>> suggest_skills("")
    []
    """
    if not text or not isinstance(text, str):
        return []
    tokens = list(dict.fromkeys(_words(text[:5000])))
    if not tokens:
        return []
    rows = vocab if vocab is not None else _curated()
    # weights[t][k]: how well token t stands for skill k (names fully, descriptions half).
    weights: dict[str, dict[int, float]] = {t: {} for t in tokens}
    for k, (_sid, labels, names, desc) in enumerate(rows):
        for t in tokens:
            w = max((_word_match(t, word) for word in names), default=0.0)
            if w > 0.0 and max((_word_match(t, word) for word in labels), default=0.0) >= w:
                w *= LABEL_BONUS
            if w == 0.0:
                w = 0.5 * max((_word_match(t, word) for word in desc), default=0.0)
            if w > 0.0:
                weights[t][k] = w
    n = len(rows)
    scores: dict[int, float] = {}
    for t, matched in weights.items():
        if not matched:
            continue
        idf = math.log((n + 1) / (len(matched) + 1))
        for k, w in matched.items():
            scores[k] = scores.get(k, 0.0) + idf * w
    whole = match_term(text)
    excluded = set(exclude)
    index = {row[0]: k for k, row in enumerate(rows)}
    if whole is not None and whole in index:
        scores[index[whole]] = max(scores.values(), default=0.0) + 1.0
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], rows[kv[0]][0]))
    return [(rows[k][0], round(v / best, 3)) for k, v in ranked
            if v >= floor * best and rows[k][0] not in excluded][:limit]
