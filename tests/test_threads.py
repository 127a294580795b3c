"""BLAS runs one thread per process in the web app and the CLI (the setting is applied, not just written)."""
from __future__ import annotations

import subprocess
import sys

from kim_network.config import ROOT

_PROBE = """
import json
from kim_network import create_app
create_app({"TESTING": True, "SECRET_KEY": "x", "NEO4J_URI": None})
import scipy.linalg, scipy.sparse.linalg, sklearn.decomposition  # loaded after the app: still one thread
from threadpoolctl import threadpool_info
print(json.dumps([(p["internal_api"], p["num_threads"]) for p in threadpool_info()]))
"""


def _pools(env_extra: dict) -> list:
    import json
    import os

    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    env.update(env_extra)
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_app_pins_every_blas_and_openmp_pool_to_one_thread():
    pools = _pools({})
    assert any(api == "openblas" for api, _ in pools)
    assert pools and all(threads == 1 for _, threads in pools), pools


def test_kim_blas_threads_changes_the_number():
    pools = _pools({"KIM_BLAS_THREADS": "2"})
    assert {threads for api, threads in pools if api == "openblas"} == {2}


def test_cli_commands_run_with_one_thread(monkeypatch):
    from threadpoolctl import threadpool_info

    from kim_network.threads import pin_blas

    pin_blas(2)
    monkeypatch.delenv("KIM_BLAS_THREADS", raising=False)
    from kim_network import create_app

    create_app({"TESTING": True, "SECRET_KEY": "x", "NEO4J_URI": None})  # what `flask --app app kim ...` runs
    assert {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"} == {1}
