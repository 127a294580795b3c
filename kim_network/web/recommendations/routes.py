"""The /matches pages: the member's recommendations, project-partner search, consortium builder, feedback."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, Blueprint, current_app, flash, redirect, render_template, request, Response, url_for
from flask_babel import gettext as _

from kim_network.web.access import account_required, current_viewer, member_required
from kim_network.extensions import get_store
from kim_network.matching.types import Constraints, MatchingError
from kim_network.core.model import Label
from kim_network.web.field_rules import form_skills
from kim_network.web.i18n import current_language
from kim_network.web.security import safe_local_path
from kim_network.web.templating import profile_url
from kim_network.matching.suggest import suggest_skills
from kim_network.services import introductions, recommendations as service, teams as teams_service
from kim_network.services.calls import find_calls, open_calls
from kim_network.services.feedback import FeedbackError, record_feedback
from kim_network.web.recommendations.forms import (ConfirmForm, ConsortiumForm, FeedbackForm, ProjectSearchForm,
                                                   SaveTeamForm)
from kim_network.extensions import current_projection, get_caches

bp = Blueprint("recommendations", __name__)

HOME_K = 5
SEARCH_K = 10


def _boosts() -> service.Boosts:
    return service.Boosts.from_config(current_app.config)


# A projection that builds faster than this is rebuilt in the member's request after their own save.
SYNC_REBUILD_SECONDS = 5.0


def _own_projection(viewer):
    """The projection for the member's own lists, and whether it is still being updated for them."""
    store, cache = get_store(), get_caches().projection
    proj = cache.get(store)
    if not service.stale_for(proj, store, viewer):
        return proj, False
    if proj.build_seconds <= SYNC_REBUILD_SECONDS:
        return cache.get(store, wait=True), False
    return proj, True  # the cache is rebuilding in the background; the page reloads itself


def _requested(viewer) -> dict:
    """The member's own contact requests by whom they asked for: a result shows its status."""
    mine = introductions.sent_by(get_store(), viewer)
    out: dict = {}
    for intro in reversed(mine):  # newest wins
        target = intro.get("target_person") or intro.get("target_org")
        if target:
            out[target] = intro
    return out


@bp.app_template_global()
def match_url(match: service.Match) -> str:
    return profile_url(match.rec.label, match.rec.id)


@bp.get("/matches")
@account_required
def index():
    """The member's recommendations: partners and researchers for their needs, similar
    organisations (kept apart), and media partners for a researcher.

    They always reflect the member's saved profile: a projection older than it is rebuilt
    now when that is quick, otherwise the page says it is being updated and reloads itself
    (never a wrong empty list). An account awaiting approval sees its list on public profiles.
    """
    viewer = current_viewer()
    proj, refreshing = _own_projection(viewer)
    lists = [] if refreshing else service.home_lists(proj, get_store(), viewer, HOME_K, _boosts())
    return render_template("recommendations/index.html", lists={m.key: m for m in lists}, refreshing=refreshing,
                           feedback_form=FeedbackForm(), requested=_requested(viewer) if viewer.is_member else {},
                           # A researcher came for media partners: that list first.
                           researcher_first=any(m.key == "collaborators" for m in lists))


def _skill_suggestions(proj, store, text: str, chosen: list[str], lang: str) -> list[dict]:
    """Skills the idea implies that are not chosen yet: ``{id, label}`` for one-click adding."""
    ids = suggest_skills(proj, text, exclude=chosen)
    nodes = store.get_nodes(Label.SKILL, ids)
    return [{"id": i, "label": nodes[i].get(f"label_{lang}") or nodes[i].get("label_en") or i} for i in ids if i in nodes]


def _with_skill(field: str, current: str, label: str) -> str:
    """The current page's URL with one more skill in the comma-separated `field`."""
    args = request.args.to_dict(flat=False)
    parts = [p.strip() for p in (current or "").split(",") if p.strip()]
    args[field] = [", ".join(parts + [label])]
    return f"{request.path}?{urlencode(args, doseq=True)}"


@bp.get("/matches/project")
@member_required
def project():
    """Partners for a project idea: free text, skills and constraints (a GET form).

    The text proposes the taxonomy skills it implies, each added with one click.
    """
    store, viewer, lang = get_store(), current_viewer(), current_language()
    form = ProjectSearchForm(request.args or None)
    result, status, suggestions = None, 200, []
    if request.args and form.validate():
        skills = form_skills(store, form.skills)
        if form.text.data:
            suggestions = _skill_suggestions(current_projection(), store, form.text.data, skills, lang)
        if not form.skills.errors:
            if not (form.text.data or skills):
                form.text.errors.append(_("Describe the idea or name at least one skill."))
            else:
                constraints = Constraints(kinds=tuple(form.kinds.data or ()), sme=True if form.sme.data else None,
                                          regions=(form.region.data,) if form.region.data else ())
                try:
                    result = service.project_partners(current_projection(), store, viewer, form.text.data or "",
                                                      skills, (), constraints, SEARCH_K, _boosts())
                except MatchingError as exc:
                    form.text.errors.append(_("The search could not run: %(detail)s", detail=str(exc)))
        if form.errors or any(f.errors for f in form):
            status = 400
    elif request.args:
        status = 400
    for s in suggestions:
        s["add_url"] = _with_skill("skills", form.skills.data or "", s["label"])
    return render_template("recommendations/project.html", form=form, result=result, feedback_form=FeedbackForm(),
                           requested=_requested(viewer), suggestions=suggestions,
                           consortium_url=url_for("recommendations.consortium", idea=form.text.data or "",
                                                  skills=form.skills.data or "") if form.text.data else None), status


