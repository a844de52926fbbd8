"""Working-time arithmetic: add, subtract and measure working time between instants.

:class:`WorkingTime` joins a production calendar, office hours and a time
zone. It builds once a sorted index of the working intervals of the
calendar's years, with the cumulative working time at the end of each, so
that every question is two binary searches whatever the duration asked for.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

from regflow.calendar.durations import (
    CalendarDays,
    Clock,
    DayCounting,
    Duration,
    Working,
    WorkingDays,
)
from regflow.calendar.office import OfficeHours
from regflow.calendar.production import ProductionCalendar
from regflow.errors import InvalidOfficeHours, NaiveDatetime, OutOfCalendarRange

__all__ = ["WorkingTime"]

_US = 1_000_000
_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
_MAX_EXTENSION_YEARS = 50
"""How far an extending calendar may grow to find working time before giving up."""


class _Index:
    """The working intervals of a range of dates, in epoch microseconds.

    ``cum_end[i]`` is the working time from the first interval's start to the
    end of interval ``i``; ``cum_start[i]`` the same to its start.
    ``day_close`` holds the end of each working date's last interval;
    ``worked_before[d]`` counts the working dates before the ``d``-th date of
    the range, so counting working days needs no search; ``closes`` caches
    the answers as datetimes.
    """

    __slots__ = (
        "closes",
        "cum_end",
        "cum_start",
        "day_close",
        "ends",
        "first",
        "first_ordinal",
        "high",
        "last",
        "low",
        "starts",
        "worked_before",
    )

    def __init__(self, first: dt.date, last: dt.date, low: int, high: int) -> None:
        self.first = first
        self.last = last
        self.low = low
        self.high = high
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum_start: list[int] = []
        self.cum_end: list[int] = []
        self.first_ordinal = first.toordinal()
        self.day_close: list[int] = []
        self.worked_before: list[int] = []
        self.closes: list[dt.datetime | None] = []


class WorkingTime:
    """Working time of one organisation: its calendar, its office hours, its time zone.

    >>> import datetime as dt
    >>> from regflow.calendar import russia, OfficeHours, Working
    >>> wt = WorkingTime(russia(), OfficeHours.standard(), "Asia/Yakutsk")
    >>> start = dt.datetime(2025, 10, 31, 17, 45, tzinfo=wt.zone)
    >>> print(wt.add(start, Working(hours=8)))  # Sat 1 Nov works 7 h; 3-4 Nov are off
    2025-11-05 09:45:00+09:00

    Conventions (see ``docs/calendar.md``):

    - a start outside working time counts from the next working instant;
    - :meth:`add` stops as soon as the time is consumed: 9:00 + 4 h is 13:00
      (not 14:00), and a result at closing time stays at 18:00;
    - :meth:`subtract` walks back the same way: 18:00 - 4 h is 14:00;
    - :class:`WorkingDays` by default ends at the close of the n-th working
      day after the start's local date (Civil Code arts. 191, 193, 194);
    - :class:`Clock` is plain elapsed time;
    - instants in may be any aware datetimes (stdlib or pendulum); instants
      out are stdlib datetimes in :attr:`zone`.

    Args:
        calendar: which dates are working.
        hours: which hours of a working date count.
        timezone: an IANA name (``"Asia/Yakutsk"``) or a ``tzinfo``; day
            boundaries and office hours are local to it.

    Raises:
        InvalidOfficeHours: the calendar and hours leave no working time at all.
        zoneinfo.ZoneInfoNotFoundError: an unknown time zone name.
    """

    def __init__(
        self, calendar: ProductionCalendar, hours: OfficeHours, timezone: str | dt.tzinfo
    ) -> None:
        self.calendar = calendar
        self.hours = hours
        self.zone: dt.tzinfo = (
            zoneinfo.ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        )
        self._index = self._build(
            dt.date(calendar.first_year, 1, 1), dt.date(calendar.last_year, 12, 31)
        )
        if not self._index.starts and not calendar.extend:
            raise InvalidOfficeHours(
                f"no working time in {calendar.first_year}-{calendar.last_year}", path="hours"
            )

    def __repr__(self) -> str:
        return f"<WorkingTime {self.calendar.name!r} in {self.zone}>"

    # -- building the index ------------------------------------------------

    def _local_to_us(self, day: dt.date, minute: int) -> int:
        local = dt.datetime.combine(day, dt.time(0), tzinfo=self.zone) + dt.timedelta(
            minutes=minute
        )
        offset = local.utcoffset()
        assert offset is not None
        naive_seconds = (day.toordinal() - _EPOCH_ORDINAL) * 86_400 + minute * 60
        return (naive_seconds - int(offset.total_seconds())) * _US

    def _build(self, first: dt.date, last: dt.date) -> _Index:
        zone = self.zone
        index = _Index(
            first,
            last,
            self._local_to_us(first, 0),
            self._local_to_us(last + dt.timedelta(days=1), 0),
        )
        starts, ends = index.starts, index.ends
        cum_start, cum_end = index.cum_start, index.cum_end
        total = 0
        worked_before = index.worked_before
        for day in self.calendar.days(first, last):
            worked_before.append(len(index.day_close))
            intervals = self.hours.intervals(day)
            if not intervals:
                continue
            date = day.date
            noon = dt.datetime(date.year, date.month, date.day, 12, tzinfo=zone)
            midnight = dt.datetime(date.year, date.month, date.day, tzinfo=zone)
            offset = noon.utcoffset()
            if (
                offset is None
                or midnight.utcoffset() != offset
                or ((midnight + dt.timedelta(hours=23, minutes=59)).utcoffset() != offset)
            ):
                offset = None  # a day with a clock change: convert each end on its own
            base = (date.toordinal() - _EPOCH_ORDINAL) * 86_400
            for start_min, end_min in intervals:
                if offset is None:
                    start = self._local_to_us(date, start_min)
                    end = self._local_to_us(date, end_min)
                else:
                    shift = int(offset.total_seconds())
                    start = (base + start_min * 60 - shift) * _US
                    end = (base + end_min * 60 - shift) * _US
                if end <= start:
                    continue
                if ends and start <= ends[-1]:
                    # touching or overlapping neighbours (midnight): one interval
                    start = ends[-1]
                    total += end - start
                    ends[-1] = end
                    cum_end[-1] = total
                else:
                    starts.append(start)
                    ends.append(end)
                    cum_start.append(total)
                    total += end - start
                    cum_end.append(total)
            index.day_close.append(ends[-1])
        worked_before.append(len(index.day_close))
        index.closes = [None] * len(index.day_close)
        return index

    def _grow(self, day: dt.date) -> _Index:
        """An index that also covers ``day``, if the calendar extends; else raise."""
        index = self._index
        if index.first <= day <= index.last:
            return index
        if not self.calendar.extend:
            raise OutOfCalendarRange(
                day, self.calendar.first_year, self.calendar.last_year, self.calendar.name
            )
        first = min(index.first, dt.date(day.year - 1, 1, 1))
        last = max(index.last, dt.date(day.year + 1, 12, 31))
        grown = self._build(first, last)
        self._index = grown  # one assignment: readers see the old or the new index
        return grown

    def _grow_years(self, forward: bool) -> _Index:
        index = self._index
        edge = index.last if forward else index.first
        if abs(edge.year - (self.calendar.last_year if forward else self.calendar.first_year)) > (
            _MAX_EXTENSION_YEARS
        ):
            raise InvalidOfficeHours(
                f"no working time within {_MAX_EXTENSION_YEARS} years", path="hours"
            )
        step = dt.timedelta(days=366)
        return self._grow(edge + step if forward else edge - step)

    # -- instants in and out ---------------------------------------------

    def _to_us(self, value: dt.datetime, argument: str) -> int:
        offset = value.utcoffset()
        if offset is None:
            raise NaiveDatetime(value, argument)
        seconds = (
            (value.toordinal() - _EPOCH_ORDINAL) * 86_400
            + value.hour * 3600
            + value.minute * 60
            + value.second
        )
        return (seconds - offset.days * 86_400 - offset.seconds) * _US + (
            value.microsecond - offset.microseconds
        )

    def _from_us(self, micros: int) -> dt.datetime:
        seconds, rest = divmod(micros, _US)
        result = dt.datetime.fromtimestamp(seconds, self.zone)
        return result.replace(microsecond=rest) if rest else result

    def _index_for(self, micros: int) -> _Index:
        index = self._index
        if index.low <= micros < index.high:
            return index
        return self._grow(self._from_us(micros).date())

    def _elapsed(self, index: _Index, micros: int) -> int:
        """Working time from the index's first interval to ``micros``."""
        i = bisect_right(index.starts, micros) - 1
        if i < 0:
            return 0
        end = index.ends[i]
        return index.cum_end[i] - (end - micros if micros < end else 0)

    # -- the public questions ----------------------------------------------

    def to_local(self, instant: dt.datetime) -> dt.datetime:
        """``instant`` in this working time's zone.

        Raises:
            NaiveDatetime: ``instant`` has no time zone.
        """
        return self._from_us(self._to_us(instant, "instant"))

    def is_working(self, instant: dt.datetime) -> bool:
        """True if ``instant`` falls inside a working interval (start in, end out)."""
        micros = self._to_us(instant, "instant")
        index = self._index_for(micros)
        i = bisect_right(index.starts, micros) - 1
        return i >= 0 and micros < index.ends[i]

    def next_working_instant(self, instant: dt.datetime) -> dt.datetime:
        """``instant`` itself if it is working time, else the start of the next interval."""
        micros = self._to_us(instant, "instant")
        index = self._index_for(micros)
        return self._from_us(self._locate(index, self._elapsed(index, micros), micros))

    def _locate(self, index: _Index, target: int, micros: int) -> int:
        """The instant at which ``target`` working time has elapsed, taking the
        start of the next interval when ``target`` falls on a boundary."""
        while True:
            j = bisect_right(index.cum_start, target) - 1
            if j >= 0 and target < index.cum_end[j]:
                return index.starts[j] + (target - index.cum_start[j])
            index, target = self._regrow(index, target, micros, forward=True)

    def _regrow(
        self, index: _Index, target: int, micros: int, *, forward: bool
    ) -> tuple[_Index, int]:
        """Grow the index past its end (or start) and re-express ``target`` in it."""
        offset = target - self._elapsed(index, micros)
        grown = self._grow_years(forward)
        return grown, self._elapsed(grown, micros) + offset

    def add(self, start: dt.datetime, duration: Duration) -> dt.datetime:
        """The instant ``duration`` after ``start``.

        Raises:
            NaiveDatetime: ``start`` has no time zone.
            OutOfCalendarRange: the answer lies outside the calendar's years.
        """
        kind = type(duration)
        if kind is Working:
            micros = self._to_us(start, "start")
            amount = duration.micros  # type: ignore[union-attr]
            index = self._index_for(micros)
            target = self._elapsed(index, micros) + amount
            if amount == 0:
                return self._from_us(self._locate(index, target, micros))
            while True:
                j = bisect_left(index.cum_end, target)
                if j < len(index.cum_end):
                    return self._from_us(index.ends[j] - (index.cum_end[j] - target))
                index, target = self._regrow(index, target, micros, forward=True)
        if kind is WorkingDays:
            assert isinstance(duration, WorkingDays)
            if duration.counting is DayCounting.FROM_INSTANT:
                return self.add(start, self._day_multiple(duration))
            if duration.count == 0:
                return self.to_local(start)
            return self._close_of_day(start, duration.count)
        if kind is Clock:
            return self._from_us(self._to_us(start, "start") + duration.micros)  # type: ignore[union-attr]
        if kind is CalendarDays:
            assert isinstance(duration, CalendarDays)
            if duration.count == 0:
                return self.to_local(start)
            return self._midnight_after(start, duration.count)
        raise TypeError(f"not a duration: {duration!r}")

    def _midnight_after(self, instant: dt.datetime, count: int) -> dt.datetime:
        """The end (24:00) of the local date ``count`` days after ``instant``'s local date
        (``count`` may be negative)."""
        local = self.to_local(instant).date() + dt.timedelta(days=count + 1)
        return self._from_us(self._local_to_us(local, 0))

    def subtract(self, end: dt.datetime, duration: Duration) -> dt.datetime:
        """The instant ``duration`` before ``end``.

        Walking back stops as soon as the time is consumed, so the answer is a
        working instant (18:00 - 4 h is 14:00, not 13:00); for
        :class:`WorkingDays` it is the close of the n-th working day before
        ``end``'s local date.

        Raises:
            NaiveDatetime: ``end`` has no time zone.
            OutOfCalendarRange: the answer lies outside the calendar's years.
        """
        micros = self._to_us(end, "end")
        if type(duration) is Working:
            index = self._index_for(micros)
            target = self._elapsed(index, micros) - duration.micros
            while target < 0:
                index, target = self._regrow(index, target, micros, forward=False)
            return self._from_us(self._locate(index, target, micros))
        if type(duration) is WorkingDays:
            if duration.counting is DayCounting.FROM_INSTANT:
                return self.subtract(end, self._day_multiple(duration))
            if duration.count == 0:
                return self._from_us(micros)
            return self._close_of_day(end, -duration.count)
        if type(duration) is Clock:
            return self._from_us(micros - duration.micros)
        if type(duration) is CalendarDays:
            assert isinstance(duration, CalendarDays)
            if duration.count == 0:
                return self._from_us(micros)
            return self._midnight_after(end, -duration.count)
        raise TypeError(f"not a duration: {duration!r}")

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """The working time from ``start`` to ``end`` (negative if ``end`` is earlier).

        Raises:
            NaiveDatetime: either instant has no time zone.
            OutOfCalendarRange: either lies outside the calendar's years.
        """
        a = self._to_us(start, "start")
        b = self._to_us(end, "end")
        self._index_for(a)
        index = self._index_for(b)
        return dt.timedelta(microseconds=self._elapsed(index, b) - self._elapsed(index, a))

    def _day_multiple(self, duration: WorkingDays) -> Working:
        return Working.of(self.hours.day_length * duration.count)

    def _close_of_day(self, start: dt.datetime, count: int) -> dt.datetime:
        """The close of the ``count``-th working day after (or, negative, before)
        the local date of ``start``."""
        if start.tzinfo is self.zone:
            ordinal = start.toordinal()
        else:
            ordinal = self._from_us(self._to_us(start, "start")).toordinal()
        index = self._index
        while True:
            d = ordinal - index.first_ordinal
            if 0 <= d < len(index.worked_before) - 1:
                if count > 0:
                    k = index.worked_before[d + 1] + count - 1
                else:
                    k = index.worked_before[d] + count
                if 0 <= k < len(index.day_close):
                    close = index.closes[k]
                    if close is None:
                        close = index.closes[k] = self._from_us(index.day_close[k])
                    return close
                index = self._grow_years(forward=count > 0)
            else:
                index = self._grow(dt.date.fromordinal(ordinal))

    def working_intervals(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working intervals of a local date, as aware datetimes."""
        return [
            (
                self._from_us(self._local_to_us(day, start)),
                self._from_us(self._local_to_us(day, end)),
            )
            for start, end in self.hours.intervals(self.calendar.day(day))
        ]

    def working_days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """The local dates from ``first`` to ``last`` that have working time."""
        for day in self.calendar.days(first, last):
            if self.hours.intervals(day):
                yield day.date

    def norm_hours(self, year: int) -> float:
        """The hours of working time in ``year`` by this calendar and these office hours.

        For the standard hours and Russia's calendar this is the official norm
        of the 40-hour week (2025: 1972).
        """
        minutes = sum(
            end - start
            for day in self.calendar.year_days(year)
            for start, end in self.hours.intervals(day)
        )
        return minutes / 60
