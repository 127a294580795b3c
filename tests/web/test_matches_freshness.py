"""Results from a projection that has not caught up with a write still honour visibility now."""
from __future__ import annotations

from kim_network.services.recommendations import _visible_now
from kim_network.core.messages import Localized
from kim_network.matching.types import Reason, Recommendation
from kim_network.core.model import Label
from kim_network.core.visibility import Viewer
from tests.conftest import gen_org


def test_a_profile_hidden_after_the_projection_was_built_is_dropped_with_reasons_naming_it(store):
    store.upsert_nodes(Label.ORGANIZATION, [gen_org(1), gen_org(2), gen_org(3)])
    stale = [
        Recommendation("org-1", "Organization", 0.9, "Medienhaus Test 1"),
        Recommendation("org-2", "Organization", 0.8, "Medienhaus Test 2", reasons=[
            Reason("mutual_partners", Localized(de="Beide haben mit Medienhaus Test 3 gearbeitet",
                                                en="Both worked with Medienhaus Test 3"), 0.5, {"partners": ["org-3"]}),
            Reason("offers", Localized(de="Bietet, was Sie suchen: Spracherkennung",
                                       en="Offers what you need: Speech recognition"), 0.5, {"skills": ["asr"]}),
        ]),
    ]
    # After the projection was built: one candidate goes staff-only, the mutual partner is deleted.
    store.update_node(Label.ORGANIZATION, "org-1", {"visibility": "staff"})
    store.delete_node(Label.ORGANIZATION, "org-3")

    member = Viewer(role="member", account_id="acc-x", organization_id="org-9")
    shown = _visible_now(store, member, stale)

    assert [r.id for r in shown] == ["org-2"]
    assert [r.kind for r in shown[0].reasons] == ["offers"]
    staff_view = _visible_now(store, Viewer(role="staff"), [Recommendation("org-1", "Organization", 0.9)])
    assert [r.id for r in staff_view] == ["org-1"]
