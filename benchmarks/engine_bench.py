"""Benchmark the case engine: a case's whole life, deadlines, hash-chain checks and replay.

Usage::

    python benchmarks/engine_bench.py [--quick] [--profile]

Everything runs in memory against the built-in Blagoveshchensk regulation and
the example organisation (``examples/blagoveshchensk/organization.toml``).
The script prints a Markdown report: the environment, one table of figures
with their targets, and the event types of the case the deadline figures use.

What is measured:

- **life**: a message's whole life through :func:`regflow.core.handle`:
  detect, classify, route, assign, submit the draft, approve, request
  publication, record publication (8 commands, 8 events), for many cases.
  The commands are built before the clock starts (they are the input); the
  figure is cases per second and µs per command;
- **deadlines**: :func:`regflow.core.deadlines` of one realistic case of
  exactly 20 events (three departments with contributions in order, an
  interim answer and a final one, each returned once for rework), µs per call;
- **verify**: :func:`regflow.core.verify` over that case, µs per event;
- **replay**: :func:`regflow.core.replay` of that case and of a life's case,
  µs per case.

How: every measure runs once untimed (warm-up: caches, the working-time
index), then in rounds of a plain loop timed with ``time.perf_counter_ns``,
the garbage collector off; the figure is the median of the rounds. With
``--profile`` the workload of every missed target is run under cProfile and
its top functions are printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TypedDict
from zoneinfo import ZoneInfo

from _report import TABLE_HEAD, Row, cpu_name, profile, table
from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Author,
    Case,
    Classify,
    Command,
    Detect,
    Message,
    Organization,
    Place,
    Platform,
    RecordPublication,
    RequestPublication,
    ReturnForRework,
    Route,
    SubmitContribution,
    SubmitDraft,
    deadlines,
    handle,
    replay,
    verify,
)
from regflow.rules import DraftKind, Regulation, blagoveshchensk_2020

ROOT = Path(__file__).resolve().parents[1]
ORG_FILE = ROOT / "examples" / "blagoveshchensk" / "organization.toml"
ZONE = ZoneInfo("Asia/Yakutsk")
FIRST = dt.datetime(2025, 11, 17, 9, 0, tzinfo=ZONE)
"""A Monday morning; lives start a minute apart from here, steps are five minutes."""
CURATOR = "sokolova"
TARGET_CASES_PER_S = 3_000
TARGET_DEADLINES_US = 100


@dataclass(frozen=True)
class Settings:
    cases: int
    rounds: int
    calls: int  # deadline, verify and replay calls per round


FULL = Settings(cases=1_000, rounds=15, calls=1_000)
QUICK = Settings(cases=300, rounds=5, calls=300)


class _Base(TypedDict):
    case_id: str
    actor: str
    at: dt.datetime


def median_ns(rounds: int, work: Callable[[], object]) -> int:
    """The median over ``rounds`` of the nanoseconds ``work()`` takes, after one warm-up run."""
    work()
    times = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            start = time.perf_counter_ns()
            work()
            times.append(time.perf_counter_ns() - start)
    finally:
        gc.enable()
    return int(statistics.median(times))


# -- the cases -------------------------------------------------------------------


def message(number: int, detected: dt.datetime) -> Message:
    return Message(
        platform=Platform.VK,
        place=Place(owner_id="-100000001", post_id=str(1000 + number), comment_id=str(number)),
        url=f"https://vk.com/wall-100000001_{1000 + number}?reply={number}",
        author=Author(id=str(500 + number), name="Житель"),
        text="На улице Ленина третий день не убирают снег",
        published_at=detected - dt.timedelta(minutes=5),
        detected_at=detected,
        source_system="bench",
        source_event_id=f"event-{number}",
    )


def life(number: int) -> list[Command]:
    """The eight commands of one message's life, five minutes apart."""
    case_id = f"life-{number}"
    start = FIRST + dt.timedelta(minutes=number % 400)
    times = [start + dt.timedelta(minutes=5 * i) for i in range(8)]
    head, executor = "morozov", "volkova"
    return [
        Detect(case_id=case_id, actor=CURATOR, at=times[0], message=message(number, times[0])),
        Classify(
            case_id=case_id,
            actor=CURATOR,
            at=times[1],
            topics=("snow-removal",),
            location="ул. Ленина",
            importance="normal",
        ),
        Route(case_id=case_id, actor=CURATOR, at=times[2], departments=("improvement",)),
        AssignExecutor(
            case_id=case_id, actor=head, at=times[3], department="improvement", executor=executor
        ),
        SubmitDraft(
            case_id=case_id,
            actor=executor,
            at=times[4],
            kind=DraftKind.ANSWER,
            text="Снег на улице Ленина уберут до вечера",
        ),
        ApproveDraft(case_id=case_id, actor=CURATOR, at=times[5]),
        RequestPublication(case_id=case_id, actor=executor, at=times[6]),
        RecordPublication(case_id=case_id, actor=executor, at=times[7], external_id=str(number)),
    ]


