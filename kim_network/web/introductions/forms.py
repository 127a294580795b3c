"""Forms of the introduction pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from kim_network.services.introductions import MAX_MESSAGE


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class RequestForm(FlaskForm):
    target_org = HiddenField(validators=[DataRequired(), Length(max=64)])
    reasons = HiddenField(validators=[Length(max=5000)])
    message = TextAreaField(
        _l("Your message"),
        description=_l("Say briefly who you are and what you would like to talk about (at most 1000 characters)."),
        validators=[DataRequired(_l("Please write a short message.")),
                    Length(max=MAX_MESSAGE, message=_l("Please keep the message to at most 1000 characters."))],
        filters=[_strip],
    )


class AnswerForm(FlaskForm):
    reply = TextAreaField(
        _l("Reply (optional)"),
        validators=[Length(max=MAX_MESSAGE, message=_l("Please keep the reply to at most 1000 characters."))],
        filters=[_strip],
    )


class MarkReadForm(FlaskForm):
    """Mark one notification (`note`) or, without it, all of them read."""

    note = HiddenField(validators=[Length(max=64)])
