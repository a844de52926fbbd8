"""One corrupt case stops nothing (issue 15, part 4): on a real SQLite file whose rows
are corrupted with sqlite3, ``tick`` and ``worker`` skip the case, name it and tick the
others; ``show`` says what is wrong, ``report`` lists it, ``verify`` names it."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from regflow import bootstrap
from regflow.adapters.sqlite import SQLiteStore
from regflow.demo import example_organization
from regflow.rules import blagoveshchensk_2020
from regflow.service import Municipality
from tests.cli.test_cli import SNOW, Run, ingested, run, store  # noqa: F401 (fixtures)

HEATING_SECOND = "2025-11-24 09:21"
"""The snow message (08:10) is warned at 09:20 (п. 7); the heating one (09:05) not yet."""


def _break_record(path: str) -> str:
    with sqlite3.connect(path) as db:
        (case_id,) = db.execute(
            "SELECT case_id FROM events WHERE case_id LIKE ?", (f"%{SNOW}",)
        ).fetchone()
        db.execute("UPDATE events SET record = ? WHERE case_id = ?", ('{"type": "det', case_id))
    return str(case_id)


def _break_chain(path: str) -> str:
    with sqlite3.connect(path) as db:
        case_id, record = db.execute(
            "SELECT case_id, record FROM events WHERE case_id LIKE ?", (f"%{SNOW}",)
        ).fetchone()
        edited = json.loads(record)
        edited["data"]["message"]["text"] = "Спасибо, всё почистили!"
        db.execute("UPDATE events SET record = ? WHERE case_id = ?", (json.dumps(edited), case_id))
    return str(case_id)


def _break_type(path: str) -> str:
    with sqlite3.connect(path) as db:
        case_id, record = db.execute(
            "SELECT case_id, record FROM events WHERE case_id LIKE ?", (f"%{SNOW}",)
        ).fetchone()
        edited = json.loads(record)
        edited["type"] = "teleported"
        db.execute("UPDATE events SET record = ? WHERE case_id = ?", (json.dumps(edited), case_id))
    return str(case_id)


CORRUPTIONS: dict[str, Callable[[str], str]] = {
    "undecodable": _break_record,
    "unknown-type": _break_type,
    "broken-chain": _break_chain,
}


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS.values()), ids=list(CORRUPTIONS))
def test_tick_skips_a_corrupt_case_and_ticks_the_others(
    run: Run,  # noqa: F811
    ingested: str,  # noqa: F811
    corrupt: Callable[[str], str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = corrupt(ingested)
    with caplog.at_level(logging.ERROR, logger="regflow.service"):
        code, out, err = run(
            "tick", "--store", ingested, "--now", "2025-11-24 09:45", "--format", "json"
        )
    assert code == 0, err
    report = json.loads(out)
    # the heating message's п. 7 breach is recorded although the snow case is unreadable
    assert report["breaches"] == 1
    assert report["skipped"] == [broken]
    assert f"case {broken} cannot be worked on and was skipped" in err
    logged = [r for r in caplog.records if getattr(r, "case_id", None) == broken]
    assert logged
    assert "tick skipped case" in logged[0].getMessage()
    # a second round skips it again and goes on; the worker too
    code, out, err = run("worker", "--once", "--store", ingested)
    assert code == 0, err
    assert "1 skipped" in out
    assert broken in err


@pytest.mark.parametrize("corrupt", list(CORRUPTIONS.values()), ids=list(CORRUPTIONS))
def test_show_report_and_verify_name_a_corrupt_case(
    run: Run,  # noqa: F811
    ingested: str,  # noqa: F811
    corrupt: Callable[[str], str],
    tmp_path: Path,
) -> None:
    broken = corrupt(ingested)
    code, out, err = run("verify", "--store", ingested, "--format", "json")
    assert code == 1
    assert [f["case"] for f in json.loads(out)["failures"]] == [broken]
    code, out, err = run("report", "--store", ingested, "--now", "2025-11-25 12:00")
    assert code == 0, err
    assert "## Не учтённые дела" in out
    assert f"- `{broken}`:" in out
    assert f"case {broken} left out of the report" in err
    code, out, err = run(
        "report", "--store", ingested, "--now", "2025-11-25 12:00", "--format", "json"
    )
    assert [s["case_id"] for s in json.loads(out)["skipped"]] == [broken]
    assert json.loads(out)["totals"]["messages"] == 6
    code, out, err = run("show", "--store", ingested, SNOW)
    if corrupt is _break_chain:  # it reads: the timeline says its chain does not verify
        assert code == 0
        assert "Traceback" not in err
    else:
        assert code == 1
        assert err.startswith(f"regflow: error: case {broken} cannot be worked on: ")
        assert "regflow verify says more" in err


def test_a_case_bound_to_a_missing_regulation_version_is_skipped_and_named(
    run: Run,  # noqa: F811
    ingested: str,  # noqa: F811
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The deployment no longer has the version the cases were detected under (or the
    municipality at all): tick names them and goes on."""
    org = example_organization()
    other = attrs.evolve(blagoveshchensk_2020(), version="2099-1")
    with SQLiteStore(Path(ingested)) as db:
        for municipalities in ([Municipality(org, (other,))], []):
            service = bootstrap.service(db, municipalities, clock=bootstrap.system_clock())
            with caplog.at_level(logging.ERROR, logger="regflow.service"):
                report = service.tick(dt.datetime(2025, 11, 24, 9, 45, tzinfo=org.zone))
            assert report.cases == 0
            # the two cases due by then (snow, heating), neither ticked
            assert len(report.skipped) == 2
            assert report.skipped[0].endswith(SNOW)
            assert len(caplog.records) == 2
            caplog.clear()


