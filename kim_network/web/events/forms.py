"""Forms of the event pages (labels through the Babel catalogue)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from kim_network.services.meetings import MAX_MESSAGE
from kim_network.web.profiles.forms import SKILL_HINT, VISIBILITY_CHOICES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


FORMAT_LABELS = {
    "workshop": _l("Workshop"), "meetup": _l("Meetup"), "conference": _l("Conference"),
    "office_hours": _l("Office hours"), "matchmaking": _l("Matchmaking evening"), "barcamp": _l("Barcamp"),
    "hackathon": _l("Hackathon"),
}


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PreferencesForm(FlaskForm):
    looks_for = StringField(_l("I am looking for (at this event)"), description=SKILL_HINT,
                            validators=[Length(max=5000)], filters=[_strip])
    offers = StringField(_l("I offer (at this event)"), description=SKILL_HINT, validators=[Length(max=5000)],
                         filters=[_strip])
    availability = MultiCheckboxField(_l("I am free for meetings in these slots"), validate_choice=False)
    max_meetings = IntegerField(_l("At most this many meetings (optional)"),
                                validators=[Optional(), NumberRange(min=0, max=200)])
    note = TextAreaField(_l("What I would like to talk about (optional)"), validators=[Length(max=500)],
                         filters=[_strip])


class MeetingRequestForm(FlaskForm):
    """One per suggestion on a page, told apart by a prefix; the app-wide CSRFProtect checks
    the page's `csrf_token` field, so the prefixed copy of it is not needed."""

    class Meta:
        csrf = False

    recipient = HiddenField(validators=[DataRequired(), Length(max=64)])
    slot = SelectField(_l("When"), validate_choice=False)
    message = TextAreaField(_l("Your message"),
                            description=_l("Say briefly what you would like to talk about (at most 1000 characters)."),
                            validators=[DataRequired(_l("Please write a short message.")),
                                        Length(max=MAX_MESSAGE, message=_l("Please keep the message to at most 1000 characters."))],
                            filters=[_strip])


class AnswerForm(FlaskForm):
    reply = TextAreaField(_l("Reply (optional)"), validators=[Length(max=MAX_MESSAGE)], filters=[_strip])


class OutcomeForm(FlaskForm):
    outcome = RadioField(_l("Did the meeting take place?"), choices=[("met", _l("We met")),
                                                                     ("not_met", _l("It didn't happen"))],
                         validators=[DataRequired(_l("Please choose one."))])
    follow_up = RadioField(_l("Was it useful?"), choices=[("useful", _l("Useful")), ("not_useful", _l("Not useful"))],
                           validators=[Optional()])


class EventForm(FlaskForm):
    title = StringField(_l("Title (German)"), validators=[DataRequired(_l("Enter a title.")), Length(max=500)],
                        filters=[_strip])
    title_en = StringField(_l("Title (English)"), validators=[Length(max=500)], filters=[_strip])
    format = SelectField(_l("Format"), choices=[("", "–")] + [(k, v) for k, v in FORMAT_LABELS.items()],
                         validate_choice=False)
    date = StringField(_l("Date (YYYY-MM-DD)"), validators=[DataRequired(_l("Enter the date."))], filters=[_strip])
    start_time = StringField(_l("Starts (HH:MM)"), validators=[DataRequired(_l("Enter a time."))], filters=[_strip])
    end_time = StringField(_l("Ends (HH:MM)"), validators=[DataRequired(_l("Enter a time."))], filters=[_strip])
    city = StringField(_l("City"), validators=[Length(max=120)], filters=[_strip])
    place = StringField(_l("Venue and address"), validators=[Length(max=300)], filters=[_strip])
    description_de = TextAreaField(_l("Description (German)"), validators=[Length(max=5000)], filters=[_strip])
    description_en = TextAreaField(_l("Description (English)"), validators=[Length(max=5000)], filters=[_strip])
    visibility = RadioField(_l("Who may see this event?"), choices=VISIBILITY_CHOICES, default="public")
    registration_deadline = StringField(_l("Registration and meeting requests until (YYYY-MM-DD HH:MM, optional)"),
                                        filters=[_strip])
    slots_from = StringField(_l("Meeting slots from (HH:MM)"), filters=[_strip])
    slots_until = StringField(_l("Meeting slots until (HH:MM)"), filters=[_strip])
    slot_minutes = IntegerField(_l("Minutes per meeting"), default=20, validators=[Optional()])
    slot_gap = IntegerField(_l("Minutes between meetings"), default=0, validators=[Optional()])
    breaks = TextAreaField(_l("Breaks (one HH:MM-HH:MM a line)"), validators=[Length(max=2000)], filters=[_strip])
    slot_lines = TextAreaField(_l("Or every slot by hand (one HH:MM-HH:MM a line)"), validators=[Length(max=5000)],
                               filters=[_strip])
    tables = IntegerField(_l("Tables for meetings"), default=0, validators=[Optional()])
    meeting_cap = IntegerField(_l("At most this many meetings per person (optional)"), validators=[Optional()])
