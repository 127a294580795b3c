"""User-facing domain text as catalogue messages: reasons, notifications, mails, staff letters.

Engines and services never format German/English pairs themselves. They build a `Message`:
an English message id from the Babel catalogue, its parameters and, for counts, a plural.
Whoever shows it renders it in the reader's language with `Message.render(lang)`, from the
same compiled catalogue the pages use (``kim_network/translations/<lang>/LC_MESSAGES/
messages.mo``), so the extraction (`kim_network.web.i18n_tools`, keywords `msg` and `nmsg`)
and the completeness test see every string. Only the standard library's `gettext` is used:
engines stay free of Flask.

Parameters may themselves be messages, bilingual data values (`Localized`, e.g. a skill's
labels) or lists of names (`names`), each rendered in the same language.

>>> KIND_NAMES["media_company"].render("de"), KIND_NAMES["media_company"].render("en")
('Medienunternehmen', 'Media company')
>>> asr = Localized(de="Spracherkennung", en="Speech recognition")
>>> names([asr, "OCR"]).render("de"), names([asr, "OCR", "NER", "MT", "TTS"]).render("en")
('Spracherkennung und OCR', 'Speech recognition, OCR, NER and 2 more')
"""
from __future__ import annotations

import functools
import gettext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

LANGUAGES = ("de", "en")
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of a language (English message ids when there is none)."""
    if lang not in LANGUAGES:
        lang = "en"
    return gettext.translation("messages", localedir=str(TRANSLATIONS), languages=[lang], fallback=True)


@functools.lru_cache(maxsize=4096)
def _text(lang: str, msgid: str) -> str:
    """`translations(lang).gettext(msgid)`, looked up once per language and message id."""
    return translations(lang).gettext(msgid)


@functools.lru_cache(maxsize=4096)
def _ntext(lang: str, singular: str, plural: str, n: int) -> str:
    """`translations(lang).ngettext(...)`, looked up once per language, message id and count."""
    return translations(lang).ngettext(singular, plural, n)


@dataclass(frozen=True)
class Localized:
    """A value that comes from data in both languages (a skill's labels), not from the catalogue."""

    de: str = ""
    en: str = ""

    def render(self, lang: str) -> str:
        return (self.en or self.de) if lang == "en" else (self.de or self.en)


@dataclass(frozen=True)
class Message:
    """A catalogue message with its parameters; `render(lang)` gives the text."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    n: int | None = None

    def render(self, lang: str = "de") -> str:
        if self.plural is not None:
            text = _ntext(lang, self.msgid, self.plural, int(self.n or 0))
            values = {"n": self.n, **self.params}
        else:
            text = _text(lang, self.msgid)
            values = self.params
            if not values:
                return text
        return text % {k: v.render(lang) if isinstance(v, _RENDERED) else v for k, v in values.items()}

    def texts(self) -> dict[str, str]:
        """The message in every language: ``{"de": ..., "en": ...}``."""
        return {lang: self.render(lang) for lang in LANGUAGES}

    def as_json(self) -> dict:
        """Message id and parameters (rendered per language where they are localised)."""
        return {"id": self.msgid, **({"plural": self.plural, "n": self.n} if self.plural else {})}

    def __str__(self) -> str:  # pragma: no cover - debugging aid
        return self.render("en")


def msg(msgid: str, **params: Any) -> Message:
    """A message; `msgid` is the English text with ``%(name)s`` placeholders."""
    return Message(msgid, params)


def nmsg(singular: str, plural: str, n: int, **params: Any) -> Message:
    """A message whose form depends on the count `n` (available as ``%(n)d``)."""
    return Message(singular, params, plural, int(n))


@dataclass(frozen=True)
class NameList:
    """Names joined for reading: "A, B and C", or "A, B, C and 2 more" beyond the limit."""

    items: tuple = ()
    limit: int = 3

    def render(self, lang: str) -> str:
        rendered = [str(item.render(lang) if isinstance(item, _RENDERED) else item) for item in self.items]
        shown, more = rendered[: self.limit], len(rendered) - self.limit
        if more > 0:  # as _MORE with n=more and names=", ".join(shown), rendered
            return _ntext(lang, _MORE.msgid, _MORE.plural, more) % {"n": more, "names": ", ".join(shown)}
        if len(shown) <= 1:
            return "".join(shown)
        return _text(lang, _AND.msgid) % {"first": ", ".join(shown[:-1]), "last": shown[-1]}

    def __len__(self) -> int:
        return len(self.items)


_RENDERED = (Message, Localized, NameList)  # parameter values rendered in the reader's language
# How `NameList` joins names (the parameters are filled in by `NameList.render`).
_MORE = nmsg("%(names)s and %(n)d more", "%(names)s and %(n)d more", 0)
_AND = msg("%(first)s and %(last)s")


def names(items: Iterable[Any], limit: int = 3) -> NameList:
    """A list of names (strings, `Localized` values or messages) as one parameter."""
    return NameList(tuple(items), limit)


# -- the kinds of organisation and person, named once for pages, reasons and rules --------------
KIND_NAMES = {
    "company": msg("Company"),
    "company_sme": msg("SME"),
    "media_company": msg("Media company"),
    "media_company_sme": msg("Media SME"),
    "tech_provider": msg("Technology provider"),
    "tech_provider_sme": msg("Technology SME"),
    "university": msg("University"),
    "research_institute": msg("Research institute"),
    "public_body": msg("Public body"),
    "other": msg("Other"),
    "researcher": msg("Researcher"),
    "expert": msg("Expert"),
    "media_professional": msg("Media professional"),
}


def kind_name(kind: str | None) -> Message | str:
    """The name of a kind (or of an SME class such as ``media_company_sme``) as a message."""
    return KIND_NAMES.get(str(kind or ""), str(kind or ""))
