"""The map's graph: organisations, people and skills with positions, filters and a focus mode.

`build_map` turns one viewer's ecosystem into nodes and edges with server-side positions;
`parse_filters` checks the map's filters, which `mapserve.select` applies to the map in the
arrays that workers serve. All are pure; the web layer only parses the query and serialises
the result.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from kim_network.core.errors import Invalid
from kim_network.core.model import ORG_KINDS, PERSON_KINDS, Label
from kim_network.analytics.ecosystem import Ecosystem, split_key
from kim_network.analytics.layout import community_layout

NODE_KINDS = {"Organization": "organization", "Person": "person", "Skill": "skill"}
MAX_PARTNER_EDGES = 6  # per node in the overview; the focus mode shows every tie
DEFAULT_LIMIT = 5000
MAX_LIMIT = 30000
FOCUS_LIMIT = 150  # a neighbourhood shows at most this many nodes at first; "show more" raises it
MAX_FOCUS_LIMIT = 5000


class MapQueryError(Invalid):
    """A map filter that cannot be applied; the message says which and why."""

    status = 400


@dataclass
class MapGraph:
    """All nodes one viewer may see on the map, laid out, and the ties between them."""

    nodes: dict[str, dict]
    edges: list[dict]
    adjacency: dict[str, set[str]]
    member_skills: dict[str, set[str]] = field(default_factory=dict)
    employer: dict[str, set[str]] = field(default_factory=dict)


def _top_partner_edges(eco: Ecosystem, keep: int) -> list[tuple[str, str, float]]:
    """Member ties, each node keeping its `keep` strongest (ties of either end survive)."""
    co = eco.partners
    chosen: dict[tuple[int, int], float] = {}
    for i in range(co.shape[0]):
        start, end = co.indptr[i], co.indptr[i + 1]
        if start == end:
            continue
        cols, vals = co.indices[start:end], co.data[start:end]
        if end - start > keep:
            best = np.argpartition(-vals, keep - 1)[:keep]
            cols, vals = cols[best], vals[best]
        for j, w in zip(cols.tolist(), vals.tolist()):
            chosen[(min(i, j), max(i, j))] = w
    return [(eco.members[i], eco.members[j], w) for (i, j), w in sorted(chosen.items())]


def build_map(eco: Ecosystem, found: dict, central: dict, seed: int = 42) -> MapGraph:
    """Map nodes (members and the skills they offer or need) with community, size and position.

    Examples
    --------
    >>> from kim_network.analytics.ecosystem import build_ecosystem
    >>> eco = build_ecosystem(
    ...     [("Organization", {"id": "a", "name": "A", "kind": "media_company"}),
    ...      ("Organization", {"id": "b", "name": "B", "kind": "university"}),
    ...      ("Project", {"id": "p", "title": "P"}),
    ...      ("Skill", {"id": "asr", "label_de": "Spracherkennung", "label_en": "Speech recognition"})],
    ...     [{"type": "PARTICIPATED_IN", "source": "a", "target": "p"},
    ...      {"type": "PARTICIPATED_IN", "source": "b", "target": "p"},
    ...      {"type": "OFFERS", "source": "b", "target": "asr"}])
    >>> m = build_map(eco, {}, {})
    >>> sorted(m.nodes), sorted((e["source"], e["target"], e["type"]) for e in m.edges)[0]
    (['Organization:a', 'Organization:b', 'Skill:asr'], ('Organization:a', 'Organization:b', 'partner'))
    """
    partners = eco.partner_count()
    employment = {(p, o) for p, orgs in eco.employer.items() for o in orgs}
    edges: list[dict] = []
    for a, b, w in _top_partner_edges(eco, MAX_PARTNER_EDGES):
        kind = "works_at" if (a, b) in employment or (b, a) in employment else \
            "met" if (a, b) in eco.met or (b, a) in eco.met else "partner"
        if kind == "works_at":
            a, b = (a, b) if (a, b) in employment else (b, a)
        edges.append({"source": a, "target": b, "type": kind, "weight": w})
    member_skills: dict[str, set[str]] = defaultdict(set)
    skill_use: Counter = Counter()
    for rel, table in (("offers", eco.offers), ("needs", eco.needs)):
        for member, skills in table.items():
            for s in skills:
                edges.append({"source": member, "target": s, "type": rel, "weight": 1.0})
                member_skills[member].add(s)
                skill_use[s] += 1

    # Skills join the community most of their members are in.
    skill_comm: dict[str, Counter] = defaultdict(Counter)
    for member, skills in member_skills.items():
        if member in found:
            for s in skills:
                skill_comm[s][found[member]] += 1
    community = {k: found[k] for k in eco.members if k in found}
    for s, counts in skill_comm.items():
        community[s] = counts.most_common(1)[0][0]

    keys = list(eco.members) + sorted(skill_use)
    positions = community_layout(keys, ((e["source"], e["target"], e["weight"]) for e in edges), community, seed)
    max_partners = max(int(partners.max()) if len(partners) else 0, 1)
    max_use = max(skill_use.values(), default=1)
    nodes: dict[str, dict] = {}
    for key in keys:
        label, node_id = split_key(key)
        props = eco.nodes.get(key, {})
        if label == Label.SKILL.value:
            weight = skill_use[key] / max_use
            base, span = 2.0, 6.0  # skills stay small: the members are what the map is about
        else:
            weight = partners[eco.member_index[key]] / max_partners
            base, span = (3.0, 12.0) if label == Label.ORGANIZATION.value else (2.0, 5.0)
        degree, between = central.get(key, (0, 0.0))
        x, y = positions[key]
        nodes[key] = {
            "id": key,
            "node_id": node_id,
            "label_de": eco.name(key, "de"),
            "label_en": eco.name(key, "en"),
            "kind": NODE_KINDS[label],
            "subkind": props.get("kind"),
            "community": community.get(key, -1),
            "size": round(base + span * float(np.sqrt(weight)), 2),
            "x": x,
            "y": y,
            "region": props.get("region"),
            "sme": props.get("sme"),
            "created_at": (props.get("created_at") or "")[:10] or None,
            "partners": int(partners[eco.member_index[key]]) if key in eco.member_index else None,
            "degree": degree,
            "betweenness": round(between, 6),
        }
    adjacency: dict[str, set[str]] = defaultdict(set)
    for e in edges:
        adjacency[e["source"]].add(e["target"])
        adjacency[e["target"]].add(e["source"])
    return MapGraph(nodes=nodes, edges=edges, adjacency=dict(adjacency),
                    member_skills=dict(member_skills), employer=eco.employer)


def _csv(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(",") if v.strip()]


def _year_bound(value: str | None, name: str) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) == 4 and value.isdigit():
        return value
    if len(value) in (7, 10) and value[:4].isdigit():
        return value
    raise MapQueryError(f"{name} must be a year (2023) or a date (2023-05-01)")


@dataclass(frozen=True)
class Filters:
    """The map's filters, checked: what `mapserve.select` applies."""

    node_kinds: frozenset
    member_kinds: frozenset
    regions: tuple
    sme_value: bool | None
    since: str | None
    until: str | None
    skills: tuple  # as given: ids, keys or names


