"""Ranked text search: the scoring both adapters' `text_search` share.

Each adapter reads its own full-text indexes (FTS5 tables, Lucene indexes) and hands the
raw scores to these functions, so members and projects rank the same on either store.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable, Mapping

from kim_network.core.model import Label
from kim_network.store.base import TextMatch, TextResult

# -- limits and weights ---------------------------------------------------------------
TEXT_MATCH_LIMIT = 20_000  # members and projects a ranked search returns at most
SOURCE_LIMIT = 5_000  # hits read from one full-text index
MEMBER_PROJECTS_LIMIT = 1_500  # the best matching projects whose participants are ranked as members
SKILL_LIMIT = 200  # matched skills read
W_OWN, W_SKILL, W_PROJECTS = 1.0, 0.8, 1.0  # a member's own text, its matched skills, its projects
PROJECT_SKILL_WEIGHT = 0.8  # a project that requires a matched skill, against one whose text matches
PARENT_WEIGHT = 0.5  # the curated skill just above a matched one (and half again for the next one up)
# German joins words: in the German indexes a word this long also matches as the start of a
# longer one ("Untertitel" finds "Untertitelungsdienst"); shorter ones ("Media") only whole.
COMPOUND_PREFIX_MIN = 6
BODY_ONLY_WEIGHT = 0.4  # a project whose text matches only in its objective, not in title or keywords

# The text of each kind of document per language: (index group, {language: (name properties,
# body properties)}). Names weigh more; names, keywords and objectives, whose language is
# not recorded, are in both. The Neo4j indexes of migration 0006 cover the same properties.
_MEMBER_NAMES = ("name", "short_name", "title")
TEXT_DOCUMENTS = {
    Label.ORGANIZATION: ("member", {"en": (_MEMBER_NAMES, ("city", "description_en", "keywords")),
                                    "de": (_MEMBER_NAMES, ("city", "description_de", "keywords"))}),
    Label.PERSON: ("member", {"en": (_MEMBER_NAMES, ("city", "description_en")),
                              "de": (_MEMBER_NAMES, ("city", "description_de"))}),
    Label.PROJECT: ("project", {"en": (("title", "acronym", "keywords"), ("objective", "topic_title")),
                                "de": (("title", "acronym", "keywords"), ("objective",))}),
    Label.SKILL: ("skill", {"en": (("label_en",), ("synonyms", "description_en")),
                            "de": (("label_de",), ("synonyms", "description_de"))}),
}


def text_document(label: Label, props: Mapping[str, Any]) -> tuple[str, dict[str, tuple[str, str]]] | None:
    """`(group, {language: (names, body)})` of a node for the ranked full-text indexes, or None.

    >>> text_document(Label.SKILL, {"label_de": "Spracherkennung", "label_en": "Speech recognition",
    ...                             "synonyms": "ASR"})
    ('skill', {'en': ('Speech recognition', 'ASR'), 'de': ('Spracherkennung', 'ASR')})
    """
    spec = TEXT_DOCUMENTS.get(label)
    if spec is None:
        return None
    group, languages = spec

    def join(keys) -> str:
        return " ".join(str(props[k]) for k in keys if props.get(k))

    return group, {lang: (join(names), join(body)) for lang, (names, body) in languages.items()}


def project_weight(found: float, projects: int) -> float:
    """How much a member's matching projects count, from the sum of their scores and how many
    projects it has in all: specialists rank above large institutions with a few hits.

    >>> round(project_weight(2.0, 2), 2), round(project_weight(10.0, 500), 2)
    (0.59, 0.31)
    """
    x = found / math.sqrt(max(projects, 1))
    return x / (1.0 + x)


def combine_member_scores(own: Mapping[tuple[str, str], float], skill: Mapping[tuple[str, str], float],
                          projects: Mapping[tuple[str, str], tuple[float, int]]) -> dict[tuple[str, str], float]:
    """A member's relevance from its parts: own text (scores normalised to the best hit),
    matched skills (0..1) and its projects (sum of their 0..1 scores, and its project count).

    >>> combine_member_scores({("Organization", "a"): 4.0, ("Organization", "b"): 2.0},
    ...                       {("Organization", "b"): 1.0}, {("Organization", "c"): (2.0, 2)})
    {('Organization', 'a'): 1.0, ('Organization', 'b'): 1.3, ('Organization', 'c'): 0.586}
    """
    top = max(own.values(), default=0.0) or 1.0
    out: dict[tuple[str, str], float] = {}
    for key, value in own.items():
        out[key] = W_OWN * value / top
    for key, value in skill.items():
        out[key] = out.get(key, 0.0) + W_SKILL * value
    for key, (found, count) in projects.items():
        out[key] = out.get(key, 0.0) + W_PROJECTS * project_weight(found, count)
    return {key: round(value, 3) for key, value in out.items()}


def expand_skills(matched: Mapping[str, float], narrower: Iterable[tuple[str, str]],
                  parents: Iterable[tuple[str, str]]) -> dict[str, float]:
    """Weights of the skills a text matched, spread over the taxonomy.

    `matched` maps each matched skill to its 0..1 score; `narrower` holds
    `(narrower skill, matched skill)` pairs at any depth (having a narrower skill is having
    the skill); `parents` holds `(matched curated skill, ancestor, steps up)` for the
    curated skills above it, which count with `PARENT_WEIGHT` per step ("subtitles" also
    finds speech recognition, and with less weight speech technology).

    >>> expand_skills({"subtitling": 1.0}, [("live-subtitling", "subtitling")],
    ...               [("subtitling", "asr", 1), ("subtitling", "audio-speech", 2)])
    {'subtitling': 1.0, 'live-subtitling': 1.0, 'asr': 0.5, 'audio-speech': 0.25}
    """
    out = dict(matched)
    for skill, root in narrower:
        out[skill] = max(out.get(skill, 0.0), matched.get(root, 0.0))
    for root, ancestor, steps in parents:
        out[ancestor] = max(out.get(ancestor, 0.0), PARENT_WEIGHT ** steps * matched.get(root, 0.0))
    return out


def project_scores(text: Mapping[str, float], required: Iterable[tuple[str, str]],
                   skills: Mapping[str, float]) -> dict[str, tuple[float, str | None]]:
    """Each project's 0..1 relevance: its own text (normalised) or `PROJECT_SKILL_WEIGHT` times
    the best matched skill it requires, whichever is higher, and that skill.

    >>> project_scores({"p1": 3.0, "p2": 1.5}, [("p2", "asr"), ("p3", "asr")], {"asr": 1.0})
    {'p1': (1.0, None), 'p2': (0.8, 'asr'), 'p3': (0.8, 'asr')}
    """
    out: dict[str, tuple[float, str | None]] = {key: (value, None) for key, value in normalised(text).items()}
    for project, skill in required:
        value = PROJECT_SKILL_WEIGHT * skills.get(skill, 0.0)
        if value > out.get(project, (0.0, None))[0]:
            out[project] = (value, skill)
    return out


def normalised(scores: Mapping[Any, float]) -> dict[Any, float]:
    """Scores divided by the best one (0..1)."""
    top = max(scores.values(), default=0.0) or 1.0
    return {key: value / top for key, value in scores.items()}


def best_projects(scored: Mapping[str, tuple[float, str | None]]) -> list[tuple[str, tuple[float, str | None]]]:
    """The `SOURCE_LIMIT` best of `project_scores`, best first, ties by id.

    >>> best_projects({"b": (0.5, None), "a": (0.5, "asr"), "c": (1.0, None)})
    [('c', (1.0, None)), ('a', (0.5, 'asr')), ('b', (0.5, None))]
    """
    return sorted(scored.items(), key=lambda kv: (-kv[1][0], kv[0]))[:SOURCE_LIMIT]


def text_result(own: Mapping[tuple[str, str], float], skill_of: Mapping[tuple[str, str], tuple[float, str]],
                via: Mapping[tuple[str, str], tuple[float, int]], best_project: Mapping[tuple[str, str], str],
                projects: list[tuple[str, tuple[float, str | None]]], limit: int,
                matched_skills: Iterable[str]) -> TextResult:
    """The members and projects of a ranked search, best first, with their evidence.

    `own` holds each member's own text score, `skill_of` its best matched skill `(weight,
    skill)`, `via` its projects `(summed score, project count)` and `best_project` the best of
    them; `projects` comes from `best_projects`.
    """
    scores = combine_member_scores(own, {k: v for k, (v, _s) in skill_of.items()}, via)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    members = [TextMatch(label, node_id, score, best_project.get((label, node_id)),
                         skill_of.get((label, node_id), (0, None))[1]) for (label, node_id), score in ranked]
    found = [TextMatch(Label.PROJECT.value, pid, round(value, 3), None, skill)
             for pid, (value, skill) in projects[:limit]]
    return TextResult(members, found, matched_skills=sorted(matched_skills))


def whole_words_first(search: Callable[[bool], TextResult | None]) -> TextResult:
    """Run `search(prefix)` on whole words, and on word beginnings only when that found nothing.

    `search` returns None when the text has no words to search for (the result is empty).
    """
    result = TextResult()
    for prefix in (False, True):
        found = search(prefix)
        if found is None:
            return TextResult()
        found.prefix = prefix
        if found.members or found.projects:
            return found
        result = found
    return result
