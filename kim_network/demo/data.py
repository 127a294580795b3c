"""The demo ecosystem's tables: cities, clusters of skills, name parts, sizes (fictional, fixed).

Cities, NUTS codes and coordinates are real; every name part is used to invent fictional
organisations and people (see `kim_network.demo.builder`).
"""
from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from kim_network.core.text import strip_accents

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
CITY = {c.name: c for c in CITIES}

STREETS = (
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

PROVIDER_CLUSTERS = {  # how often a tech provider specialises in a cluster
    "speech": 14, "genai": 16, "data": 12, "language": 10, "vision": 10, "distribution": 10,
    "archive": 8, "xr": 8, "trust": 7, "newsroom": 5, "audio": 5, "ux": 3,
}

# Media company types: share, name patterns, own competences, and needs with probabilities.
MEDIA_TYPES: dict[str, dict] = {
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

PROVIDER_NEEDS = ("ai-act", "data-protection", "copyright", "funding-consulting", "business-models", "ux-research",
                   "data-quality", "ai-risk-classification")
RESEARCH_NEEDS = ("funding-consulting", "project-management", "data-quality", "cloud-infrastructure",
                   "ux-research", "licensing")

# Universities and research institutes: fictional names at real places; clusters they work on.
ACADEMIA = (
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
N_MEDIA = 117
N_TECH = 98
N_COMPANY = 24
N_PUBLIC = 7
N_OTHER = 14
N_PROJECTS = 117  # plus three fixed ones around the demo accounts
N_EVENTS = 25


# -- names --------------------------------------------------------------------------------

FIRST_F = ("Anna", "Maria", "Katharina", "Sophie", "Laura", "Julia", "Lena", "Lisa", "Sarah", "Johanna",
            "Franziska", "Theresa", "Magdalena", "Veronika", "Christina", "Sabine", "Petra", "Claudia",
            "Andrea", "Stefanie", "Hannah", "Lea", "Clara", "Eva", "Barbara", "Monika", "Nina", "Carolin",
            "Melanie", "Verena", "Kathrin", "Susanne", "Birgit", "Elisabeth", "Antonia", "Leonie", "Amelie",
            "Marlene", "Helena", "Regina")
FIRST_M = ("Maximilian", "Alexander", "Lukas", "Tobias", "Florian", "Michael", "Stefan", "Andreas", "Thomas",
            "Christian", "Markus", "Sebastian", "Johannes", "Matthias", "Martin", "Daniel", "Benedikt",
            "Korbinian", "Quirin", "Felix", "Simon", "Philipp", "Julian", "Dominik", "Georg", "Josef",
            "Wolfgang", "Bernhard", "Peter", "Klaus", "Jürgen", "Ralf", "Moritz", "Leon", "Paul", "David",
            "Jakob", "Vincent", "Severin", "Anton")
LAST = ("Huber", "Bauer", "Wagner", "Müller", "Schmid", "Schneider", "Fischer", "Weber", "Maier", "Mayer",
         "Hofmann", "Gruber", "Obermeier", "Steiner", "Moser", "Pichler", "Eder", "Kammerer", "Zeller",
         "Reiter", "Aigner", "Berger", "Kellner", "Winkler", "Lang", "Haas", "Wolf", "Schwarz", "Fuchs",
         "Graf", "Hartmann", "Krämer", "Lehmann", "Vogel", "Sommer", "Brunner", "Seidl", "Rieder", "Straub",
         "Friedl", "Eichinger", "Loibl", "Stadler", "Hausner", "Kerscher", "Wild", "Frank", "Beck", "Roth",
         "Dietrich", "Engel", "Ziegler", "Kraus", "Baumann", "Meixner", "Pöhlmann", "Gebhardt", "Dörfler",
         "Raab", "Kestler", "Hinterberger", "Wurm", "Schäfer", "Neumeier", "Lindner", "Ertl", "Greiner")
INTERNATIONAL = (  # (female first names, male first names, surnames) from one language area
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

TECH_STEMS = {
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
TECH_SUFFIXES = ("werk", "labs", "flow", "mind", "logic", "sense", "forge", "ly", "io", "ify", "tec",
                  "metrics", "scope", "wise", "ware", "bit")
WORDS = ("Blaupause", "Kompass", "Leuchtturm", "Weitblick", "Farbwerk", "Lichtblick", "Kopfsprung", "Zeitgeist",
          "Bergfest", "Rautenwerk", "Alpenglühen", "Hochform", "Feinschliff", "Seitenwind", "Brückenschlag",
          "Hörgang", "Tonspur", "Ohrwerk", "Klangraum", "Zwischenton", "Wortwerk", "Hörbar", "Mittelwelle",
          "Kurzwelle", "Frischluft", "Morgenrot", "Sternwarte", "Kieselstein", "Fernweh", "Bildfolge",
          "Taktgeber", "Himmelblau", "Gipfelblick", "Uferweg", "Wegweiser", "Nordlicht", "Funkenflug")
INDUSTRIES = (("Maschinenbau", "mechanical engineering"), ("Brauerei", "brewery"), ("Reisen", "travel"),
               ("Möbelwerke", "furniture"), ("Elektrotechnik", "electrical engineering"),
               ("Sportartikel", "sporting goods"), ("Stadtwerke Service", "utility services"))


def to_ascii(text: str) -> str:
    text = text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("Ä", "Ae")
    text = text.replace("Ö", "Oe").replace("Ü", "Ue").replace("ß", "ss").replace("ı", "i").replace("ł", "l")
    return strip_accents(text)


LEGAL_FORMS = re.compile(
    r"(?<!\w)(gmbh & co\. kg|verlags-gmbh|gmbh|ug \(haftungsbeschränkt\)|ag|se|kg|eg|e\.v\.|partg mbb"
    r"|(?:hörfunk|rechtsanwalts)?gesellschaft mbh)(?!\w)",
    re.I,
)


def slugify(name: str) -> str:
    """A domain-safe slug of an organisation name, without its legal form.

    >>> slugify("Isarwelle TV GmbH")
    'isarwelle-tv'
    """
    base = LEGAL_FORMS.sub("", name)
    base = re.sub(r"[^a-z0-9]+", "-", to_ascii(base).lower()).strip("-")
    if len(base) > 40:  # cut at a word boundary so long names still give a readable domain
        base = base[:40].rsplit("-", 1)[0]
    return base or "org"


def iso_stamp(day: date, rng: random.Random) -> str:
    moment = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randint(0, 59), tzinfo=timezone.utc)
    return moment.isoformat(timespec="seconds")


def km_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    dlat = (a[0] - b[0]) * 111.0
    dlon = (a[1] - b[1]) * 111.0 * math.cos(math.radians((a[0] + b[0]) / 2))
    return math.hypot(dlat, dlon)


def join_names(items: list[str], lang: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    conj = " und " if lang == "de" else " and "
    return ", ".join(items[:-1]) + conj + items[-1]
