"""Likely duplicates of a newly registered organisation: similar names and the same mail domain.

Shown to staff on the approval page so they can offer the existing organisation (merge)
instead of approving a second record of it. Names are compared with rapidfuzz after folding
case, accents and legal forms; candidates come from the store's name index, plus the
organisations whose accounts, contact address or website share the registrant's domain.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlparse

from rapidfuzz import fuzz

from kim_network.core.model import Label, display_name
from kim_network.core.text import strip_accents
from kim_network.store import GraphStore
from kim_network.store.base import search_terms

SIMILAR = 85  # rapidfuzz token-set score (0..100) from which names count as similar
# Mail providers anyone can use: sharing one says nothing about the organisation.
FREEMAIL = frozenset({
    "gmail.com", "googlemail.com", "gmx.de", "gmx.net", "gmx.at", "web.de", "t-online.de", "yahoo.com", "yahoo.de",
    "outlook.com", "outlook.de", "hotmail.com", "hotmail.de", "live.com", "icloud.com", "me.com", "posteo.de",
    "mailbox.org", "aol.com", "freenet.de", "protonmail.com", "proton.me", "arcor.de", "online.de",
})
_LEGAL = re.compile(r"\b(gmbh|ggmbh|mbh|ug|ag|kg|ohg|e\s?v|ev|ltd|limited|inc|srl|sarl|sas|spa|bv|nv|sa|sl|slu|co|"
                    r"haftungsbeschrankt|gbr|eg)\b")


@dataclass
class Duplicate:
    id: str
    name: str
    city: str | None
    score: int  # name similarity 0..100
    same_domain: bool
    reasons: list[str] = field(default_factory=list)  # "name", "domain"


def _fold(name: str) -> str:
    text = strip_accents((name or "").casefold())
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", _LEGAL.sub(" ", text)).strip()


def domain_of(value: str | None) -> str | None:
    """The domain of a mail address or website, without www.; None for freemail or nothing.

    >>> domain_of("anna@Bergmedia.example"), domain_of("https://www.bergmedia.example/team"), domain_of("x@gmx.de")
    ('bergmedia.example', 'bergmedia.example', None)
    """
    value = (value or "").strip().lower()
    if not value:
        return None
    host = value.rsplit("@", 1)[1] if "@" in value else (urlparse(value if "//" in value else "//" + value).hostname or "")
    host = host.removeprefix("www.")
    return host if host and "." in host and host not in FREEMAIL else None


def likely_duplicates(store: GraphStore, org: dict, email: str | None, limit: int = 3) -> list[Duplicate]:
    """Existing organisations (not pending, not merged) that may be the one just registered."""
    name = _fold(org.get("name") or "")
    candidates: dict[str, dict] = {}
    words = [w for w in name.split() if len(w) > 2]
    if words and search_terms(" ".join(words)):
        for query in (" ".join(words), *words[:3]):  # all words, then each (typos in one word)
            hits, _ = store.search(query, labels=[Label.ORGANIZATION], limit=30)
            for hit in hits:
                candidates.setdefault(hit.id, hit.node)
    domain = domain_of(email)
    by_domain: set[str] = set()
    if domain:
        for account in store.all_nodes(Label.ACCOUNT):
            if domain_of(account.get("email")) == domain and account.get("organization_id"):
                by_domain.add(account["organization_id"])
        for node_id, node in store.get_nodes(Label.ORGANIZATION, sorted(by_domain)).items():
            candidates.setdefault(node_id, node)
        hits, _ = store.search(domain.split(".")[0], labels=[Label.ORGANIZATION], limit=30)
        for hit in hits:
            if domain in (domain_of(hit.node.get("website")), domain_of(hit.node.get("contact_email"))):
                by_domain.add(hit.id)
                candidates.setdefault(hit.id, hit.node)
    out = []
    for node_id, node in candidates.items():
        if node_id == org.get("id") or node.get("pending") or node.get("merged_into"):
            continue
        score = int(round(fuzz.token_set_ratio(name, _fold(node.get("name") or ""))))
        same = node_id in by_domain
        if score >= SIMILAR or same:
            out.append(Duplicate(node_id, display_name(Label.ORGANIZATION, node), node.get("city"), score, same,
                                 [r for r, ok in (("name", score >= SIMILAR), ("domain", same)) if ok]))
    out.sort(key=lambda d: (-(d.same_domain and d.score >= SIMILAR), -d.score, d.id))
    return out[:limit]
