"""Views of accounts: login, logout, registration, password reset and staff approval."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from kim_network.extensions import get_store
from kim_network.services import accounts as service
from kim_network.services import registration
from kim_network.services.duplicates import likely_duplicates
from kim_network.services.limits import LOGIN_PER_ADDRESS, REGISTER_PER_ADDRESS, RESET_PER_ADDRESS
from kim_network.web.access import AccountUser, end_session, staff_required
from kim_network.web.auth.forms import LoginForm, RegistrationForm, ResetPasswordForm, ResetRequestForm
from kim_network.web.errors import show_on_form
from kim_network.web.i18n import current_language
from kim_network.web.mail import public_url, send_mail
from kim_network.web.security import safe_local_path

bp = Blueprint("auth", __name__)

LOGIN_FAILED = _l(
    "The e-mail address or the password is not correct. After 5 failed attempts, "
    "logging in is blocked for 15 minutes."
)
TOO_MANY_ATTEMPTS = _l("Too many failed attempts from your network. Please wait 15 minutes and try again.")
TOO_MANY_REQUESTS = _l("Too many requests from your network. Please wait 15 minutes and try again.")


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
        store, address = get_store(), _client_address()
        # Take the attempt before checking (atomic in the store, shared by every worker) and
        # give it back on success: only failures count, and none slip past at once.
        if not LOGIN_PER_ADDRESS.take(store, address):
            error, status = TOO_MANY_ATTEMPTS, 429
        else:
            account = service.authenticate(store, form.email.data, form.password.data)
            if account is not None:
                LOGIN_PER_ADDRESS.give_back(store, address)
                _start_session(account)
                if not account.get("approved"):
                    flash(_("You are logged in. Your account is waiting for approval by the KI.M team."), "info")
                else:
                    flash(_("You are logged in."), "success")
                return redirect(safe_local_path(request.args.get("next")) or url_for("main.index"))
            error, status = LOGIN_FAILED, 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
def logout():
    end_session(everywhere=True)  # a copy of the session cookie no longer opens anything
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegistrationForm()
    status = 200
    if form.validate_on_submit():
        store = get_store()
        if not REGISTER_PER_ADDRESS.take(store, _client_address()):
            flash(str(TOO_MANY_REQUESTS), "error")
            return render_template("auth/register.html", form=form), 429
        new_org = form.organization_mode.data == "new"
        try:
            result = registration.register(
                store,
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
            show_on_form(form, exc)
            status = 400
        else:
            # The same answer whether the address was new or had an account: the mail says which.
            _mail_registration(result, form.organization_name.data)
            flash(_("Thank you. We have sent an e-mail to %(email)s that says how your registration continues.",
                    email=service.normalise_email(form.email.data)), "success")
            return redirect(url_for("auth.login"))
    elif form.is_submitted():
        status = 400
    return render_template("auth/register.html", form=form), status


def _mail_registration(result: registration.Registration, organization_name: str) -> None:
    account = result.account
    with force_locale(account.get("language") or current_language()):
        if result.outcome == "email_taken":
            send_mail(account["email"], _("Registration attempt with your e-mail address"), _(
                "Hello,\n\nsomeone (hopefully you) tried to register a new KI.M Netzwerk account "
                "with this e-mail address. You already have an account, so nothing was changed.\n\n"
                "Log in here: %(login)s\nForgot your password? Choose a new one here: %(reset)s\n\n"
                "If it was not you, you can ignore this e-mail.\n\nYour KI.M team",
                login=public_url("auth.login"), reset=public_url("auth.reset_request")))
        else:
            send_mail(account["email"], _("Your registration at KI.M Netzwerk"), _(
                "Hello %(name)s,\n\nthank you for registering with KI.M Netzwerk. The KI.M team "
                "will check your registration and your membership of “%(organization)s”; you will "
                "get an e-mail when your account is approved. Until then you can log in and see "
                "your own details:\n\n%(login)s\n\nYour KI.M team",
                name=account.get("name") or account["email"], organization=organization_name,
                login=public_url("auth.login")))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    status = 200
    if form.validate_on_submit():
        if not RESET_PER_ADDRESS.take(get_store(), _client_address()):
            flash(str(TOO_MANY_REQUESTS), "error")
            return render_template("auth/reset_request.html", form=form), 429
        issued = service.start_password_reset(get_store(), form.email.data)
        if issued is not None:
            account, token = issued
            link = public_url("auth.reset_password", token=token)
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
                end_session()
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
    pending = registration.pending_accounts(store)
    # New organisations that may already be in the network (a similar name, the same mail
    # domain): staff can approve the account as a member of the existing one instead.
    duplicates = {}
    for a in pending:
        if a.get("organization") and a["organization"].get("pending"):
            same = {o["id"] for o in a.get("same_name", ())}
            duplicates[a["id"]] = [d for d in likely_duplicates(store, a["organization"], a.get("email"))
                                   if d.id not in same]
    return render_template("auth/staff_accounts.html", pending=pending, duplicates=duplicates)


@bp.post("/staff/accounts/<account_id>/approve")
@staff_required
def approve(account_id: str):
    """Approve a registration; `link_to` (optional) links it to an existing organisation instead."""
    link_to = request.form.get("link_to") or None
    try:
        account = registration.approve_account(get_store(), account_id, current_user.id, organization_id=link_to)
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
                link=public_url("auth.login"),
            ),
        )
    flash(_("Approved: %(email)s", email=account["email"]), "success")
    return redirect(url_for("auth.staff_accounts"))


@bp.post("/staff/accounts/<account_id>/reject")
@staff_required
def reject(account_id: str):
    try:
        account = registration.reject_account(get_store(), account_id, current_user.id)
    except service.AccountError as exc:
        flash(str(exc.message), "error")
        return redirect(url_for("auth.staff_accounts"))
    flash(_("Rejected and deleted: %(email)s", email=account["email"]), "success")
    return redirect(url_for("auth.staff_accounts"))
