"""Security headers on every response (pages, JSON, static files and error pages alike).

The Content-Security-Policy allows no inline script or style: templates load
``static/js`` and ``static/css`` files only. A view that needs a different header sets it
on its response; headers already present are left alone.
"""
from __future__ import annotations

from flask import Response, request, session

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
