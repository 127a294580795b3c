"""A fictional but plausible Bavarian AI-and-media ecosystem for demos and local development.

`generate(seed)` builds the same graph for the same seed: ~300 organisations across the
seven Regierungsbezirke, ~600 people, past projects, KI.M events, open funding calls,
regions, and three demo accounts. Every name, website, e-mail address and phone number is
invented (websites and e-mail under `.example`, phone numbers with a subscriber number
starting with 0, which German numbering never assigns). Cities, NUTS codes and
coordinates are real, so the map looks right.

Skills come from the curated taxonomy: tech providers and research OFFER what they can do,
media companies NEED what they want. Needs and offers overlap only partly: a few skills
are needed and offered by nobody (the gap the analytics should find), and projects form
among nearby, thematically close partners, so the collaboration graph has communities.

`seed(store)` writes it all (and the taxonomy) with upserts, so it can run again.
"""
from __future__ import annotations

import math
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from kim_network.core.model import REGIERUNGSBEZIRKE, Label, Rel
from kim_network.core.taxonomy import SKILLS, seed_taxonomy

DEFAULT_SEED = 2026
SOURCE = "demo"
# Dates are spread up to this day; a fixed day keeps the output the same on every run.
REFERENCE_DAY = date(2026, 11, 1)

# Needed by media companies, offered by nobody: the gap analytics should surface.
GAP_SKILLS = ("sign-language", "content-provenance", "youth-protection", "paywall-optimization")

DEMO_ACCOUNTS = (
    # (account id, email, password, role, organisation id, person id, name)
    ("acc-demo-sme", "sme@demo.kim-netzwerk.de", "Demo-SME-2026!", "member",
     "demo-sme", "demo-sme-person", "Jonas Wimmer"),
    ("acc-demo-researcher", "forschung@demo.kim-netzwerk.de", "Demo-Forschung-2026!", "member",
     "demo-uni", "demo-researcher", "Miriam Lechner"),
    ("acc-demo-staff", "staff@demo.kim-netzwerk.de", "Demo-Staff-2026!", "staff",
     "kim-zentrum", "demo-staff", "Lena Brandl"),
)


# -- geography -------------------------------------------------------------------------

@dataclass(frozen=True)
class City:
    name: str
    nuts3: str
    nuts3_name: str
    lat: float
    lon: float
    media_weight: float  # how many media organisations sit here, relatively
    tech_weight: float  # how many tech providers and companies
    postcode: str
    area_code: str
    rivers: tuple[str, ...]  # local names the fictional organisation names are made from

    @property
    def region(self) -> str:
        return self.nuts3[:4]