def parse_filters(kind=None, skill=None, region=None, sme=None, since=None, until=None, depth: int = 1,
                  limit: int = DEFAULT_LIMIT, focus_limit: int = FOCUS_LIMIT) -> Filters:
    """Check the map's query; a `MapQueryError` says which filter cannot be applied and why."""
    kinds = _csv(kind)
    node_kinds = {k for k in kinds if k in NODE_KINDS.values()}
    member_kinds = {k for k in kinds if k in ORG_KINDS or k in PERSON_KINDS}
    unknown = set(kinds) - node_kinds - member_kinds
    if unknown:
        raise MapQueryError(f"unknown kind {sorted(unknown)[0]!r}; use organization, person, skill or a member kind")
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise MapQueryError(f"limit must be between 1 and {MAX_LIMIT}")
    if depth not in (1, 2):
        raise MapQueryError("depth must be 1 or 2")
    if not isinstance(focus_limit, int) or not 2 <= focus_limit <= MAX_FOCUS_LIMIT:
        raise MapQueryError(f"focus_limit must be between 2 and {MAX_FOCUS_LIMIT}")
    regions = [r.upper() for r in _csv(region)]
    for r in regions:
        if not (2 <= len(r) <= 5 and r.isalnum()):
            raise MapQueryError(f"region {r!r} is not a NUTS code such as DE21")
    sme_value = None
    if sme not in (None, ""):
        if sme.lower() not in ("true", "false", "1", "0", "yes", "no"):
            raise MapQueryError("sme must be true or false")
        sme_value = sme.lower() in ("true", "1", "yes")
    since_v, until_v = _year_bound(since, "since"), _year_bound(until, "until")
    return Filters(frozenset(node_kinds), frozenset(member_kinds), tuple(regions), sme_value, since_v, until_v,
                   tuple(_csv(skill)))
