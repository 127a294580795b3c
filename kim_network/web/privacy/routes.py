"""Views: /account (my data), /account/export, /account/delete, /privacy/consent/<version>, /staff/audit."""
from __future__ import annotations

import json

from flask import abort, Blueprint, flash, redirect, render_template, request, Response, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from kim_network.services import audit
from kim_network.services.limits import DELETE_PASSWORD_PER_ACCOUNT
from kim_network.web.access import end_session, staff_required
from kim_network.extensions import get_store
from kim_network.core.model import ID_RE, Label, display_name
from kim_network.services import privacy as service
from kim_network.web.errors import show_on_form
from kim_network.web.privacy.forms import DeleteAccountForm

bp = Blueprint("privacy", __name__)


def _is_id(value: str) -> bool:
    return bool(ID_RE.match(value or ""))


@bp.get("/account")
@login_required
def account():
    """What the network keeps about me, with export and deletion."""
    node = get_store().get_node(Label.ACCOUNT, current_user.id) or current_user.node
    return render_template(
        "privacy/account.html",
        node=service.public_account(node),
        consent_known=service.consent_template(node.get("consent_version") or "") is not None,
        form=DeleteAccountForm(),
    )


@bp.get("/account/export")
@login_required
def export():
    """Everything stored about me as a JSON download."""
    data = service.export_personal_data(get_store(), current_user.id)
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="kim-netzwerk-meine-daten.json"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    status = 200
    if form.validate_on_submit():
        store = get_store()
        # The form must not become a way around the login lockout for a hijacked session:
        # 5 wrong passwords per account in 15 minutes, counted in the store like logins.
        if not DELETE_PASSWORD_PER_ACCOUNT.take(store, current_user.id):
            flash(_("Too many wrong passwords. Please wait 15 minutes and try again."), "error")
            return render_template("privacy/delete.html", form=form), 429
        try:
            service.delete_account(store, current_user.id, form.password.data)
        except service.PrivacyError as exc:
            if exc.field != "password":
                DELETE_PASSWORD_PER_ACCOUNT.give_back(store, current_user.id)
            show_on_form(form, exc)
            status = 400
        else:
            end_session()
            flash(_("Your account and your personal data have been deleted."), "success")
            return redirect(url_for("main.index"))
    elif form.is_submitted():
        status = 400
    return render_template("privacy/delete.html", form=form), status


@bp.get("/privacy/consent/<version>")
def consent(version: str):
    """The text of one version of the privacy notice, as people agreed to it."""
    template = service.consent_template(version)
    if template is None:
        abort(404, description=_l("There is no privacy notice with this version."))
    return render_template(template, consent_version=version)


@bp.get("/staff/audit")
@staff_required
def audit_log():
    """The audit log of staff actions and deletions, newest first, paged."""
    page = request.args.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 100_000:
        abort(400, description=_l("The page number must be a whole number from 1."))
    page = int(page)
    store = get_store()
    result = audit.recent(store, page=page)
    pages = max(1, (result.total + audit.PAGE_SIZE - 1) // audit.PAGE_SIZE)
    actor_ids = sorted({e["actor"] for e in result.items if _is_id(e["actor"])} |
                       {e.get("subject") for e in result.items if e.get("action", "").startswith("account.")
                        and _is_id(e.get("subject") or "")})
    actors = {a["id"]: a.get("name") or a["email"] for a in store.get_nodes(Label.ACCOUNT, actor_ids).values()}
    org_ids = set()
    for entry in result.items:
        detail = _detail(entry)
        org_ids |= {detail.get("source"), detail.get("target")} - {None}
        label, _sep, node_id = (entry.get("subject") or "").partition(" ")
        if entry.get("action") == "edit_profile" and label == Label.ORGANIZATION.value:
            org_ids.add(node_id)
    names = {i: display_name(Label.ORGANIZATION, n)
             for i, n in store.get_nodes(Label.ORGANIZATION, sorted(i for i in org_ids if _is_id(i))).items()}
    entries = [{**e, "sentence": _sentence(e, actors, names)} for e in result.items]
    return render_template("privacy/audit.html", entries=entries, total=result.total,
                           page=page, pages=pages, actors=actors)


def _detail(entry: dict) -> dict:
    try:
        value = json.loads(entry.get("detail") or "{}")
    except ValueError:
        return {"text": entry.get("detail")}
    return value if isinstance(value, dict) else {"text": str(value)}


# Fields an edit names, in the words of the profile form.
_FIELD_WORDS = {
    "name": _l("name"), "short_name": _l("short name"), "kind": _l("kind"), "sme": _l("SME"), "city": _l("city"),
    "region": _l("region"), "website": _l("website"), "description_de": _l("German description"),
    "description_en": _l("English description"), "contact_email": _l("contact e-mail"),
    "contact_phone": _l("contact phone"), "visibility": _l("visibility"), "email": _l("e-mail"),
    "phone": _l("phone"), "title": _l("title"), "offers": _l("offers"), "needs": _l("needs"), "skills": _l("skills"),
}


def _sentence(entry: dict, actors: dict, names: dict) -> str:
    """One audit entry as a sentence: who did what to which record."""
    actor = actors.get(entry.get("actor"), entry.get("actor") or _("the system"))
    if actor == "self-service":
        actor = _("the account owner")
    action, subject, detail = entry.get("action") or "", entry.get("subject") or "", _detail(entry)
    if action == "account.approve":
        return _("%(actor)s approved the account %(email)s.", actor=actor, email=detail.get("text") or subject)
    if action == "account.reject":
        return _("%(actor)s rejected the registration %(email)s and deleted it.", actor=actor,
                 email=detail.get("text") or subject)
    if action == "account.delete":
        return _("%(actor)s deleted an account; personal data was removed, counts were kept.", actor=actor)
    if action == "account.role":
        return _("%(actor)s changed the role of %(account)s from %(old)s to %(new)s.", actor=actor,
                 account=actors.get(subject, subject), old=detail.get("from") or "–", new=detail.get("to") or "–")
    if action == "edit_profile":
        label, _sep, node_id = subject.partition(" ")
        fields = [str(_FIELD_WORDS.get(f, f.replace("_", " "))) for f in detail.get("changed", []) + detail.get("skills", [])]
        what = names.get(node_id, node_id) if label == Label.ORGANIZATION.value else node_id
        return _("%(actor)s edited the profile “%(name)s”: %(fields)s.", actor=actor, name=what,
                 fields=", ".join(fields) or _("no field"))
    if action == "merge_organizations":
        moved = sum((detail.get("moved") or {}).values()) if isinstance(detail.get("moved"), dict) else 0
        return _("%(actor)s merged “%(source)s” into “%(target)s”; %(count)d relationships and records moved.",
                 actor=actor, source=detail.get("source_name") or detail.get("source") or "?",
                 target=names.get(detail.get("target"), detail.get("target") or "?"), count=moved)
    if action == "call.create":
        return _("%(actor)s added the call %(code)s “%(title)s” (deadline %(deadline)s).", actor=actor, code=subject,
                 title=detail.get("title") or "", deadline=detail.get("deadline") or "–")
    return _("%(actor)s: %(action)s %(subject)s", actor=actor, action=action.replace("_", " ").replace(".", " "),
             subject=subject)
