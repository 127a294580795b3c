"""Forms of the introduction pages: request, answer, KI.M's outcome, a bridging introduction."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from kim_network.services.introductions import MAX_MESSAGE

_ID = r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,63}$"


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _message(label, description):
    return TextAreaField(
        label, description=description,
        validators=[DataRequired(_l("Please write a short message.")),
                    Length(max=MAX_MESSAGE, message=_l("Please keep the message to at most 1000 characters."))],
        filters=[_strip],
    )


class RequestForm(FlaskForm):
    """A contact request to an organisation (`target_org`) or a person (`target_person`)."""

    target_org = HiddenField(validators=[Optional(), Length(max=64), Regexp(_ID)])
    target_person = HiddenField(validators=[Optional(), Length(max=64), Regexp(_ID)])
    message = _message(_l("Your message"),
                       _l("Say briefly who you are and what you would like to talk about (at most 1000 characters)."))


class AnswerForm(FlaskForm):
    reply = TextAreaField(
        _l("Reply (optional)"),
        validators=[Length(max=MAX_MESSAGE, message=_l("Please keep the reply to at most 1000 characters."))],
        filters=[_strip],
    )


class MarkReadForm(FlaskForm):
    """Mark one notification (`note`) or, without it, all of them read."""

    note = HiddenField(validators=[Length(max=64)])


class OutcomeForm(FlaskForm):
    """What KI.M staff achieved with a request they passed on."""

    outcome = RadioField(_l("Outcome"), choices=[
        SelectChoice("reached", _l("Reached: we passed the request on")),
        SelectChoice("declined", _l("Declined: they do not want to be put in touch")),
        SelectChoice("met", _l("Met: the two have met")),
    ], validators=[DataRequired(_l("Please choose an outcome."))])
    note = TextAreaField(
        _l("Note for the requester (optional)"),
        description=_l("For example whom to call, or when they will get in touch."),
        validators=[Length(max=MAX_MESSAGE, message=_l("Please keep the note to at most 1000 characters."))],
        filters=[_strip],
    )


class BridgeForm(FlaskForm):
    """A three-way introduction by KI.M staff: both organisations receive the same message."""

    org_a = HiddenField(validators=[DataRequired(), Regexp(_ID)])
    org_b = HiddenField(validators=[DataRequired(), Regexp(_ID)])
    message = _message(_l("Message to both organisations"),
                       _l("Both receive this text. Edit it before you send it (at most 1000 characters)."))
