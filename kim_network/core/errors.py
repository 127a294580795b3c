"""The domain errors every layer raises; the web shell turns them into a page or JSON, once.

Services, engines, importers and the store raise these (or a subclass with a more precise
name); routes do not catch them to call ``abort()``. `kim_network.web.errors` renders a page
for each, `kim_network.api.errors` an ``{"error": {...}}`` answer.

==============  ==========  ======================================================
class           API status  meaning
==============  ==========  ======================================================
`NotFound`      404         it does not exist, or the viewer may not see it (same answer)
`NotAllowed`    403         the viewer sees it but may not do this
`Invalid`       422 / 400   the input is wrong; ``field`` names it, ``message`` says why
`Conflict`      409         it clashes with what is stored (an id already taken)
`Unavailable`   503         the database or another service cannot answer now
==============  ==========  ======================================================

>>> issubclass(Invalid, ValueError), NotFound("no such profile").status
(True, 404)
>>> Invalid("must be a number", "k").fields()
{'k': 'must be a number'}
"""
from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a user can be told about.

    Parameters
    ----------
    message : str
        What went wrong, in words the user can act on (may be a lazy translation).
    field : str, optional
        The input field at fault.
    status : int, optional
        Overrides the class's HTTP status for this one error.
    """

    status = 400
    # The API's message for the whole error; None means the error's own message.
    summary: str | None = None

    def __init__(self, message: Any = "", field: str | None = None, status: int | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
        if status is not None:
            self.status = status

    def fields(self) -> dict[str, str] | None:
        """Per-field messages for a form or the API's ``fields``."""
        return {self.field: str(self.message)} if self.field else None


class NotFound(DomainError, LookupError):
    """It does not exist, or the viewer may not see it: both answer the same."""

    status = 404
    summary = "Not found."


class NotAllowed(DomainError, PermissionError):
    """The viewer may see it but may not do this with it."""

    status = 403
    summary = "You may not do this."


class Invalid(DomainError, ValueError):
    """Input that does not fit; ``field`` names it."""

    status = 422


class Conflict(DomainError):
    """The request clashes with stored data."""

    status = 409


class Unavailable(DomainError):
    """The database (or another service) cannot answer now; try again later."""

    status = 503


class BeingPrepared(Unavailable):
    """Data built from the whole graph (recommendations, analytics) is being prepared for the
    first time; the answer comes once the build is done. ``retry_after`` is in seconds."""

    summary = "This is being prepared. Please try again in a minute."
    retry_after = 30