def run_lives(regulation: Regulation, org: Organization, lives: Sequence[list[Command]]) -> None:
    for commands in lives:
        case: Case | None = None
        for command in commands:
            case, _events = handle(regulation, org, case, command)


def twenty_event_case(regulation: Regulation, org: Organization) -> Case:
    """Three departments in order (housing, then transport) with improvement leading;
    an interim answer and a final one, each returned once for rework: 20 events."""
    case_id = "twenty"
    clock = iter(FIRST + dt.timedelta(minutes=15 * i) for i in range(100))
    lead, housing, transport = "volkova", "ivanova", "kozlova"

    def by(actor: str) -> _Base:
        return _Base(case_id=case_id, actor=actor, at=next(clock))

    def draft(kind: DraftKind, text: str) -> SubmitDraft:
        return SubmitDraft(**by(lead), kind=kind, text=text)

    first = next(clock)
    commands: list[Command] = [
        Detect(case_id=case_id, actor=CURATOR, at=first, message=message(0, first)),
        Classify(
            **by(CURATOR),
            topics=("snow-removal", "public-transport"),
            location="ул. Ленина",
            importance="normal",
        ),
        Route(
            **by(CURATOR),
            departments=("improvement", "housing", "transport"),
            lead="improvement",
            order=(("housing",), ("transport",)),
        ),
        AssignExecutor(**by("morozov"), department="improvement", executor=lead),
        AssignExecutor(**by("kuznetsov"), department="housing", executor=housing),
        AssignExecutor(**by("lebedev"), department="transport", executor=transport),
        SubmitContribution(**by(housing), department="housing", text="Двор убран"),
        draft(DraftKind.INTERIM, "Вопрос изучается, ответим до пятницы"),
        ReturnForRework(**by(CURATOR), remarks="Назовите срок"),
        draft(DraftKind.INTERIM, "Вопрос изучается, ответим до 21 ноября"),
        ApproveDraft(**by(CURATOR)),
        RecordPublication(**by(lead), external_id="interim-1"),
        SubmitContribution(**by(transport), department="transport", text="Маршрут изменён"),
        draft(DraftKind.ANSWER, "Снег убран"),
        ReturnForRework(**by(CURATOR), remarks="Добавьте про маршрут"),
        draft(DraftKind.ANSWER, "Снег убран, маршрут № 7 изменён"),
        ApproveDraft(**by(CURATOR)),
        RecordPublication(**by(lead), external_id="final-1"),
    ]
    case: Case | None = None
    for command in commands:
        case, _events = handle(regulation, org, case, command)
    assert case is not None
    assert len(case.events) == 20, [e.type for e in case.events]
    return case


# -- the report ------------------------------------------------------------------


