"""Benchmark regflow's working-time arithmetic against pandas, numpy, workalendar and holidays.

Usage::

    python benchmarks/calendar_bench.py [--quick] [--seed N]

Every figure is measured in this one run, on the same random aware starts:
minute instants drawn uniformly from 2020-01-01 00:00 to 2027-10-31 23:59 in
Asia/Yakutsk with a fixed seed. The script prints a Markdown report: the
environment, one table of figures (µs per call, speed-up, build time, index
memory, how many of each peer's answers differ from regflow's) and examples
of the disagreements.

How it measures:

- each implementation first answers every start once (the answers are
  compared, and the pass warms caches such as workalendar's per-year
  holidays); then the implementations are timed in turn, round after round,
  with ``time.perf_counter_ns`` around a plain loop over all the starts and
  the garbage collector off; the figure is the median of the rounds;
- durations and offsets are built once, outside the loop (as a user holding
  a constant would); one extra row shows regflow with the duration built in
  every call;
- peers get what a user of each would have to write: ``pd.Timestamp(t)`` of
  the aware start for ``CustomBusinessHour``, the start's local date for the
  day-based peers; converting their results back is not timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version

import holidays
import numpy as np
import pandas as pd
from workalendar.europe import Russia

from _report import cpu_name
from regflow.calendar import (
    DayKind,
    OfficeHours,
    ProductionCalendar,
    Working,
    WorkingDays,
    WorkingTime,
    russia,
)

ZONE_NAME = "Asia/Yakutsk"
FIRST_YEAR = 2020
LAST_YEAR = 2027
FIRST_START = dt.date(2020, 1, 1)
END_OF_STARTS = dt.date(2027, 11, 1)  # starts lie before its midnight: up to 2027-10-31 23:59
SCALING_STARTS_BEFORE = dt.date(2027, 7, 1)  # 800 working hours later is still in 2027
DAYS = 7
HOURS = 8
SCALING_HOURS = (1, 8, 80, 800)
EXAMPLES_PER_PEER = 3
ONE_DAY = dt.timedelta(days=1)
CLOSE = dt.time(18)
SHORT_CLOSE = dt.time(17)


@dataclass(frozen=True)
class Settings:
    starts: int
    rounds: int
    scaling_share: int  # pandas in the scaling rows runs on one start in this many
    cold_processes: int
    warm_builds: int


FULL = Settings(starts=10_000, rounds=7, scaling_share=4, cold_processes=3, warm_builds=15)
QUICK = Settings(starts=1_000, rounds=3, scaling_share=4, cold_processes=1, warm_builds=5)


@dataclass(frozen=True)
class Impl:
    """One way of answering: ``one`` answers a start, ``loop`` does the same for many, untouched."""

    name: str
    one: Callable[[dt.datetime], object]
    loop: Callable[[Sequence[dt.datetime]], None]


@dataclass
class Row:
    measure: str
    impl: str
    figure: str
    ratio: str = ""
    target: str = ""
    differs: str = ""


@dataclass(frozen=True)
class Mismatch:
    start: dt.datetime
    ours: object
    theirs: object
    why: str


# -- the starts ----------------------------------------------------------------


def random_starts(zone: dt.tzinfo, count: int, seed: int) -> list[dt.datetime]:
    """``count`` aware instants, each a uniformly random minute of the benchmark's range."""
    low = dt.datetime.combine(FIRST_START, dt.time(0), tzinfo=zone)
    high = dt.datetime.combine(END_OF_STARTS, dt.time(0), tzinfo=zone)
    minutes = int((high - low).total_seconds()) // 60
    first = int(low.timestamp())
    rng = random.Random(seed)
    return [
        dt.datetime.fromtimestamp(first + 60 * rng.randrange(minutes), zone) for _ in range(count)
    ]


# -- the implementations -------------------------------------------------------


def regflow_add(
    name: str, wt: WorkingTime, make: Callable[[], Working | WorkingDays], *, per_call: bool
) -> Impl:
    """``wt.add(t, duration)``; with ``per_call`` the duration is built in every call."""
    add = wt.add
    duration = make()

    def one(t: dt.datetime) -> object:
        return add(t, make() if per_call else duration)

    if per_call:

        def loop(starts: Sequence[dt.datetime]) -> None:
            for t in starts:
                add(t, make())

    else:

        def loop(starts: Sequence[dt.datetime]) -> None:
            for t in starts:
                add(t, duration)

    return Impl(name, one, loop)


