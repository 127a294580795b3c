"""Forms of the /matches pages: project-partner search, consortium builder, feedback."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, Regexp

from kim_network.core.model import ORG_KINDS, REGIERUNGSBEZIRKE
from kim_network.web.i18n import KIND_LABELS
from kim_network.services.feedback import CONTEXTS, VALUES

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


REGION_CHOICES = [("", _l("anywhere")), ("DE2", _l("Bavaria"))] + list(REGIERUNGSBEZIRKE.items()) + [("DE", _l("Germany"))]


class ProjectSearchForm(FlaskForm):
    """A GET form (no CSRF: it changes nothing)."""

    class Meta:
        csrf = False

    text = TextAreaField(_l("Describe your project idea"), validators=[Length(max=5000)], filters=[_strip],
                         description=_l("A few sentences in German or English: what you want to build and what you need."))
    skills = StringField(_l("Required skills"), validators=[Length(max=2000)], filters=[_strip],
                         description=_l("Separate skills with commas. Start typing to pick from the taxonomy."))
    kinds = SelectMultipleField(_l("Kinds of partner"), choices=[(k, KIND_LABELS[k]) for k in ORG_KINDS],
                                validators=[Optional()])
    sme = BooleanField(_l("SMEs only"))
    region = SelectField(_l("Region"), choices=REGION_CHOICES, validators=[Optional()])


class ConsortiumForm(FlaskForm):
    """A call, or a free project idea (with skills), to build alternative teams for."""

    class Meta:
        csrf = False

    call = StringField(_l("Call or Horizon Europe topic"), validators=[Optional(), Length(max=200)], filters=[_strip],
                       description=_l("A topic code (e.g. HORIZON-CL4-2021-HUMAN-01-01) or words of its title; "
                                      "or leave it empty and describe the project idea below."))
    idea = TextAreaField(_l("Project idea"), validators=[Length(max=5000)], filters=[_strip],
                         description=_l("Without a call: a few sentences on what the consortium should build."))
    skills = StringField(_l("Required skills"), validators=[Length(max=2000)], filters=[_strip],
                         description=_l("Separate skills with commas. Empty: the skills the idea implies."))
    include_mine = BooleanField(_l("My organisation is on board"), default=True)
    size = IntegerField(_l("Consortium size"), validators=[Optional(), NumberRange(min=2, max=20)],
                        description=_l("Leave empty to use the call's rules."))


class SaveTeamForm(FlaskForm):
    """Keep one alternative: its members and lead, and what it was built for."""

    title = StringField(_l("Name of the team"), validators=[DataRequired(_l("Give the team a name.")), Length(max=300)],
                        filters=[_strip])
    members = HiddenField(validators=[DataRequired(), Length(max=2000)])
    lead = HiddenField(validators=[Optional(), Regexp(_ID)])
    call = HiddenField(validators=[Optional(), Regexp(_ID)])
    idea = HiddenField(validators=[Length(max=5000)])
    skills = HiddenField(validators=[Length(max=2000)])


class FeedbackForm(FlaskForm):
    subject = HiddenField(validators=[DataRequired(), Regexp(_ID)])
    target = HiddenField(validators=[DataRequired(), Regexp(_ID)])
    context = HiddenField(validators=[DataRequired(), AnyOf(CONTEXTS)])
    value = HiddenField(validators=[DataRequired(), AnyOf(VALUES)])
    next = HiddenField(validators=[Length(max=2000)])


class ConfirmForm(FlaskForm):
    """A button that changes something (delete a team): the CSRF token only."""
