"""Stemming from many threads at once (gunicorn's threaded workers) gives the stems one thread gives."""
from concurrent.futures import ThreadPoolExecutor

from kim_network.core import text

WORDS = [f"{base}{i}" for i in range(400) for base in ("untertitelungen", "übersetzungsdienste", "subtitles",
                                                       "recognitions", "sprachtechnologie")]


def _stems(words):
    # `stem` caches its answers; the stemmer itself is what threads share.
    return [(text._stemmer("de").stemWord(w), text._stemmer("en").stemWord(w)) for w in words]


def test_concurrent_stemming_matches_serial_stems():
    expected = _stems(WORDS)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: _stems(WORDS), range(16)))
    assert all(r == expected for r in results)
