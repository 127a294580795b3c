"""Text representation for matching: German/English tokens, a bilingual glossary, TF-IDF + LSA.

No model is downloaded: the semantic space (latent semantic analysis, TF-IDF followed by a
truncated SVD) is fitted on the graph's own texts when the projection is built. German
input is bridged into the (mostly English) corpus through a glossary made of the curated
skills' German and English labels plus a small built-in list of domain terms.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse

from kim_network.core.text import strip_accents

_WORD_RE = re.compile(r"[a-z0-9][a-z0-9\-]*[a-z0-9]|[a-z]")

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my no nor
    not of off on once only or other our ours out over own same she should so some such than that the
    their theirs them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your within will project projects new
    novel based using use used well aim aims objective objectives approach approaches develop developing
    development research innovation innovative provide including key main different various eu european
    europe also thus however der die das den dem des ein eine einer eines einem einen und oder aber als
    auch auf aus bei bis durch fur gegen hat haben ist im in ins mit nach nicht noch nur sich sie sind so
    uber um unter von vor wie wir wird werden zu zum zur zwischen dass wenn was wer ihr ihre unser unsere
    sowie bzw etc fuer ueber neue neuen neuer entwicklung""".split()
)

# Domain terms a German query may use, with the English words the corpus uses for them.
GLOSSARY_DE_EN: dict[str, str] = {
    "ki": "artificial intelligence",
    "kunstliche intelligenz": "artificial intelligence",
    "maschinelles lernen": "machine learning",
    "tiefes lernen": "deep learning",
    "spracherkennung": "speech recognition",
    "sprachverarbeitung": "natural language processing",
    "sprachtechnologie": "language technology",
    "sprachmodell": "language model",
    "sprachmodelle": "language models",
    "ubersetzung": "translation",
    "maschinelle ubersetzung": "machine translation",
    "bildverarbeitung": "image processing",
    "bilderkennung": "image recognition",
    "gesichtserkennung": "face recognition",
    "objekterkennung": "object detection",
    "medien": "media",
    "rundfunk": "broadcasting",
    "fernsehen": "television",
    "sender": "broadcaster",
    "nachrichten": "news",
    "journalismus": "journalism",
    "lokaljournalismus": "local journalism",
    "zeitung": "newspaper",
    "verlag": "publishing publisher",
    "desinformation": "disinformation",
    "falschinformation": "misinformation",
    "faktenprufung": "fact checking",
    "verifikation": "verification",
    "barrierefreiheit": "accessibility",
    "untertitel": "subtitles",
    "untertitelung": "subtitling",
    "empfehlungssystem": "recommender system",
    "empfehlungssysteme": "recommender systems",
    "personalisierung": "personalisation",
    "archiv": "archive",
    "archive": "archives",
    "musik": "music",
    "spiele": "games",
    "erweiterte realitat": "augmented reality",
    "virtuelle realitat": "virtual reality",
    "forschung": "research",
    "hochschule": "university",
    "universitat": "university",
    "sicherheit": "security",
    "cybersicherheit": "cybersecurity",
    "datenschutz": "data protection privacy",
    "gesundheit": "health",
    "energie": "energy",
    "klima": "climate",
    "mobilitat": "mobility",
    "landwirtschaft": "agriculture",
    "produktion": "manufacturing production",
    "robotik": "robotics",
    "sensorik": "sensors",
    "halbleiter": "semiconductors",
    "wasserstoff": "hydrogen",
    "nachhaltigkeit": "sustainability",
    "bildung": "education",
    "kultur": "culture",
    "kulturerbe": "cultural heritage",
    "sprache": "language speech",
    "erkennung": "recognition detection",
    "generierung": "generation",
    "automatisierung": "automation",
    "datenanalyse": "data analytics",
    "visualisierung": "visualisation",
    "suche": "search",
    "wissensgraph": "knowledge graph",
    "inhalte": "content",
    "plattform": "platform",
    "werbung": "advertising",
    "publikum": "audience",
    "zuschauer": "audience viewers",
    "synthetische medien": "synthetic media",
    "stimme": "voice",
    "quantencomputing": "quantum computing",
    "batterie": "battery",
    "gesellschaft": "society",
    "demokratie": "democracy",
    "vertrauen": "trust",
    "erklarbarkeit": "explainability",
    "erklarbare ki": "explainable artificial intelligence",
    "daten": "data",
    "dienste": "services",
    "werkzeuge": "tools",
    "netzwerk": "network",
    "kooperation": "cooperation",
    "partner": "partner",
}


