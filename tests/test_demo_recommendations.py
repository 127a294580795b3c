"""For every member of the demo: what /matches shows is true and keeps partners and peers apart.

Each demo organisation is viewed by one of its own people, and each demo researcher by
herself, through the same service the /matches page uses. For every list shown:

- every "offers" reason names only skills the candidate declares as OFFERS;
- no reason names the viewer or the viewer's organisation (nor the competence centre);
- no organisation is both a partner and a similar organisation;
- no filler: no country reason, no "close in the network" without a name, no community number.
"""
from __future__ import annotations

import pytest

from kim_network import demo
from kim_network.core.model import Label, Rel
from kim_network.core.visibility import Viewer
from kim_network.matching.projection_build import projection_from_store
from kim_network.services import recommendations as service
from kim_network.store.sqlite import SQLiteStore

OFFER_KINDS = ("offers", "covers_gap")
FILLER = ("(DE)", "Im Netzwerk nah", "Close to your partners", "Community", "Gemeinschaft ")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    store = SQLiteStore(str(tmp_path_factory.mktemp("demo-recs") / "demo.sqlite3"))
    store.migrate()
    demo.seed(store)
    proj = projection_from_store(store)
    yield store, proj
    store.close()


def _members(store, proj):
    """(viewer, names that are the viewer) for every demo organisation and every demo researcher."""
    people = {n["id"]: n for n in store.all_nodes(Label.PERSON, None)}
    for i, org_id in enumerate(proj.actor_ids):
        if proj.actor_label[i] != Label.ORGANIZATION.value:
            continue
        staff = [proj.actor_ids[p] for p in proj.staff.get(i, [])]
        person = staff[0] if staff else None
        yield (Viewer(role="member", account_id=f"acc-{org_id}", organization_id=org_id, person_id=person),
               {proj.name(i)} | ({people[person]["name"]} if person in people else set()))
    for pid, node in people.items():
        if node.get("kind") != "researcher":
            continue
        employers = [e.target for e in store.edges(Label.PERSON, pid, Rel.WORKS_AT, "out")]
        org = employers[0] if employers else None
        org_node = store.get_node(Label.ORGANIZATION, org) if org else None
        yield (Viewer(role="member", account_id=f"acc-{pid}", organization_id=org, person_id=pid),
               {node["name"]} | ({org_node["name"]} if org_node else set()))


def test_every_demo_members_lists_are_true_and_keep_partners_and_peers_apart(world):
    store, proj = world
    declared: dict[str, set[str]] = {}
    for edge in store.export_edges([Rel.OFFERS]):
        declared.setdefault(edge.source, set()).add(edge.target)
    centre = {n["id"] for n in store.all_nodes(Label.ORGANIZATION, {"centre": True})}
    centre_names = {store.get_node(Label.ORGANIZATION, c)["name"] for c in centre}
    checked = {"members": 0, "results": 0, "offers_reasons": 0}
    problems: list[str] = []
    for viewer, own_names in _members(store, proj):
        lists = {m.key: m for m in service.home_lists(proj, store, viewer, k=10)}
        checked["members"] += 1
        partners = {m.rec.id for m in lists["partners"].items} if "partners" in lists else set()
        similar = {m.rec.id for m in lists["similar"].items} if "similar" in lists else set()
        both = partners & similar
        if both:
            problems.append(f"{viewer.organization_id}: both partner and similar: {sorted(both)}")
        for key, mlist in lists.items():
            for match in mlist.items:
                rec = match.rec
                checked["results"] += 1
                if rec.id in centre:
                    problems.append(f"{viewer.organization_id} {key}: the centre is a candidate")
                if rec.id in (viewer.organization_id, viewer.person_id):
                    problems.append(f"{viewer.organization_id} {key}: suggests the viewer's own profile")
                for reason in rec.reasons:
                    texts = reason.text("de") + " | " + reason.text("en")
                    if reason.kind in OFFER_KINDS:
                        checked["offers_reasons"] += 1
                        claimed = set(reason.data.get("skills", ()))
                        if not claimed or not claimed <= declared.get(rec.id, set()):
                            problems.append(f"{viewer.organization_id} {key} {rec.id}: '{texts}' claims "
                                            f"{sorted(claimed - declared.get(rec.id, set()))} it does not offer")
                    named = set(reason.data.get("partners", ()))
                    if named & {viewer.organization_id, viewer.person_id} or named & centre:
                        problems.append(f"{viewer.organization_id} {key} {rec.id}: names the viewer: '{texts}'")
                    if any(name and name in texts for name in own_names | centre_names):
                        problems.append(f"{viewer.organization_id} {key} {rec.id}: names the viewer: '{texts}'")
                    if any(f in texts for f in FILLER):
                        problems.append(f"{viewer.organization_id} {key} {rec.id}: filler: '{texts}'")
    assert checked["members"] >= 400 and checked["results"] > 2000 and checked["offers_reasons"] > 500, checked
    assert not problems, f"{len(problems)} problems, e.g.:\n" + "\n".join(problems[:15])
