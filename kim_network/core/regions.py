"""Names of NUTS regions and countries, in the language of the page.

Region names come from Eurostat's NUTS 2021 table (`core/data/nuts_names.csv`, source and
licence in `core/data/README.md`); country names from the CLDR data that Babel ships.
An unknown code is shown as itself: a name is never guessed.
"""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).resolve().parent / "data" / "nuts_names.csv"
# NUTS writes Greece as EL and the United Kingdom as UK; ISO 3166 (and CLDR) as GR and GB.
_ISO = {"EL": "GR", "UK": "GB"}


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    with open(_TABLE, encoding="utf-8", newline="") as handle:
        return {row["code"]: row["latin"] or row["name"] for row in csv.DictReader(handle)}


@lru_cache(maxsize=4)
def _countries(lang: str) -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse(lang if lang in ("de", "en") else "de").territories)


def country_name(code: str, lang: str = "de") -> str:
    """The country of a NUTS or ISO country code, in German or English.

    >>> country_name("DE"), country_name("EL", "en"), country_name("UK")
    ('Deutschland', 'Greece', 'Vereinigtes Königreich')
    """
    code = (code or "").upper()
    return _countries(lang).get(_ISO.get(code, code), code)


def region_name(code: str | None, lang: str = "de") -> str:
    """The name of a NUTS region (levels 0-3), or the code itself when it is unknown.

    >>> region_name("DE21"), region_name("FR10"), region_name("EL30"), region_name("IT", "en")
    ('Oberbayern', 'Ile-de-France', 'Attiki', 'Italy')
    >>> region_name("XX9")
    'XX9'
    """
    code = (code or "").strip().upper()
    if len(code) == 2:
        return country_name(code, lang)
    return _names().get(code, code)