@bp.get("/matches/consortium")
@member_required
def consortium():
    """Alternative consortia for a call or a free project idea, with rule checks and the gaps left open."""
    store, viewer, lang = get_store(), current_viewer(), current_language()
    form = ConsortiumForm(request.args or None)
    teams, call, status, suggestions, skills = None, None, 200, [], []
    proj = current_projection()
    if request.args and form.validate():
        if form.call.data:
            found = find_calls(store, form.call.data, limit=2)
            call = found[0] if len(found) == 1 or (found and found[0]["id"] == form.call.data.upper()) else None
            if call is None:
                form.call.errors.append(_("Please choose a call from the list.") if found else
                                        _("No call or topic with this code or title."))
        elif not (form.idea.data or form.skills.data):
            form.call.errors.append(_("Choose a call, or describe the project idea."))
        if not form.call.errors and call is None:
            skills = form_skills(store, form.skills)
            if form.idea.data:
                suggestions = _skill_suggestions(proj, store, form.idea.data, skills, lang)
        if not any(f.errors for f in form):
            try:
                teams = service.consortia(proj, store, viewer, call["id"] if call else None,
                                          include_own=bool(form.include_mine.data), size=form.size.data or None,
                                          boosts=_boosts(), idea=form.idea.data or "", skills=skills)
            except MatchingError as exc:
                form.call.errors.append(_("No consortium could be built: %(detail)s", detail=str(exc)))
        if any(f.errors for f in form):
            status = 400
    elif request.args:
        status = 400
    for s in suggestions:
        s["add_url"] = _with_skill("skills", form.skills.data or "", s["label"])
    title = call["title"] if call else (form.idea.data or "")[:120]
    return render_template("recommendations/consortium.html", form=form, teams=teams, call=call, lang=lang,
                           suggestions=suggestions, title=title, save_form=SaveTeamForm(formdata=None),
                           skill_ids=skills, requested=_requested(viewer), open_calls=open_calls(store)), status


@bp.post("/matches/consortium/save")
@member_required
def save_team():
    """Keep one alternative team (members, lead, what it covers) for export."""
    store, viewer = get_store(), current_viewer()
    form = SaveTeamForm()
    if not form.validate_on_submit():
        flash(_("Give the team a name."), "error")
        return redirect(url_for("recommendations.consortium"))
    skills = [s for s in (form.skills.data or "").split(",") if s.strip()]
    try:
        team = teams_service.save_team(store, current_projection(), viewer, title=form.title.data,
                                       member_ids=(form.members.data or "").split(","), lead_id=form.lead.data or None,
                                       call_id=form.call.data or None, idea=form.idea.data or "", skills=skills)
    except MatchingError:
        flash(_("This team can no longer be saved: one of its members is not available."), "error")
        return redirect(url_for("recommendations.consortium"))
    flash(_("The team is saved. Export it as CSV or copy the short text for your proposal."), "success")
    return redirect(url_for("recommendations.team", team_id=team.id))


@bp.get("/matches/teams")
@member_required
def teams():
    """The member's saved teams."""
    return render_template("recommendations/teams.html", teams=teams_service.teams_of(get_store(), current_viewer()),
                           confirm_form=ConfirmForm())


@bp.get("/matches/teams/<team_id>")
@member_required
def team(team_id: str):
    lang = current_language()
    saved = teams_service.get_team(get_store(), current_viewer(), team_id)
    return render_template("recommendations/team.html", team=saved, proposal=teams_service.proposal_text(saved, lang),
                           requested=_requested(current_viewer()))


@bp.get("/matches/teams/<team_id>.csv")
@member_required
def team_csv(team_id: str):
    saved = teams_service.get_team(get_store(), current_viewer(), team_id)
    body = teams_service.csv_text(saved, current_language())
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{saved.id}.csv"'})


@bp.post("/matches/teams/<team_id>/delete")
@member_required
def delete_team(team_id: str):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    teams_service.delete_team(get_store(), current_viewer(), team_id)
    flash(_("The team was deleted."), "success")
    return redirect(url_for("recommendations.teams"))


@bp.post("/matches/feedback")
@member_required
def feedback():
    """Useful / not relevant / hide on one result; back to the list it came from."""
    form = FeedbackForm()
    back = safe_local_path(form.next.data, url_for("recommendations.index"))
    if not form.validate_on_submit():
        abort(400)
    try:
        record_feedback(get_store(), current_viewer(), form.subject.data, form.target.data, form.value.data,
                        form.context.data)
    except FeedbackError:
        abort(400)
    messages = {
        "useful": _("Thank you: similar suggestions will rank higher."),
        "not_relevant": _("Thank you: this suggestion will rank lower."),
        "hide": _("Hidden: you will not see this suggestion in this list again."),
    }
    flash(messages[form.value.data], "success")
    return redirect(back)
