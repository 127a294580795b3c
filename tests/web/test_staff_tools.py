"""Staff tools at scale: duplicate warnings on approval, merge in the navigation, the audit log as sentences."""
from __future__ import annotations

from kim_network.core.model import Label
from kim_network.services import audit
from kim_network.services.duplicates import likely_duplicates
from tests.conftest import gen_org
from tests.support.world import account, seed
from tests.support.client import login, text_of


def test_a_similar_name_or_the_same_mail_domain_flags_a_likely_duplicate(store):
    seed(store)
    new = gen_org(30, id="org-new", name="Bergmedia Rosenheim GmbH", pending=True)
    store.create_node(Label.ORGANIZATION, new)
    found = likely_duplicates(store, new, "max@neu.example")
    assert [d.id for d in found] == ["org-bm"] and found[0].reasons == ["name"] and found[0].score >= 90
    # A different name, but someone of Alpenklang registered with the same domain.
    other = gen_org(31, id="org-x", name="AK Studio Augsburg", pending=True)
    store.create_node(Label.ORGANIZATION, other)
    by_domain = likely_duplicates(store, other, "neu@alpenklang.example")
    assert [d.id for d in by_domain] == ["org-ak"] and by_domain[0].reasons == ["domain"]
    # Freemail says nothing, and an unrelated name is not flagged.
    assert likely_duplicates(store, other, "someone@gmail.com") == []


def test_the_approval_page_offers_the_existing_organisation(app, client, store):
    seed(store)
    store.create_node(Label.ORGANIZATION, gen_org(30, id="org-new", name="Bergmedia Rosenheim GmbH", pending=True))
    store.create_node(Label.ACCOUNT, account("acc-new", "max@bergmedia.example", organization_id="org-new",
                                             approved=False, name="Max Neu"))
    login(client, "team@ki-m.example", lang="en")
    page = text_of(client.get("/staff/accounts"))
    assert "Possibly already in the network:" in page and "Bergmedia Rosenheim</a>" in page
    assert "same mail domain" in page  # anna@bergmedia.example is Bergmedia's
    # The existing organisation is offered: approve the account as its member (a staff-confirmed link).
    assert 'name="link_to" value="org-bm"' in page and "Approve as member of Bergmedia Rosenheim (org-bm)" in page


def test_merge_is_in_the_staff_navigation_with_autocomplete(app, client, store):
    seed(store)
    login(client, "team@ki-m.example", lang="en")
    home = text_of(client.get("/"))
    assert 'href="/staff/merge"' in home
    page = text_of(client.get("/staff/merge"))
    assert 'data-org-autocomplete="/api/v1/organizations"' in page and "org-autocomplete.js" in page
    found = client.get("/api/v1/organizations?q=Bergmed&per_page=15").get_json()
    assert [o["id"] for o in found["items"]] == ["org-bm"]
    member = app.test_client()
    login(member, "anna@bergmedia.example", lang="en")
    assert 'href="/staff/merge"' not in text_of(member.get("/"))


def test_the_audit_log_reads_as_sentences(app, client, store):
    seed(store)
    audit.record(store, "acc-staff", "merge_organizations", "org-x -> org-bm",
                 {"source": "org-x", "target": "org-bm", "source_name": "Bergmedia alt", "moved": {"skills": 2, "people": 1},
                  "filled": []})
    audit.record(store, "acc-staff", "edit_profile", "Organization org-ak", {"changed": ["city", "description_de"],
                                                                            "skills": []})
    audit.record(store, "acc-staff", "account.role", "acc-bm", {"from": "member", "to": "staff"})
    login(client, "team@ki-m.example", lang="en")
    page = text_of(client.get("/staff/audit"))
    assert "KI.M Team merged “Bergmedia alt” into “Bergmedia Rosenheim”; 3 relationships and records moved." in page
    assert "KI.M Team edited the profile “Alpenklang KI”: city, German description." in page
    assert "KI.M Team changed the role of Anna Berg from member to staff." in page
    assert "{&#34;" not in page and '{"' not in page  # no raw JSON
