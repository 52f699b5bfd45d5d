"""Marshmallow fields shared by the API's response schemas."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from marshmallow import ValidationError, fields

__all__ = ["IsoDate", "UtcDateTime", "no_nul"]


class UtcDateTime(fields.DateTime):
    """An ISO 8601 timestamp that always carries its zone (``date-time`` in the document).

    Every timestamp riskguard stores is UTC, but SQLite hands ``DateTime(timezone=True)`` columns back
    naive; a naive value is therefore UTC, never local time. Strings (already rendered) are parsed first,
    so one rendering serves every backend."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class IsoDate(fields.Date):
    """A calendar day (``date`` in the document), from a ``date`` or its ISO text."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return super()._serialize(value, attr, obj, **kwargs)


def no_nul(value: str) -> None:
    """Text that is stored: PostgreSQL text cannot hold NUL, so it is a 400 here, not a 500 there."""
    if "\x00" in value:
        raise ValidationError("must not contain NUL characters")
