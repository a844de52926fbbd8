"""Issue 15 part 2: a command's time is what it declares, checked against when the
service received it; another system's history comes in only as an import, marked."""

from __future__ import annotations

import datetime as dt

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.core import AssignExecutor, Classify, Command, Route, SubmitDraft
from regflow.errors import UntrustedTime
from regflow.reports.audit import audit
from regflow.rules import DraftKind
from regflow.service import Municipality, Service, TimeTolerance, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier, RecordingPublisher
from regflow.testing.sample import at, message, sample_organization, sample_regulation

ORG = sample_organization()


def service(clock: FixedClock, **settings: object) -> Service:
    return open_service(
        store=MemoryStore(),
        municipalities=[Municipality(ORG, (sample_regulation(),))],
        notifier=RecordingNotifier(),
        publisher=RecordingPublisher(),
        screener=KeywordScreener(),
        clock=clock,
        **settings,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(at("2025-11-24 09:00"))


def _steps(case_id: str, start: dt.datetime) -> list[Command]:
    """Classify, route, assign: five minutes apart from ``start``."""
    minutes = [start + dt.timedelta(minutes=5 * n) for n in (1, 2, 3)]
    return [
        Classify(
            case_id=case_id,
            actor="sokolova",
            at=minutes[0],
            topics=("roads",),
            location="ул. Ленина",
            importance="normal",
        ),
        Route(case_id=case_id, actor="sokolova", at=minutes[1], departments=("improvement",)),
        AssignExecutor(
            case_id=case_id,
            actor="morozov",
            at=minutes[2],
            department="improvement",
            executor="zaitsev",
        ),
    ]


def _assigned(svc: Service, clock: FixedClock) -> str:
    """A case routed and assigned to zaitsev, each step as the clock reaches its time."""
    case_id, _ = svc.intake(message(clock.now()), organization=ORG.id, actor="sokolova")
    for step in _steps(case_id, clock.now()):
        clock.instant = step.at
        svc.handle(step)
    return case_id


def _draft(case_id: str, when: str) -> SubmitDraft:
    return SubmitDraft(
        case_id=case_id, actor="zaitsev", at=at(when), kind=DraftKind.ANSWER, text="Уберём."
    )


def test_p09_a_late_draft_cannot_be_backdated_into_met(clock: FixedClock) -> None:
    svc = service(clock)
    case_id = _assigned(svc, clock)
    clock.instant = at("2025-11-25 17:00")  # the answer was due the day before
    with pytest.raises(UntrustedTime, match="before the time the service received") as caught:
        svc.handle(_draft(case_id, "2025-11-24 10:00"))
    assert caught.value.received == clock.now()
    assert svc.case(case_id).version == 4  # nothing stored


def test_a_command_cannot_be_dated_into_the_future(clock: FixedClock) -> None:
    svc = service(clock)
    case_id = _assigned(svc, clock)
    with pytest.raises(UntrustedTime, match="after the time the service received"):
        svc.handle(_draft(case_id, "2025-11-24 09:17"))  # a minute past the tolerance


def test_a_time_within_the_tolerance_is_taken_and_the_receipt_recorded(clock: FixedClock) -> None:
    svc = service(clock)
    case_id = _assigned(svc, clock)
    clock.instant = at("2025-11-24 10:04")
    (event,) = svc.handle(_draft(case_id, "2025-11-24 10:00"))  # typed four minutes late
    assert (event.at, event.received_at, event.imported) == (
        at("2025-11-24 10:00"),
        at("2025-11-24 10:04"),
        False,
    )
    stored = svc.case(case_id).events[-1]
    assert (stored.received_at, stored.scheme) == (at("2025-11-24 10:04"), 2)
    assert audit(svc.store).ok


def test_the_tolerance_is_a_setting(clock: FixedClock) -> None:
    wide = service(clock, tolerance=TimeTolerance(behind=dt.timedelta(hours=2)))
    case_id = _assigned(wide, clock)
    clock.instant = at("2025-11-24 11:00")
    wide.handle(_draft(case_id, "2025-11-24 09:30"))
    # judged by the default, the draft's declared time lies too far from its receipt
    report = audit(wide.store, tolerance=(dt.timedelta(minutes=5), dt.timedelta(minutes=1)))
    assert report.ok  # flagged, not failed
    assert [(c, s, d) for c, s, d in report.declared] == [(case_id, 5, -dt.timedelta(hours=1.5))]


def test_another_systems_history_is_imported_and_marked(clock: FixedClock) -> None:
    svc = service(clock)
    post = message(at("2025-10-01 09:00"))
    with pytest.raises(UntrustedTime):
        svc.intake(post, organization=ORG.id, actor="sokolova", at=at("2025-10-01 09:00"))
    case_id, opened = svc.intake(
        post, organization=ORG.id, actor="sokolova", at=at("2025-10-01 09:00"), imported=True
    )
    assert opened
    with pytest.raises(UntrustedTime):  # by handle, each command of it is refused
        svc.handle(_steps(case_id, at("2025-10-01 09:00"))[0])
    imported = svc.import_history(_steps(case_id, at("2025-10-01 09:00")))
    events = svc.case(case_id).events
    assert [e.imported for e in events] == [True] * len(events) == [True] * 4
    assert imported == events[1:]
    assert all(e.received_at == clock.now() for e in events)
    report = audit(svc.store, tolerance=(dt.timedelta(minutes=5), dt.timedelta(minutes=1)))
    assert report.ok
    assert report.imported == tuple((case_id, e.seq) for e in events)
