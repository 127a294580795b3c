"""The centre's own member lists (CSV or JSON): validate every row, then write all or nothing.

Modules: `files` reads a file into raw rows, `rows` validates one row against the model's
field rules, `checks` validates the whole file (duplicates, references, cycles), `writing`
writes the valid rows.

File formats (UTF-8, with or without BOM):

- CSV with a header row, `;` or `,` as delimiter (whichever the header uses more). One
  kind of record per file. Empty cells mean "not given" and leave stored values alone.
- JSON: a list of objects (one kind), or an object with any of the keys
  `organizations`, `people`, `skills`, `needs`, `offers`, each a list of objects.

Columns per kind (`id` columns: 1-64 letters, digits or `_.:-`):

- organizations: id, name, kind (company, media_company, tech_provider, university,
  research_institute, public_body, other), sme (true/false, ja/nein), short_name, street,
  postcode, city, country, nuts3 and/or region (NUTS-3 like DE212 / NUTS-2 like DE21),
  lat, lon, website, description_de, description_en, keywords, contact_email,
  contact_phone, visibility (public, members, staff; new organisations default to public)
- people: id, name, kind (researcher, expert, media_professional), title,
  organization_id, role (at that organisation), email, phone, email_visibility,
  phone_visibility, city, region, description_de, description_en, visibility
  (new people default to members)
- skills: id, label_de, label_en, broader (ids of broader skills, separated by `|`),
  synonyms, description_de, description_en
- needs / offers: organization_id or person_id (one of them), skill (a skill id or a
  label, matched onto the curated taxonomy), weight (0..1, default 1), note

An organisation is linked (`LOCATED_IN`) to its NUTS-3 or NUTS-2 region when that region
is in the store (after a CORDIS import). Curated skills that rows refer to are seeded.

The kind comes from `--kind`, from the JSON keys, or from the CSV header (needs and
offers share a header: the file name must contain "need"/"offer" or `--kind` says it;
a header of only `id` and descriptions is told by a file name with "org", "people" or "skill").

Values follow the model's field rules (`kim_network.core.fields`), as in the forms and the
API: e-mail addresses, http(s) web addresses, phone numbers, NUTS codes, lengths.
Every row is validated before anything is written: properties against the model,
references (organisations, people, skills) against the store and the same file,
duplicate ids within the file, and `broader` links that would close a cycle. Errors read
`line N: field: reason` (CSV, header = line 1), `item 3: field: reason` (a JSON list) or
`people[3]: field: reason` (a JSON object's section; indexes from 0). Rows identical to what is stored are not written again, so re-importing a file
changes nothing.
"""
from __future__ import annotations

from kim_network.importers.members.checks import validate_member_file
from kim_network.importers.members.files import COLUMNS, KINDS, MemberFileError, decode_utf8, load_json, read_member_file
from kim_network.importers.members.rows import MemberRow, RowError
from kim_network.importers.members.writing import MemberImport, import_member_file, write_member_rows

__all__ = [
    "COLUMNS", "KINDS", "MemberFileError", "MemberImport", "MemberRow", "RowError", "decode_utf8",
    "import_member_file", "load_json", "read_member_file", "validate_member_file", "write_member_rows",
]
