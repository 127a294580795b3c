"""Domain exceptions of the services as API errors with the right 4xx status."""
from __future__ import annotations

from kim_network.services.introductions import IntroductionError, IntroNotFound
from kim_network.services.introductions import NotAllowed as IntroNotAllowed
from kim_network.services.feedback import FeedbackError
from kim_network.matching.types import MatchingError
from kim_network.core.model import ValidationError
from kim_network.services.profiles import NotAllowed as ProfileNotAllowed
from kim_network.services.profiles import ProfileNotFound
from kim_network.services.search import BadQuery
from kim_network.store import AlreadyExists, InvalidQuery, NotFound
from kim_network.api.registry import ApiError


def translate(exc: Exception) -> ApiError | None:
    """The ApiError for a service exception, or None for anything unexpected (a real bug)."""
    if isinstance(exc, (ProfileNotFound, IntroNotFound, NotFound)):
        return ApiError(404, "Not found.")
    if isinstance(exc, (ProfileNotAllowed, IntroNotAllowed, PermissionError)):
        return ApiError(403, "You may not do this.")
    if isinstance(exc, IntroductionError):
        return ApiError(exc.status, exc.message, {exc.field: exc.message} if exc.field else None)
    if isinstance(exc, (ValidationError, FeedbackError)):
        return ApiError(422, "Some fields are not valid.", {exc.field or "body": exc.message})
    if isinstance(exc, BadQuery):
        return ApiError(400, "Some parameters are not valid.", {exc.field: exc.message})
    if isinstance(exc, AlreadyExists):
        return ApiError(409, str(exc), {"id": "is already taken"})
    if isinstance(exc, InvalidQuery):
        return ApiError(400, str(exc))
    if isinstance(exc, MatchingError):
        return ApiError(422, str(exc))
    return None