CITIES: tuple[City, ...] = (
    # Oberbayern
    City("München", "DE212", "München, Kreisfreie Stadt", 48.137, 11.575, 42, 75, "80331", "89", ("Isar", "Würm", "Amper", "Auer", "Schwabinger")),
    City("Unterföhring", "DE21H", "München, Landkreis", 48.192, 11.646, 9, 3, "85774", "89", ("Isar", "Föhringer")),
    City("Ismaning", "DE21H", "München, Landkreis", 48.226, 11.676, 4, 3, "85737", "89", ("Isar", "Moos")),
    City("Garching b. München", "DE21H", "München, Landkreis", 48.249, 11.651, 1, 8, "85748", "89", ("Isar", "Garchinger")),
    City("Grünwald", "DE21H", "München, Landkreis", 48.040, 11.523, 5, 2, "82031", "89", ("Isar", "Geiselgasteiger")),
    City("Ingolstadt", "DE211", "Ingolstadt, Kreisfreie Stadt", 48.766, 11.426, 6, 8, "85049", "841", ("Donau", "Schutter")),
    City("Rosenheim", "DE213", "Rosenheim, Kreisfreie Stadt", 47.857, 12.122, 6, 4, "83022", "8031", ("Inn", "Mangfall", "Chiemgau")),
    City("Freising", "DE21B", "Freising", 48.403, 11.749, 3, 3, "85354", "8161", ("Isar", "Moosach")),
    City("Starnberg", "DE21L", "Starnberg", 47.998, 11.340, 3, 3, "82319", "8151", ("Würm", "Seen")),
    City("Fürstenfeldbruck", "DE21C", "Fürstenfeldbruck", 48.178, 11.255, 2, 1, "82256", "8141", ("Amper",)),
    City("Traunstein", "DE21M", "Traunstein", 47.868, 12.643, 3, 1, "83278", "861", ("Traun", "Chiemgau")),
    City("Dachau", "DE217", "Dachau", 48.260, 11.434, 2, 1, "85221", "8131", ("Amper", "Moos")),
    City("Erding", "DE21A", "Erding", 48.306, 11.906, 1, 2, "85435", "8122", ("Sempt",)),
    # Niederbayern
    City("Passau", "DE222", "Passau, Kreisfreie Stadt", 48.566, 13.431, 7, 3, "94032", "851", ("Inn", "Ilz", "Donau", "Dreiflüsse")),
    City("Landshut", "DE221", "Landshut, Kreisfreie Stadt", 48.537, 12.152, 6, 3, "84028", "871", ("Isar", "Trausnitz")),
    City("Deggendorf", "DE224", "Deggendorf", 48.834, 12.964, 4, 4, "94469", "991", ("Donau", "Bayerwald")),
    City("Straubing", "DE223", "Straubing, Kreisfreie Stadt", 48.881, 12.573, 3, 2, "94315", "9421", ("Donau", "Gäuboden")),
    # Oberpfalz
    City("Regensburg", "DE232", "Regensburg, Kreisfreie Stadt", 49.013, 12.102, 10, 12, "93047", "941", ("Regen", "Naab", "Donau", "Walhalla")),
    City("Amberg", "DE231", "Amberg, Kreisfreie Stadt", 49.445, 11.858, 3, 2, "92224", "9621", ("Vils",)),
    City("Weiden i.d.OPf.", "DE233", "Weiden i. d. Opf, Kreisfreie Stadt", 49.676, 12.156, 3, 1, "92637", "961", ("Waldnaab", "Naab")),
    City("Neumarkt i.d.OPf.", "DE236", "Neumarkt i. d. OPf.", 49.280, 11.460, 2, 1, "92318", "9181", ("Sulz",)),
    # Oberfranken
    City("Bamberg", "DE241", "Bamberg, Kreisfreie Stadt", 49.898, 10.902, 7, 4, "96047", "951", ("Regnitz", "Domberg")),
    City("Bayreuth", "DE242", "Bayreuth, Kreisfreie Stadt", 49.945, 11.576, 6, 3, "95444", "921", ("Rotmain", "Fichtel")),
    City("Hof", "DE244", "Hof, Kreisfreie Stadt", 50.313, 11.912, 5, 2, "95028", "9281", ("Saale", "Frankenwald")),
    City("Coburg", "DE243", "Coburg, Kreisfreie Stadt", 50.258, 10.965, 4, 2, "96450", "9561", ("Itz", "Veste")),
    City("Kulmbach", "DE24B", "Kulmbach", 50.101, 11.445, 1, 1, "95326", "9221", ("Main",)),
    City("Forchheim", "DE248", "Forchheim", 49.720, 11.058, 1, 1, "91301", "9191", ("Wiesent",)),
    # Mittelfranken
    City("Nürnberg", "DE254", "Nürnberg, Kreisfreie Stadt", 49.452, 11.077, 22, 30, "90402", "911", ("Pegnitz", "Rednitz", "Noris")),
    City("Erlangen", "DE252", "Erlangen, Kreisfreie Stadt", 49.590, 11.004, 6, 16, "91052", "9131", ("Regnitz", "Schwabach")),
    City("Fürth", "DE253", "Fürth, Kreisfreie Stadt", 49.477, 10.989, 5, 5, "90762", "911", ("Rednitz", "Pegnitz")),
    City("Ansbach", "DE251", "Ansbach, Kreisfreie Stadt", 49.300, 10.572, 4, 2, "91522", "981", ("Rezat", "Altmühl")),
    City("Schwabach", "DE255", "Schwabach, Kreisfreie Stadt", 49.329, 11.022, 1, 1, "91126", "9122", ("Rednitz",)),
    # Unterfranken
    City("Würzburg", "DE263", "Würzburg, Kreisfreie Stadt", 49.791, 9.953, 9, 10, "97070", "931", ("Main", "Mainbogen")),
    City("Aschaffenburg", "DE261", "Aschaffenburg, Kreisfreie Stadt", 49.973, 9.149, 5, 3, "63739", "6021", ("Main", "Spessart", "Aschaff")),
    City("Schweinfurt", "DE262", "Schweinfurt, Kreisfreie Stadt", 50.049, 10.221, 3, 3, "97421", "9721", ("Main", "Steigerwald")),
    # Schwaben
    City("Augsburg", "DE271", "Augsburg, Kreisfreie Stadt", 48.371, 10.898, 12, 14, "86150", "821", ("Lech", "Wertach", "Lechfeld")),
    City("Kempten (Allgäu)", "DE273", "Kempten (Allgäu), Kreisfreie Stadt", 47.726, 10.315, 5, 3, "87435", "831", ("Iller", "Allgäu")),
    City("Memmingen", "DE274", "Memmingen, Kreisfreie Stadt", 47.984, 10.180, 2, 2, "87700", "8331", ("Iller",)),
    City("Kaufbeuren", "DE272", "Kaufbeuren, Kreisfreie Stadt", 47.880, 10.622, 2, 1, "87600", "8341", ("Wertach",)),
    City("Neu-Ulm", "DE279", "Neu-Ulm", 48.392, 10.011, 2, 3, "89231", "731", ("Donau", "Iller")),
)
_CITY = {c.name: c for c in CITIES}

_STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Marktplatz", "Ludwigstraße", "Maximilianstraße", "Am Stadtpark",
    "Schillerstraße", "Goethestraße", "Lindenweg", "Kirchplatz", "Gartenstraße", "Industriestraße",
    "Mühlweg", "Brunnengasse", "Am Hafen", "Medienallee", "Innovationsring", "Technologiepark",
    "Schlossgasse", "Rathausplatz", "Poststraße", "Uferpromenade", "Brückenstraße", "Am Anger",
)


# -- skill clusters -----------------------------------------------------------------------

