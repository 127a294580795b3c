"""Network structure: communities (Louvain), centrality, hubs and brokers, weak ties, bridges.

The algorithms run in igraph's C core on an integer copy of the networkx graph, because
networkx's pure-Python Louvain needs ~15 s on the CORDIS graph and these must all be
ready in well under ten. Results are keyed by the networkx node keys again.
"""
from __future__ import annotations

import random
import threading
from collections import Counter, defaultdict

import igraph as ig
import networkx as nx
import numpy as np

from kim_network.analytics.ecosystem import MEMBER_LABELS, Ecosystem, split_key

EXACT_BETWEENNESS_MAX = 3000  # above this many nodes betweenness is estimated from samples
BETWEENNESS_SAMPLES = 96
_rng_lock = threading.Lock()  # igraph's random generator is process-global


def to_igraph(graph: nx.Graph, weight: str = "weight") -> tuple[ig.Graph, list]:
    """An igraph copy of an undirected networkx graph and the node list its indexes follow.

    The copy is kept on the graph (`graph.graph`) while its size stays the same, so
    communities and centrality of one snapshot convert it once.
    """
    cached = graph.graph.get("_igraph")
    if cached and cached[0] == (graph.number_of_nodes(), graph.number_of_edges(), weight):
        return cached[1], cached[2]
    order = list(graph.nodes)
    index = {n: i for i, n in enumerate(order)}
    pairs, weights = [], []
    for u, v, data in graph.edges(data=True):
        pairs.append((index[u], index[v]))
        weights.append(float(data.get(weight, 1.0)))
    g = ig.Graph(n=len(order), edges=pairs)
    g.es["weight"] = weights
    graph.graph["_igraph"] = ((graph.number_of_nodes(), graph.number_of_edges(), weight), g, order)
    return g, order


def communities(graph: nx.Graph, seed: int = 42, weight: str = "weight") -> dict:
    """Louvain communities: node -> community number, 0 for the largest, then by size.

    Deterministic for a given graph and seed. Isolated nodes form communities of one.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edges_from([("a", "b"), ("b", "c"), ("a", "c"), ("x", "y"), ("y", "z"), ("x", "z"), ("c", "x")])
    >>> found = communities(G)
    >>> found["a"] == found["b"] == found["c"], found["a"] != found["x"]
    (True, True)
    """
    if graph.number_of_nodes() == 0:
        return {}
    g, order = to_igraph(graph, weight)
    with _rng_lock:
        ig.set_random_number_generator(random.Random(seed))
        try:
            membership = g.community_multilevel(weights="weight" if g.ecount() else None).membership
        finally:
            ig.set_random_number_generator(random)
    sizes = Counter(membership)
    # Number by size, ties by the first node's position, so numbering is stable.
    first_seen: dict[int, int] = {}
    for i, c in enumerate(membership):
        first_seen.setdefault(c, i)
    ranked = sorted(sizes, key=lambda c: (-sizes[c], first_seen[c]))
    renumber = {c: i for i, c in enumerate(ranked)}
    return {order[i]: renumber[c] for i, c in enumerate(membership)}


def centrality(graph: nx.Graph, samples: int = BETWEENNESS_SAMPLES, seed: int = 42) -> dict:
    """Degree and betweenness of every node: `{node: (degree, betweenness)}`.

    Betweenness is normalised to 0..1 (share of shortest paths through the node). Up to
    `EXACT_BETWEENNESS_MAX` nodes it is exact; above, it is estimated from `samples`
    random source nodes (Brandes-Pich sampling), scaled to the full graph.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c"])
    >>> c = centrality(G)
    >>> c["b"], c["a"]
    ((2, 1.0), (1, 0.0))
    """
    n = graph.number_of_nodes()
    if n == 0:
        return {}
    g, order = to_igraph(graph)
    degree = g.degree()
    if n <= EXACT_BETWEENNESS_MAX or samples >= n:
        between = np.asarray(g.betweenness(directed=False), dtype=float)
    else:
        rng = np.random.default_rng(seed)
        sources = rng.choice(n, size=samples, replace=False).tolist()
        # Subset betweenness counts paths from the sampled sources to everyone; scale it up.
        between = np.asarray(g.betweenness(directed=False, sources=sources), dtype=float) * (n / samples)
    pairs = (n - 1) * (n - 2) / 2.0
    if pairs > 0:
        between = between / pairs
    between = np.clip(between, 0.0, 1.0)
    return {order[i]: (int(degree[i]), float(between[i])) for i in range(n)}


def hubs_and_brokers(eco: Ecosystem, central: dict, top: int = 10, keep=None) -> dict:
    """The best-connected members (partners) and the brokers (highest betweenness).

    Returns `{"hubs": [...], "brokers": [...]}`, each row `{key, partners, degree, betweenness}`.
    """
    partners = eco.partner_count()
    rows = []
    for key, i in eco.member_index.items():
        if keep is not None and not keep(key):
            continue
        degree, between = central.get(key, (0, 0.0))
        rows.append({"key": key, "partners": int(partners[i]), "degree": degree, "betweenness": between})
    hubs = sorted(rows, key=lambda r: (-r["partners"], -r["degree"], r["key"]))[:top]
    brokers = sorted((r for r in rows if r["betweenness"] > 0), key=lambda r: (-r["betweenness"], r["key"]))[:top]
    return {"hubs": hubs, "brokers": brokers}


