"""Domain exceptions of the services as API errors with the right 4xx status."""
from __future__ import annotations

from ..introductions.service import IntroductionError, IntroNotFound
from ..introductions.service import NotAllowed as IntroNotAllowed
from ..matches.feedback import FeedbackError
from ..matching.types import MatchingError
from ..model import ValidationError
from ..profiles.service import NotAllowed as ProfileNotAllowed
from ..profiles.service import ProfileNotFound
from ..search.service import BadQuery
from ..store import AlreadyExists, InvalidQuery, NotFound
from .registry import ApiError


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