CLUSTERS: dict[str, tuple[str, ...]] = {
    "speech": ("asr", "subtitling", "transcription", "live-subtitling", "dialect-asr", "speaker-diarization",
               "subtitle-translation", "tts", "tts-synthetic-voices", "spoken-content-search", "ai-dubbing",
               "voice-cloning", "speaker-identification"),
    "audio": ("audio-enhancement", "audio-analysis", "podcast-production", "audio-generation",
              "audio-fingerprinting", "music-information-retrieval", "spatial-audio"),
    "language": ("mt", "summarization", "ner", "text-simplification", "topic-detection", "keyword-extraction",
                 "entity-linking", "sentiment-analysis", "text-classification", "mt-domain-adaptation",
                 "information-extraction", "speech-translation", "readability-analysis", "language-identification"),
    "genai": ("llm-integration", "rag", "chatbots", "text-generation", "image-generation", "prompt-engineering",
              "video-generation", "llm-fine-tuning", "local-llm-hosting", "digital-avatars", "voice-assistants",
              "ai-agents", "generative-design"),
    "vision": ("image-recognition", "video-analysis", "ocr", "automated-editing", "image-captioning",
               "shot-detection", "face-recognition", "visual-search", "image-restoration", "logo-detection",
               "sports-analytics", "handwriting-recognition"),
    "trust": ("verification", "deepfake-detection", "content-moderation", "hate-speech-detection",
              "image-forensics", "claim-detection", "comment-moderation", "osint", "disinformation-monitoring",
              "bot-detection"),
    "distribution": ("recommender-systems", "personalisation", "audience-analytics", "news-recommendation",
                     "churn-prediction", "social-media-analytics", "seo", "ab-testing", "reach-measurement",
                     "diversity-aware-recommendation", "social-media-automation", "content-repurposing",
                     "programmatic-advertising", "contextual-advertising"),
    "archive": ("metadata-enrichment", "auto-tagging", "semantic-search", "knowledge-graphs", "media-asset-management",
                "multimodal-indexing", "digitisation", "semantic-annotation", "rights-metadata",
                "digital-preservation"),
    "newsroom": ("newsroom-automation", "automated-journalism", "editorial-assistants", "news-monitoring",
                 "local-news-automation", "data-journalism", "editorial-workflows", "data-visualisation",
                 "document-analysis"),
    "xr": ("xr", "360-video", "volumetric-video", "3d-reconstruction", "game-engines", "virtual-production",
           "spatial-audio", "vfx-ai"),
    "data": ("machine-learning", "data-engineering", "mlops", "deep-learning", "data-analytics",
             "software-integration", "cloud-infrastructure", "model-deployment", "data-quality",
             "app-development", "multimodal-ai", "model-monitoring", "edge-ai", "privacy-preserving-ml",
             "ai-security"),
    "law": ("ai-act", "data-protection", "copyright", "media-law", "ai-risk-classification", "tdm-rights",
            "licensing", "ai-transparency-labelling", "dpia", "dsa-compliance", "personality-rights",
            "anonymisation", "ai-guidelines"),
    "ethics": ("ai-ethics", "bias-fairness", "explainable-ai", "ai-guidelines", "algorithm-auditing",
               "sustainable-ai", "diversity-aware-recommendation"),
    "ux": ("ux-research", "human-ai-interaction", "usability-testing", "accessibility", "audio-description",
           "text-simplification", "product-management"),
    "business": ("ai-strategy", "business-models", "innovation-management", "change-management",
                 "product-management", "digital-subscriptions", "platform-strategy", "data-licensing-business",
                 "project-management", "funding-consulting"),
    "training": ("training", "ai-literacy", "media-literacy", "journalism-education", "ai-strategy",
                 "change-management"),
}

CLUSTER_TOPIC = {  # (German, English) for descriptions, chairs and event titles
    "speech": ("Sprachtechnologie", "speech technology"),
    "audio": ("Audio-KI", "audio AI"),
    "language": ("Sprachverarbeitung und Übersetzung", "language processing and translation"),
    "genai": ("Generative KI", "generative AI"),
    "vision": ("Bild- und Videoanalyse", "image and video analysis"),
    "trust": ("Verifikation und Vertrauen", "verification and trust"),
    "distribution": ("Personalisierung und Publikumsanalyse", "personalisation and audience analytics"),
    "archive": ("Archiv und Metadaten", "archives and metadata"),
    "newsroom": ("Redaktionsautomatisierung und Datenjournalismus", "newsroom automation and data journalism"),
    "xr": ("Immersive Medien", "immersive media"),
    "data": ("Daten- und KI-Engineering", "data and AI engineering"),
    "law": ("Medien- und KI-Recht", "media and AI law"),
    "ethics": ("KI-Ethik", "AI ethics"),
    "ux": ("Mensch-Technik-Interaktion", "human-computer interaction"),
    "business": ("Medienökonomie und Innovation", "media economics and innovation"),
    "training": ("Medien- und KI-Kompetenz", "media and AI literacy"),
}

_PROVIDER_CLUSTERS = {  # how often a tech provider specialises in a cluster
    "speech": 14, "genai": 16, "data": 12, "language": 10, "vision": 10, "distribution": 10,
    "archive": 8, "xr": 8, "trust": 7, "newsroom": 5, "audio": 5, "ux": 3,
}

# Media company types: share, name patterns, own competences, and needs with probabilities.
_MEDIA_TYPES: dict[str, dict] = {
    "tv": {
        "share": 12, "de": ("m", "Regionalfernsehsender"), "en": "regional TV station",
        "has": ("virtual-production", "content-repurposing"),
        "needs": {"subtitling": .7, "asr": .45, "metadata-enrichment": .45, "live-subtitling": .3, "ai-act": .35,
                  "dialect-asr": .35, "automated-editing": .3, "content-repurposing": .25, "sign-language": .2,
                  "audio-description": .2, "verification": .2, "auto-tagging": .2, "media-asset-management": .15},
    },
    "radio": {
        "share": 14, "de": ("m", "Hörfunksender"), "en": "radio station",
        "has": ("podcast-production",),
        "needs": {"asr": .45, "transcription": .45, "tts-synthetic-voices": .4, "dialect-asr": .3,
                  "audio-enhancement": .2, "spoken-content-search": .25, "ai-act": .3, "audience-analytics": .3,
                  "personality-rights": .1, "metadata-enrichment": .2, "summarization": .15},
    },
    "newspaper": {
        "share": 22, "de": ("m", "Zeitungsverlag"), "en": "newspaper publisher",
        "has": ("data-journalism", "data-visualisation"),
        "needs": {"summarization": .4, "llm-integration": .35, "local-news-automation": .35,
                  "news-recommendation": .35, "paywall-optimization": .3, "churn-prediction": .25,
                  "comment-moderation": .35, "verification": .3, "seo": .25, "copyright": .25, "ai-act": .3,
                  "rag": .2, "editorial-assistants": .3, "tts-synthetic-voices": .2, "ai-literacy": .25,
                  "content-provenance": .12, "metadata-enrichment": .15},
    },
    "publisher": {
        "share": 12, "de": ("m", "Verlag"), "en": "publishing house",
        "has": ("licensing",),
        "needs": {"metadata-enrichment": .4, "copyright": .4, "tdm-rights": .35, "licensing": .2,
                  "data-licensing-business": .3, "text-generation": .2, "mt": .35, "tts-synthetic-voices": .3,
                  "ai-act": .3, "semantic-search": .2, "business-models": .3, "text-simplification": .2},
    },
    "podcast": {
        "share": 8, "de": ("n", "Podcast-Studio"), "en": "podcast studio",
        "has": ("podcast-production",),
        "needs": {"transcription": .6, "audio-enhancement": .4, "tts-synthetic-voices": .3, "ai-dubbing": .3,
                  "spoken-content-search": .2, "audio-generation": .2, "social-media-automation": .3, "seo": .2,
                  "summarization": .2},
    },
    "agency": {
        "share": 18, "de": ("f", "Content- und Kommunikationsagentur"), "en": "content and communications agency",
        "has": ("social-media-automation", "generative-design", "data-visualisation"),
        "needs": {"image-generation": .45, "video-generation": .35, "generative-design": .2,
                  "social-media-analytics": .3, "copyright": .3, "ai-transparency-labelling": .25,
                  "digital-avatars": .2, "xr": .2, "automated-editing": .25, "ai-dubbing": .15,
                  "personality-rights": .15, "llm-integration": .2},
    },
    "film": {
        "share": 8, "de": ("f", "Filmproduktionsfirma"), "en": "film production company",
        "has": ("virtual-production", "vfx-ai"),
        "needs": {"vfx-ai": .35, "virtual-production": .3, "image-restoration": .3, "ai-dubbing": .3,
                  "subtitling": .3, "copyright": .3, "3d-reconstruction": .2, "personality-rights": .15,
                  "volumetric-video": .15},
    },
    "streaming": {
        "share": 6, "de": ("m", "Streaming- und Online-Anbieter"), "en": "streaming and online service",
        "has": ("app-development", "audience-analytics"),
        "needs": {"recommender-systems": .5, "personalisation": .5, "audience-analytics": .35,
                  "youth-protection": .3, "content-moderation": .3, "subtitling": .3, "dsa-compliance": .3,
                  "ai-dubbing": .2},
    },
}

