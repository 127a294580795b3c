"""Names `vulture` cannot see being used (read by `make lint` with the other sources; never run).

Each line is a use that happens outside Python's plain call graph; the comment says where.
"""
from kim_network.config import Config
from kim_network.services.artifacts import _Pickler
from scripts import bench_gunicorn_hooks
from kim_network.matching.projection import Projection
from kim_network.matching.text import TextModel
from kim_network.web.access import AccountUser
from kim_network.web.auth import forms as auth_forms
from kim_network.web.profiles import forms as profile_forms
from kim_network.web.recommendations import forms as recommendation_forms
from kim_network.services.introduction_view import IntroView
from kim_network.services.teams import Team

# Settings are copied into app.config by Config.as_dict(); Flask, extensions and
# open_store() read them there by name.
Config.KIM_DATA_DIR, Config.SQLITE_PATH, Config.NEO4J_USER, Config.NEO4J_DATABASE  # noqa: B018
Config.SESSION_COOKIE_HTTPONLY, Config.SESSION_COOKIE_SAMESITE, Config.REMEMBER_COOKIE_SECURE  # noqa: B018
Config.REMEMBER_COOKIE_HTTPONLY, Config.SMTP_HOST, Config.SMTP_PORT, Config.SMTP_USER  # noqa: B018
Config.SMTP_PASSWORD, Config.MAIL_FROM, Config.INTRO_REMINDER_DAYS, Config.INTRO_RETENTION_DAYS  # noqa: B018
Config.SME_BOOST, Config.NEWCOMER_BOOST, Config.PROXY_COUNT, Config.BABEL_DEFAULT_LOCALE  # noqa: B018
Config.WTF_CSRF_TIME_LIMIT, Config.PERMANENT_SESSION_LIFETIME, Config.MAX_CONTENT_LENGTH, Config.WARM_UP  # noqa: B018
Config.SHARED_DIR, Config.VERSION_TTL  # noqa: B018

# pickle.Pickler calls reducer_override for every object it saves.
_Pickler.reducer_override  # noqa: B018

# Gunicorn calls the server hooks of its config file (scripts/bench_load.py passes -c).
bench_gunicorn_hooks.post_fork, bench_gunicorn_hooks.pre_request  # noqa: B018
bench_gunicorn_hooks.post_request, bench_gunicorn_hooks.worker_exit  # noqa: B018

# Flask-Login calls get_id(); its LoginManager reads these two attributes.
AccountUser.get_id  # noqa: B018
_.session_protection, _.login_view  # noqa: B018,F821

# WTForms reads fields by name (the templates render them; populate_obj and data use them)
# and calls validate_<field> methods.
auth_forms.RegistrationForm.password_confirm, auth_forms.RegistrationForm.consent  # noqa: B018
auth_forms.ResetPasswordForm.password_confirm, auth_forms._NewPasswordMixin.validate_password  # noqa: B018
profile_forms.OrganizationForm.short_name, profile_forms.OrganizationForm.street  # noqa: B018
profile_forms.OrganizationForm.contact_email, profile_forms.OrganizationForm.contact_phone  # noqa: B018
profile_forms.PersonForm.email_visibility, profile_forms.PersonForm.phone  # noqa: B018
profile_forms.PersonForm.phone_visibility, profile_forms.OrganizationForm.website  # noqa: B018
recommendation_forms.ProjectSearchForm.Meta, recommendation_forms.ConsortiumForm.Meta  # noqa: B018

# smtpd calls its server's process_message for every mail (the attacker probe's SMTP sink).
_.process_message  # noqa: B018,F821

# sqlite3 and Selenium read these attributes.
_.row_factory, _.binary_location  # noqa: B018,F821

# Kept on the projection for the log line and the matching benchmark.
Projection.build_seconds  # noqa: B018
# The text model's public call, shown in its doctest.
TextModel.embed  # noqa: B018
# Flask re-signs the session cookie when `session.modified` is set (web.access.keep_session_fresh).
_.modified  # noqa: B018,F821
# Ranking signals read by name (getattr over ltr.TEXT / ltr.BASKET) when the features are built.
from kim_network.matching import ltr as _ltr  # noqa: E402
_ltr.TextSignals.text_lex, _ltr.TextSignals.text_profile, _ltr.TextSignals.text_best  # noqa: B018
_ltr.BasketSignals.repeat_rate, _ltr.BasketSignals.seed_profile, _ltr.BasketSignals.family_profile  # noqa: B018
# Set on flask.g and read back with g.get("...") in the same module.
_._kim_store_down, _._kim_viewer  # noqa: B018,F821

# Search results: templates/search/index.html and the API's `why` read the excerpt fields.
from kim_network.services.search import Why  # noqa: E402
Why.related  # noqa: B018
# Event matchmaking: CP-SAT reads its parameters by name; templates read the rest.
from kim_network.services import event_matches as _event_matches, event_schedule as _event_schedule  # noqa: E402
from kim_network.web.events import forms as event_forms  # noqa: E402
_.num_workers, _.random_seed, _.max_time_in_seconds, _.relative_gap_limit  # noqa: B018,F821  (solver.parameters)
_.linearization_level, _.max_deterministic_time  # noqa: B018,F821
_event_matches.Suggestion.open_meeting  # noqa: B018  (templates/events/suggestions.html)
_event_schedule.EventFigures.not_useful, _event_schedule.EventFigures.not_met  # noqa: B018  (staff_event.html)
event_forms.MultiCheckboxField.widget, event_forms.MultiCheckboxField.option_widget  # noqa: B018  (WTForms)
# The introduction page (templates/introductions/*.html) reads these of the one view.
IntroView.reasons_about, IntroView.can_answer, IntroView.can_withdraw  # noqa: B018
# The saved-team pages (templates/recommendations/team*.html) show when it was saved.
Team.created_at  # noqa: B018
