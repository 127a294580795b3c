"""Organisation and person profiles: what a viewer sees, who may edit, confirmation and merging.

Routes and the JSON API both call these functions, so a profile looks the same and obeys
the same visibility rules everywhere. Nothing here knows about Flask.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Iterable, Mapping

from kim_network.core.clock import now_iso, parse_iso as parse_time, utcnow
from kim_network.core import regions
from kim_network.core.errors import NotAllowed, NotFound
from kim_network.services import audit
from kim_network.core.model import (
    Label,
    Rel,
    ValidationError,
    display_name,
    filterable_props,
    validate_node,
)
from kim_network.store import GraphStore
from kim_network.store.base import NodeView, Related, Relation, search_terms
from kim_network.core.visibility import Viewer, can_see, visible_props

STALE_AFTER = timedelta(days=365)

# Properties a member may set through the edit form or the API (the rest is bookkeeping).
EDITABLE = {
    Label.ORGANIZATION: (
        "name", "short_name", "kind", "sme", "street", "postcode", "city", "region", "website",
        "description_de", "description_en", "keywords", "contact_email", "contact_phone",
        "visibility",
    ),
    Label.PERSON: (
        "name", "kind", "title", "description_de", "description_en", "email", "phone",
        "email_visibility", "phone_visibility", "city", "region", "visibility",
    ),
}
# What a profile's contact box shows (each only as far as `visible_props` lets the viewer read it).
CONTACT_FIELDS = {
    Label.ORGANIZATION: ("contact_email", "contact_phone", "website", "street", "postcode", "city"),
    Label.PERSON: ("email", "phone"),
}
# Skill relationships a profile edits as lists of skills.
SKILL_FIELDS = {Rel.HAS_SKILL: "skills", Rel.OFFERS: "offers", Rel.NEEDS: "needs"}
# Relationships of an organisation that a merge moves to the surviving organisation.
_MERGE_OUT = (Rel.PARTICIPATED_IN, Rel.OFFERS, Rel.NEEDS, Rel.HAS_SKILL, Rel.ATTENDED, Rel.LOCATED_IN)
_MERGE_IN = (Rel.WORKS_AT,)
# Properties a merge never copies from the duplicate into the surviving record.
_MERGE_KEEP = {"id", "visibility", "pending", "merged_into", "created_at", "updated_at", "confirmed_at", "source"}


class ProfileNotFound(NotFound):
    """The profile does not exist or the viewer may not see it (both answer 404)."""


class UnknownSkills(ValidationError):
    """Skill names or ids that are not in the taxonomy; `names` lists them."""

    def __init__(self, names: list[str], field: str):
        super().__init__("unknown skill: " + ", ".join(names), field)
        self.names = names


def last_confirmed(node: Mapping[str, Any]) -> datetime | None:
    """When the profile was last confirmed (its creation counts as a first confirmation)."""
    return parse_time(node.get("confirmed_at")) or parse_time(node.get("created_at"))


def is_stale(node: Mapping[str, Any], now: datetime | None = None) -> bool:
    """A profile nobody confirmed for more than twelve months.

    >>> from datetime import timezone
    >>> is_stale({"confirmed_at": "2020-01-01T00:00:00+00:00"}, datetime(2024, 1, 1, tzinfo=timezone.utc))
    True
    >>> is_stale({"confirmed_at": "2023-06-01"}, datetime(2024, 1, 1, tzinfo=timezone.utc))
    False
    """
    moment = last_confirmed(node)
    return moment is None or (now or utcnow()) - moment > STALE_AFTER


def owns(viewer: Viewer, label: Label, node_id: str) -> bool:
    if label is Label.ORGANIZATION:
        return viewer.organization_id is not None and viewer.organization_id == node_id
    if label is Label.PERSON:
        return viewer.person_id is not None and viewer.person_id == node_id
    return False


def can_edit(viewer: Viewer, label: Label, node_id: str) -> bool:
    """Staff edit every profile; a member edits their own organisation and person; an account
    awaiting approval edits the profile its registration created (its viewer names only those)."""
    return viewer.is_staff or ((viewer.is_member or viewer.is_pending) and owns(viewer, label, node_id))


def visible_node(store: GraphStore, viewer: Viewer, label: Label, node_id: str) -> dict:
    """The node if it exists and the viewer may see it; ProfileNotFound otherwise."""
    try:
        node = store.get_node(label, node_id)
    except ValidationError:
        node = None
    if node is None or not can_see(viewer, label, node):
        raise ProfileNotFound(f"{label.value} {node_id}")
    return node


@dataclass
class SkillRef:
    id: str
    name: str


@dataclass
class Link:
    """Another node shown on a profile (project, event, employer, colleague)."""

    label: str
    id: str
    name: str
    role: str | None = None
    date: str | None = None


@dataclass
class Profile:
    """Everything a profile page or API answer shows, already filtered for the viewer."""

    label: Label
    node: dict  # the properties the viewer may read (`kim_network.core.visibility.visible_props`)
    skills: list[SkillRef] = field(default_factory=list)
    offers: list[SkillRef] = field(default_factory=list)
    needs: list[SkillRef] = field(default_factory=list)
    projects: list[Link] = field(default_factory=list)
    events: list[Link] = field(default_factory=list)
    people: list[Link] = field(default_factory=list)  # an organisation's visible staff
    organizations: list[Link] = field(default_factory=list)  # a person's employers
    region_name: str | None = None
    contact: dict = field(default_factory=dict)
    confirmed_at: datetime | None = None
    stale: bool = False
    editable: bool = False

    @property
    def id(self) -> str:
        return self.node["id"]

    @property
    def name(self) -> str:
        return display_name(self.label, self.node)

    def description(self, lang: str) -> str:
        other = "en" if lang == "de" else "de"
        return self.node.get(f"description_{lang}") or self.node.get(f"description_{other}") or ""

    def as_json(self) -> dict:
        """The profile in the API: the fields the viewer may read (`node`), its links and skills."""
        data = dict(self.node)
        data.update(
            type="organization" if self.label is Label.ORGANIZATION else "person",
            region_name=self.region_name,
            contact=self.contact,
            skills=[s.__dict__ for s in self.skills],
            offers=[s.__dict__ for s in self.offers],
            needs=[s.__dict__ for s in self.needs],
            projects=[p.__dict__ for p in self.projects],
            events=[e.__dict__ for e in self.events],
            stale=self.stale,
        )
        if self.label is Label.ORGANIZATION:
            data["people"] = [p.__dict__ for p in self.people]
        else:
            data["organizations"] = [o.__dict__ for o in self.organizations]
        return data


# What a profile page shows, read in one go (`GraphStore.node_view`): skill lists, the linked
# projects, events and people.
_SKILL_PARTS = {"skills": Relation(Rel.HAS_SKILL, "out", Label.SKILL),
                "offers": Relation(Rel.OFFERS, "out", Label.SKILL),
                "needs": Relation(Rel.NEEDS, "out", Label.SKILL)}
PROFILE_PARTS = {
    Label.ORGANIZATION: {**_SKILL_PARTS,
                         "projects": Relation(Rel.PARTICIPATED_IN, "out", Label.PROJECT),
                         "events": Relation(Rel.ATTENDED, "out", Label.EVENT),
                         "people": Relation(Rel.WORKS_AT, "in", Label.PERSON)},
    Label.PERSON: {**_SKILL_PARTS,
                   "projects": Relation(Rel.PARTICIPATED_IN, "out", Label.PROJECT),
                   "events": Relation(Rel.ATTENDED, "out", Label.EVENT),
                   "organizations": Relation(Rel.WORKS_AT, "out", Label.ORGANIZATION)},
}


def _skill_refs(related: list[Related], lang: str) -> list[SkillRef]:
    refs = [SkillRef(r.node["id"], display_name(Label.SKILL, r.node, lang)) for r in related]
    return sorted(refs, key=lambda r: r.name.casefold())


def _links(viewer: Viewer, related: list[Related], other: Label, date_key: str | None = None) -> list[Link]:
    out = [Link(other.value, r.node["id"], display_name(other, r.node), r.props.get("role"),
                r.node.get(date_key) if date_key else None)
           for r in related if can_see(viewer, other, r.node)]
    return sorted(out, key=lambda l: ((l.date or ""), l.name.casefold()), reverse=bool(date_key))


def region_name(store: GraphStore, node: Mapping[str, Any]) -> str | None:
    """The name of the node's NUTS region (Eurostat's table; no store read)."""
    code = node.get("region")
    return regions.region_name(code) if code else None


def skill_view(store: GraphStore, label: Label, node_id: str) -> NodeView | None:
    """The node with its three skill lists, in one read (the edit form)."""
    return store.node_view(label, node_id, _SKILL_PARTS)


def skill_names(view: NodeView, rel: Rel, lang: str) -> list[str]:
    """A node view's skill names of one kind, alphabetically (the edit form's text)."""
    return [ref.name for ref in _skill_refs(view.related.get(SKILL_FIELDS[rel], []), lang)]


def load_profile(store: GraphStore, viewer: Viewer, label: Label, node_id: str, lang: str = "de") -> Profile:
    """The profile as the viewer may see it; ProfileNotFound if they may not see it at all.

    One store read (`node_view`) brings the node with everything the page shows.
    """
    if label not in (Label.ORGANIZATION, Label.PERSON):
        raise ProfileNotFound(node_id)
    view = store.node_view(label, node_id, PROFILE_PARTS[label])
    if view is None or not can_see(viewer, label, view.node):
        raise ProfileNotFound(f"{label.value} {node_id}")
    node = view.node
    # Only the fields this viewer may read (`visible_props`) go into the profile; the page,
    # the API and the contact box all show the profile's `node`.
    profile = Profile(label, visible_props(viewer, label, node))
    profile.skills = _skill_refs(view.related["skills"], lang)
    profile.offers = _skill_refs(view.related["offers"], lang)
    profile.needs = _skill_refs(view.related["needs"], lang)
    profile.projects = _links(viewer, view.related["projects"], Label.PROJECT, "start_date")
    profile.events = _links(viewer, view.related["events"], Label.EVENT, "date")
    profile.region_name = region_name(store, node)
    if label is Label.ORGANIZATION:
        profile.people = _links(viewer, view.related["people"], Label.PERSON)
    else:
        profile.organizations = _links(viewer, view.related["organizations"], Label.ORGANIZATION)
    profile.contact = {k: profile.node[k] for k in CONTACT_FIELDS[label] if profile.node.get(k)}
    profile.confirmed_at = last_confirmed(node)
    profile.stale = is_stale(node)
    profile.editable = can_edit(viewer, label, node_id)
    return profile


def editable_node(store: GraphStore, viewer: Viewer, label: Label, node_id: str) -> dict:
    """The node for an edit: ProfileNotFound if invisible, NotAllowed if visible but not theirs."""
    node = visible_node(store, viewer, label, node_id)
    if not can_edit(viewer, label, node_id):
        raise NotAllowed(f"{viewer.role} may not edit {label.value} {node_id}")
    return node


def resolve_skills(store: GraphStore, text_or_ids: str | Iterable[str], field_name: str = "skills") -> list[str]:
    """Skill ids for a comma-separated list of skill ids or names (German or English).

    Unknown entries raise ValidationError naming them, so the form can say which one.
    """
    if isinstance(text_or_ids, str):
        tokens = [t.strip() for t in text_or_ids.replace(";", ",").split(",")]
    else:
        tokens = [str(t).strip() for t in text_or_ids]
    tokens = [t for t in tokens if t]
    if len(tokens) > 100:
        raise ValidationError("at most 100 skills", field_name)
    found: list[str] = []
    unknown: list[str] = []
    by_id = store.get_nodes(Label.SKILL, [t for t in tokens if id_like(t)])
    for token in tokens:
        skill_id = token if token in by_id else _skill_by_name(store, token)
        if skill_id is None:
            unknown.append(token)
        elif skill_id not in found:
            found.append(skill_id)
    if unknown:
        raise UnknownSkills(unknown, field_name)
    return found


def id_like(token: str) -> bool:
    from kim_network.core.model import ID_RE

    return bool(ID_RE.match(token))


def _skill_by_name(store: GraphStore, name: str) -> str | None:
    if not search_terms(name):
        return None
    wanted = name.casefold()
    hits, _ = store.search(name, labels=[Label.SKILL], limit=50)
    for hit in hits:
        names = [hit.node.get("label_de"), hit.node.get("label_en")]
        names += [s.strip() for s in (hit.node.get("synonyms") or "").split(";")]
        if any(n and n.casefold() == wanted for n in names):
            return hit.id
    return None


def update_profile(
    store: GraphStore,
    viewer: Viewer,
    label: Label,
    node_id: str,
    props: Mapping[str, Any],
    skills: Mapping[Rel, list[str]] | None = None,
) -> dict:
    """Change a profile's properties and skill lists; everything is validated before any write.

    `props` holds editable properties only (others raise ValidationError); empty strings
    remove a property. `skills` maps HAS_SKILL/OFFERS/NEEDS to the complete new lists of
    skill ids.
    """
    editable_node(store, viewer, label, node_id)
    allowed = EDITABLE[label]
    changes: dict[str, Any] = {}
    for key, value in props.items():
        if key not in allowed:
            raise ValidationError(f"{key} cannot be changed here", key)
        changes[key] = None if value == "" else value
    for key in ("name", "kind"):
        if key in changes and changes[key] is None:
            raise ValidationError(f"{key} is required", key)
    validate_node(label, changes, partial=True)  # types, lengths and field rules (core.fields)
    for rel, ids in (skills or {}).items():
        missing = set(ids) - set(store.get_nodes(Label.SKILL, ids))
        if missing:
            raise UnknownSkills(sorted(missing), SKILL_FIELDS[rel])
    changes["updated_at"] = now_iso()
    node = store.update_node(label, node_id, changes)
    for rel, ids in (skills or {}).items():
        set_skills(store, label, node_id, rel, ids)
    if viewer.is_staff and not owns(viewer, label, node_id):
        audit.record(store, viewer.account_id or viewer.role, "edit_profile", f"{label.value} {node_id}",
                     {"changed": sorted(k for k in changes if k != "updated_at"),
                      "skills": sorted(SKILL_FIELDS[r] for r in (skills or {}))})
    return node


def set_skills(store: GraphStore, label: Label, node_id: str, rel: Rel, skill_ids: list[str]) -> None:
    """Make the node's `rel` skills exactly `skill_ids` (member-given edges)."""
    current = {e.target for e in store.edges(label, node_id, rel, "out")}
    for gone in current - set(skill_ids):
        store.delete_edge(rel, node_id, gone, label, Label.SKILL)
    new = [s for s in skill_ids if s not in current]
    if new:
        store.upsert_edges(rel, [{"source": node_id, "target": s, "source_label": label,
                                  "target_label": Label.SKILL, "origin": "member"} for s in new])


