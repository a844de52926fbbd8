"""Reading and writing instants and durations the way people do (standard library only)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from regflow.errors import CalendarError

__all__ = ["in_words", "parse_instant", "plural_ru"]

_UNITS = {
    # (one, few, many) by the Russian plural rule; see plural_ru
    "ru": (("день", "дня", "дней"), ("час", "часа", "часов"), ("минута", "минуты", "минут")),
    "en": (("day", "days", "days"), ("hour", "hours", "hours"), ("minute", "minutes", "minutes")),
}
_MINUS = {"ru": "минус ", "en": "minus "}


def parse_instant(text: str, timezone: str | dt.tzinfo) -> dt.datetime:
    """An aware datetime from ISO 8601 text; a local time is read in ``timezone``.

    A space may stand for the ``T``; seconds and the offset may be left out; a
    date alone is its midnight.

    >>> print(parse_instant("2025-10-31 17:45", "Asia/Yakutsk"))
    2025-10-31 17:45:00+09:00
    >>> print(parse_instant("2025-10-31T08:45:00Z", "Asia/Yakutsk"))
    2025-10-31 08:45:00+00:00

    Raises:
        CalendarError: the text is not a date and time, or ``timezone`` is not a
            time zone name.
    """
    try:
        parsed = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise CalendarError(f"not a date and time: {text!r} ({exc})") from exc
    if parsed.tzinfo is not None:
        return parsed
    if isinstance(timezone, str):
        try:
            zone: dt.tzinfo = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CalendarError(f"not a time zone: {timezone!r}") from exc
    else:
        zone = timezone
    return parsed.replace(tzinfo=zone)


def plural_ru(n: int, one: str, few: str, many: str) -> str:
    """The Russian form of a noun after the number ``n``: ``1 час``, ``2 часа``, ``5 часов``.

    The rule is CLDR's for Russian (Unicode CLDR, Language Plural Rules, ``ru``:
    https://www.unicode.org/cldr/charts/latest/supplemental/language_plural_rules.html):
    *one* when ``n`` ends in 1 but not in 11; *few* when it ends in 2-4 but not
    in 12-14; *many* otherwise.

    >>> [f"{n} {plural_ru(n, 'час', 'часа', 'часов')}" for n in (1, 2, 5, 11, 21, 112)]
    ['1 час', '2 часа', '5 часов', '11 часов', '21 час', '112 часов']
    """
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def in_words(duration: dt.timedelta, locale: str = "ru") -> str:
    """A duration in words, for notifications: ``2 часа 30 минут``.

    Days, hours and minutes, each left out when it is zero; seconds are dropped
    (a duration under a minute is ``0 минут``). A negative duration is said
    with ``минус``. ``locale`` is ``ru`` or ``en``.

    >>> in_words(dt.timedelta(hours=2, minutes=30))
    '2 часа 30 минут'
    >>> in_words(dt.timedelta(hours=-1))
    'минус 1 час'
    >>> in_words(dt.timedelta(days=21, hours=1), locale="en")
    '21 days 1 hour'

    Raises:
        CalendarError: another ``locale``.
    """
    units = _UNITS.get(locale)
    if units is None:
        raise CalendarError(f"durations are written in ru or en, not {locale!r}")
    minutes = int(abs(duration).total_seconds()) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [
        f"{n} {_form(n, forms, locale)}"
        for n, forms in zip((days, hours, minutes), units, strict=True)
        if n
    ]
    words = " ".join(parts) or f"0 {_form(0, units[2], locale)}"
    return f"{_MINUS[locale]}{words}" if duration < dt.timedelta(0) and parts else words


def _form(n: int, forms: tuple[str, str, str], locale: str) -> str:
    if locale == "ru":
        return plural_ru(n, *forms)
    return forms[0] if n == 1 else forms[1]
