"""Read the CORDIS Horizon Europe folder format into graph records (nodes and edges).

The reader is pure (no store): the importer writes its records into a store, and the
offline evaluation builds its projection from the very same records, so both see one
interpretation of the data.
"""
from __future__ import annotations

import csv
import gzip
import hashlib
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping

from kim_network.core.errors import Invalid
from kim_network.core import eligibility
from kim_network.core.model import Label, Rel, drop_invalid
from kim_network.core.regions import region_name

# CORDIS activity types onto the platform's organisation kinds.
KIND_BY_ACTIVITY = {
    "PRC": "company",
    "HES": "university",
    "REC": "research_institute",
    "PUB": "public_body",
    "OTH": "other",
}
# When an organisation appears twice in one project, the stronger role wins.
_ROLE_RANK = {"coordinator": 4, "participant": 3, "associatedPartner": 2, "thirdParty": 1}
# A keyword becomes a skill of its own when this many projects use it.
KEYWORD_MIN_PROJECTS = 3
# A call topic requires the skills that at least this share of its funded projects needed (at most 10).
CALL_SKILL_SHARE = 0.25
CALL_SKILLS_MAX = 10

DEFAULT_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "cordis-horizon-europe-2021-2024"
FILES = (
    "organizations.csv.gz",
    "projects.csv.gz",
    "participations.csv.gz",
    "project_euroscivoc.csv.gz",
)


class CordisFormatError(Invalid):
    """The folder is not in the CORDIS format this importer reads."""


@dataclass
class GraphRecords:
    """Node rows by label and edge rows by relationship type, in the store's input format."""

    nodes: dict[Label, list[dict]] = field(default_factory=lambda: defaultdict(list))
    edges: dict[Rel, list[dict]] = field(default_factory=lambda: defaultdict(list))
    # Values left out because they break the model's field rules, e.g. {"website": 1}.
    dropped: Counter = field(default_factory=Counter)

    def counts(self) -> dict[str, int]:
        out = {label.value: len(rows) for label, rows in self.nodes.items()}
        out.update({rel.value: len(rows) for rel, rows in self.edges.items()})
        return out


def default_dir() -> Path:
    """The CORDIS folder: $KIM_CORDIS_DIR, or ../shared/data/... beside the repository."""
    return Path(os.environ.get("KIM_CORDIS_DIR") or DEFAULT_DIR)


def _rows(folder: Path, name: str, required: Iterable[str]) -> Iterable[dict]:
    path = folder / name
    if not path.exists():
        raise CordisFormatError(f"{path} is missing; expected the CORDIS files {', '.join(FILES)}")
    try:
        handle = gzip.open(path, "rt", encoding="utf-8", newline="")
        reader = csv.DictReader(handle)
        missing = set(required) - set(reader.fieldnames or [])
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CordisFormatError(f"{path} cannot be read as gzip-compressed UTF-8 CSV: {exc}") from exc
    if missing:
        handle.close()
        raise CordisFormatError(f"{path} lacks the columns {', '.join(sorted(missing))}")
    with handle:
        try:
            yield from reader
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CordisFormatError(f"{path} is damaged near line {reader.line_num}: {exc}") from exc


def _text(value: str | None, limit: int) -> str | None:
    value = (value or "").strip()
    return value[:limit] if value else None


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _latlon(value: str | None) -> tuple[float | None, float | None]:
    if not value or "," not in value:
        return None, None
    lat, lon = (_float(v) for v in value.split(",", 1))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, None
    return lat, lon


def normalise_keyword(value: str) -> str:
    """Lower-case, single-spaced, without surrounding punctuation.

    >>> normalise_keyword("  Machine   Learning. ")
    'machine learning'
    """
    value = re.sub(r"\s+", " ", value.strip().lower())
    return value.strip(" .;:-–()[]\"'")


def keyword_id(keyword: str) -> str:
    """A stable skill id for a keyword (readable slug, hashed when long).

    >>> keyword_id("speech-to-text (STT)")
    'kw-speech-to-text-stt'
    """
    slug = re.sub(r"[^a-z0-9]+", "-", keyword.lower()).strip("-")
    if not slug or len(slug) > 50:
        slug = (slug[:40].strip("-") + "-" if slug else "") + hashlib.sha1(keyword.encode()).hexdigest()[:8]
    return "kw-" + slug


def split_keywords(value: str | None) -> list[str]:
    out = []
    for part in re.split(r"[,;]", value or ""):
        keyword = normalise_keyword(part)
        if 2 <= len(keyword) <= 120 and keyword not in out:
            out.append(keyword)
    return out


