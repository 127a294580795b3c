"""Entry point for `flask --app app ...` and WSGI servers (`gunicorn app:app`)."""
import sys

from kim_network import create_app
from kim_network.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:  # a clear message instead of a traceback
    sys.exit(f"KI.M Netzwerk cannot start: {exc}")
