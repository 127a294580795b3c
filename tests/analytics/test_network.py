"""Communities, centrality, hubs, brokers and weak ties on hand-built graphs and the fixture."""
import networkx as nx
import numpy as np

from kim_network.analytics import network
from kim_network.analytics.ecosystem import build_ecosystem
from kim_network.core.visibility import STAFF

from .ecosystem_data import ecosystem_records


def _barbell(clique: int, bridge_len: int = 1) -> nx.Graph:
    G = nx.barbell_graph(clique, bridge_len)
    return nx.relabel_nodes(G, {n: f"n{n}" for n in G})


def test_communities_split_two_cliques_and_are_stable():
    G = _barbell(8)
    found = network.communities(G)
    left = {found[f"n{i}"] for i in range(8)}
    right = {found[f"n{i}"] for i in range(9, 17)}
    assert len(left) == 1 and len(right) == 1 and left != right
    assert network.communities(G) == found  # same seed, same answer
    assert sorted(set(found.values()))[0] == 0


def test_communities_numbered_by_size():
    G = nx.disjoint_union(nx.complete_graph(3), nx.complete_graph(6))
    found = network.communities(G)
    assert found[3] == 0 and found[0] == 1  # the 6-clique is community 0


def test_bridge_node_is_the_top_broker_exact_and_sampled():
    G = _barbell(6)
    c = network.centrality(G)
    top = max(c, key=lambda n: c[n][1])
    assert top == "n6"  # the single node on the path between the cliques
    # Above EXACT_BETWEENNESS_MAX betweenness is estimated from samples.
    left = nx.barabasi_albert_graph(1700, 2, seed=1)
    right = nx.relabel_nodes(nx.barabasi_albert_graph(1700, 2, seed=2), lambda n: n + 1700)
    big = nx.union(left, right)
    big.add_edges_from([(0, "bridge"), ("bridge", 1700)])
    cb = network.centrality(big, samples=40)
    ranked = sorted(cb, key=lambda n: -cb[n][1])
    assert "bridge" in ranked[:3]
    assert 0.3 < cb["bridge"][1] <= 1.0  # about half of all shortest paths cross it


def test_sampled_betweenness_tracks_the_exact_one():
    G = nx.barabasi_albert_graph(3200, 2, seed=3)
    g, order = network.to_igraph(G)
    exact = dict(zip(order, g.betweenness(directed=False)))
    sampled = network.centrality(G, samples=200)
    a = np.array([exact[n] for n in G])
    b = np.array([sampled[n][1] for n in G])
    assert np.corrcoef(a, b)[0, 1] > 0.9


def test_fixture_hubs_brokers_and_weak_ties():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    central = network.centrality(eco.graph)
    table = network.hubs_and_brokers(eco, central, top=5)
    assert len(table["hubs"]) == 5
    assert table["hubs"][0]["partners"] >= table["hubs"][-1]["partners"] > 0
    assert all(r["betweenness"] > 0 for r in table["brokers"])
    weak = network.weakly_connected(eco)
    assert "Organization:loner" in weak["isolated"]
    assert "Organization:res-0" not in weak["isolated"] + weak["weak"]
    assert "Organization:old-dup" not in eco.members  # merged duplicates never count


def test_research_and_media_fall_into_different_communities():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    found = network.communities(eco.graph)
    research = {found[f"Organization:res-{i}"] for i in range(6)}
    media = {found[f"Organization:med-{i}"] for i in range(8)}
    assert not research & media
    summary = network.community_summary(eco, found, network.centrality(eco.graph))
    assert sum(row["size"] for row in summary) <= len(eco.members)
    assert summary[0]["size"] >= summary[-1]["size"]


def test_bridges_between_communities():
    eco = build_ecosystem(*ecosystem_records(), STAFF)
    found = network.communities(eco.graph)
    central = network.centrality(eco.graph)
    bridges = network.community_bridges(eco, found, central)
    for link in bridges["links"]:
        assert link["a"] < link["b"] and link["ties"] > 0
    for row in bridges["bridges"]:
        assert found[row["key"]] not in row["reaches"]
