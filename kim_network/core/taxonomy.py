"""The curated KI.M skill taxonomy of AI-in-media competences, and term matching onto it.

Every organisation, person, project and call in the graph points at these skills, so
matching, gap analysis and the map all speak one vocabulary. Imported vocabularies
(CORDIS euroSciVoc, free keywords) are hung into the same graph with `match_term`.

Each skill has a short stable id, German and English labels, comma-separated synonyms
(German, English, abbreviations) and, where a label alone is unclear, a short
description. A skill names its broader skill; top-level areas have none. Edges run
child -> parent (`Rel.BROADER`).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Iterable

from kim_network.core.text import strip_accents
from kim_network.core.model import ID_RE, Label, Rel

SOURCE = "kim"


@dataclass(frozen=True)
class SkillDef:
    id: str
    parent: str | None
    label_de: str
    label_en: str
    synonyms: str = ""
    description_de: str = ""
    description_en: str = ""


def _s(id, parent, de, en, syn="", desc_de="", desc_en="") -> SkillDef:
    return SkillDef(id, parent, de, en, syn, desc_de, desc_en)


# Order matters only for display: areas first, then their skills depth-first.
SKILLS: tuple[SkillDef, ...] = (
    # -- Audio and speech -------------------------------------------------------------
    _s("audio-speech", None, "Audio- und Sprachtechnologie", "Audio and speech technology",
       "Audio-KI, Sprachtechnologie, audio AI, speech technology, speech processing, Sprachverarbeitung gesprochener Sprache",
       "KI für gesprochene Sprache und Audio: erkennen, erzeugen, analysieren.",
       "AI for spoken language and audio: recognise, synthesise, analyse."),
    _s("asr", "audio-speech", "Spracherkennung", "Speech recognition",
       "ASR, automatic speech recognition, automatische Spracherkennung, speech-to-text, STT, Sprache-zu-Text, speech to text recognition",
       "Gesprochene Sprache automatisch in Text umwandeln.",
       "Turning spoken language into text automatically."),
    _s("transcription", "asr", "Automatische Transkription", "Automatic transcription",
       "Transkription, transcription, Transkribierung, audio transcription, Audiotranskription, Interviewtranskription, interview transcription",
       "Interviews, Sendungen und Podcasts automatisch verschriftlichen.",
       "Transcribing interviews, broadcasts and podcasts automatically."),
    _s("subtitling", "asr", "Automatische Untertitelung", "Automatic subtitling",
       "Untertitelung, Untertitel, subtitles, subtitling, captioning, closed captions, automatic captioning, automatische Untertitel, Live-Untertitel",
       "Untertitel aus Spracherkennung erzeugen, segmentieren und zeitlich ausrichten.",
       "Generating, segmenting and timing subtitles from speech recognition."),
    _s("live-subtitling", "subtitling", "Live-Untertitelung", "Live subtitling",
       "Echtzeit-Untertitelung, real-time captioning, live captions, live captioning, Liveuntertitel",
       "Untertitel in Echtzeit für Live-Sendungen und Streams.",
       "Real-time subtitles for live broadcasts and streams."),
    _s("subtitle-translation", "subtitling", "Mehrsprachige Untertitel", "Multilingual subtitles",
       "Untertitelübersetzung, subtitle translation, translated subtitles, fremdsprachige Untertitel"),
    _s("dialect-asr", "asr", "Dialekt-Spracherkennung", "Dialect speech recognition",
       "Dialekterkennung, Bairisch, Fränkisch, Schwäbisch, dialect recognition, regional accents, Mundart-Spracherkennung",
       "Spracherkennung für bairische, fränkische und schwäbische Dialekte.",
       "Speech recognition for Bavarian, Franconian and Swabian dialects."),
    _s("speaker-diarization", "asr", "Sprechererkennung und Diarisierung", "Speaker diarisation",
       "Diarisierung, speaker diarization, speaker diarisation, Sprechertrennung, who spoke when"),
    _s("tts", "audio-speech", "Sprachsynthese", "Speech synthesis",
       "TTS, text-to-speech, Text-zu-Sprache, Vorlesefunktion, text to speech synthesis, speech generation",
       "Texte automatisch vorlesen lassen.",
       "Reading text aloud automatically."),
    _s("tts-synthetic-voices", "tts", "Synthetische Stimmen", "Synthetic voices",
       "KI-Stimmen, AI voices, synthetic voice, synthetische Stimme, neural voices, digitale Stimme, virtual voice",
       "Natürlich klingende KI-Stimmen für Nachrichten, Audio-Artikel und Ansagen.",
       "Natural-sounding AI voices for news, audio articles and announcements."),
    _s("voice-cloning", "tts-synthetic-voices", "Stimmklonen", "Voice cloning",
       "voice cloning, Stimmklon, Stimmenklonen, cloned voice, voice conversion, Stimmkonvertierung"),
    _s("ai-dubbing", "tts", "KI-Synchronisation", "AI dubbing",
       "dubbing, automatische Synchronisation, automated dubbing, voice-over, Voiceover, lip sync",
       "Inhalte mit synthetischen Stimmen in andere Sprachen synchronisieren.",
       "Dubbing content into other languages with synthetic voices."),
    _s("audio-analysis", "audio-speech", "Audioanalyse", "Audio analysis",
       "audio classification, Audioklassifikation, sound event detection, Geräuscherkennung, audio event detection"),
    _s("speaker-identification", "audio-analysis", "Sprecheridentifikation", "Speaker identification",
       "speaker recognition, voice identification, Stimmerkennung, Sprecherverifikation, speaker verification"),
    _s("music-information-retrieval", "audio-analysis", "Musikanalyse", "Music information retrieval",
       "music analysis, Musikerkennung, music recognition, music tagging"),
    _s("audio-fingerprinting", "audio-analysis", "Audio-Fingerprinting", "Audio fingerprinting",
       "acoustic fingerprint, akustischer Fingerabdruck, Sendungserkennung, broadcast monitoring"),
    _s("audio-enhancement", "audio-speech", "Audio-Restaurierung und -Verbesserung", "Audio restoration and enhancement",
       "audio noise reduction, Rauschunterdrückung, Entrauschen, speech enhancement, audio restoration, Tonrestaurierung, source separation, Quellentrennung"),
    _s("spoken-content-search", "audio-speech", "Suche in Audio und Video", "Spoken content search",
       "spoken content retrieval, audio search, Audiosuche, podcast search, Podcastsuche, spoken document retrieval"),

    # -- Language technology ----------------------------------------------------------
    _s("language-tech", None, "Sprachtechnologie und Textanalyse", "Language technology and text analytics",
       "NLP, natural language processing, Verarbeitung natürlicher Sprache, computerlinguistik, computational linguistics, text analytics, Textanalyse, text mining",
       "Texte automatisch verstehen, übersetzen, zusammenfassen und strukturieren.",
       "Understanding, translating, summarising and structuring text automatically."),
    _s("mt", "language-tech", "Maschinelle Übersetzung", "Machine translation",
       "MT, machine translation, automatische Übersetzung, KI-Übersetzung, neural machine translation, NMT, neuronale maschinelle Übersetzung, automatic translation",
       "Texte automatisch in andere Sprachen übersetzen.",
       "Translating text into other languages automatically."),
    _s("mt-domain-adaptation", "mt", "Domänenanpassung für Übersetzung", "Domain-adapted translation",
       "domain adaptation machine translation, custom MT, Terminologie-Anpassung, terminology management, Glossar-Übersetzung"),
    _s("speech-translation", "mt", "Sprachübersetzung", "Speech translation",
       "speech-to-speech translation, spoken language translation, Dolmetsch-KI, machine interpreting, maschinelles Dolmetschen"),
    _s("summarization", "language-tech", "Automatische Zusammenfassung", "Automatic summarisation",
       "summarisation, summarization, text summarization, Textzusammenfassung, Zusammenfassungen, abstracts, Teaser-Generierung, teaser generation"),
    _s("text-simplification", "language-tech", "Textvereinfachung", "Text simplification",
       "Leichte Sprache, Einfache Sprache, plain language, easy-to-read, easy language, simplified language",
       "Texte automatisch in Leichte oder Einfache Sprache übertragen.",
       "Rewriting text in easy-to-read or plain language."),
    _s("information-extraction", "language-tech", "Informationsextraktion", "Information extraction",
       "relation extraction, Relationsextraktion, event extraction, Ereignisextraktion"),
    _s("ner", "information-extraction", "Erkennung benannter Entitäten", "Named entity recognition",
       "NER, named entity recognition, Eigennamenerkennung, Entitätenerkennung, entity extraction, Entitätenextraktion"),
    _s("entity-linking", "information-extraction", "Entitätenverknüpfung", "Entity linking",
       "entity disambiguation, named entity linking, Entitäten-Disambiguierung, Wikidata linking"),
    _s("keyword-extraction", "information-extraction", "Schlagwortextraktion", "Keyword extraction",
       "keyphrase extraction, Keyword-Extraktion, Schlüsselwortextraktion, Stichwortextraktion"),
    _s("text-classification", "language-tech", "Textklassifikation", "Text classification",
       "document classification, Dokumentenklassifikation, Textkategorisierung, text categorisation, text categorization"),
    _s("topic-detection", "text-classification", "Themenerkennung", "Topic detection",
       "topic modelling, topic modeling, Themenmodellierung, topic classification, Themenklassifikation, trend detection, Trenderkennung"),
    _s("sentiment-analysis", "text-classification", "Stimmungsanalyse", "Sentiment analysis",
       "Sentimentanalyse, opinion mining, Meinungsanalyse, emotion detection, Emotionserkennung, Tonalitätsanalyse"),
    _s("language-identification", "language-tech", "Sprachidentifikation", "Language identification",
       "language detection, Erkennung der Textsprache, LangID"),
    _s("readability-analysis", "language-tech", "Verständlichkeitsanalyse", "Readability analysis",
       "readability, Lesbarkeit, Lesbarkeitsanalyse, text comprehensibility, Textverständlichkeit"),

    # -- Generative AI ----------------------------------------------------------------
    _s("generative-ai", None, "Generative KI", "Generative AI",
       "GenAI, generative artificial intelligence, generative künstliche Intelligenz, KI-generierte Inhalte, AI-generated content, synthetic media, synthetische Medien",
       "Inhalte mit KI erzeugen: Text, Bild, Video, Audio.",
       "Creating content with AI: text, images, video, audio."),
    _s("text-generation", "generative-ai", "Textgenerierung", "Text generation",
       "natural language generation, NLG, KI-Texte, AI writing, automatische Texterstellung, automated text generation, Texterstellung mit KI"),
    _s("llm-integration", "text-generation", "Integration von Sprachmodellen", "LLM integration",
       "LLM, LLMs, large language models, großes Sprachmodell, große Sprachmodelle, GPT, ChatGPT integration, foundation models, Basismodelle, LLM-Anwendungen",
       "Große Sprachmodelle sicher in Redaktions- und Geschäftsprozesse einbinden.",
       "Integrating large language models safely into editorial and business processes."),
    _s("prompt-engineering", "llm-integration", "Prompt Engineering", "Prompt engineering",
       "prompting, Prompt-Design, prompt design, Promptgestaltung"),
    _s("llm-fine-tuning", "llm-integration", "Feinabstimmung von Sprachmodellen", "LLM fine-tuning",
       "fine-tuning, Finetuning, Feintuning, instruction tuning, LoRA, model adaptation, Modellanpassung"),
    _s("local-llm-hosting", "llm-integration", "Betrieb eigener Sprachmodelle", "Self-hosted LLMs",
       "on-premise LLM, lokale Sprachmodelle, open-weight models, Open-Source-LLM, self-hosted language models, souveräne KI, sovereign AI"),
    _s("rag", "llm-integration", "Retrieval-Augmented Generation", "Retrieval-augmented generation",
       "RAG, retrieval augmented generation, Wissensbasierte Antworten, grounded generation, question answering over documents, Dokumenten-Chat",
       "Sprachmodelle mit eigenen Archiven und Dokumenten verbinden, mit Quellenangabe.",
       "Connecting language models to one's own archives and documents, with sources."),
    _s("chatbots", "text-generation", "Chatbots und Dialogsysteme", "Chatbots and conversational AI",
       "Chatbot, chatbots, conversational AI, Konversationelle KI, Dialogsystem, dialogue systems, virtual assistant, virtueller Assistent, Newsbot"),
    _s("voice-assistants", "chatbots", "Sprachassistenten", "Voice assistants",
       "voice assistant, Sprachassistent, voice user interface, Voice-Apps, smart speaker, Alexa skill, voice bots, Voicebot"),
    _s("ai-agents", "text-generation", "KI-Agenten", "AI agents",
       "agentic AI, Agentensysteme, autonomous agents, tool use, Multi-Agenten-Systeme, multi-agent systems"),
    _s("image-generation", "generative-ai", "Bildgenerierung", "Image generation",
       "text-to-image, Text-zu-Bild, KI-Bilder, generative images, diffusion models, Diffusionsmodelle, Stable Diffusion, Bildsynthese, image synthesis"),
    _s("video-generation", "generative-ai", "Videogenerierung", "Video generation",
       "text-to-video, Text-zu-Video, KI-Video, AI video, generative video, video synthesis, Videosynthese"),
    _s("audio-generation", "generative-ai", "Audio- und Musikgenerierung", "Audio and music generation",
       "generative audio, KI-Musik, AI music, music generation, Musikgenerierung, sound generation, Soundgenerierung, Audiosynthese"),
    _s("digital-avatars", "generative-ai", "Digitale Avatare", "Digital avatars",
       "avatar, Avatare, virtual presenter, virtuelle Moderatoren, digital humans, digitale Menschen, AI news anchor, KI-Moderator"),
    _s("generative-design", "image-generation", "Generatives Design", "Generative design",
       "AI-assisted design, KI-gestütztes Design, automated graphic design, Grafikgenerierung, Layoutgenerierung"),

    # -- Computer vision --------------------------------------------------------------
    _s("computer-vision", None, "Computer Vision", "Computer vision",
       "Bildverarbeitung, Bildanalyse, maschinelles Sehen, machine vision, image analysis, image processing, visual computing",
       "Bilder und Videos automatisch analysieren und verstehen.",
       "Analysing and understanding images and video automatically."),
    _s("image-recognition", "computer-vision", "Bilderkennung", "Image recognition",
       "image classification, Bildklassifikation, object detection, Objekterkennung, visual recognition, Objektklassifikation"),
    _s("face-recognition", "image-recognition", "Gesichtserkennung", "Face recognition",
       "facial recognition, face detection, Gesichtsdetektion, Personenerkennung, person recognition"),
    _s("logo-detection", "image-recognition", "Logo- und Markenerkennung", "Logo and brand detection",
       "logo recognition, brand detection, sponsorship monitoring, Sponsoring-Analyse, Markenerkennung"),
    _s("ocr", "computer-vision", "Texterkennung (OCR)", "Optical character recognition",
       "OCR, optical character recognition, Texterkennung, Schrifterkennung, scene text recognition"),
    _s("handwriting-recognition", "ocr", "Handschriftenerkennung", "Handwriting recognition",
       "HTR, handwritten text recognition, Handschrifterkennung, Fraktur-Erkennung, historische Dokumente"),
    _s("video-analysis", "computer-vision", "Videoanalyse", "Video analysis",
       "video understanding, Videoverständnis, video content analysis, Videoinhaltsanalyse, video indexing, Videoindexierung"),
    _s("shot-detection", "video-analysis", "Szenen- und Schnitterkennung", "Shot and scene detection",
       "shot boundary detection, scene detection, Szenenerkennung, Schnitterkennung, video segmentation, Videosegmentierung"),
    _s("sports-analytics", "video-analysis", "Sportvideoanalyse", "Sports video analytics",
       "sports analytics, Sportanalyse, player tracking, Spieleranalyse, automated highlights, automatische Highlights"),
    _s("image-captioning", "computer-vision", "Automatische Bildbeschreibung", "Image captioning",
       "image description, Bildbeschreibung, Alt-Text, alt text, alternative text, visual captioning, Bildunterschriften"),
    _s("image-restoration", "computer-vision", "Bild- und Videorestaurierung", "Image and video restoration",
       "upscaling, Hochskalierung, colourisation, Kolorierung, film restoration, Filmrestaurierung, Videoverbesserung"),
    _s("automated-editing", "computer-vision", "Automatischer Videoschnitt", "Automated video editing",
       "automatic video editing, KI-Schnitt, AI video editing, auto-cropping, automatisches Zuschneiden, smart cropping, reframing, Formatanpassung"),
    _s("visual-search", "computer-vision", "Visuelle Suche", "Visual search",
       "reverse image search, Bildersuche, umgekehrte Bildersuche, image retrieval, Bildähnlichkeitssuche, content-based image retrieval, near-duplicate detection"),

    # -- Trust and safety -------------------------------------------------------------
    _s("trust-safety", None, "Vertrauen und Sicherheit", "Trust and safety",
       "trustworthy media, vertrauenswürdige Medien, information integrity, Informationsintegrität, online safety",
       "Wahrheit prüfen, Manipulation erkennen, Plattformen sicher halten.",
       "Checking truth, detecting manipulation, keeping platforms safe."),
    _s("verification", "trust-safety", "Verifikation und Faktencheck", "Verification and fact-checking",
       "fact-checking, fact checking, Faktencheck, Faktenprüfung, Faktenchecks, Verifikation von Inhalten, content verification, disinformation, Desinformation, misinformation, Fehlinformation, fake news, Falschmeldungen, information disorder",
       "Behauptungen, Quellen, Bilder und Videos prüfen; Desinformation erkennen.",
       "Checking claims, sources, images and videos; detecting disinformation."),
    _s("claim-detection", "verification", "Erkennung prüfwürdiger Behauptungen", "Claim detection",
       "check-worthy claims, claim detection, Behauptungserkennung, claim matching, automated fact-checking, automatisierter Faktencheck"),
    _s("image-forensics", "verification", "Bild- und Videoforensik", "Image and video forensics",
       "media forensics, Medienforensik, image forensics, Bildforensik, manipulation detection, Manipulationserkennung, tampering detection"),
    _s("osint", "verification", "OSINT-Recherche", "OSINT research",
       "OSINT, open source intelligence, Open-Source-Recherche, geolocation, Geolokalisierung, digitale Recherche, digital investigation"),
    _s("disinformation-monitoring", "verification", "Desinformations-Monitoring", "Disinformation monitoring",
       "narrative monitoring, Narrativanalyse, propaganda detection, Propagandaerkennung, coordinated inauthentic behaviour, influence operations, Einflussoperationen"),
    _s("bot-detection", "disinformation-monitoring", "Social-Bot-Erkennung", "Social bot detection",
       "bot detection, social bots, Bot-Erkennung, fake accounts, Fake-Accounts"),
    _s("deepfake-detection", "trust-safety", "Deepfake-Erkennung", "Deepfake detection",
       "deepfake detection, deepfakes, Deepfake, synthetic media detection, Erkennung synthetischer Medien, face swap detection, manipulated video detection, audio deepfake detection",
       "Synthetisch erzeugte oder manipulierte Gesichter, Stimmen und Videos erkennen.",
       "Detecting synthetic or manipulated faces, voices and videos."),
    _s("content-provenance", "trust-safety", "Herkunftsnachweis und Wasserzeichen", "Content provenance and watermarking",
       "C2PA, content credentials, Herkunftsnachweis, watermarking, digitale Wasserzeichen, digital watermarking, content authenticity",
       "Herkunft und Bearbeitung von Inhalten fälschungssicher nachweisen.",
       "Proving where content comes from and how it was edited."),
    _s("content-moderation", "trust-safety", "Content-Moderation", "Content moderation",
       "Moderation, moderation, Inhaltsmoderation, Community-Management, trust and safety tooling, automated moderation, automatisierte Moderation",
       "Nutzerinhalte und Kommentare automatisch prüfen und moderieren.",
       "Reviewing and moderating user content and comments automatically."),
    _s("hate-speech-detection", "content-moderation", "Hassrede-Erkennung", "Hate speech detection",
       "hate speech, Hassrede, Hate Speech, toxic language, toxicity detection, Toxizität, abusive language, offensive language, Beleidigungserkennung"),
    _s("comment-moderation", "content-moderation", "Kommentarmoderation", "Comment moderation",
       "comment moderation, Kommentarbereich, user comments, Leserkommentare, reader comments"),
    _s("youth-protection", "content-moderation", "Automatisierter Jugendmedienschutz", "Automated youth protection",
       "Jugendschutz, Jugendmedienschutz, youth protection, age rating, Altersfreigabe, age verification, Altersverifikation, child safety",
       "Inhalte automatisch nach Jugendschutz-Kriterien einstufen.",
       "Rating content automatically against youth-protection criteria."),

    # -- Distribution, personalisation, audiences -------------------------------------
    _s("distribution", None, "Distribution und Publikum", "Distribution and audiences",
       "Ausspielung, content distribution, Vertrieb digitaler Inhalte, audience development, Publikumsentwicklung",
       "Inhalte passend ausspielen, Publikum verstehen, Reichweite entwickeln.",
       "Delivering content well, understanding audiences, growing reach."),
    _s("recommender-systems", "distribution", "Empfehlungssysteme", "Recommender systems",
       "recommendation, recommendations, recommender system, recommendation system, recommendation systems, recommendation engine, Empfehlungen, Empfehlungssystem, Empfehlungsalgorithmen, recommendation algorithms, content recommendation",
       "Passende Inhalte für Nutzerinnen und Nutzer vorschlagen.",
       "Suggesting the right content to each user."),
    _s("personalisation", "recommender-systems", "Personalisierung", "Personalisation",
       "personalization, personalisation, Personalisierung von Inhalten, personalised news, personalisierte Nachrichten, user modelling, Nutzermodellierung"),
    _s("news-recommendation", "recommender-systems", "Nachrichtenempfehlung", "News recommendation",
       "news recommender, Nachrichtenempfehlungen, article recommendation, Artikelempfehlung"),
    _s("diversity-aware-recommendation", "recommender-systems", "Vielfaltssensible Empfehlungen", "Diversity-aware recommendation",
       "Public-Value-Empfehlungen, public service recommender, filter bubble, Filterblase, Meinungsvielfalt, editorial values in recommendation",
       "Empfehlungen, die Vielfalt und publizistische Werte berücksichtigen.",
       "Recommendations that respect diversity and editorial values."),
    _s("audience-analytics", "distribution", "Publikumsanalyse", "Audience analytics",
       "audience analytics, audience research, Nutzungsanalyse, Mediennutzungsforschung, web analytics, Webanalyse, Nutzeranalyse, user analytics, Publikumsforschung",
       "Nutzung, Reichweite und Bedürfnisse des Publikums datenbasiert verstehen.",
       "Understanding use, reach and needs of audiences from data."),
    _s("reach-measurement", "audience-analytics", "Reichweitenmessung", "Reach measurement",
       "audience measurement, Reichweitenmessung, Quotenmessung, ratings measurement, TV ratings, Einschaltquote"),
    _s("churn-prediction", "audience-analytics", "Abwanderungsprognose", "Churn prediction",
       "churn, Kündigerprognose, subscriber churn, Abonnentenbindung, retention modelling"),
    _s("social-media-analytics", "audience-analytics", "Social-Media-Analyse", "Social media analytics",
       "social listening, Social Listening, Social-Media-Monitoring, social media monitoring, Plattformanalyse"),
    _s("ab-testing", "audience-analytics", "A/B-Tests und Experimente", "A/B testing and experiments",
       "A/B testing, A/B-Test, split testing, headline testing, Überschriften-Test"),
    _s("paywall-optimization", "distribution", "Dynamische Paywall", "Dynamic paywall optimisation",
       "dynamic paywall, dynamische Paywall, paywall optimisation, paywall optimization, propensity modelling, Abo-Konversion, subscription conversion",
       "Bezahlschranken und Abo-Angebote datenbasiert steuern.",
       "Steering paywalls and subscription offers from data."),
    _s("seo", "distribution", "Suchmaschinenoptimierung", "Search engine optimisation",
       "SEO, search engine optimization, search engine optimisation, Suchmaschinenoptimierung, Google Discover, generative engine optimisation"),
    _s("programmatic-advertising", "distribution", "Programmatische Werbung", "Programmatic advertising",
       "programmatic advertising, Programmatic, ad tech, AdTech, Werbetechnologie, real-time bidding, targeted advertising, zielgerichtete Werbung"),
    _s("contextual-advertising", "programmatic-advertising", "Kontextuelle Werbung", "Contextual advertising",
       "contextual targeting, kontextuelles Targeting, brand safety, Markensicherheit, cookieless advertising"),
    _s("social-media-automation", "distribution", "Social-Media-Automatisierung", "Social media automation",
       "social media publishing, automated posting, Social-Media-Ausspielung, social publishing, Plattformausspielung"),
    _s("content-repurposing", "distribution", "Formatwandlung und Mehrfachverwertung", "Content repurposing",
       "content versioning, Multiplattform-Ausspielung, cross-platform adaptation, Formatanpassung für Plattformen, vertical video, Hochkantvideo"),

    # -- Archives and metadata --------------------------------------------------------
    _s("archive-metadata", None, "Archive und Metadaten", "Archives and metadata",
       "Archiv, archives, Medienarchiv, media archive, metadata, Metadaten",
       "Bestände erschließen, anreichern, durchsuchbar und wiederverwendbar machen.",
       "Describing, enriching and opening up collections for search and reuse."),
    _s("metadata-enrichment", "archive-metadata", "Metadatenanreicherung", "Metadata enrichment",
       "metadata enrichment, Archivanreicherung, archive enrichment, automatische Erschließung, automatic indexing, automated metadata, automatische Metadaten, Archiverschließung",
       "Archivbestände automatisch mit Personen, Orten, Themen und Transkripten anreichern.",
       "Enriching archive holdings automatically with people, places, topics and transcripts."),
    _s("auto-tagging", "metadata-enrichment", "Automatische Verschlagwortung", "Automatic tagging",
       "auto-tagging, automatic tagging, Verschlagwortung, Tagging, content tagging, subject indexing, Sacherschließung"),
    _s("semantic-annotation", "metadata-enrichment", "Semantische Annotation", "Semantic annotation",
       "semantic annotation, semantic enrichment, semantische Anreicherung"),
    _s("multimodal-indexing", "metadata-enrichment", "Multimodale Erschließung", "Multimodal indexing",
       "multimodal indexing, multimodal retrieval, multimodale Suche, multimodal search, audiovisual indexing, audiovisuelle Erschließung"),
    _s("digitisation", "archive-metadata", "Digitalisierung von Beständen", "Digitisation of collections",
       "digitization, digitisation, Retrodigitalisierung, Massendigitalisierung, mass digitisation, Bestandsdigitalisierung"),
    _s("digital-preservation", "digitisation", "Langzeitarchivierung", "Digital preservation",
       "long-term preservation, digitale Langzeitarchivierung, archival storage, Archivspeicherung"),
    _s("media-asset-management", "archive-metadata", "Media-Asset-Management", "Media asset management",
       "MAM, digital asset management, Medienverwaltung, Mediendatenbank"),
    _s("knowledge-graphs", "archive-metadata", "Wissensgraphen", "Knowledge graphs",
       "knowledge graph, Wissensgraph, linked data, Linked Open Data, LOD, semantic web, Semantic Web"),
    _s("semantic-search", "archive-metadata", "Semantische Suche", "Semantic search",
       "semantic search, vector search, Vektorsuche, neural search, Embedding-Suche, enterprise search, Unternehmenssuche, intelligent search",
       "Bestände nach Bedeutung statt nur nach Stichwörtern durchsuchen.",
       "Searching collections by meaning rather than keywords only."),
    _s("rights-metadata", "archive-metadata", "Rechte-Metadaten", "Rights metadata",
       "rights management, Rechteverwaltung, rights metadata, Rechteinformationen, licence metadata"),

    # -- Newsroom and production ------------------------------------------------------
    _s("newsroom-production", None, "Redaktion und Produktion", "Newsroom and production",
       "editorial, Redaktion, newsroom, Medienproduktion, media production, journalism, Journalismus",
       "KI im redaktionellen Alltag und in der Bewegtbild- und Audioproduktion.",
       "AI in daily editorial work and in video and audio production."),
    _s("newsroom-automation", "newsroom-production", "Redaktionsautomatisierung", "Newsroom automation",
       "newsroom automation, Automatisierung in der Redaktion, editorial automation, redaktionelle Automatisierung, newsroom AI, KI in der Redaktion, AI in the newsroom",
       "Wiederkehrende Redaktionsaufgaben automatisieren, von der Planung bis zur Ausspielung.",
       "Automating recurring editorial tasks, from planning to publishing."),
    _s("automated-journalism", "newsroom-automation", "Automatisierter Journalismus", "Automated journalism",
       "robot journalism, Roboterjournalismus, automated news, automatisierte Nachrichten, data-to-text, Daten-zu-Text, automated reporting"),
    _s("local-news-automation", "automated-journalism", "Automatisierte Lokalberichterstattung", "Automated local news",
       "hyperlocal news, hyperlokale Nachrichten, local news automation, Lokalnachrichten, Sportberichte automatisiert, automated sports reports, election reporting, Wahlberichterstattung"),
    _s("news-monitoring", "newsroom-automation", "Themen- und Quellenmonitoring", "News and source monitoring",
       "news monitoring, media monitoring, Medienbeobachtung, Quellenmonitoring, newsgathering, Agenturmeldungen, wire monitoring"),
    _s("editorial-workflows", "newsroom-automation", "Redaktionelle Workflows", "Editorial workflows",
       "workflow automation, Workflowautomatisierung, CMS integration, CMS-Integration, content management system, Redaktionssystem, Themenplanung"),
    _s("editorial-assistants", "newsroom-automation", "KI-Assistenz für Redaktionen", "Editorial AI assistants",
       "writing assistant, Schreibassistent, headline generation, Überschriftengenerierung, copy editing, Korrektorat, Lektorat, proofreading, style checking"),
    _s("data-journalism", "newsroom-production", "Datenjournalismus", "Data journalism",
       "data journalism, data-driven journalism, datengetriebener Journalismus, Datenrecherche, computational journalism, DDJ",
       "Geschichten aus Daten finden, prüfen und erzählen.",
       "Finding, checking and telling stories from data."),
    _s("data-visualisation", "data-journalism", "Datenvisualisierung", "Data visualisation",
       "data visualization, data visualisation, Infografik, infographics, interactive graphics, interaktive Grafiken, Visualisierung, dashboards"),
    _s("document-analysis", "data-journalism", "Dokumentenauswertung", "Document analysis",
       "document analysis, investigative document analysis, Leak-Auswertung, leak analysis, large document collections, Massendokumente, e-discovery"),
    _s("virtual-production", "newsroom-production", "Virtuelle Produktion", "Virtual production",
       "virtual production, virtuelles Studio, virtual studio, LED volume, LED-Wand, in-camera VFX, real-time rendering, Echtzeit-Rendering"),
    _s("vfx-ai", "newsroom-production", "KI in Postproduktion und VFX", "AI in post-production and VFX",
       "VFX, visual effects, visuelle Effekte, post-production, Postproduktion, rotoscoping, Rotoskopie, compositing, color grading"),
    _s("podcast-production", "newsroom-production", "KI in der Audio- und Podcastproduktion", "AI in audio and podcast production",
       "podcast production, Podcastproduktion, audio production, Audioproduktion, radio automation, Radioautomatisierung, audio editing, Audioschnitt"),
    _s("accessibility", "newsroom-production", "Barrierefreiheit", "Accessibility",
       "media accessibility, barrierefreie Medien, accessible media, digital accessibility, digitale Barrierefreiheit",
       "Medienangebote für alle zugänglich machen.",
       "Making media accessible to everyone."),
    _s("audio-description", "accessibility", "Audiodeskription", "Audio description",
       "audio description, Hörfilm, described video, Bildbeschreibung für Blinde, video description"),
    _s("sign-language", "accessibility", "Gebärdensprache mit KI", "AI for sign language",
       "sign language, Gebärdensprache, DGS, Deutsche Gebärdensprache, sign language avatars, Gebärdensprach-Avatare, sign language recognition, Gebärdenspracherkennung",
       "Gebärdensprache automatisch übersetzen, erkennen oder per Avatar darstellen.",
       "Translating, recognising or rendering sign language automatically."),

    # -- XR and immersive media -------------------------------------------------------
    _s("immersive-media", None, "Immersive Medien", "Immersive media",
       "immersive media, immersive Medien, immersive technologies, immersive Technologien, immersive storytelling, immersives Erzählen, spatial computing, 3D media, 3D-Medien",
       "Räumliche, interaktive Medienerlebnisse.",
       "Spatial, interactive media experiences."),
    _s("xr", "immersive-media", "Extended Reality (XR)", "Extended reality (XR)",
       "XR, extended reality, erweiterte Realität, virtual reality, virtuelle Realität, VR, augmented reality, AR, mixed reality, gemischte Realität, MR, Metaverse, metaverse",
       "Virtual, Augmented und Mixed Reality für Journalismus, Kultur und Marketing.",
       "Virtual, augmented and mixed reality for journalism, culture and marketing."),
    _s("volumetric-video", "xr", "Volumetrisches Video", "Volumetric video",
       "volumetric video, volumetric capture, volumetrische Aufnahme, holograms, Hologramme, free-viewpoint video"),
    _s("360-video", "xr", "360-Grad-Video", "360-degree video",
       "360 video, 360-degree video, 360°-Video, 360 Grad Video, panoramic video, Panoramavideo, omnidirectional video"),
    _s("3d-reconstruction", "immersive-media", "3D-Rekonstruktion", "3D reconstruction",
       "photogrammetry, Photogrammetrie, 3D scanning, 3D-Scan, NeRF, neural radiance fields, Gaussian splatting"),
    _s("spatial-audio", "immersive-media", "3D-Audio", "Spatial audio",
       "spatial audio, 3D audio, immersive audio, binaural audio, Binauralton, Dolby Atmos, object-based audio, objektbasiertes Audio, next generation audio"),
    _s("game-engines", "immersive-media", "Game Engines und interaktive Medien", "Game engines and interactive media",
       "game engine, Unreal Engine, Unity, serious games, interactive storytelling, interaktives Erzählen, newsgames"),

    # -- Data and AI engineering ------------------------------------------------------
    _s("data-ai-engineering", None, "Daten- und KI-Engineering", "Data and AI engineering",
       "AI engineering, KI-Entwicklung, KI-Implementierung, AI implementation",
       "KI-Systeme bauen, betreiben und in bestehende IT einbinden.",
       "Building, running and integrating AI systems into existing IT."),
    _s("machine-learning", "data-ai-engineering", "Maschinelles Lernen", "Machine learning",
       "machine learning, ML, maschinelles Lernen, KI-Modelle, predictive modelling, prädiktive Modelle"),
    _s("deep-learning", "machine-learning", "Deep Learning", "Deep learning",
       "deep learning, neural networks, neuronale Netze, tiefes Lernen, artificial neural networks, Transformer-Modelle"),
    _s("multimodal-ai", "machine-learning", "Multimodale KI", "Multimodal AI",
       "multimodal models, multimodale Modelle, vision-language models, VLM, multimodal learning, multimodales Lernen"),
    _s("privacy-preserving-ml", "machine-learning", "Datenschutzfreundliches maschinelles Lernen", "Privacy-preserving machine learning",
       "federated learning, föderiertes Lernen, differential privacy, differentielle Privatsphäre, synthetic data, synthetische Daten, privacy-preserving AI"),
    _s("data-engineering", "data-ai-engineering", "Data Engineering", "Data engineering",
       "data engineering, data pipelines, Datenpipelines, ETL, data integration, Datenintegration, data warehouse, Data Warehouse, data lake, data platforms, Datenplattform"),
    _s("data-quality", "data-engineering", "Datenqualität und Datenaufbereitung", "Data quality and preparation",
       "data quality, Datenqualität, data cleaning, Datenbereinigung, data labelling, data labeling, Annotation von Trainingsdaten, training data, Trainingsdaten"),
    _s("data-analytics", "data-ai-engineering", "Datenanalyse und Business Intelligence", "Data analytics and business intelligence",
       "data analytics, data science, Data Science, Datenanalyse, business intelligence, BI"),
    _s("mlops", "data-ai-engineering", "MLOps", "MLOps",
       "MLOps, ML operations, LLMOps, model operations, Modellbetrieb, KI-Betrieb, AI operations"),
    _s("model-deployment", "mlops", "Modellbereitstellung", "Model deployment",
       "model deployment, model serving, Modell-Deployment, API deployment"),
    _s("model-monitoring", "mlops", "Modellüberwachung und Evaluation", "Model monitoring and evaluation",
       "model monitoring, Modellmonitoring, model evaluation, Modellevaluation, LLM evaluation, drift detection"),
    _s("cloud-infrastructure", "data-ai-engineering", "Cloud- und GPU-Infrastruktur", "Cloud and GPU infrastructure",
       "cloud computing, GPU, GPU computing, Rechenzentrum, HPC, high-performance computing, Hochleistungsrechnen, Kubernetes"),
    _s("edge-ai", "cloud-infrastructure", "Edge-KI", "Edge AI",
       "edge AI, on-device AI, KI auf Endgeräten, embedded AI"),
    _s("software-integration", "data-ai-engineering", "Software- und API-Integration", "Software and API integration",
       "API integration, API-Integration, APIs, plugins, Plugin-Entwicklung"),
    _s("app-development", "software-integration", "Web- und App-Entwicklung", "Web and app development",
       "app development, App-Entwicklung, web development, Webentwicklung, mobile apps, mobile Anwendungen, frontend development"),
    _s("ai-security", "data-ai-engineering", "KI-Sicherheit", "AI security",
       "AI security, adversarial attacks, adversariale Angriffe, prompt injection, red teaming, Red Teaming, model robustness"),

    # -- Law, ethics and governance ---------------------------------------------------
    _s("law-ethics", None, "Recht, Ethik und Governance", "Law, ethics and governance",
       "legal, Recht, rechtliche Fragen, legal aspects",
       "Rechtssicherer und verantwortungsvoller Einsatz von KI in Medien.",
       "Using AI in media lawfully and responsibly."),
    _s("ai-act", "law-ethics", "AI-Act-Compliance", "AI Act compliance",
       "AI Act, EU AI Act, KI-Verordnung, KI-VO, Artificial Intelligence Act, AI regulation, KI-Regulierung, AI Act compliance, AI-Act-Konformität",
       "Pflichten aus der EU-KI-Verordnung erkennen und umsetzen.",
       "Identifying and meeting obligations under the EU AI Act."),
    _s("ai-risk-classification", "ai-act", "KI-Risikoklassifizierung", "AI risk classification",
       "risk classification, Risikoklassifizierung, high-risk AI, Hochrisiko-KI"),
    _s("ai-transparency-labelling", "ai-act", "Kennzeichnung KI-generierter Inhalte", "Labelling of AI-generated content",
       "AI labelling, KI-Kennzeichnung, transparency obligations, Transparenzpflichten, disclosure of AI use, Offenlegung von KI-Nutzung, Kennzeichnungspflicht"),
    _s("copyright", "law-ethics", "Urheberrecht und Lizenzen", "Copyright and licensing",
       "copyright, Urheberrecht, intellectual property, geistiges Eigentum, IP law, Leistungsschutzrecht, ancillary copyright, Nutzungsrechte",
       "Urheber-, Leistungsschutz- und Nutzungsrechte bei Training und Einsatz von KI.",
       "Copyright, neighbouring and usage rights in training and using AI."),
    _s("tdm-rights", "copyright", "Text- und Data-Mining-Rechte", "Text and data mining rights",
       "text and data mining, TDM, TDM-Vorbehalt, TDM opt-out, Nutzungsvorbehalt, training data rights, Trainingsdatenrechte"),
    _s("licensing", "copyright", "Rechteklärung und Lizenzierung", "Rights clearance and licensing",
       "licensing, Lizenzierung, rights clearance, Rechteklärung, content licensing, Content-Lizenzierung, licence agreements, Lizenzverträge"),
    _s("data-protection", "law-ethics", "Datenschutz (DSGVO)", "Data protection (GDPR)",
       "GDPR, DSGVO, data protection, Datenschutz, privacy, Privatsphäre, Datenschutz-Grundverordnung, General Data Protection Regulation, BDSG, privacy compliance",
       "Personenbezogene Daten in KI-Projekten rechtmäßig verarbeiten.",
       "Processing personal data lawfully in AI projects."),
    _s("anonymisation", "data-protection", "Anonymisierung und Pseudonymisierung", "Anonymisation and pseudonymisation",
       "anonymisation, anonymization, Anonymisierung, pseudonymisation, pseudonymization, Pseudonymisierung, de-identification, face blurring, Verpixelung"),
    _s("dpia", "data-protection", "Datenschutz-Folgenabschätzung", "Data protection impact assessment",
       "DPIA, DSFA, data protection impact assessment, Datenschutz-Folgenabschätzung, privacy impact assessment, records of processing, Verarbeitungsverzeichnis"),
    _s("media-law", "law-ethics", "Medienrecht und Regulierung", "Media law and compliance",
       "media law, Medienrecht, Medienstaatsvertrag, MStV, press law, Presserecht, broadcasting law, Rundfunkrecht, media regulation, Medienregulierung, media law compliance",
       "Presse-, Rundfunk- und Plattformrecht beim Einsatz von KI.",
       "Press, broadcasting and platform law when using AI."),
    _s("dsa-compliance", "media-law", "Digital-Services-Act-Compliance", "Digital Services Act compliance",
       "DSA, Digital Services Act, Gesetz über digitale Dienste, platform regulation, Plattformregulierung, notice and action, Melde- und Abhilfeverfahren"),
    _s("personality-rights", "media-law", "Persönlichkeitsrechte", "Personality rights",
       "personality rights, Persönlichkeitsrecht, right to one's image, Recht am eigenen Bild, Recht an der eigenen Stimme, likeness rights, defamation, Äußerungsrecht"),
    _s("ai-ethics", "law-ethics", "KI-Ethik und Governance", "AI ethics and governance",
       "AI ethics, KI-Ethik, responsible AI, verantwortungsvolle KI, trustworthy AI, vertrauenswürdige KI, AI governance, KI-Governance",
       "Leitlinien, Prozesse und Verantwortlichkeiten für den KI-Einsatz.",
       "Guidelines, processes and accountability for using AI."),
    _s("ai-guidelines", "ai-ethics", "KI-Leitlinien und Richtlinien", "AI guidelines and policies",
       "AI guidelines, KI-Leitlinien, AI policy, KI-Richtlinie, editorial AI guidelines, redaktionelle KI-Richtlinien, Verhaltenskodex"),
    _s("bias-fairness", "ai-ethics", "Bias und Fairness", "Bias and fairness",
       "algorithmic bias, algorithmische Verzerrung, algorithmic fairness"),
    _s("explainable-ai", "ai-ethics", "Erklärbare KI", "Explainable AI",
       "XAI, explainable AI, erklärbare KI, explainability, Erklärbarkeit, transparency of algorithms, algorithmische Transparenz"),
    _s("algorithm-auditing", "ai-ethics", "Algorithmen-Audits", "Algorithm auditing",
       "algorithm audit, algorithmic auditing, Algorithmenprüfung, AI audit, KI-Audit, algorithmic accountability, algorithmische Rechenschaft"),
    _s("sustainable-ai", "ai-ethics", "Nachhaltige KI", "Sustainable AI",
       "green AI, Green AI, nachhaltige IT, sustainable computing"),

    # -- Strategy, business and skills ------------------------------------------------
    _s("strategy-business", None, "Strategie, Geschäftsmodelle und Qualifizierung", "Strategy, business and skills",
       "Unternehmensentwicklung",
       "KI wirtschaftlich nutzen: Strategie, Produkte, Menschen.",
       "Making AI pay off: strategy, products, people."),
    _s("business-models", "strategy-business", "Geschäftsmodelle", "Business models",
       "business model, Geschäftsmodell, business model innovation, Geschäftsmodellinnovation, monetisation, monetization, Monetarisierung, revenue models, Erlösmodelle",
       "Neue Erlösmodelle und Angebote mit KI entwickeln.",
       "Developing new revenue models and offers with AI."),
    _s("digital-subscriptions", "business-models", "Digitale Abo-Modelle", "Digital subscriptions",
       "digital subscriptions, Digitalabos, reader revenue, Leser-Erlöse, subscription business, Abonnementgeschäft"),
    _s("platform-strategy", "business-models", "Plattformstrategie", "Platform strategy",
       "platform strategy, Plattformökonomie, platform economy, streaming strategy, Streamingstrategie, ecosystem strategy"),
    _s("data-licensing-business", "business-models", "Daten- und Content-Lizenzgeschäft", "Data and content licensing business",
       "data monetisation, Datenmonetarisierung, AI licensing deals, content licensing for AI, Lizenzierung an KI-Anbieter, data marketplace, Datenmarktplatz"),
    _s("ai-strategy", "strategy-business", "KI-Strategie und Beratung", "AI strategy and consulting",
       "AI strategy, KI-Strategie, AI consulting, KI-Beratung, AI roadmap, KI-Roadmap, use case identification, Use-Case-Analyse",
       "KI-Anwendungsfälle finden, bewerten und in eine Roadmap übersetzen.",
       "Finding and assessing AI use cases and turning them into a roadmap."),
    _s("change-management", "ai-strategy", "Change-Management", "Change management",
       "change management, Veränderungsmanagement, organisational change, Organisationsentwicklung, organisational development"),
    _s("innovation-management", "ai-strategy", "Innovationsmanagement", "Innovation management",
       "innovation management, Innovationsmanagement, innovation lab, Innovationslabor, design thinking, Design Thinking"),
    _s("product-management", "strategy-business", "Produktmanagement für KI-Produkte", "AI product management",
       "product management, Produktmanagement, product ownership, Product Owner"),
    _s("ux-research", "strategy-business", "UX-Forschung", "UX research",
       "UX research, user research, Nutzerforschung, user experience, Nutzererlebnis, UX, usability, Usability, human-centred design, nutzerzentriertes Design",
       "Nutzerbedürfnisse erforschen und KI-Produkte gut bedienbar gestalten.",
       "Researching user needs and making AI products easy to use."),
    _s("usability-testing", "ux-research", "Usability-Tests", "Usability testing",
       "usability testing, Usability-Test, user testing, Nutzertests"),
    _s("human-ai-interaction", "ux-research", "Mensch-KI-Interaktion", "Human-AI interaction",
       "human-AI interaction, human-computer interaction, HCI, Mensch-Computer-Interaktion, human-in-the-loop, conversational design, Dialoggestaltung"),
    _s("training", "strategy-business", "Weiterbildung und Qualifizierung", "Training and upskilling",
       "Schulung, Schulungen, Weiterbildung, upskilling, reskilling, Qualifizierung, Fortbildung, professional development",
       "Teams für den Umgang mit KI qualifizieren.",
       "Training teams to work with AI."),
    _s("ai-literacy", "training", "KI-Kompetenz", "AI literacy",
       "AI literacy, KI-Kompetenz, KI-Kompetenzen, AI skills, KI-Grundlagen, AI fundamentals, AI Act Article 4, KI-Schulung, AI training for staff",
       "Grundlagen- und Anwenderwissen zu KI, auch als Pflicht nach Art. 4 KI-Verordnung.",
       "Foundational and practical AI knowledge, also as required by Art. 4 AI Act."),
    _s("media-literacy", "training", "Medienkompetenz", "Media literacy",
       "media literacy, Medienkompetenz, news literacy, Nachrichtenkompetenz, Medienbildung, media education, digital literacy, Digitalkompetenz"),
    _s("journalism-education", "training", "Journalistische Aus- und Weiterbildung", "Journalism education",
       "journalism training, Journalistenausbildung, Volontariat, journalism school, Journalistenschule, newsroom training"),
    _s("funding-consulting", "strategy-business", "Fördermittelberatung", "Funding advice",
       "Fördermittel, funding applications, Förderanträge, grant writing, Antragstellung, public funding, öffentliche Förderung, EU funding, EU-Förderung",
       "Passende Förderprogramme finden und Anträge im Konsortium schreiben.",
       "Finding suitable funding programmes and writing consortium proposals."),
    _s("project-management", "strategy-business", "Projekt- und Konsortialmanagement", "Project and consortium management",
       "project management, Projektmanagement, consortium management, Konsortialmanagement, project coordination, Projektkoordination, agile, Scrum"),
    _s("startup-support", "strategy-business", "Gründung und Startup-Förderung", "Startup support",
       "startup, Start-up, Gründung, entrepreneurship, Unternehmertum, incubator, Inkubator, venture capital, Gründerzentrum"),
    _s("research-transfer", "strategy-business", "Wissens- und Technologietransfer", "Knowledge and technology transfer",
       "technology transfer, Technologietransfer, knowledge transfer, Wissenstransfer, science communication, Wissenschaftskommunikation, research cooperation, Forschungskooperation"),
)


# -- rows for the store ----------------------------------------------------------------

def _by_id() -> dict[str, SkillDef]:
    return {s.id: s for s in SKILLS}


def skill_path(skill_id: str) -> list[str]:
    """Ids from the top-level area down to the skill.

    >>> skill_path("live-subtitling")
    ['audio-speech', 'asr', 'subtitling', 'live-subtitling']
    """
    index = _by_id()
    path, seen = [], set()
    current: str | None = skill_id
    while current is not None:
        if current in seen or current not in index:
            raise ValueError(f"broken BROADER chain at {current!r}")
        seen.add(current)
        path.append(current)
        current = index[current].parent
    return path[::-1]


def skill_rows() -> list[dict]:
    """The curated skills as `Skill` node rows (source "kim"), with `path` as ids joined by "/"."""
    rows = []
    for s in SKILLS:
        row = {
            "id": s.id,
            "label_de": s.label_de,
            "label_en": s.label_en,
            "synonyms": s.synonyms,
            "source": SOURCE,
            "path": "/".join(skill_path(s.id)),
        }
        if s.description_de:
            row["description_de"] = s.description_de
        if s.description_en:
            row["description_en"] = s.description_en
        rows.append(row)
    return rows


def broader_rows() -> list[dict]:
    """`BROADER` edge rows, child -> parent."""
    return [{"source": s.id, "target": s.parent} for s in SKILLS if s.parent]


def top_level_ids() -> list[str]:
    """The ids of the top-level areas, in display order."""
    return [s.id for s in SKILLS if s.parent is None]


def seed_taxonomy(store) -> dict[str, int]:
    """Upsert the curated skills and their BROADER edges (idempotent)."""
    skills = store.upsert_nodes(Label.SKILL, skill_rows())
    edges = store.upsert_edges(Rel.BROADER, broader_rows())
    return {"skills": skills, "broader": edges}


def validate_taxonomy(skills: Iterable[SkillDef] = SKILLS) -> list[str]:
    """Problems in the taxonomy: bad or duplicate ids, empty labels, missing parents,
    cycles, and terms that would match two different skills. Empty list if it is sound.

    >>> validate_taxonomy()
    []
    >>> validate_taxonomy([SkillDef("a", "b", "A", "A"), SkillDef("b", "a", "B", "B")])
    ['cycle through a', 'cycle through b']
    """
    skills = list(skills)
    problems: list[str] = []
    index: dict[str, SkillDef] = {}
    for s in skills:
        if not ID_RE.match(s.id) or s.id != s.id.lower():
            problems.append(f"bad id {s.id!r}")
        if s.id in index:
            problems.append(f"duplicate id {s.id}")
        index[s.id] = s
        if not s.label_de.strip() or not s.label_en.strip():
            problems.append(f"{s.id}: empty label")
    for s in skills:
        if s.parent is not None and s.parent not in index:
            problems.append(f"{s.id}: parent {s.parent} does not exist")
    for s in skills:
        seen, current = set(), s.id
        while current is not None and current in index:
            if current in seen:
                problems.append(f"cycle through {s.id}")
                break
            seen.add(current)
            current = index[current].parent
    for lang in ("de", "en"):
        labels: dict[str, str] = {}
        for s in skills:
            key = normalize_term(getattr(s, f"label_{lang}"))
            if key in labels:
                problems.append(f"label_{lang} of {s.id} repeats {labels[key]}")
            labels[key] = s.id
    owners: dict[str, str] = {}
    for s in skills:
        for term in _terms(s):
            other = owners.setdefault(term, s.id)
            if other != s.id:
                problems.append(f"term {term!r} matches both {other} and {s.id}")
    return problems


# -- term matching ---------------------------------------------------------------------

_UMLAUT_SPELLING = (("ae", "a"), ("oe", "o"), ("ue", "u"))


def _stem(token: str) -> str:
    """A light, language-agnostic plural/inflection fold; only used as a lookup key."""
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 3 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        token = token[:-1]
    if len(token) > 5:
        for ending in ("en", "e", "n"):
            if token.endswith(ending):
                return token[: -len(ending)]
    return token


def normalize_term(text: str) -> str:
    """Fold a term to its matching key: case, accents, umlaut spellings, hyphens, plurals.

    >>> normalize_term("Übersetzungen") == normalize_term("uebersetzung")
    True
    >>> normalize_term("Fact-Checking") == normalize_term("fact checking")
    True
    """
    text = text.casefold().replace("ß", "ss")
    text = strip_accents(text)
    for written, folded in _UMLAUT_SPELLING:
        text = text.replace(written, folded)
    tokens = re.findall(r"[a-z0-9]+", text)
    return " ".join(_stem(t) for t in tokens)


def _terms(s: SkillDef) -> set[str]:
    raw = [s.label_de, s.label_en] + [t for t in s.synonyms.split(",")]
    # A label like "Texterkennung (OCR)" also matches without its bracket.
    raw += [re.sub(r"\(.*?\)", "", t) for t in raw if "(" in t]
    return {key for key in (normalize_term(t) for t in raw) if key}


_INDEX: dict[str, str] | None = None
_PHRASES: list[tuple[tuple[str, ...], str]] | None = None


def _index() -> tuple[dict[str, str], list[tuple[tuple[str, ...], str]]]:
    global _INDEX, _PHRASES
    if _INDEX is None:
        index: dict[str, str] = {}
        for s in SKILLS:
            for term in _terms(s):
                index.setdefault(term, s.id)
        # Only phrases of two or more words are looked for inside a longer text: a single
        # word ("verification", "training") is too ambiguous outside its own field.
        phrases = [(tuple(t.split()), sid) for t, sid in index.items() if " " in t]
        phrases.sort(key=lambda p: -len(p[0]))
        _INDEX, _PHRASES = index, phrases
    return _INDEX, _PHRASES


def match_term(text: str | None) -> str | None:
    """The curated skill a keyword or vocabulary title stands for, or None.

    A whole-text match on a label or synonym wins; otherwise the longest label or
    synonym of at least two words found as consecutive words in the text. Single words
    and abbreviations only match the whole text, so "ASR" matches but "Mt Everest"
    does not match machine translation.

    >>> match_term("Automatic Speech Recognition")
    'asr'
    >>> match_term("Spracherkennung")
    'asr'
    >>> match_term("fact-checking tools for newsrooms")
    'verification'
    >>> match_term("formal verification") is None
    True
    """
    if not text or not isinstance(text, str):
        return None
    key = normalize_term(text[:500])
    if not key:
        return None
    index, phrases = _index()
    if key in index:
        return index[key]
    tokens = key.split()
    if len(tokens) < 2:
        return None
    # The first phrase in `phrases` order that occurs anywhere wins. Looking phrases up by
    # their first word keeps this fast for the ~50,000 distinct CORDIS keywords.
    best = None
    by_first = _phrases_by_first_word()
    for i, token in enumerate(tokens):
        for rank in by_first.get(token, ()):
            if best is not None and rank >= best:
                break
            phrase = phrases[rank][0]
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                best = rank
                break
    return phrases[best][1] if best is not None else None


_BY_FIRST: dict[str, list[int]] | None = None


def _phrases_by_first_word() -> dict[str, list[int]]:
    """Positions in `_index()[1]` of the phrases starting with each word, ascending."""
    global _BY_FIRST
    if _BY_FIRST is None:
        by_first: dict[str, list[int]] = {}
        for rank, (phrase, _) in enumerate(_index()[1]):
            by_first.setdefault(phrase[0], []).append(rank)
        _BY_FIRST = by_first
    return _BY_FIRST


# -- skills a free text implies (for one-click adding) -----------------------------------------

# Words that say nothing about a skill, in both languages (after `normalize_term`).
_STOP = frozenset(normalize_term(w) for w in (
    "ki ai kunstlich kuenstliche artificial intelligence intelligenz gestutzt gestuetzt based basierte driven "
    "fur fuer for von of und and mit with the der die das ein eine einer for in im am auf on zu to bei at "
    "unsere unser our wir we neue new system systeme systems tool tools losung loesung solution solutions "
    "projekt project idee idea automatisch automatische automatic automated digital digitale media medien"
).split())


def _words(text: str) -> list[str]:
    return [w for w in normalize_term(text).split() if len(w) >= 3 and w not in _STOP]


LABEL_BONUS = 1.3  # a word of the skill's own label says more than one of its synonyms
Vocabulary = list  # rows (skill id, label words, label and synonym words, description words)


def vocabulary(skills: Iterable) -> Vocabulary:
    """The words of skills (`SkillDef`s or skill nodes with labels, synonyms and descriptions)."""
    rows = []
    for s in skills:
        get = s.get if isinstance(s, dict) else (lambda key, default="", s=s: getattr(s, key, default))
        labels = set(_words(get("label_de") or "")) | set(_words(get("label_en") or ""))
        names = set(labels)
        for term in (get("synonyms") or "").split(","):
            names.update(_words(term))
        desc = set(_words(f"{get('description_de') or ''} {get('description_en') or ''}")) - names
        rows.append((get("id"), labels, names, desc))
    return rows


_CURATED: Vocabulary | None = None


def _curated() -> Vocabulary:
    global _CURATED
    if _CURATED is None:
        _CURATED = vocabulary(SKILLS)
    return _CURATED


def _word_match(token: str, word: str) -> float:
    """How well a word of the text stands for a word of a skill (German compounds included).

    >>> _word_match("video", "video"), _word_match("verifikation", "sprecherverifikation")
    (1.0, 0.6)
    >>> _word_match("lokalredaktion", "lokal"), _word_match("ki", "kino")
    (0.3, 0.0)
    """
    if token == word:
        return 1.0
    short, long_ = sorted((token, word), key=len)
    if len(short) < 5:
        return 0.0
    if long_.startswith(short) and len(short) >= 0.7 * len(long_):
        return 0.9  # an inflection or derivation the light stemmer left apart
    if long_.endswith(short):
        return 0.6  # the head of a compound: "Sprecherverifikation" is a verification
    if long_.startswith(short):
        return 0.3  # a modifier: "Lokalredaktion" is not about "lokal" alone
    return 0.0


def suggest_skills(text: str | None, limit: int = 6, exclude: Iterable[str] = (),
                   floor: float = 0.4, vocab: Vocabulary | None = None) -> list[tuple[str, float]]:
    """Taxonomy skills a free-text idea implies, best first, as ``(skill id, score)``.

    Labels and synonyms in German and English count fully, descriptions half; a word that
    stands for many skills counts less (inverse document frequency); a whole label or
    synonym found in the text (`match_term`) wins outright. Meant for suggestions a person
    adds with one click, so it may offer a little more than `match_term` would decide alone.
    `vocab` (see `vocabulary`) names the skills to choose from; the curated taxonomy by default.

    `kim_network.matching.suggest` re-ranks these with which skills go together in the graph.

    >>> [s for s, _ in suggest_skills("KI-gestützte Verifikation von Videos für Lokalredaktionen")][:1]
    ['verification']
    >>> [s for s, _ in suggest_skills("Automatische Untertitel für bairische Dialekte")][:2]
    ['subtitling', 'dialect-asr']
    >>> suggest_skills("")
    []
    """
    if not text or not isinstance(text, str):
        return []
    tokens = list(dict.fromkeys(_words(text[:5000])))
    if not tokens:
        return []
    rows = vocab if vocab is not None else _curated()
    # weights[t][k]: how well token t stands for skill k (names fully, descriptions half).
    weights: dict[str, dict[int, float]] = {t: {} for t in tokens}
    for k, (_sid, labels, names, desc) in enumerate(rows):
        for t in tokens:
            w = max((_word_match(t, word) for word in names), default=0.0)
            if w > 0.0 and max((_word_match(t, word) for word in labels), default=0.0) >= w:
                w *= LABEL_BONUS
            if w == 0.0:
                w = 0.5 * max((_word_match(t, word) for word in desc), default=0.0)
            if w > 0.0:
                weights[t][k] = w
    n = len(rows)
    scores: dict[int, float] = {}
    for t, matched in weights.items():
        if not matched:
            continue
        idf = math.log((n + 1) / (len(matched) + 1))
        for k, w in matched.items():
            scores[k] = scores.get(k, 0.0) + idf * w
    whole = match_term(text)
    excluded = set(exclude)
    index = {row[0]: k for k, row in enumerate(rows)}
    if whole is not None and whole in index:
        scores[index[whole]] = max(scores.values(), default=0.0) + 1.0
    if not scores:
        return []
    best = max(scores.values())
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], rows[kv[0]][0]))
    return [(rows[k][0], round(v / best, 3)) for k, v in ranked
            if v >= floor * best and rows[k][0] not in excluded][:limit]
