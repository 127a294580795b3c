"""Small records the store contract tests share (on both adapters)."""
from __future__ import annotations

from kim_network.core.model import Label, Rel
from tests.conftest import gen_skill


def seed_skills(store) -> None:
    """Three skills: subtitles below speech recognition below audio AI."""
    store.upsert_nodes(
        Label.SKILL,
        [
            gen_skill("audio", "Audio-KI", "Audio AI"),
            gen_skill("asr", "Spracherkennung", "Speech recognition"),
            gen_skill("subtitles", "Automatische Untertitelung", "Automatic subtitling"),
        ],
    )
    store.upsert_edges(Rel.BROADER, [{"source": "asr", "target": "audio"},
                                     {"source": "subtitles", "target": "asr"}])