def pandas_offset(name: str, offset: pd.DateOffset, *, by_local_date: bool) -> Impl:
    """``pd.Timestamp(t) + offset``, or the same on the start's local date."""
    stamp = pd.Timestamp

    if by_local_date:

        def one(t: dt.datetime) -> object:
            return stamp(t.date()) + offset

        def loop(starts: Sequence[dt.datetime]) -> None:
            for t in starts:
                _ = stamp(t.date()) + offset

    else:

        def one(t: dt.datetime) -> object:
            return stamp(t) + offset

        def loop(starts: Sequence[dt.datetime]) -> None:
            for t in starts:
                _ = stamp(t) + offset

    return Impl(name, one, loop)


def workalendar_add(name: str, calendar: Russia) -> Impl:
    add_working_days = calendar.add_working_days

    def one(t: dt.datetime) -> object:
        return add_working_days(t.date(), DAYS)

    def loop(starts: Sequence[dt.datetime]) -> None:
        for t in starts:
            add_working_days(t.date(), DAYS)

    return Impl(name, one, loop)


def numpy_add(name: str, busdays: np.busdaycalendar) -> Impl:
    # roll="backward": a start on a day off counts from the day after it, as the
    # Civil Code does; "forward" would count the next working day as day 0.
    offset = np.busday_offset

    def one(t: dt.datetime) -> object:
        return offset(t.date(), DAYS, roll="backward", busdaycal=busdays)

    def loop(starts: Sequence[dt.datetime]) -> None:
        for t in starts:
            offset(t.date(), DAYS, roll="backward", busdaycal=busdays)

    return Impl(name, one, loop)


def holidays_add(name: str, known: holidays.HolidayBase) -> Impl:
    """What a user of ``holidays`` writes: step day by day, skip weekends and holidays."""

    def add_working_days(day: dt.date, count: int) -> dt.date:
        while count:
            day += ONE_DAY
            if day.weekday() < 5 and day not in known:
                count -= 1
        return day

    def one(t: dt.datetime) -> object:
        return add_working_days(t.date(), DAYS)

    def loop(starts: Sequence[dt.datetime]) -> None:
        for t in starts:
            add_working_days(t.date(), DAYS)

    return Impl(name, one, loop)


# -- measuring -----------------------------------------------------------------


def answers(impl: Impl, starts: Sequence[dt.datetime]) -> list[object]:
    return [impl.one(t) for t in starts]


def time_rounds(
    cases: Sequence[tuple[Impl, Sequence[dt.datetime]]], rounds: int
) -> dict[str, float]:
    """Median µs per call of each case, the cases timed in turn each round."""
    samples: dict[str, list[float]] = {impl.name: [] for impl, _ in cases}
    for _ in range(rounds):
        for impl, starts in cases:
            gc.collect()
            gc.disable()
            try:
                begin = time.perf_counter_ns()
                impl.loop(starts)
                elapsed = time.perf_counter_ns() - begin
            finally:
                gc.enable()
            samples[impl.name].append(elapsed / len(starts) / 1000)
    return {name: statistics.median(values) for name, values in samples.items()}


_COLD_BUILD = f"""
import json, time
begin = time.perf_counter_ns()
from regflow.calendar import OfficeHours, WorkingTime, russia
imported = time.perf_counter_ns()
import holidays.countries  # loads all ~250 country modules of holidays: code, not data
countries = time.perf_counter_ns()
calendar = russia({FIRST_YEAR}, {LAST_YEAR})
built = time.perf_counter_ns()
WorkingTime(calendar, OfficeHours.standard(), {ZONE_NAME!r})
indexed = time.perf_counter_ns()
print(json.dumps({{"import": imported - begin, "countries": countries - imported,
                  "russia": built - countries,
                  "index": indexed - built}}))
"""


def cold_builds(processes: int) -> list[dict[str, float]]:
    """The first build in each of ``processes`` fresh interpreters, in ms."""
    results = []
    for _ in range(processes):
        done = subprocess.run(
            [sys.executable, "-c", _COLD_BUILD], capture_output=True, text=True, check=True
        )
        raw = json.loads(done.stdout.strip().splitlines()[-1])
        results.append({key: value / 1e6 for key, value in raw.items()})
    return results