_PROVIDER_NEEDS = ("ai-act", "data-protection", "copyright", "funding-consulting", "business-models", "ux-research",
                   "data-quality", "ai-risk-classification")
_RESEARCH_NEEDS = ("funding-consulting", "project-management", "data-quality", "cloud-infrastructure",
                   "ux-research", "licensing")

# Universities and research institutes: fictional names at real places; clusters they work on.
_ACADEMIA = (
    ("demo-uni", "university", "Universität Isarauen", "München", ("speech", "language")),
    ("", "university", "Hochschule für Medien und Gestaltung Isartal", "München", ("genai", "xr", "ux")),
    ("", "university", "Technische Hochschule Würmtal", "München", ("data", "vision")),
    ("", "university", "Hochschule für Medientechnik Donautal", "Deggendorf", ("vision", "data")),
    ("", "university", "Universität Dreiflüsse", "Passau", ("law", "distribution", "trust")),
    ("", "university", "Hochschule Pegnitzaue für Technik", "Nürnberg", ("speech", "xr")),
    ("", "university", "Technische Hochschule Noris", "Nürnberg", ("data", "genai")),
    ("", "university", "Universität Regnitzfranken", "Erlangen", ("audio", "speech", "vision")),
    ("", "university", "Universität am Lechfeld", "Augsburg", ("ux", "law", "language")),
    ("", "university", "Hochschule Lechauen für angewandte Wissenschaften", "Augsburg", ("vision", "xr")),
    ("", "university", "Universität Mainbogen", "Würzburg", ("language", "xr", "trust")),
    ("", "university", "Hochschule Steigerwald", "Schweinfurt", ("data", "vision")),
    ("", "university", "Universität Regental", "Regensburg", ("language", "archive", "trust")),
    ("", "university", "Hochschule Walhalla für Technik", "Regensburg", ("data", "speech")),
    ("", "university", "Universität Domberg", "Bamberg", ("archive", "language", "ux")),
    ("", "university", "Universität Rotmain", "Bayreuth", ("law", "business", "distribution")),
    ("", "university", "Technische Hochschule Schutterau", "Ingolstadt", ("vision", "data")),
    ("", "university", "Hochschule Trausnitz für angewandte Wissenschaften", "Landshut", ("data", "business")),
    ("", "university", "Hochschule Allgäuer Land", "Kempten (Allgäu)", ("xr", "business")),
    ("", "university", "Frankenwald-Hochschule für Medien", "Hof", ("distribution", "newsroom")),
    ("", "university", "Hochschule Veste für Gestaltung", "Coburg", ("ux", "genai")),
    ("", "university", "Hochschule Chiemgau", "Rosenheim", ("vision", "xr")),
    ("", "university", "Hochschule Spessart", "Aschaffenburg", ("data", "business")),
    ("", "university", "Hochschule Rezattal für Medien", "Ansbach", ("newsroom", "distribution")),
    ("", "research_institute", "Institut für Sprach- und Audiotechnologie Nordbayern", "Erlangen", ("speech", "audio")),
    ("", "research_institute", "Forschungszentrum Medien-KI Garching", "Garching b. München", ("genai", "vision", "data")),
    ("", "research_institute", "Isar-Institut für Computerlinguistik", "München", ("language", "speech")),
    ("", "research_institute", "Zentrum für Immersive Medien Franken", "Nürnberg", ("xr", "audio")),
    ("", "research_institute", "Institut für Vertrauenswürdige Information", "München", ("trust", "ethics")),
    ("", "research_institute", "Forschungsstelle Medienrecht und KI", "Passau", ("law", "ethics")),
    ("", "research_institute", "Institut für Datenjournalismus Süd", "München", ("newsroom", "data")),
    ("", "research_institute", "Mainfränkisches Institut für Kulturerbe-Digitalisierung", "Würzburg", ("archive", "vision")),
    ("", "research_institute", "Donau-Institut für Angewandte KI", "Regensburg", ("data", "vision", "genai")),
    ("", "research_institute", "Lech-Institut für Mensch-Technik-Interaktion", "Augsburg", ("ux", "ethics")),
    ("", "research_institute", "Institut für Publikumsforschung Oberfranken", "Bamberg", ("distribution", "ux")),
    ("", "research_institute", "Forschungsverbund Digitale Sammlungen Rotmain", "Bayreuth", ("archive", "language")),
    ("", "research_institute", "Institut für Medienökonomie Schutterau", "Ingolstadt", ("business", "distribution")),
    ("", "research_institute", "Zentrum für Barrierefreie Medien Isartal", "München", ("ux", "speech")),
)

