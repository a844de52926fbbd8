"""Office hours: when, on a working day, people are at work.

The production calendar says which dates are working; :class:`OfficeHours`
says which hours of them count: per weekday intervals (a lunch break is the
gap between two), the hours of a weekend day the calendar makes working, how
much shorter a shortened day is, and per-date exceptions (a duty day, a
governor's extra day off).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import attrs

from regflow.calendar.production import Day, DayKind, TimeRange
from regflow.errors import InvalidOfficeHours

__all__ = ["OfficeHours"]

Minutes = tuple[tuple[int, int], ...]
"""Intervals as minutes from local midnight, ``(start, end)``; ``end`` may be 1440."""

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def _parse(spec: str | Minutes | tuple[TimeRange, ...], path: str) -> Minutes:
    """Intervals from ``"09:00-13:00, 14:00-18:00"``, time pairs or minute pairs."""
    pairs: list[tuple[int, int]] = []
    if isinstance(spec, str):
        for index, part in enumerate(p for p in spec.split(",") if p.strip()):
            match = _INTERVAL.match(part)
            if match is None:
                raise InvalidOfficeHours(
                    f"expected 'HH:MM-HH:MM', got {part.strip()!r}", path=f"{path}[{index}]"
                )
            h1, m1, h2, m2 = (int(g) for g in match.groups())
            if h1 > 24 or h2 > 24 or m1 > 59 or m2 > 59:
                raise InvalidOfficeHours(
                    f"no such time in {part.strip()!r}", path=f"{path}[{index}]"
                )
            pairs.append((h1 * 60 + m1, h2 * 60 + m2))
    else:
        for start, end in spec:
            if isinstance(start, dt.time) and isinstance(end, dt.time):
                end_minutes = 1440 if end == dt.time(0) else end.hour * 60 + end.minute
                pairs.append((start.hour * 60 + start.minute, end_minutes))
            else:
                pairs.append((int(start), int(end)))  # type: ignore[arg-type]
    previous = 0
    for index, (start, end) in enumerate(pairs):
        where = f"{path}[{index}]"
        if not 0 <= start < end <= 1440:
            raise InvalidOfficeHours(
                f"interval {_fmt(start)}-{_fmt(end)} must lie within one day and end after it "
                "starts",
                path=where,
            )
        if start < previous:
            raise InvalidOfficeHours("intervals must be sorted and must not overlap", path=where)
        previous = end
    return tuple(pairs)


def _fmt(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _shorten(intervals: Minutes, by: int) -> Minutes:
    """``intervals`` with ``by`` minutes taken off the end of the day."""
    kept = list(intervals)
    while by > 0 and kept:
        start, end = kept[-1]
        if end - start > by:
            kept[-1] = (start, end - by)
            break
        by -= end - start
        kept.pop()
    return tuple(kept)


@attrs.frozen(unsafe_hash=False)
class OfficeHours:
    """The hours that count as working time on each kind of day.

    Build it with :meth:`standard` or :meth:`of`; construct directly only from
    already checked minute intervals.

    Attributes:
        weekly: seven entries, Monday first, each a tuple of ``(start, end)``
            minute intervals; an empty tuple is a day off.
        working_weekend: the hours of a weekend day that the calendar makes a
            working day (a moved working Saturday).
        shortening: minutes taken off the end of a shortened day (art. 95: 60).
        exceptions: per-date hours that win over everything else; an empty
            tuple makes the date a day off.
    """

    weekly: tuple[Minutes, ...]
    working_weekend: Minutes
    shortening: int = 60
    exceptions: Mapping[dt.date, Minutes] = attrs.field(factory=dict)

    @classmethod
    def standard(cls) -> OfficeHours:
        """Monday-Friday 9:00-13:00 and 14:00-18:00; a shortened day ends at 17:00.

        The default of ambiguity 6 of the Blagoveshchensk order: a 40-hour week
        with a lunch break, the usual hours of a Russian municipal administration.
        """
        return cls.of({"mon-fri": "09:00-13:00, 14:00-18:00"})

    @classmethod
    def of(
        cls,
        days: Mapping[str, str],
        *,
        working_weekend: str | None = None,
        shortening: dt.timedelta = dt.timedelta(hours=1),
        exceptions: Mapping[dt.date, str] | None = None,
    ) -> OfficeHours:
        """Office hours from readable text, as a TOML file would give them.

        >>> hours = OfficeHours.of({"mon-thu": "08:30-12:30, 13:18-17:30",
        ...                         "fri": "08:30-12:30, 13:18-16:15"})
        >>> hours.day_length
        datetime.timedelta(seconds=29520)

        Args:
            days: keys are weekday names or ranges (``"mon"``, ``"mon-fri"``,
                ``"sat"``); values are comma-separated ``HH:MM-HH:MM``
                intervals, or ``""`` for a day off. Unnamed weekdays are off.
            working_weekend: hours of a weekend day the calendar makes working;
                by default the hours of the longest weekday.
            shortening: how much shorter a shortened day is.
            exceptions: per-date hours; ``""`` makes a date a day off.

        Raises:
            InvalidOfficeHours: an unknown weekday, a malformed or overlapping
                interval, a weekday named twice; ``path`` says where.
        """
        weekly: list[Minutes | None] = [None] * 7
        for key, spec in days.items():
            for weekday in _weekday_range(key):
                if weekly[weekday] is not None:
                    raise InvalidOfficeHours(
                        f"{_WEEKDAYS[weekday]} is given twice", path=f"days[{key!r}]"
                    )
                weekly[weekday] = _parse(spec, f"days[{key!r}]")
        week = tuple(w or () for w in weekly)
        if working_weekend is None:
            weekend_hours = max(week, key=_total)
        else:
            weekend_hours = _parse(working_weekend, "working_weekend")
        minutes, rest = divmod(int(shortening.total_seconds()), 60)
        if rest or minutes < 0:
            raise InvalidOfficeHours(
                f"must be whole non-negative minutes, got {shortening}", path="shortening"
            )
        table = {
            day: _parse(spec, f"exceptions[{day.isoformat()}]")
            for day, spec in (exceptions or {}).items()
        }
        return cls(week, weekend_hours, minutes, table)

    def with_exception(self, day: dt.date, hours: str) -> OfficeHours:
        """These office hours with ``day`` worked during ``hours`` (``""``: a day off)."""
        table = dict(self.exceptions)
        table[day] = _parse(hours, f"exceptions[{day.isoformat()}]")
        return attrs.evolve(self, exceptions=table)

    @property
    def day_length(self) -> dt.timedelta:
        """The nominal length of a full working day: the longest weekday's total."""
        return dt.timedelta(minutes=max(_total(w) for w in self.weekly))

    def intervals(self, day: Day) -> Minutes:
        """The working intervals of one calendar date, as minutes from local midnight.

        Precedence: a per-date exception, then hours the calendar fixes for the
        date, then the weekly hours (or :attr:`working_weekend` hours for a
        working day that falls on a weekly day off), shortened on a shortened day.
        """
        exception = self.exceptions.get(day.date)
        if exception is not None:
            return exception
        if not day.kind.is_working:
            return ()
        if day.hours is not None:
            return _parse(day.hours, f"calendar[{day.date.isoformat()}].hours")
        regular = self.weekly[day.date.weekday()] or self.working_weekend
        if day.kind is DayKind.SHORTENED:
            return _shorten(regular, self.shortening)
        return regular


def _total(intervals: Minutes) -> int:
    return sum(end - start for start, end in intervals)


def _weekday_range(key: str) -> range:
    names = key.strip().lower().split("-")
    try:
        indexes = [_WEEKDAYS.index(name.strip()[:3]) for name in names]
    except ValueError:
        raise InvalidOfficeHours(
            f"unknown weekday in {key!r}; use mon, tue, wed, thu, fri, sat, sun or a range "
            "like mon-fri",
            path=f"days[{key!r}]",
        ) from None
    if len(indexes) == 1:
        return range(indexes[0], indexes[0] + 1)
    if len(indexes) == 2 and indexes[0] <= indexes[1]:
        return range(indexes[0], indexes[1] + 1)
    raise InvalidOfficeHours(
        f"a range runs from an earlier to a later weekday, got {key!r}", path=f"days[{key!r}]"
    )
