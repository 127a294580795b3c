"""What a recommendation looks for, and per-projection helpers the ranking features share.

A `Query` describes what is looked for (text, skills, partners already on board, the call
topic). The learned ranker that turns it into a ranking is `kim_network.matching.ltr`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kim_network.matching import signals
from kim_network.matching.priors import topic_family, topic_programme
from kim_network.matching.projection import Projection


@dataclass
class Query:
    """What a recommendation looks for.

    text: free text (German or English); skills: skill index -> weight (what is needed);
    offers: skill index -> weight (what the asking side brings, for reciprocity); seeds:
    actor indexes already on board (or the asking actor); topic: a call topic code; lead:
    whether the one organisation on board leads (coordinates) the planned project - by default
    it does when it asks alone.
    """

    text: str = ""
    skills: dict[int, float] = field(default_factory=dict)
    offers: dict[int, float] = field(default_factory=dict)
    seeds: list[int] = field(default_factory=list)
    topic: str | None = None
    lead: bool | None = None

    @property
    def asks_as_lead(self) -> bool:
        return bool(self.lead) if self.lead is not None else len(self.seeds) == 1


def _extras(proj: Projection) -> dict:
    cache = proj.__dict__.get("_extras")
    if cache is None:  # filled apart and published whole: a concurrent request never sees half of it
        cache = {}
        cache["degree"] = signals.neighbour_degree(proj.collab)
        cache["collab01"] = signals.binary(proj.collab)
        cache["class_idx"] = np.array([proj.class_index[c] for c in proj.actor_class], dtype=np.int64)
        region2 = [str(r)[:4] if len(str(r)) >= 4 else "" for r in proj.region]
        index: dict[str, int] = {}
        cache["region_code"] = np.array([index.setdefault(r, len(index)) if r else -1 for r in region2], dtype=np.int64)
        families: dict[str, list[int]] = {}
        programmes: dict[str, list[int]] = {}
        for p, topic in enumerate(proj.project_nodes.column("topic")):
            if topic:
                families.setdefault(topic_family(topic), []).append(p)
                programmes.setdefault(topic_programme(topic), []).append(p)
        cache["families"], cache["programmes"], cache["topic_counts"] = families, programmes, {}
        cache = proj.__dict__.setdefault("_extras", cache)
    return cache


def _topic_experience(proj: Projection, groups: dict, key: str) -> np.ndarray:
    ex = _extras(proj)
    cached = ex["topic_counts"].get(key)
    if cached is None:
        projects = groups.get(key.split("|", 1)[1], [])
        indicator = np.zeros(len(proj.project_ids), dtype=np.float32)
        indicator[projects] = 1.0
        cached = signals.log_scale(np.asarray(proj.consortium @ indicator).ravel()) if len(projects) else \
            np.zeros(proj.n_actors, dtype=np.float32)
        if len(ex["topic_counts"]) < 300:  # a vector per call family / programme: bounded memory
            ex["topic_counts"][key] = cached
    return cached
