#!/usr/bin/env python3
"""Probe a running demo from outside, as an attacker would, for the holes of issue 9.

Start the demo with mail going to this probe's SMTP sink, then run the probe:

    SMTP_HOST=127.0.0.1 SMTP_PORT=8025 make run PORT=5093          # a fresh demo
    .venv/bin/python scripts/probe_attacker.py --base http://127.0.0.1:5093 --smtp-port 8025

Only HTTP requests to the base URL (127.0.0.1 only) and the mails the demo sends are
used. What an attacker is assumed to know: the demo's published member login and the
names and ids of the fictional demo organisations (the demo data is deterministic, and
the issue found its sequential ids by enumeration). Each check prints REPRODUCED or
closed with the evidence; the exit status is the number of holes reproduced.
"""
from __future__ import annotations

import argparse
import asyncore
import json
import re
import secrets
import smtpd
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email import message_from_bytes
from urllib.parse import urlsplit

import requests

MEMBER = ("sme@demo.kim-netzwerk.de", "Demo-SME-2026!")
STAFF_ONLY_ORG = ("demo-tech-003", "Voxbit GmbH")
STAFF_ONLY_PERSON = "demo-person-0034"
# A public organisation: id, name, and two members-only details of its record.
CLAIMED_ORG = ("demo-uni", "Universität Isarauen", "info@universitaet-isarauen.example", "Ludwigstraße 37")
CALL = "demo-call-barrierefrei"
PASSWORD = "Probe-Passwort-2026!"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
META_CSRF_RE = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


class Sink(smtpd.SMTPServer):
    """Keeps every mail the demo sends: (recipients, subject, body)."""

    def __init__(self, port: int):
        super().__init__(("127.0.0.1", port), None, decode_data=False)
        self.mails: list[tuple[list[str], str, str]] = []

    def process_message(self, _peer, _mailfrom, rcpttos, data, **_kwargs):
        message = message_from_bytes(data)
        body = message.get_payload(decode=True) or b""
        self.mails.append((list(rcpttos), str(message["Subject"]), body.decode("utf-8", "replace")))


def token(session: requests.Session, base: str, path: str) -> str:
    html = session.get(base + path, timeout=20).text
    match = CSRF_RE.search(html) or META_CSRF_RE.search(html)
    return (match.group(1) or (match.group(2) if match.lastindex and match.lastindex > 1 else "")) if match else ""


def login(base: str, email: str, password: str) -> requests.Session:
    session = requests.Session()
    session.post(base + "/login", data={"email": email, "password": password,
                                        "csrf_token": token(session, base, "/login")},
                 allow_redirects=False, timeout=20)
    return session


def register(base: str, **fields) -> requests.Response:
    session = requests.Session()
    data = {"name": "Paula Probe", "password": PASSWORD, "password_confirm": PASSWORD, "consent": "y",
            "organization_mode": "existing", "csrf_token": token(session, base, "/register"), **fields}
    return session.post(base + "/register", data=data, allow_redirects=False, timeout=20)


def answer(response: requests.Response) -> str:
    """Status plus what the visitor reads (flash and form errors, without tokens and echoed input)."""
    text = response.text
    if response.is_redirect:
        return f"{response.status_code} -> {urlsplit(response.headers.get('Location', '')).path}"
    errors = re.findall(r'class="(?:form-error|flash[^"]*)"[^>]*>(.*?)<', text, re.S)
    errors += re.findall(r'<ul class="field-errors"[^>]*>\s*<li>(.*?)</li>', text, re.S)
    return f"{response.status_code} " + " | ".join(e.strip() for e in errors)


def error_of(response: requests.Response) -> tuple[int, str]:
    if response.ok:
        return response.status_code, "ok"
    try:
        return response.status_code, response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return response.status_code, response.text[:120]


