"""What ``store_bench.py`` shares with the processes it starts: the service, the commands
of a case's life, and the bodies of the worker processes.

A module of its own so that ``spawn`` (a fresh interpreter per worker, no
inherited connections) can import the workers' functions.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
import tracemalloc
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Author,
    Classify,
    Command,
    Detect,
    Message,
    Organization,
    Place,
    Platform,
    Route,
    SubmitDraft,
)
from regflow.ports.store import Store
from regflow.rules import DraftKind, blagoveshchensk_2020
from regflow.service import Municipality, Service, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier, RecordingPublisher

ROOT = Path(__file__).resolve().parents[1]
ORG_FILE = ROOT / "examples" / "blagoveshchensk" / "organization.toml"
ZONE = ZoneInfo("Asia/Yakutsk")
FIRST = dt.datetime(2025, 11, 17, 9, 0, tzinfo=ZONE)
"""A Monday morning: the first case is detected then."""
CURATOR = "sokolova"
STREETS = 20
"""Locations cases are about; the surge rule (п. 20) counts similar cases per place."""
COMMANDS_PER_LIFE = 6


def make_service(store: Store, now: dt.datetime = FIRST) -> Service:
    """The real service over ``store``: the example organisation, the 2020 regulation,
    the recording fakes from :mod:`regflow.testing`."""
    org = Organization.from_toml_file(ORG_FILE)
    return open_service(
        store=store,
        municipalities=[Municipality(org, (blagoveshchensk_2020(),))],
        notifier=RecordingNotifier(),
        publisher=RecordingPublisher(),
        screener=KeywordScreener({"убью": "threat-to-official"}),
        clock=FixedClock(now),
        tolerance=None,  # a simulated clock: commands declare the times
    )


def life(case_id: str, number: int, start: dt.datetime) -> list[Command]:
    """Detect, classify, route, assign, submit the draft, approve: five minutes apart."""
    times = [start + dt.timedelta(minutes=5 * i) for i in range(COMMANDS_PER_LIFE)]
    head, executor = "morozov", "volkova"
    message = Message(
        platform=Platform.VK,
        place=Place(owner_id="-100000001", post_id=str(1000 + number), comment_id=str(number)),
        url=f"https://vk.com/wall-100000001_{1000 + number}?reply={number}",
        author=Author(id=str(500 + number), name="Житель"),
        text="На улице Ленина третий день не убирают снег, дворы не проехать",
        published_at=times[0] - dt.timedelta(minutes=5),
        detected_at=times[0],
        source_system="bench",
        source_event_id=f"{case_id}-event",
    )
    return [
        Detect(case_id=case_id, actor=CURATOR, at=times[0], message=message),
        Classify(
            case_id=case_id,
            actor=CURATOR,
            at=times[1],
            topics=("snow-removal",),
            location=f"street-{number % STREETS}",
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
    ]


def lives(prefix: str, count: int, first: dt.datetime = FIRST) -> list[list[Command]]:
    """``count`` lives of cases ``{prefix}-{n}``, detected a minute apart from ``first``."""
    return [life(f"{prefix}-{n}", n, first + dt.timedelta(minutes=n)) for n in range(count)]


def run_lives(service: Service, cases: list[list[Command]]) -> int:
    """Handle every command, case after case; returns how many were handled."""
    handled = 0
    for commands in cases:
        for command in commands:
            service.handle(command, organization="blagoveshchensk")
            handled += 1
    return handled


# -- worker processes ----------------------------------------------------------------


def postgres_worker(dsn: str, worker: int, cases: int, barrier: Any, results: Any) -> None:
    """Handle ``cases`` lives of this worker's own cases on PostgreSQL once all workers
    are ready; put ``(worker, start, end, commands, cpu)`` on ``results`` (monotonic
    seconds, and the seconds of CPU the worker itself used)."""
    from regflow.adapters.postgres import PostgresStore

    try:
        with PostgresStore(dsn, max_size=1) as store:
            service = make_service(store)
            run_lives(service, lives(f"warm{worker}", 1))  # the working-time index, caches
            work = lives(f"w{worker}", cases)
            barrier.wait(timeout=120)
            start, cpu = time.monotonic(), time.process_time()
            handled = run_lives(service, work)
            end, cpu = time.monotonic(), time.process_time() - cpu
            results.put((worker, start, end, handled, cpu))
    except BaseException as exc:
        barrier.abort()
        results.put((worker, 0.0, 0.0, repr(exc), 0.0))
        raise


def _max_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _rss_kb(field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process, in KiB (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return _max_rss_kb()


def _reset_peak_rss() -> bool:
    """Start the peak RSS (``VmHWM``) again from the current RSS, where Linux allows it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def tick_worker(path: str, now: str, results: Any) -> None:
    """Open the SQLite store at ``path``, run ``tick`` then ``dispatch`` at ``now`` under
    tracemalloc; put what they did, their times and the peak memory on ``results``:
    tracemalloc's peaks, and the RSS before with the peak RSS during them."""
    from regflow.adapters.sqlite import SQLiteStore

    at = dt.datetime.fromisoformat(now)
    with SQLiteStore(path) as store:
        service = make_service(store, at)
        before = _rss_kb("VmRSS")
        peak_reset = _reset_peak_rss()
        tracemalloc.start()
        start = time.perf_counter()
        tick = service.tick(at)
        ticked = time.perf_counter()
        _, tick_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        dispatch = service.dispatch(at)
        done = time.perf_counter()
        _, dispatch_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        after = _rss_kb("VmHWM") if peak_reset else _max_rss_kb()
        with store.unit_of_work() as uow:
            left = len(uow.cases.due(at, 10))
    results.put(
        {
            "tick": [tick.cases, tick.warnings, tick.breaches, tick.escalations],
            "dispatch": [dispatch.delivered, dispatch.retried, dispatch.failed],
            "tick_s": ticked - start,
            "dispatch_s": done - ticked,
            "tick_peak": tick_peak,
            "dispatch_peak": dispatch_peak,
            "rss_before_kb": before,
            "rss_peak_kb": after,
            "rss_peak_reset": peak_reset,
            "due_left": left,
        }
    )
