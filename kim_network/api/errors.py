"""Domain errors as API errors: one mapping from the `DomainError` tree to JSON answers."""
from __future__ import annotations

from kim_network.api.registry import ApiError
from kim_network.core.errors import DomainError


def translate(exc: Exception) -> ApiError | None:
    """The ApiError for a domain error, or None for anything unexpected (a real bug)."""
    if not isinstance(exc, DomainError):
        return None
    return ApiError(exc.status, str(exc.summary or exc.message), exc.fields())
