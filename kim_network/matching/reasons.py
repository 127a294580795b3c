"""How much of a score each kind of evidence carries: the shares reasons are ordered by.

The ranker's per-signal contributions (and the fixed-weight signals added to them) are
grouped by the kind of evidence a reason shows (`SIGNAL_GROUPS`) and turned into shares of
the score. What a reason *says* comes from `kim_network.matching.evidence`, which names only
what the data holds; a share alone never makes a reason.
"""
from __future__ import annotations

# Which signals a reason kind stands for (shares are summed per kind).
SIGNAL_GROUPS = {
    "text_profile": "text", "text_knn": "text", "text_lex": "text",
    "skill": "skills",
    "aa": "network", "ra": "network", "ppr": "network",
    "direct": "repeat_partner", "repeat_rate": "repeat_partner", "text_graph": "network",
    "popularity": "experience", "recent": "experience",
    "kind_fit": "kind_fit", "kind_gap": "kind_fit",
    "country_fit": "region", "same_country": "region", "same_region": "region",
    "family_exp": "experience", "programme_exp": "experience",
    "needs": "skills", "topic": "text", "reciprocal": "reciprocal", "feedback": "feedback",
    "sme_boost": "sme_boost", "newcomer_boost": "newcomer_boost",
}


def signal_shares(contributions: dict[str, float], model_share: float) -> dict[str, float]:
    """Positive signal contributions as shares of the score, grouped by reason kind.

    >>> signal_shares({"aa": 1.0, "ppr": 1.0, "text_knn": 2.0, "popularity": -1.0}, 0.8)
    {'network': 0.4, 'text': 0.4}
    """
    positive = {k: v for k, v in contributions.items() if v > 0}
    total = sum(positive.values())
    if total <= 0:
        return {}
    grouped: dict[str, float] = {}
    for name, value in positive.items():
        group = SIGNAL_GROUPS.get(name, name)
        grouped[group] = grouped.get(group, 0.0) + value / total * model_share
    return {k: round(v, 4) for k, v in sorted(grouped.items(), key=lambda kv: -kv[1])}
