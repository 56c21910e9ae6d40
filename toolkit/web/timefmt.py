"""Times on staff pages, in the program's time zone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo
from zoneinfo import ZoneInfoNotFoundError

from flask import Flask


def local_time(value: datetime | None, zone: str | None, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
    """``value`` (timezone-aware) as text in the IANA ``zone`` (UTC when unknown); '' for None.

    Examples
    --------
    >>> from datetime import UTC
    >>> local_time(datetime(2026, 7, 1, 16, 5, tzinfo=UTC), "America/New_York")
    '2026-07-01 12:05 EDT'
    """
    if value is None:
        return ""
    try:
        tz = ZoneInfo(zone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    return value.astimezone(tz).strftime(fmt)


def init_time_filters(app: Flask) -> None:
    """Register ``|local_time(zone)`` for templates."""
    app.jinja_env.filters["local_time"] = local_time