# Target counts for the generated (non-fixed) organisations.
_N_MEDIA = 117
_N_TECH = 98
_N_COMPANY = 24
_N_PUBLIC = 7
_N_OTHER = 14
_N_PROJECTS = 117  # plus three fixed ones around the demo accounts
_N_EVENTS = 25


# -- names --------------------------------------------------------------------------------

_FIRST_F = ("Anna", "Maria", "Katharina", "Sophie", "Laura", "Julia", "Lena", "Lisa", "Sarah", "Johanna",
            "Franziska", "Theresa", "Magdalena", "Veronika", "Christina", "Sabine", "Petra", "Claudia",
            "Andrea", "Stefanie", "Hannah", "Lea", "Clara", "Eva", "Barbara", "Monika", "Nina", "Carolin",
            "Melanie", "Verena", "Kathrin", "Susanne", "Birgit", "Elisabeth", "Antonia", "Leonie", "Amelie",
            "Marlene", "Helena", "Regina")
_FIRST_M = ("Maximilian", "Alexander", "Lukas", "Tobias", "Florian", "Michael", "Stefan", "Andreas", "Thomas",
            "Christian", "Markus", "Sebastian", "Johannes", "Matthias", "Martin", "Daniel", "Benedikt",
            "Korbinian", "Quirin", "Felix", "Simon", "Philipp", "Julian", "Dominik", "Georg", "Josef",
            "Wolfgang", "Bernhard", "Peter", "Klaus", "Jürgen", "Ralf", "Moritz", "Leon", "Paul", "David",
            "Jakob", "Vincent", "Severin", "Anton")
_LAST = ("Huber", "Bauer", "Wagner", "Müller", "Schmid", "Schneider", "Fischer", "Weber", "Maier", "Mayer",
         "Hofmann", "Gruber", "Obermeier", "Steiner", "Moser", "Pichler", "Eder", "Kammerer", "Zeller",
         "Reiter", "Aigner", "Berger", "Kellner", "Winkler", "Lang", "Haas", "Wolf", "Schwarz", "Fuchs",
         "Graf", "Hartmann", "Krämer", "Lehmann", "Vogel", "Sommer", "Brunner", "Seidl", "Rieder", "Straub",
         "Friedl", "Eichinger", "Loibl", "Stadler", "Hausner", "Kerscher", "Wild", "Frank", "Beck", "Roth",
         "Dietrich", "Engel", "Ziegler", "Kraus", "Baumann", "Meixner", "Pöhlmann", "Gebhardt", "Dörfler",
         "Raab", "Kestler", "Hinterberger", "Wurm", "Schäfer", "Neumeier", "Lindner", "Ertl", "Greiner")
_INTERNATIONAL = (  # (female first names, male first names, surnames) from one language area
    (("Ayşe", "Elif", "Zeynep", "Merve"), ("Mehmet", "Can", "Emre", "Kerem"), ("Yılmaz", "Demir", "Kaya", "Öztürk", "Arslan", "Şahin")),
    (("Giulia", "Francesca", "Chiara"), ("Marco", "Luca", "Matteo"), ("Romano", "Ricci", "Bianchi", "Moretti", "Conti")),
    (("Eleni", "Maria", "Sofia"), ("Nikos", "Giorgos", "Dimitris"), ("Papadopoulou", "Georgiou", "Nikolaidis", "Karagiannis")),
    (("Katarzyna", "Agnieszka", "Magdalena"), ("Piotr", "Tomasz", "Paweł"), ("Nowak", "Kowalski", "Wiśniewski", "Zielińska")),
    (("Ivana", "Ana", "Marija"), ("Luka", "Ivan", "Marko"), ("Horvat", "Babić", "Jurić", "Kovačević")),
    (("Lucía", "Carmen", "Elena"), ("Javier", "Pablo", "Diego"), ("García", "Martínez", "López", "Fernández")),
    (("Priya", "Ananya", "Divya"), ("Arjun", "Rahul", "Vikram"), ("Sharma", "Patel", "Iyer", "Reddy", "Nair")),
    (("Xiaoyu", "Jing", "Mei"), ("Wei", "Hao", "Jun"), ("Li", "Chen", "Wang", "Zhang", "Liu")),
    (("Sara", "Maryam", "Narges"), ("Reza", "Amir", "Arash"), ("Rahimi", "Karimi", "Hosseini", "Ahmadi")),
    (("Olena", "Iryna", "Kateryna"), ("Andrii", "Oleksandr", "Dmytro"), ("Shevchenko", "Melnyk", "Kovalenko", "Bondarenko")),
    (("Camille", "Léa", "Chloé"), ("Julien", "Antoine", "Hugo"), ("Dubois", "Moreau", "Lefèvre", "Laurent")),
    (("Andreea", "Ioana"), ("Andrei", "Mihai"), ("Popescu", "Ionescu", "Dumitru")),
)

