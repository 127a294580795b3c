"""Forms for login, registration and password reset (labels and messages translated lazily)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from kim_network.core.model import ORG_KINDS, PERSON_KINDS, Label
from kim_network.web.field_rules import model_rules
from kim_network.web.i18n import KIND_LABELS
from kim_network.services.accounts import password_problems

EMAIL_RULES = model_rules(Label.ACCOUNT, "email")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _required(message):
    return DataRequired(message=message)


class LoginForm(FlaskForm):
    """Fields exactly `email`, `password` (and `csrf_token`)."""

    email = StringField(
        _l("E-mail address"),
        validators=[_required(_l("Please enter your e-mail address.")), Length(max=254)],
        filters=[_strip],
    )
    password = PasswordField(
        _l("Password"), validators=[_required(_l("Please enter your password.")), Length(max=500)]
    )


def _new_password_fields(label, repeat_label) -> tuple[PasswordField, PasswordField]:
    """A new password and its repetition, which must match (with `_NewPasswordMixin`'s policy check)."""
    password = PasswordField(
        label,
        validators=[_required(_l("Please choose a password."))],
        description=_l("At least 10 characters, with letters and at least one digit or symbol."),
    )
    password_confirm = PasswordField(
        repeat_label,
        validators=[
            _required(_l("Please repeat the password.")),
            EqualTo("password", message=_l("The two passwords do not match.")),
        ],
    )
    return password, password_confirm


class _NewPasswordMixin:
    """Checks `password` against the policy and `password_confirm` against it."""

    def _email_for_policy(self) -> str:
        return ""

    def validate_password(self, field):
        problems = password_problems(field.data or "", self._email_for_policy())
        if problems:
            raise ValidationError(" ".join(str(p) for p in problems))


class RegistrationForm(_NewPasswordMixin, FlaskForm):
    name = StringField(
        _l("Your name"),
        validators=[_required(_l("Please enter your name.")), Length(max=200)],
        filters=[_strip],
    )
    email = StringField(
        _l("E-mail address"),
        validators=[_required(_l("Please enter your e-mail address.")), *EMAIL_RULES],
        filters=[_strip],
    )
    password, password_confirm = _new_password_fields(_l("Password"), _l("Repeat password"))
    organization_mode = RadioField(
        _l("Is your organisation already registered in the network?"),
        choices=[
            SelectChoice("existing", _l("Yes, it is already registered")),
            SelectChoice("new", _l("No, it is new to the network")),
        ],
        default="existing",
        validators=[_required(_l("Please choose one of the listed options."))],
    )
    organization_name = StringField(
        _l("Name of the organisation"),
        validators=[_required(_l("Please enter the name of your organisation.")), Length(max=300)],
        filters=[_strip],
        description=_l("For an organisation already registered, enter its name exactly as in the network."),
    )
    organization_kind = SelectField(
        _l("Kind of organisation (new organisations only)"),
        choices=[SelectChoice("", _l("Please choose"))] + [SelectChoice(k, KIND_LABELS[k]) for k in ORG_KINDS],
        default="",
        validators=[Optional()],
    )
    organization_city = StringField(
        _l("City (new organisations only)"),
        validators=[Optional(), Length(max=120)],
        filters=[_strip],
    )
    person_kind = SelectField(
        _l("I am (optional)"),
        choices=[SelectChoice("", _l("No personal profile"))] + [SelectChoice(k, KIND_LABELS[k]) for k in PERSON_KINDS],
        default="",
        validators=[Optional()],
        description=_l("With a personal profile, others can find you as a person, not only your organisation."),
    )
    consent = BooleanField(
        _l("I agree that KI.M stores my details to run the network, as described in the privacy notice."),
        validators=[_required(_l("Please agree to the privacy notice to register."))],
    )

    def _email_for_policy(self) -> str:
        return self.email.data or ""

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.organization_mode.data == "new":
            if not self.organization_kind.data:
                self.organization_kind.errors.append(_l("Please choose the kind of organisation."))
                ok = False
            if not self.organization_city.data:
                self.organization_city.errors.append(_l("Please enter the city."))
                ok = False
        return ok


class ResetRequestForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[_required(_l("Please enter your e-mail address.")), *EMAIL_RULES],
        filters=[_strip],
    )


class ResetPasswordForm(_NewPasswordMixin, FlaskForm):
    password, password_confirm = _new_password_fields(_l("New password"), _l("Repeat new password"))

    def __init__(self, *args, account_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self._account_email = account_email

    def _email_for_policy(self) -> str:
        return self._account_email
