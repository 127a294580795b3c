"""From insight to action: introductions that would bridge communities, members worth a call.

Each suggestion carries reasons in the shape recommendations use (`kind`, `text_de`,
`text_en`, `share`, `data`), so the pages show them the same way.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Mapping

from kim_network.core.messages import Message, msg, names, nmsg
from kim_network.core.model import Label
from kim_network.analytics.ecosystem import Ecosystem, split_key

RESEARCH_KINDS = ("university", "research_institute")
PRACTICE_KINDS = ("media_company", "company", "tech_provider")
STALE_DAYS = 365
IMPORTED_SOURCES = ("cordis",)


def _reason(kind: str, message: Message, share: float = 0.0, **data) -> dict:
    """A reason in the shape recommendations use; its text is a catalogue message in both languages."""
    texts = message.texts()
    return {"kind": kind, "text_de": texts["de"], "text_en": texts["en"], "share": round(share, 3), "data": data}


def _names(eco: Ecosystem, skills, limit: int = 3):
    """Skill names as one message parameter, rendered in each reader's language."""
    from kim_network.core.messages import Localized

    return names(sorted((Localized(de=eco.name(s, "de"), en=eco.name(s, "en")) for s in skills),
                        key=lambda n: n.de.casefold()), limit)


def org_of(eco: Ecosystem, key: str) -> str | None:
    """The organisation that speaks for a member: itself, or a person's (single) employer."""
    label = split_key(key)[0]
    if label == Label.ORGANIZATION.value:
        return key
    employers = sorted(eco.employer.get(key, ()))
    return employers[0] if employers else None


def bridging_introductions(
    eco: Ecosystem,
    found: Mapping[str, int],
    community_links: Mapping[tuple[int, int], int] | None = None,
    top: int = 15,
    per_member: int = 2,
) -> list[dict]:
    """Introductions between organisations of different communities where one covers the other's needs.

    A pair (seeker, provider) qualifies when the provider offers at least one skill the
    seeker needs, the two sit in different communities and have no tie and no
    introduction yet. The score is the share of the seeker's needs covered, plus a little
    for research meeting practice, for needs covered both ways, and for communities that
    barely meet so far.

    Returns rows `{seeker, provider, score, skills, reasons}` (keys of organisations).

    Examples
    --------
    >>> from kim_network.analytics.ecosystem import build_ecosystem
    >>> eco = build_ecosystem(
    ...     [("Organization", {"id": "lab", "name": "KI-Labor", "kind": "research_institute"}),
    ...      ("Organization", {"id": "tv", "name": "Regio TV", "kind": "media_company", "sme": True}),
    ...      ("Skill", {"id": "asr", "label_de": "Spracherkennung", "label_en": "Speech recognition"})],
    ...     [{"type": "OFFERS", "source": "lab", "target": "asr"},
    ...      {"type": "NEEDS", "source": "tv", "target": "asr"}])
    >>> rows = bridging_introductions(eco, {"Organization:lab": 0, "Organization:tv": 1})
    >>> rows[0]["seeker"], rows[0]["provider"], rows[0]["reasons"][0]["text_en"]
    ('Organization:tv', 'Organization:lab', 'KI-Labor offers Speech recognition, which Regio TV needs.')
    """
    links = community_links or {}
    providers: dict[str, set[str]] = defaultdict(set)  # skill -> provider orgs
    offered_by_org: dict[str, set[str]] = defaultdict(set)
    for member, skills in eco.offers.items():
        org = org_of(eco, member)
        if org is None:
            continue
        offered_by_org[org] |= skills
        for s in skills:
            providers[s].add(org)
    needed_by_org: dict[str, set[str]] = defaultdict(set)
    for member, skills in eco.needs.items():
        org = org_of(eco, member)
        if org is not None:
            needed_by_org[org] |= skills
    # Any request between the two, either way (a staff bridge records the seeker as requester_org).
    asked = {(i.get("requester_org"), i.get("target_org")) for i in eco.introductions}
    asked |= {(b, a) for a, b in asked}

    candidates = []
    for seeker, needs in needed_by_org.items():
        cs = found.get(seeker)
        covered: dict[str, set[str]] = defaultdict(set)
        for s in needs:
            for provider in providers.get(s, ()):
                covered[provider].add(s)
        for provider, skills in covered.items():
            cp = found.get(provider)
            if provider == seeker or cs is None or cp is None or cs == cp:
                continue
            i, j = eco.member_index[seeker], eco.member_index[provider]
            if eco.partners[i, j] > 0:
                continue
            if (split_key(seeker)[1], split_key(provider)[1]) in asked:
                continue
            candidates.append(_score_pair(eco, seeker, provider, skills, needs, offered_by_org,
                                          needed_by_org, cs, cp, links))
    candidates.sort(key=lambda r: (-r["score"], r["seeker"], r["provider"]))
    taken: Counter = Counter()
    out = []
    for row in candidates:
        if taken[row["seeker"]] >= per_member or taken[row["provider"]] >= per_member:
            continue
        taken[row["seeker"]] += 1
        taken[row["provider"]] += 1
        out.append(row)
        if len(out) >= top:
            break
    return out


