"""The demo builder: one random generator, the shared state, and `generate` / `seed`."""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from kim_network.core.model import Label, Rel
from kim_network.core.taxonomy import SKILLS, seed_taxonomy
from kim_network.demo.data import (
    CITIES, CLUSTERS, DEFAULT_SEED, REFERENCE_DAY, City, iso_stamp, join_names,
)
from kim_network.demo.events import EventsMixin
from kim_network.demo.organizations import OrganizationsMixin
from kim_network.demo.people import PeopleMixin
from kim_network.demo.projects import ProjectsMixin


@dataclass
class DemoData:
    """The generated graph: node rows by label and edge rows by relationship type."""

    nodes: dict[Label, list[dict]] = field(default_factory=dict)
    edges: dict[Rel, list[dict]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {label.value: len(rows) for label, rows in self.nodes.items()}
        out.update({rel.value: len(rows) for rel, rows in self.edges.items()})
        return out

    def node(self, label: Label, node_id: str) -> dict | None:
        return next((n for n in self.nodes.get(label, []) if n["id"] == node_id), None)


class Builder(OrganizationsMixin, PeopleMixin, ProjectsMixin, EventsMixin):
    """Builds one DemoData from one random generator; all choices go through `self.rng`."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.skills = {s.id: s for s in SKILLS}
        self.orgs: list[dict] = []
        self.org_meta: dict[str, dict] = {}  # id -> {city, type, clusters, offers, has, needs}
        self.people: list[dict] = []
        self.person_meta: dict[str, dict] = {}
        self.staff_by_org: dict[str, list[str]] = {}
        self.edges: dict[Rel, list[dict]] = {rel: [] for rel in Rel}
        self.edge_keys: set[tuple] = set()
        self.names: set[str] = set()
        self.slugs: set[str] = set()
        self.person_names: set[str] = set()
        self.projects: list[dict] = []
        self.project_partners: dict[str, list[str]] = {}

    # -- small helpers ----------------------------------------------------------------
    def edge(self, rel: Rel, src: str, dst: str, src_label: Label | None = None, **props) -> None:
        """Record an edge once. (An edge's own `source` property cannot travel in a row,
        whose `source` is the start node, so demo edges carry none.)"""
        key = (rel, src_label, src, dst)
        if key in self.edge_keys:
            return
        self.edge_keys.add(key)
        row = {"source": src, "target": dst, **props}
        if src_label is not None:
            row["source_label"] = src_label.value
        self.edges[rel].append(row)

    def label(self, skill_id: str, lang: str) -> str:
        return getattr(self.skills[skill_id], f"label_{lang}")

    def labels(self, skill_ids, lang: str, limit: int = 4) -> str:
        return join_names([self.label(s, lang) for s in list(skill_ids)[:limit]], lang)

    def weighted(self, items, weights):
        return self.rng.choices(list(items), weights=list(weights), k=1)[0]

    def pick_city(self, tech: bool) -> City:
        return self.weighted(CITIES, [c.tech_weight if tech else c.media_weight for c in CITIES])

    def unique_name(self, make) -> str:
        for _ in range(200):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("could not find a free organisation name")

    def dates(self, start: date = date(2023, 1, 10), stale_share: float = 0.2) -> dict:
        """created/confirmed/updated timestamps; a share stays unconfirmed for over a year."""
        rng = self.rng
        span = (REFERENCE_DAY - start).days
        created = start + timedelta(days=int(span * rng.random() ** 1.3))
        if rng.random() < stale_share and created < REFERENCE_DAY - timedelta(days=400):
            confirmed = created + timedelta(days=rng.randint(0, 30))
        else:
            lower = max(created, REFERENCE_DAY - timedelta(days=330))
            confirmed = lower + timedelta(days=rng.randint(0, max(0, (REFERENCE_DAY - lower).days)))
        updated = confirmed + timedelta(days=rng.randint(0, max(0, min(60, (REFERENCE_DAY - confirmed).days))))
        return {"created_at": iso_stamp(created, rng), "confirmed_at": iso_stamp(confirmed, rng),
                "updated_at": iso_stamp(updated, rng)}

    def sample_cluster_skills(self, cluster: str, lo: int, hi: int) -> list[str]:
        """Skills from a cluster; the first (core) skills of a cluster are picked more often."""
        pool = list(CLUSTERS[cluster])
        weights = [1.0 / (1 + 0.35 * i) for i in range(len(pool))]
        chosen: list[str] = []
        for _ in range(min(self.rng.randint(lo, hi), len(pool))):
            s = self.weighted(pool, weights)
            i = pool.index(s)
            pool.pop(i)
            weights.pop(i)
            chosen.append(s)
        return chosen

    def build(self, hash_password) -> DemoData:
        self.build_fixed_orgs()
        self.build_academia()
        self.build_media()
        self.build_tech()
        self.build_companies()
        self.build_public_and_other()
        for skill in ("subtitling", "asr", "metadata-enrichment"):
            self.ensure_offers(skill, 4)
        self.build_fixed_people()
        self.build_people()
        self.build_projects()
        events = self.build_events()
        upcoming, meetings = self.build_matchmaking()
        events.append(upcoming)
        calls = self.build_calls()
        regions = self.build_regions()
        return DemoData(
            nodes={
                Label.REGION: regions,
                Label.ORGANIZATION: self.orgs,
                Label.PERSON: self.people,
                Label.PROJECT: self.projects,
                Label.EVENT: events,
                Label.CALL: calls,
                Label.ACCOUNT: self.build_accounts(hash_password),
                Label.MEETING: meetings,
            },
            edges={rel: rows for rel, rows in self.edges.items() if rows},
        )


def _default_hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password)


def generate(seed: int = DEFAULT_SEED, hash_password=_default_hash) -> DemoData:
    """The demo ecosystem for a seed; the same seed gives the same data.

    Password hashes are salted, so only they differ between two runs.
    """
    return Builder(seed).build(hash_password)


# Nodes before the edges that point at them; accounts last.
_NODE_ORDER = (Label.REGION, Label.ORGANIZATION, Label.PERSON, Label.PROJECT, Label.EVENT, Label.CALL, Label.ACCOUNT,
               Label.MEETING)


def seed(store, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the taxonomy and the demo ecosystem into a store (idempotent: upserts by id).

    Returns how many nodes per label and relationships per type were written.
    """
    counts = {}
    taxonomy_counts = seed_taxonomy(store)
    counts[Label.SKILL.value] = taxonomy_counts["skills"]
    counts[Rel.BROADER.value] = taxonomy_counts["broader"]
    data = generate(seed)
    for label in _NODE_ORDER:
        counts[label.value] = store.upsert_nodes(label, data.nodes[label])
    for rel, rows in data.edges.items():
        counts[rel.value] = store.upsert_edges(rel, rows)
    return counts
