"""Member pages of events: list, detail, registration, per-event needs and availability,
suggested meetings, requests and answers, the agenda and its .ics file, "we met"."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, gettext as _, lazy_gettext as _l

from kim_network.core.clock import utcnow
from kim_network.core.errors import DomainError, NotAllowed
from kim_network.core.model import Label, display_name
from kim_network.extensions import current_projection, get_store
from kim_network.services import agenda as agenda_service, event_matches, events as ev, meetings as mt
from kim_network.services.profiles import resolve_skills
from kim_network.services.recommendations import Boosts
from kim_network.web.access import current_viewer, member_required
from kim_network.web.events.forms import AnswerForm, MeetingRequestForm, OutcomeForm, PreferencesForm
from kim_network.web.mail import public_base_url, send_mail

# What a person reads for each rule the services enforce (the services' own text is English).
ERRORS = {
    "registration_closed": _l("Registration for this event is closed."),
    "no_person": _l("Your account has no personal profile yet; add one to take part."),
    "not_registered": _l("You are not registered for this event."),
    "started": _l("The event has started; this can no longer be changed."),
    "over": _l("The event is over."),
    "slot_outside_grid": _l("This slot is not part of the event's meeting grid."),
    "busy_slot": _l("You have a meeting in a slot you want to leave; cancel that meeting first."),
    "unknown_skill": _l("Unknown skill."),
    "too_many_skills": _l("Choose at most 30 skills."),
    "bad_cap": _l("Enter a number from 0 to the number of slots."),
    "too_long": _l("The text is too long."),
    "no_matchmaking": _l("This event has no meeting slots."),
    "self_meeting": _l("You cannot request a meeting with yourself."),
    "not_participant": _l("This person does not take part in the event."),
    "deadline_passed": _l("Meeting requests for this event are closed."),
    "message_required": _l("Please write a short message."),
    "not_available": _l("One of you is not free in this slot."),
    "no_common_slot": _l("You and the other person have no free slot in common."),
    "duplicate": _l("There is already an open meeting request between you two."),
    "double_booking": _l("This slot is already taken for one of you."),
    "no_table": _l("No table is left in this slot."),
    "answered": _l("This request was already answered."),
    "not_open": _l("There is nothing to cancel."),
    "too_early": _l("You can say how it went once the meeting has begun."),
    "bad_outcome": _l("Say whether you met."),
    "bad_follow_up": _l("Choose useful or not useful (only for a meeting that took place)."),
    "not_accepted": _l("Only an accepted meeting can have taken place."),
}

bp = Blueprint("events", __name__)


def error_text(exc: DomainError) -> str:
    code = getattr(exc, "code", None)
    return str(ERRORS.get(code, exc.message))


def now():
    """The current time; tests of the whole journey replace the app's clock."""
    clock = current_app.extensions.get("kim.clock")
    return clock() if clock else utcnow()


def lang() -> str:
    return str(get_locale() or "de")[:2]


def base_url() -> str:
    return public_base_url()  # KIM_BASE_URL, never the request's Host header


def boosts() -> Boosts:
    return Boosts.from_config(current_app.config)


def _event(event_id):
    return ev.get_event(get_store(), current_viewer(), event_id)


def _registration(event):
    viewer = current_viewer()
    return ev.registration(get_store(), event.id, viewer.person_id)


@bp.get("/events")
def index():
    """Upcoming KI.M events, and the past ones below."""
    store, viewer = get_store(), current_viewer()
    upcoming = ev.list_events(store, viewer, upcoming=True, now=now())
    past = ev.list_events(store, viewer, upcoming=False, now=now(), limit=20)
    mine = {}
    if viewer.person_id:
        for event in upcoming:
            reg = ev.registration(store, event.id, viewer.person_id)
            if reg and reg.active:
                mine[event.id] = reg
    return render_template("events/index.html", upcoming=upcoming, past=past, mine=mine, lang=lang())


@bp.get("/events/<event_id>")
def detail(event_id: str):
    store, viewer = get_store(), current_viewer()
    event = _event(event_id)
    reg = _registration(event)
    count = None
    if viewer.is_staff or (reg and reg.active):
        count = len(ev.participants(store, viewer, event))
    return render_template("events/detail.html", event=event, reg=reg, lang=lang(), participants_count=count,
                           open=event.is_open(now()), over=event.is_over(now()), started=event.has_started(now()))


def _event_step(event_id: str, action, done: str, then: str):
    """An event button: `action(store, viewer, event id, now=...)`, then `done` is shown on the
    page `then`; a refusal gets the page that says why."""
    event = _event(event_id)
    try:
        action(get_store(), current_viewer(), event.id, now=now())
    except DomainError as exc:
        return _refused(event, exc)
    flash(done, "success")
    return redirect(url_for(then, event_id=event.id))


