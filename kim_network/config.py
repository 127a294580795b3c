"""Configuration, read from the environment only (documented in README "Configuration")."""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


class ConfigError(RuntimeError):
    """The configuration cannot run the app; the message says what to set."""


class Config:
    """Every setting of the platform, with its environment variable of the same name."""

    def __init__(self) -> None:
        env = os.environ
        self.KIM_DEMO = _bool("KIM_DEMO")
        self.SECRET_KEY = env.get("SECRET_KEY")
        self.KIM_DATA_DIR = env.get("KIM_DATA_DIR") or str(ROOT / "instance")
        self.SQLITE_PATH = env.get("KIM_SQLITE_PATH")
        self.NEO4J_URI = env.get("NEO4J_URI")
        self.NEO4J_USER = env.get("NEO4J_USER", "neo4j")
        self.NEO4J_PASSWORD = env.get("NEO4J_PASSWORD")
        self.NEO4J_DATABASE = env.get("NEO4J_DATABASE")
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", not self.KIM_DEMO)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.SMTP_HOST = env.get("SMTP_HOST")
        self.SMTP_PORT = int(env.get("SMTP_PORT", "587"))
        self.SMTP_USER = env.get("SMTP_USER")
        self.SMTP_PASSWORD = env.get("SMTP_PASSWORD")
        self.MAIL_FROM = env.get("MAIL_FROM", "netzwerk@ki-m.example")
        self.INTRO_REMINDER_DAYS = int(env.get("KIM_INTRO_REMINDER_DAYS", "7"))
        self.INTRO_RETENTION_DAYS = int(env.get("KIM_INTRO_RETENTION_DAYS", "365"))
        self.SME_BOOST = float(env.get("KIM_SME_BOOST", "0.15"))
        self.NEWCOMER_BOOST = float(env.get("KIM_NEWCOMER_BOOST", "0.10"))
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        self.PROXY_COUNT = int(env.get("KIM_PROXY_COUNT", "0"))
        # Build the analytics snapshots (with the map layout) and the search index at start.
        self.WARM_UP = _bool("KIM_WARM_UP", True)
        self.BABEL_DEFAULT_LOCALE = "de"
        self.WTF_CSRF_TIME_LIMIT = None

    def check(self, signing: bool = True) -> None:
        """Refuse to run without the secrets production needs.

        With ``signing=False`` (a `kim` administration command, which signs no session,
        cookie or token) a missing SECRET_KEY is replaced by a random one for this process.
        """
        if not self.SECRET_KEY:
            if self.KIM_DEMO:
                self.SECRET_KEY = "kim-demo-only-not-secret"
            elif not signing:
                self.SECRET_KEY = secrets.token_hex(32)
            else:
                raise ConfigError(
                    "SECRET_KEY is not set. Set it to a long random value "
                    "(python -c 'import secrets; print(secrets.token_hex(32))'), "
                    "or set KIM_DEMO=1 for a local demo."
                )
        if self.NEO4J_URI and not self.NEO4J_PASSWORD:
            raise ConfigError("NEO4J_URI is set but NEO4J_PASSWORD is not.")

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}


# Options of the `flask` command itself that take a value (`flask --app app kim ...`).
_FLASK_VALUE_OPTIONS = ("--app", "-A", "--env-file", "-e")


def is_admin_command(argv: Sequence[str]) -> bool:
    """Whether the process is the `flask` CLI running a `kim` command.

    Those commands (migrate, import, export, accounts, ...) sign nothing, so they do not
    need the web secret; `flask run` and WSGI servers still do.

    >>> is_admin_command(["/venv/bin/flask", "--app", "app", "kim", "import-cordis"])
    True
    >>> is_admin_command(["/venv/bin/flask", "--app", "app", "run"]), is_admin_command(["gunicorn", "app:app"])
    (False, False)
    """
    if not argv or os.path.basename(argv[0]) not in ("flask", "__main__.py"):
        return False
    args = list(argv[1:])
    while args:
        arg = args.pop(0)
        if arg in _FLASK_VALUE_OPTIONS:
            args = args[1:]
        elif not arg.startswith("-"):
            return arg == "kim"
    return False