def _score_pair(eco, seeker, provider, skills, needs, offered_by_org, needed_by_org, cs, cp, links) -> dict:
    s_node, p_node = eco.nodes[seeker], eco.nodes[provider]
    s_name, p_name = eco.name(seeker), eco.name(provider)
    coverage = len(skills) / max(len(needs), 1)
    reasons = [_reason(
        "complementary_skills",
        msg("%(provider)s offers %(skills)s, which %(seeker)s needs.", provider=p_name, seeker=s_name,
            skills=_names(eco, skills)),
        coverage, skills=sorted(split_key(s)[1] for s in skills))]
    score = coverage
    back = needed_by_org.get(provider, set()) & offered_by_org.get(seeker, set())
    if back:
        score += 0.15
        reasons.append(_reason(
            "reciprocal",
            msg("In return, %(provider)s needs %(skills)s, which %(seeker)s offers.", provider=p_name,
                seeker=s_name, skills=_names(eco, back)),
            0.15, skills=sorted(split_key(s)[1] for s in back)))
    if p_node.get("kind") in RESEARCH_KINDS and s_node.get("kind") in PRACTICE_KINDS:
        score += 0.1
        reasons.append(_reason(
            "kind_fit", msg("Research meets practice: know-how from research for an applied need."), 0.1))
    ties = links.get((min(cs, cp), max(cs, cp)), 0)
    bridge = 0.1 / (1 + ties)
    score += bridge
    reasons.append(_reason(
        "bridge",
        msg("The two work in parts of the network that have no tie yet.") if not ties else
        nmsg("The two work in parts of the network with only %(n)d tie so far.",
             "The two work in parts of the network with only %(n)d ties so far.", ties),
        bridge, communities=[cs, cp], ties=ties))
    if s_node.get("sme"):
        score += 0.05
        reasons.append(_reason("sme_boost", msg("%(name)s is an SME.", name=s_name), 0.05))
    total = sum(r["share"] for r in reasons) or 1.0
    for r in reasons:
        r["share"] = round(r["share"] / total, 3)
    return {"seeker": seeker, "provider": provider, "score": round(score, 4),
            "skills": sorted(skills), "reasons": reasons}


def _days_since(value: str | None, today: date) -> int | None:
    if not value or len(value) < 10:
        return None
    try:
        return (today - date.fromisoformat(value[:10])).days
    except ValueError:
        return None


def outreach_candidates(eco: Ecosystem, today: date | None = None, top: int = 25,
                        stale_days: int = STALE_DAYS) -> list[dict]:
    """Members worth reaching out to: isolated, with a stale profile, or with needs nobody meets.

    Imported records (never claimed by a member) are not called stale or thin: they were
    never confirmed by anyone. Returns rows `{key, score, reasons}`, most reasons first.

    Examples
    --------
    >>> from kim_network.analytics.ecosystem import build_ecosystem
    >>> eco = build_ecosystem(
    ...     [("Organization", {"id": "tv", "name": "Regio TV", "kind": "media_company",
    ...       "confirmed_at": "2023-01-10"}),
    ...      ("Skill", {"id": "xr", "label_de": "Erweiterte Realität", "label_en": "Extended reality"})],
    ...     [{"type": "NEEDS", "source": "tv", "target": "xr"}])
    >>> row = outreach_candidates(eco, today=date(2025, 1, 10))[0]
    >>> [r["kind"] for r in row["reasons"]]
    ['isolated', 'stale', 'unmet_needs', 'thin_profile']
    """
    today = today or date.today()
    supply = Counter(s for skills in eco.offers.values() for s in skills)
    partners = eco.partner_count()
    rows = []
    for key, i in eco.member_index.items():
        node = eco.nodes[key]
        imported = node.get("source") in IMPORTED_SOURCES
        reasons = []
        if partners[i] == 0:
            reasons.append(_reason(
                "isolated",
                msg("%(name)s is not yet connected to anyone in the network (no shared project or event).",
                    name=eco.name(key)), 1.0))
        last = node.get("confirmed_at") or node.get("updated_at") or (None if imported else node.get("created_at"))
        days = _days_since(last, today)
        if days is not None and days > stale_days:
            months = days // 30
            reasons.append(_reason(
                "stale", nmsg("Profile not confirmed for %(n)d month.", "Profile not confirmed for %(n)d months.",
                              months), 0.8, last_confirmed=last[:10]))
        unmet = {s for s in eco.needs.get(key, ()) if supply.get(s, 0) == 0}
        if unmet:
            reasons.append(_reason(
                "unmet_needs", msg("Needs %(skills)s, which nobody in the network offers yet.", skills=_names(eco, unmet)),
                0.6, skills=sorted(split_key(s)[1] for s in unmet)))
        if not imported and not eco.offers.get(key) and not (node.get("description_de") or node.get("description_en")):
            reasons.append(_reason(
                "thin_profile", msg("Profile without skills or description: hard to find."), 0.4))
        if reasons:
            score = sum(r["share"] for r in reasons)
            total = score or 1.0
            for r in reasons:
                r["share"] = round(r["share"] / total, 3)
            rows.append({"key": key, "score": round(score, 3), "reasons": reasons})
    rows.sort(key=lambda r: (-r["score"], r["key"]))
    return rows[:top]
