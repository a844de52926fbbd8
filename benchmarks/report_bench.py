"""Reports that hold a year: the memory and time of `regflow report`'s read path.

    python benchmarks/report_bench.py [--quick]

A SQLite store is filled with answered cases spread over a year (each a real
eight-command life made by the engine), then the compliance report of the
whole year is built two ways, each under tracemalloc:

- streamed, as `regflow report` does: the period's cases page by page through
  the index in store snapshots (`regflow.service.read_cases`), the report
  keeping per-case figures only;
- the peer, as `regflow report` did before: every case replayed into a list,
  then the report built from it.

The figure that matters is how the streamed peak grows with the number of
cases (target: flat, at most 1.5 times for ten times the cases), beside the
peer's.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable
from pathlib import Path

from _report import TABLE_HEAD, Row, cpu_name, table
from engine_bench import ORG_FILE, life
from regflow.adapters.sqlite import SQLiteStore
from regflow.core import Case, Organization, handle, replay
from regflow.core.deadlines import next_change
from regflow.ports.store import CaseEntry
from regflow.reports.compliance import build_report
from regflow.rules import Regulation, blagoveshchensk_2020
from regflow.service import read_cases

YEAR = dt.timedelta(days=364)
TARGET_GROWTH = 1.5


def fill(path: Path, cases: int, regulation: Regulation, org: Organization) -> dt.datetime:
    """``cases`` answered cases detected over a year from the first life's start; returns it."""
    store = SQLiteStore(path, synchronous="OFF")
    first: dt.datetime | None = None
    try:
        batch: list[Case] = []
        for number in range(cases):
            commands = life(number)
            shift = YEAR * number / cases
            case: Case | None = None
            for command in commands:
                fields = {**_fields(command), "at": command.at + shift}
                lead, executor = (case.lead, case.lead_executor) if case else (None, None)
                if lead and executor and command.actor == "volkova":  # the lives' executor
                    day = (command.at + shift).astimezone(org.zone).date()
                    fields["actor"] = org.on_duty(lead, executor, day)  # a substitute (п. 6)
                case, _events = handle(regulation, org, case, type(command)(**fields))
            assert case is not None
            first = first or case.detected_at
            batch.append(case)
            if len(batch) == 1_000 or number == cases - 1:
                _write(store, batch, regulation)
                batch = []
    finally:
        store.close()
    assert first is not None
    return first


def _fields(command: object) -> dict[str, object]:
    import attrs

    return attrs.asdict(command, recurse=False)  # type: ignore[arg-type]


def _write(store: SQLiteStore, cases: Iterable[Case], regulation: Regulation) -> None:
    with store.unit_of_work() as uow:
        for case in cases:
            uow.events.append(case.id, 0, case.events)
            last = case.events[-1].at
            uow.cases.put(
                CaseEntry(
                    case_id=case.id,
                    organization=case.organization,
                    stage=case.stage,
                    detected_at=case.detected_at,
                    updated_at=last,
                    version=case.version,
                    next_due=next_change(case, regulation, last),
                    departments=case.departments,
                    executors=tuple(sorted(set(case.executors.values()))),
                    topics=case.topics,
                    location=case.location,
                )
            )


def measure(work: Callable[[], object]) -> tuple[float, float]:
    """Peak traced memory (MiB) and seconds of ``work()``."""
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 cases")
    args = parser.parse_args()
    small, large = (2_000, 20_000) if args.quick else (10_000, 100_000)
    regulation = blagoveshchensk_2020()
    org = Organization.from_toml_file(ORG_FILE)
    rows: list[Row] = []
    peaks: dict[tuple[str, int], float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for count in (small, large):
            path = Path(scratch) / f"{count}.sqlite3"
            started = time.perf_counter()
            first = fill(path, count, regulation, org)
            built = time.perf_counter() - started
            start = first.replace(hour=0, minute=0)
            end = start + YEAR + dt.timedelta(days=1)
            now = end + dt.timedelta(days=1)

            def streamed(
                path: Path = path, start: dt.datetime = start, now: dt.datetime = now
            ) -> object:
                with SQLiteStore(path) as store:
                    cases = read_cases(store, org.id, start, start + YEAR + dt.timedelta(days=1))
                    return build_report(
                        cases,
                        regulation_for=lambda _case: regulation,
                        organization=org,
                        start=start,
                        end=start + YEAR + dt.timedelta(days=1),
                        now=now,
                    )

            def loaded(
                path: Path = path, start: dt.datetime = start, now: dt.datetime = now
            ) -> object:
                with SQLiteStore(path) as store, store.unit_of_work() as uow:
                    entries = uow.cases.query(organization=org.id, stage="any", limit=10**9)
                    cases = [replay(uow.events.load(e.case_id)) for e in entries]
                return build_report(
                    cases,
                    regulation_for=lambda _case: regulation,
                    organization=org,
                    start=start,
                    end=start + YEAR + dt.timedelta(days=1),
                    now=now,
                )

            for name, work in (("streamed", streamed), ("every case loaded (peer)", loaded)):
                peak, seconds = measure(work)
                peaks[(name, count)] = peak
                rows.append(
                    Row(
                        f"{name}: report of a year, {count:,} cases",
                        f"{peak:.1f} MiB peak, {seconds:.1f} s "
                        f"({seconds / count * 1e6:.0f} µs/case)",
                    )
                )
            rows.append(Row(f"(filling the store with {count:,} cases)", f"{built:.1f} s"))
    growth = peaks[("streamed", large)] / peaks[("streamed", small)]
    peer = peaks[("every case loaded (peer)", large)] / peaks[("every case loaded (peer)", small)]
    rows.append(
        Row(
            f"streamed peak growth, {small:,} -> {large:,} cases",
            f"{growth:.2f}x",
            f"≤ {TARGET_GROWTH}x",
            growth <= TARGET_GROWTH,
        )
    )
    rows.append(Row(f"peer's peak growth, {small:,} -> {large:,} cases", f"{peer:.2f}x"))
    rows.append(
        Row(
            f"peer's peak / streamed peak at {large:,} cases",
            f"{peaks[('every case loaded (peer)', large)] / peaks[('streamed', large)]:.1f}x",
        )
    )
    print(f"# Report benchmark ({cpu_name()})")
    print()
    print("\n".join([*TABLE_HEAD, *table(rows)]))


if __name__ == "__main__":
    main()