_TECH_STEMS = {
    "speech": ("Vox", "Sprach", "Laut", "Wort", "Echo", "Phon"),
    "audio": ("Klang", "Ton", "Hall", "Audi", "Sono"),
    "language": ("Lingu", "Semant", "Text", "Kontext", "Satz", "Lexi"),
    "genai": ("Neur", "Tensor", "Gen", "Muse", "Prompt", "Synth"),
    "vision": ("Pix", "Vis", "Bild", "Lumen", "Optik", "Blick"),
    "trust": ("Veri", "Wahr", "Fakt", "Echt", "Quell", "Prüf"),
    "distribution": ("Reich", "Leser", "Publik", "Metrik", "Puls", "Ziel"),
    "archive": ("Archiv", "Merk", "Meta", "Fund", "Spur", "Index"),
    "newsroom": ("Redakt", "News", "Takt", "Zeil", "Meldungs"),
    "xr": ("Raum", "Holo", "Immer", "Tiefen", "Sphär", "Welt"),
    "data": ("Daten", "Vektor", "Kern", "Sigma", "Fluss", "Graph"),
    "ux": ("Nutzer", "Fokus", "Dialog", "Form"),
}
_TECH_SUFFIXES = ("werk", "labs", "flow", "mind", "logic", "sense", "forge", "ly", "io", "ify", "tec",
                  "metrics", "scope", "wise", "ware", "bit")
_WORDS = ("Blaupause", "Kompass", "Leuchtturm", "Weitblick", "Farbwerk", "Lichtblick", "Kopfsprung", "Zeitgeist",
          "Bergfest", "Rautenwerk", "Alpenglühen", "Hochform", "Feinschliff", "Seitenwind", "Brückenschlag",
          "Hörgang", "Tonspur", "Ohrwerk", "Klangraum", "Zwischenton", "Wortwerk", "Hörbar", "Mittelwelle",
          "Kurzwelle", "Frischluft", "Morgenrot", "Sternwarte", "Kieselstein", "Fernweh", "Bildfolge",
          "Taktgeber", "Himmelblau", "Gipfelblick", "Uferweg", "Wegweiser", "Nordlicht", "Funkenflug")
_INDUSTRIES = (("Maschinenbau", "mechanical engineering"), ("Brauerei", "brewery"), ("Reisen", "travel"),
               ("Möbelwerke", "furniture"), ("Elektrotechnik", "electrical engineering"),
               ("Sportartikel", "sporting goods"), ("Stadtwerke Service", "utility services"))


def _ascii(text: str) -> str:
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("Ä", "Ae")
    text = text.replace("Ö", "Oe").replace("Ü", "Ue").replace("ß", "ss").replace("ı", "i").replace("ł", "l")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


_LEGAL_FORMS = re.compile(
    r"(?<!\w)(gmbh & co\. kg|verlags-gmbh|gmbh|ug \(haftungsbeschränkt\)|ag|se|kg|eg|e\.v\.|partg mbb"
    r"|(?:hörfunk|rechtsanwalts)?gesellschaft mbh)(?!\w)",
    re.I,
)


def slugify(name: str) -> str:
    """A domain-safe slug of an organisation name, without its legal form.

    >>> slugify("Isarwelle TV GmbH")
    'isarwelle-tv'
    """
    base = _LEGAL_FORMS.sub("", name)
    base = re.sub(r"[^a-z0-9]+", "-", _ascii(base).lower()).strip("-")
    if len(base) > 40:  # cut at a word boundary so long names still give a readable domain
        base = base[:40].rsplit("-", 1)[0]
    return base or "org"


def _iso(day: date, rng: random.Random) -> str:
    moment = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randint(0, 59), tzinfo=timezone.utc)
    return moment.isoformat(timespec="seconds")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * 111.0
    dlon = (a[1] - b[1]) * 111.0 * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dlat, dlon)


