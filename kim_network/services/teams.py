"""Saved consortia: a member keeps a team from the consortium builder and exports it.

A team is stored as it was described when saved (members, roles, what each covers, the
gaps, the rule checks), so its CSV and its short proposal text stay the same even when
the network changes. Only the account that saved a team (and staff) may read it.
"""
from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import dataclass
from typing import Sequence

from kim_network.core.clock import now_iso
from kim_network.core.errors import Invalid, NotAllowed, NotFound
from kim_network.core.messages import Localized, kind_name, msg, names, nmsg
from kim_network.core.model import Label
from kim_network.core.regions import region_name
from kim_network.core.visibility import Viewer
from kim_network.matching.consortium import Consortium, describe_team
from kim_network.store import GraphStore

MAX_TITLE = 300
MAX_TEAMS = 100


@dataclass
class Team:
    id: str
    title: str
    call: str | None
    idea: str | None
    created_at: str
    data: dict

    @property
    def members(self) -> list[dict]:
        return self.data.get("members", [])

    @property
    def gaps(self) -> list[str]:
        return self.data.get("gaps", [])


def _team(node: dict) -> Team:
    return Team(node["id"], node["title"], node.get("call"), node.get("idea"), node.get("created_at") or "",
                json.loads(node["data"]))


def save_team(store: GraphStore, proj, viewer: Viewer, *, title: str, member_ids: Sequence[str],
              lead_id: str | None, call_id: str | None = None, idea: str = "", skills: Sequence[str] = ()) -> Team:
    """Describe the given team now and keep it for the member (raises Invalid for bad input)."""
    if not viewer.is_member or not viewer.account_id:
        raise NotAllowed("only members save teams")
    title = (title or "").strip()[:MAX_TITLE]
    if not title:
        raise Invalid("Give the team a name.", "title")
    if store.list_nodes(Label.TEAM, {"account": viewer.account_id}, limit=1).total >= MAX_TEAMS:
        raise Invalid(f"You can keep at most {MAX_TEAMS} teams; delete one first.", "title")
    spec = call_id if call_id else {"skills": list(skills), "text": idea, "title": title}
    consortium = describe_team(proj, spec, member_ids, lead_id, viewer)
    data = _data(proj, consortium)
    node = store.create_node(Label.TEAM, {
        "id": "team-" + uuid.uuid4().hex[:16], "account": viewer.account_id, "title": title,
        "call": call_id or None, "idea": (idea or "")[:5000] or None, "data": json.dumps(data, ensure_ascii=False),
        "created_at": now_iso()})
    return _team(node)


def _data(proj, c: Consortium) -> dict:
    def skill(s: str) -> dict:
        i = proj.skill_index[s]
        return {"id": s, "de": proj.skill_name(i, "de"), "en": proj.skill_name(i, "en")}
    return {
        "members": [{"id": m.id, "name": m.name, "role": m.role, "kind": m.kind, "sme": m.sme, "region": m.region,
                     "covers": [skill(s) for s in m.covers]} for m in c.members],
        "covered": [skill(s) for s in c.covered],
        "gaps": [skill(s) for s in c.gaps],
        "rules": c.eligibility,
        "eligible": c.eligible,
    }


def teams_of(store: GraphStore, viewer: Viewer) -> list[Team]:
    if not viewer.account_id:
        return []
    return [_team(n) for n in store.list_nodes(Label.TEAM, {"account": viewer.account_id}, order_by="created_at",
                                               descending=True, limit=MAX_TEAMS).items]


def get_team(store: GraphStore, viewer: Viewer, team_id: str) -> Team:
    try:
        node = store.get_node(Label.TEAM, team_id)
    except ValueError:
        node = None
    if node is None or not (viewer.is_staff or (viewer.account_id and node["account"] == viewer.account_id)):
        raise NotFound(team_id)
    return _team(node)


def delete_team(store: GraphStore, viewer: Viewer, team_id: str) -> None:
    """Only the account that saved a team deletes it (staff may read it, not delete it)."""
    get_team(store, viewer, team_id)
    node = store.get_node(Label.TEAM, team_id)
    if node["account"] != viewer.account_id:
        raise NotAllowed("only the member who saved a team deletes it")
    store.delete_node(Label.TEAM, team_id)


def _region(code: str | None, lang: str = "de") -> str:
    return region_name((code or "")[:4], lang) if code else ""


_ROLES = {"lead": msg("Lead"), "partner": msg("Partner"), "on_board": msg("Already on board")}


def _text(value, lang: str) -> str:
    return value.render(lang) if hasattr(value, "render") else str(value)


def csv_text(team: Team, lang: str) -> str:
    """The team as CSV (one row per member), column names and values in the reader's language."""
    out = io.StringIO()
    writer = csv.writer(out)
    headers = (msg("Organisation"), msg("Role"), msg("Kind"), msg("SME"), msg("Region"), msg("Covers"))
    writer.writerow([h.render(lang) for h in headers])
    for m in team.members:
        writer.writerow([m["name"], _text(_ROLES.get(m["role"], m["role"]), lang), _text(kind_name(m["kind"]), lang),
                         _text(msg("yes") if m["sme"] else msg("no"), lang), _region(m["region"], lang),
                         "; ".join(s[lang] for s in m["covers"])])
    if team.gaps:
        writer.writerow([])
        writer.writerow([msg("Open gaps").render(lang), "; ".join(s[lang] for s in team.gaps)])
    return out.getvalue()


def proposal_text(team: Team, lang: str) -> str:
    """A short paragraph for a proposal: who leads, who brings what, what stays open."""
    lead = next((m for m in team.members if m["role"] == "lead"), None)
    parts = [nmsg("The consortium “%(title)s” brings together %(n)d partner.",
                  "The consortium “%(title)s” brings together %(n)d partners.", len(team.members), title=team.title)]
    if lead:
        where = Localized(de=_region(lead["region"], "de") or "–", en=_region(lead["region"], "en") or "–")
        parts.append(msg("%(lead)s (%(kind)s, %(region)s) leads the project.", lead=lead["name"],
                         kind=kind_name(lead["kind"]), region=where))
    for m in team.members:
        if m["covers"]:
            parts.append(msg("%(name)s contributes %(skills)s.", name=m["name"],
                             skills=names([s[lang] for s in m["covers"]], limit=4)))
    smes = sum(1 for m in team.members if m["sme"])
    if smes:
        parts.append(nmsg("%(n)d partner is an SME.", "%(n)d partners are SMEs.", smes))
    if team.gaps:
        parts.append(msg("Still open: %(skills)s.", skills=names([s[lang] for s in team.gaps], limit=6)))
    else:
        parts.append(msg("Together the partners cover every required skill."))
    return " ".join(p.render(lang) for p in parts)
