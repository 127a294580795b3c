"""The agenda file: what Outlook, Google Calendar and Apple Calendar need to import it correctly."""
import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
import pytest

from kim_network.scheduling.ical import AgendaItem, agenda_calendar, vtimezone

STAMP = dt.datetime(2026, 5, 20, 6, 30, tzinfo=dt.timezone.utc)
BERLIN = ZoneInfo("Europe/Berlin")


def meeting(n, start, minutes=20, **kw):
    return AgendaItem(f"meeting-{n}@kim-netzwerk.example", start, start + dt.timedelta(minutes=minutes),
                      kw.pop("summary", f"Treffen {n}"), **kw)


def build(items, **kw):
    return agenda_calendar(items, name=kw.pop("name", "KI.M Meetup „KI im Lokaljournalismus“"),
                           organizer_email="netzwerk@ki-m.example", stamp=STAMP, **kw)


def test_the_file_parses_back_with_every_field_a_calendar_needs():
    items = [
        meeting(1, dt.datetime(2026, 6, 3, 14, 0), summary="Treffen mit Isarwelle TV GmbH",
                location="Tisch 4, Haus der Medien; München", description="Profil: https://kim.example/organizations/demo-sme\nBis gleich!",
                url="https://kim.example/events/e1/agenda"),
        meeting(2, dt.datetime(2026, 6, 3, 14, 40)),
    ]
    ics = build(items)
    cal = icalendar.Calendar.from_ical(ics)
    assert str(cal["version"]) == "2.0" and str(cal["method"]) == "PUBLISH"
    assert "KI.M Netzwerk" in str(cal["prodid"])
    assert str(cal["x-wr-timezone"]) == "Europe/Berlin"
    assert str(cal["x-wr-calname"]) == "KI.M Meetup „KI im Lokaljournalismus“"
    events = cal.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == ["meeting-1@kim-netzwerk.example", "meeting-2@kim-netzwerk.example"]
    first = events[0]
    assert first.decoded("dtstamp") == STAMP
    assert first["dtstart"].params["TZID"] == "Europe/Berlin"
    assert first.decoded("dtstart") == dt.datetime(2026, 6, 3, 14, 0, tzinfo=BERLIN)
    assert first.decoded("dtstart").astimezone(dt.timezone.utc) == dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.timezone.utc)
    assert first.decoded("dtend") - first.decoded("dtstart") == dt.timedelta(minutes=20)
    assert str(first["location"]) == "Tisch 4, Haus der Medien; München"
    assert str(first["description"]).endswith("Bis gleich!")
    assert str(first["organizer"]) == "mailto:netzwerk@ki-m.example"
    assert str(first["status"]) == "CONFIRMED"
    assert "ATTENDEE" not in first  # PUBLISH carries no attendees (RFC 5546)


def test_the_timezone_comes_first_and_matches_the_tz_database_in_summer_and_winter():
    ics = build([meeting(1, dt.datetime(2026, 6, 3, 14)), meeting(2, dt.datetime(2026, 12, 1, 10))])
    text = ics.decode()
    assert text.index("BEGIN:VTIMEZONE") < text.index("BEGIN:VEVENT")
    (tz_component,) = icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")
    assert str(tz_component["tzid"]) == "Europe/Berlin"
    as_written = tz_component.to_tz()
    for moment in (dt.datetime(2026, 6, 3, 14), dt.datetime(2026, 12, 1, 10), dt.datetime(2027, 3, 28, 3, 30),
                   dt.datetime(2026, 10, 25, 4), dt.datetime(2031, 7, 1, 12)):
        assert moment.replace(tzinfo=as_written).utcoffset() == moment.replace(tzinfo=BERLIN).utcoffset(), moment


def test_other_zones_get_their_transitions_from_the_tz_database():
    moment = dt.datetime(2026, 6, 3, 14)
    tz = vtimezone("America/New_York", [moment]).to_tz()
    assert moment.replace(tzinfo=tz).utcoffset() == dt.timedelta(hours=-4)


def test_lines_are_crlf_and_folded():
    long_text = "Wir möchten über automatische Untertitel für Dialekte sprechen. " * 5
    ics = build([meeting(1, dt.datetime(2026, 6, 3, 14), description=long_text)])
    lines = ics.split(b"\r\n")
    assert ics.endswith(b"\r\n") and b"\n" not in ics.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    parsed = icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]
    assert str(parsed["description"]) == long_text


def test_the_same_meeting_keeps_its_uid_and_a_moved_one_a_higher_sequence():
    before = build([meeting(7, dt.datetime(2026, 6, 3, 14))])
    after = build([meeting(7, dt.datetime(2026, 6, 3, 15), sequence=1)])
    (b,), (a,) = (icalendar.Calendar.from_ical(x).walk("VEVENT") for x in (before, after))
    assert str(a["uid"]) == str(b["uid"]) and int(a["sequence"]) > int(b["sequence"])


def test_a_cancelled_meeting_is_published_as_cancelled():
    ics = build([meeting(3, dt.datetime(2026, 6, 3, 14), status="CANCELLED")])
    assert str(icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["status"]) == "CANCELLED"


def test_an_empty_agenda_is_still_a_valid_calendar():
    cal = icalendar.Calendar.from_ical(build([]))
    assert cal.walk("VEVENT") == [] and str(cal["method"]) == "PUBLISH"


@pytest.mark.parametrize("items, stamp", [
    ([meeting(1, dt.datetime(2026, 6, 3, 14)), meeting(1, dt.datetime(2026, 6, 3, 15))], STAMP),
    ([AgendaItem("x@y", dt.datetime(2026, 6, 3, 14), dt.datetime(2026, 6, 3, 14), "s")], STAMP),
    ([AgendaItem("x@y", dt.datetime(2026, 6, 3, 14, tzinfo=BERLIN), dt.datetime(2026, 6, 3, 15, tzinfo=BERLIN), "s")], STAMP),
    ([meeting(1, dt.datetime(2026, 6, 3, 14), status="MAYBE")], STAMP),
    ([], dt.datetime(2026, 5, 20)),
])
def test_malformed_agendas_are_refused(items, stamp):
    with pytest.raises(ValueError):
        agenda_calendar(items, name="x", organizer_email="a@b.example", stamp=stamp)