def _join(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    conj = " und " if lang == "de" else " and "
    return ", ".join(items[:-1]) + conj + items[-1]


@dataclass
class DemoData:
    """The generated graph: node rows by label and edge rows by relationship type."""

    nodes: dict[Label, list[dict]] = field(default_factory=dict)
    edges: dict[Rel, list[dict]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out = {label.value: len(rows) for label, rows in self.nodes.items()}
        out.update({rel.value: len(rows) for rel, rows in self.edges.items()})
        return out

    def node(self, label: Label, node_id: str) -> dict | None:
        return next((n for n in self.nodes.get(label, []) if n["id"] == node_id), None)


class _Builder:
    """Builds one DemoData from one random generator; all choices go through `self.rng`."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.skills = {s.id: s for s in SKILLS}
        self.orgs: list[dict] = []
        self.org_meta: dict[str, dict] = {}  # id -> {city, type, clusters, offers, has, needs}
        self.people: list[dict] = []
        self.person_meta: dict[str, dict] = {}
        self.staff_by_org: dict[str, list[str]] = {}
        self.edges: dict[Rel, list[dict]] = {rel: [] for rel in Rel}
        self.edge_keys: set[tuple] = set()
        self.names: set[str] = set()
        self.slugs: set[str] = set()
        self.person_names: set[str] = set()
        self.projects: list[dict] = []
        self.project_partners: dict[str, list[str]] = {}

    # -- small helpers ----------------------------------------------------------------
    def edge(self, rel: Rel, src: str, dst: str, src_label: Label | None = None, **props) -> None:
        """Record an edge once. (An edge's own `source` property cannot travel in a row,
        whose `source` is the start node, so demo edges carry none.)"""
        key = (rel, src_label, src, dst)
        if key in self.edge_keys:
            return
        self.edge_keys.add(key)
        row = {"source": src, "target": dst, **props}
        if src_label is not None:
            row["source_label"] = src_label.value
        self.edges[rel].append(row)

    def label(self, skill_id: str, lang: str) -> str:
        return getattr(self.skills[skill_id], f"label_{lang}")

    def labels(self, skill_ids, lang: str, limit: int = 4) -> str:
        return _join([self.label(s, lang) for s in list(skill_ids)[:limit]], lang)

    def weighted(self, items, weights):
        return self.rng.choices(list(items), weights=list(weights), k=1)[0]

    def pick_city(self, tech: bool) -> City:
        return self.weighted(CITIES, [c.tech_weight if tech else c.media_weight for c in CITIES])

    def unique_name(self, make) -> str:
        for _ in range(200):
            name = make()
            if name not in self.names:
                self.names.add(name)
                return name
        raise RuntimeError("could not find a free organisation name")

    def dates(self, start: date = date(2023, 1, 10), stale_share: float = 0.2) -> dict:
        """created/confirmed/updated timestamps; a share stays unconfirmed for over a year."""
        rng = self.rng
        span = (REFERENCE_DAY - start).days
        created = start + timedelta(days=int(span * rng.random() ** 1.3))
        if rng.random() < stale_share and created < REFERENCE_DAY - timedelta(days=400):
            confirmed = created + timedelta(days=rng.randint(0, 30))
        else:
            lower = max(created, REFERENCE_DAY - timedelta(days=330))
            confirmed = lower + timedelta(days=rng.randint(0, max(0, (REFERENCE_DAY - lower).days)))
        updated = confirmed + timedelta(days=rng.randint(0, max(0, min(60, (REFERENCE_DAY - confirmed).days))))
        return {"created_at": _iso(created, rng), "confirmed_at": _iso(confirmed, rng),
                "updated_at": _iso(updated, rng)}

    def sample_cluster_skills(self, cluster: str, lo: int, hi: int) -> list[str]:
        """Skills from a cluster; the first (core) skills of a cluster are picked more often."""
        pool = list(CLUSTERS[cluster])
        weights = [1.0 / (1 + 0.35 * i) for i in range(len(pool))]
        chosen: list[str] = []
        for _ in range(min(self.rng.randint(lo, hi), len(pool))):
            s = self.weighted(pool, weights)
            i = pool.index(s)
            pool.pop(i)
            weights.pop(i)
            chosen.append(s)
        return chosen

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
            "street": f"{rng.choice(_STREETS)} {rng.randint(1, 120)}",
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
            t = _MEDIA_TYPES[subtype]
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
            topics_de = _join([CLUSTER_TOPIC[c][0] for c in clusters], "de")
            topics_en = _join([CLUSTER_TOPIC[c][1] for c in clusters], "en")
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
            surname = rng.choice(_LAST)
            word = rng.choice(_WORDS)
            options = {
                "tv": (f"{r}{rng.choice(('blick', 'kanal', 'bild', 'land', 'schau'))} TV GmbH",
                       f"Regionalfernsehen {r}tal GmbH", f"{r}-TV Regional GmbH & Co. KG"),
                "radio": (f"Radio {r}{rng.choice(('welle', 'funk', 'klang', 'puls', 'echo'))} GmbH & Co. KG",
                          f"{r}funk Hörfunkgesellschaft mbH", f"Lokalradio {r}land GmbH"),
                "newspaper": (f"{r}-{rng.choice(('Anzeiger', 'Rundschau', 'Bote', 'Tagblatt', 'Nachrichten'))} Verlags-GmbH",
                              f"{r}taler {rng.choice(('Zeitung', 'Nachrichten', 'Heimatblatt'))} GmbH & Co. KG",
                              f"Mediengruppe {r}land GmbH"),
                "publisher": (f"{surname} Verlag GmbH", f"Verlagshaus {surname} & {rng.choice(_LAST)} KG",
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
            stem = rng.choice(_TECH_STEMS.get(cluster, _TECH_STEMS["data"]))
            suffix = rng.choice(_TECH_SUFFIXES)
            if sme:
                form = self.weighted(("GmbH", "UG (haftungsbeschränkt)", "GmbH & Co. KG"), (7, 2, 1))
            else:
                form = self.weighted(("AG", "GmbH", "SE"), (4, 4, 1))
            extra = " Technologies" if not sme and rng.random() < 0.5 else (" AI" if rng.random() < 0.3 else "")
            return f"{stem}{suffix}{extra} {form}"

        return self.unique_name(make)

    def build_fixed_orgs(self) -> None:
        munich = _CITY["München"]
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

    def build_academia(self) -> None:
        n = 0
        for org_id, kind, name, city_name, clusters in _ACADEMIA:
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
            needs = self.rng.sample(_RESEARCH_NEEDS, self.rng.randint(0, 2))
            self.add_org(org_id, name, kind, _CITY[city_name], sme=False, subtype=kind, clusters=clusters,
                         has=has + ["research-transfer"], offers=offers, needs=needs)

    def build_media(self) -> None:
        types = list(_MEDIA_TYPES)
        shares = [_MEDIA_TYPES[t]["share"] for t in types]
        for i in range(1, _N_MEDIA + 1):
            subtype = self.weighted(types, shares)
            city = self.pick_city(tech=False)
            spec = _MEDIA_TYPES[subtype]
            needs = self.sample_needs(spec["needs"])
            has = [s for s in spec["has"] if self.rng.random() < 0.4]
            offers = [s for s in has if subtype in ("agency", "film") and self.rng.random() < 0.5]
            sme = self.rng.random() < (0.9 if subtype in ("podcast", "agency", "radio", "tv") else 0.7)
            self.add_org(f"demo-media-{i:03d}", self.media_name(subtype, city), "media_company", city,
                         sme=sme, subtype=subtype, has=has, offers=offers, needs=needs,
                         pending=i in (17, 58))

    def build_tech(self) -> None:
        clusters = list(_PROVIDER_CLUSTERS)
        weights = [_PROVIDER_CLUSTERS[c] for c in clusters]
        # The first providers cover every cluster the demo journeys rely on, so any seed works.
        guaranteed = ["speech", "speech", "speech", "speech", "archive", "archive", "language", "genai"]
        for i in range(1, _N_TECH + 1):
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
            needs = self.rng.sample(_PROVIDER_NEEDS, self.rng.choice((0, 0, 1, 1, 2)))
            self.add_org(f"demo-tech-{i:03d}", self.tech_name(cluster, sme), "tech_provider", city, sme=sme,
                         subtype=cluster, clusters=(cluster,), has=has, offers=offers, needs=needs,
                         pending=i == 41)

    def build_companies(self) -> None:
        rng = self.rng
        for i in range(1, _N_COMPANY + 1):
            city = self.pick_city(tech=True)
            roll = rng.random()
            if roll < 0.35 or i <= 3:  # law firms: the first ones make sure AI-Act advice exists
                subtype, cluster = "law", "law"
                a, b = rng.sample(_LAST, 2)
                name = self.unique_name(lambda: rng.choice((
                    f"{a} & {b} Rechtsanwälte PartG mbB", f"Kanzlei {a} {b} Rechtsanwälte",
                    f"{a} Medienrecht Rechtsanwaltsgesellschaft mbH")))
                skills = self.sample_cluster_skills("law", 3, 6)
                if i <= 3 and "ai-act" not in skills:
                    skills.insert(0, "ai-act")
                offers, has, needs, sme = skills, skills, [], rng.random() < 0.8
            elif roll < 0.7:
                subtype = cluster = rng.choice(("business", "training", "ux", "ethics"))
                word = rng.choice(_WORDS)
                name = self.unique_name(lambda: rng.choice((
                    f"{rng.choice(_LAST)} Digitalberatung GmbH", f"{word} Consulting GmbH",
                    f"{rng.choice(CITIES).rivers[0]}-Akademie für Medien und KI GmbH")))
                skills = self.sample_cluster_skills(cluster, 3, 5)
                offers, has, needs, sme = skills, skills, [], True
            else:
                subtype, cluster = "enterprise", None
                industry = rng.choice(_INDUSTRIES)
                name = self.unique_name(lambda: f"{rng.choice(_LAST)} {industry[0]} GmbH")
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
        for i, (subtype, pattern, offers, needs) in enumerate(public[:_N_PUBLIC], start=1):
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
        for i in range(1, _N_OTHER + 1):
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
    def person_name(self) -> tuple[str, str, str]:
        rng = self.rng
        for _ in range(200):
            female = rng.random() < 0.47
            if rng.random() < 0.22:
                f_names, m_names, last_names = rng.choice(_INTERNATIONAL)
                first = rng.choice(f_names if female else m_names)
                last = rng.choice(last_names)
            else:
                first = rng.choice(_FIRST_F if female else _FIRST_M)
                last = rng.choice(_LAST)
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
        email_local = re.sub(r"[^a-z0-9.]+", "", _ascii(f"{first}.{last}").lower().replace(" ", "-"))
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
        for i in range(1, _N_PROJECTS + 1):
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
                affinity[o] = theme[o] * (0.15 + math.exp(-_km(here, there) / 60.0)) * repeat
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

    def build_events(self) -> list[dict]:
        rng = self.rng
        events = []
        start, stop = date(2023, 3, 1), date(2026, 10, 25)
        step = (stop - start).days / _N_EVENTS
        for i in range(_N_EVENTS):
            fmt, _kind_de, _ = self.weighted(self._FORMATS, [f[2] for f in self._FORMATS])
            day = start + timedelta(days=int(i * step + rng.uniform(0, step * 0.8)))
            city = self.weighted([c for c, _ in self._EVENT_CITIES], [w for _, w in self._EVENT_CITIES])
            if i == _N_EVENTS - 3:  # the evening where the demo SME and researcher met
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
            here = (_CITY[city].lat, _CITY[city].lon)
            size = rng.randint(12, 40) if fmt != "AI Act Sprechstunde" else rng.randint(6, 14)
            candidates = [p for p in self.people if p["id"] not in ("demo-staff",)]
            weights = []
            for p in candidates:
                meta = self.org_meta[self.person_meta[p["id"]]["org"]]
                geo = 0.1 + math.exp(-_km(here, (meta["city"].lat, meta["city"].lon)) / 70.0)
                near_topic = 3.0 if topic in meta["needs"] or topic in meta["offers"] else 1.0
                weights.append(geo * near_topic)
            chosen: list[str] = []
            while len(chosen) < size:
                p = self.weighted(candidates, weights)
                if p["id"] not in chosen:
                    chosen.append(p["id"])
            if i == _N_EVENTS - 3:
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
            city = _CITY[org["city"]]
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

    def build(self, hash_password) -> DemoData:
        self.build_fixed_orgs()
        self.build_academia()
        self.build_media()
        self.build_tech()
        self.build_companies()
        self.build_public_and_other()
        for skill in ("subtitling", "asr", "metadata-enrichment"):
            self.ensure_offers(skill, 4)
        self.build_fixed_people()
        self.build_people()
        self.build_projects()
        events = self.build_events()
        calls = self.build_calls()
        regions = self.build_regions()
        return DemoData(
            nodes={
                Label.REGION: regions,
                Label.ORGANIZATION: self.orgs,
                Label.PERSON: self.people,
                Label.PROJECT: self.projects,
                Label.EVENT: events,
                Label.CALL: calls,
                Label.ACCOUNT: self.build_accounts(hash_password),
            },
            edges={rel: rows for rel, rows in self.edges.items() if rows},
        )


def _default_hash(password: str) -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password)


def generate(seed: int = DEFAULT_SEED, hash_password=_default_hash) -> DemoData:
    """The demo ecosystem for a seed; the same seed gives the same data.

    Password hashes are salted, so only they differ between two runs.
    """
    return _Builder(seed).build(hash_password)


# Nodes before the edges that point at them; accounts last.
_NODE_ORDER = (Label.REGION, Label.ORGANIZATION, Label.PERSON, Label.PROJECT, Label.EVENT, Label.CALL, Label.ACCOUNT)


def seed(store, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Write the taxonomy and the demo ecosystem into a store (idempotent: upserts by id).

    Returns how many nodes per label and relationships per type were written.
    """
    counts = {}
    taxonomy_counts = seed_taxonomy(store)
    counts[Label.SKILL.value] = taxonomy_counts["skills"]
    counts[Rel.BROADER.value] = taxonomy_counts["broader"]
    data = generate(seed)
    for label in _NODE_ORDER:
        counts[label.value] = store.upsert_nodes(label, data.nodes[label])
    for rel, rows in data.edges.items():
        counts[rel.value] = store.upsert_edges(rel, rows)
    return counts
