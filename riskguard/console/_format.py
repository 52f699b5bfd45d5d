"""Times and dates as the console shows them: one helper for every page, in the console's zone
(``RISKGUARD_CONSOLE_TIMEZONE``, Asia/Shanghai by default) with the zone written out, never mm/dd/yyyy.
Stored times are UTC; SQLite hands them back naive."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["when_text", "zone_label", "console_zone", "to_utc"]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@lru_cache(maxsize=8)
def console_zone(name: str) -> tzinfo:
    """The named zone; UTC when the name is unknown (a bad setting must not take the console down)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def zone_label(zone: tzinfo, at: datetime | None = None) -> str:
    """``UTC`` or ``UTC+08:00``: an offset everyone reads the same way (abbreviations such as CST are not)."""
    offset = (at or datetime.now(UTC)).astimezone(zone).utcoffset()
    if not offset:
        return "UTC"
    minutes = int(offset.total_seconds() // 60)
    sign, minutes = ("+" if minutes >= 0 else "-"), abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _day(day: date, lang: str) -> str:
    return day.isoformat() if lang == "zh" else f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def when_text(value: datetime | date | str | None, zone: tzinfo, lang: str = "zh") -> str:
    """``2026-12-05 18:36 UTC+08:00`` (zh) or ``5 Dec 2026 18:36 UTC+08:00`` (en); a date alone without
    a time or zone; '' for nothing."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        raw, text = value, value.replace("Z", "+00:00")
        try:
            value = datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        except ValueError:
            return raw  # not a time after all: shown as it is rather than failing the page
    if not isinstance(value, datetime):
        return _day(value, lang)
    moment = to_utc(value).astimezone(zone)
    return f"{_day(moment.date(), lang)} {moment:%H:%M} {zone_label(zone, moment)}"


def to_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
