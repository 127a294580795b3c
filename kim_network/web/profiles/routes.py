"""Profile pages: view, edit, confirm; staff merge; the member's API token."""
from __future__ import annotations

from flask import abort, Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from kim_network.services import accounts as accounts
from kim_network.web.access import account_required, current_account, current_viewer, member_required, staff_required
from kim_network.extensions import get_store
from kim_network.core.model import Label, ValidationError
from kim_network.web.field_rules import form_skills
from kim_network.web.i18n import current_language
from kim_network.services import introductions, profiles as service
from kim_network.web.profiles.forms import EmptyForm, MergeForm, OrganizationForm, PersonForm

bp = Blueprint("profiles", __name__)

_FORMS = {Label.ORGANIZATION: OrganizationForm, Label.PERSON: PersonForm}
_VIEW = {Label.ORGANIZATION: "profiles.organization", Label.PERSON: "profiles.person"}
_ID_ARG = {Label.ORGANIZATION: "org_id", Label.PERSON: "person_id"}


def _url(label: Label, node_id: str) -> str:
    return url_for(_VIEW[label], **{_ID_ARG[label]: node_id})


def _show(label: Label, node_id: str):
    store, viewer = get_store(), current_viewer()
    profile = service.load_profile(store, viewer, label, node_id, current_language())
    # The member's own latest request to this profile: its status shows without any e-mail.
    mine = introductions.latest_request(store, viewer, **({"target_org": node_id} if label is Label.ORGANIZATION
                                                          else {"target_person": node_id})) if viewer.is_member else None
    return render_template("profiles/profile.html", profile=profile, confirm_form=EmptyForm(),
                           is_org=label is Label.ORGANIZATION, my_request=mine)


@bp.get("/organizations/<org_id>")
def organization(org_id: str):
    return _show(Label.ORGANIZATION, org_id)


@bp.get("/people/<person_id>")
def person(person_id: str):
    return _show(Label.PERSON, person_id)


def _edit(label: Label, node_id: str):
    store, viewer, lang = get_store(), current_viewer(), current_language()
    node = service.editable_node(store, viewer, label, node_id)
    form_class = _FORMS[label]
    if request.method == "GET":
        data = {k: node.get(k) for k in form_class.PROPS}
        view = service.skill_view(store, label, node_id)
        for rel, name in service.SKILL_FIELDS.items():
            data[name] = ", ".join(service.skill_names(view, rel, lang)) if view else ""
        form = form_class(data=data)
    else:
        form = form_class()
    status = 200
    if form.validate_on_submit():
        skills = {}
        for rel, name in service.SKILL_FIELDS.items():
            skills[rel] = form_skills(store, getattr(form, name), name)
        if not any(getattr(form, name).errors for name in service.SKILL_FIELDS.values()):
            props = {k: getattr(form, k).data for k in form_class.PROPS}
            try:
                service.update_profile(store, viewer, label, node_id, props, skills)
            except ValidationError as exc:
                target = getattr(form, exc.field, None) if exc.field else None
                if target is not None:
                    target.errors.append(_("This value is not valid: %(detail)s", detail=exc.message))
                else:
                    flash(_("The profile could not be saved: %(detail)s", detail=exc.message), "error")
            else:
                flash(_("The profile has been saved."), "success")
                return redirect(_url(label, node_id))
        status = 400
    elif form.is_submitted():
        status = 400
    return render_template("profiles/edit.html", form=form, node=node, label=label,
                           is_org=label is Label.ORGANIZATION, back=_url(label, node_id)), status


@bp.route("/organizations/<org_id>/edit", methods=["GET", "POST"])
@account_required
def edit_organization(org_id: str):
    return _edit(Label.ORGANIZATION, org_id)


@bp.route("/people/<person_id>/edit", methods=["GET", "POST"])
@account_required
def edit_person(person_id: str):
    return _edit(Label.PERSON, person_id)


def _confirm(label: Label, node_id: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.confirm_profile(get_store(), current_viewer(), label, node_id)
    flash(_("Thank you: the profile is confirmed as up to date."), "success")
    return redirect(_url(label, node_id))


@bp.post("/organizations/<org_id>/confirm")
@account_required
def confirm_organization(org_id: str):
    return _confirm(Label.ORGANIZATION, org_id)


@bp.post("/people/<person_id>/confirm")
@account_required
def confirm_person(person_id: str):
    return _confirm(Label.PERSON, person_id)


@bp.route("/staff/merge", methods=["GET", "POST"])
@staff_required
def merge():
    """Merge a duplicate organisation into the one to keep."""
    store = get_store()
    form = MergeForm(data={"source": request.args.get("source", ""), "target": request.args.get("target", "")}
                     if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            result = service.merge_organizations(store, current_viewer(), form.source.data, form.target.data)
        except ValidationError as exc:
            field = getattr(form, exc.field, None) if exc.field in ("source", "target") else None
            message = {
                "source": _("This duplicate does not exist or was already merged."),
                "target": _("This organisation does not exist, was merged itself, or is the duplicate."),
            }.get(exc.field or "", exc.message)
            (field.errors if field is not None else form.source.errors).append(message)
            status = 400
        else:
            moved = sum(result.moved.values())
            flash(ngettext("Merged: %(num)d relationship or record now belongs to the kept organisation.",
                           "Merged: %(num)d relationships and records now belong to the kept organisation.", moved),
                  "success")
            return redirect(url_for("profiles.organization", org_id=result.target))
    elif form.is_submitted():
        status = 400
    names = {}
    for key in ("source", "target"):
        value = form[key].data
        node = store.get_node(Label.ORGANIZATION, value) if value and service.id_like(value) else None
        names[key] = node
    return render_template("profiles/merge.html", form=form, names=names), status


@bp.route("/account/api-token", methods=["GET", "POST"])
@member_required
def api_token():
    """Create, replace or revoke the member's API token; the token is shown once."""
    store = get_store()
    account = current_account()
    form = EmptyForm()
    token = None
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            accounts.revoke_api_token(store, account.id)
            flash(_("Your API token has been revoked."), "success")
            return redirect(url_for("profiles.api_token"))
        token = accounts.issue_api_token(store, account.id)
    elif form.is_submitted():
        abort(400)
    node = store.get_node(Label.ACCOUNT, account.id) or {}
    return render_template("profiles/api_token.html", form=form, token=token,
                           has_token=bool(node.get("api_token_hash")))


@bp.get("/me")
@account_required
def me():
    """The member's own profile: their person, else their organisation.

    An account waiting for approval lands on the profile its registration created, to fill
    it in (skills from the taxonomy, needs, offers) while staff check it.
    """
    viewer = current_viewer()
    if viewer.person_id:
        return redirect(url_for("profiles.person", person_id=viewer.person_id))
    if viewer.organization_id:
        return redirect(url_for("profiles.organization", org_id=viewer.organization_id))
    if viewer.is_pending:
        flash(_("Your account is waiting for approval. Staff link it to the organisation you named; then you can "
                "edit its profile."), "info")
        return redirect(url_for("main.index"))
    return redirect(url_for("profiles.api_token"))
