"""How much of a score each kind of evidence carries: the shares reasons are ordered by.

The ranker's per-signal contributions (and the fixed-weight signals added to them) are
grouped by the kind of evidence a reason shows (`SIGNAL_GROUPS`) and turned into shares of
the score. What a reason *says* comes from `kim_network.matching.evidence`, which names only
what the data holds; a share alone never makes a reason.
"""
from __future__ import annotations

# Which reason kind each ranking feature (kim_network.matching.ltr) and each fixed-weight
# signal of the recommenders stands for; shares are summed per kind. Features that describe the
# query rather than the candidate (how many partners, whether a call topic was given) are the
# same for every candidate and are no reason for any: they map to None and are left out.
SIGNAL_GROUPS = {
    "text_lex": "text", "text_profile": "text", "text_knn": "text", "text_best": "text", "seed_profile": "text",
    "family_profile": "experience",
    "skill": "skills",
    "aa": "network", "ra": "network", "ease": "network", "rp3": "network", "emb": "network",
    "text_graph": "network", "aa_max": "network", "ease_max": "network", "rp3_max": "network", "emb_max": "network",
    "tied": "network",
    "direct": "repeat_partner", "repeat_rate": "repeat_partner", "tie_max": "repeat_partner",
    "coord_ties": "repeat_partner", "led_by": "repeat_partner", "recent_ties": "repeat_partner",
    "family_ties": "repeat_partner", "std_aa": "repeat_partner", "std_aa_rel": "repeat_partner",
    "std_aa_rank": "repeat_partner", "last_ties": "repeat_partner",
    "hyb": "network", "hyb_rank": "network",  # blends; ltr.Ranked.contributions splits them onto their parts
    "pop_pct": "experience", "coord_share": "experience", "idle_months": "experience", "family_exp": "experience",
    "family_share": "experience", "programme_exp": "experience", "pop_rate": "experience",
    "family_rate": "experience", "programme_rate": "experience",
    "kind": "kind_fit", "sme": "kind_fit", "kind_fit": "kind_fit", "kind_gap": "kind_fit",
    "country_fit": "region", "same_country": "region", "same_region": "region",
    "n_seeds": None, "has_topic": None, "seed_pop_pct": None, "seed_kind": None, "asks_as_lead": None,
    "needs": "skills", "topic": "text", "reciprocal": "reciprocal", "feedback": "feedback",
    "sme_boost": "sme_boost", "newcomer_boost": "newcomer_boost",
}
for _rel in ("text_lex", "text_profile", "text_knn", "text_best", "skill", "aa", "ease", "rp3", "emb", "direct",
             "text_graph", "seed_profile", "family_profile"):
    SIGNAL_GROUPS[_rel + "_rel"] = SIGNAL_GROUPS[_rel]
SIGNAL_GROUPS["pop_rel"] = "experience"


def signal_shares(contributions: dict[str, float], model_share: float) -> dict[str, float]:
    """Positive signal contributions as shares of the score, grouped by reason kind.

    >>> signal_shares({"aa": 1.0, "ease": 1.0, "text_knn": 2.0, "pop_pct": -1.0, "n_seeds": 5.0}, 0.8)
    {'network': 0.4, 'text': 0.4}
    """
    group_of = SIGNAL_GROUPS.get
    positive = [(group, v) for k, v in contributions.items() if v > 0 and (group := group_of(k, k)) is not None]
    total = sum([v for _, v in positive])  # summed in the order of `contributions`, as before
    if total <= 0:
        return {}
    grouped: dict[str, float] = {}
    for group, value in positive:
        grouped[group] = grouped.get(group, 0.0) + value / total * model_share
    return {k: round(v, 4) for k, v in sorted(grouped.items(), key=lambda kv: -kv[1])}


