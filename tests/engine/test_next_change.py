"""next_change() is the earliest status change that deadlines() implies, computed cheaply."""

import datetime as dt

import pytest

from regflow.core import DeadlineState, Status
from regflow.core.deadlines import next_change
from regflow.rules import DraftKind
from tests.engine.conftest import REGULATION, CaseDriver, at

INSTANT = dt.timedelta(microseconds=1)


def reference(states: tuple[DeadlineState, ...], now: dt.datetime) -> dt.datetime | None:
    """From the full deadline states: the next warning point or first instant past a due."""
    upcoming = [
        instant
        for state in states
        if state.status in (Status.PENDING, Status.WARNING)
        for instant in (*state.warnings, state.due + INSTANT)
        if instant > now
    ]
    return min(upcoming, default=None)


def lives() -> list[CaseDriver]:
    simple = CaseDriver.detected("2025-11-24 09:00")
    routed = CaseDriver.detected("2025-11-24 09:00")
    routed.classify("09:05").route("09:10", "improvement")
    interim = CaseDriver.detected("2025-11-24 09:00")
    interim.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    interim.submit("10:00", DraftKind.INTERIM, text="Проверяем").approve("10:10")
    interim.request("10:15").publish("10:20")
    joint = CaseDriver.detected("2025-11-24 09:00")
    joint.classify("09:05").route("09:10", "improvement", "housing", lead="improvement")
    joint.assign("09:15", "improvement").assign("09:20", "housing")
    done = CaseDriver.detected("2025-11-24 09:00")
    done.answer_in_full("2025-11-24 09:05")
    return [simple, routed, interim, joint, done]


@pytest.mark.parametrize("driver", lives(), ids=["detected", "routed", "interim", "joint", "done"])
@pytest.mark.parametrize("later", ["00:00", "00:09", "00:30", "02:00", "30:00", "200:00"])
def test_next_change_agrees_with_the_full_deadlines(driver: CaseDriver, later: str) -> None:
    hours, minutes = (int(x) for x in later.split(":"))
    now = driver.case.events[-1].at + dt.timedelta(hours=hours, minutes=minutes)
    expected = reference(driver.deadlines(now.strftime("%Y-%m-%d %H:%M")), now)
    assert next_change(driver.case, REGULATION, now) == expected


def test_a_finished_case_has_nothing_pending() -> None:
    done = lives()[-1]
    assert next_change(done.case, REGULATION, at("2025-11-24 12:00")) is None
