"""Production calendars from other libraries' data: ``holidays`` and ``workalendar``.

For any country or city regflow has no calendar of its own for. What each
source lacks, the resulting calendar lacks too (see ``docs/calendar.md``):

- ``holidays``: public holidays and, for the countries that publish them
  (Russia, China, ...), the weekend days made working; no shortened days.
- ``workalendar``: holidays and its own working weekend days; no shortened
  days; its Russian data is wrong on several dates every year from 2021
  (use :func:`regflow.calendar.russia` for Russia).

Shortened days and regional changes can be added with
:meth:`ProductionCalendar.with_overrides`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib.metadata import version as _version
from typing import Protocol

from regflow.calendar.production import Day, DayKind, Note, ProductionCalendar, Reason
from regflow.errors import InvalidCalendar, MissingExtra

__all__ = ["WorkalendarLike", "from_holidays", "from_workalendar"]


class WorkalendarLike(Protocol):
    """What regflow uses of a ``workalendar`` calendar instance."""

    def is_working_day(self, day: dt.date) -> bool: ...

    def get_weekend_days(self) -> Iterable[int]: ...

    def get_holiday_label(self, day: dt.date) -> str | None: ...


def _every_day(first_year: int, last_year: int) -> Iterable[dt.date]:
    first = dt.date(first_year, 1, 1).toordinal()
    last = dt.date(last_year, 12, 31).toordinal()
    return (dt.date.fromordinal(o) for o in range(first, last + 1))


def from_holidays(
    country: str,
    first_year: int,
    last_year: int,
    *,
    subdiv: str | None = None,
    language: str | None = None,
    extend: bool = False,
) -> ProductionCalendar:
    """A calendar from the ``holidays`` package's data for a country or subdivision.

    >>> cal = from_holidays("DE", 2025, 2025, subdiv="BY")
    >>> cal.day_kind(dt.date(2025, 1, 6))  # Epiphany in Bavaria
    <DayKind.NON_WORKING: 'non-working'>

    Args:
        country: an ISO 3166-1 code (``"RU"``, ``"KZ"``, ``"DE"``).
        first_year, last_year: the years to take.
        subdiv: a subdivision code, where the country has them.
        language: the language of holiday names; the country's own by default.
        extend: treat other years by the weekly pattern instead of raising.

    Raises:
        InvalidCalendar: the country or subdivision is unknown to ``holidays``.
    """
    import holidays

    supported = holidays.list_supported_countries()
    if country not in supported:
        raise InvalidCalendar(
            f"holidays has no country {country!r} (ISO 3166-1 alpha-2 codes)", path="country"
        )
    if subdiv is not None and subdiv not in supported[country]:
        raise InvalidCalendar(
            f"holidays has no subdivision {subdiv!r} of {country}; known: "
            + ", ".join(supported[country]),
            path="subdiv",
        )
    try:
        data = holidays.country_holidays(
            country, subdiv=subdiv, years=range(first_year, last_year + 1), language=language
        )
    except (NotImplementedError, ValueError) as exc:
        raise InvalidCalendar(str(exc), path="country") from exc
    source = f"holidays {_version('holidays')}: {country}" + (f"-{subdiv}" if subdiv else "")
    weekend = frozenset(data.weekend)
    days = []
    workdays = set(getattr(data, "weekend_workdays", ()))
    for day in _every_day(first_year, last_year):
        name = data.get(day)
        if name is not None:
            days.append(Day(day, DayKind.NON_WORKING, (Note(Reason.PUBLIC_HOLIDAY, name, source),)))
        elif day in workdays:
            days.append(
                Day(day, DayKind.WORKING, (Note(Reason.WORKING_WEEKEND, "Working day", source),))
            )
    return ProductionCalendar.build(
        f"holidays:{country}" + (f"-{subdiv}" if subdiv else ""),
        first_year,
        last_year,
        days,
        weekend=weekend,
        extend=extend,
    )


def from_workalendar(
    calendar: WorkalendarLike,
    first_year: int,
    last_year: int,
    *,
    extend: bool = False,
) -> ProductionCalendar:
    """A calendar from any ``workalendar`` calendar instance.

    >>> from workalendar.europe import France
    >>> cal = from_workalendar(France(), 2025, 2025)
    >>> cal.day_kind(dt.date(2025, 7, 14))
    <DayKind.NON_WORKING: 'non-working'>

    Args:
        calendar: an instance, e.g. ``workalendar.europe.France()``.
        first_year, last_year: the years to take.
        extend: treat other years by the weekly pattern instead of raising.

    Raises:
        MissingExtra: ``workalendar`` is not installed (the ``workalendar`` extra).
    """
    try:
        import workalendar  # noqa: F401 -- only to say which extra is missing
    except ImportError as exc:
        raise MissingExtra("from_workalendar", "workalendar") from exc
    name = type(calendar).__name__
    source = f"workalendar: {type(calendar).__module__}.{name}"
    weekend = frozenset(calendar.get_weekend_days())
    days = []
    for day in _every_day(first_year, last_year):
        working = calendar.is_working_day(day)
        if working == (day.weekday() not in weekend):
            continue
        if working:
            note = Note(Reason.WORKING_WEEKEND, "Working day", source)
            days.append(Day(day, DayKind.WORKING, (note,)))
        else:
            label = calendar.get_holiday_label(day) or "Holiday"
            days.append(
                Day(day, DayKind.NON_WORKING, (Note(Reason.PUBLIC_HOLIDAY, label, source),))
            )
    return ProductionCalendar.build(
        f"workalendar:{name}", first_year, last_year, days, weekend=weekend, extend=extend
    )