def fold(text: str) -> str:
    """Lower-case and strip accents so `Übersetzung` and `ubersetzung` meet.

    >>> fold("Übersetzung für Künstliche Intelligenz")
    'ubersetzung fur kunstliche intelligenz'
    """
    text = text.lower()
    if text.isascii():
        return text
    # Accents go; letters without an ASCII base (other scripts) are dropped.
    return strip_accents(text.replace("ß", "ss")).encode("ascii", "ignore").decode("ascii")


_GERMAN_MARKERS = frozenset("der die das und ist mit fur von den dem des ein eine nicht wir sie auf zur zum".split())


def looks_german(text: str) -> bool:
    """A cheap language guess: enough German function words.

    >>> looks_german("Wir suchen einen Partner für die Untertitelung"), looks_german("speech recognition")
    (True, False)
    """
    words = fold(text[:2000]).split()
    hits = sum(1 for w in words if w in _GERMAN_MARKERS)
    return hits >= 2 or (len(words) <= 6 and hits >= 1) or any(ch in text for ch in "äöüßÄÖÜ")


def _stem(token: str) -> str:
    # Plural folding only: a full stemmer would merge too much across two languages.
    if len(token) > 4 and token.endswith("ies"):
        return token[:-3] + "y"
    if len(token) > 4 and token.endswith("s") and not token.endswith(("ss", "us", "is")):
        return token[:-1]
    return token


def tokenize(text: str) -> list[str]:
    """Words of a German or English text: folded, without stop words, plurals folded.

    >>> tokenize("Die Systeme for Speech Recognition und Untertitel")
    ['systeme', 'speech', 'recognition', 'untertitel']
    """
    return [_stem(t) for t in _WORD_RE.findall(fold(text)) if t not in STOPWORDS and len(t) > 1]


@dataclass
class Glossary:
    """German phrases (folded) mapped to English phrases; longest phrase wins."""

    entries: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, skill_labels: Iterable[tuple[str, str]] = ()) -> "Glossary":
        """The built-in glossary extended with (label_de, label_en) pairs of skills.

        >>> g = Glossary.build([("Spracherkennung", "Speech recognition")])
        >>> g.translate("Wir suchen Spracherkennung")
        'Speech recognition'
        """
        entries = dict(GLOSSARY_DE_EN)
        for de, en in skill_labels:
            if de and en and fold(de) != fold(en):
                entries[fold(de).strip()] = en
        return cls(entries)

    def translate(self, text: str) -> str:
        """English equivalents of the German phrases found in `text` (space-separated)."""
        words = _WORD_RE.findall(fold(text))
        out, i = [], 0
        while i < len(words):
            for n in (3, 2, 1):
                phrase = " ".join(words[i : i + n])
                if len(words) - i >= n and phrase in self.entries:
                    out.append(self.entries[phrase])
                    i += n
                    break
            else:
                i += 1
        return " ".join(out)


