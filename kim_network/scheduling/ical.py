"""A personal event agenda as an iCalendar file (RFC 5545, published per RFC 5546).

The file is what Outlook, Google Calendar and Apple Calendar import without questions:

* ``METHOD:PUBLISH`` with an ``ORGANIZER`` and no attendees (a published agenda, not an
  invitation that asks for replies);
* a stable ``UID`` per meeting and a ``SEQUENCE`` that grows when the meeting moves, so
  importing the file again updates the entry instead of adding a second one;
* ``DTSTAMP`` in UTC, and times as local wall-clock times with ``TZID=Europe/Berlin``
  plus the matching ``VTIMEZONE`` before the events. The time zone is written as the
  yearly rule (last Sunday of March / October), which is how Outlook and Google export
  it themselves; when the rule does not match the system's tz database for a date in the
  file (should the EU ever change its rules), the transitions are written out from the
  database instead;
* ``X-WR-CALNAME`` / ``X-WR-TIMEZONE`` for the calendar's name in Google and Apple.

Text is escaped and lines are folded by the ``icalendar`` library.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable
from zoneinfo import ZoneInfo

import icalendar

DEFAULT_TZID = "Europe/Berlin"
PRODID = "-//KI.M Netzwerk//Event agenda//DE"
STATUSES = ("CONFIRMED", "TENTATIVE", "CANCELLED")


@dataclass(frozen=True)
class AgendaItem:
    """One entry of the agenda: a meeting, or the event itself.

    ``start`` and ``end`` are naive local times in the calendar's time zone. ``uid`` must
    be stable for the same meeting across downloads (``meeting-<id>@<domain>``).
    """

    uid: str
    start: dt.datetime
    end: dt.datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = "CONFIRMED"
    sequence: int = 0


def _last_sunday(year: int, month: int) -> dt.date:
    day = dt.date(year, month + 1, 1) - dt.timedelta(days=1) if month < 12 else dt.date(year, 12, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _eu_rule_offset(local: dt.datetime) -> dt.timedelta:
    """UTC offset of Central European Time under the EU rule (since 1996) at a local time."""
    spring = dt.datetime.combine(_last_sunday(local.year, 3), dt.time(2))
    autumn = dt.datetime.combine(_last_sunday(local.year, 10), dt.time(3))
    return dt.timedelta(hours=2 if spring <= local < autumn else 1)


def _observance(part, name: str, hours_before: int, first: dt.datetime):
    """A yearly change to `name` on the last Sunday of `first`'s month, from UTC+`hours_before`
    to the other of +1/+2."""
    part.add("tzname", name)
    part.add("tzoffsetfrom", dt.timedelta(hours=hours_before))
    part.add("tzoffsetto", dt.timedelta(hours=3 - hours_before))
    part.add("dtstart", first)
    part.add("rrule", {"freq": "yearly", "bymonth": first.month, "byday": "-1su"})
    return part


def _rule_timezone(tzid: str) -> icalendar.Timezone:
    tz = icalendar.Timezone()
    tz.add("tzid", tzid)
    tz.add("x-lic-location", tzid)
    # Summer time from the last Sunday of March, 02:00 (+1 -> +2), back on the last Sunday of October, 03:00.
    tz.add_component(_observance(icalendar.TimezoneDaylight(), "CEST", 1, dt.datetime(1970, 3, 29, 2, 0)))
    tz.add_component(_observance(icalendar.TimezoneStandard(), "CET", 2, dt.datetime(1970, 10, 25, 3, 0)))
    return tz


def vtimezone(tzid: str, moments: Iterable[dt.datetime]) -> icalendar.Timezone:
    """The ``VTIMEZONE`` for ``tzid`` that is right at every one of the local ``moments``.

    Central European zones get the compact yearly rule when it agrees with the tz
    database at each moment; anything else gets the database's transitions around them.

    >>> tz = vtimezone("Europe/Berlin", [dt.datetime(2026, 6, 3, 14)])
    >>> [c.name for c in tz.subcomponents], str(tz["tzid"])
    (['DAYLIGHT', 'STANDARD'], 'Europe/Berlin')
    """
    zone = ZoneInfo(tzid)
    moments = list(moments)
    central = tzid in {"Europe/Berlin", "Europe/Vienna", "Europe/Zurich", "Europe/Paris", "Europe/Amsterdam"}
    if central and all(_eu_rule_offset(m) == m.replace(tzinfo=zone).utcoffset() for m in moments):
        return _rule_timezone(tzid)
    years = [m.year for m in moments] or [dt.date.today().year]
    return icalendar.Timezone.from_tzinfo(
        zone, tzid=tzid, first_date=dt.date(min(years) - 1, 1, 1), last_date=dt.date(max(years) + 1, 12, 31)
    )


def agenda_calendar(
    items: Iterable[AgendaItem],
    *,
    name: str,
    organizer_email: str,
    organizer_name: str = "KI.M Netzwerk",
    stamp: dt.datetime,
    tzid: str = DEFAULT_TZID,
    language: str = "de",
) -> bytes:
    """An agenda as the bytes of an ``.ics`` file (CRLF lines, UTF-8).

    Parameters
    ----------
    items : iterable of AgendaItem
    name : str
        The calendar's name (``X-WR-CALNAME``), e.g. the event's title.
    organizer_email, organizer_name : str
        ``ORGANIZER`` of every entry (RFC 5546 requires one for ``PUBLISH``).
    stamp : datetime
        When the file was made (``DTSTAMP``); timezone-aware.
    tzid : str
        IANA zone the items' naive times are in.
    language : str
        ``LANGUAGE`` of the summaries (``de`` or ``en``).

    Examples
    --------
    >>> meeting = AgendaItem("meeting-7@kim-netzwerk.example", dt.datetime(2026, 6, 3, 14, 20),
    ...                      dt.datetime(2026, 6, 3, 14, 40), "Treffen: Isarwelle TV, Tisch 4",
    ...                      location="Tisch 4, Haus der Medien; München")
    >>> ics = agenda_calendar([meeting], name="KI.M Meetup", organizer_email="netzwerk@ki-m.example",
    ...                       stamp=dt.datetime(2026, 5, 20, 8, 0, tzinfo=dt.timezone.utc))
    >>> cal = icalendar.Calendar.from_ical(ics)
    >>> str(cal["method"]), [str(e["uid"]) for e in cal.walk("VEVENT")]
    ('PUBLISH', ['meeting-7@kim-netzwerk.example'])
    >>> b"DTSTART;TZID=Europe/Berlin:20260603T142000" in ics, b"LOCATION:Tisch 4\\\\, Haus der Medien\\\\; M" in ics
    (True, True)
    """
    if stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    zone = ZoneInfo(tzid)
    items = list(items)
    uids = [i.uid for i in items]
    if len(set(uids)) != len(uids):
        raise ValueError("two agenda items share a UID")
    for item in items:
        if item.start.tzinfo or item.end.tzinfo:
            raise ValueError("agenda times are naive local times")
        if item.end <= item.start:
            raise ValueError(f"{item.uid}: the end is not after the start")
        if item.status not in STATUSES:
            raise ValueError(f"{item.uid}: status must be one of {', '.join(STATUSES)}")
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tzid)
    if items:
        cal.add_component(vtimezone(tzid, [m for i in items for m in (i.start, i.end)]))
    utc_stamp = stamp.astimezone(dt.timezone.utc)
    organizer = icalendar.vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = icalendar.vText(organizer_name)
    for item in sorted(items, key=lambda i: (i.start, i.uid)):
        event = icalendar.Event()
        event.add("uid", item.uid)
        event.add("dtstamp", utc_stamp)
        event.add("dtstart", item.start.replace(tzinfo=zone))
        event.add("dtend", item.end.replace(tzinfo=zone))
        event.add("summary", item.summary, parameters={"language": language})
        if item.location:
            event.add("location", item.location)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url)
        event.add("organizer", organizer)
        event.add("status", item.status)
        event.add("sequence", int(item.sequence))
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return cal.to_ical()