def warm_builds(count: int) -> tuple[float, float]:
    """Median ms of ``russia()`` and of the ``WorkingTime`` index, built ``count`` times."""
    calendars: list[float] = []
    indexes: list[float] = []
    hours = OfficeHours.standard()
    for _ in range(count):
        begin = time.perf_counter_ns()
        calendar = russia(FIRST_YEAR, LAST_YEAR)
        built = time.perf_counter_ns()
        WorkingTime(calendar, hours, ZONE_NAME)
        indexed = time.perf_counter_ns()
        calendars.append((built - begin) / 1e6)
        indexes.append((indexed - built) / 1e6)
    return statistics.median(calendars), statistics.median(indexes)


def index_memory(calendar: ProductionCalendar) -> tuple[int, int]:
    """Peak and retained bytes allocated while building ``WorkingTime`` from ``calendar``."""
    hours = OfficeHours.standard()
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        wt = WorkingTime(calendar, hours, ZONE_NAME)
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del wt
    return peak, retained


# -- comparing answers ---------------------------------------------------------


def as_date(value: object) -> dt.date:
    if isinstance(value, np.datetime64):
        value = value.astype(dt.date)
    if isinstance(value, dt.datetime):  # pd.Timestamp too; aware ones are already local
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"not a date: {value!r}")


def as_instant(value: object) -> dt.datetime:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value
    raise TypeError(f"not an instant: {value!r}")


def calendar_differences(
    first: dt.date,
    last: dt.date,
    calendar: ProductionCalendar,
    peer_working: Callable[[dt.date], bool],
) -> list[str]:
    """The dates of ``first``..``last`` that regflow and the peer class differently."""
    found = []
    day = first
    while day <= last:
        ours = calendar.is_working_day(day)
        if ours != peer_working(day):
            if ours and day.weekday() >= 5:
                found.append(f"{day:%Y-%m-%d %a} is a working weekend day")
            elif ours:
                found.append(f"{day:%Y-%m-%d %a} is a working day")
            else:
                reason = calendar.day(day).notes
                what = reason[0].reason.value if reason else "a day off"
                found.append(f"{day:%Y-%m-%d %a} is off ({what})")
        day += ONE_DAY
    return found


def day_mismatches(
    starts: Sequence[dt.datetime],
    ours: Sequence[object],
    theirs: Sequence[object],
    calendar: ProductionCalendar,
    peer_working: Callable[[dt.date], bool],
) -> list[Mismatch]:
    found = []
    for start, mine, other in zip(starts, ours, theirs, strict=True):
        a, b = as_date(mine), as_date(other)
        if a != b:
            why = calendar_differences(start.date() + ONE_DAY, max(a, b), calendar, peer_working)
            found.append(Mismatch(start, a, b, "; ".join(why[:2]) or "same calendar"))
    return found


def hour_mismatches(
    starts: Sequence[dt.datetime],
    ours: Sequence[object],
    theirs: Sequence[object],
    calendar: ProductionCalendar,
    peer_working: Callable[[dt.date], bool],
) -> list[Mismatch]:
    found = []
    for start, mine, other in zip(starts, ours, theirs, strict=True):
        a, b = as_instant(mine), as_instant(other)
        if a != b:
            zone = start.tzinfo
            later = max(a, b)
            # only the days whose office hours the two counts run through
            first = start.date() if start.time() < CLOSE else start.date() + ONE_DAY
            last = later.astimezone(zone).date()
            why = calendar_differences(first, last, calendar, peer_working)
            day = first
            while day <= last and not why:
                cut = dt.datetime.combine(day, SHORT_CLOSE, tzinfo=zone)
                close = dt.datetime.combine(day, CLOSE, tzinfo=zone)
                if calendar.day_kind(day) is DayKind.SHORTENED and start < close and later > cut:
                    why.append(f"{day:%Y-%m-%d %a} is shortened to 17:00")
                day += ONE_DAY
            found.append(
                Mismatch(start, a, b, "; ".join(why[:2]) or "lunch 13-14 and a 9-hour day")
            )
    return found


def pick_examples(found: Sequence[Mismatch], count: int) -> list[Mismatch]:
    """A few mismatches of different causes: 2025-11 first, then the commonest causes."""
    by_cause: dict[str, Mismatch] = {}
    frequency: Counter[str] = Counter()
    for item in found:
        frequency[item.why] += 1
        by_cause.setdefault(item.why, item)
    causes = sorted(frequency, key=lambda why: ("2025-11-0" not in why, -frequency[why]))
    return [by_cause[why] for why in causes[:count]]


# -- reporting -----------------------------------------------------------------


def fmt_us(value: float) -> str:
    return f"{value:.2f} µs/call" if value < 100 else f"{value:.0f} µs/call"