@bp.post("/events/<event_id>/register")
@member_required
def register(event_id: str):
    return _event_step(event_id, ev.register,
                       _("You are registered. Tell us what you look for and when you are free."), "events.preferences")


@bp.post("/events/<event_id>/cancel")
@member_required
def cancel_registration(event_id: str):
    return _event_step(event_id, mt.cancel_registration, _("Your registration is cancelled."), "events.detail")


def _refused(event, exc: DomainError):
    """The page that says why an action was refused (nothing was changed)."""
    status = 409 if exc.status == 409 else 403 if isinstance(exc, NotAllowed) else 400
    return render_template("events/message.html", event=event, message=error_text(exc), lang=lang()), status


def _skill_text(store, ids, language):
    nodes = store.get_nodes(Label.SKILL, ids)
    return ", ".join(display_name(Label.SKILL, nodes[i], language) for i in ids if i in nodes)


def _participant_or_404(event):
    reg = _registration(event)
    if reg is None or not reg.active:
        abort(404)
    return reg


def _as_participant(event_id: str):
    """(store, viewer, event, my active registration) for a page only participants see (404 otherwise)."""
    event = _event(event_id)
    return get_store(), current_viewer(), event, _participant_or_404(event)


@bp.route("/events/<event_id>/preferences", methods=["GET", "POST"])
@member_required
def preferences(event_id: str):
    """What I look for and offer at this event, my free slots, my cap and note."""
    store, viewer, event, reg = _as_participant(event_id)
    form = PreferencesForm()
    form.availability.choices = [(s.id, s.label) for s in event.grid]
    status = 200
    if request.method == "GET":
        form.looks_for.data = _skill_text(store, reg.looks_for, lang())
        form.offers.data = _skill_text(store, reg.offers, lang())
        form.availability.data = reg.availability
        cap = reg.props.get("max_meetings")
        form.max_meetings.data = cap if cap is not None and cap < len(event.grid) else None
        form.note.data = reg.props.get("note") or ""
    elif form.validate_on_submit():
        try:
            looks_for = resolve_skills(store, form.looks_for.data or "", "looks_for")
            offers = resolve_skills(store, form.offers.data or "", "offers")
            ev.update_preferences(store, viewer, event.id, looks_for=looks_for, offers=offers,
                                  availability=form.availability.data or [], max_meetings=form.max_meetings.data,
                                  note=form.note.data or "", now=now())
        except DomainError as exc:
            target = getattr(form, exc.field or "", None) or form.availability
            target.errors = list(target.errors) + [error_text(exc) if getattr(exc, "code", None) else str(exc.message)]
            status = 409 if exc.status == 409 else 400
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("events.suggested", event_id=event.id))
    else:
        status = 400
    return render_template("events/preferences.html", event=event, form=form, lang=lang()), status


@bp.get("/events/<event_id>/participants")
@member_required
def participants(event_id: str):
    store, viewer = get_store(), current_viewer()
    event = _event(event_id)
    people = ev.participants(store, viewer, event)
    return render_template("events/participants.html", event=event, people=people, lang=lang())


def _slot_choices(event, reg, other=None):
    free = set(reg.availability) & (set(other.availability) if other else set(reg.availability))
    return [("", _("Any free slot (the scheduler finds one)"))] + [(s.id, s.label) for s in event.grid if s.id in free]


@bp.get("/events/<event_id>/suggestions")
@member_required
def suggested(event_id: str):
    """Suggested meetings among the participants, with reasons, each with a request form."""
    store, viewer, event, reg = _as_participant(event_id)
    found = event_matches.suggestions(current_projection(), store, viewer, event, k=12, boosts=boosts())
    forms = {}
    for s in found:
        form = MeetingRequestForm(prefix=s.person_id, formdata=None)
        form.recipient.data = s.person_id
        form.slot.choices = _slot_choices(event, reg, s.registration)
        forms[s.person_id] = form
    return render_template("events/suggestions.html", event=event, suggestions=found, forms=forms, lang=lang(),
                           open=event.is_open(now()))


