"""The demo projects: consortia of nearby, thematically close partners, and the journey projects."""
from __future__ import annotations

import math
from datetime import date, timedelta

from kim_network.core.model import Label, Rel
from kim_network.demo.data import CLUSTERS, N_PROJECTS, SOURCE, km_between


class ProjectsMixin:
    """Methods of the demo builder (`kim_network.demo.builder.Builder`); state lives there."""

    def acronym(self, used: set[str]) -> str:
        rng = self.rng
        heads = ("VOX", "MEDI", "LINGU", "AUDI", "TRANS", "VERI", "ARCH", "NEWS", "IMMER", "DATA", "REGIO",
                 "BAY", "FRANK", "ALP", "DONAU", "ISAR", "LECH", "MAIN", "SEN", "TEXT", "PIX", "KLANG")
        tails = ("ON", "IA", "AR", "US", "EX", "KI", "ISA", "OS", "ERA", "IO", "AMO", "ENT", "AL")
        for _ in range(500):
            a = rng.choice(heads) + rng.choice(tails)
            if rng.random() < 0.25:
                a += f"-{rng.randint(2, 5)}"
            if a not in used:
                used.add(a)
                return a
        raise RuntimeError("no free acronym")

    _PROJECT_TITLES = {
        "speech": ("Dialektrobuste Spracherkennung für regionale Sender", "Automatische Untertitel für Live-Formate",
                   "Transkription und Archivsuche im Hörfunk", "Synthetische Stimmen für barrierearme Nachrichten"),
        "audio": ("KI-gestützte Restaurierung historischer Tonaufnahmen", "Klangerkennung für Radioarchive",
                  "Generative Audioproduktion für Podcasts"),
        "language": ("Mehrsprachige Regionalnachrichten mit maschineller Übersetzung",
                     "Automatische Zusammenfassungen für Lokalredaktionen", "Nachrichten in Leichter Sprache"),
        "genai": ("Sprachmodelle sicher im Redaktionsalltag", "Archiv-Chat: Retrieval-Augmented Generation für Verlage",
                  "Generative Bildwelten für Regionalmarketing", "KI-Assistenz für Lokalredaktionen"),
        "vision": ("Automatische Videoanalyse für Sportberichterstattung", "Bilderkennung für Fotoarchive",
                   "Automatischer Videoschnitt für soziale Plattformen"),
        "trust": ("Deepfakes erkennen im Regionaljournalismus", "Faktencheck-Werkzeuge für Redaktionen",
                  "Moderation von Leserkommentaren mit KI"),
        "distribution": ("Vielfaltssensible Empfehlungen für Mediatheken", "Publikumsanalyse für Regionalmedien",
                         "Personalisierte Lokalnachrichten"),
        "archive": ("Archivschätze heben: KI-Erschließung regionaler Bestände", "Wissensgraph bayerische Mediengeschichte",
                    "Semantische Suche in audiovisuellen Archiven"),
        "newsroom": ("Automatisierte Lokalberichterstattung", "Datenjournalismus-Werkstatt Bayern",
                     "Themenmonitoring für Redaktionen"),
        "xr": ("Immersive Regionalgeschichte in XR", "Volumetrische Reportagen", "Virtuelle Produktion für Regionalsender"),
        "data": ("Gemeinsame Datenplattform für Medien-KI", "MLOps für kleine Medienhäuser"),
        "law": ("Rechtssicherer KI-Einsatz in Redaktionen", "AI-Act-Leitfaden für Medien-KMU"),
        "ethics": ("Transparente Algorithmen im Journalismus", "Fairness in Empfehlungssystemen"),
        "ux": ("Barrierefreie Mediatheken", "Nutzerzentrierte KI-Werkzeuge für Redaktionen"),
        "business": ("Neue Erlösmodelle mit KI für Lokalmedien", "Innovationslabor Medien-KI"),
    }
    _SCHEMES = (("KI.M Pilotprojekt", 0.3, (150_000, 600_000)), ("Bayerische Verbundforschung", 0.35, (400_000, 2_000_000)),
                ("Horizon Europe (RIA)", 0.15, (1_500_000, 5_000_000)), ("Horizon Europe (IA)", 0.1, (1_000_000, 4_000_000)),
                ("Medieninnovationsförderung", 0.1, (80_000, 300_000)))

    def themed_orgs(self, cluster: str) -> dict[str, float]:
        skills = set(CLUSTERS[cluster])
        out = {}
        for org_id, m in self.org_meta.items():
            # The demo SME's history is written by hand (build_journey_projects).
            if self.org_by_id[org_id].get("pending") or org_id == "demo-sme":
                continue
            offers = len(skills & set(m["offers"] + m["has"]))
            needs = len(skills & set(m["needs"]))
            out[org_id] = 0.25 + 2.5 * min(offers, 2) + 2.0 * min(needs, 2)
        return out

    def add_project(self, project_id: str, cluster: str, partners: list[str], signed: date, *,
                    title: str | None = None, acronym: str, requires=None, persons=()) -> None:
        rng = self.rng
        scheme, _, (lo, hi) = self.weighted(self._SCHEMES, [s[1] for s in self._SCHEMES])
        horizon = scheme.startswith("Horizon")
        title = title or rng.choice(self._PROJECT_TITLES[cluster])
        requires = list(requires or self.sample_cluster_skills(cluster, 2, 4))
        start = signed + timedelta(days=rng.randint(20, 90))
        end = start + timedelta(days=30 * rng.choice((18, 24, 30, 36, 48)))
        skills_de = self.labels(requires, "de")
        skills_en = self.labels(requires, "en")
        n = len(partners)
        objective = (
            f"{acronym} brings together {n} partners to advance AI for media organisations ({skills_en}), "
            "with pilots in regional newsrooms and an open evaluation."
            if horizon else
            f"Im Projekt {acronym} entwickeln {n} Partner gemeinsam KI-Lösungen ({skills_de}) und erproben "
            "sie im Alltag regionaler Medienhäuser."
        )
        self.projects.append({
            "id": project_id,
            "title": f"{acronym} – {title}",
            "acronym": acronym,
            "objective": objective,
            "keywords": ", ".join(self.label(s, "en") for s in requires),
            "funding_scheme": scheme,
            "signed_date": signed.isoformat(),
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "total_cost": float(round(rng.uniform(lo, hi), -3)),
            "source": SOURCE,
            "visibility": self.weighted(("public", "members"), (9, 1)),
        })
        self.project_partners[project_id] = list(partners)
        for order, org_id in enumerate(partners, start=1):
            role = "coordinator" if order == 1 else self.weighted(("participant", "associatedPartner"), (9, 1))
            self.edge(Rel.PARTICIPATED_IN, org_id, project_id, Label.ORGANIZATION, role=role, order=order)
        people = list(persons)
        for org_id in partners:
            staff = self.staff_by_org.get(org_id, [])
            if staff and (org_id == partners[0] or self.org_meta[org_id]["kind"] in ("university", "research_institute")):
                people.append(staff[0] if org_id == partners[0] else rng.choice(staff))
        for person_id in dict.fromkeys(people):
            role = "coordinator" if self.person_meta[person_id]["org"] == partners[0] else "participant"
            self.edge(Rel.PARTICIPATED_IN, person_id, project_id, Label.PERSON, role=role)
        for s in requires:
            self.edge(Rel.REQUIRES, project_id, s, Label.PROJECT, weight=1.0)

    def build_projects(self) -> None:
        rng = self.rng
        self.org_by_id = {o["id"]: o for o in self.orgs}
        used: set[str] = set()
        collaborated: dict[str, dict[str, int]] = {}
        clusters = list(self._PROJECT_TITLES)
        cluster_weights = [{"speech": 12, "genai": 12, "archive": 9, "language": 9, "trust": 8, "distribution": 8,
                            "vision": 8, "xr": 7, "newsroom": 6, "audio": 4, "data": 5, "law": 4, "ethics": 3,
                            "ux": 3, "business": 3}[c] for c in clusters]
        lead_kinds = {"university": 3.0, "research_institute": 3.0, "tech_provider": 1.5, "media_company": 0.5,
                      "company": 0.3, "public_body": 0.5, "other": 0.1}
        for i in range(1, N_PROJECTS + 1):
            cluster = self.weighted(clusters, cluster_weights)
            theme = self.themed_orgs(cluster)
            leads = [o for o in theme if theme[o] > 2]
            lead = self.weighted(leads, [theme[o] * lead_kinds[self.org_meta[o]["kind"]] for o in leads])
            size = self.weighted((3, 4, 5, 6, 7, 8), (20, 26, 22, 15, 10, 7))
            partners = [lead]
            here = (self.org_by_id[lead]["lat"], self.org_by_id[lead]["lon"])
            # Partners are near the lead, on the theme, and often ones it worked with before.
            affinity = {}
            for o in theme:
                if o == lead:
                    continue
                there = (self.org_by_id[o]["lat"], self.org_by_id[o]["lon"])
                repeat = 1 + 2 * min(collaborated.get(lead, {}).get(o, 0), 2)
                affinity[o] = theme[o] * (0.15 + math.exp(-km_between(here, there) / 60.0)) * repeat
            while len(partners) < size:
                candidates = [o for o in affinity if o not in partners]
                partners.append(self.weighted(candidates, [affinity[o] for o in candidates]))
            if not any(self.org_meta[o]["kind"] == "media_company" for o in partners):
                media = [o for o in theme if self.org_meta[o]["kind"] == "media_company" and o not in partners]
                partners[-1] = self.weighted(media, [theme[o] for o in media])
            for a in partners:
                for b in partners:
                    if a != b:
                        collaborated.setdefault(a, {}).setdefault(b, 0)
                        collaborated[a][b] += 1
            signed = date(2019, 1, 15) + timedelta(days=rng.randint(0, (date(2026, 6, 30) - date(2019, 1, 15)).days))
            self.add_project(f"demo-project-{i:03d}", cluster, partners, signed, acronym=self.acronym(used))
        self.build_journey_projects(used)

    def offering(self, skill: str, kind: str | None = None, sme: bool | None = None, exclude=()) -> list[str]:
        return [o for o, m in self.org_meta.items()
                if skill in m["offers"] and o not in exclude and not self.org_by_id[o].get("pending")
                and (kind is None or m["kind"] == kind) and (sme is None or m["sme"] == sme)]

    def build_journey_projects(self, used: set[str]) -> None:
        """Past projects that give the demo journeys mutual partners and history."""
        rng = self.rng
        speech_smes = self.offering("subtitling", "tech_provider", sme=True)
        speech_large = self.offering("subtitling", "tech_provider", sme=False)
        tv_elsewhere = [o for o, m in self.org_meta.items() if m["type"] == "tv" and o != "demo-sme"
                        and not self.org_by_id[o].get("pending")]
        institutes = [o for o, m in self.org_meta.items() if m["kind"] == "research_institute"
                      and "speech" in m["clusters"]]
        partners = ["demo-uni", "demo-sme", speech_smes[0], rng.choice(tv_elsewhere), rng.choice(institutes)]
        self.add_project("demo-project-unterton", "speech", partners, date(2023, 5, 12),
                         title="Automatische Untertitel für Regionalfernsehen", acronym="UNTERTON",
                         requires=("subtitling", "asr", "dialect-asr"),
                         persons=("demo-researcher", "demo-sme-person"))
        used.add("UNTERTON")
        archive_providers = self.offering("metadata-enrichment", "tech_provider")
        newspapers = [o for o, m in self.org_meta.items() if m["type"] == "newspaper"
                      and m["city"].region == "DE21" and not self.org_by_id[o].get("pending")]
        partners = [archive_providers[0], "demo-sme", rng.choice(newspapers), "kim-zentrum"]
        self.add_project("demo-project-archivklang", "archive", partners, date(2024, 9, 3),
                         title="Archivschätze heben: KI-Erschließung regionaler Fernseharchive",
                         acronym="ARCHIVKLANG", requires=("metadata-enrichment", "auto-tagging", "semantic-search"),
                         persons=("demo-sme-person",))
        used.add("ARCHIVKLANG")
        # A speech provider that never worked with the SME but shares a partner with it (demo-uni).
        other_speech = [o for o in speech_smes[1:] + speech_large if o != speech_smes[0]]
        asr_needers = [o for o, m in self.org_meta.items() if m["kind"] == "media_company" and o != "demo-sme"
                       and {"asr", "transcription", "subtitling"} & set(m["needs"])
                       and not self.org_by_id[o].get("pending")]
        partners = ["demo-uni", other_speech[0]] + rng.sample(asr_needers, 2)
        self.add_project("demo-project-mundart", "speech", partners, date(2025, 2, 20),
                         title="Dialektrobuste Spracherkennung für bairische, fränkische und schwäbische Sender",
                         acronym="MUNDART", requires=("dialect-asr", "asr", "transcription"),
                         persons=("demo-researcher",))
        used.add("MUNDART")

    # -- events and calls ---------------------------------------------------------------
    _FORMATS = (
        ("KI.M Werkstatt", "Werkstatt", 8), ("Matchmaking-Abend", "Matchmaking", 5),
        ("AI Act Sprechstunde", "Sprechstunde", 4), ("Barcamp KI & Medien", "Barcamp", 3),
        ("KI.M Insights", "Vortrag", 3), ("Hackathon", "Hackathon", 2),
    )
    _EVENT_TOPICS = ("subtitling", "asr", "llm-integration", "rag", "verification", "deepfake-detection",
                     "metadata-enrichment", "recommender-systems", "image-generation", "xr", "ai-act",
                     "copyright", "data-protection", "audience-analytics", "local-news-automation",
                     "tts-synthetic-voices", "ai-literacy", "business-models", "content-moderation")
    _EVENT_CITIES = (("München", 50), ("Nürnberg", 18), ("Augsburg", 7), ("Regensburg", 7), ("Würzburg", 6),
                     ("Erlangen", 4), ("Passau", 3), ("Bamberg", 3), ("Hof", 2))