def weakly_connected(eco: Ecosystem, weak_max: int = 1) -> dict:
    """Members with no tie to another member (isolated) or at most `weak_max` (weak).

    A tie is a shared project or event, or employment. Offering the same skill is not one.
    """
    partners = eco.partner_count()
    isolated, weak = [], []
    for key, i in eco.member_index.items():
        if partners[i] == 0:
            isolated.append(key)
        elif partners[i] <= weak_max:
            weak.append(key)
    return {"isolated": isolated, "weak": weak}


def community_summary(eco: Ecosystem, found: dict, central: dict, top: int = 12, keep=None,
                      skills_of: dict | None = None) -> list[dict]:
    """Per community of members: size, kinds, the best-connected members and the skills offered."""
    groups: dict[int, list[str]] = defaultdict(list)
    for key in eco.members:
        if key in found and (keep is None or keep(key)):
            groups[found[key]].append(key)
    out = []
    for cid in sorted(groups, key=lambda c: (-len(groups[c]), c))[:top]:
        keys = groups[cid]
        kinds = Counter(eco.nodes[k].get("kind", "other") for k in keys)
        skills = Counter(s for k in keys for s in (skills_of if skills_of is not None else eco.offers).get(k, ()))
        leaders = sorted(keys, key=lambda k: (-central.get(k, (0, 0))[0], k))[:3]
        out.append({
            "community": cid,
            "size": len(keys),
            "kinds": dict(kinds.most_common()),
            "leaders": leaders,
            "skills": [s for s, _ in skills.most_common(5)],
        })
    return out


def community_bridges(eco: Ecosystem, found: dict, central: dict, top: int = 10) -> dict:
    """How communities of members connect, and the members who connect them.

    `links`: pairs of communities with the number of member ties between them.
    `bridges`: members with partners in other communities, by how many communities they reach.
    """
    links: Counter = Counter()
    reach: dict[str, set[int]] = defaultdict(set)
    members = eco.members
    comm = np.array([found.get(k, -1) for k in members], dtype=np.int64)
    co = eco.partners.tocoo()
    row, col = co.row.astype(np.int64), co.col.astype(np.int64)
    ca, cb = comm[row], comm[col]
    across = (ca >= 0) & (cb >= 0) & (ca != cb)  # both directions are stored: each tie twice
    row, col, ca, cb = row[across], col[across], ca[across], cb[across]
    once = row < col
    span = int(comm.max()) + 1 if len(comm) else 1
    codes, counts = np.unique(np.minimum(ca, cb)[once] * span + np.maximum(ca, cb)[once], return_counts=True)
    for code, n in zip(codes.tolist(), counts.tolist()):
        links[divmod(code, span)] = n
    for code in np.unique(row * span + cb).tolist():
        i, c = divmod(code, span)
        reach[members[i]].add(c)
    bridge_rows = [
        {"key": k, "community": found.get(k), "reaches": sorted(cs),
         "betweenness": central.get(k, (0, 0.0))[1]}
        for k, cs in reach.items()
    ]
    bridge_rows.sort(key=lambda r: (-len(r["reaches"]), -r["betweenness"], r["key"]))
    return {
        "links": [{"a": a, "b": b, "ties": n} for (a, b), n in links.most_common(top)],
        "bridges": bridge_rows[:top],
    }


def is_member(key: str) -> bool:
    return split_key(key)[0] in MEMBER_LABELS


def stable_ids(found: dict, previous: dict | None, members: list[str] | None = None,
               previous_max: int | None = None) -> dict:
    """Renumber communities so each keeps the number of the previous community it overlaps most.

    Matching is greedy by overlap (members in common), largest first; communities that match
    none get fresh numbers after the highest used before (`previous_max`, when `previous`
    holds only the members). Without `previous` the numbering is left as it is.

    >>> stable_ids({"a": 0, "b": 0, "c": 1}, {"a": 5, "b": 5, "c": 2, "x": 9})
    {'a': 5, 'b': 5, 'c': 2}
    >>> stable_ids({"a": 0, "b": 1}, {"a": 3})
    {'a': 3, 'b': 4}
    >>> stable_ids({"a": 0, "b": 1}, {"a": 3}, previous_max=7)
    {'a': 3, 'b': 8}
    """
    if not previous and previous_max is None:
        return dict(found)
    previous = previous or {}
    keys = members if members is not None else list(found)
    overlap: Counter = Counter()
    sizes: Counter = Counter()
    for key in keys:
        c = found.get(key)
        if c is None:
            continue
        sizes[c] += 1
        p = previous.get(key)
        if p is not None:
            overlap[(c, p)] += 1
    mapping: dict[int, int] = {}
    taken: set[int] = set()
    for (c, p), _n in sorted(overlap.items(), key=lambda kv: (-kv[1], kv[0])):
        if c not in mapping and p not in taken:
            mapping[c] = p
            taken.add(p)
    fresh = max(list(previous.values()) + [-1 if previous_max is None else previous_max]) + 1
    for c in sorted(set(found.values()), key=lambda c: (-sizes[c], c)):
        if c not in mapping:
            while fresh in taken:
                fresh += 1
            mapping[c] = fresh
            taken.add(fresh)
    return {k: mapping[c] for k, c in found.items()}


