"""Entry point for `flask --app app ...` and WSGI servers (`gunicorn app:app`)."""
import sys

from kim_network import create_app
from kim_network.config import ConfigError, is_admin_command

try:
    # `flask --app app kim ...` commands sign nothing and need no SECRET_KEY; serving does.
    app = create_app(signing=not is_admin_command(sys.argv))
except ConfigError as exc:  # a clear message instead of a traceback
    sys.exit(f"KI.M Netzwerk cannot start: {exc}")
