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
from kim_network.core.model import ID_RE, Label
from kim_network.services import privacy as service
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
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None:
                field.errors.append(exc.message)
            else:
                flash(str(exc.message), "error")
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
    actor_ids = sorted({e["actor"] for e in result.items if _is_id(e["actor"])})
    actors = {a["id"]: a.get("name") or a["email"] for a in store.get_nodes(Label.ACCOUNT, actor_ids).values()}
    return render_template("privacy/audit.html", entries=result.items, total=result.total,
                           page=page, pages=pages, actors=actors)