def speed_up(peer: float, ours: float) -> str:
    return f"{peer / ours:.1f}x"


def against(target: float, peer: float, ours: float) -> str:
    met = peer / ours >= target
    return f"≥{target:g}x: {'met' if met else '**not met**'}"


def share(count: int, total: int) -> str:
    return f"{count} / {total} ({100 * count / total:.1f}%)"


def header(settings: Settings, seed: int, quick: bool) -> list[str]:
    packages = ", ".join(
        f"{name} {version(name)}" for name in ("regflow", "pandas", "numpy", "workalendar")
    )
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return [
        "# regflow calendar benchmark",
        "",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"{packages}, holidays {holidays.__version__}",
        f"- machine: {cpu_name()} ({platform.machine()}), nproc {affinity or os.cpu_count()}, "
        f"{platform.platform()}",
        f"- {'quick' if quick else 'full'} run, seed {seed}: {settings.starts} random aware "
        f"starts (uniform minutes, {FIRST_START}..{END_OF_STARTS - ONE_DAY}, {ZONE_NAME}); "
        f"median of {settings.rounds} timed rounds, GC off while timing",
        "",
    ]


def table(rows: Sequence[Row]) -> list[str]:
    lines = [
        "| Measure | Implementation | Figure | regflow speed-up | Target | Answers ≠ regflow |",
        "|---|---|---:|---:|---|---:|",
    ]
    lines += [
        f"| {r.measure} | {r.impl} | {r.figure} | {r.ratio} | {r.target} | {r.differs} |"
        for r in rows
    ]
    return lines


def example_lines(peer: str, found: Sequence[Mismatch], *, dates: bool) -> list[str]:
    lines = [f"**{peer}**: {len(found)} disagreements.", ""]
    for item in pick_examples(found, EXAMPLES_PER_PEER):
        if dates:
            ours = f"{item.ours:%Y-%m-%d %a}"
            theirs = f"{item.theirs:%Y-%m-%d %a}"
        else:
            zone = item.start.tzinfo
            ours = f"{as_instant(item.ours).astimezone(zone):%Y-%m-%d %a %H:%M}"
            theirs = f"{as_instant(item.theirs).astimezone(zone):%Y-%m-%d %a %H:%M}"
        lines.append(
            f"- start {item.start:%Y-%m-%d %a %H:%M}: regflow {ours}, peer {theirs} -- {item.why}"
        )
    return [*lines, ""]


# -- the run -------------------------------------------------------------------


