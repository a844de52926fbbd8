"""``deadline``: a working-time calculator for people.

It reads a period as people write it, in English or Russian, and counts it
with the regulation's working time (production calendar, office hours, zone):

>>> parse_duration("8 working hours")
Working(hours=8)
>>> parse_duration("7 рабочих дней")
WorkingDays(count=7, counting=<DayCounting.CIVIL_CODE: 'civil-code'>)
>>> parse_duration("2 clock hours"), parse_duration("1 час 30 минут")
(Clock(hours=2), Working(hours=1, minutes=30))

Hours and minutes are working time unless the phrase says ``clock`` or
``calendar`` (``астрономических``, ``календарных``): the regulation counts
its limits in working time. Days must say which they are.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from regflow.calendar import (
    CalendarDays,
    Clock,
    Duration,
    Working,
    WorkingDays,
    WorkingTime,
    parse_instant,
)
from regflow.cli._context import CLIError, Context, dump_json, subcommand
from regflow.errors import CalendarError

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["parse_duration", "register"]

_WORKING = "working"
_CLOCK = "clock"
_QUALIFIERS = (
    (_WORKING, ("working", "work", "business", "рабоч")),
    (_CLOCK, ("clock", "calendar", "elapsed", "астроном", "календар")),
)
_UNITS = (
    ("minutes", ("minute", "minutes", "min", "mins", "m", "минут", "мин")),
    ("hours", ("hour", "hours", "hr", "hrs", "h", "час", "ч")),
    ("days", ("day", "days", "d", "день", "дня", "дней", "дн", "сут")),
)
_FILLERS = frozenset({"and", "и", "of", "plus"})
_TOKEN = re.compile(r"\d+|[^\W\d_]+")
_SHOWN_DAYS = 40
"""Longer spans list their first and last days only."""


def _word(word: str, table: tuple[tuple[str, tuple[str, ...]], ...], *, prefix: bool) -> str | None:
    for name, forms in table:
        for form in forms:
            if word == form or (prefix and len(form) > 2 and word.startswith(form)):
                return name
    return None


def parse_duration(text: str) -> Duration:
    """The duration a phrase names: ``8 working hours``, ``30 minutes``, ``7 working
    days``, ``2 clock hours``, ``8 рабочих часов``, ``7 рабочих дней``.

    Raises:
        ValueError: the phrase is not a duration, mixes working and clock
            time, or says "days" without saying which.
    """
    words = [w for w in _TOKEN.findall(text.lower().replace("ё", "е")) if w not in _FILLERS]
    parts: dict[str, int] = {}
    kinds: set[str] = set()
    i = 0
    if not words:
        raise ValueError("give a period, e.g. '8 working hours' or '7 рабочих дней'")
    while i < len(words):
        if not words[i].isdigit():
            raise ValueError(f"expected a number at {words[i]!r} in {text!r}")
        amount = int(words[i])
        i += 1
        while i < len(words) and (kind := _word(words[i], _QUALIFIERS, prefix=True)):
            kinds.add(kind)
            i += 1
        unit = _word(words[i], _UNITS, prefix=True) if i < len(words) else None
        if unit is None:
            raise ValueError(f"expected minutes, hours or days after {amount} in {text!r}")
        if unit in parts:
            raise ValueError(f"{unit} given twice in {text!r}")
        parts[unit] = amount
        i += 1
        while i < len(words) and _word(words[i], _QUALIFIERS, prefix=True):
            kinds.add(str(_word(words[i], _QUALIFIERS, prefix=True)))
            i += 1
    if len(kinds) > 1:
        raise ValueError(f"{text!r} mixes working and clock time")
    kind = kinds.pop() if kinds else None
    if kind == _CLOCK:
        return Clock(**parts)
    if "days" in parts:
        if kind is None:
            raise ValueError(f"{text!r}: say 'working days' or 'calendar days'")
        if len(parts) > 1:
            raise ValueError(f"{text!r}: working days are counted whole; add hours separately")
        return WorkingDays(parts["days"])
    return Working(**parts)


def describe(duration: Duration) -> str:
    """A duration in words: ``8 working hours``, ``7 working days``, ``2 clock hours``.

    >>> describe(Working(hours=1, minutes=30)), describe(Clock(days=2))
    ('1 working hour 30 working minutes', '48 clock hours')
    """
    if isinstance(duration, WorkingDays):
        return _plural(duration.count, "working day")
    if isinstance(duration, CalendarDays):
        return _plural(duration.count, "calendar day")
    kind = "working" if isinstance(duration, Working) else "clock"
    hours, minutes = divmod(int(duration.amount.total_seconds() // 60), 60)
    parts = [_plural(hours, f"{kind} hour")] if hours else []
    if minutes or not hours:
        parts.append(_plural(minutes, f"{kind} minute"))
    return " ".join(parts)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _hm(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60}:{minutes % 60:02d}"


@attrs.frozen
class _Day:
    date: dt.date
    kind: str
    intervals: tuple[tuple[dt.datetime, dt.datetime], ...]
    notes: tuple[str, ...]

    @property
    def worked(self) -> dt.timedelta:
        return sum((b - a for a, b in self.intervals), dt.timedelta())


def _days(
    wt: WorkingTime, first: dt.datetime, last: dt.datetime, *, whole: bool = False
) -> Iterator[_Day]:
    """The local dates from ``first`` to ``last`` with the working time counted on each
    (``whole``: each day's full office hours, for periods counted in days)."""
    day, end = wt.to_local(first).date(), wt.to_local(last).date()
    while day <= end:
        entry = wt.calendar.day(day)
        clipped = tuple(
            (a, b) if whole else (max(a, first), min(b, last))
            for a, b in wt.working_intervals(day)
            if whole or min(b, last) > max(a, first)
        )
        notes = tuple(f"{n.reason.value}: {n.name}" for n in entry.notes)
        if not notes and not entry.is_working:
            notes = ("weekend",)
        yield _Day(day, entry.kind.value, clipped, notes)
        day += dt.timedelta(days=1)


def _numbered(days: list[_Day], *, backwards: bool) -> list[_Day]:
    """Working days counted (Civil Code art. 191: from the day after the start) get a number."""
    order = list(reversed(days)) if backwards else days
    numbered = []
    number = 0
    for index, day in enumerate(order):
        note = "start: not counted (Civil Code art. 191)" if index == 0 else None
        if note is None and day.intervals:
            number += 1
            note = f"working day {number}"
        numbered.append(attrs.evolve(day, notes=(note, *day.notes) if note else day.notes))
    return list(reversed(numbered)) if backwards else numbered


def register(commands: Commands) -> None:
    """Add ``deadline``."""
    parser = subcommand(
        commands,
        "deadline",
        "working-time calculator: when is '8 working hours' from a given time?",
        "Count PERIOD from --from (default now) by the regulation's working time:\n"
        "the production calendar, office hours and time zone. PERIOD is English or\n"
        "Russian: '8 working hours', '30 minutes', '7 working days', '2 clock hours',\n"
        "'8 рабочих часов', '7 рабочих дней'. Hours and minutes are working time\n"
        "unless 'clock' or 'calendar' is said.\n\n"
        "  regflow deadline '8 working hours' --from '2025-10-31 17:45'",
    )
    parser.add_argument("period", metavar="PERIOD")
    parser.add_argument(
        "--from", dest="start", metavar="TIME", help="the start, local time (default: now)"
    )
    parser.add_argument(
        "--subtract", action="store_true", help="count back: the instant PERIOD before --from"
    )
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=_deadline)