@bp.post("/events/<event_id>/meetings")
@member_required
def request_meeting(event_id: str):
    store, viewer, event, reg = _as_participant(event_id)
    recipient = request.form.get("recipient", "")[:64]
    prefix = recipient if recipient and all(c.isalnum() or c in "-_.:" for c in recipient) else ""
    form = MeetingRequestForm(prefix=prefix)
    form.slot.choices = _slot_choices(event, reg)
    if not form.validate_on_submit():
        return render_template("events/message.html", event=event, message=_("Please write a short message."),
                               lang=lang()), 400
    try:
        value = event_matches.strength(current_projection(), store, viewer, event, form.recipient.data, boosts())
        mt.request(store, viewer, event.id, form.recipient.data, form.slot.data or None, form.message.data,
                   value=value, now=now(), mailer=send_mail, base_url=base_url())
    except DomainError as exc:
        if isinstance(exc, ev.EventNotFound):
            raise
        return _refused(event, exc)
    flash(_("Your request has been sent."), "success")
    return redirect(url_for("events.agenda", event_id=event.id))


@bp.get("/events/<event_id>/agenda")
@member_required
def agenda(event_id: str):
    """My meetings: scheduled ones by time, requests to answer, contacts once accepted."""
    store, viewer = get_store(), current_viewer()
    event = _event(event_id)
    reg = _registration(event)
    if reg is None:
        abort(404)
    entries = mt.agenda(store, viewer, event)
    contacts = {e.meeting["id"]: mt.contacts(store, viewer, e.meeting) for e in entries}
    current = now()
    can_outcome = {}
    for e in entries:
        m = e.meeting
        begun = (e.slot.start if e.slot and m["status"] == "scheduled" else event.starts)
        can_outcome[m["id"]] = m["status"] in ("scheduled", "accepted") and begun is not None \
            and ev.local_now(current) >= begun
    return render_template("events/agenda.html", event=event, reg=reg, entries=entries, contacts=contacts,
                           answer_form=AnswerForm(), outcome_form=OutcomeForm(), can_outcome=can_outcome,
                           lang=lang(), table_label=agenda_service.table_label)


@bp.get("/events/<event_id>/agenda.ics")
@member_required
def agenda_ics(event_id: str):
    store, viewer = get_store(), current_viewer()
    event = _event(event_id)
    body = agenda_service.calendar_file(store, viewer, event, base_url=base_url(), lang=lang(), now=now(),
                                        organizer_email=current_app.config.get("MAIL_FROM") or "netzwerk@ki-m.example")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="kim-agenda-{event.id}.ics"',
        "Cache-Control": "no-store"})


def _meeting_action(meeting_id: str, action):
    store, viewer = get_store(), current_viewer()
    meeting = mt.get_meeting(store, viewer, meeting_id)
    try:
        action(store, viewer, meeting)
    except DomainError as exc:
        if isinstance(exc, (mt.MeetingNotFound, ev.EventNotFound)):
            raise
        return _refused(ev.get_event(store, viewer, meeting["event"]), exc)
    return redirect(url_for("events.agenda", event_id=meeting["event"]))


def _answered(meeting_id: str, action):
    """A meeting button: check its form, then run `action(store, viewer, meeting, reply, **mail)`,
    where `mail` is what the service needs to tell the other side."""
    form = AnswerForm()
    if not form.validate_on_submit():
        abort(400)
    return _meeting_action(meeting_id, lambda store, viewer, m: action(
        store, viewer, m, form.reply.data, now=now(), mailer=send_mail, base_url=base_url()))


@bp.post("/meetings/<meeting_id>/accept")
@member_required
def accept(meeting_id: str):
    return _answered(meeting_id, lambda store, viewer, m, reply, **mail: mt.answer(
        store, viewer, m["id"], True, reply, **mail))


@bp.post("/meetings/<meeting_id>/decline")
@member_required
def decline(meeting_id: str):
    return _answered(meeting_id, lambda store, viewer, m, reply, **mail: mt.answer(
        store, viewer, m["id"], False, reply, **mail))


@bp.post("/meetings/<meeting_id>/cancel")
@member_required
def cancel(meeting_id: str):
    return _answered(meeting_id, lambda store, viewer, m, _reply, **mail: mt.cancel(store, viewer, m["id"], **mail))


@bp.post("/meetings/<meeting_id>/outcome")
@member_required
def outcome(meeting_id: str):
    store, viewer = get_store(), current_viewer()
    meeting = mt.get_meeting(store, viewer, meeting_id)
    if mt.side_of(viewer, meeting) is None:
        abort(403)  # staff see the meeting, but only its two people say how it went
    form = OutcomeForm()
    if not form.validate_on_submit():
        event = ev.get_event(store, viewer, meeting["event"])
        return render_template("events/message.html", event=event, message=_("Say whether you met."),
                               lang=lang()), 400
    return _meeting_action(meeting_id, lambda store, viewer, m: mt.record_outcome(
        store, viewer, m["id"], form.outcome.data, form.follow_up.data or None, now=now()))