def community_profiles(eco: Ecosystem, found: dict, skills_of: dict[str, set[str]], top: int = 12,
                       min_size: int = 3) -> list[dict]:
    """The largest communities of members with what they share, for a legend.

    Each row: `community`, `size`, `kinds` (most common first), `skills` (the skills most
    distinctive of the community: common in it, rarer elsewhere), and `name_de`/`name_en`
    made of those ("Spracherkennung · Maschinelles Lernen – vor allem Hochschulen").
    """
    groups: dict[int, list[str]] = defaultdict(list)
    for key in eco.members:
        if key in found:
            groups[found[key]].append(key)
    overall: Counter = Counter(s for key in eco.members for s in skills_of.get(key, ()))
    n_all = max(len(eco.members), 1)
    out = []
    for cid in sorted(groups, key=lambda c: (-len(groups[c]), c)):
        keys = groups[cid]
        if len(keys) < min_size or len(out) >= top:
            break
        kinds = Counter(eco.nodes[k].get("kind") or "other" for k in keys)
        here = Counter(s for k in keys for s in skills_of.get(k, ()))
        scored = []
        for skill, n in here.items():
            share = n / len(keys)
            if share < 0.2 and n < 3:
                continue
            lift = share / (overall[skill] / n_all)
            scored.append((share * np.log1p(lift), skill))
        skills = [s for _score, s in sorted(scored, key=lambda t: (-t[0], t[1]))[:3]]
        out.append({"community": cid, "size": len(keys), "kinds": dict(kinds.most_common()),
                    "skills": skills, **_community_name(eco, skills, kinds, len(keys))})
    return out


_KIND_PLURAL = {
    "company": ("Unternehmen", "companies"), "media_company": ("Medienunternehmen", "media companies"),
    "tech_provider": ("Technologieanbieter", "technology providers"), "university": ("Hochschulen", "universities"),
    "research_institute": ("Forschungsinstitute", "research institutes"), "public_body": ("Behörden", "public bodies"),
    "other": ("Sonstige", "other organisations"), "researcher": ("Forschende", "researchers"),
    "expert": ("Fachleute", "experts"), "media_professional": ("Medienschaffende", "media professionals"),
}


def _community_name(eco: Ecosystem, skills: list[str], kinds: Counter, size: int) -> dict:
    kind, count = kinds.most_common(1)[0]
    de_kind, en_kind = _KIND_PLURAL.get(kind, (kind, kind))
    mostly = count / size >= 0.5
    names = {}
    for lang, kind_name in (("de", de_kind), ("en", en_kind)):
        label = " · ".join(eco.name(s, lang) for s in skills[:2])
        if not label:
            label = kind_name
        elif mostly:
            label += (" – vor allem " if lang == "de" else " – mostly ") + kind_name
        names[f"name_{lang}"] = label
    return names


def plain_role(betweenness_rank: float, partners_rank: float) -> str:
    """A member's place in the network in plain words, from its percentile ranks (0 best .. 1).

    Returns a key: `broker` (among the top 2 % of connectors between groups), `connector`
    (top 10 %), `hub` (top 5 % by partners), `member`.

    >>> plain_role(0.01, 0.5), plain_role(0.5, 0.02), plain_role(0.08, 0.9), plain_role(0.5, 0.5)
    ('broker', 'hub', 'connector', 'member')
    """
    if betweenness_rank <= 0.02:
        return "broker"
    if partners_rank <= 0.05:
        return "hub"
    if betweenness_rank <= 0.10:
        return "connector"
    return "member"


def percentile_ranks(values: dict) -> dict:
    """Each key's rank as a share of all (0 = the highest value); zeros rank last."""
    ordered = sorted(values, key=lambda k: (-values[k], k))
    n = max(len(ordered), 1)
    return {k: (i / n if values[k] > 0 else 1.0) for i, k in enumerate(ordered)}


def network_roles(eco: Ecosystem, central: dict) -> dict[str, str]:
    """`plain_role` of every member: from its brokerage and partner percentile ranks."""
    partners = eco.partner_count()
    between = percentile_ranks({k: central.get(k, (0, 0.0))[1] for k in eco.members})
    many = percentile_ranks({k: int(partners[i]) for k, i in eco.member_index.items()})
    return {k: plain_role(between[k], many[k]) for k in eco.members}
