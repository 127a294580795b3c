"""The demo people: researchers, experts and media professionals at the organisations."""
from __future__ import annotations

import re
from datetime import date

from kim_network.core.model import Label, Rel
from kim_network.demo.data import (
    CLUSTER_TOPIC, CLUSTERS, FIRST_F, FIRST_M, GAP_SKILLS, INTERNATIONAL, LAST, SOURCE, to_ascii,
)


class PeopleMixin:
    """Methods of the demo builder (`kim_network.demo.builder.Builder`); state lives there."""

    def person_name(self) -> tuple[str, str, str]:
        rng = self.rng
        for _ in range(200):
            female = rng.random() < 0.47
            if rng.random() < 0.22:
                f_names, m_names, last_names = rng.choice(INTERNATIONAL)
                first = rng.choice(f_names if female else m_names)
                last = rng.choice(last_names)
            else:
                first = rng.choice(FIRST_F if female else FIRST_M)
                last = rng.choice(LAST)
            if f"{first} {last}" not in self.person_names:
                self.person_names.add(f"{first} {last}")
                return first, last, "f" if female else "m"
        raise RuntimeError("could not find a free person name")

    def position(self, meta: dict, lead: bool, gender: str) -> tuple[str, str]:
        """(person kind, title) for someone at an organisation."""
        rng = self.rng
        f = gender == "f"
        kind = meta["kind"]
        if kind in ("university", "research_institute"):
            topic = CLUSTER_TOPIC[rng.choice(meta["clusters"])][0]
            if lead:
                title = (f"Prof. Dr., Professorin für {topic}" if f else f"Prof. Dr., Professor für {topic}") \
                    if kind == "university" else (f"Dr., Leiterin der Abteilung {topic}" if f else f"Dr., Leiter der Abteilung {topic}")
            else:
                title = rng.choice((
                    f"Wissenschaftliche Mitarbeiterin, {topic}" if f else f"Wissenschaftlicher Mitarbeiter, {topic}",
                    f"Dr., Postdoc {topic}", f"Doktorandin, {topic}" if f else f"Doktorand, {topic}",
                    f"Dr., Gruppenleiterin {topic}" if f else f"Dr., Gruppenleiter {topic}",
                ))
            return "researcher", title
        if kind in ("tech_provider",) or (kind == "company" and meta["type"] != "enterprise"):
            if meta["type"] == "law":
                return "expert", ("Rechtsanwältin, Fachanwältin für IT-Recht" if f else "Rechtsanwalt, Fachanwalt für IT-Recht") \
                    if lead else ("Rechtsanwältin" if f else "Rechtsanwalt")
            if lead:
                return "expert", rng.choice(("Gründerin und Geschäftsführerin" if f else "Gründer und Geschäftsführer",
                                             "CEO", "CTO", "Managing Director"))
            return "expert", rng.choice(("Head of Machine Learning", "Lead Data Scientist", "Senior ML Engineer",
                                         "Produktmanagerin KI" if f else "Produktmanager KI", "Solution Architect",
                                         "Beraterin Digitalstrategie" if f else "Berater Digitalstrategie",
                                         "Research Engineer"))
        if kind == "public_body" or kind == "company":
            return "expert", rng.choice(("Leiterin Digitalisierung" if f else "Leiter Digitalisierung",
                                         "Referentin für Medien und KI" if f else "Referent für Medien und KI",
                                         "Projektleiterin" if f else "Projektleiter"))
        if lead:
            return "media_professional", rng.choice((
                "Geschäftsführerin" if f else "Geschäftsführer", "Chefredakteurin" if f else "Chefredakteur",
                "Leiterin Digitales und Innovation" if f else "Leiter Digitales und Innovation",
                "Head of Innovation"))
        return "media_professional", rng.choice((
            "Redakteurin Daten und Recherche" if f else "Redakteur Daten und Recherche",
            "Leiterin Archiv und Dokumentation" if f else "Leiter Archiv und Dokumentation",
            "Produktionsleiterin" if f else "Produktionsleiter", "Social-Media-Redakteurin" if f else "Social-Media-Redakteur",
            "Technische Leiterin" if f else "Technischer Leiter", "Produktmanagerin" if f else "Produktmanager"))

    def add_person(self, person_id: str, org_id: str, first: str, last: str, kind: str, title: str, *,
                   has=(), offers=(), needs=(), visibility=None, dates=None, account_id=None) -> dict:
        rng = self.rng
        meta = self.org_meta[org_id]
        org = next(o for o in self.orgs if o["id"] == org_id)
        name = f"{first} {last}"
        email_local = re.sub(r"[^a-z0-9.]+", "", to_ascii(f"{first}.{last}").lower().replace(" ", "-"))
        skills_de = self.labels(offers or has, "de", 3)
        skills_en = self.labels(offers or has, "en", 3)
        org_name = org["name"]
        person = {
            "id": person_id,
            "name": name,
            "kind": kind,
            "title": title,
            "description_de": f"{title} bei {org_name}." + (f" Schwerpunkte: {skills_de}." if skills_de else ""),
            "description_en": f"{title} at {org_name}." + (f" Focus: {skills_en}." if skills_en else ""),
            "email": f"{email_local}@{meta['domain']}",
            "email_visibility": self.weighted(("public", "members", "staff"), (20, 50, 30)),
            "phone_visibility": self.weighted(("public", "members", "staff"), (10, 30, 60)),
            "city": meta["city"].name,
            "region": meta["city"].region,
            "visibility": visibility or self.weighted(("public", "members", "staff"), (70, 25, 5)),
            "source": SOURCE,
            "pending": False,
            **(dates or self.dates(start=date(2023, 2, 1))),
        }
        if rng.random() < 0.5:
            person["phone"] = f"+49 {meta['city'].area_code} 0{rng.randint(10000, 999999)}"
        if account_id:
            person["account_id"] = account_id
        self.people.append(person)
        self.person_meta[person_id] = {"org": org_id, "kind": kind, "has": list(has), "offers": list(offers)}
        self.staff_by_org.setdefault(org_id, []).append(person_id)
        self.edge(Rel.WORKS_AT, person_id, org_id, role=title.split(",")[-1].strip()[:200])
        for s in has:
            self.edge(Rel.HAS_SKILL, person_id, s, Label.PERSON, weight=round(rng.uniform(0.5, 1.0), 2))
        for s in offers:
            self.edge(Rel.OFFERS, person_id, s, Label.PERSON, weight=round(rng.uniform(0.5, 1.0), 2))
        for s in needs:
            self.edge(Rel.NEEDS, person_id, s, Label.PERSON, weight=round(rng.uniform(0.3, 1.0), 2))
        return person

    def build_fixed_people(self) -> None:
        self.person_names.update({"Jonas Wimmer", "Miriam Lechner", "Lena Brandl"})
        self.add_person(
            "demo-sme-person", "demo-sme", "Jonas", "Wimmer", "media_professional", "Leiter Digitales und Innovation",
            has=("content-repurposing",), needs=("subtitling", "asr", "metadata-enrichment"), visibility="public",
            account_id="acc-demo-sme",
            dates={"created_at": "2025-03-04T09:15:00+00:00", "confirmed_at": "2026-09-18T14:05:00+00:00",
                   "updated_at": "2026-09-18T14:05:00+00:00"},
        )
        self.add_person(
            "demo-researcher", "demo-uni", "Miriam", "Lechner", "researcher",
            "Prof. Dr., Professorin für Sprach- und Medientechnologie",
            has=("asr", "dialect-asr", "subtitling", "transcription", "speaker-diarization", "summarization",
                 "ner", "llm-integration", "deep-learning"),
            offers=("asr", "dialect-asr", "subtitling", "transcription", "summarization"),
            visibility="public", account_id="acc-demo-researcher",
            dates={"created_at": "2023-02-21T11:00:00+00:00", "confirmed_at": "2026-07-01T08:40:00+00:00",
                   "updated_at": "2026-07-01T08:40:00+00:00"},
        )
        # Her e-mail is for members (and so for whoever she accepts a contact request from);
        # set after the draw so the rest of the demo stays the same.
        self.people[-1].update(email_visibility="members", phone_visibility="staff")
        self.add_person(
            "demo-staff", "kim-zentrum", "Lena", "Brandl", "expert", "Netzwerkmanagerin KI.M",
            has=("ai-literacy", "funding-consulting", "project-management"), visibility="members",
            account_id="acc-demo-staff",
            dates={"created_at": "2023-01-10T09:05:00+00:00", "confirmed_at": "2026-10-01T09:05:00+00:00",
                   "updated_at": "2026-10-01T09:05:00+00:00"},
        )

    def build_people(self) -> None:
        rng = self.rng
        ranges = {"university": (4, 8), "research_institute": (3, 6), "tech_provider": (1, 3),
                  "media_company": (1, 2), "company": (1, 1), "public_body": (1, 2), "other": (1, 1)}
        n = 0
        for org in self.orgs:
            org_id = org["id"]
            meta = self.org_meta[org_id]
            lo, hi = ranges[meta["kind"]]
            if org_id in ("demo-sme", "kim-zentrum"):
                lo = hi = 1
            count = rng.randint(lo, hi)
            for j in range(count):
                n += 1
                first, last, gender = self.person_name()
                lead = j == 0 and org_id not in ("demo-uni",)
                kind, title = self.position(meta, lead, gender)
                org_skills = meta["has"] or meta["offers"]
                has = rng.sample(org_skills, min(len(org_skills), rng.randint(1, 4))) if org_skills else []
                if kind == "researcher" and rng.random() < 0.5 and meta["clusters"]:
                    extra = rng.choice(CLUSTERS[rng.choice(meta["clusters"])])
                    if extra not in has and extra not in GAP_SKILLS:
                        has.append(extra)
                offers = [s for s in has if s in meta["offers"] and rng.random() < 0.5] \
                    if kind != "media_professional" else []
                needs = rng.sample(meta["needs"], min(len(meta["needs"]), rng.randint(1, 2))) \
                    if lead and meta["needs"] and kind == "media_professional" else []
                self.add_person(f"demo-person-{n:04d}", org_id, first, last, kind, title,
                                has=has, offers=offers, needs=needs)

    # -- projects -----------------------------------------------------------------------
