"""What runs over all introductions: the funnel staff watch, reminders of unanswered requests,
and the retention of what people wrote.

Part of the introductions service (`kim_network.services.introductions` re-exports it).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from kim_network.core.clock import now_iso, parse_iso, utcnow
from kim_network.core.messages import msg, nmsg
from kim_network.core.model import INTRO_STATUS, Label
from kim_network.services.introduction_parties import OPEN, Mailer, _tell, recipients, requester_name, route_of, \
    staff_accounts
from kim_network.store import GraphStore


def funnel(store: GraphStore) -> dict[str, int]:
    """How many introductions are in each status (what staff watch)."""
    return {status: store.list_nodes(Label.INTRODUCTION, {"status": status}, limit=1).total
            for status in INTRO_STATUS}


def remind_unanswered(
    store: GraphStore,
    reminder_days: int,
    now: datetime | None = None,
    mailer: Mailer | None = None,
    base_url: str = "",
) -> int:
    """Remind whoever has not answered a request open longer than `reminder_days`; once per request.

    Idempotent: a request carries `reminded_at` after its reminder, so running this again
    (from cron, or lazily on a staff page view) sends nothing twice. Requests in the staff
    queue are reminded to staff.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=reminder_days)
    sent = 0
    while True:
        # Oldest first: reminded requests leave the filter, so each round starts at offset 0.
        page = store.list_nodes(Label.INTRODUCTION, {"status": OPEN, "reminded_at": None},
                                order_by="created_at", limit=200)
        due = [i for i in page.items if (parse_iso(i.get("created_at")) or now) <= cutoff]
        for intro in due:
            # Mark first: a crash after this point loses one reminder rather than sending two.
            store.update_node(Label.INTRODUCTION, intro["id"], {"reminded_at": now_iso(now)})
            route = route_of(intro)
            if route == "staff":
                told = staff_accounts(store)
            elif route == "bridge":
                told = [a for side in ("requester", "target") if not intro.get(f"{side}_answer")
                        for a in recipients(store, intro, side)]
            else:
                told = recipients(store, intro)
            _tell(store, told, "introduction_reminder",
                  nmsg("Reminder: %(who)s has been waiting %(n)d day for an answer.",
                       "Reminder: %(who)s has been waiting %(n)d days for an answer.", reminder_days,
                       who=requester_name(store, intro) if route != "bridge" else "KI.M"),
                  f"/introductions/{intro['id']}", mailer, msg("Reminder: open contact request"), base_url)
            sent += 1
        if len(due) < len(page.items) or len(page.items) < 200:
            return sent


def purge_messages(store: GraphStore, retention_days: int, now: datetime | None = None) -> int:
    """Delete the texts of introductions older than `retention_days`; status and dates stay.

    The funnel keeps counting them; only what people wrote is gone.
    """
    now = now or utcnow()
    cutoff = now - timedelta(days=retention_days)
    purged = 0
    for intro in store.all_nodes(Label.INTRODUCTION, None, order_by="created_at"):
        created = parse_iso(intro.get("created_at"))
        if created and created < cutoff and (intro.get("message") or intro.get("reply") or intro.get("outcome_note")):
            store.update_node(Label.INTRODUCTION, intro["id"], {"message": None, "reply": None, "outcome_note": None})
            purged += 1
    return purged
