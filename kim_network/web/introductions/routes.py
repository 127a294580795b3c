"""Pages of introductions (request, answer, status, staff funnel) and notifications."""
from __future__ import annotations

from flask import abort, Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kim_network.web.access import current_viewer, member_required
from kim_network.extensions import get_store
from kim_network.web.mail import public_base_url, send_mail
from kim_network.core.model import Label
from kim_network.core.visibility import can_see
from kim_network.services import notifications
from kim_network.services import introductions as service
from kim_network.web.introductions.forms import AnswerForm, MarkReadForm, RequestForm

bp = Blueprint("introductions", __name__)

STAFF_PAGE = 50


def _base_url() -> str:
    return public_base_url()  # KIM_BASE_URL, never the request's Host header


def _org(store, org_id):
    return store.get_node(Label.ORGANIZATION, org_id) if org_id else None


@bp.route("/introductions/new", methods=["GET", "POST"])
@member_required
def new():
    """The request form for one organisation (`?org=<id>`, optional `&reasons=` from a match)."""
    store, viewer = get_store(), current_viewer()
    form = RequestForm(data={"target_org": request.args.get("org", ""),
                             "reasons": request.args.get("reasons", "")[:5000]}
                       if request.method == "GET" else None)
    target = None
    if form.target_org.data:
        try:
            target = _org(store, form.target_org.data)
        except ValueError:
            target = None
    if target is None or not can_see(viewer, Label.ORGANIZATION, target):
        abort(404)
    existing = service.open_request(store, viewer, target["id"])
    status = 200
    if form.validate_on_submit():
        try:
            intro = service.request_introduction(store, viewer, target["id"], form.message.data,
                                                 form.reasons.data or "", mailer=send_mail,
                                                 base_url=_base_url())
        except service.IntroductionError as exc:
            messages = {
                409: _("There is already an open request to this organisation."),
                404: _("This organisation does not exist."),
            }
            form.message.errors.append(messages.get(exc.status) or (
                _("You cannot ask for an introduction to your own organisation.")
                if exc.field == "target_org" else _("Please check the message.")))
            status = 400 if exc.status != 409 else 409
        else:
            flash(_("Your request has been sent. You will be notified when %(org)s answers.",
                    org=target["name"]), "success")
            return redirect(url_for("introductions.detail", intro_id=intro["id"]))
    elif form.is_submitted():
        status = 400
    return render_template("introductions/new.html", form=form, target=target, existing=existing), status


@bp.get("/introductions")
@member_required
def index():
    """My sent and received requests; for staff also the funnel and every request."""
    store, viewer = get_store(), current_viewer()
    funnel, everything, pages = None, [], 1
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    if viewer.is_staff:
        # Reminders are due whenever someone looks; the function sends each one once.
        service.remind_unanswered(store, current_app.config["INTRO_REMINDER_DAYS"], mailer=send_mail,
                                  base_url=_base_url())
        funnel = service.funnel(store)
        listing = store.list_nodes(Label.INTRODUCTION, None, order_by="created_at", descending=True,
                                   limit=STAFF_PAGE, offset=(page - 1) * STAFF_PAGE)
        everything, pages = listing.items, max(1, -(-listing.total // STAFF_PAGE))
    mine = service.for_viewer(store, viewer)
    org_ids = {i.get(k) for i in mine.sent + mine.received + everything for k in ("target_org", "requester_org")}
    orgs = store.get_nodes(Label.ORGANIZATION, [o for o in org_ids if o])
    return render_template("introductions/index.html", mine=mine, funnel=funnel, everything=everything,
                           orgs=orgs, page=page, pages=pages)


@bp.get("/introductions/<intro_id>")
@member_required
def detail(intro_id: str):
    store, viewer = get_store(), current_viewer()
    intro = service.get_introduction(store, viewer, intro_id)
    return _render_detail(store, viewer, intro, AnswerForm())


def _render_detail(store, viewer, intro, form, status=200):
    requester = store.get_node(Label.ACCOUNT, intro["requester_account"]) or {}
    return render_template(
        "introductions/detail.html", intro=intro, form=form,
        target=_org(store, intro["target_org"]) or {"id": intro["target_org"], "name": intro["target_org"]},
        requester_org=_org(store, intro.get("requester_org")),
        requester_name=requester.get("name") or _("a member"),
        contacts=service.contacts(store, viewer, intro),
        can_answer=service.is_recipient_side(viewer, intro) and intro["status"] == service.OPEN,
        can_withdraw=viewer.account_id == intro["requester_account"] and intro["status"] == service.OPEN,
    ), status


def _answer(intro_id: str, accept: bool):
    store, viewer = get_store(), current_viewer()
    form = AnswerForm()
    intro = service.get_introduction(store, viewer, intro_id)
    if not form.validate_on_submit():
        return _render_detail(store, viewer, intro, form, 400)
    try:
        service.answer(store, viewer, intro_id, accept, form.reply.data, mailer=send_mail, base_url=_base_url())
    except service.IntroductionError:
        flash(_("This request was already answered."), "error")
        return redirect(url_for("introductions.detail", intro_id=intro_id))
    flash(_("Accepted: you can now see each other's contact details.") if accept
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


@bp.post("/introductions/<intro_id>/withdraw")
@member_required
def withdraw(intro_id: str):
    store, viewer = get_store(), current_viewer()
    if not AnswerForm().validate_on_submit():
        abort(400)
    try:
        service.withdraw(store, viewer, intro_id)
    except service.IntroductionError:
        flash(_("This request was already answered."), "error")
    else:
        flash(_("Your request has been withdrawn."), "success")
    return redirect(url_for("introductions.detail", intro_id=intro_id))


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
