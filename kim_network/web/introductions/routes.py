"""Pages of contact requests (ask, answer, status), KI.M's queue, bridging introductions, notifications."""
from __future__ import annotations

from flask import abort, Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kim_network.core.model import Label
from kim_network.core.visibility import can_see
from kim_network.extensions import current_projection, get_store
from kim_network.services import introduction_parties as parties, introduction_upkeep as upkeep
from kim_network.services import introductions as service
from kim_network.services import notifications
from kim_network.services.introduction_view import bridge_draft, describe, target_contact
from kim_network.services.recommendations import explain
from kim_network.web.access import current_viewer, member_required, staff_required
from kim_network.web.i18n import current_language
from kim_network.web.introductions.forms import AnswerForm, BridgeForm, MarkReadForm, OutcomeForm, RequestForm
from kim_network.web.mail import public_base_url, send_mail

bp = Blueprint("introductions", __name__)

STAFF_PAGE = 50


def _base_url() -> str:
    return public_base_url()  # KIM_BASE_URL, never the request's Host header


def _target(store, viewer, label: Label, node_id: str | None):
    if not node_id:
        return None
    try:
        node = store.get_node(label, node_id)
    except ValueError:
        return None
    return node if node is not None and can_see(viewer, label, node) and not node.get("merged_into") else None


def _own_subject(viewer):
    """Whom the member asks for: their organisation, else their own (research) profile."""
    if viewer.organization_id:
        return (Label.ORGANIZATION.value, viewer.organization_id)
    if viewer.person_id:
        return (Label.PERSON.value, viewer.person_id)
    return None


@bp.route("/introductions/new", methods=["GET", "POST"])
@member_required
def new():
    """The request form for one organisation (`?org=<id>`) or person (`?person=<id>`), with why it fits."""
    store, viewer = get_store(), current_viewer()
    form = RequestForm(data={"target_org": request.args.get("org", ""), "target_person": request.args.get("person", "")}
                       if request.method == "GET" else None)
    person = _target(store, viewer, Label.PERSON, form.target_person.data)
    org = None if person else _target(store, viewer, Label.ORGANIZATION, form.target_org.data)
    target = person or org
    if target is None:
        abort(404)
    label = Label.PERSON if person else Label.ORGANIZATION
    if label is Label.PERSON:
        form.target_org.data = ""
    existing = service.open_request(store, viewer, None if person else org["id"], person["id"] if person else None)
    route = ("direct" if parties.person_account(store, person["id"]) else "staff") if person else \
        ("direct" if parties.org_accounts(store, org["id"]) else "staff")
    mine = _own_subject(viewer)
    reasons = explain(current_projection(), store, viewer, mine, (label.value, target["id"])) if mine else []
    status = 200
    if form.validate_on_submit():
        try:
            intro = service.request_introduction(store, viewer, None if person else org["id"], form.message.data,
                                                 mailer=send_mail, base_url=_base_url(),
                                                 target_person=person["id"] if person else None)
        except service.IntroductionError as exc:
            messages = {
                409: _("There is already an open request to this organisation or person."),
                404: _("This organisation or person does not exist."),
            }
            form.message.errors.append(messages.get(exc.status) or (
                _("You cannot send a contact request to yourself or your own organisation.")
                if exc.field in ("target_org", "target_person") else _("Please check the message.")))
            status = 400 if exc.status != 409 else 409
        else:
            if intro.get("route") == "staff":
                flash(_("Your request is with the KI.M team: %(name)s has no account here yet, so KI.M gets in "
                        "touch for you. You can follow the status on this page.", name=target["name"]), "success")
            else:
                flash(_("Your request has been sent. You will be notified when %(name)s answers.",
                        name=target["name"]), "success")
            return redirect(url_for("introductions.detail", intro_id=intro["id"]))
    elif form.is_submitted():
        status = 400
    return render_template("introductions/new.html", form=form, target=target, label=label.value, route=route,
                           existing=existing, reasons=reasons), status


