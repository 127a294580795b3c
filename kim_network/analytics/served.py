"""What web workers hold of one visibility level's analytics: `ServedSnapshot`.

The full `Snapshot` (every node's properties, the networkx graph, the map's node dicts) is
gigabytes at 10x CORDIS and private to each process that holds it. `serve` turns it, in the
process that builds it, into what the pages and the API read:

- the report of every scope with everything that depends on the graph alone;
- for what depends on more, exactly the data needed: the ranked members (hubs, brokers,
  bridges, outreach) to leave out the centre and its staff, whoever they are when the
  report is asked for; and the organisations with needs and their possible providers, to
  suggest introductions without those already made (`with_introductions`);
- the map (`kim_network.analytics.mapserve.ServedMap`), the roles and the legend; the map's
  rows double as the table of member keys and names.

Whole-graph data lives in numpy arrays (mapped from the shared files, one copy for all
workers); what stays Python objects is small: the reports, the legend, the names of skills
that are not on the map, and the organisations that need something.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

import networkx as nx
import numpy as np

from kim_network.analytics import actions, indicators
from kim_network.analytics.compact import Csr, KeyList
from kim_network.analytics.ecosystem import Ecosystem, split_key
from kim_network.analytics.mapserve import ServedMap
from kim_network.analytics.network import network_roles, weakly_connected
from kim_network.analytics.snapshot import SCOPES, Snapshot, compute_report, in_scope, legend_of, map_of
from kim_network.core.model import Label, display_name

_SCOPE_BIT = {"germany": 1, "bavaria": 2}
# Parts of a report that depend on more than the graph: made per request (`ServedSnapshot.report`).
_DYNAMIC = ("hubs_brokers", "weak", "funnel", "introductions", "outreach")
_HUBS, _BRIDGES, _OUTREACH, _INTRODUCTIONS = 10, 12, 20, 12


@dataclass(eq=False, repr=False)
class ServedSnapshot:
    """One visibility level's analytics as workers serve them (see the module's docstring)."""

    counter: int
    timings: dict
    map: ServedMap
    legend: list[dict]
    reports: dict[str, dict]  # scope -> the report's graph-only parts
    isolated: np.ndarray  # member rows without partners
    weak: np.ndarray  # member rows with one partner
    scope_bits: np.ndarray  # per member: 1 in Germany, 2 in Bavaria
    hub_order: np.ndarray  # member rows by partners, degree, key
    broker_order: np.ndarray  # member rows with betweenness > 0, by betweenness, key
    betweenness: np.ndarray  # per member, unrounded
    employees: Csr  # organisation row -> person rows
    bridges: list[tuple[int, dict]]  # the 60 widest-reaching members: (row, report row)
    outreach: list[tuple[int, dict]]  # the 60 members most worth a call: (row, report row)
    seekers: Ecosystem  # organisations with needs and their possible providers, for `bridging_introductions`
    seeker_communities: dict[str, int]
    skill_names: dict[str, tuple[str, str]]  # skills not on the map: key -> (de, en)
    community_max: int
    introductions: list[dict] = field(default_factory=list)
    _reports: dict = field(default_factory=dict)  # (suggested, scope, exclude) -> report
    lock: threading.Lock = field(default_factory=threading.Lock)

    # -- keys and names ------------------------------------------------------------------
    def row(self, key: str) -> int:
        """The member's (or map skill's) row, or -1."""
        return self.map.row(key)

    def name(self, key: str, lang: str = "de") -> str:
        """What `Ecosystem.name` says for the key."""
        i = self.map.row(key)
        if i >= 0:
            return (self.map.label_en if lang == "en" else self.map.label_de)[i]
        if key in self.skill_names:
            return self.skill_names[key][1 if lang == "en" else 0]
        label, node_id = split_key(key)
        return display_name(label, {"id": node_id}, lang)

    def roles(self) -> "Roles":
        return Roles(self)

    def member_communities(self) -> dict[str, int]:
        """Each member's community (for numbering the next snapshot's communities alike)."""
        m = self.map
        return {m.key(i): int(c) for i, c in enumerate(m.community[:m.members].tolist())}

    # -- the report ----------------------------------------------------------------------
    def exclusion(self, organizations: set[str], people: set[str]) -> frozenset[str]:
        """`snapshot.centre_and_staff` on the served data."""
        rows = set()
        for key in [f"Organization:{o}" for o in organizations] + [f"Person:{p}" for p in people]:
            i = self.map.row(key)
            if 0 <= i < self.map.members:
                rows.add(i)
                rows.update(self.employees.row(i).tolist())
        return frozenset(self.map.key(i) for i in rows)

    def report(self, suggested: int | None = None, scope: str = "all",
               exclude: frozenset[str] = frozenset()) -> dict:
        """`snapshot.compute_report` of the full snapshot, with the current introductions."""
        m, n = self.map, self.map.members
        keep = np.ones(n, dtype=bool) if scope not in _SCOPE_BIT else (self.scope_bits & _SCOPE_BIT[scope]) > 0
        ranked = keep.copy()
        for key in exclude:
            i = m.row(key)
            if 0 <= i < n:
                ranked[i] = False

        def row(i: int) -> dict:
            return {"key": m.key(i), "partners": int(m.partners[i]), "degree": int(m.degree[i]),
                    "betweenness": float(self.betweenness[i])}

        report = dict(self.reports[scope])
        report["hubs_brokers"] = {"hubs": [row(i) for i in self.hub_order[ranked[self.hub_order]][:_HUBS].tolist()],
                                  "brokers": [row(i) for i in
                                              self.broker_order[ranked[self.broker_order]][:_HUBS].tolist()]}
        report["weak"] = {"isolated": KeyList(self.isolated[keep[self.isolated]], m.key),
                          "weak": KeyList(self.weak[keep[self.weak]], m.key)}
        bridges = dict(report["bridges"])
        bridges["bridges"] = [b for i, b in self.bridges if ranked[i]][:_BRIDGES]
        report["bridges"] = bridges
        report["outreach"] = [r for i, r in self.outreach if ranked[i]][:_OUTREACH]
        report["funnel"] = indicators.introduction_funnel(self.introductions, suggested)
        links = {(r["a"], r["b"]): r["ties"] for r in bridges["links"]}
        seekers = replace(self.seekers, introductions=self.introductions)
        nodes = seekers.nodes
        report["introductions"] = [
            r for r in actions.bridging_introductions(seekers, self.seeker_communities, links, top=40)
            if in_scope(nodes.get(r["seeker"], {}), scope) and in_scope(nodes.get(r["provider"], {}), scope)
        ][:_INTRODUCTIONS]
        return report


class Roles:
    """Each member's `network.plain_role`, read from the served map (a dict's `get`)."""

    def __init__(self, served: ServedSnapshot) -> None:
        self.map = served.map

    def get(self, key: str, default=None):
        i = self.map.row(key)
        return self.map.role[i] if 0 <= i < self.map.members else default


def serve(snap: Snapshot, today: date | None = None) -> ServedSnapshot:
    """What workers serve of a full snapshot: its reports, map, roles and legend, precomputed."""
    eco, found, central = snap.eco, snap.communities, snap.centrality
    graph = map_of(snap)
    started = time.perf_counter()
    roles = network_roles(eco, central)
    legend = legend_of(snap)
    smap = ServedMap.of(graph, eco, roles)
    members, index = eco.members, eco.member_index
    reports = {}
    for scope in SCOPES:
        full = compute_report(snap, None, today=today, scope=scope)
        reports[scope] = {k: v for k, v in full.items() if k not in _DYNAMIC}
    weak = weakly_connected(eco)
    partners = eco.partner_count()
    degree = np.array([central.get(k, (0, 0.0))[0] for k in members], dtype=np.int64)
    between = np.array([central.get(k, (0, 0.0))[1] for k in members], dtype=np.float64)
    hub_order = sorted(range(len(members)), key=lambda i: (-int(partners[i]), -degree[i], members[i]))
    broker_order = sorted((i for i in range(len(members)) if between[i] > 0), key=lambda i: (-between[i], members[i]))
    bits = np.array([(1 if in_scope(eco.nodes.get(k, {}), "germany") else 0)
                     | (2 if in_scope(eco.nodes.get(k, {}), "bavaria") else 0) for k in members], dtype=np.uint8)
    employees = Csr.of(len(members), [(index[o], index[p]) for p, orgs in eco.employer.items()
                                      for o in orgs if o in index and p in index])
    on_map = set(graph.nodes)
    skill_names = {k: (eco.name(k, "de"), eco.name(k, "en")) for k in eco.nodes
                   if split_key(k)[0] == Label.SKILL.value and k not in on_map}
    seekers = _seekers(eco)
    timings = {**snap.timings, "served": time.perf_counter() - started}  # reports and arrays, after the map
    return ServedSnapshot(
        counter=snap.counter, timings=timings, map=smap, legend=legend, reports=reports,
        isolated=np.array([index[k] for k in weak["isolated"]], dtype=np.int32),
        weak=np.array([index[k] for k in weak["weak"]], dtype=np.int32), scope_bits=bits,
        hub_order=np.asarray(hub_order, dtype=np.int32), broker_order=np.asarray(broker_order, dtype=np.int32),
        betweenness=between, employees=employees,
        bridges=[(index[b["key"]], b) for b in snap._bridges["bridges"]],
        outreach=[(index[r["key"]], r) for r in snap._outreach[1]],
        seekers=seekers, seeker_communities={k: found[k] for k in seekers.members if k in found},
        skill_names=skill_names, community_max=max(found.values(), default=-1),
        introductions=list(eco.introductions))


def _seekers(eco: Ecosystem) -> Ecosystem:
    """The part of the ecosystem `actions.bridging_introductions` reads: organisations that need
    a skill, those that offer one of the needed skills, and the ties among them.

    Offers and needs are those of each organisation with its people's (as the suggestions
    count them), offers only of needed skills: the suggestions come out the same.
    """
    offered: dict[str, set[str]] = defaultdict(set)
    needed: dict[str, set[str]] = defaultdict(set)
    for table, out in ((eco.offers, offered), (eco.needs, needed)):
        for member, skills in table.items():
            org = actions.org_of(eco, member)
            if org is not None:
                out[org] |= skills
    wanted = set().union(*needed.values()) if needed else set()
    offers = {org: skills & wanted for org, skills in offered.items() if skills & wanted}
    orgs = sorted(set(needed) | set(offers))
    rows = [eco.member_index[k] for k in orgs]
    keys = set(orgs) | wanted
    return Ecosystem(nodes={k: eco.nodes[k] for k in keys if k in eco.nodes}, graph=nx.Graph(), members=orgs,
                     member_index={k: i for i, k in enumerate(orgs)},
                     partners=eco.partners[rows][:, rows].tocsr(), offers=offers, needs=dict(needed))