def test_skipped_cases_never_fill_a_batch(
    run: Run,  # noqa: F811
    ingested: str,  # noqa: F811
) -> None:
    """With a batch of one and the first due case corrupt, the case behind it is ticked."""
    broken = _break_record(ingested)
    org = example_organization()
    with SQLiteStore(Path(ingested)) as db:
        service = bootstrap.service(
            db,
            [Municipality(org, (blagoveshchensk_2020(),))],
            clock=bootstrap.system_clock(),
        )
        service.batch = 1
        report = service.tick(dt.datetime(2025, 11, 24, 9, 45, tzinfo=org.zone))
    assert report.skipped == (broken,)
    assert report.breaches == 1


def test_dispatch_fails_the_item_of_a_corrupt_case_and_delivers_the_others(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from regflow.ports.store import OutboxState
    from regflow.testing import RecordingPublisher
    from regflow.testing import service_scenarios as scenarios
    from regflow.testing.sample import at, message

    path = tmp_path / "store.sqlite3"
    with SQLiteStore(path) as db:
        service, _notifier, _clock = scenarios.make(db)
        broken, _ = service.intake(message(at("2025-11-24 09:00")), organization="blagoveshchensk",
                                   actor="sokolova")  # fmt: skip
        scenarios.answered_request(service, broken)
        fine, _ = service.intake(message(at("2025-11-24 09:00")), organization="blagoveshchensk",
                                 actor="sokolova")  # fmt: skip
        scenarios.answered_request(service, fine)
    with sqlite3.connect(path) as raw:
        raw.execute(
            "UPDATE events SET record = ? WHERE case_id = ? AND seq = 1", ('{"type": "det', broken)
        )
    publisher = RecordingPublisher()
    with SQLiteStore(path) as db:
        service, _notifier, clock = scenarios.make(db, publisher)
        clock.instant = at("2025-11-24 10:16")
        with caplog.at_level(logging.ERROR, logger="regflow.service"):
            report = service.dispatch()
        assert report.failed >= 1  # the unreadable case's publication, not the whole round
        assert list(publisher.posts) == [f"{fine}/draft-1"]
        assert service.case(fine).stage == "answered"
        with db.unit_of_work() as uow:
            item = uow.outbox.get(f"{broken}/draft-1")
        assert item is not None
        assert item.state is OutboxState.FAILED
        assert f"case {broken} cannot be read" in item.last_error
    assert f"case {broken} cannot be read" in caplog.text