@bp.get("/introductions")
@member_required
def index():
    """My sent and received requests; for staff also the funnel and every request."""
    store, viewer = get_store(), current_viewer()
    funnel, everything, pages, queue = None, [], 1, 0
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    if viewer.is_staff:
        # Reminders are due whenever someone looks; the function sends each one once.
        upkeep.remind_unanswered(store, current_app.config["INTRO_REMINDER_DAYS"], mailer=send_mail,
                                  base_url=_base_url())
        funnel = upkeep.funnel(store)
        listing = store.list_nodes(Label.INTRODUCTION, None, order_by="created_at", descending=True,
                                   limit=STAFF_PAGE, offset=(page - 1) * STAFF_PAGE)
        everything, pages = listing.items, max(1, -(-listing.total // STAFF_PAGE))
        queue = len(service.staff_queue(store, viewer))
    mine = service.for_viewer(store, viewer)
    rows = {i["id"]: describe(store, viewer, i) for i in mine.sent + mine.received + everything}
    return render_template("introductions/index.html", mine=mine, rows=rows, funnel=funnel, everything=everything,
                           page=page, pages=pages, queue=queue)


@bp.get("/introductions/<intro_id>")
@member_required
def detail(intro_id: str):
    store, viewer = get_store(), current_viewer()
    intro = service.get_introduction(store, viewer, intro_id)
    return _render_detail(store, viewer, intro, AnswerForm(), OutcomeForm())


def _render_detail(store, viewer, intro, form, outcome_form, status=200):
    view = describe(store, viewer, intro, current_projection())
    return render_template("introductions/detail.html", view=view, intro=view.intro, form=form,
                           outcome_form=outcome_form), status


def _answer(intro_id: str, accept: bool):
    store, viewer = get_store(), current_viewer()
    form = AnswerForm()
    intro = service.get_introduction(store, viewer, intro_id)
    if not form.validate_on_submit():
        return _render_detail(store, viewer, intro, form, OutcomeForm(formdata=None), 400)
    try:
        service.answer(store, viewer, intro_id, accept, form.reply.data, mailer=send_mail, base_url=_base_url())
    except service.IntroductionError:
        flash(_("This request was already answered."), "error")
        return redirect(url_for("introductions.detail", intro_id=intro_id))
    flash(_("Accepted: you can see each other's contact details once both sides agreed.") if accept
          else _("Declined. The requester has been told."), "success")
    return redirect(url_for("introductions.detail", intro_id=intro_id))


@bp.post("/introductions/<intro_id>/accept")
@member_required
def accept(intro_id: str):
    return _answer(intro_id, True)


@bp.post("/introductions/<intro_id>/decline")
@member_required
def decline(intro_id: str):
    return _answer(intro_id, False)


def _step(intro_id: str, step, refused: str, done: str):
    """A button that moves an introduction on: `step(store, viewer, intro_id)`, then `done` is
    shown, or `refused` when the service says the request is past that step."""
    store, viewer = get_store(), current_viewer()
    if not AnswerForm().validate_on_submit():
        abort(400)
    try:
        step(store, viewer, intro_id)
    except service.IntroductionError:
        flash(refused, "error")
    else:
        flash(done, "success")
    return redirect(url_for("introductions.detail", intro_id=intro_id))


@bp.post("/introductions/<intro_id>/withdraw")
@member_required
def withdraw(intro_id: str):
    return _step(intro_id, service.withdraw, _("This request was already answered."),
                 _("Your request has been withdrawn."))


@bp.post("/introductions/<intro_id>/met")
@member_required
def met(intro_id: str):
    return _step(intro_id, service.mark_met, _("Only an accepted request can be marked as met."),
                 _("Thank you: the meeting is recorded."))


# -- KI.M staff: the queue and bridging introductions -------------------------------------------
@bp.get("/introductions/queue")
@staff_required
def queue():
    """Vermittlung durch KI.M: requests nobody on the platform can answer, and open bridges."""
    store, viewer = get_store(), current_viewer()
    items = [describe(store, viewer, i) for i in service.staff_queue(store, viewer)]
    contacts = {v.id: target_contact(store, viewer, v.intro) for v in items if v.route == "staff"}
    return render_template("introductions/queue.html", items=items, staff_contacts=contacts,
                           outcome_form=OutcomeForm(formdata=None))


@bp.post("/introductions/<intro_id>/outcome")
@staff_required
def outcome(intro_id: str):
    store, viewer = get_store(), current_viewer()
    form = OutcomeForm()
    intro = service.get_introduction(store, viewer, intro_id)
    if not form.validate_on_submit():
        return _render_detail(store, viewer, intro, AnswerForm(formdata=None), form, 400)
    try:
        service.record_outcome(store, viewer, intro_id, form.outcome.data, form.note.data, mailer=send_mail,
                               base_url=_base_url())
    except service.IntroductionError:
        flash(_("This request is already closed."), "error")
    else:
        flash(_("The outcome is recorded and the requester has been told."), "success")
    if request.form.get("back") == "queue":
        return redirect(url_for("introductions.queue"))
    return redirect(url_for("introductions.detail", intro_id=intro_id))


@bp.route("/introductions/bridge", methods=["GET", "POST"])
@staff_required
def bridge():
    """Preview and send a three-way introduction of two organisations (`?a=<id>&b=<id>`)."""
    store, viewer, lang = get_store(), current_viewer(), current_language()
    form = BridgeForm(data={"org_a": request.args.get("a", ""), "org_b": request.args.get("b", "")}
                      if request.method == "GET" else None)
    a = _target(store, viewer, Label.ORGANIZATION, form.org_a.data)
    b = _target(store, viewer, Label.ORGANIZATION, form.org_b.data)
    if a is None or b is None or a["id"] == b["id"]:
        abort(404)
    proj = current_projection()
    if request.method == "GET":
        form.message.data = bridge_draft(proj, store, viewer, a["id"], b["id"], lang)
    status = 200
    if form.validate_on_submit():
        try:
            intro = service.introduce(store, viewer, a["id"], b["id"], form.message.data, mailer=send_mail,
                                      base_url=_base_url())
        except service.IntroductionError as exc:
            form.message.errors.append(_("These two organisations already have an open introduction.")
                                       if exc.status == 409 else _("Please check the message."))
            status = 409 if exc.status == 409 else 400
        else:
            flash(_("The introduction has been sent to both organisations."), "success")
            return redirect(url_for("introductions.detail", intro_id=intro["id"]))
    elif form.is_submitted():
        status = 400
    sides = []
    for me, other in ((a, b), (b, a)):
        accounts = parties.org_accounts(store, me["id"])
        sides.append({"org": me, "accounts": accounts,
                      "reasons": explain(proj, store, viewer, (Label.ORGANIZATION.value, me["id"]),
                                         (Label.ORGANIZATION.value, other["id"]))})
    return render_template("introductions/bridge.html", form=form, a=a, b=b, sides=sides), status


@bp.get("/notifications")
@member_required
def notifications_page():
    """The member's notifications, newest first, the unread ones marked (a read writes nothing)."""
    store, viewer = get_store(), current_viewer()
    notes = notifications.recent(store, viewer.account_id).items
    return render_template("introductions/notifications.html", notes=notes)


@bp.post("/notifications/read")
@member_required
def mark_notifications_read():
    """Mark one notification (`note`) or all of them read, in one write; back to the list."""
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    notifications.mark_read(get_store(), current_viewer().account_id, form.note.data or None)
    return redirect(url_for("introductions.notifications_page"))
