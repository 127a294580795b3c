"""/calls: open calls that fit the member, a topic finder that leads to the consortium builder;
/staff/calls/new: staff add a call by hand."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from kim_network.core.errors import Conflict
from kim_network.extensions import current_projection, get_store
from kim_network.services import calls as service
from kim_network.web.access import current_viewer, member_required, staff_required
from kim_network.web.calls.forms import CallForm, action_choices
from kim_network.web.field_rules import form_skills
from kim_network.web.i18n import current_language

bp = Blueprint("calls", __name__)


@bp.get("/calls")
@member_required
def index():
    """Open calls, those that fit the member's profile first, and any call or topic by code or title."""
    store, viewer = get_store(), current_viewer()
    fitting, others = service.calls_for_member(current_projection(), store, viewer)
    text = (request.args.get("q") or "").strip()[:200]
    found = service.find_calls(store, text) if text else []
    return render_template("calls/index.html", fitting=fitting, others=others, found=found, q=text,
                           rules_of=service.rules_of, skill_names=_skill_names(store))


def _skill_names(store):
    lang = current_language()

    def names(ids):
        nodes = store.get_nodes("Skill", list(ids))
        return ", ".join(nodes[i].get(f"label_{lang}") or nodes[i].get("label_en") or i for i in ids if i in nodes)

    return names


@bp.route("/staff/calls/new", methods=["GET", "POST"])
@staff_required
def new():
    """Staff add a current call: code, title, deadline, type of action (its rules), required skills."""
    store = get_store()
    form = CallForm()
    form.type_of_action.choices = action_choices(current_language())
    status = 200
    if form.validate_on_submit():
        skills = form_skills(store, form.skills)
        if not form.skills.errors:
            data = {"id": form.code.data, "title": form.title.data, "programme": form.programme.data,
                    "deadline": form.deadline.data.isoformat(), "type_of_action": form.type_of_action.data,
                    "min_partners": form.min_partners.data, "max_partners": form.max_partners.data,
                    "min_sme": form.min_sme.data, "lead_region": form.lead_region.data,
                    "description_de": form.description_de.data, "description_en": form.description_en.data}
            try:
                call = service.create_call(store, current_viewer(), data, skills)
            except service.CallError as exc:
                getattr(form, "code" if exc.field == "id" else exc.field, form.code).errors.append(str(exc))
            except Conflict:
                form.code.errors.append(_("A call with this code exists already."))
            else:
                flash(_("The call %(code)s was added.", code=call["id"]), "success")
                return redirect(url_for("calls.index"))
        status = 400
    elif request.method == "POST":
        status = 400
    return render_template("calls/new.html", form=form), status
