"""The account deletion form: the password again and an explicit confirmation."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(message=_l("Please enter your password.")), Length(max=500)],
        description=_l("To protect you, deleting the account needs your password."),
    )
    confirm = BooleanField(
        _l("I understand that my account and my personal profile are deleted for good."),
        validators=[DataRequired(message=_l("Please confirm that you want to delete your account."))],
    )