def read_cordis(
    folder: str | Path | None = None,
    match_term: Callable[[str], str | None] | None = None,
) -> GraphRecords:
    """Read a CORDIS folder into graph records.

    `match_term` maps a keyword or euroSciVoc title onto a curated skill id (or None);
    matched terms link projects to the curated taxonomy instead of a keyword skill, and
    euroSciVoc concepts that match hang below the curated skill (`BROADER`).
    """
    folder = Path(folder) if folder else default_dir()
    if not folder.is_dir():
        raise CordisFormatError(f"{folder} is not a folder")
    rec = GraphRecords()
    regions: dict[str, dict] = {}

    def region(code: str) -> str | None:
        code = (code or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{0,3}", code):
            return None
        for length in range(2, len(code) + 1):
            prefix = code[:length]
            if prefix not in regions:
                regions[prefix] = {
                    "id": prefix, "name": region_name(prefix), "level": length - 2, "country": code[:2],
                }
                if length > 2:
                    rec.edges[Rel.PART_OF].append({"source": prefix, "target": code[: length - 1]})
        return code

    for row in _rows(folder, "organizations.csv.gz", ("organisationID", "name", "activityType")):
        oid = row["organisationID"].strip()
        lat, lon = _latlon(row.get("geolocation"))
        nuts = region(row.get("nutsCode", ""))
        org, dropped = drop_invalid(Label.ORGANIZATION, {
            "id": oid,
            "name": _text(row["name"], 300) or oid,
            "short_name": _text(row.get("shortName"), 120),
            "kind": KIND_BY_ACTIVITY.get(row["activityType"].strip(), "other"),
            "sme": row.get("SME", "").strip().lower() == "true",
            "street": _text(row.get("street"), 300),
            "postcode": _text(row.get("postCode"), 20),
            "city": _text(row.get("city"), 120),
            "country": _text(row.get("country"), 2),
            "nuts3": nuts if nuts and len(nuts) == 5 else None,
            "region": nuts[:4] if nuts and len(nuts) >= 4 else None,
            "lat": lat,
            "lon": lon,
            "website": _text(row.get("organizationURL"), 500),
            "visibility": "public",
            "source": "cordis",
            "created_at": _text(row.get("firstSignature"), 10),
        })
        rec.dropped.update(key for key, _reason in dropped)
        rec.nodes[Label.ORGANIZATION].append(org)
        if nuts:
            rec.edges[Rel.LOCATED_IN].append({"source": oid, "target": nuts})

    keywords_by_project: dict[str, list[str]] = {}
    keyword_use: Counter = Counter()
    for row in _rows(folder, "projects.csv.gz", ("projectID", "title", "ecSignatureDate")):
        pid = row["projectID"].strip()
        keywords = split_keywords(row.get("keywords"))
        keywords_by_project[pid] = keywords
        keyword_use.update(keywords)
        rec.nodes[Label.PROJECT].append(
            {
                "id": pid,
                "title": _text(row["title"], 1000) or pid,
                "acronym": _text(row.get("acronym"), 120),
                "objective": _text(row.get("objective"), 20_000),
                "keywords": _text(row.get("keywords"), 20_000),
                "topic": _text(row.get("topic"), 200),
                "topic_title": _text(row.get("topicTitle"), 1000),
                "call": _text(row.get("masterCall"), 200),
                "programme_part": _text(row.get("legalBasisTitle"), 200),
                "funding_scheme": _text(row.get("fundingScheme"), 100),
                "start_date": _text(row.get("startDate"), 10),
                "end_date": _text(row.get("endDate"), 10),
                "signed_date": _text(row.get("ecSignatureDate"), 10),
                "total_cost": _float(row.get("totalCost")),
                "source": "cordis",
                "visibility": "public",
            }
        )

    skills: dict[str, dict] = {}
    requires: dict[tuple[str, str], dict] = {}

    def require(pid: str, skill_id: str, weight: float, origin: str) -> None:
        key = (pid, skill_id)
        if key not in requires or requires[key]["weight"] < weight:
            requires[key] = {"source": pid, "target": skill_id, "source_label": "Project",
                             "weight": weight, "origin": origin}

    matched_cache: dict[str, str | None] = {}

    def curated(term: str) -> str | None:
        if match_term is None:
            return None
        if term not in matched_cache:
            matched_cache[term] = match_term(term)
        return matched_cache[term]

    for row in _rows(folder, "project_euroscivoc.csv.gz", ("projectID", "euroSciVocCode", "euroSciVocPath")):
        codes = [c for c in row["euroSciVocCode"].strip("/").split("/") if c]
        titles = [t for t in row["euroSciVocPath"].strip("/").split("/") if t]
        if not codes or len(codes) != len(titles):
            continue
        parent = None
        for code, title in zip(codes, titles):
            sid = f"esv-{code}"
            if sid not in skills:
                skills[sid] = {
                    "id": sid, "label_de": title[:200], "label_en": title[:200], "source": "euroscivoc",
                    "path": "/" + "/".join(titles[: titles.index(title) + 1])[:999],
                }
                if parent:
                    rec.edges[Rel.BROADER].append({"source": sid, "target": parent})
                target = curated(title)
                if target:
                    rec.edges[Rel.BROADER].append({"source": sid, "target": target})
            parent = sid
        require(row["projectID"].strip(), parent, 1.0, "euroscivoc")

    for pid, keywords in keywords_by_project.items():
        for keyword in keywords:
            target = curated(keyword)
            if target:
                require(pid, target, 1.0, "keyword")
            elif keyword_use[keyword] >= KEYWORD_MIN_PROJECTS:
                sid = keyword_id(keyword)
                if sid not in skills:
                    skills[sid] = {"id": sid, "label_de": keyword[:200], "label_en": keyword[:200],
                                   "source": "keyword"}
                require(pid, sid, 0.5, "keyword")

    best: dict[tuple[str, str], dict] = {}
    for row in _rows(folder, "participations.csv.gz", ("projectID", "organisationID", "role")):
        key = (row["organisationID"].strip(), row["projectID"].strip())
        role = row["role"].strip()
        if role not in _ROLE_RANK:
            role = "participant"
        current = best.get(key)
        if current is None or _ROLE_RANK[role] > _ROLE_RANK[current["role"]]:
            order = row.get("order", "").strip()
            best[key] = {
                "source": key[0], "target": key[1], "role": role,
                "order": int(order) if order.isdigit() else None,
            }
    rec.edges[Rel.PARTICIPATED_IN] = [
        {k: v for k, v in e.items() if v is not None} for e in best.values()
    ]
    rec.nodes[Label.REGION] = list(regions.values())
    rec.nodes[Label.SKILL] = list(skills.values())
    calls, call_skills = _calls(rec.nodes[Label.PROJECT], requires.values(), best.values())
    rec.nodes[Label.CALL] = calls
    rec.edges[Rel.REQUIRES] = list(requires.values()) + call_skills
    return rec


def _calls(projects: list[dict], requires: Iterable[dict], participations: Iterable[dict]) -> tuple[list[dict], list[dict]]:
    """Each call topic of the funded projects as a Call (its code is its id), with the skills its
    projects needed and the eligibility rules of its type of action."""
    by_topic: dict[str, list[dict]] = defaultdict(list)
    for project in projects:
        if project.get("topic"):
            by_topic[project["topic"]].append(project)
    skills_of: dict[str, list[str]] = defaultdict(list)
    for row in requires:
        skills_of[row["source"]].append(row["target"])
    team_size: Counter = Counter()
    for row in participations:
        if row["role"] in ("coordinator", "participant"):
            team_size[row["target"]] += 1
    calls, edges = [], []
    for topic, funded in sorted(by_topic.items()):
        scheme = Counter(p.get("funding_scheme") for p in funded if p.get("funding_scheme")).most_common(1)
        scheme = scheme[0][0] if scheme else None
        action = eligibility.type_of_action(scheme)
        minimum = eligibility.action_types()[action].minimum("min_entities") if action else None
        sizes = sorted(team_size[p["id"]] for p in funded if team_size[p["id"]])
        typical = sizes[len(sizes) // 2] if sizes else None
        title = next((p["topic_title"] for p in funded if p.get("topic_title")), None) or topic
        signed = sorted(p["signed_date"] for p in funded if p.get("signed_date"))
        acronyms = ", ".join(p.get("acronym") or p["id"] for p in funded[:8]) + (" …" if len(funded) > 8 else "")
        call = {
            "id": topic, "title": title[:500], "programme": funded[0].get("programme_part"),
            "master_call": funded[0].get("call"), "funding_scheme": scheme, "type_of_action": action,
            "projects_funded": len(funded), "source": "cordis",
            "description_en": (f"Horizon Europe topic {topic}: {len(funded)} funded project(s)"
                               + (f", signed {signed[0][:4]}–{signed[-1][:4]}" if signed else "")
                               + f": {acronyms}.")[:20_000],
        }
        if minimum:
            call["min_partners"] = minimum
            call["max_partners"] = max(minimum, min(20, typical or minimum))
        calls.append({k: v for k, v in call.items() if v is not None})
        wanted = _call_skills(funded, skills_of)
        uses = Counter(s for p in funded for s in set(skills_of.get(p["id"], ())))
        for s in wanted:
            edges.append({"source": topic, "target": s, "source_label": "Call",
                          "weight": round(uses[s] / len(funded), 3), "origin": "cordis"})
    return calls, edges


def _call_skills(funded: list[dict], skills_of: Mapping[str, list[str]]) -> list[str]:
    """The skills a call needed: those required by at least `CALL_SKILL_SHARE` of its funded
    projects, most used first, ties by skill id (never by hash order, so every process
    imports the same), at most `CALL_SKILLS_MAX`.

    >>> _call_skills([{"id": "p1"}, {"id": "p2"}], {"p1": ["b", "a", "c"], "p2": ["c", "b"]})
    ['b', 'c', 'a']
    """
    uses = Counter(s for p in funded for s in set(skills_of.get(p["id"], ())))
    wanted = sorted((s for s, n in uses.items() if n >= max(1, CALL_SKILL_SHARE * len(funded))),
                    key=lambda s: (-uses[s], s))
    return wanted[:CALL_SKILLS_MAX]
