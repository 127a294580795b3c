"""Views of accounts: login, logout, registration, password reset and staff approval."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from kim_network.extensions import get_store
from kim_network.web.mail import send_mail
from kim_network.web.i18n import current_language
from kim_network.services import accounts as service
from kim_network.services.duplicates import likely_duplicates
from kim_network.web.access import AccountUser, staff_required
from kim_network.web.auth.forms import LoginForm, RegistrationForm, ResetPasswordForm, ResetRequestForm
from kim_network.web.auth.limits import AttemptLimiter
from kim_network.web.security import safe_local_path

bp = Blueprint("auth", __name__)

LOGIN_FAILED = _l(
    "The e-mail address or the password is not correct. After 5 failed attempts, "
    "logging in is blocked for 15 minutes."
)
TOO_MANY_ATTEMPTS = _l("Too many failed attempts from your network. Please wait 15 minutes and try again.")


def _limiter(name: str, limit: int) -> AttemptLimiter:
    limiters = current_app.extensions.setdefault("kim_limiters", {})
    if name not in limiters:
        limiters[name] = AttemptLimiter(limit=limit, window=15 * 60)
    return limiters[name]


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _start_session(account: dict) -> None:
    """Log in with a fresh session (only the language choice is carried over)."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    login_user(AccountUser(account), remember=False)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    error, status = None, 200
    if form.validate_on_submit():
        limiter = _limiter("login", 30)
        address = _client_address()
        if limiter.blocked(address):
            error, status = TOO_MANY_ATTEMPTS, 429
        else:
            account = service.authenticate(get_store(), form.email.data, form.password.data)
            if account is not None:
                _start_session(account)
                if not account.get("approved"):
                    flash(_("You are logged in. Your account is waiting for approval by the KI.M team."), "info")
                else:
                    flash(_("You are logged in."), "success")
                return redirect(safe_local_path(request.args.get("next")) or url_for("main.index"))
            limiter.record(address)
            error, status = LOGIN_FAILED, 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    language = session.get("lang")
    logout_user()
    session.clear()
    if language:
        session["lang"] = language
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    status = 200
    if form.validate_on_submit():
        new_org = form.organization_mode.data == "new"
        try:
            account = service.register(
                get_store(),
                name=form.name.data,
                email=form.email.data,
                password=form.password.data,
                organization_name=form.organization_name.data,
                new_organization=new_org,
                organization_kind=form.organization_kind.data if new_org else None,
                organization_city=form.organization_city.data if new_org else None,
                person_kind=form.person_kind.data or None,
                language=current_language(),
            )
        except service.AccountError as exc:
            field = getattr(form, exc.field, None) if exc.field else None
            if field is not None:
                field.errors.append(exc.message)
            else:
                flash(str(exc.message), "error")
            status = 400
        else:
            _start_session(account)
            flash(
                _("Thank you for registering. The KI.M team will check and approve your account soon."),
                "success",
            )
            return redirect(url_for("main.index"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/register.html", form=form), status


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    status = 200
    if form.validate_on_submit():
        limiter = _limiter("reset", 10)
        address = _client_address()
        if limiter.blocked(address):
            flash(str(TOO_MANY_ATTEMPTS), "error")
            return render_template("auth/reset_request.html", form=form), 429
        limiter.record(address)
        issued = service.start_password_reset(get_store(), form.email.data)
        if issued is not None:
            account, token = issued
            link = url_for("auth.reset_password", token=token, _external=True)
            with force_locale(account.get("language") or current_language()):
                send_mail(
                    account["email"],
                    _("Reset your password for KI.M Netzwerk"),
                    _(
                        "Hello,\n\nsomeone (hopefully you) asked to reset the password of your "
                        "KI.M Netzwerk account. Open this link within one hour to choose a new "
                        "password:\n\n%(link)s\n\nIf you did not ask for this, ignore this e-mail; "
                        "your password stays unchanged.\n\nYour KI.M team",
                        link=link,
                    ),
                )
        flash(
            _("If an account exists for this address, we have sent it a link to reset the password. The link is valid for one hour."),
            "info",
        )
        return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/reset_request.html", form=form), status


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    store = get_store()
    account = service.account_for_reset_token(store, token)
    if account is None:
        return render_template("auth/reset_password.html", form=None), 400
    form = ResetPasswordForm(account_email=account["email"])
    status = 200
    if form.validate_on_submit():
        try:
            service.finish_password_reset(store, token, form.password.data)
        except service.AccountError as exc:
            form.password.errors.append(exc.message)
            status = 400
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Your password has been changed. Please log in with the new password."), "success")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/reset_password.html", form=form), status


# -- staff: approving registrations --------------------------------------------------


@bp.get("/staff/accounts")
@staff_required
def staff_accounts():
    store = get_store()
    pending = service.pending_accounts(store)
    # New organisations that may already be in the network: offered for a merge instead.
    duplicates = {a["id"]: likely_duplicates(store, a["organization"], a.get("email"))
                  for a in pending if a.get("organization") and a["organization"].get("pending")}
    return render_template("auth/staff_accounts.html", pending=pending, duplicates=duplicates)


@bp.post("/staff/accounts/<account_id>/approve")
@staff_required
def approve(account_id: str):
    try:
        account = service.approve_account(get_store(), account_id, current_user.id)
    except service.AccountError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("auth.staff_accounts"))
    with force_locale(account.get("language") or "de"):
        send_mail(
            account["email"],
            _("Your KI.M Netzwerk account has been approved"),
            _(
                "Hello %(name)s,\n\nthe KI.M team has approved your account. You can now log in "
                "and use the network:\n\n%(link)s\n\nYour KI.M team",
                name=account.get("name") or account["email"],
                link=url_for("auth.login", _external=True),
            ),
        )
    flash(_("Approved: %(email)s", email=account["email"]), "success")
    return redirect(url_for("auth.staff_accounts"))


@bp.post("/staff/accounts/<account_id>/reject")
@staff_required
def reject(account_id: str):
    try:
        account = service.reject_account(get_store(), account_id, current_user.id)
    except service.AccountError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("auth.staff_accounts"))
    flash(_("Rejected and deleted: %(email)s", email=account["email"]), "success")
    return redirect(url_for("auth.staff_accounts"))
