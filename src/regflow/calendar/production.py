"""The production calendar: which dates are working, shortened or non-working, and why.

A :class:`ProductionCalendar` knows a range of years. Each date in it is a
:class:`Day` of one :class:`DayKind`; every date that differs from the plain
weekly pattern (Saturday and Sunday off) carries :class:`Note`\\ s saying why
(a public holiday, a moved day off, a decree) and on what authority.

Calendars are values: :meth:`ProductionCalendar.with_overrides` returns a new
calendar, the original is unchanged.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping

import attrs

from regflow.errors import InvalidCalendar, OutOfCalendarRange

__all__ = [
    "Day",
    "DayKind",
    "Note",
    "Override",
    "ProductionCalendar",
    "Reason",
    "TimeRange",
]

TimeRange = tuple[dt.time, dt.time]
"""Local hours ``(start, end)`` of one working interval; ``end`` of ``time(0)`` means midnight."""


class DayKind(enum.Enum):
    """What a date is in the production calendar."""

    WORKING = "working"
    SHORTENED = "shortened"
    """A working day one hour shorter (Labour Code art. 95: the day before a public holiday)."""
    NON_WORKING = "non-working"

    @property
    def is_working(self) -> bool:
        """True for working and shortened days."""
        return self is not DayKind.NON_WORKING


class Reason(enum.Enum):
    """Why a date differs from the weekly pattern."""

    PUBLIC_HOLIDAY = "public-holiday"
    """A non-working public holiday (Labour Code art. 112 part 1, or another country's law)."""
    OBSERVED = "observed"
    """A weekday off because a holiday fell on a day off (Labour Code art. 112 part 2)."""
    MOVED_DAY_OFF = "moved-day-off"
    """A weekday made a day off by a government decree moving days off."""
    WORKING_WEEKEND = "working-weekend"
    """A Saturday or Sunday made a working day by the same decree."""
    PRE_HOLIDAY = "pre-holiday"
    """The working day before a public holiday, one hour shorter (Labour Code art. 95)."""
    DECREED_NON_WORKING = "decreed-non-working"
    """Non-working days declared by decree that are not public holidays (e.g. Russia 2020-2021)."""
    OVERRIDE = "override"
    """Set by a regional or municipal act, or by the deploying organisation."""


@attrs.frozen
class Note:
    """One reason a date is what it is, with its name and the act behind it."""

    reason: Reason
    name: str
    source: str


def _check_time_ranges(ranges: tuple[TimeRange, ...], path: str) -> None:
    previous_end = -1
    for index, (start, end) in enumerate(ranges):
        start_min = start.hour * 60 + start.minute
        end_min = 24 * 60 if end == dt.time(0) else end.hour * 60 + end.minute
        if start.second or start.microsecond or end.second or end.microsecond:
            raise InvalidCalendar("hours are counted in whole minutes", path=f"{path}[{index}]")
        if end_min <= start_min:
            raise InvalidCalendar(
                f"interval {start:%H:%M}-{end:%H:%M} ends before it starts", path=f"{path}[{index}]"
            )
        if start_min < previous_end:
            raise InvalidCalendar(
                "intervals must be sorted and must not overlap", path=f"{path}[{index}]"
            )
        previous_end = end_min


@attrs.frozen
class Day:
    """A date of a production calendar: its kind, its notes and, rarely, its own hours.

    ``hours`` is set only when an act fixes that date's hours ("on 31 December
    work ends at 16:00"); then those hours replace the office hours.
    """

    date: dt.date
    kind: DayKind
    notes: tuple[Note, ...] = ()
    hours: tuple[TimeRange, ...] | None = None

    @property
    def is_working(self) -> bool:
        """True for working and shortened days."""
        return self.kind.is_working


@attrs.frozen
class Override:
    """A change to one date made by a regional or municipal act.

    ``source`` is required: an auditor must see on what authority a date
    changed. ``hours`` optionally fixes that date's working hours.

    >>> import datetime as dt
    >>> Override(dt.date(2025, 12, 30), DayKind.NON_WORKING,
    ...          name="Дополнительный выходной", source="Указ губернатора № 1")
    ... # doctest: +ELLIPSIS
    Override(date=datetime.date(2025, 12, 30), kind=<DayKind.NON_WORKING: ...>, ...)
    """

    date: dt.date
    kind: DayKind
    name: str
    source: str
    hours: tuple[TimeRange, ...] | None = None

    def __attrs_post_init__(self) -> None:
        path = f"override[{self.date.isoformat()}]"
        if not self.source.strip():
            raise InvalidCalendar("an override must cite its source act", path=path)
        if self.hours is not None:
            if not self.kind.is_working:
                raise InvalidCalendar("a non-working day cannot have hours", path=path)
            if not self.hours:
                raise InvalidCalendar("a working day needs at least one interval", path=path)
            _check_time_ranges(self.hours, f"{path}.hours")


def _weekly_kind(day: dt.date, weekend: frozenset[int]) -> DayKind:
    return DayKind.NON_WORKING if day.weekday() in weekend else DayKind.WORKING


@attrs.frozen(eq=False)
class ProductionCalendar:
    """Which dates are working, shortened or non-working over a range of years.

    Build one with :func:`regflow.calendar.russia`, :func:`regflow.calendar.from_holidays`,
    :func:`regflow.calendar.from_workalendar` or :meth:`ProductionCalendar.build`.

    Args:
        name: what the calendar is, for messages (``"Russia"``).
        first_year, last_year: the years the data covers.
        weekend: weekday numbers (Monday is 0) of the weekly days off.
        days: the dates that differ from the weekly pattern.
        extend: if true, dates outside the range follow the weekly pattern
            instead of raising :class:`~regflow.errors.OutOfCalendarRange`.
    """

    name: str
    first_year: int
    last_year: int
    weekend: frozenset[int]
    _days: Mapping[dt.date, Day] = attrs.field(alias="days")
    extend: bool = False

    @classmethod
    def build(
        cls,
        name: str,
        first_year: int,
        last_year: int,
        days: Iterable[Day],
        *,
        weekend: Iterable[int] = (5, 6),
        extend: bool = False,
    ) -> ProductionCalendar:
        """Check ``days`` and make a calendar of them.

        Raises:
            InvalidCalendar: a date outside the range, a date given twice, a
                weekday number outside 0-6, or an empty range.
        """
        weekend_set = frozenset(weekend)
        if not weekend_set <= set(range(7)):
            raise InvalidCalendar(
                f"weekday numbers must be 0-6, got {sorted(weekend_set)}", path="weekend"
            )
        if last_year < first_year:
            raise InvalidCalendar(f"no years: {first_year}-{last_year}", path="years")
        table: dict[dt.date, Day] = {}
        for day in days:
            path = day.date.isoformat()
            if not first_year <= day.date.year <= last_year:
                raise InvalidCalendar(f"outside {first_year}-{last_year}", path=path)
            if day.date in table:
                raise InvalidCalendar("given twice", path=path)
            if day.hours is not None:
                _check_time_ranges(day.hours, f"{path}.hours")
            table[day.date] = day
        return cls(name, first_year, last_year, weekend_set, dict(sorted(table.items())), extend)

    def covers(self, day: dt.date) -> bool:
        """True if ``day`` is within the data's years (regardless of ``extend``)."""
        return self.first_year <= day.year <= self.last_year

    def day(self, day: dt.date) -> Day:
        """The calendar's entry for ``day``: kind, notes and own hours, if any.

        Raises:
            OutOfCalendarRange: ``day`` is outside the data and the calendar does not extend.
        """
        entry = self._days.get(day)
        if entry is not None:
            return entry
        if not self.extend and not self.covers(day):
            raise OutOfCalendarRange(day, self.first_year, self.last_year, self.name)
        return Day(day, _weekly_kind(day, self.weekend))

    def day_kind(self, day: dt.date) -> DayKind:
        """Whether ``day`` is working, shortened or non-working."""
        return self.day(day).kind

    def is_working_day(self, day: dt.date) -> bool:
        """True if ``day`` is a working (possibly shortened) day."""
        return self.day(day).kind.is_working

    def days(self, first: dt.date, last: dt.date) -> Iterator[Day]:
        """Every date from ``first`` to ``last`` inclusive, as :class:`Day`."""
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            yield self.day(dt.date.fromordinal(ordinal))

    def changes(self, year: int | None = None) -> tuple[Day, ...]:
        """The dates that differ from the weekly pattern, in order, for one year or all."""
        return tuple(d for d in self._days.values() if year is None or d.date.year == year)

    def year_days(self, year: int) -> Iterator[Day]:
        """Every date of ``year``."""
        return self.days(dt.date(year, 1, 1), dt.date(year, 12, 31))

    def working_days(self, year: int) -> int:
        """The number of working days (shortened ones included) in ``year``."""
        return sum(1 for d in self.year_days(year) if d.kind.is_working)

    def shortened_days(self, year: int) -> int:
        """The number of shortened working days in ``year``."""
        return sum(1 for d in self.year_days(year) if d.kind is DayKind.SHORTENED)

    def norm_hours(self, year: int, week_hours: float = 40) -> float:
        """The official norm of working hours in ``year`` for a ``week_hours`` week.

        Computed as the Russian Ministry of Labour does (order No. 588n of
        13.08.2009): the week's hours divided by five, times the working days,
        less one hour for each shortened day.
        """
        return week_hours / 5 * self.working_days(year) - self.shortened_days(year)

    def with_overrides(self, *overrides: Override) -> ProductionCalendar:
        """A new calendar with ``overrides`` applied (later ones win on the same date).

        Raises:
            InvalidCalendar: an override outside the calendar's years.
        """
        table = dict(self._days)
        for index, override in enumerate(overrides):
            if not self.covers(override.date) and not self.extend:
                raise InvalidCalendar(
                    f"{override.date.isoformat()} is outside {self.first_year}-{self.last_year}",
                    path=f"overrides[{index}]",
                )
            earlier = table.get(override.date)
            note = Note(Reason.OVERRIDE, override.name, override.source)
            notes = (*earlier.notes, note) if earlier else (note,)
            table[override.date] = Day(override.date, override.kind, notes, override.hours)
        first = min([self.first_year, *(d.year for d in table)])
        last = max([self.last_year, *(d.year for d in table)])
        return ProductionCalendar(
            self.name, first, last, self.weekend, dict(sorted(table.items())), self.extend
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ProductionCalendar):
            return NotImplemented
        return (
            self.name,
            self.first_year,
            self.last_year,
            self.weekend,
            self.extend,
            self._days,
        ) == (
            other.name,
            other.first_year,
            other.last_year,
            other.weekend,
            other.extend,
            other._days,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<ProductionCalendar {self.name!r} {self.first_year}-{self.last_year}, "
            f"{len(self._days)} dates off the weekly pattern>"
        )