def create_organization(store: GraphStore, viewer: Viewer, props: Mapping[str, Any]) -> dict:
    """A new organisation record (staff only); its id comes from the caller or is generated."""
    if not viewer.is_staff:
        raise NotAllowed("only staff create organisations")
    data = {k: v for k, v in props.items() if v not in (None, "")}
    unknown = set(data) - set(EDITABLE[Label.ORGANIZATION]) - {"id"}
    if unknown:
        key = sorted(unknown)[0]
        raise ValidationError(f"{key} cannot be set here", key)
    data.setdefault("id", "org-" + uuid.uuid4().hex[:12])
    stamp = now_iso()
    data.update(created_at=stamp, updated_at=stamp, confirmed_at=stamp, source="member")
    data.setdefault("visibility", "members")
    return store.create_node(Label.ORGANIZATION, data)


def confirm_profile(store: GraphStore, viewer: Viewer, label: Label, node_id: str) -> dict:
    """The owner (or staff) says the profile is still correct."""
    editable_node(store, viewer, label, node_id)
    return store.update_node(label, node_id, {"confirmed_at": now_iso()})


@dataclass
class MergeResult:
    source: str
    target: str
    moved: dict[str, int]


def merge_organizations(store: GraphStore, viewer: Viewer, source_id: str, target_id: str) -> MergeResult:
    """Fold the duplicate `source_id` into `target_id`, keeping every relationship and history.

    Relationships, introductions, accounts and feedback move to the target; properties the
    target lacks are filled from the duplicate; the duplicate stays as a record with
    `merged_into` (hidden from everyone but staff) and an audit entry says who did it.
    The steps are ordered so that re-running an interrupted merge completes it.
    """
    if not viewer.is_staff:
        raise NotAllowed("only staff merge organisations")
    if source_id == target_id:
        raise ValidationError("an organisation cannot be merged into itself", "target")
    source = store.get_node(Label.ORGANIZATION, source_id)
    target = store.get_node(Label.ORGANIZATION, target_id)
    if source is None:
        raise ValidationError(f"organisation {source_id} does not exist", "source")
    if target is None:
        raise ValidationError(f"organisation {target_id} does not exist", "target")
    if source.get("merged_into"):
        raise ValidationError(f"{source_id} was already merged into {source['merged_into']}", "source")
    if target.get("merged_into"):
        raise ValidationError(f"{target_id} was itself merged into {target['merged_into']}", "target")

    moved: dict[str, int] = {}
    org = Label.ORGANIZATION
    for rel, direction in [(r, "out") for r in _MERGE_OUT] + [(r, "in") for r in _MERGE_IN]:
        edges = store.edges(org, source_id, rel, direction)
        existing = {(e.target if direction == "out" else e.source)
                    for e in store.edges(org, target_id, rel, direction)}
        rows = []
        for e in edges:
            other = e.target if direction == "out" else e.source
            if other in existing:
                continue  # the target's own relationship (and its properties) wins
            ends = (target_id, other) if direction == "out" else (other, target_id)
            rows.append(dict(e.props, source=ends[0], target=ends[1],
                             source_label=e.source_label, target_label=e.target_label))
        if rows:
            store.upsert_edges(rel, rows)
        for e in edges:
            store.delete_edge(rel, e.source, e.target, e.source_label, e.target_label)
        moved[rel.value] = len(edges)

    for label, key in ((Label.INTRODUCTION, "target_org"), (Label.INTRODUCTION, "requester_org"),
                       (Label.ACCOUNT, "organization_id"), (Label.ACCOUNT, "claimed_organization_id")):
        count = 0
        for node in _all(store, label, {key: source_id}):
            store.update_node(label, node["id"], {key: target_id})
            count += 1
        moved[f"{label.value}.{key}"] = count
    for key in ("subject", "target"):
        for node in _all(store, Label.FEEDBACK, {key: source_id}):
            store.update_node(Label.FEEDBACK, node["id"], {key: target_id})

    fill = {k: v for k, v in source.items() if k not in _MERGE_KEEP and target.get(k) in (None, "")}
    stamp = now_iso()
    store.update_node(org, target_id, {**fill, "updated_at": stamp})
    store.update_node(org, source_id, {"merged_into": target_id, "updated_at": stamp})
    audit.record(store, viewer.account_id or viewer.role, "merge_organizations", f"{source_id} -> {target_id}",
                 {"source": source_id, "target": target_id, "source_name": source.get("name"),
                  "moved": moved, "filled": sorted(fill)})
    return MergeResult(source_id, target_id, moved)


