"""Durations that say how they are counted.

"7 working days" is not 7 x 8 working hours, and "30 minutes" of clock time is
not 30 working minutes. Each kind of period is its own type, so a rule states
which one it means and :class:`~regflow.calendar.WorkingTime` counts it
accordingly:

- :class:`Working` -- an amount of working time (office hours on working days);
- :class:`WorkingDays` -- a count of whole working days (Civil Code arts. 191,
  193 by default);
- :class:`Clock` -- plain elapsed time, nights and holidays included;
- :class:`CalendarDays` -- a count of calendar days, to the end of the last one
  (Civil Code arts. 191, 194).

Values of different kinds never compare equal and never add up.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Self

import attrs

__all__ = ["CalendarDays", "Clock", "DayCounting", "Duration", "Working", "WorkingDays"]


@attrs.frozen(init=False, order=True, repr=False)
class _Span:
    """A non-negative amount of time; the subclass says which time it counts."""

    micros: int
    """The amount in whole microseconds (the unit of the working-time index)."""

    def __init__(
        self, *, days: int = 0, hours: int = 0, minutes: int = 0, seconds: int = 0
    ) -> None:
        micros = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1_000_000
        if micros < 0:
            raise ValueError(f"{type(self).__name__} must not be negative")
        self.__attrs_init__(micros)

    @classmethod
    def of(cls, amount: dt.timedelta) -> Self:
        """The same amount given as a :class:`datetime.timedelta` (whole seconds)."""
        if amount.microseconds:
            raise ValueError(f"{cls.__name__} counts whole seconds, got {amount}")
        return cls(days=amount.days, seconds=amount.seconds)

    @property
    def amount(self) -> dt.timedelta:
        """The amount as a :class:`datetime.timedelta`."""
        return dt.timedelta(microseconds=self.micros)

    def __add__(self, other: object) -> Self:
        if type(other) is not type(self):
            return NotImplemented
        assert isinstance(other, _Span)
        return type(self).of(self.amount + other.amount)

    def __bool__(self) -> bool:
        return bool(self.micros)

    def __repr__(self) -> str:
        total = self.micros // 1_000_000
        hours, rest = divmod(total, 3600)
        minutes, seconds = divmod(rest, 60)
        parts = [
            f"{name}={value}"
            for name, value in (("hours", hours), ("minutes", minutes), ("seconds", seconds))
            if value
        ]
        return f"{type(self).__name__}({', '.join(parts) or 'minutes=0'})"


class Working(_Span):
    """An amount of working time: ``Working(hours=8)`` is п. 9's limit.

    Only time inside office hours on working days counts; lunch breaks, nights,
    weekends and holidays do not.
    """


class Clock(_Span):
    """Plain elapsed time: ``Clock(hours=2)`` runs through nights and holidays.

    For rules whose limits a regulation counts in calendar time (ambiguity 1 of
    the Blagoveshchensk order lets a city choose this for the short limits).
    """


class DayCounting(enum.Enum):
    """How a period of working days is counted."""

    CIVIL_CODE = "civil-code"
    """Counting starts the day after the start's local date (Civil Code art. 191)
    and the period ends at the close of office hours of its last working day
    (arts. 193, 194). The default."""

    FROM_INSTANT = "from-instant"
    """``n`` times the nominal working-day length of working time, counted from
    the start instant (the alternative reading of ambiguity 2)."""


@attrs.frozen
class WorkingDays:
    """A count of whole working days: ``WorkingDays(7)`` is п. 14's limit.

    By default (:attr:`DayCounting.CIVIL_CODE`) the period ends at the close of
    the ``count``-th working day after the start's local date.
    """

    count: int = attrs.field(validator=attrs.validators.ge(0))
    counting: DayCounting = DayCounting.CIVIL_CODE


@attrs.frozen
class CalendarDays:
    """A count of calendar days, counted the Civil Code way: ``CalendarDays(3)`` from a
    Monday ends at 24:00 local time of Thursday.

    The count starts the day after the start's local date (Civil Code art. 191) and the
    period ends at the end of its last day (art. 194: at 24 hours). Weekends and holidays
    count; a last day that is not a working day is not moved (art. 193 moves it only
    where the act being applied says so: give a working-days period instead).
    """

    count: int = attrs.field(validator=attrs.validators.ge(0))


Duration = Working | WorkingDays | Clock | CalendarDays
"""Any period :class:`~regflow.calendar.WorkingTime` can add or subtract."""
