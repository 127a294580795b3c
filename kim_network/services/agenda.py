"""A participant's personal agenda for an event as an iCalendar file (Outlook, Google, Apple).

The file holds the event itself and each of the participant's meetings with a slot: who,
which table, the other side's profile link. Cancelled meetings stay in it as CANCELLED, so a
calendar that imported an earlier download removes them; a moved meeting keeps its UID and
carries a higher SEQUENCE, so it moves instead of appearing twice.
"""
from __future__ import annotations

import datetime as dt

from kim_network.core.clock import utcnow
from kim_network.core.messages import Message, msg
from kim_network.core.model import Label, display_name
from kim_network.core.visibility import Viewer
from kim_network.scheduling.ical import AgendaItem, agenda_calendar
from kim_network.services import events as ev, meetings as mt
from kim_network.store import GraphStore

UID_DOMAIN = "kim-netzwerk"
# What the calendar entries say, from the catalogue (rendered in the agenda's language).
MEETING_WITH = msg("Meeting with %(name)s")
TABLE = msg("Table %(table)s")
PROFILE = msg("Profile: %(url)s")
YOUR_AGENDA = msg("Your agenda: %(url)s")
MESSAGE = msg("Message: %(text)s")


def _say(message: Message, lang: str, **params) -> str:
    return Message(message.msgid, params).render("en" if lang == "en" else "de")


def table_label(table: str | None, lang: str = "de") -> str:
    number = (table or "")[1:] if (table or "").startswith("T") else (table or "")
    return _say(TABLE, lang, table=number)


def calendar_file(store: GraphStore, viewer: Viewer, event: ev.Event, *, base_url: str, lang: str = "de",
                  now: dt.datetime | None = None, organizer_email: str = "netzwerk@ki-m.example") -> bytes:
    """The viewer's agenda as ``.ics`` bytes (participants only)."""
    reg = ev.registration(store, event.id, viewer.person_id)
    if reg is None:
        raise ev.EventNotFound("This event does not exist.")
    items = []
    if event.starts and event.ends and reg.active:
        items.append(AgendaItem(f"event-{event.id}@{UID_DOMAIN}", event.starts, event.ends, event.title(lang),
                                location=", ".join(x for x in (event.node.get("place"), event.node.get("city")) if x),
                                description=event.description(lang),
                                url=f"{base_url}/events/{event.id}"))
    grid = {s.id: s for s in event.grid}
    for entry in mt.agenda(store, viewer, event):
        m = entry.meeting
        slot = grid.get(m.get("scheduled_slot") or "")
        if slot is None or m["status"] not in ("scheduled", "cancelled"):
            continue
        name = display_name(Label.PERSON, entry.other)
        if entry.other_org:
            name += f" ({display_name(Label.ORGANIZATION, entry.other_org)})"
        where = ", ".join(x for x in (table_label(m.get("table"), lang), event.node.get("place")) if x)
        profile = f"{base_url}/people/{entry.other['id']}"
        lines = [_say(PROFILE, lang, url=profile), _say(YOUR_AGENDA, lang, url=f"{base_url}/events/{event.id}/agenda")]
        if m.get("message"):
            lines.append(_say(MESSAGE, lang, text=m["message"]))
        items.append(AgendaItem(f"meeting-{m['id']}@{UID_DOMAIN}", slot.start, slot.end,
                                _say(MEETING_WITH, lang, name=name), location=where, description="\n".join(lines),
                                url=profile, status="CANCELLED" if m["status"] == "cancelled" else "CONFIRMED",
                                sequence=int(m.get("sequence") or 0)))
    return agenda_calendar(items, name=event.title(lang), organizer_email=organizer_email, stamp=now or utcnow(),
                           language="en" if lang == "en" else "de")
