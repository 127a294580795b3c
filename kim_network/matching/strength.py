"""How strong a suggestion is, in words a person can read: a tier and its place among the candidates.

A bare "93 %" on every result says nothing. The strength of a result is its place among
every candidate eligible for the list (its score's rank): **very good** for the best 5 %
(at least the first), **good** for the best 20 % (at least the first three), **possible**
otherwise; and one sentence says it, e.g. "Among the best 5 % of 240 candidates".
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kim_network.core.messages import Message, msg, nmsg

TIER_NAMES = {"strong": msg("Very good match"), "good": msg("Good match"), "possible": msg("Possible match")}


@dataclass(frozen=True)
class Strength:
    """A result's place among `pool` eligible candidates (rank 1 is the best)."""

    rank: int
    pool: int

    @property
    def top_percent(self) -> int:
        return max(1, math.ceil(100 * self.rank / max(self.pool, 1)))

    @property
    def tier(self) -> str:
        """
        >>> Strength(1, 200).tier, Strength(30, 200).tier, Strength(80, 200).tier, Strength(3, 4).tier
        ('strong', 'good', 'possible', 'good')
        """
        if self.rank <= max(1, 0.05 * self.pool):
            return "strong"
        if self.rank <= max(3, 0.2 * self.pool):
            return "good"
        return "possible"

    @property
    def label(self) -> Message:
        return TIER_NAMES[self.tier]

    @property
    def sentence(self) -> Message:
        """
        >>> Strength(3, 240).sentence.render("en"), Strength(1, 1).sentence.render("de")
        ('Among the best 2 % of 240 candidates', 'Der einzige passende Kandidat')
        """
        if self.pool <= 1:
            return msg("The only candidate that fits")
        return nmsg("Among the best %(pct)d %% of %(n)d candidate", "Among the best %(pct)d %% of %(n)d candidates",
                    self.pool, pct=self.top_percent)

    def as_dict(self) -> dict:
        return {"tier": self.tier, "rank": self.rank, "pool": self.pool, "top_percent": self.top_percent,
                "text_de": f"{self.label.render('de')} – {self.sentence.render('de')}",
                "text_en": f"{self.label.render('en')} – {self.sentence.render('en')}"}


def strengths(scores: np.ndarray, pool: np.ndarray, chosen) -> dict[int, Strength]:
    """The strength of each chosen index: its rank by `scores` among the indexes in `pool`.

    >>> {i: (s.rank, s.pool) for i, s in strengths(np.array([0.5, 0.9, 0.1, 0.9]), np.array([0, 1, 2, 3]), [0, 3]).items()}
    {0: (3, 4), 3: (1, 4)}
    """
    chosen = [int(i) for i in chosen]
    if not chosen:
        return {}
    live = scores[pool]
    # The rank is 1 + how many in the pool score higher (no sort of the whole pool needed).
    return {i: Strength(int(np.count_nonzero(live > scores[i])) + 1, len(pool)) for i in chosen}