def _all(store: GraphStore, label: Label, filters: Mapping[str, Any]) -> list[dict]:
    """Every node matching `filters`, across pages (for small administrative sets)."""
    return store.all_nodes(label, filters)




def listed_counts(store: GraphStore) -> dict[str, int]:
    """How many organisations, people and projects anyone may see, and how many skills (`/healthz`).

    Hidden (members-only, staff-only), pending and merged profiles are not counted, so the
    public health check tells nobody how many of them there are. One store read.
    """
    queries: dict[str, tuple[Label, dict]] = {}
    for label in (Label.ORGANIZATION, Label.PERSON, Label.PROJECT):
        keys = filterable_props(label)
        merged = {"merged_into": None} if "merged_into" in keys else {}
        for visibility in ("public", None):
            for pending in (({"pending": None}, {"pending": False}) if "pending" in keys else ({},)):
                queries[f"{label.value}:{len(queries)}"] = (label, {"visibility": visibility, **merged, **pending})
    queries["skills"] = (Label.SKILL, {})
    counts = store.count_where(queries)

    def listed(label: Label) -> int:
        return sum(n for name, n in counts.items() if name.startswith(label.value + ":"))

    return {"organizations": listed(Label.ORGANIZATION), "people": listed(Label.PERSON),
            "skills": counts["skills"], "projects": listed(Label.PROJECT)}