def run(settings: Settings, seed: int, quick: bool) -> None:
    began = time.perf_counter()
    out = header(settings, seed, quick)

    # Build figures first, before this process has warmed anything up.
    cold = cold_builds(settings.cold_processes)
    calendar = russia(FIRST_YEAR, LAST_YEAR)
    peak, retained = index_memory(calendar)
    warm_calendar, warm_index = warm_builds(settings.warm_builds)

    wt = WorkingTime(calendar, OfficeHours.standard(), ZONE_NAME)
    zone = wt.zone
    starts = random_starts(zone, settings.starts, seed)
    scaling_starts = [t for t in starts if t.date() < SCALING_STARTS_BEFORE]
    pandas_scaling_starts = scaling_starts[:: settings.scaling_share]

    # The peers' calendars: regflow's non-working weekdays as their holidays.
    off_weekdays = [
        day
        for ordinal in range(
            dt.date(FIRST_YEAR, 1, 1).toordinal(), dt.date(LAST_YEAR, 12, 31).toordinal() + 1
        )
        if (day := dt.date.fromordinal(ordinal)).weekday() < 5 and not calendar.is_working_day(day)
    ]
    busdays = np.busdaycalendar(holidays=np.array(off_weekdays, dtype="datetime64[D]"))
    cbh = pd.offsets.CustomBusinessHour(HOURS, start="09:00", end="18:00", holidays=off_weekdays)
    cbd = pd.offsets.CustomBusinessDay(DAYS, holidays=off_weekdays)
    ru_holidays = holidays.RU(years=range(FIRST_YEAR - 1, LAST_YEAR + 2))
    workalendar_ru = Russia()

    def busday(day: dt.date) -> bool:
        return bool(np.is_busday(day, busdaycal=busdays))

    def holidays_working(day: dt.date) -> bool:
        return day.weekday() < 5 and day not in ru_holidays

    hours_rf = regflow_add("regflow (8 h)", wt, lambda: Working(hours=HOURS), per_call=False)
    hours_rf_built = regflow_add(
        "regflow, `Working(hours=8)` built in each call",
        wt,
        lambda: Working(hours=HOURS),
        per_call=True,
    )
    hours_cbh = pandas_offset("pandas `CustomBusinessHour`", cbh, by_local_date=False)
    days_rf = regflow_add("regflow (7 days)", wt, lambda: WorkingDays(DAYS), per_call=False)
    days_rf_built = regflow_add(
        "regflow, `WorkingDays(7)` built in each call",
        wt,
        lambda: WorkingDays(DAYS),
        per_call=True,
    )
    days_peers: list[tuple[Impl, Callable[[dt.date], bool], float | None]] = [
        (
            workalendar_add("workalendar `Russia().add_working_days`", workalendar_ru),
            workalendar_ru.is_working_day,
            20,
        ),
        (numpy_add("numpy `busday_offset`", busdays), busday, None),
        (pandas_offset("pandas `CustomBusinessDay`", cbd, by_local_date=True), busday, None),
        (holidays_add("holidays `RU` day-by-day loop", ru_holidays), holidays_working, None),
    ]
    scaling: list[tuple[int, Impl, Impl]] = [
        (
            n,
            regflow_add(f"regflow ({n} h)", wt, lambda n=n: Working(hours=n), per_call=False),
            pandas_offset(
                f"pandas CBH ({n} h)",
                pd.offsets.CustomBusinessHour(n, start="09:00", end="18:00", holidays=off_weekdays),
                by_local_date=False,
            ),
        )
        for n in SCALING_HOURS
    ]

    # Answers (this pass is also every implementation's warm-up).
    ours_hours = answers(hours_rf, starts)
    assert answers(hours_rf_built, starts) == ours_hours
    cbh_found = hour_mismatches(starts, ours_hours, answers(hours_cbh, starts), calendar, busday)
    ours_days = answers(days_rf, starts)
    assert answers(days_rf_built, starts) == ours_days
    day_found = {
        impl.name: day_mismatches(starts, ours_days, answers(impl, starts), calendar, working)
        for impl, working, _ in days_peers
    }
    scaling_found: dict[int, int] = {}
    for n, ours_impl, cbh_impl in scaling:
        mine = answers(ours_impl, pandas_scaling_starts)
        answers(ours_impl, scaling_starts)
        theirs = answers(cbh_impl, pandas_scaling_starts)
        scaling_found[n] = sum(
            as_instant(a) != as_instant(b) for a, b in zip(mine, theirs, strict=True)
        )

    # Timing.
    cases: list[tuple[Impl, Sequence[dt.datetime]]] = [
        (hours_rf, starts),
        (hours_rf_built, starts),
        (hours_cbh, starts),
        (days_rf, starts),
        (days_rf_built, starts),
        *((impl, starts) for impl, _, _ in days_peers),
    ]
    for _, ours_impl, cbh_impl in scaling:
        cases += [(ours_impl, scaling_starts), (cbh_impl, pandas_scaling_starts)]
    us = time_rounds(cases, settings.rounds)

    # The table.
    total = len(starts)
    rows: list[Row] = []
    measure = f"`add(t, Working(hours={HOURS}))`"
    base = us[hours_rf.name]
    rows.append(Row(measure, "regflow", fmt_us(base), "1x", "", "--"))
    rows.append(Row(measure, hours_rf_built.name, fmt_us(us[hours_rf_built.name]), "", "", "0"))
    rows.append(
        Row(
            measure,
            f"{hours_cbh.name} 09-18, tz-aware",
            fmt_us(us[hours_cbh.name]),
            speed_up(us[hours_cbh.name], base),
            against(10, us[hours_cbh.name], base),
            share(len(cbh_found), total),
        )
    )
    measure = f"`add(t, WorkingDays({DAYS}))` (dates)"
    base = us[days_rf.name]
    rows.append(Row(measure, "regflow", fmt_us(base), "1x", "", "--"))
    rows.append(Row(measure, days_rf_built.name, fmt_us(us[days_rf_built.name]), "", "", "0"))
    for impl, _, target in days_peers:
        rows.append(
            Row(
                measure,
                impl.name,
                fmt_us(us[impl.name]),
                speed_up(us[impl.name], base),
                against(target, us[impl.name], base) if target else "",
                share(len(day_found[impl.name]), total),
            )
        )
    for n, ours_impl, cbh_impl in scaling:
        measure = f"`add(t, Working(hours={n}))`, starts < {SCALING_STARTS_BEFORE}"
        mine, theirs = us[ours_impl.name], us[cbh_impl.name]
        rows.append(Row(measure, "regflow", fmt_us(mine), "1x", "", "--"))
        rows.append(
            Row(
                measure,
                "pandas `CustomBusinessHour`",
                fmt_us(theirs),
                speed_up(theirs, mine),
                "",
                share(scaling_found[n], len(pandas_scaling_starts)),
            )
        )
    cold_total = [c["russia"] + c["index"] for c in cold]
    rows += [
        Row(
            f"build `russia({FIRST_YEAR}, {LAST_YEAR})` + `WorkingTime` index, cold",
            f"regflow, first build in a fresh process, modules imported (median of {len(cold)})",
            f"{statistics.median(cold_total):.1f} ms",
            "",
            "< 50 ms: " + ("met" if statistics.median(cold_total) < 50 else "**not met**"),
            "",
        ),
        Row(
            "... of which",
            "`russia()` / `WorkingTime(...)` / (imports, not counted: `regflow.calendar`; "
            "`holidays.countries`, which the first `russia()` needs)",
            f"{statistics.median(c['russia'] for c in cold):.1f} / "
            f"{statistics.median(c['index'] for c in cold):.1f} / "
            f"({statistics.median(c['import'] for c in cold):.1f}; "
            f"{statistics.median(c['countries'] for c in cold):.1f}) ms",
            "",
            "",
            "",
        ),
        Row(
            "build, warm",
            f"regflow, median of {settings.warm_builds} builds in one process",
            f"{warm_calendar + warm_index:.1f} ms",
            "",
            "< 50 ms: " + ("met" if warm_calendar + warm_index < 50 else "**not met**"),
            "",
        ),
        Row(
            "... of which",
            "`russia()` / `WorkingTime(...)`",
            f"{warm_calendar:.1f} / {warm_index:.1f} ms",
            "",
            "",
            "",
        ),
        Row(
            "index memory (tracemalloc, `WorkingTime` from a built calendar)",
            "regflow: peak / retained",
            f"{peak / 2**20:.2f} / {retained / 2**20:.2f} MiB",
            "",
            "< 2 MB: " + ("met" if peak < 2_000_000 else "**not met**"),
            "",
        ),
    ]
    out += table(rows)

    same_date = sum(
        as_date(m.ours) == as_instant(m.theirs).astimezone(zone).date() for m in cbh_found
    )
    out += [
        "",
        "Notes:",
        "",
        "- Peers' holidays are regflow's non-working weekdays "
        f"({FIRST_YEAR}-{LAST_YEAR}, {len(off_weekdays)} dates), except workalendar and "
        "holidays, which use their own Russian data. None of the peers can express working "
        "Saturdays; pandas CBH cannot express the 13:00-14:00 lunch break or the 17:00 close "
        "of a shortened day, so its answers differ by design.",
        f"- CBH: {len(cbh_found)} answers differ from regflow's; {same_date} of them on the "
        "same local date (lunch break / 9-hour day only), the rest land on another date.",
        "- Day-based answers are compared as local dates: regflow's is the close of the 7th "
        "working day after the start's local date (Civil Code arts. 191, 193).",
        "- numpy uses a prebuilt `busdaycalendar` and `roll='backward'` (a start on a day off "
        "counts from the next day); pandas CBD gets the start's local date; holidays steps "
        "over weekends and `holidays.RU` dates, built once for "
        f"{FIRST_YEAR - 1}-{LAST_YEAR + 1}.",
        f"- Scaling rows use the {len(scaling_starts)} starts before {SCALING_STARTS_BEFORE} "
        f"(so 800 h stays inside the calendar); pandas on every {settings.scaling_share}th "
        f"of them ({len(pandas_scaling_starts)}).",
        "",
        "Examples of disagreement (after `--`: where the peer's calendar or hours differ "
        "from regflow's):",
        "",
    ]
    out += example_lines(hours_cbh.name, cbh_found, dates=False)
    for impl, _, _ in days_peers:
        out += example_lines(impl.name, day_found[impl.name], dates=True)
    out.append(f"Run time {time.perf_counter() - began:.1f} s.")
    print("\n".join(out))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer starts and rounds (~10 s)")
    parser.add_argument("--seed", type=int, default=20250101, help="seed of the random starts")
    args = parser.parse_args(argv)
    run(QUICK if args.quick else FULL, args.seed, args.quick)


if __name__ == "__main__":
    main()
