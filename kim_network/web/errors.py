"""Error handlers: a clear page for people, ``{"error": {...}}`` JSON under ``/api/``.

The domain errors of `kim_network.core.errors`, raised anywhere in a request, become
answers here (routes do not catch them to call ``abort``):

=====================  ======  ==================================================
`Unavailable`           503    the database cannot be reached
`Invalid`               400    a value does not fit (`message` shown)
`InvalidQuery`          400    a filter, sort key or search the store refuses
`NotFound`              404    it does not exist or the viewer may not see it
`NotAllowed`            403    the viewer may not do this
`Conflict`              409    it clashes with stored data
`CSRFError`             400    a form without a valid CSRF token
``abort(code, description=...)``  the code; a custom description is shown
anything else           500    logged with its traceback; a generic message shown
=====================  ======  ==================================================

Use `error_response(status, message)` to answer with an error from a view, and
`show_on_form(form, exc)` to show a refusal on the form that caused it.
"""
from __future__ import annotations

import logging

from flask import Flask, flash, jsonify, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from kim_network.core.errors import BeingPrepared, Conflict, DomainError, Invalid, NotAllowed, NotFound, Unavailable
from kim_network.store import InvalidQuery

log = logging.getLogger(__name__)

TITLES = {
    400: _l("The request could not be processed"),
    401: _l("Please log in"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Action not allowed"),
    409: _l("This conflicts with existing data"),
    413: _l("The upload is too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}

MESSAGES = {
    400: _l("The request could not be processed. Please check your input and try again."),
    401: _l("Please log in to continue."),
    403: _l("You do not have permission to see this page."),
    404: _l("There is no page at this address. Perhaps the link is out of date."),
    405: _l("This action is not possible on this page."),
    409: _l("This conflicts with data that already exists."),
    413: _l("The upload is too large."),
    429: _l("Too many requests. Please wait a few minutes and try again."),
    500: _l("An unexpected error occurred. It has been logged; please try again later."),
    503: _l("The database cannot be reached right now. Please try again in a few minutes."),
}


def error_response(status: int, message=None, refresh: int | None = None):
    """An error answer: JSON ``{"error": {"status", "message"}}`` under /api/, else a page.

    With `refresh` (seconds) the page reloads itself and says when to retry (Retry-After).
    """
    from kim_network.web.access import is_api_request

    message = str(message if message is not None else MESSAGES.get(status, MESSAGES[500]))
    headers = {"Retry-After": str(refresh)} if refresh else {}
    if is_api_request():
        return jsonify({"error": {"status": status, "message": message}}), status, headers
    title = str(TITLES.get(status, TITLES[500]))
    page = render_template("errors/error.html", status=status, title=title, message=message, refresh=refresh)
    return page, status, headers


def show_on_form(form, exc: DomainError) -> None:
    """Show a service's refusal on the form: under the field it names (`exc.field`) if the form
    has one, otherwise as a message above the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors.append(exc.message)
    else:
        flash(str(exc.message), "error")


def _unavailable(exc: Unavailable):
    log.warning("unavailable: %s", exc)
    return error_response(503)


def _being_prepared(exc: BeingPrepared):
    log.info("being prepared: %s", exc)
    return error_response(503, _l("This is being prepared from the whole network for the first time. "
                                  "The page reloads by itself in a moment."), refresh=exc.retry_after)


def _invalid(exc: Invalid):
    log.info("invalid input: %s (field %s)", exc.message, exc.field)
    return error_response(400, _l("The input is not valid: %(detail)s", detail=exc.message))


def _invalid_query(exc: InvalidQuery):
    log.info("invalid query: %s", exc)
    return error_response(400, _l("The query is not valid: %(detail)s", detail=str(exc)))


def _not_found(exc: NotFound):
    log.info("not found: %s", exc)
    return error_response(404)


def _not_allowed(exc: NotAllowed):
    log.info("not allowed: %s", exc)
    return error_response(403)


def _conflict(exc: Conflict):
    log.info("conflict: %s", exc)
    return error_response(409, exc.message)


def _domain_error(exc: DomainError):
    log.info("domain error %s: %s", exc.status, exc)
    return error_response(exc.status, exc.message or None)


def _csrf_error(exc: CSRFError):
    log.info("CSRF check failed: %s", exc.description)
    return error_response(
        400,
        _l("The form has expired or did not come from this site. Please reload the page and try again."),
    )


def _http_error(exc: HTTPException):
    status = exc.code or 500
    custom = exc.description if exc.description != type(exc).description else None
    if status >= 500:
        log.error("HTTP %s: %s", status, exc)
    response = error_response(status, custom)
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        body, code, headers = response
        return body, code, {**headers, "Allow": ", ".join(exc.valid_methods)}
    return response


def _internal_error(exc: InternalServerError):
    original = getattr(exc, "original_exception", None)
    log.error("unhandled error", exc_info=original or exc)
    return error_response(500)


def register_error_handlers(app: Flask) -> None:
    # Flask picks the handler of the most specific class in the error's MRO.
    app.register_error_handler(BeingPrepared, _being_prepared)
    app.register_error_handler(Unavailable, _unavailable)
    app.register_error_handler(Invalid, _invalid)
    app.register_error_handler(InvalidQuery, _invalid_query)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(NotAllowed, _not_allowed)
    app.register_error_handler(Conflict, _conflict)
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    # Registered for 500 rather than Exception: tests still see tracebacks, and in
    # production Flask turns every unhandled exception into this 500.
    app.register_error_handler(InternalServerError, _internal_error)
