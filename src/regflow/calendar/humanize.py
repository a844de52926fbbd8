"""Reading and writing instants and durations the way people do, through pendulum."""

from __future__ import annotations

import datetime as dt

import pendulum

from regflow.errors import CalendarError

__all__ = ["in_words", "parse_instant"]


def parse_instant(text: str, timezone: str | dt.tzinfo) -> dt.datetime:
    """An aware datetime from ISO 8601-like text; a local time is read in ``timezone``.

    >>> print(parse_instant("2025-10-31 17:45", "Asia/Yakutsk"))
    2025-10-31 17:45:00+09:00
    >>> print(parse_instant("2025-10-31T08:45:00Z", "Asia/Yakutsk"))
    2025-10-31 08:45:00+00:00

    Raises:
        CalendarError: the text is not a date and time.
    """
    zone = timezone if isinstance(timezone, str) else str(timezone)
    try:
        parsed = pendulum.parse(text, tz=zone)
    except (ValueError, pendulum.parsing.exceptions.ParserError) as exc:
        raise CalendarError(f"not a date and time: {text!r} ({exc})") from exc
    if not isinstance(parsed, dt.datetime):
        raise CalendarError(f"not a date and time: {text!r} (a {type(parsed).__name__})")
    return dt.datetime.fromisoformat(parsed.isoformat())


def in_words(duration: dt.timedelta, locale: str = "ru") -> str:
    """A duration in words, for notifications: ``2 часа 30 минут``.

    >>> in_words(dt.timedelta(hours=2, minutes=30))
    '2 часа 30 минут'
    >>> in_words(dt.timedelta(hours=-1))
    'минус 1 час'
    """
    negative = duration < dt.timedelta(0)
    words = pendulum.duration(seconds=int(abs(duration).total_seconds())).in_words(locale=locale)
    if negative:
        return f"минус {words}" if locale == "ru" else f"-{words}"
    return words
