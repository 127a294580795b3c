"""German by default, English on request; both catalogues complete and compiled."""
from __future__ import annotations

import pytest

from kim_network.web import i18n_tools
from kim_network.web.i18n import bi, kind_label

PASSWORD = "Redaktion-Nord-7"


def test_german_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="de">' in page
    assert "Organisation registrieren" in page and "Anmelden" in page
    assert "Register your organisation" not in page


def test_language_switch_is_visible_and_remembered(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/?lang=en"' in page and 'href="/?lang=de"' in page
    english = client.get("/login?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in english and ">Log in<" in english
    # kept in the session cookie for the next pages
    assert '<html lang="en">' in client.get("/register").get_data(as_text=True)
    assert '<html lang="de">' in client.get("/register?lang=de").get_data(as_text=True)
    assert '<html lang="de">' in client.get("/").get_data(as_text=True)


def test_switch_keeps_other_query_parameters(client):
    page = client.get("/login?next=/privacy").get_data(as_text=True)
    assert 'href="/login?next=%2Fprivacy&amp;lang=en"' in page


@pytest.mark.parametrize("header, lang", [("en-GB,en;q=0.9", "en"), ("de-DE,de;q=0.9,en;q=0.5", "de"), ("fr-FR", "de")])
def test_accept_language(client, header, lang):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page


def test_the_accounts_language_applies_and_the_switch_updates_it(app, client, auth, store):
    account = auth.register_account(store, "lena@hs-donau.example", PASSWORD, language="en")
    auth.login(client, "lena@hs-donau.example", PASSWORD)
    fresh = app.test_client()
    auth.login(fresh, "lena@hs-donau.example", PASSWORD)
    assert '<html lang="en">' in fresh.get("/").get_data(as_text=True)
    fresh.get("/?lang=de")
    assert store.get_node("Account", account["id"])["language"] == "de"
    other_browser = app.test_client()
    auth.login(other_browser, "lena@hs-donau.example", PASSWORD)
    assert '<html lang="de">' in other_browser.get("/").get_data(as_text=True)


def test_error_pages_and_messages_are_translated(client):
    assert "Seite nicht gefunden" in client.get("/gibt-es-nicht").get_data(as_text=True)
    assert "Page not found" in client.get("/gibt-es-nicht?lang=en").get_data(as_text=True)


def test_bi_picks_the_current_language_with_fallback(app):
    org = {"description_de": "Regionalsender", "description_en": "Regional broadcaster"}
    only_de = {"description_de": "Nur Deutsch"}
    with app.test_request_context("/?lang=en"):
        assert bi(org, "description") == "Regional broadcaster"
        assert bi(only_de, "description") == "Nur Deutsch"
        assert bi({"label_de": "Spracherkennung", "label_en": "Speech recognition"}, "label") == "Speech recognition"
        assert bi(None, "description") == ""
        assert kind_label("media_company") == "Media company"
    with app.test_request_context("/"):
        assert bi(org, "description") == "Regionalsender"
        assert bi({"description_en": "Only English"}, "description") == "Only English"
        assert kind_label("media_company") == "Medienunternehmen"
        assert kind_label("unknown_kind") == "unknown_kind"


def test_every_ui_string_has_a_german_translation_and_the_catalogues_are_compiled():
    """Fails when code or templates gained a string: run `python -m kim_network.web.i18n_tools`."""
    template = i18n_tools.extract_catalog()
    german = i18n_tools.read_catalog("de")
    extracted = {m.id for m in template if m.id}
    assert len(extracted) > 100
    not_in_catalogue = sorted(str(i) for i in extracted if i not in german)
    assert not not_in_catalogue, f"strings missing from the de catalogue: {not_in_catalogue[:20]}"
    untranslated = i18n_tools.missing(german)
    assert not untranslated, f"German translations missing: {untranslated[:20]}"
    for language in i18n_tools.LANGUAGES:
        assert i18n_tools.compiled_matches(language), f"{language}/messages.mo is older than messages.po"
