"""The errors regflow raises, all under one root.

Every error is a :class:`RegflowError` and also subclasses the builtin it is
closest to, so callers may catch either::

    RegflowError
    ├── CalendarError (ValueError)
    │   ├── InvalidCalendar            a calendar's data or override is wrong
    │   ├── InvalidOfficeHours         office hours that overlap, run backwards...
    │   ├── OutOfCalendarRange (+ LookupError)
    │   │                              a date the calendar has no data for
    │   └── NaiveDatetime              a datetime without a time zone
    └── ...                            (rules, core and storage errors join here)

Errors keep the fields a caller needs (``.path``, ``.day``...) besides the
message, so a program can react without parsing text.
"""

from __future__ import annotations

import datetime as dt

__all__ = [
    "CalendarError",
    "InvalidCalendar",
    "InvalidOfficeHours",
    "NaiveDatetime",
    "OutOfCalendarRange",
    "RegflowError",
]


class RegflowError(Exception):
    """The root of every error regflow raises."""


class CalendarError(RegflowError, ValueError):
    """A problem with working time: calendar data, office hours or an instant."""


class InvalidCalendar(CalendarError):
    """A production calendar's data or one of its overrides is inconsistent.

    ``path`` names the offending entry (``"overrides[2]"``, ``"2025-11-01"``).
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class InvalidOfficeHours(CalendarError):
    """Office hours that cannot be used: overlapping, reversed or out-of-day intervals.

    ``path`` names the offending entry (``"weekly[0][1]"``, ``"exceptions[2025-12-31]"``).
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class OutOfCalendarRange(CalendarError, LookupError):
    """A date outside the years a calendar has data for.

    ``day`` is the date asked for; ``first_year`` and ``last_year`` bound the data.
    """

    def __init__(self, day: dt.date, first_year: int, last_year: int, calendar: str) -> None:
        super().__init__(
            f"{day.isoformat()} is outside calendar {calendar!r}, which covers "
            f"{first_year}-{last_year}; add data for that year, or build the calendar "
            "with extend=True to treat other years by the weekly pattern"
        )
        self.day = day
        self.first_year = first_year
        self.last_year = last_year
        self.calendar = calendar


class NaiveDatetime(CalendarError, TypeError):
    """A datetime without tzinfo where an instant is needed.

    ``argument`` names the parameter that received it.
    """

    def __init__(self, value: dt.datetime, argument: str) -> None:
        super().__init__(
            f"{argument}={value.isoformat()} has no time zone; pass an aware datetime "
            "(e.g. datetime(..., tzinfo=ZoneInfo('Asia/Yakutsk')))"
        )
        self.value = value
        self.argument = argument
