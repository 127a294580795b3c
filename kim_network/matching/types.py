"""Result and input types shared by the matching service: recommendations, reasons, constraints."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from kim_network.core.errors import Invalid
from kim_network.core.messages import Message


class MatchingError(Invalid):
    """A matching request that cannot be answered; the message says why, in plain words."""


@dataclass
class Reason:
    """Why a candidate is in the list.

    `kind` says what the evidence is (see `kim_network.matching.evidence`): ``offers``,
    ``inferred_skills``, ``reciprocal``, ``covers_gap``, ``shared_projects``,
    ``mutual_partners``, ``similar_topics``, ``region``, ``kind_fit``, ``experience``,
    ``shared_skills``, ``shared_needs``, ``sme_boost``, ``newcomer_boost``, ``feedback``,
    ``role`` and ``complementary_skills`` (consortium). `message` is a catalogue
    `Message` (or anything with ``render(lang)``) that `text(lang)` renders in the reader's
    language. `share` is this reason's share of the score (0..1, the shares of one result add
    up to at most 1). `data` holds the ids it refers to (``skills``, ``partners``,
    ``projects``), already filtered for visibility.
    """

    kind: str
    message: Any
    share: float = 0.0
    data: dict = field(default_factory=dict)

    @classmethod
    def of(cls, kind: str, message: Message, share: float = 0.0, data: dict | None = None) -> "Reason":
        return cls(kind, message, round(float(share), 4), data or {})

    def text(self, lang: str = "de") -> str:
        return self.message.render(lang) if hasattr(self.message, "render") else str(self.message)

    @property
    def text_de(self) -> str:
        return self.text("de")

    @property
    def text_en(self) -> str:
        return self.text("en")

    def as_dict(self) -> dict:
        return {"kind": self.kind, "text_de": self.text("de"), "text_en": self.text("en"),
                "share": self.share, "data": self.data}


@dataclass
class Recommendation:
    """One ranked candidate: a node id, its label, a score in 0..1, its reasons, and its
    `strength` (a `kim_network.matching.strength.Strength`: its place among the candidates)."""

    id: str
    label: str
    score: float
    name: str = ""
    reasons: list[Reason] = field(default_factory=list)
    signals: dict[str, float] = field(default_factory=dict)
    strength: Any = None

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "name": self.name,
            "score": round(float(self.score), 4),
            "strength": self.strength.as_dict() if self.strength is not None else None,
            "reasons": [r.as_dict() for r in self.reasons],
            "signals": {k: round(float(v), 4) for k, v in self.signals.items()},
        }


@dataclass
class Constraints:
    """Hard filters on candidates.

    kinds: organisation/person kinds allowed (empty = any); sme: True = SMEs only;
    regions: NUTS prefixes (``DE2`` Bavaria, ``DE21`` Oberbayern, ``FR``); countries: ISO codes;
    exclude: ids never returned.
    """

    kinds: tuple[str, ...] = ()
    sme: bool | None = None
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @classmethod
    def coerce(cls, value: "Constraints | Mapping[str, Any] | None") -> "Constraints":
        """Accept a Constraints, a plain dict (JSON/form input) or None.

        >>> Constraints.coerce({"kinds": ["university"], "regions": "DE2"}).regions
        ('DE2',)
        """
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        if not isinstance(value, Mapping):
            raise MatchingError("constraints must be an object with kinds, sme, regions, countries, exclude")
        unknown = set(value) - {"kinds", "sme", "regions", "countries", "exclude"}
        if unknown:
            raise MatchingError(f"unknown constraint(s): {', '.join(sorted(unknown))}")

        def texts(name: str) -> tuple[str, ...]:
            raw = value.get(name) or ()
            if isinstance(raw, str):
                raw = [part for part in raw.replace(",", " ").split() if part]
            if not isinstance(raw, Iterable) or not all(isinstance(v, str) for v in raw):
                raise MatchingError(f"constraint {name} must be a list of texts")
            return tuple(v.strip() for v in raw if v.strip())

        sme = value.get("sme")
        if sme not in (None, True, False):
            raise MatchingError("constraint sme must be true, false or absent")
        return cls(
            kinds=texts("kinds"),
            sme=sme,
            regions=tuple(r.upper() for r in texts("regions")),
            countries=tuple(c.upper() for c in texts("countries")),
            exclude=texts("exclude"),
        )

FEEDBACK_VALUES = ("useful", "not_relevant", "hide")
