"""Constants, logging, the cache of intermediate results, and the data of one period."""
from __future__ import annotations

import hashlib
import os
import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from kim_network.core.model import Rel
from kim_network.matching import baselines as B, learn
from kim_network.matching.projection_build import CONSORTIUM_ROLES, projection_from_records

ROOT = Path(__file__).resolve().parents[2]

TASK_NAMES = {"partners": "(a) hidden partner, with the project text",
              "organisation": "(b) organisation only: the coordinator alone, no text",
              "idea": "(c) text only: a project idea without partners"}
SLICES = ("all", "bavaria", "sme", "newcomer", "media_ict")
SLICE_NAMES = {"all": "all", "bavaria": "Bavaria", "sme": "SMEs", "newcomer": "newcomers (≤2 earlier projects)",
               "media_ict": "media/ICT projects"}
OURS = "KI.M ranker"
VALIDATION_FROM = "2023-10-01"   # 2023 projects signed from this day validate; the earlier ones train
CACHE = Path(os.environ.get("KIM_EVAL_CACHE", "/tmp/eval-cache"))
_STATE: dict = {}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- caching ------------------------------------------------------------------------------
def _code_key(data: Path, *modules: str) -> str:
    """A key of the data folder and the source of the given modules (paths under kim_network/)."""
    h = hashlib.sha256()
    for module in modules:
        h.update((ROOT / "kim_network" / module).read_bytes())
    for path in sorted(data.glob("*.csv.gz")):
        st = path.stat()
        h.update(f"{path.name}:{st.st_size}:{int(st.st_mtime)}".encode())
    return h.hexdigest()[:16]


PROJECTION_CODE = ("matching/projection.py", "matching/projection_build.py", "matching/ease.py", "matching/priors.py",
                   "matching/nodes.py", "matching/text.py", "matching/signals.py", "importers/cordis.py",
                   "core/model.py")
# The tuning depends on the baselines and on the cases (learn.project_cases / task_queries): clear
# the cache by hand when those change.
BASELINE_CODE = ("matching/baselines.py", "matching/signals.py", "importers/cordis.py", "core/model.py")
RANKER_CODE = PROJECTION_CODE + ("matching/ltr.py", "matching/ltr_data.py", "matching/ltr_signals.py",
                                  "matching/ltr_features.py", "matching/ltr_model.py", "matching/rank.py",
                                  "matching/learn.py")


def cached(name: str, key: str, build):
    """`build()` once per code+data version, kept as a pickle under the cache folder."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}-{key}.pkl"
    if path.exists():
        try:
            with path.open("rb") as handle:
                return pickle.load(handle)
        except Exception:  # a damaged cache file is rebuilt
            path.unlink(missing_ok=True)
    value = build()
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as handle:
        pickle.dump(value, handle, protocol=5)
    tmp.replace(path)
    return value


# -- the data of one period -----------------------------------------------------------------
@dataclass
class Period:
    """Profiles up to `until`, queries from projects signed in `year`."""

    year: int
    until: str
    proj: object
    cases: list
    pool: np.ndarray
    corpora: dict = field(default_factory=dict)   # "all" / "core" -> baselines.Corpus
    hybrids: dict = field(default_factory=dict)   # variant -> StandardHybrid


def core_corpus(records, corpus: B.Corpus, until: str) -> B.Corpus:
    """The same corpus with coordinator/participant participations only."""
    pidx = {p: j for j, p in enumerate(corpus.project_ids)}
    rows, cols = [], []
    for e in records.edges[Rel.PARTICIPATED_IN]:
        j = pidx.get(e["target"])
        i = corpus.org_index.get(e["source"])
        if j is not None and i is not None and e.get("role", "participant") in CONSORTIUM_ROLES:
            rows.append(i), cols.append(j)
    M = sparse.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=corpus.incidence.shape)
    M.data[:] = 1.0
    return B.Corpus(corpus.org_ids, corpus.org_index, corpus.project_ids, corpus.texts, M, corpus.euroscivoc)


def load_period(records, year: int, keys: dict, limit: int | None = None) -> Period:
    until = f"{year - 1}-12-31"
    t = time.perf_counter()
    proj = cached(f"projection-{until}", keys["projection"], lambda: projection_from_records(records, until=until))
    log(f"projection up to {until}: {proj.n_actors} actors, {len(proj.project_ids)} projects "
        f"({time.perf_counter() - t:.1f}s)")
    cases = learn.project_cases(records, proj, f"{year}-01-01", f"{year}-12-31", limit=limit, seed=year)
    corpus = B.corpus_from_records(records, until, proj.actor_ids)
    period = Period(year, until, proj, cases, learn.candidate_pool(proj))
    period.corpora = {"all": corpus, "core": core_corpus(records, corpus, until)}
    for variant, c in period.corpora.items():
        period.hybrids[variant] = B.StandardHybrid(c)
    for case in cases:  # the standard hybrid's query text: the same fields, euroSciVoc titles included
        case.fields["_std_text"] = B.standard_text(case.fields, corpus.euroscivoc.get(case.project_id, ()))
    return period

