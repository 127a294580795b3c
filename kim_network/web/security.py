"""Security headers on every response (pages, JSON, static files and error pages alike), the
refusal of unexpected Host headers, and the one check of a redirect target a request names.

The Content-Security-Policy allows no inline script or style: templates load
``static/js`` and ``static/css`` files only. A view that needs a different header sets it
on its response; headers already present are left alone.
"""
from __future__ import annotations

from typing import Callable, Iterable
from urllib.parse import urlsplit

from flask import Response, request, session
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
        "microphone=(), payment=(), usb=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}


def set_security_headers(response: Response) -> Response:
    """after_request: add the headers; keep pages of logged-in users out of shared caches."""
    for name, value in SECURITY_HEADERS.items():
        if name not in response.headers:
            response.headers[name] = value
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if request.endpoint != "static" and "_user_id" in session:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def safe_local_path(target: str | None, default: str | None = None) -> str | None:
    """`target` if it is a path on this site (a redirect after login or a form), else `default`.

    >>> safe_local_path("/matches?x=1"), safe_local_path("//evil.example/"), safe_local_path("https://x", "/")
    ('/matches?x=1', None, '/')
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else default


class TrustedHosts:
    """WSGI middleware: a request whose Host header is not one of `hosts` gets a plain 400.

    Nothing of the app runs for it, so no page, redirect or mail can ever be built from a
    host an attacker chose (password reset poisoning). Ports are ignored; a name starting
    with a dot also allows its subdomains. Behind a reverse proxy, wrap this inside
    ProxyFix so the forwarded host is the one checked.
    """

    def __init__(self, app: Callable, hosts: Iterable[str]):
        self.app = app
        self.hosts = list(hosts)

    def __call__(self, environ, start_response):
        try:
            get_host(environ, self.hosts)
        except SecurityError:
            body = b"400 Bad Request: this server does not answer to that host name.\n"
            start_response("400 Bad Request", [
                ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                ("Content-Security-Policy", "default-src 'none'"), ("X-Content-Type-Options", "nosniff"),
            ])
            return [body]
        return self.app(environ, start_response)
