"""Staff pages of events: create and edit, participants, the meeting grid, who has no
meeting yet (with suggestions), the scheduler run with its report, the grid as CSV, name badges as PDF."""
from __future__ import annotations

from flask import Response, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from kim_network.extensions import current_projection, get_store
from kim_network.services import event_badges, event_matches, event_schedule as sched, events as ev, meetings as mt
from kim_network.web.access import current_viewer, staff_required
from kim_network.web.events.forms import EventForm
from kim_network.web.events.routes import base_url, boosts, bp, lang, now
from kim_network.web.mail import send_mail

REASONS = {
    "no_common_slot": _l("no free slot in common"),
    "slot_not_free": _l("the slot asked for is not free for both"),
    "cap_reached": _l("meeting cap reached"),
    "no_table": _l("no table left"),
    "people_busy": _l("both busy with other meetings"),
    "not_reached": _l("the solver's time limit"),
    "conflict": _l("booked meanwhile by someone else"),
}
EVENT_ERRORS = {
    "slot_overlap": _l("Two slots overlap."),
    "slot_outside_event": _l("A slot lies outside the event's time."),
    "slot_end_before_start": _l("A slot must end after it starts."),
    "bad_slot": _l("Write each slot as HH:MM-HH:MM."),
    "bad_time": _l("Enter a time as HH:MM."),
    "bad_slot_length": _l("A slot lasts 5 to 240 minutes."),
    "empty_grid": _l("No slot fits into these times."),
    "window_end_before_start": _l("The meeting window must end after it starts."),
    "too_many_slots": _l("That is too many slots."),
    "bad_gap": _l("Enter 0 to 240 minutes."),
    "bad_break": _l("A break must end after it starts."),
    "bad_date": _l("Enter the date as YYYY-MM-DD."),
    "end_before_start": _l("The event must end after it starts."),
    "bad_format": _l("Choose one of the listed formats."),
    "bad_visibility": _l("Choose one of the listed options."),
    "bad_number": _l("Enter a whole number in the allowed range."),
    "no_tables": _l("A meeting grid needs at least one table."),
    "deadline_after_start": _l("The registration deadline must not be after the start."),
    "required": _l("Enter a title."),
    "too_long": _l("The text is too long."),
    "slot_in_use": _l("A meeting is scheduled in a slot you removed."),
    "table_in_use": _l("Meetings are scheduled at tables you removed."),
}
FIELDS = ("title", "title_en", "format", "date", "start_time", "end_time", "city", "place", "description_de",
          "description_en", "visibility", "registration_deadline", "slots_from", "slots_until", "slot_minutes",
          "slot_gap", "breaks", "slot_lines", "tables", "meeting_cap")


def _input(form: EventForm) -> ev.EventInput:
    data = {name: getattr(form, name).data for name in FIELDS}
    for name in ("slot_minutes", "slot_gap", "tables"):
        if data[name] is None:
            data[name] = {"slot_minutes": 20, "slot_gap": 0, "tables": 0}[name]
    return ev.EventInput(**{k: ("" if v is None and k != "meeting_cap" else v) for k, v in data.items()})


def _fill(form: EventForm, event: ev.Event) -> None:
    node = event.node
    for name in ("title", "title_en", "format", "date", "start_time", "end_time", "city", "place",
                 "description_de", "description_en", "visibility", "tables", "meeting_cap"):
        getattr(form, name).data = node.get(name)
    form.registration_deadline.data = (node.get("registration_deadline") or "").replace("T", " ")
    form.slot_lines.data = "\n".join(f"{s.start:%H:%M}-{s.end:%H:%M}" for s in event.grid)
    form.slots_from.data = form.slots_until.data = ""


def _save(form: EventForm, event_id: str | None):
    if not form.validate_on_submit():
        return None, 400
    try:
        event = ev.save_event(get_store(), current_viewer(), _input(form), event_id, now=now())
    except ev.EventError as exc:
        target = getattr(form, exc.field or "", None) or form.slot_lines
        target.errors = list(target.errors) + [str(EVENT_ERRORS.get(exc.code, exc.message))]
        return None, (409 if exc.status == 409 else 400)
    return event, 200


@bp.route("/staff/events/new", methods=["GET", "POST"])
@staff_required
def staff_new():
    form = EventForm()
    event, status = _save(form, None) if form.is_submitted() else (None, 200)
    if event is not None:
        flash(_("The event is saved."), "success")
        return redirect(url_for("events.staff_event", event_id=event.id))
    return render_template("events/staff_form.html", form=form, event=None), status


@bp.route("/staff/events/<event_id>/edit", methods=["GET", "POST"])
@staff_required
def staff_edit(event_id: str):
    current = ev.get_event(get_store(), current_viewer(), event_id)
    form = EventForm()
    if not form.is_submitted():
        _fill(form, current)
        return render_template("events/staff_form.html", form=form, event=current)
    event, status = _save(form, current.id)
    if event is not None:
        flash(_("The event is saved."), "success")
        return redirect(url_for("events.staff_event", event_id=event.id))
    return render_template("events/staff_form.html", form=form, event=current), status


def _staff_page(event, report=None, status=200):
    store, viewer = get_store(), current_viewer()
    people = ev.participants(store, viewer, event)
    grid = sched.meeting_grid(store, viewer, event)
    lonely = sched.without_meetings(store, viewer, event)
    proj = current_projection()
    ideas = {r.person_id: event_matches.for_staff(proj, store, viewer, event, r.person_id, 3, boosts())
             for r in lonely[:30]}
    meetings = mt.of_event(store, event.id)
    return render_template("events/staff_event.html", event=event, people=people, grid=grid, lonely=lonely,
                           ideas=ideas, figures=sched.figures(store, event), report=report, reasons=REASONS,
                           unplaced=[m for m in meetings if m["status"] == "accepted"], lang=lang(),
                           names={r.person_id: r.name for r in people}), status


@bp.get("/staff/events/<event_id>")
@staff_required
def staff_event(event_id: str):
    return _staff_page(ev.get_event(get_store(), current_viewer(), event_id))


@bp.post("/staff/events/<event_id>/schedule")
@staff_required
def staff_schedule(event_id: str):
    """Run the scheduler now and show what it placed and why the rest was not placed."""

    store, viewer = get_store(), current_viewer()
    event = ev.get_event(store, viewer, event_id)
    try:
        report = sched.run_scheduler(store, viewer, event.id, now=now(), mailer=send_mail, base_url=base_url())
    except ev.EventError as exc:
        flash(str(EVENT_ERRORS.get(exc.code, exc.message)), "error")
        return _staff_page(event, status=409)
    flash(_("%(placed)s meetings placed, %(left)s not placed.", placed=report.placed, left=len(report.unplaced)),
          "success")
    return _staff_page(ev.get_event(store, viewer, event.id), report)


@bp.get("/staff/events/<event_id>/grid.csv")
@staff_required
def staff_grid_csv(event_id: str):
    store, viewer = get_store(), current_viewer()
    event = ev.get_event(store, viewer, event_id)
    return Response(sched.grid_csv(store, viewer, event, lang()), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kim-meetings-{event.id}.csv"'})


@bp.get("/staff/events/<event_id>/badges.pdf")
@staff_required
def staff_badges_pdf(event_id: str):
    store, viewer = get_store(), current_viewer()
    event = ev.get_event(store, viewer, event_id)
    fonts = (current_app.config["BADGE_FONT"], current_app.config["BADGE_FONT_BOLD"])
    pdf = event_badges.badges_pdf(store, viewer, event, lang(), base_url(), fonts)
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="kim-badges-{event.id}.pdf"'})
