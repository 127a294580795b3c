"""The demo KI.M events, funding calls, regions and accounts."""
from __future__ import annotations

import math
from datetime import date, timedelta

from kim_network.core.model import REGIERUNGSBEZIRKE, Label, Rel
from kim_network.demo.data import CITY, DEMO_ACCOUNTS, N_EVENTS, REFERENCE_DAY, km_between

MATCHMAKING_EVENT = "demo-matchmaking"
REFERENCE_DAY_PLUS = REFERENCE_DAY + timedelta(days=40)


class EventsMixin:
    """Methods of the demo builder (`kim_network.demo.builder.Builder`); state lives there."""

    def build_events(self) -> list[dict]:
        rng = self.rng
        events = []
        start, stop = date(2023, 3, 1), date(2026, 10, 25)
        step = (stop - start).days / N_EVENTS
        for i in range(N_EVENTS):
            fmt, _kind_de, _ = self.weighted(self._FORMATS, [f[2] for f in self._FORMATS])
            day = start + timedelta(days=int(i * step + rng.uniform(0, step * 0.8)))
            city = self.weighted([c for c, _ in self._EVENT_CITIES], [w for _, w in self._EVENT_CITIES])
            if i == N_EVENTS - 3:  # the evening where the demo SME and researcher met
                fmt, city = "Matchmaking-Abend", "München"
            topic = "ai-act" if fmt == "AI Act Sprechstunde" else rng.choice(self._EVENT_TOPICS)
            topic_de, topic_en = self.label(topic, "de"), self.label(topic, "en")
            if fmt == "Matchmaking-Abend":
                title = f"Matchmaking-Abend {city}: {topic_de}"
            elif fmt == "AI Act Sprechstunde":
                title = f"AI Act Sprechstunde {day.strftime('%m/%Y')}"
            else:
                title = f"{fmt}: {topic_de}"
            event_id = f"demo-event-{i + 1:02d}"
            events.append({
                "id": event_id, "title": title, "format": fmt, "date": day.isoformat(), "city": city,
                "description_de": f"{fmt} des KI.M Kompetenzzentrums in {city} zum Thema {topic_de}: "
                                  "Praxisbeispiele, Austausch und Kontakte zwischen Medien, Technologie und Forschung.",
                "description_en": f"{fmt} by the KI.M competence centre in {city} on {topic_en}: "
                                  "practical examples, exchange and contacts between media, technology and research.",
            })
            here = (CITY[city].lat, CITY[city].lon)
            size = rng.randint(12, 40) if fmt != "AI Act Sprechstunde" else rng.randint(6, 14)
            candidates = [p for p in self.people if p["id"] not in ("demo-staff",)]
            weights = []
            for p in candidates:
                meta = self.org_meta[self.person_meta[p["id"]]["org"]]
                geo = 0.1 + math.exp(-km_between(here, (meta["city"].lat, meta["city"].lon)) / 70.0)
                near_topic = 3.0 if topic in meta["needs"] or topic in meta["offers"] else 1.0
                weights.append(geo * near_topic)
            chosen: list[str] = []
            while len(chosen) < size:
                p = self.weighted(candidates, weights)
                if p["id"] not in chosen:
                    chosen.append(p["id"])
            if i == N_EVENTS - 3:
                chosen += ["demo-sme-person", "demo-researcher"]
            self.edge(Rel.ATTENDED, "demo-staff", event_id, Label.PERSON, role="organiser")
            self.edge(Rel.ATTENDED, "kim-zentrum", event_id, Label.ORGANIZATION, role="organiser")
            speakers = set(rng.sample(chosen, min(len(chosen), rng.randint(1, 3))))
            for person_id in dict.fromkeys(chosen):
                role = "speaker" if person_id in speakers else "participant"
                self.edge(Rel.ATTENDED, person_id, event_id, Label.PERSON, role=role)
                org_id = self.person_meta[person_id]["org"]
                self.edge(Rel.ATTENDED, org_id, event_id, Label.ORGANIZATION, role="participant")
        return events

    def build_matchmaking(self, today: date | None = None) -> tuple[dict, list[dict]]:
        """One upcoming matchmaking evening (three weeks ahead, so it is always upcoming) with
        58 registered participants, their availability, and some meeting requests.

        The demo SME and researcher are invited but not registered yet: they register
        themselves (one click on the event page), which is how the browser journey begins;
        no meeting between them exists yet (the journey books one).
        """
        rng = self.rng
        day = max(REFERENCE_DAY_PLUS, (today or date.today()) + timedelta(days=21))
        slots = []
        for i in range(9):  # 20-minute slots from 14:00 to 17:00
            start = 14 * 60 + 20 * i
            slots.append(f"{day}T{start // 60:02d}:{start % 60:02d}/{day}T{(start + 20) // 60:02d}:{(start + 20) % 60:02d}")
        slot_ids = [s.split("/")[0] for s in slots]
        event = {
            "id": MATCHMAKING_EVENT, "title": "KI.M Matchmaking: KI im Lokaljournalismus",
            "title_en": "KI.M matchmaking: AI in local journalism", "format": "matchmaking",
            "date": day.isoformat(), "start_time": "13:30", "end_time": "17:30", "city": "München",
            "place": "KI.M Forum, Medienhaus am Isarufer, München", "visibility": "public",
            "description_de": "Kurze 1:1-Treffen zwischen Redaktionen, Technologieanbietern und Forschung: "
                              "Untertitel, Spracherkennung, Verifikation und Automatisierung im Lokalen.",
            "description_en": "Short 1:1 meetings between newsrooms, technology providers and research: "
                              "subtitles, speech recognition, verification and automation in local news.",
            "slots": slots, "tables": 20, "meeting_cap": 6,
            "registration_deadline": f"{day - timedelta(days=1)}T18:00", "source": "demo",
        }
        pool = [p["id"] for p in self.people if p["id"] not in ("demo-staff", "demo-sme-person", "demo-researcher")]
        chosen = ["demo-sme-person", "demo-researcher"] + rng.sample(pool, 58)
        regs = {}
        for pid in chosen:
            org = self.person_meta[pid]["org"]
            meta = self.org_meta[org]
            free = slot_ids if rng.random() < 0.7 else sorted(rng.sample(slot_ids, rng.randint(3, 8)))
            regs[pid] = (org, list(meta["needs"])[:6], list(meta["offers"])[:6], free)
            if pid in ("demo-sme-person", "demo-researcher"):
                continue  # drawn like everyone (the rest of the demo stays as it was), registered by themselves
            self.edge(Rel.ATTENDS, pid, MATCHMAKING_EVENT, Label.PERSON, status="registered", organization=org,
                      looks_for=regs[pid][1], offers=regs[pid][2], availability=free,
                      registered_at=f"{REFERENCE_DAY}T10:00:00+00:00")
        meetings, pairs = [], set()
        accounts = {a[5]: a[0] for a in DEMO_ACCOUNTS if a[5]}
        for a in chosen[2:]:
            org_a, needs, _offers, free_a = regs[a]
            partners = [b for b in chosen[2:] if b != a and regs[b][0] != org_a and set(needs) & set(regs[b][2])
                        and set(free_a) & set(regs[b][3])]
            if not partners or rng.random() < 0.45:
                continue
            b = rng.choice(partners)
            if frozenset((a, b)) in pairs:
                continue
            pairs.add(frozenset((a, b)))
            status = "accepted" if rng.random() < 0.6 else "requested"
            meetings.append({
                "id": f"demo-meeting-{len(meetings) + 1:02d}", "event": MATCHMAKING_EVENT, "requester": a,
                "recipient": b, "requester_account": accounts.get(a), "recipient_account": accounts.get(b),
                "requester_org": org_a, "recipient_org": regs[b][0], "status": status,
                "message": "Wir würden gern über Ihre Lösungen für unsere Redaktion sprechen.",
                "value": round(1.0 + rng.random(), 3), "sequence": 0,
                "created_at": f"{REFERENCE_DAY}T12:00:00+00:00", "updated_at": f"{REFERENCE_DAY}T12:00:00+00:00",
            })
        return event, [{k: v for k, v in m.items() if v is not None} for m in meetings]

    def build_calls(self) -> list[dict]:
        calls = [
            ("demo-call-barrierefrei", "KI.M Pilotförderung 2027: KI für barrierefreie Medien",
             "Gefördert werden Piloten, die Medienangebote mit KI barrierefrei machen: Untertitel, Audiodeskription, "
             "Gebärdensprache, Leichte Sprache.",
             "Pilots that make media accessible with AI: subtitles, audio description, sign language, plain language.",
             "KI.M Pilotförderung", "2027-02-15", 2, 5, 1, 0, ["media_company"],
             ("subtitling", "audio-description", "sign-language", "text-simplification")),
            ("demo-call-vertrauen", "Verbundforschung: Vertrauenswürdige Medien-KI",
             "Verbundprojekte zu Verifikation, Deepfake-Erkennung und Herkunftsnachweisen, mit Medienpartner und "
             "AI-Act-konformer Umsetzung.",
             "Joint research on verification, deepfake detection and content provenance, with a media partner and "
             "an AI-Act-compliant implementation.",
             "Bayerische Verbundforschung", "2027-03-31", 3, 6, 1, 1, ["media_company", "university"],
             ("verification", "deepfake-detection", "content-provenance", "ai-act")),
            ("demo-call-archive", "Archive öffnen: KI-gestützte Erschließung audiovisueller Bestände",
             "Erschließung, Transkription und semantische Suche für Rundfunk- und Zeitungsarchive, einschließlich "
             "Rechteinformationen.",
             "Indexing, transcription and semantic search for broadcast and newspaper archives, including rights "
             "information.",
             "Bayerische Verbundforschung", "2027-01-31", 3, 6, 1, 1, ["media_company"],
             ("metadata-enrichment", "asr", "multimodal-indexing", "semantic-search", "rights-metadata")),
            ("demo-call-lokal", "Lokaljournalismus der Zukunft",
             "Lokale Medienhäuser erproben automatisierte Berichterstattung, Empfehlungen und neue Abo-Modelle.",
             "Local media test automated reporting, recommendations and new subscription models.",
             "Medieninnovationsförderung", "2026-12-15", 2, 5, 2, 0, ["media_company"],
             ("local-news-automation", "news-recommendation", "llm-integration", "paywall-optimization",
              "audience-analytics")),
            ("demo-call-xr", "Immersive Regionalgeschichten",
             "XR-Erlebnisse zu regionaler Geschichte und Kultur mit Medienhäusern, Museen und Forschung.",
             "XR experiences about regional history and culture with media, museums and research.",
             "KI.M Pilotförderung", "2027-05-31", 3, 6, 1, 1, [],
             ("xr", "volumetric-video", "spatial-audio", "3d-reconstruction", "game-engines")),
            ("demo-call-kompetenz", "KI-Kompetenz für Medien-KMU",
             "Qualifizierung und Beratung, damit kleine Medienunternehmen KI rechtssicher einsetzen (Art. 4 KI-VO).",
             "Training and advice so that small media companies use AI lawfully (Art. 4 AI Act).",
             "KI.M Pilotförderung", "2027-06-30", 2, 4, 1, 0, [],
             ("ai-literacy", "ai-act", "data-protection", "ai-strategy", "training")),
        ]
        rows = []
        for (cid, title, de, en, programme, deadline, lo, hi, sme, uni, kinds, requires) in calls:
            row = {"id": cid, "title": title, "description_de": de, "description_en": en, "programme": programme,
                   "deadline": deadline, "min_partners": lo, "max_partners": hi, "min_sme": sme,
                   "min_university": uni, "lead_region": "DE2"}
            if kinds:
                row["required_kinds"] = kinds
            rows.append(row)
            for s in requires:
                self.edge(Rel.REQUIRES, cid, s, Label.CALL, weight=1.0)
        return rows

    # -- regions and accounts -----------------------------------------------------------
    def build_regions(self) -> list[dict]:
        rows = [{"id": "DE", "name": "Deutschland", "level": 0, "country": "DE"},
                {"id": "DE2", "name": "Bayern", "level": 1, "country": "DE"}]
        self.edge(Rel.PART_OF, "DE2", "DE")
        for code, name in REGIERUNGSBEZIRKE.items():
            rows.append({"id": code, "name": name, "level": 2, "country": "DE"})
            self.edge(Rel.PART_OF, code, "DE2")
        used = {}
        for org in self.orgs:
            city = CITY[org["city"]]
            used.setdefault(city.nuts3, city.nuts3_name)
        for code in sorted(used):
            rows.append({"id": code, "name": used[code], "level": 3, "country": "DE"})
            self.edge(Rel.PART_OF, code, code[:4])
        return rows

    def build_accounts(self, hash_password) -> list[dict]:
        rows = []
        for account_id, email, password, role, org_id, person_id, name in DEMO_ACCOUNTS:
            rows.append({
                "id": account_id, "email": email, "password_hash": hash_password(password), "name": name,
                "role": role, "organization_id": org_id, "person_id": person_id, "approved": True,
                "language": "de", "consent_version": "2026-01", "consent_at": "2026-01-15T10:00:00+00:00",
                "created_at": "2026-01-15T10:00:00+00:00", "failed_logins": 0,
            })
        return rows
