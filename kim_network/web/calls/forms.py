"""The staff form for adding a call by hand."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from kim_network.core.eligibility import action_types


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def action_choices(lang: str) -> list[tuple[str, str]]:
    return [("", _l("other (no Horizon Europe rules)"))] + [
        (code, action.name_de if lang == "de" else action.name_en) for code, action in action_types().items()]


class CallForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=64), Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$")],
                       filters=[_strip], description=_l("The topic code, e.g. HORIZON-CL4-2027-HUMAN-01-03."))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=500)], filters=[_strip])
    programme = StringField(_l("Programme"), validators=[Optional(), Length(max=200)], filters=[_strip])
    deadline = DateField(_l("Deadline"), validators=[DataRequired()])
    type_of_action = SelectField(_l("Type of action"), validators=[Optional()], validate_choice=False,
                                 description=_l("Sets the eligibility rules (who must be in the consortium)."))
    min_partners = IntegerField(_l("Smallest team"), validators=[Optional(), NumberRange(min=1, max=30)],
                                description=_l("Leave empty to use the rules of the type of action."))
    max_partners = IntegerField(_l("Largest team"), validators=[Optional(), NumberRange(min=1, max=30)])
    min_sme = IntegerField(_l("SMEs at least"), validators=[Optional(), NumberRange(min=0, max=30)])
    lead_region = StringField(_l("Lead in region"), validators=[Optional(), Length(max=5), Regexp(r"^[A-Z]{2}[A-Z0-9]{0,3}$")],
                              filters=[_strip], description=_l("A NUTS code, e.g. DE2 for Bavaria."))
    skills = StringField(_l("Required skills"), validators=[DataRequired(), Length(max=2000)], filters=[_strip],
                         description=_l("Separate skills with commas. Start typing to pick from the taxonomy."))
    description_de = TextAreaField(_l("Description (German)"), validators=[Optional(), Length(max=5000)], filters=[_strip])
    description_en = TextAreaField(_l("Description (English)"), validators=[Optional(), Length(max=5000)],
                                   filters=[_strip])
