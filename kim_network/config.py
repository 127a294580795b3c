"""Configuration, read from the environment only (documented in README "Configuration")."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Sequence
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _list(name: str) -> list[str] | None:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


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
        # Where the projection and analytics are published for every worker and app server to
        # map (default: beside the SQLite file, or <KIM_DATA_DIR>/shared); "off": each worker
        # keeps its own in memory.
        self.SHARED_DIR = env.get("KIM_SHARED_DIR")
        # Who builds them: "app" (a worker, under the store's lease) or "job" (only
        # `flask --app app kim build-projection`, e.g. run after each import).
        self.SHARED_BUILD = (env.get("KIM_SHARED_BUILD") or "app").strip().lower()
        # Seconds a worker reuses the store's change counters before asking again (its own
        # writes are seen at once); 0 asks on every request.
        self.VERSION_TTL = float(env.get("KIM_VERSION_TTL", "1.0"))
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
        # TrueType files for the name badges (default: DejaVu Sans from the system, else Vera).
        self.BADGE_FONT = (env.get("KIM_BADGE_FONT") or "").strip() or None
        self.BADGE_FONT_BOLD = (env.get("KIM_BADGE_FONT_BOLD") or "").strip() or self.BADGE_FONT
        self.BABEL_DEFAULT_LOCALE = "de"
        # The public address links in mails point to (never the request's Host header).
        self.KIM_BASE_URL = (env.get("KIM_BASE_URL") or "").strip().rstrip("/") or None
        # Host names the app answers to; any other Host header gets 400 before the app runs
        # (`kim_network.web.security.TrustedHosts`). Default: the host of KIM_BASE_URL, plus
        # 127.0.0.1 and localhost in demo and test mode.
        self.KIM_TRUSTED_HOSTS = _list("KIM_TRUSTED_HOSTS")
        # A session ends after this many hours without a request (and at logout, everywhere).
        hours = float(env.get("KIM_SESSION_HOURS", "12"))
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=hours)
        self.WTF_CSRF_TIME_LIMIT = int(hours * 3600)  # a form's token lives as long as a session
        # Request bodies larger than this are refused with 413 before they are read.
        self.MAX_CONTENT_LENGTH = int(env.get("KIM_MAX_BODY_BYTES", str(1024 * 1024)))

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
        if self.SHARED_BUILD not in ("app", "job"):
            raise ConfigError("KIM_SHARED_BUILD must be app or job.")
        for name, path in (("KIM_BADGE_FONT", self.BADGE_FONT), ("KIM_BADGE_FONT_BOLD", self.BADGE_FONT_BOLD)):
            if path and not Path(path).is_file():
                raise ConfigError(f"{name} names {path}, which is not a file (a TrueType font is expected).")
        self._check_public_address(required=signing)

    def _check_public_address(self, required: bool = True) -> None:
        """KIM_BASE_URL is required outside demo and test mode; it also names the trusted host.

        `kim` administration commands (``required=False``) run without it: the one that builds
        links (`kim remind-introductions`) asks for it itself.
        """
        local = self.KIM_DEMO or getattr(self, "TESTING", False)
        if not self.KIM_BASE_URL and not required and not local:
            if self.KIM_TRUSTED_HOSTS is None:
                self.KIM_TRUSTED_HOSTS = []  # a command serves no request: no host is trusted
            return
        if not self.KIM_BASE_URL:
            if not local:
                raise ConfigError(
                    "KIM_BASE_URL is not set. Set it to the platform's public address, e.g. "
                    "https://netzwerk.ki-m.de: links in e-mails (password reset, approval, "
                    "introductions) point there. Or set KIM_DEMO=1 for a local demo."
                )
            self.KIM_BASE_URL = "http://127.0.0.1:5000" if self.KIM_DEMO else "http://localhost"
        parts = urlsplit(self.KIM_BASE_URL)
        if (parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/")
                or parts.query or parts.fragment):
            raise ConfigError(f"KIM_BASE_URL must look like https://netzwerk.ki-m.de (got {self.KIM_BASE_URL!r}).")
        if self.KIM_TRUSTED_HOSTS is None:
            hosts = [parts.hostname] + (["127.0.0.1", "localhost"] if local else [])
            self.KIM_TRUSTED_HOSTS = list(dict.fromkeys(hosts))

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


def shared_dir(config) -> str | None:
    """The folder of the shared projection and analytics files, or None when sharing is off."""
    chosen = config.get("SHARED_DIR")
    if chosen:
        return None if chosen.strip().lower() == "off" else chosen
    if config.get("SQLITE_PATH") and not config.get("NEO4J_URI"):  # beside the store's file
        return os.path.join(os.path.dirname(os.path.abspath(config["SQLITE_PATH"])), "kim-shared")
    return os.path.join(config["KIM_DATA_DIR"], "kim-shared")
