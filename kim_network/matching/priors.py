"""What past consortia say about a call: call topic families, the kind prior (which classes of
organisation a call's consortia usually have) and the country lift (which countries work
together). Learned with the projection from the consortium matrix."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
from scipy import sparse

def topic_family(topic: str | None) -> str:
    """The call topic without its year and numbers: what recurs across work programmes.

    >>> topic_family("HORIZON-CL4-2022-HUMAN-02-01")
    'HORIZON-CL4-HUMAN'
    >>> topic_family("ERC-2023-STG")
    'ERC-STG'
    """
    parts = [p for p in re.split(r"[-_ ]", (topic or "").upper()) if p and not p.isdigit()]
    return "-".join(parts[:3])


def topic_programme(topic: str | None) -> str:
    """The programme part of a topic code.

    >>> topic_programme("HORIZON-CL4-2022-HUMAN-02-01")
    'HORIZON-CL4'
    """
    return "-".join(topic_family(topic).split("-")[:2])


def actor_class(kind: str | None, sme: bool | None) -> str:
    """The class used by the kind prior: the kind, with SMEs among companies kept apart.

    >>> actor_class("company", True), actor_class("university", True)
    ('company_sme', 'university')
    """
    kind = kind or "other"
    if sme and kind in ("company", "media_company", "tech_provider"):
        return kind + "_sme"
    return kind


def country_of(props: Mapping[str, Any]) -> str:
    country = props.get("country") or (props.get("region") or props.get("nuts3") or "")[:2]
    return (country or "").upper()


@dataclass
class KindPrior:
    """P(actor class | call topic family), smoothed towards the programme and the whole graph.

    Learned from past consortia; answers "what kinds of organisation do consortia of this kind
    of call usually have".
    """

    classes: list[str]
    family: dict[str, np.ndarray]
    programme: dict[str, np.ndarray]
    overall: np.ndarray
    smoothing: float = 20.0

    def distribution(self, topic: str | None) -> np.ndarray:
        """Class probabilities for a topic code (the overall mix when unknown)."""
        base = self.overall
        prog = self.programme.get(topic_programme(topic))
        if prog is not None:
            base = (prog + self.smoothing * base) / (prog.sum() + self.smoothing)
        fam = self.family.get(topic_family(topic))
        if fam is not None:
            base = (fam + self.smoothing * base) / (fam.sum() + self.smoothing)
        return base / base.sum()


def learn_kind_prior(classes_arr: np.ndarray, consortium: sparse.csr_matrix, project_nodes: list[dict]):
    classes = sorted(set(classes_arr.tolist()) | {"company", "company_sme", "university", "research_institute",
                                                   "public_body", "other"})
    class_index = {c: i for i, c in enumerate(classes)}
    C = len(classes)
    overall = np.ones(C, dtype=np.float64)
    family: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(C))
    programme: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(C))
    by_project = consortium.T.tocsr()
    for p, node in enumerate(project_nodes):
        members = by_project.indices[by_project.indptr[p]:by_project.indptr[p + 1]]
        if not len(members):
            continue
        counts = np.zeros(C)
        for a in members:
            counts[class_index[classes_arr[a]]] += 1
        overall += counts
        topic = node.get("topic")
        if topic:
            family[topic_family(topic)] += counts
            programme[topic_programme(topic)] += counts
    return KindPrior(classes, dict(family), dict(programme), overall / overall.sum()), class_index


def country_lift(country: np.ndarray, consortium: sparse.csr_matrix):
    codes = sorted(set(country.tolist()))
    index = {c: i for i, c in enumerate(codes)}
    idx = np.array([index[c] for c in country], dtype=np.int64)
    n = len(codes)
    if not consortium.nnz or not n:
        return codes, idx, np.zeros((n, n), dtype=np.float32)
    onehot = sparse.csr_matrix((np.ones(len(idx), dtype=np.float32), (np.arange(len(idx)), idx)),
                               shape=(len(idx), n))
    per_project = (consortium.T @ onehot).tocsr()  # P × countries
    per_project.data[:] = 1.0
    co = (per_project.T @ per_project).toarray().astype(np.float64)
    total = max(per_project.shape[0], 1)
    p_c = np.diag(co) / total
    with np.errstate(divide="ignore", invalid="ignore"):
        lift = np.log((co / total + 1e-6) / (np.outer(p_c, p_c) + 1e-6))
    lift = np.nan_to_num(lift, nan=0.0, posinf=0.0, neginf=0.0)
    return codes, idx, lift.astype(np.float32)
