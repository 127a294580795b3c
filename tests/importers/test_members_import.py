"""`kim import` for the centre's member lists: validate everything, then write all or nothing."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kim_network.importers.members import (
    MemberFileError,
    import_member_file,
    validate_member_file,
)
from kim_network.importers.records import graph_counts
from kim_network.core.model import Label, Rel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "members"


def _state(store):
    return graph_counts(store), store.change_counter()


def _import(store, *names):
    for name in names:
        result = import_member_file(FIXTURES / name, store)
        assert result.written and not result.errors, [str(e) for e in result.errors]


def test_csv_with_bom_semicolons_and_decimal_commas(store):
    result = import_member_file(FIXTURES / "organizations.csv", store)
    assert result.written and result.created["organizations"] == 3
    org = store.get_node(Label.ORGANIZATION, "alpenfunk")
    assert org["name"] == "Alpenfunk Medien GmbH"  # the BOM did not end up in the first column
    assert org["sme"] is True and org["lat"] == pytest.approx(48.14)
    assert org["description_de"] == "Lokalradio; Podcasts und Nachrichten"
    assert org["region"] == "DE21" and org["country"] == "DE"  # derived from nuts3
    assert store.get_node(Label.ORGANIZATION, "hs-medienlab")["sme"] is False
    # New organisations are public unless the file says otherwise.
    assert store.get_node(Label.ORGANIZATION, "hs-medienlab")["visibility"] == "public"


def test_people_skills_needs_and_offers_reference_earlier_files(store):
    _import(store, "organizations.csv", "people.json", "skills.csv", "needs.csv", "offers.csv")
    works = store.edges(Label.PERSON, "p-huber", Rel.WORKS_AT)
    assert [(e.target, e.props["role"]) for e in works] == [("hs-medienlab", "Professorin")]
    assert store.get_node(Label.PERSON, "p-wagner")["visibility"] == "members"  # default for people

    # A skill's broader link may point into the curated taxonomy, which gets seeded.
    assert [e.target for e in store.edges(Label.SKILL, "podcast-search", Rel.BROADER)] == ["asr"]
    assert store.get_node(Label.SKILL, "asr") is not None

    needs = {e.target: e.props for e in store.edges(Label.ORGANIZATION, "alpenfunk", Rel.NEEDS)}
    # "Automatische Untertitelung" is a label, matched onto the curated skill.
    assert needs["subtitling"]["weight"] == pytest.approx(0.9)
    assert needs["subtitling"]["note"] == "Für die Mediathek"
    assert needs["podcast-search"]["weight"] == 1.0
    offers = {e.target: e.props for e in store.edges(Label.ORGANIZATION, "pixelwerk", Rel.OFFERS)}
    assert set(offers) == {"local-news-ai", "image-recognition"}
    assert offers["local-news-ai"]["weight"] == pytest.approx(0.8)


def test_json_object_with_all_sections(store):
    result = import_member_file(FIXTURES / "members.json", store)
    assert result.written
    assert dict(result.created) == {"organizations": 2, "people": 1, "skills": 1, "needs": 2, "offers": 2}
    assert store.get_node(Label.SKILL, "lokal-archiv")["synonyms"] == "Archiverschließung, archive indexing"
    assert store.get_node(Label.ORGANIZATION, "frankenlab")["visibility"] == "members"
    offers = store.edges(Label.PERSON, "p-kellner", Rel.OFFERS)
    assert [e.target for e in offers] == ["dialect-asr"]
    needs = {e.target for e in store.edges(Label.ORGANIZATION, "donaudigital", Rel.NEEDS)}
    assert needs == {"asr", "lokal-archiv"}


def test_reimport_changes_nothing_not_even_the_change_counter(store):
    names = ("organizations.csv", "people.json", "skills.csv", "needs.csv", "offers.csv", "members.json")
    _import(store, *names)
    before = _state(store)
    for name in names:
        result = import_member_file(FIXTURES / name, store)
        assert not result.created and not result.updated, name
    assert _state(store) == before


def test_changed_row_updates_only_that_node(store, tmp_path):
    _import(store, "organizations.csv")
    edited = tmp_path / "organizations.csv"
    text = (FIXTURES / "organizations.csv").read_text(encoding="utf-8-sig")
    edited.write_text(text.replace("Pixelwerk KI Studio UG", "Pixelwerk KI Studio GmbH"), encoding="utf-8")
    result = import_member_file(edited, store)
    assert dict(result.updated) == {"organizations": 1} and result.unchanged["organizations"] == 2
    assert store.get_node(Label.ORGANIZATION, "pixelwerk")["name"] == "Pixelwerk KI Studio GmbH"


def test_member_file_fills_in_an_imported_cordis_organisation(store, tmp_path):
    store.upsert_nodes(Label.ORGANIZATION, [{"id": "990000001", "name": "Isarwelle Medien GmbH",
                                            "kind": "company", "source": "cordis", "visibility": "public"}])
    update = tmp_path / "organizations.csv"
    update.write_text("id,description_de\n990000001,Lokalfernsehen mit KI-Untertiteln\n", encoding="utf-8")
    result = import_member_file(update, store)
    assert result.written and dict(result.updated) == {"organizations": 1}
    node = store.get_node(Label.ORGANIZATION, "990000001")
    assert node["description_de"] == "Lokalfernsehen mit KI-Untertiteln"
    assert node["kind"] == "company" and node["source"] == "cordis"  # untouched


def test_malformed_file_reports_numbered_errors_and_changes_nothing(store):
    _import(store, "organizations.csv")
    before = _state(store)
    result = import_member_file(FIXTURES / "organizations_broken.csv", store)
    assert not result.written
    assert [str(e) for e in result.errors] == [
        "line 3: kind: must be one of: company, media_company, tech_provider, university, "
        "research_institute, public_body, other",
        "line 4: name: is required",
        # line 4's description spans two lines, as an editor shows it
        "line 6: id: duplicate id ok-org (first at line 2)",
        "line 7: lat: must be a number between -90 and 90",
        "line 8: id: must be 1-64 letters, digits or _.:- (got 'bad id!')",
    ]
    assert _state(store) == before
    assert store.get_node(Label.ORGANIZATION, "ok-org") is None


def test_skip_invalid_imports_the_valid_rows(store):
    result = import_member_file(FIXTURES / "organizations_broken.csv", store, skip_invalid=True)
    assert result.written and len(result.errors) == 5
    assert store.count_nodes(Label.ORGANIZATION) == 1
    assert store.get_node(Label.ORGANIZATION, "ok-org")["name"] == "Gute Medien GmbH"


def test_references_to_unknown_organisations_and_bad_emails(store):
    rows, errors = validate_member_file(FIXTURES / "people_broken.json", store)
    assert [str(e) for e in errors] == [
        "item 1: organization_id: Organization nirgendwo-gmbh is neither stored nor a valid row of this file",
        "item 2: email: is not an e-mail address ('keine-adresse')",
    ]
    assert [r.node["id"] for r in rows["people"]] == ["p-gut"]


def test_row_pointing_at_an_invalid_row_is_invalid_too(store, tmp_path):
    path = tmp_path / "members.json"
    path.write_text(
        '{"organizations": [{"id": "kaputt", "name": "Kaputt GmbH", "kind": "spaceship"}],'
        ' "needs": [{"organization_id": "kaputt", "skill": "asr"}]}',
        encoding="utf-8",
    )
    rows, errors = validate_member_file(path, store)
    assert rows == {}
    assert [e.where for e in errors] == ["organizations[0]", "needs[0]"]


def test_unknown_skill_and_missing_owner(store, tmp_path):
    _import(store, "organizations.csv")
    path = tmp_path / "offers.csv"
    path.write_text("organization_id,person_id,skill,weight\n"
                    "alpenfunk,,Quantenkochkunst,\n"
                    ",,asr,\n"
                    "alpenfunk,,asr,2\n", encoding="utf-8")
    _, errors = validate_member_file(path, store)
    assert [str(e) for e in errors] == [
        "line 2: skill: unknown skill 'Quantenkochkunst': neither a skill id nor a label in the taxonomy",
        "line 3: organization_id: give either organization_id or person_id (exactly one)",
        "line 4: weight: must be a number from 0 to 1",
    ]


def test_skill_file_forming_a_cycle_with_itself_is_refused(store):
    before = _state(store)
    result = import_member_file(FIXTURES / "skills_cycle.csv", store)
    assert not result.written
    assert [str(e) for e in result.errors] == [
        "line 2: broader: zyklus-b would close a cycle: zyklus-a → zyklus-b → zyklus-a",
        "line 3: broader: zyklus-a would close a cycle: zyklus-b → zyklus-a → zyklus-b",
    ]
    assert _state(store) == before


def test_skill_file_forming_a_cycle_with_the_stored_taxonomy_is_refused(store):
    from kim_network.core.taxonomy import seed_taxonomy

    seed_taxonomy(store)
    before = _state(store)
    result = import_member_file(FIXTURES / "skills_cycle_taxonomy.csv", store)
    assert not result.written
    assert "audio-speech → live-subtitling → subtitling → asr → audio-speech" in str(result.errors[0])
    assert _state(store) == before


def test_latin1_file_is_refused_with_the_position(store, tmp_path):
    path = tmp_path / "organizations.csv"
    path.write_bytes("id,name,kind\nx1,Bräu Medien,company\n".encode("latin-1"))
    with pytest.raises(MemberFileError, match=r"not UTF-8: byte 0xe4 at line 2, column 6"):
        validate_member_file(path, store)


def test_broken_json_is_refused_with_the_position(store, tmp_path):
    path = tmp_path / "people.json"
    path.write_text('[{"id": "p1", "name": "Anna"\n  "kind": "expert"}]', encoding="utf-8")
    with pytest.raises(MemberFileError, match=r"not valid JSON: Expecting ',' delimiter at line 2, column 3"):
        validate_member_file(path, store)


def test_unknown_columns_and_undecidable_kind(store, tmp_path):
    typo = tmp_path / "organizations.csv"
    typo.write_text("id,name,kind,webseite\nx1,X,company,https://x.example\n", encoding="utf-8")
    with pytest.raises(MemberFileError, match="unknown column.*webseite"):
        validate_member_file(typo, store)
    links = tmp_path / "links.csv"
    links.write_text("organization_id,skill\nx1,asr\n", encoding="utf-8")
    with pytest.raises(MemberFileError, match="--kind needs or --kind offers"):
        validate_member_file(links, store)


# -- through the CLI ----------------------------------------------------------------------

def test_cli_import_valid_file(runner, store):
    result = runner.invoke(args=["kim", "import", str(FIXTURES / "organizations.csv")])
    assert result.exit_code == 0, result.output
    assert "organizations" in result.output and "3 new" in result.output
    again = runner.invoke(args=["kim", "import", str(FIXTURES / "organizations.csv")])
    assert "0 new" in again.output and "3 unchanged" in again.output


def test_cli_import_errors_exit_1_and_write_nothing(runner, store):
    before = _state(store)
    result = runner.invoke(args=["kim", "import", str(FIXTURES / "organizations_broken.csv")])
    assert result.exit_code == 1
    assert "line 3: kind:" in result.output and "nothing was imported" in result.output
    assert "Traceback" not in result.output
    assert _state(store) == before

    skipped = runner.invoke(args=["kim", "import", "--skip-invalid", str(FIXTURES / "organizations_broken.csv")])
    assert skipped.exit_code == 0
    assert "skipped 5 invalid row(s)" in skipped.output
    assert store.count_nodes(Label.ORGANIZATION) == 1


def test_cli_kind_option_for_a_file_named_otherwise(runner, store, tmp_path):
    for name in ("organizations.csv", "skills.csv"):
        runner.invoke(args=["kim", "import", str(FIXTURES / name)])
    path = tmp_path / "liste.csv"
    shutil.copy(FIXTURES / "offers.csv", path)
    refused = runner.invoke(args=["kim", "import", str(path)])
    assert refused.exit_code == 1 and "--kind" in refused.output
    result = runner.invoke(args=["kim", "import", "--kind", "offers", str(path)])
    assert result.exit_code == 0, result.output
    assert store.count_edges(Rel.OFFERS) == 2


def test_cli_unreadable_file_is_a_clear_error(runner, store, tmp_path):
    path = tmp_path / "organizations.csv"
    path.write_bytes(b"id,name,kind\nx1,M\xfcnchen Media,company\n")
    result = runner.invoke(args=["kim", "import", str(path)])
    assert result.exit_code == 1 and "not UTF-8" in result.output and "Traceback" not in result.output
    missing = runner.invoke(args=["kim", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "cannot read" in missing.output


def test_uploaded_bytes_are_validated_like_a_file(store):
    """The web layer passes an upload's bytes; the name still tells format and kind."""
    content = (FIXTURES / "organizations_broken.csv").read_bytes()
    rows, errors = validate_member_file("upload.csv", store, kind="organizations", content=content)
    assert [e.where for e in errors] == ["line 3", "line 4", "line 6", "line 7", "line 8"]
    result = import_member_file("organizations.csv", store, content=(FIXTURES / "organizations.csv").read_bytes())
    assert result.written and store.count_nodes(Label.ORGANIZATION) == 3
