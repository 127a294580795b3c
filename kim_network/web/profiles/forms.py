"""Edit forms for organisation and person profiles, and the staff merge form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from kim_network.core.model import ORG_KINDS, PERSON_KINDS, REGIERUNGSBEZIRKE, Label
from kim_network.web.field_rules import model_rules
from kim_network.web.i18n import KIND_LABELS

ORG, PERSON = Label.ORGANIZATION, Label.PERSON


def _strip(value):
    return value.strip() if isinstance(value, str) else value


VISIBILITY_CHOICES = [
    ("public", _l("Public: everyone")),
    ("members", _l("Members only")),
    ("staff", _l("KI.M staff only")),
]
REGION_CHOICES = [("", _l("– not in Bavaria / not given –"))] + list(REGIERUNGSBEZIRKE.items())
SKILL_HINT = _l("Separate skills with commas. Start typing to pick from the taxonomy.")


def _skills_field(label):
    return StringField(label, description=SKILL_HINT, validators=[Length(max=5000)], filters=[_strip])


class _ProfileForm(FlaskForm):
    """Fields common to organisations and people; `PROPS` lists those stored as properties."""

    visibility = RadioField(_l("Who may see this profile?"), choices=VISIBILITY_CHOICES, default="members")
    city = StringField(_l("City"), validators=model_rules(ORG, "city"), filters=[_strip])
    region = SelectField(_l("Region (Regierungsbezirk)"), choices=REGION_CHOICES, validate_choice=False,
                         validators=model_rules(ORG, "region"))
    description_de = TextAreaField(_l("Description (German)"), validators=[Length(max=5000)], filters=[_strip])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)], filters=[_strip])
    skills = _skills_field(_l("Skills"))
    offers = _skills_field(_l("We offer"))
    needs = _skills_field(_l("We are looking for"))


class OrganizationForm(_ProfileForm):
    PROPS = ("name", "short_name", "kind", "sme", "street", "postcode", "city", "region", "website",
             "description_de", "description_en", "keywords", "contact_email", "contact_phone", "visibility")

    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name.")), *model_rules(ORG, "name")],
                       filters=[_strip])
    short_name = StringField(_l("Short name"), validators=model_rules(ORG, "short_name"), filters=[_strip])
    kind = SelectField(_l("Kind of organisation"), choices=[(k, KIND_LABELS[k]) for k in ORG_KINDS])
    sme = BooleanField(_l("Small or medium-sized enterprise (SME)"))
    street = StringField(_l("Street"), validators=model_rules(ORG, "street"), filters=[_strip])
    postcode = StringField(_l("Postcode"), validators=model_rules(ORG, "postcode"), filters=[_strip])
    website = StringField(_l("Website"), validators=model_rules(ORG, "website"), filters=[_strip])
    keywords = StringField(_l("Keywords"), validators=[Length(max=2000)], filters=[_strip])
    contact_email = StringField(_l("Contact e-mail"), validators=model_rules(ORG, "contact_email"), filters=[_strip],
                                description=_l("Shown to members only, and to partners after an accepted introduction."))
    contact_phone = StringField(_l("Contact phone"), validators=model_rules(ORG, "contact_phone"), filters=[_strip])


class PersonForm(_ProfileForm):
    PROPS = ("name", "kind", "title", "description_de", "description_en", "email", "phone",
             "email_visibility", "phone_visibility", "city", "region", "visibility")

    name = StringField(_l("Name"), validators=[DataRequired(_l("Please enter the name.")), *model_rules(PERSON, "name")],
                       filters=[_strip])
    kind = SelectField(_l("Role"), choices=[(k, KIND_LABELS[k]) for k in PERSON_KINDS])
    title = StringField(_l("Title or position"), validators=model_rules(PERSON, "title"), filters=[_strip])
    email = StringField(_l("E-mail"), validators=model_rules(PERSON, "email"), filters=[_strip])
    email_visibility = RadioField(_l("Who may see the e-mail address?"), choices=VISIBILITY_CHOICES,
                                  default="members")
    phone = StringField(_l("Phone"), validators=model_rules(PERSON, "phone"), filters=[_strip])
    phone_visibility = RadioField(_l("Who may see the phone number?"), choices=VISIBILITY_CHOICES,
                                  default="staff")
    offers = _skills_field(_l("I offer"))
    needs = _skills_field(_l("I am looking for"))


class MergeForm(FlaskForm):
    source = StringField(_l("Duplicate (will be merged)"), validators=[
        DataRequired(_l("Please enter the id of the duplicate.")), Length(max=64),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$", message=_l("Please enter an organisation id."))],
        filters=[_strip])
    target = StringField(_l("Keep (receives everything)"), validators=[
        DataRequired(_l("Please enter the id of the organisation to keep.")), Length(max=64),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]*$", message=_l("Please enter an organisation id."))],
        filters=[_strip])
    confirm = BooleanField(_l("I have checked that both records describe the same organisation."),
                           validators=[DataRequired(_l("Please confirm."))])


class EmptyForm(FlaskForm):
    """Only the CSRF token (confirm, revoke ...)."""