def run(settings: Settings, quick: bool, with_profile: bool) -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    regulation = blagoveshchensk_2020()
    org = Organization.from_toml_file(ORG_FILE)
    wt = regulation.effective.working_time.build()
    rows: list[Row] = []
    workloads: dict[str, Callable[[], object]] = {}

    lives = [life(n) for n in range(settings.cases)]
    commands = sum(len(c) for c in lives)
    ns = median_ns(settings.rounds, lambda: run_lives(regulation, org, lives))
    per_s = settings.cases / (ns / 1e9)
    rows.append(
        Row(
            f"life: 8 commands with `handle()`, {settings.cases} cases",
            f"{per_s:,.0f} cases/s",
            f"≥ {TARGET_CASES_PER_S:,} cases/s",
            per_s >= TARGET_CASES_PER_S,
        )
    )
    rows.append(Row("life: per command", f"{ns / 1e3 / commands:.1f} µs"))
    workloads["life"] = lambda: run_lives(regulation, org, lives)

    case = twenty_event_case(regulation, org)
    events = case.events
    now = events[-1].at + dt.timedelta(hours=1)
    calls = range(settings.calls)

    def deadline_calls() -> None:
        for _ in calls:
            deadlines(case, regulation, wt, now, organization=org)

    us = median_ns(settings.rounds, deadline_calls) / 1e3 / settings.calls
    rows.append(
        Row(
            "deadlines: case of 20 events",
            f"{us:.1f} µs/call",
            f"≤ {TARGET_DEADLINES_US} µs",
            us <= TARGET_DEADLINES_US,
        )
    )
    workloads["deadlines"] = deadline_calls

    def verify_calls() -> None:
        for _ in calls:
            verify(events)

    us = median_ns(settings.rounds, verify_calls) / 1e3 / settings.calls
    rows.append(Row("verify: hash chain of the 20-event case", f"{us / len(events):.1f} µs/event"))

    def replay_calls() -> None:
        for _ in calls:
            replay(events)

    us = median_ns(settings.rounds, replay_calls) / 1e3 / settings.calls
    rows.append(Row("replay: the 20-event case", f"{us:.1f} µs/case"))
    life_case = None
    for command in lives[0]:
        life_case, _ = handle(regulation, org, life_case, command)
    assert life_case is not None
    life_events = life_case.events

    def replay_life() -> None:
        for _ in calls:
            replay(life_events)

    us = median_ns(settings.rounds, replay_life) / 1e3 / settings.calls
    rows.append(Row(f"replay: a life's case ({len(life_events)} events)", f"{us:.1f} µs/case"))

    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    out = [
        "# regflow engine benchmark",
        "",
        f"- Python {platform.python_version()} ({platform.python_implementation()}), "
        f"regflow {version('regflow')}",
        f"- machine: {cpu_name()} ({platform.machine()}), nproc {affinity or os.cpu_count()}, "
        f"{platform.platform()}",
        f"- {'quick' if quick else 'full'} run: median of {settings.rounds} timed rounds after a "
        "warm-up, GC off while timing, `time.perf_counter_ns`; load average before the run "
        f"{load[0]:.2f} (other processes slow every figure)",
        "",
        *TABLE_HEAD,
        *table(rows),
    ]
    out += ["", f"The 20-event case ({case.stage}):", ""]
    out.append(" → ".join(f"{e.seq} {e.type}{f':{e.kind}' if e.kind else ''}" for e in events))
    missed = {"life": rows[0].met is False, "deadlines": rows[2].met is False}
    for name, work in workloads.items():
        if with_profile or missed[name]:
            out += profile(name, work)
    print("\n".join(out))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="fewer cases, calls and rounds")
    parser.add_argument(
        "--profile", action="store_true", help="profile every workload, not only missed targets"
    )
    args = parser.parse_args(argv)
    run(QUICK if args.quick else FULL, args.quick, args.profile)


if __name__ == "__main__":
    main()