def _deadline(ctx: Context) -> int:
    args = ctx.args
    try:
        duration = parse_duration(args.period)
    except ValueError as exc:
        raise CLIError(str(exc)) from exc
    wt = ctx.regulation.effective.calendar
    if args.start is None:
        start = wt.to_local(dt.datetime.now(dt.UTC))
    else:
        try:
            start = parse_instant(args.start, wt.zone)
        except CalendarError as exc:
            raise CLIError(f"--from {args.start!r} is not a date and time") from exc
    due = wt.subtract(start, duration) if args.subtract else wt.add(start, duration)
    start, due = wt.to_local(start), wt.to_local(due)
    whole = isinstance(duration, WorkingDays)
    days = list(_days(wt, min(start, due), max(start, due), whole=whole))
    counted = sum((d.worked for d in days), dt.timedelta())
    if whole:
        days = _numbered(days, backwards=args.subtract)
    if args.format == "json":
        dump_json(
            {
                "from": start,
                "period": describe(duration),
                "subtract": args.subtract,
                "due": due,
                "working_time": _hm(counted),
                "days": [
                    {
                        "date": d.date,
                        "kind": d.kind,
                        "intervals": [[a, b] for a, b in d.intervals],
                        "working_time": _hm(d.worked),
                        "notes": d.notes,
                    }
                    for d in days
                ],
            },
            ctx.out,
        )
        return 0
    sign = "-" if args.subtract else "+"
    ctx.out.write(f"from  {start:%a %d.%m.%Y %H:%M} ({wt.zone})\n")
    ctx.out.write(f"{sign}     {describe(duration)}\n")
    ctx.out.write(f"due   {due:%a %d.%m.%Y %H:%M}\n\n")
    shown = days
    if len(days) > _SHOWN_DAYS:
        half = _SHOWN_DAYS // 2
        shown = [*days[:half], *days[-half:]]
    for index, d in enumerate(shown):
        if len(shown) < len(days) and index == _SHOWN_DAYS // 2:
            ctx.out.write(f"  ... {len(days) - len(shown)} more days ...\n")
        hours = ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in d.intervals) or "-"
        line = f"  {d.date:%a %d.%m.%Y}  {hours:<24} {_hm(d.worked):>6}"
        ctx.out.write(f"{line}  {'; '.join(d.notes)}".rstrip() + "\n")
    if not isinstance(duration, WorkingDays):
        ctx.out.write(f"  working time between them: {_hm(counted)}\n")
    return 0