class TextModel:
    """TF-IDF over words, reduced by truncated SVD (LSA) to dense unit vectors.

    Fitted on the projection's own documents; `embed` maps any new text (German words are
    bridged through the glossary) into the same space.

    >>> docs = ["speech recognition for broadcast news", "automatic subtitles for television",
    ...         "battery materials for electric cars", "hydrogen storage in batteries"]
    >>> tm = TextModel(dims=2).fit(docs)
    >>> v = tm.embed(["Spracherkennung für Nachrichten"])
    >>> round(float(v[0] @ tm.embed(["speech recognition news"])[0]), 2) > 0.9
    True
    """

    def __init__(self, dims: int = 200, glossary: Glossary | None = None, min_df: int = 2,
                 max_features: int = 200_000, seed: int = 0):
        self.dims = dims
        self.glossary = glossary or Glossary.build()
        self.min_df = min_df
        self.max_features = max_features
        self.seed = seed
        self.vectorizer = None
        self.svd = None

    def _prepare(self, text: str) -> str:
        text = text or ""
        if self.glossary and (len(text) < 300 or looks_german(text)):
            text = text + " " + self.glossary.translate(text)
        return " ".join(tokenize(text))

    def fit(self, docs: Sequence[str]) -> "TextModel":
        """Fit on `docs`; `fit_transform` also returns their TF-IDF rows."""
        self.fit_transform(docs)
        return self

    def fit_transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        prepared = [self._prepare(d) for d in docs]
        min_df = self.min_df if len(prepared) >= 50 else 1
        self.vectorizer = TfidfVectorizer(
            analyzer="word", token_pattern=r"\S+", ngram_range=(1, 1), min_df=min_df,
            max_df=0.5 if len(prepared) >= 50 else 1.0, sublinear_tf=True,
            max_features=self.max_features,
        )
        try:
            X = self.vectorizer.fit_transform(prepared)
        except ValueError:  # no vocabulary at all (empty graph)
            self.vectorizer = None
            return sparse.csr_matrix((len(docs), 1), dtype=np.float32)
        k = min(self.dims, X.shape[1] - 1, X.shape[0] - 1)
        if k >= 2:
            self.svd = TruncatedSVD(n_components=k, algorithm="randomized", n_iter=3,
                                    random_state=self.seed)
            self.svd.fit(X)
            # Keep only the float32 basis `reduce` reads: the float64 components are twice its size.
            self.__dict__["_basis"] = np.ascontiguousarray(self.svd.components_.T, dtype=np.float32)
            self.svd.components_ = None
        return X.astype(np.float32).tocsr()

    @property
    def dim(self) -> int:
        if self.svd is not None:
            return self.svd.n_components
        return 1

    def sparse(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """L2-normalised TF-IDF rows (the lexical space)."""
        if self.vectorizer is None:
            return sparse.csr_matrix((len(texts), 1), dtype=np.float32)
        return self.vectorizer.transform([self._prepare(t) for t in texts]).astype(np.float32)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length LSA vectors (zeros for texts without known words)."""
        if self.vectorizer is None or self.svd is None:
            return np.zeros((len(texts), 1), dtype=np.float32)
        return self.reduce(self.sparse(texts))

    def reduce(self, X: sparse.spmatrix) -> np.ndarray:
        """Project TF-IDF rows into the LSA space (unit rows)."""
        basis = self.__dict__.get("_basis")
        if basis is None:  # contiguous float32 copy: sklearn's transform copies it per call
            basis = self.__dict__["_basis"] = np.ascontiguousarray(self.svd.components_.T, dtype=np.float32)
        V = np.asarray(sparse.csr_matrix(X, dtype=np.float32) @ basis, dtype=np.float32)
        return normalize_rows(V)


def normalize_rows(V: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length; zero rows stay zero.

    >>> normalize_rows(np.array([[3.0, 4.0], [0.0, 0.0]])).tolist()
    [[0.6, 0.8], [0.0, 0.0]]
    """
    norms = np.linalg.norm(V, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return V / norms


class LabelIndex:
    """Labels as word keys (" machine learning "), in the order they are preferred, found in a text
    by looking up each run of its words: the labels a substring search of every key would find.

    >>> LabelIndex([(" deep learning ", 2), (" learning ", 1), (" speech ", 4)]).find(" deep learning for speech ", 12)
    [2, 1, 4]
    """

    def __init__(self, keyed: list[tuple[str, int]]):
        self.keyed = keyed
        self.places: dict[str, list[int]] = {}
        for place, (key, _idx) in enumerate(keyed):
            self.places.setdefault(key, []).append(place)
        self.longest = max((key.count(" ") - 1 for key in self.places), default=0)

    def find(self, words: str, limit: int) -> list[int]:
        """The labels of the first keys (in order, each label once, at most `limit`) in `words`
        (the text's words, each between single spaces)."""
        tokens = words.split()
        hits: set[int] = set()
        for i in range(len(tokens)):
            for j in range(i + 1, min(len(tokens), i + self.longest) + 1):
                places = self.places.get(" " + " ".join(tokens[i:j]) + " ")
                if places:
                    hits.update(places)
        found: list[int] = []
        for place in sorted(hits):
            idx = self.keyed[place][1]
            if idx not in found:
                found.append(idx)
                if len(found) >= limit:
                    break
        return found
