"""The model's field rules as WTForms validators, with the message a person reads per rule.

The rules themselves live once in `kim_network.core.fields` and are attached to the model's
properties; a form field names the property it edits (`model_rules(Label.ORGANIZATION,
"website")`) and so refuses exactly what the API, the store and the importers refuse.
"""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import Length, ValidationError

from kim_network.core import fields
from kim_network.core.model import NODE_SCHEMA, Label
from kim_network.services.profiles import UnknownSkills, resolve_skills

MESSAGES = {
    "email": _l("Please enter a valid e-mail address."),
    "website": _l("Please enter a web address starting with https://."),
    "phone": _l("Please enter a phone number of digits, spaces and + ( ) / -."),
    "region": _l("Please choose a region from the list."),
    "nuts3": _l("Please enter a NUTS-3 code such as DE212."),
    "nuts": _l("Please enter a NUTS code such as DE2 or DE21."),
    "country": _l("Please enter a two-letter country code such as DE."),
    "plain": _l("Please remove invisible direction or zero-width characters."),
}


class FieldRule:
    """Refuse a non-empty value that breaks the property's rule in `kim_network.core.fields`."""

    def __init__(self, rule: str):
        self.rule = rule

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and field.data.strip():
            try:
                fields.check(self.rule, field.data)
            except fields.FieldError:
                raise ValidationError(MESSAGES[self.rule]) from None


def model_rules(label: Label, key: str) -> list:
    """Validators for the form field that edits property `key` of `label`: its length and rule."""
    prop = NODE_SCHEMA[label][key]
    validators: list = [Length(max=prop.max_length)]
    if prop.rule:
        validators.append(FieldRule(prop.rule))
    return validators


def form_skills(store, field, name: str = "skills") -> list[str]:
    """The ids of the skills a skill field names (`resolve_skills`); names that are no skill
    become the field's error, and the answer is then empty."""
    try:
        return resolve_skills(store, field.data or "", name)
    except UnknownSkills as exc:
        field.errors.append(_("Unknown skill: %(names)s. Please pick skills from the suggestions.",
                              names=", ".join(exc.names)))
        return []
