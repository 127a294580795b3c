"""Eligibility rules of Horizon Europe types of action, as data with their sources.

The rules and the lists of member states and associated countries live in
`core/data/eligibility.json`, each with the regulation or work programme it comes from.
`evaluate` checks a team's countries against a type of action; the consortium builder
uses `shortfall` to pick members that close what is still missing.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from kim_network.core.messages import msg, nmsg

_DATA = Path(__file__).resolve().parent / "data" / "eligibility.json"
_YEAR = re.compile(r"-(20\d\d)-")


@dataclass(frozen=True)
class Check:
    check: str  # min_entities | min_eligible_countries | min_member_states
    value: int


@dataclass(frozen=True)
class ActionType:
    code: str
    name_de: str
    name_en: str
    checks: tuple[Check, ...]
    source: str

    def minimum(self, check: str) -> int:
        return max((c.value for c in self.checks if c.check == check), default=0)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    ok: bool
    text_de: str
    text_en: str
    source: str

    def as_dict(self) -> dict:
        return {"rule": self.rule, "ok": self.ok, "text_de": self.text_de, "text_en": self.text_en,
                "source": self.source}


def _result(rule: str, ok: bool, text, source: str) -> RuleResult:
    """A rule's outcome with its sentence from the catalogue, in both languages."""
    return RuleResult(rule, ok, text.render("de"), text.render("en"), source)


@lru_cache(maxsize=1)
def _data() -> dict:
    with open(_DATA, encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def action_types() -> dict[str, ActionType]:
    """Every type of action with known rules, by code (RIA, IA, CSA, ...)."""
    return {code: ActionType(code, spec["name_de"], spec["name_en"],
                             tuple(Check(c["check"], int(c["value"])) for c in spec["checks"]), spec["source"])
            for code, spec in _data()["types"].items()}


def type_of_action(funding_scheme: str | None) -> str | None:
    """The type of action of a CORDIS funding scheme, when its rules are known.

    >>> type_of_action("HORIZON-RIA"), type_of_action("HORIZON-JU-IA"), type_of_action("HORIZON-EIC")
    ('RIA', 'IA', None)
    """
    if not funding_scheme:
        return None
    return _data()["funding_schemes"].get(funding_scheme.strip().upper())


def call_year(code: str | None) -> int | None:
    """The work-programme year in a topic code.

    >>> call_year("HORIZON-CL4-2021-HUMAN-01-01"), call_year("demo-call-xr")
    (2021, None)
    """
    match = _YEAR.search(code or "")
    return int(match.group(1)) if match else None


def countries_source() -> str:
    return _data()["countries"]["source"]


def is_member_state(country: str | None) -> bool:
    return (country or "").upper() in _data()["countries"]["member_states"]


def is_eligible_country(country: str | None, year: int | None = None) -> bool:
    """A member state, or a country associated to Horizon Europe for calls of that year (now, if None).

    >>> is_eligible_country("NO", 2021), is_eligible_country("UK", 2022), is_eligible_country("UK", 2024)
    (True, False, True)
    >>> is_eligible_country("US")
    False
    """
    country = (country or "").upper()
    if is_member_state(country):
        return True
    since = _data()["countries"]["associated"].get(country)
    return since is not None and (year is None or year >= since)


def evaluate(type_code: str | None, countries: Sequence[str | None], year: int | None = None) -> list[RuleResult]:
    """Check a team (one country per member) against a type of action's rules.

    >>> [(r.rule, r.ok) for r in evaluate("RIA", ["DE", "FR", "NO"], 2023)]
    [('min_entities', True), ('min_eligible_countries', True), ('min_member_states', True)]
    >>> [(r.rule, r.ok) for r in evaluate("RIA", ["DE", "DE", "US"], 2023)]
    [('min_entities', True), ('min_eligible_countries', False), ('min_member_states', True)]
    """
    action = action_types().get(type_code or "")
    if action is None:
        return []
    eligible = {c.upper() for c in countries if is_eligible_country(c, year)}
    member_states = sum(1 for c in countries if is_member_state(c))
    out = []
    for check in action.checks:
        n = check.value
        if check.check == "min_entities":
            have = len(countries)
            text = nmsg("%(have)d organisations; at least %(n)d independent legal entity needed "
                        "(please check independence yourself)",
                        "%(have)d organisations; at least %(n)d independent legal entities needed "
                        "(please check independence yourself)", n, have=have)
            out.append(_result(check.check, have >= n, text, action.source))
        elif check.check == "min_eligible_countries":
            have = len(eligible)
            text = nmsg("%(have)d different EU member states or associated countries (%(names)s); at least %(n)d",
                        "%(have)d different EU member states or associated countries (%(names)s); at least %(n)d",
                        n, have=have, names=", ".join(sorted(eligible)) or "–")
            out.append(_result(check.check, have >= n, text, f"{action.source} Countries: {countries_source()}"))
        elif check.check == "min_member_states":
            ok = member_states >= n
            text = msg("at least one organisation from an EU member state") if ok else \
                msg("at least one organisation from an EU member state: missing")
            out.append(_result(check.check, ok, text, action.source))
    return out


def shortfall(type_code: str | None, countries: Iterable[str | None], year: int | None = None) -> dict[str, int]:
    """What a team still lacks: `{"countries": n, "member_states": n}` (zeros when met).

    >>> shortfall("RIA", ["DE", "DE"], 2023)
    {'countries': 2, 'member_states': 0}
    """
    action = action_types().get(type_code or "")
    if action is None:
        return {}
    countries = [c for c in countries]
    eligible = {c.upper() for c in countries if is_eligible_country(c, year)}
    return {"countries": max(0, action.minimum("min_eligible_countries") - len(eligible)),
            "member_states": max(0, action.minimum("min_member_states") - sum(1 for c in countries if is_member_state(c)))}
