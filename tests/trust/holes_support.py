"""What the regression tests of issue 9's holes share: a member viewer, the public address,
logged-in clients, a snapshot of the stored graph, and form helpers."""
from __future__ import annotations

import json

from kim_network.core.visibility import Viewer
from tests.conftest import csrf_token
from tests.trust.world import PASSWORD, login_as

MEMBER = Viewer(role="member", account_id="acc-other", organization_id="org-c", person_id="person-c")
BASE = "https://netzwerk.ki-m.example"


def client_as(app, store, role):
    client = app.test_client()
    login_as(client, store, role)
    return client


def snapshot(store):
    return store.change_counter(), sorted(json.dumps(n, sort_keys=True) for _l, n in store.export_nodes())


def register(client, **fields):
    data = {"name": "Paula Probe", "email": "paula@probe.example", "password": PASSWORD,
            "password_confirm": PASSWORD, "organization_mode": "existing", "organization_name": "Alpen KI Labs",
            "consent": "y", "csrf_token": csrf_token(client, "/register"), **fields}
    return client.post("/register", data=data)


def login(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password, "csrf_token": csrf_token(client)})


def answer(response) -> tuple:
    """What a visitor learns from a form's answer: status, where it leads, the messages shown."""
    import re

    text = response.get_data(as_text=True)
    messages = re.findall(r'class="(?:form-error|flash[^"]*)"[^>]*>(.*?)<', text, re.S)
    messages += re.findall(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', text, re.S)
    return response.status_code, response.headers.get("Location"), [m.strip() for m in messages]
