"""The demo organisations: media, tech providers, academia, companies, public bodies."""
from __future__ import annotations

from kim_network.core.model import Label, Rel
from kim_network.demo.data import (
    ACADEMIA, CITIES, CITY, CLUSTER_TOPIC, CLUSTERS, INDUSTRIES, LAST, MEDIA_TYPES, N_COMPANY,
    N_MEDIA, N_OTHER, N_PUBLIC, N_TECH, PROVIDER_CLUSTERS, PROVIDER_NEEDS, RESEARCH_NEEDS, SOURCE,
    STREETS, TECH_STEMS, TECH_SUFFIXES, WORDS, City, join_names, slugify,
)


class OrganizationsMixin:
    """Methods of the demo builder (`kim_network.demo.builder.Builder`); state lives there."""

    # -- organisations ------------------------------------------------------------------
    def add_org(self, org_id: str, name: str, kind: str, city: City, *, sme: bool, subtype: str,
                clusters=(), has=(), offers=(), needs=(), description=None, visibility=None,
                dates=None, pending=False) -> dict:
        rng = self.rng
        slug = slugify(name)
        if slug in self.slugs:
            slug = f"{slug}-{slugify(city.name)}"
        self.slugs.add(slug)
        domain = f"{slug}.example"
        lat = round(city.lat + rng.gauss(0, 0.012 if city.media_weight + city.tech_weight < 60 else 0.03), 5)
        lon = round(city.lon + rng.gauss(0, 0.018 if city.media_weight + city.tech_weight < 60 else 0.045), 5)
        if visibility is None:
            visibility = self.weighted(("public", "members", "staff"), (85, 12, 3))
        de, en = description or self.describe_org(name, kind, subtype, city, clusters, has, offers, needs)
        keywords = [self.label(s, "de") for s in list(offers or has)[:4]] + [self.label(s, "de") for s in list(needs)[:3]]
        org = {
            "id": org_id,
            "name": name,
            "kind": kind,
            "sme": sme,
            "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
            "postcode": city.postcode,
            "city": city.name,
            "country": "DE",
            "nuts3": city.nuts3,
            "region": city.region,
            "lat": lat,
            "lon": lon,
            "website": f"https://www.{domain}",
            "description_de": de,
            "description_en": en,
            "keywords": ", ".join(dict.fromkeys(keywords)),
            "contact_email": f"{rng.choice(('info', 'kontakt', 'hallo', 'office'))}@{domain}",
            "contact_phone": f"+49 {city.area_code} 0{rng.randint(10000, 999999)}",
            "visibility": visibility,
            "source": SOURCE,
            "pending": pending,
            **(dates or self.dates()),
        }
        self.orgs.append(org)
        self.org_meta[org_id] = {
            "city": city, "type": subtype, "kind": kind, "sme": sme, "domain": domain,
            "clusters": tuple(clusters), "has": list(has), "offers": list(offers), "needs": list(needs),
        }
        for s in has:
            self.edge(Rel.HAS_SKILL, org_id, s, Label.ORGANIZATION, weight=round(rng.uniform(0.5, 1.0), 2))
        for s in offers:
            self.edge(Rel.OFFERS, org_id, s, Label.ORGANIZATION, weight=round(rng.uniform(0.5, 1.0), 2))
        for s in needs:
            self.edge(Rel.NEEDS, org_id, s, Label.ORGANIZATION, weight=round(rng.uniform(0.3, 1.0), 2))
        self.edge(Rel.LOCATED_IN, org_id, city.nuts3)
        return org

    def describe_org(self, name, kind, subtype, city, clusters, has, offers, needs) -> tuple[str, str]:
        rng = self.rng
        midsize = rng.random() < 0.3
        if kind == "media_company":
            t = MEDIA_TYPES[subtype]
            gender, noun = t["de"]
            article = "eine" if gender == "f" else "ein"
            adjective = {"m": "mittelständischer ", "f": "mittelständische ", "n": "mittelständisches "}[gender]
            intro_de = f"{name} ist {article} {adjective if midsize else ''}{noun} mit Sitz in {city.name}."
            intro_en = f"{name} is a {'medium-sized ' if midsize else ''}{t['en']} based in {city.name}."
            own_de = f" Eigene Stärken: {self.labels(has, 'de')}." if has else ""
            own_en = f" Our own strengths: {self.labels(has, 'en')}." if has else ""
            need_de = rng.choice((
                f" Wir suchen Partner für diese Themen: {self.labels(needs, 'de')}.",
                f" Für die nächsten Projekte suchen wir Unterstützung – {self.labels(needs, 'de')}.",
                f" Gesucht: Erfahrung mit {self.labels(needs, 'de')}.",
            ))
            need_en = f" We are looking for partners in these areas: {self.labels(needs, 'en')}."
            return intro_de + own_de + need_de, intro_en + own_en + need_en
        skills = offers or has
        if kind in ("university", "research_institute"):
            topics_de = join_names([CLUSTER_TOPIC[c][0] for c in clusters], "de")
            topics_en = join_names([CLUSTER_TOPIC[c][1] for c in clusters], "en")
            what_de = "Hochschule" if kind == "university" else "Forschungseinrichtung"
            what_en = "university" if kind == "university" else "research institute"
            return (
                f"{name} ist eine {what_de} in {city.name} mit Arbeitsgruppen zu {topics_de}. "
                f"Für Medienpartner bieten wir: {self.labels(skills, 'de')} – von der Machbarkeitsstudie bis zum Prototyp.",
                f"{name} is a {what_en} in {city.name} with research groups on {topics_en}. "
                f"For media partners we offer: {self.labels(skills, 'en')} – from feasibility study to prototype.",
            )
        if kind == "tech_provider":
            size_de = "mittelständischer " if midsize else ""
            size_en = "medium-sized " if midsize else ""
            return rng.choice((
                (f"{name} ist ein {size_de}Technologieanbieter aus {city.name}. Schwerpunkte: {self.labels(skills, 'de')}. "
                 "Wir entwickeln KI-Lösungen für Medienhäuser und begleiten sie vom Pilot bis zum Betrieb.",
                 f"{name} is a {size_en}technology provider based in {city.name}. Focus: {self.labels(skills, 'en')}. "
                 "We build AI solutions for media companies and support them from pilot to production."),
                (f"{name} aus {city.name} entwickelt KI-Software für Medienhäuser. Angebot: {self.labels(skills, 'de')}. "
                 "Datenschutzkonform und auf Wunsch im eigenen Rechenzentrum.",
                 f"{name} from {city.name} builds AI software for media companies. Offer: {self.labels(skills, 'en')}. "
                 "GDPR-compliant and on premises if required."),
            ))
        if subtype == "law":
            return (
                f"{name} berät Medienunternehmen und Technologieanbieter in {city.name} und ganz Bayern. Schwerpunkte: {self.labels(skills, 'de')}.",
                f"{name} advises media companies and technology providers in {city.name} and across Bavaria. Focus: {self.labels(skills, 'en')}.",
            )
        if skills:
            return (
                f"{name} ({city.name}) unterstützt die Medienbranche. Angebot: {self.labels(skills, 'de')}.",
                f"{name} ({city.name}) supports the media industry. Offer: {self.labels(skills, 'en')}.",
            )
        return (
            f"{name} aus {city.name} möchte KI einsetzen und sucht Unterstützung – {self.labels(needs, 'de')}.",
            f"{name} from {city.name} wants to use AI and is looking for help with: {self.labels(needs, 'en')}.",
        )

    def sample_needs(self, table: dict[str, float], lo: int = 2, hi: int = 6) -> list[str]:
        rng = self.rng
        needs = [s for s, p in table.items() if rng.random() < p]
        if len(needs) < lo:
            ranked = sorted(table, key=lambda s: -table[s])
            for s in ranked:
                if s not in needs and rng.random() < 0.6:
                    needs.append(s)
                if len(needs) >= lo:
                    break
        rng.shuffle(needs)
        return needs[:hi]

    def river(self, city: City) -> str:
        return self.rng.choice(city.rivers)

    def media_name(self, subtype: str, city: City) -> str:
        rng = self.rng

        def make():
            r = self.river(city)
            surname = rng.choice(LAST)
            word = rng.choice(WORDS)
            options = {
                "tv": (f"{r}{rng.choice(('blick', 'kanal', 'bild', 'land', 'schau'))} TV GmbH",
                       f"Regionalfernsehen {r}tal GmbH", f"{r}-TV Regional GmbH & Co. KG"),
                "radio": (f"Radio {r}{rng.choice(('welle', 'funk', 'klang', 'puls', 'echo'))} GmbH & Co. KG",
                          f"{r}funk Hörfunkgesellschaft mbH", f"Lokalradio {r}land GmbH"),
                "newspaper": (f"{r}-{rng.choice(('Anzeiger', 'Rundschau', 'Bote', 'Tagblatt', 'Nachrichten'))} Verlags-GmbH",
                              f"{r}taler {rng.choice(('Zeitung', 'Nachrichten', 'Heimatblatt'))} GmbH & Co. KG",
                              f"Mediengruppe {r}land GmbH"),
                "publisher": (f"{surname} Verlag GmbH", f"Verlagshaus {surname} & {rng.choice(LAST)} KG",
                              f"{r}land Medien Verlag GmbH"),
                "podcast": (f"{word} Podcast Studios GmbH", f"{word} Audio UG (haftungsbeschränkt)",
                            f"Studio {word} GmbH"),
                "agency": (f"{word} Digitalagentur GmbH", f"{word} Kommunikation GmbH", f"Agentur {word} GmbH"),
                "film": (f"{word} Film GmbH", f"{r} Filmproduktion GmbH", f"{word} Pictures GmbH"),
                "streaming": (f"{word}Stream GmbH", f"{r}play Streaming GmbH", f"{word} Online Media GmbH"),
            }[subtype]
            return rng.choice(options)

        return self.unique_name(make)

    def tech_name(self, cluster: str, sme: bool) -> str:
        rng = self.rng

        def make():
            stem = rng.choice(TECH_STEMS.get(cluster, TECH_STEMS["data"]))
            suffix = rng.choice(TECH_SUFFIXES)
            if sme:
                form = self.weighted(("GmbH", "UG (haftungsbeschränkt)", "GmbH & Co. KG"), (7, 2, 1))
            else:
                form = self.weighted(("AG", "GmbH", "SE"), (4, 4, 1))
            extra = " Technologies" if not sme and rng.random() < 0.5 else (" AI" if rng.random() < 0.3 else "")
            return f"{stem}{suffix}{extra} {form}"

        return self.unique_name(make)

    def build_fixed_orgs(self) -> None:
        munich = CITY["München"]
        self.add_org(
            "demo-sme", "Isarwelle TV GmbH", "media_company", munich, sme=True, subtype="tv",
            has=("content-repurposing", "virtual-production"),
            needs=("subtitling", "asr", "metadata-enrichment", "ai-act", "dialect-asr", "sign-language"),
            visibility="public",
            description=(
                "Isarwelle TV ist ein regionaler Fernsehsender in München mit täglichen Nachrichten aus "
                "Oberbayern. Wir wollen alle Sendungen automatisch untertiteln – auch wenn bairisch gesprochen "
                "wird –, unser Archiv mit KI erschließen und dabei die Pflichten aus dem AI Act sauber erfüllen.",
                "Isarwelle TV is a regional TV station in Munich with daily news from Upper Bavaria. We want "
                "to subtitle every programme automatically, even when people speak Bavarian, open up our "
                "archive with AI, and meet our obligations under the AI Act.",
            ),
            dates={"created_at": "2025-03-04T09:12:00+00:00", "confirmed_at": "2026-09-18T14:03:00+00:00",
                   "updated_at": "2026-09-18T14:03:00+00:00"},
        )
        uni_offers = ("asr", "dialect-asr", "subtitling", "transcription", "speaker-diarization", "mt",
                      "summarization", "ner", "metadata-enrichment")
        self.add_org(
            "demo-uni", "Universität Isarauen", "university", munich, sme=False, subtype="university",
            clusters=("speech", "language"), has=uni_offers + ("deep-learning", "research-transfer"),
            offers=uni_offers, needs=("funding-consulting", "data-quality"), visibility="public",
            dates={"created_at": "2023-02-20T10:00:00+00:00", "confirmed_at": "2026-07-01T08:30:00+00:00",
                   "updated_at": "2026-07-01T08:30:00+00:00"},
        )
        kim_skills = ("training", "ai-literacy", "funding-consulting", "research-transfer", "ai-strategy",
                      "project-management")
        self.add_org(
            "kim-zentrum", "KI.M Kompetenzzentrum", "public_body", munich, sme=False, subtype="kim",
            has=kim_skills, offers=kim_skills, visibility="public",
            description=(
                "Das KI.M Kompetenzzentrum vernetzt Medienunternehmen, Technologieanbieter und Forschung in "
                "Bayern, bietet Werkstätten, Sprechstunden und Matchmaking und begleitet Förderprojekte.",
                "The KI.M competence centre connects media companies, technology providers and research in "
                "Bavaria, runs workshops, consultation hours and matchmaking, and supports funded projects.",
            ),
            dates={"created_at": "2023-01-10T09:00:00+00:00", "confirmed_at": "2026-10-01T09:00:00+00:00",
                   "updated_at": "2026-10-01T09:00:00+00:00"},
        )
        self.orgs[-1]["centre"] = True  # runs the platform: never a candidate, consortium member or evidence

    def build_academia(self) -> None:
        n = 0
        for org_id, kind, name, city_name, clusters in ACADEMIA:
            if org_id == "demo-uni":
                self.names.add(name)
                continue
            n += 1
            org_id = f"demo-{'uni' if kind == 'university' else 'inst'}-{n:02d}"
            self.names.add(name)
            has: list[str] = []
            for c in clusters:
                has += [s for s in self.sample_cluster_skills(c, 3, 6) if s not in has]
            offers = [s for s in has if self.rng.random() < 0.7] or has[:2]
            needs = self.rng.sample(RESEARCH_NEEDS, self.rng.randint(0, 2))
            self.add_org(org_id, name, kind, CITY[city_name], sme=False, subtype=kind, clusters=clusters,
                         has=has + ["research-transfer"], offers=offers, needs=needs)

    def build_media(self) -> None:
        types = list(MEDIA_TYPES)
        shares = [MEDIA_TYPES[t]["share"] for t in types]
        for i in range(1, N_MEDIA + 1):
            subtype = self.weighted(types, shares)
            city = self.pick_city(tech=False)
            spec = MEDIA_TYPES[subtype]
            needs = self.sample_needs(spec["needs"])
            has = [s for s in spec["has"] if self.rng.random() < 0.4]
            offers = [s for s in has if subtype in ("agency", "film") and self.rng.random() < 0.5]
            sme = self.rng.random() < (0.9 if subtype in ("podcast", "agency", "radio", "tv") else 0.7)
            self.add_org(f"demo-media-{i:03d}", self.media_name(subtype, city), "media_company", city,
                         sme=sme, subtype=subtype, has=has, offers=offers, needs=needs,
                         pending=i in (17, 58))

    def build_tech(self) -> None:
        clusters = list(PROVIDER_CLUSTERS)
        weights = [PROVIDER_CLUSTERS[c] for c in clusters]
        # The first providers cover every cluster the demo journeys rely on, so any seed works.
        guaranteed = ["speech", "speech", "speech", "speech", "archive", "archive", "language", "genai"]
        for i in range(1, N_TECH + 1):
            cluster = guaranteed[i - 1] if i <= len(guaranteed) else self.weighted(clusters, weights)
            sme = self.rng.random() < (0.5 if i <= 2 else 0.85)
            city = self.pick_city(tech=True)
            skills = self.sample_cluster_skills(cluster, 3, 6)
            if cluster == "speech" and "subtitling" not in skills and i <= 4:
                skills.insert(0, "subtitling")
            if self.rng.random() < 0.45:
                second = self.weighted(clusters, weights)
                skills += [s for s in self.sample_cluster_skills(second, 1, 2) if s not in skills]
            offers = [s for s in skills if self.rng.random() < 0.85] or skills[:1]
            has = skills + (["machine-learning"] if self.rng.random() < 0.5 and "machine-learning" not in skills else [])
            needs = self.rng.sample(PROVIDER_NEEDS, self.rng.choice((0, 0, 1, 1, 2)))
            self.add_org(f"demo-tech-{i:03d}", self.tech_name(cluster, sme), "tech_provider", city, sme=sme,
                         subtype=cluster, clusters=(cluster,), has=has, offers=offers, needs=needs,
                         pending=i == 41)

    def build_companies(self) -> None:
        rng = self.rng
        for i in range(1, N_COMPANY + 1):
            city = self.pick_city(tech=True)
            roll = rng.random()
            if roll < 0.35 or i <= 3:  # law firms: the first ones make sure AI-Act advice exists
                subtype, cluster = "law", "law"
                a, b = rng.sample(LAST, 2)
                name = self.unique_name(lambda: rng.choice((
                    f"{a} & {b} Rechtsanwälte PartG mbB", f"Kanzlei {a} {b} Rechtsanwälte",
                    f"{a} Medienrecht Rechtsanwaltsgesellschaft mbH")))
                skills = self.sample_cluster_skills("law", 3, 6)
                if i <= 3 and "ai-act" not in skills:
                    skills.insert(0, "ai-act")
                offers, has, needs, sme = skills, skills, [], rng.random() < 0.8
            elif roll < 0.7:
                subtype = cluster = rng.choice(("business", "training", "ux", "ethics"))
                word = rng.choice(WORDS)
                name = self.unique_name(lambda: rng.choice((
                    f"{rng.choice(LAST)} Digitalberatung GmbH", f"{word} Consulting GmbH",
                    f"{rng.choice(CITIES).rivers[0]}-Akademie für Medien und KI GmbH")))
                skills = self.sample_cluster_skills(cluster, 3, 5)
                offers, has, needs, sme = skills, skills, [], True
            else:
                subtype, cluster = "enterprise", None
                industry = rng.choice(INDUSTRIES)
                name = self.unique_name(lambda: f"{rng.choice(LAST)} {industry[0]} GmbH")
                skills, offers, has = [], [], []
                needs = self.sample_needs({"image-generation": .4, "text-generation": .35, "chatbots": .4,
                                           "social-media-automation": .3, "ai-act": .4, "data-protection": .4,
                                           "ai-literacy": .35, "mt": .25, "video-generation": .2}, 2, 4)
                sme = rng.random() < 0.5
            self.add_org(f"demo-company-{i:03d}", name, "company", city, sme=sme, subtype=subtype,
                         clusters=(cluster,) if cluster else (), has=has, offers=offers, needs=needs)

    def build_public_and_other(self) -> None:
        rng = self.rng
        public = [
            ("archive", "Kommunales Medienarchiv {r}tal", (), ("digitisation", "metadata-enrichment", "ocr",
             "handwriting-recognition", "semantic-search", "rights-metadata")),
            ("archive", "Bezirksbildarchiv {r}land", (), ("digitisation", "auto-tagging", "image-captioning",
             "visual-search", "digital-preservation")),
            ("archive", "Museum für Rundfunkgeschichte {r}", (), ("digitisation", "audio-enhancement",
             "transcription", "metadata-enrichment", "xr")),
            ("education", "Medienbildungszentrum {r}land", ("media-literacy", "ai-literacy", "training"),
             ("text-simplification", "subtitling", "sign-language")),
            ("education", "Volkshochschulverbund {r}", ("media-literacy", "training"), ("ai-literacy", "chatbots")),
            ("economy", "Wirtschaftsförderung {r}region", ("funding-consulting", "startup-support"),
             ("ai-strategy", "data-analytics")),
            ("economy", "Innovationsagentur {r}tal", ("funding-consulting", "innovation-management",
             "research-transfer"), ("audience-analytics",)),
        ]
        for i, (subtype, pattern, offers, needs) in enumerate(public[:N_PUBLIC], start=1):
            city = self.pick_city(tech=False)
            name = self.unique_name(lambda: pattern.format(r=self.river(city)))
            needs = [s for s in needs if rng.random() < 0.75] or list(needs[:2])
            self.add_org(f"demo-public-{i:02d}", name, "public_body", city, sme=False, subtype=subtype,
                         has=offers, offers=offers, needs=needs)
        other = (
            ("association", "Medienclub {r} e.V.", ("training",), ("ai-literacy", "ai-act", "copyright")),
            ("community_radio", "Bürgerradio {r}welle e.V.", (), ("asr", "transcription", "dialect-asr",
             "audio-enhancement")),
            ("hub", "Gründerzentrum Medien {r}", ("startup-support", "funding-consulting"), ("business-models",)),
            ("association", "Netzwerk Lokaljournalismus {r} e.V.", ("journalism-education",),
             ("local-news-automation", "verification", "paywall-optimization")),
            ("hub", "Coworking {r}werk eG", (), ("ai-literacy", "llm-integration")),
            ("association", "Freie Filmschaffende {r} e.V.", (), ("copyright", "personality-rights", "ai-dubbing")),
        )
        for i in range(1, N_OTHER + 1):
            subtype, pattern, offers, needs = other[(i - 1) % len(other)]
            city = self.pick_city(tech=False)
            name = self.unique_name(lambda: pattern.format(r=self.river(city)))
            needs = [s for s in needs if rng.random() < 0.75] or list(needs[:2])
            self.add_org(f"demo-other-{i:02d}", name, "other", city, sme=False, subtype=subtype,
                         has=offers, offers=offers, needs=needs)

    def ensure_offers(self, skill: str, minimum: int) -> None:
        """Make sure a journey skill is offered by at least `minimum` organisations."""
        offering = [o for o, m in self.org_meta.items() if skill in m["offers"]]
        candidates = [o for o, m in self.org_meta.items()
                      if o not in offering and m["kind"] in ("tech_provider", "research_institute")
                      and any(skill in CLUSTERS[c] for c in m["clusters"])]
        for org_id in candidates[: max(0, minimum - len(offering))]:
            self.org_meta[org_id]["offers"].append(skill)
            self.org_meta[org_id]["has"].append(skill)
            self.edge(Rel.OFFERS, org_id, skill, Label.ORGANIZATION, weight=0.8)
            self.edge(Rel.HAS_SKILL, org_id, skill, Label.ORGANIZATION, weight=0.8)

    # -- people -------------------------------------------------------------------------