class Probe:
    def __init__(self, base: str, sink: Sink | None):
        self.base = base
        self.sink = sink
        self.results: list[tuple[str, bool, str]] = []

    def report(self, item: str, reproduced: bool, detail: str) -> None:
        self.results.append((item, reproduced, detail))
        print(f"{'REPRODUCED' if reproduced else 'closed    '}  {item}: {detail}", flush=True)

    def mails_to(self, address: str, since: int) -> list[tuple[list[str], str, str]]:
        if self.sink is None:
            return []
        time.sleep(1.0)
        return [m for m in self.sink.mails[since:] if address in m[0]]

    # -- 1 and 6: registration ------------------------------------------------------------
    def claim_and_export(self, member: requests.Session) -> tuple[str, str]:
        """Register claiming an organisation that received an introduction; read "My data" unapproved."""
        secret = f"Probe-Nachricht {secrets.token_hex(4)}"
        member.post(self.base + "/api/v1/introductions", json={"target_org": CLAIMED_ORG[0], "message": secret},
                    headers={"X-CSRFToken": token(member, self.base, "/")}, timeout=20)
        email = f"probe-{secrets.token_hex(4)}@probe.example"
        response = register(self.base, email=email, organization_name=CLAIMED_ORG[1])
        session = login(self.base, email, PASSWORD)
        export = session.get(self.base + "/account/export", timeout=20)
        leaked = [k for k in (CLAIMED_ORG[2], CLAIMED_ORG[3], secret, '"introductions_received"') if k in export.text]
        self.report("1 claim leaks the organisation before approval", bool(leaked) and export.status_code == 200,
                    f"claim of {CLAIMED_ORG[1]}: registration {answer(response)}; export {export.status_code}, "
                    f"holds {leaked or 'nothing of the organisation'}")
        hidden = register(self.base, email=f"probe-{secrets.token_hex(4)}@probe.example",
                          organization_name=STAFF_ONLY_ORG[1])
        unknown = register(self.base, email=f"probe-{secrets.token_hex(4)}@probe.example",
                           organization_name=f"Probe {secrets.token_hex(3)} GmbH")
        self.report("1 claim of a staff-only organisation accepted", answer(hidden) != answer(unknown),
                    f"staff-only name: {answer(hidden)}; unknown name: {answer(unknown)}")
        return email, PASSWORD

    def registration_oracle(self) -> None:
        unknown = register(self.base, email=f"probe-{secrets.token_hex(4)}@probe.example",
                           organization_mode="new", organization_name=f"Probe {secrets.token_hex(3)} GmbH",
                           organization_kind="media_company", organization_city="Passau")
        hidden = register(self.base, email=f"probe-{secrets.token_hex(4)}@probe.example",
                          organization_mode="new", organization_name=STAFF_ONLY_ORG[1],
                          organization_kind="media_company", organization_city="Passau")
        self.report("6 organisation name oracle", answer(unknown) != answer(hidden),
                    f"new name: {answer(unknown)}; staff-only name: {answer(hidden)}")
        since = len(self.sink.mails) if self.sink else 0
        fresh = register(self.base, email=f"probe-{secrets.token_hex(4)}@probe.example",
                         organization_mode="new", organization_name=f"Probe {secrets.token_hex(3)} GmbH",
                         organization_kind="media_company", organization_city="Passau")
        taken = register(self.base, email=MEMBER[0], organization_mode="new",
                         organization_name=f"Probe {secrets.token_hex(3)} GmbH",
                         organization_kind="media_company", organization_city="Passau")
        mails = self.mails_to(MEMBER[0], since)
        self.report("6 e-mail oracle", answer(fresh) != answer(taken),
                    f"new address: {answer(fresh)}; registered address: {answer(taken)}; "
                    f"mails to the owner: {[m[1] for m in mails]}")
        comma = register(self.base, email="x@evil.example,victim", organization_mode="new",
                         organization_name=f"Probe {secrets.token_hex(3)} GmbH",
                         organization_kind="media_company", organization_city="Passau")
        self.report("extra: e-mail pattern accepts a second recipient", comma.status_code != 400,
                    f"x@evil.example,victim answers {answer(comma)}")

    # -- 2: ids a member passes in --------------------------------------------------------
    def hidden_ids(self, member: requests.Session) -> None:
        csrf = token(member, self.base, "/")
        probes = [
            ("consortia partner", "GET", f"/api/v1/recommendations/consortia?call={CALL}&partner={{id}}", None),
            ("partners subject", "GET", "/api/v1/recommendations/partners?organization={id}", None),
            ("similar subject", "GET", "/api/v1/recommendations/similar?organization={id}", None),
            ("researchers subject", "GET", "/api/v1/recommendations/researchers?organization={id}", None),
            ("project partner", "GET", "/api/v1/recommendations/project-partners?q=Untertitel&partner={id}", None),
            ("map focus", "GET", "/api/v1/map?focus={id}", None),
            ("introduction target", "POST", "/api/v1/introductions", {"target_org": "{id}", "message": "Hallo"}),
            ("feedback target", "POST", "/api/v1/feedback",
             {"subject": "demo-sme", "target": "{id}", "value": "useful", "context": "partners"}),
        ]
        for name, method, path, body in probes:
            answers = []
            for ident in (STAFF_ONLY_ORG[0], "demo-tech-999"):
                url = self.base + path.replace("{id}", ident)
                payload = json.loads(json.dumps(body).replace("{id}", ident)) if body else None
                response = member.request(method, url, json=payload, headers={"X-CSRFToken": csrf}, timeout=60)
                status, message = error_of(response)
                members = STAFF_ONLY_ORG[0] in response.text and status == 200
                answers.append((status, message.replace(ident, "<id>"), members))
            leaked = answers[0][2] or answers[0][:2] != answers[1][:2]
            self.report(f"2 hidden id as {name}", leaked,
                        f"hidden {answers[0][:2]}{' (returned)' if answers[0][2] else ''}; unknown {answers[1][:2]}")
        status, message = error_of(member.get(
            self.base + f"/api/v1/recommendations/collaborators?person={STAFF_ONLY_PERSON}", timeout=60))
        other = error_of(member.get(self.base + "/api/v1/recommendations/collaborators?person=demo-person-9999",
                                    timeout=60))
        self.report("2 hidden id as collaborators subject",
                    (status, message.replace(STAFF_ONLY_PERSON, "<id>")) != (other[0], other[1].replace("demo-person-9999", "<id>")),
                    f"hidden {(status, message)}; unknown {other}")

    # -- 4: mail links ----------------------------------------------------------------------
    def reset_poisoning(self) -> None:
        since = len(self.sink.mails) if self.sink else 0
        session = requests.Session()
        csrf = token(session, self.base, "/reset")
        # Clients match cookies by the Host header; send the session cookie by hand.
        cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
        response = requests.post(self.base + "/reset", data={"email": MEMBER[0], "csrf_token": csrf},
                                 headers={"Host": "evil.example", "Cookie": cookie}, allow_redirects=False,
                                 timeout=20)
        mails = self.mails_to(MEMBER[0], since)
        poisoned = any("evil.example" in m[2] for m in mails)
        links = [re.findall(r"https?://[^\s/]+", m[2]) for m in mails]
        self.report("4 reset link from the Host header", poisoned,
                    f"Host: evil.example answers {response.status_code}; links mailed: {links or 'none'}")
        since = len(self.sink.mails) if self.sink else 0
        session = requests.Session()
        csrf = token(session, self.base, "/reset")
        session.post(self.base + "/reset", data={"email": MEMBER[0], "csrf_token": csrf}, timeout=20)
        normal = [re.findall(r"https?://[^\s/]+", m[2]) for m in self.mails_to(MEMBER[0], since)]
        print(f"            (a reset requested normally mails links to {normal})")

    # -- 5: anonymous API -----------------------------------------------------------------
    def anonymous_address(self) -> None:
        data = requests.get(self.base + "/api/v1/organizations/demo-sme", timeout=20).json()
        shown = sorted(k for k in ("street", "postcode", "contact_email", "contact_phone")
                       if k in data or k in (data.get("contact") or {}))
        self.report("5 anonymous API shows address fields", bool(shown), f"anonymous sees {shown or 'none of them'}")

    # -- 8: logout ------------------------------------------------------------------------------
    def session_after_logout(self) -> None:
        session = login(self.base, *MEMBER)
        saved = dict(session.cookies)
        session.post(self.base + "/logout", data={"csrf_token": token(session, self.base, "/account")},
                     allow_redirects=False, timeout=20)
        replay = requests.get(self.base + "/account", cookies=saved, allow_redirects=False, timeout=20)
        api = requests.get(self.base + "/api/v1/introductions", cookies=saved, timeout=20)
        self.report("8 session survives logout", replay.status_code == 200 or api.status_code == 200,
                    f"saved cookie after logout: /account {replay.status_code}, API {api.status_code}")

    # -- extras -------------------------------------------------------------------------------
    def extras(self, member: requests.Session) -> None:
        csrf = token(member, self.base, "/")
        region = member.patch(self.base + "/api/v1/organizations/demo-sme", json={"region": "Narnia"},
                              headers={"X-CSRFToken": csrf}, timeout=20)
        self.report("extra: API region accepts any text", region.status_code == 200,
                    f"PATCH region=Narnia answers {region.status_code}")
        body = b'{"description_de": "' + b"x" * (30 * 1024 * 1024) + b'"}'
        started = time.monotonic()
        try:
            status = member.patch(self.base + "/api/v1/organizations/demo-sme", data=body, timeout=120,
                                  headers={"X-CSRFToken": csrf, "Content-Type": "application/json"}).status_code
        except requests.ConnectionError:
            status = "connection closed by the server before the body was read"
        self.report("extra: 30 MB JSON body is read and parsed", isinstance(status, int) and status != 413,
                    f"answers {status} after {time.monotonic() - started:.1f} s")
        health = requests.get(self.base + "/healthz", timeout=20).json().get("counts", {})
        listed = requests.get(self.base + "/api/v1/organizations?per_page=1", timeout=20).json().get("total")
        self.report("extra: /healthz counts hidden profiles", health.get("organizations", 0) > (listed or 0),
                    f"/healthz organisations {health.get('organizations')}, anonymous listing {listed}")

    # -- 3: lockout and limiter races (last: they use up this address's login budget) -----------
    def lockout_race(self, email: str, password: str) -> None:
        def wrong(i: int) -> int:
            session = requests.Session()
            csrf = token(session, self.base, "/login")
            return session.post(self.base + "/login", data={"email": email, "password": f"Falsch-{i}-xyz!",
                                                            "csrf_token": csrf},
                                allow_redirects=False, timeout=60).status_code

        with ThreadPoolExecutor(12) as pool:
            statuses = list(pool.map(wrong, range(12)))
        right = requests.Session()
        response = right.post(self.base + "/login", data={"email": email, "password": password,
                                                          "csrf_token": token(right, self.base, "/login")},
                              allow_redirects=False, timeout=20)
        self.report("3 lockout race", response.status_code == 302,
                    f"12 simultaneous wrong passwords {sorted(statuses)}; then the right one answers "
                    f"{response.status_code}")

    def limiter_race(self, spent: int) -> None:
        def wrong(i: int) -> int:
            session = requests.Session()
            csrf = token(session, self.base, "/login")
            return session.post(self.base + "/login", data={"email": f"nobody{i}@probe.example",
                                                            "password": "Irgendwas-123", "csrf_token": csrf},
                                allow_redirects=False, timeout=60).status_code

        with ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(wrong, range(48)))
        refused = statuses.count(401)
        self.report("3 per-address limiter race", spent + refused > 30,
                    f"{spent} failures before, then 48 simultaneous: {refused} checked (401), "
                    f"{statuses.count(429)} limited (429); budget is 30 per 15 minutes")

    def host_header(self) -> None:
        response = requests.get(self.base + "/", headers={"Host": "evil.example"}, timeout=20)
        self.report("4 unexpected Host header accepted", response.status_code == 200,
                    f"GET / with Host: evil.example answers {response.status_code}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", default="http://127.0.0.1:5000")
    parser.add_argument("--smtp-port", type=int, default=8025, help="port of the SMTP sink (0: no sink)")
    options = parser.parse_args()
    if urlsplit(options.base).hostname not in ("127.0.0.1", "localhost"):
        parser.error("probe only a local demo (127.0.0.1)")
    sink = Sink(options.smtp_port) if options.smtp_port else None
    if sink is not None:
        threading.Thread(target=asyncore.loop, kwargs={"timeout": 0.2}, daemon=True).start()
    probe = Probe(options.base.rstrip("/"), sink)
    member = login(probe.base, *MEMBER)
    probe.anonymous_address()
    probe.hidden_ids(member)
    probe.extras(member)
    email, password = probe.claim_and_export(member)
    probe.session_after_logout()
    probe.host_header()
    probe.reset_poisoning()
    probe.registration_oracle()
    probe.lockout_race(email, password)
    probe.limiter_race(spent=12)
    reproduced = [r for r in probe.results if r[1]]
    print(f"\n{len(reproduced)} of {len(probe.results)} checks reproduced a hole")
    return len(reproduced)


if __name__ == "__main__":
    sys.exit(main())
