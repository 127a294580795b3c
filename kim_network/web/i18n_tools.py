"""The translation workflow in one command: extract, update, fill English, compile, report.

Usage (from the repository root)::

    .venv/bin/python -m kim_network.web.i18n_tools          # refresh catalogues and .mo files
    .venv/bin/python -m kim_network.web.i18n_tools --check  # change nothing; exit 1 if stale

Msgids are English. The command extracts every ``_()``, ``gettext``, ``ngettext``,
``lazy_gettext``/``_l`` and domain-message ``msg``/``nmsg`` call from ``kim_network/**.py`` and ``templates/**.html`` (see
``babel.cfg``) into ``kim_network/translations/messages.pot``, merges it into the ``de``
and ``en`` catalogues (no fuzzy guesses, obsolete entries dropped), copies each msgid
into the English msgstr, compiles both ``.mo`` files, and lists German entries still
without a translation. Translate those in ``de/LC_MESSAGES/messages.po`` and run it again.
`tests/web/test_i18n.py` fails while any UI string lacks a German translation.
"""
from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from kim_network.config import ROOT

TRANSLATIONS = ROOT / "kim_network" / "translations"
LANGUAGES = ("de", "en")
# `msg` / `nmsg` build the domain messages of `kim_network.core.messages` (reasons, mails, letters).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_ngettext": (1, 2),
            "msg": None, "nmsg": (1, 2)}
# A fixed date keeps the catalogue headers from changing on every run.
_EPOCH = datetime(2026, 1, 1, tzinfo=timezone.utc)


def extract_catalog(root: Path = ROOT) -> Catalog:
    """Every translatable string in the code and templates, as a template catalogue."""
    with open(root / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    catalog = Catalog(project="KI.M Netzwerk", creation_date=_EPOCH, fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(root), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="KI.M Netzwerk", creation_date=_EPOCH, fuzzy=False)
    with open(path, "rb") as handle:
        return read_po(handle, locale=language)


def _untranslated(message) -> bool:
    if message.fuzzy:
        return True
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return not all(strings)


def missing(catalog: Catalog) -> list[str]:
    """Msgids of a catalogue without a (non-fuzzy) translation."""
    return [
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and _untranslated(m)
    ]


def merged_catalog(language: str, template: Catalog) -> Catalog:
    """The language's catalogue brought up to date with the template."""
    catalog = read_catalog(language)
    catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
    catalog.obsolete.clear()
    if language == "en":
        for message in catalog:
            if message.id and _untranslated(message):
                message.string = message.id
                message.flags.discard("fuzzy")
    return catalog


def _po_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_po(buffer, catalog, no_location=True, sort_output=True, ignore_obsolete=True, width=100)
    return buffer.getvalue()


def _mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compiled_matches(language: str) -> bool:
    """Whether the committed .mo holds exactly the translations of the committed .po."""
    mo = po_path(language).with_suffix(".mo")
    if not mo.exists():
        return False
    with open(mo, "rb") as handle:
        compiled = read_mo(handle)
    source = read_catalog(language)

    def pairs(catalog):
        return {
            (m.id if isinstance(m.id, str) else tuple(m.id), m.string if isinstance(m.string, str) else tuple(m.string))
            for m in catalog
            if m.id and not _untranslated(m)
        }

    return pairs(compiled) == pairs(source)


def refresh(write: bool = True) -> dict[str, list[str]]:
    """Bring catalogues and .mo files up to date; return problems found, by kind."""
    template = extract_catalog()
    problems: dict[str, list[str]] = {}
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    pot = TRANSLATIONS / "messages.pot"
    for language in LANGUAGES:
        catalog = merged_catalog(language, template)
        po_data, mo_data = _po_bytes(catalog), _mo_bytes(catalog)
        path = po_path(language)
        stale = not path.exists() or path.read_bytes() != po_data
        stale_mo = not path.with_suffix(".mo").exists() or path.with_suffix(".mo").read_bytes() != mo_data
        if write:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(po_data)
            path.with_suffix(".mo").write_bytes(mo_data)
        elif stale or stale_mo:
            problems.setdefault("stale", []).append(language)
        untranslated = missing(catalog)
        if untranslated:
            problems[f"untranslated:{language}"] = untranslated
    if write:
        pot.write_bytes(_po_bytes(template))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is stale")
    args = parser.parse_args(argv)
    problems = refresh(write=not args.check)
    for kind, items in problems.items():
        print(f"{kind}: {len(items)}")
        for item in items:
            print(f"  {item}")
    if not problems:
        print("translations complete and compiled")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
