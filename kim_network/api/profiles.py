"""Serialising a profile and splitting a profile write into properties and skills (organisations, people)."""
from __future__ import annotations

from kim_network.core.model import Label, Rel
from kim_network.extensions import get_store
from kim_network.services import profiles
from kim_network.web.i18n import current_language
from kim_network.web.templating import profile_url

SKILL_KEYS = {"skills": Rel.HAS_SKILL, "offers": Rel.OFFERS, "needs": Rel.NEEDS}


def profile_json(label: Label, node_id: str, viewer) -> dict:
    profile = profiles.load_profile(get_store(), viewer, label, node_id, current_language())
    data = profile.as_json()
    data["confirmed_at"] = profile.confirmed_at.isoformat() if profile.confirmed_at else None
    data["url"] = profile_url(label, node_id)
    return data


def split_body(label: Label, body: dict) -> tuple[dict, dict]:
    store = get_store()
    props = {k: ("" if v is None else v) for k, v in body.items() if k not in SKILL_KEYS and k != "id"}
    skills = {SKILL_KEYS[k]: profiles.resolve_skills(store, v, k) for k, v in body.items() if k in SKILL_KEYS}
    return props, skills
