"""Faults a running platform meets: a locked SQLite file, an import killed midway, Neo4j going away.

Each answer must be clear (a 503 page, a StoreUnavailable with a message), leave the data
consistent, and heal without restarting anything.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from kim_network.importers.records import graph_counts, import_cordis
from kim_network.core.model import Label
from kim_network.store import StoreUnavailable
from kim_network.store.sqlite import SQLiteStore
from tests.conftest import csrf_token, gen_org
from tests.support.app import make_app
from tests.fixtures.cordis_folder import (
    ESV_COLUMNS,
    ORG_COLUMNS,
    PARTICIPATION_COLUMNS,
    PROJECT_COLUMNS,
    _write,
)

REPO = Path(__file__).resolve().parents[2]
UNAVAILABLE_DE = "Die Datenbank ist gerade nicht erreichbar"
PASSWORD = "Redaktion-Nord-7"


def _registration(client, email="lena@donau-studio.example"):
    return {
        "name": "Lena Brandl", "email": email, "password": PASSWORD, "password_confirm": PASSWORD,
        "organization_mode": "new", "organization_name": "Donau Studio", "organization_kind": "media_company",
        "organization_city": "Passau", "consent": "y", "csrf_token": csrf_token(client, "/register"),
    }


# -- a busy or locked SQLite file ----------------------------------------------------------


@pytest.fixture
def small_budget_store(tmp_path):
    """A SQLite store that gives up after ~0.3 s of a locked file instead of ~45 s."""
    store = SQLiteStore(str(tmp_path / "locked.sqlite3"), busy_timeout_ms=50, retries=3)
    store.migrate()
    yield store
    store.close()


def _exclusive_lock(path: str) -> sqlite3.Connection:
    holder = sqlite3.connect(path, isolation_level=None, timeout=0.1, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    return holder


def test_locked_file_is_reported_clearly_and_nothing_half_written(small_budget_store):
    store = small_budget_store
    holder = _exclusive_lock(store.path)
    try:
        with pytest.raises(StoreUnavailable, match="stayed busy; try again"):
            store.create_node(Label.ORGANIZATION, gen_org(1))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert store.count_nodes(Label.ORGANIZATION) == 0
    store.create_node(Label.ORGANIZATION, gen_org(1))  # the same store works again at once
    assert store.count_nodes(Label.ORGANIZATION) == 1


def test_locked_file_answers_503_page_then_the_same_form_succeeds(small_budget_store, tmp_path):
    store = small_budget_store
    client = make_app(store, tmp_path).test_client()
    form = _registration(client)
    holder = _exclusive_lock(store.path)
    try:
        response = client.post("/register", data=form)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert UNAVAILABLE_DE in response.get_data(as_text=True)
    assert store.count_nodes(Label.ACCOUNT) == 0 and store.count_nodes(Label.ORGANIZATION) == 0
    # Lock gone: the very same submission goes through, no restart needed.
    assert client.post("/register", data=_registration(client)).status_code == 302
    assert store.count_nodes(Label.ACCOUNT) == 1


def test_a_brief_lock_is_waited_out_by_the_retries(tmp_path):
    store = SQLiteStore(str(tmp_path / "brief.sqlite3"), busy_timeout_ms=50, retries=8)
    store.migrate()
    holder = _exclusive_lock(store.path)
    release = threading.Timer(0.4, lambda: (holder.execute("COMMIT"), holder.close()))
    release.start()
    try:
        started = time.monotonic()
        store.create_node(Label.ORGANIZATION, gen_org(1))
        waited = time.monotonic() - started
    finally:
        release.join()
        store.close()
    assert waited >= 0.3  # it really met the lock and retried through it
    assert SQLiteStore(store.path).get_node(Label.ORGANIZATION, "org-1")["name"] == "Medienhaus Test 1"


# -- an import killed midway --------------------------------------------------------------


def _big_cordis_folder(folder: Path, orgs: int = 6000, projects: int = 3000) -> Path:
    """A fictional CORDIS folder large enough that an import takes several batches."""
    folder.mkdir(parents=True, exist_ok=True)
    cities = [("München", "DE212"), ("Nürnberg", "DE254"), ("Regensburg", "DE232"), ("Augsburg", "DE271")]
    _write(folder / "organizations.csv.gz", ORG_COLUMNS, [
        {"organisationID": str(980000000 + i), "name": f"Fiktive Medienwerkstatt {i} GmbH",
         "activityType": ("PRC", "HES", "REC")[i % 3], "SME": str(i % 2 == 0).lower(),
         "city": cities[i % 4][0], "country": "DE", "nutsCode": cities[i % 4][1],
         "firstSignature": "2022-03-01", "isBavaria": "true"}
        for i in range(orgs)
    ])
    _write(folder / "projects.csv.gz", PROJECT_COLUMNS, [
        {"projectID": str(970000000 + p), "acronym": f"FIKTIV{p}", "title": f"Fictional media AI project {p}",
         "ecSignatureDate": "2023-01-01", "startDate": "2023-01-01", "endDate": "2026-12-31",
         "totalCost": "1000000", "fundingScheme": "HORIZON-RIA", "topic": "HORIZON-CL4-2023-HUMAN-99",
         "keywords": "speech recognition, media archives", "objective": "A fictional project for tests."}
        for p in range(projects)
    ])
    _write(folder / "participations.csv.gz", PARTICIPATION_COLUMNS, [
        {"projectID": str(970000000 + p), "organisationID": str(980000000 + (p * 7 + k) % orgs),
         "role": "coordinator" if k == 0 else "participant", "order": str(k + 1)}
        for p in range(projects) for k in range(3)
    ])
    _write(folder / "project_euroscivoc.csv.gz", ESV_COLUMNS, [
        {"projectID": str(970000000 + p), "euroSciVocCode": "/91/92/93",
         "euroSciVocTitle": "artificial intelligence",
         "euroSciVocPath": "/natural sciences/computer and information sciences/artificial intelligence"}
        for p in range(0, projects, 2)
    ])
    return folder


def _import_process(folder: Path, db: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    # FLASK_SKIP_DOTENV: a developer's .env (say, with NEO4J_URI) must not redirect the import.
    env.update(SECRET_KEY="test-secret-key", KIM_SQLITE_PATH=str(db), KIM_DEMO="0", FLASK_SKIP_DOTENV="1",
               KIM_BASE_URL="https://netzwerk.ki-m.example")
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "app", "kim", "import-cordis", str(folder)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def _dangling_edges(store) -> list:
    edges = list(store.export_edges())
    ends: dict[str, set[str]] = {}
    for e in edges:
        ends.setdefault(e.source_label, set()).add(e.source)
        ends.setdefault(e.target_label, set()).add(e.target)
    present = {label: set(store.get_nodes(label, sorted(ids))) for label, ids in ends.items()}
    return [e for e in edges if e.source not in present[e.source_label] or e.target not in present[e.target_label]]


def test_killed_import_leaves_a_consistent_store_and_a_rerun_completes_it(tmp_path):
    folder = _big_cordis_folder(tmp_path / "cordis")
    clean = SQLiteStore(str(tmp_path / "clean.sqlite3"))
    clean.migrate()
    import_cordis(clean, folder)
    expected = graph_counts(clean)
    clean.close()

    db = tmp_path / "killed.sqlite3"
    SQLiteStore(str(db)).migrate()
    watcher = SQLiteStore(str(db))
    process = _import_process(folder, db)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            if watcher.count_nodes(Label.ORGANIZATION) > 0:  # the first batches are in
                break
            time.sleep(0.02)
        assert process.poll() is None, "the import finished before it could be killed; make the fixture bigger"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    partial = graph_counts(watcher)
    assert partial["Organization"] > 0
    assert partial != expected, "the kill came too late to interrupt the import"
    assert _dangling_edges(watcher) == []

    rerun = _import_process(folder, db)
    _out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err[-2000:]
    assert graph_counts(watcher) == expected
    assert _dangling_edges(watcher) == []
    watcher.close()


# -- Neo4j stopped while the app runs ----------------------------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Ports of its own: KIM_FAULT_NEO4J_BOLT/HTTP, or free ones on this machine (several worktrees
# may run test Neo4js side by side, one of them on 7695).
FAULT_BOLT = int(os.environ.get("KIM_FAULT_NEO4J_BOLT") or _free_port())
FAULT_HTTP = int(os.environ.get("KIM_FAULT_NEO4J_HTTP") or _free_port())
FAULT_PASSWORD = "kim-fault-password"


def _neo4j_script(command: str, home: Path, timeout: int = 240) -> subprocess.CompletedProcess:
    env = dict(os.environ, KIM_NEO4J_HOME=str(home), NEO4J_BOLT_PORT=str(FAULT_BOLT),
               NEO4J_HTTP_PORT=str(FAULT_HTTP), NEO4J_PASSWORD=FAULT_PASSWORD, NEO4J_HEAP="384m",
               NEO4J_PAGECACHE="64m")
    return subprocess.run([str(REPO / "scripts" / "neo4j_local.sh"), command], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def fault_neo4j():
    """A Neo4j instance of its own (on KIM_FAULT_NEO4J_BOLT/HTTP, or free ports), so stopping it
    disturbs no other test."""
    if not (shutil.which("java") and shutil.which("mvn")):
        if os.environ.get("REQUIRE_NEO4J") == "1":
            pytest.fail("REQUIRE_NEO4J=1 but Java and Maven are needed for the Neo4j fault test", pytrace=False)
        pytest.skip("Java and Maven are needed to start a dedicated Neo4j")
    home = Path(os.environ.get("KIM_NEO4J_FAULT_HOME") or Path(tempfile.gettempdir()) / "kim-neo4j-fault")
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "lib").exists():
        # Reuse jars another local instance already gathered; otherwise the script fetches them.
        for other in (REPO / ".neo4j-test" / "lib", REPO / ".neo4j" / "lib"):
            if other.exists() and any(other.glob(".complete-*")):
                shutil.copytree(other, home / "lib")
                break
    started = _neo4j_script("start", home)
    if started.returncode != 0:
        message = f"cannot start the fault-test Neo4j: {started.stderr[-1500:]}"
        if os.environ.get("REQUIRE_NEO4J") == "1":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    try:
        yield home
    finally:
        _neo4j_script("stop", home)


def _poll(client, url: str, want: int, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    status = client.get(url).status_code
    while status != want and time.monotonic() < deadline:
        time.sleep(1)
        status = client.get(url).status_code
    return status


@pytest.mark.neo4j
def test_neo4j_stopped_answers_503_and_the_app_recovers_by_itself(fault_neo4j, tmp_path):
    app = make_app(None, tmp_path, NEO4J_URI=f"bolt://127.0.0.1:{FAULT_BOLT}", NEO4J_PASSWORD=FAULT_PASSWORD)
    from kim_network.extensions import store_for

    store = store_for(app)
    store.migrate()
    store.clear()
    store.create_node(Label.ORGANIZATION, gen_org(1, id="org-isar", name="Isar Medien GmbH"))
    client = app.test_client()
    assert client.get("/organizations/org-isar").status_code == 200

    stopped = _neo4j_script("stop", fault_neo4j)
    assert stopped.returncode == 0, stopped.stderr
    page = client.get("/organizations/org-isar")
    assert page.status_code == 503
    assert UNAVAILABLE_DE in page.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503

    restarted = _neo4j_script("start", fault_neo4j)
    assert restarted.returncode == 0, restarted.stderr
    # Same app, same driver: it reconnects on its own.
    assert _poll(client, "/organizations/org-isar", 200, 60) == 200
    assert client.get("/healthz").status_code == 200
    store.clear()
