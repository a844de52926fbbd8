"""The service over the memory store: intake, commands, tick, dispatch."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    RequestPublication,
    Route,
    SubmitDraft,
)
from regflow.errors import PermissionDenied, PublishError
from regflow.rules import DraftKind
from regflow.service import Municipality, Service, open_service
from regflow.testing import (
    FixedClock,
    FlakyPublisher,
    KeywordScreener,
    RecordingNotifier,
    RecordingPublisher,
)
from tests.engine.conftest import ORG, REGULATION, at, message


def make(publisher: object | None = None) -> tuple[Service, RecordingNotifier, FixedClock]:
    notifier = RecordingNotifier()
    clock = FixedClock(at("2025-11-24 09:00"))
    service = open_service(
        store=MemoryStore(),
        municipalities=[Municipality(ORG, (REGULATION,))],
        notifier=notifier,
        publisher=publisher or RecordingPublisher(),  # type: ignore[arg-type]
        screener=KeywordScreener({"убью": "threat-to-official"}),
        clock=clock,
    )
    return service, notifier, clock


def answered_request(service: Service, case_id: str) -> None:
    """Classify, route, assign, draft, approve and request publication, a few minutes apart."""
    steps = [
        Classify(case_id=case_id, actor="sokolova", at=at("2025-11-24 09:05"), topics=("roads",)),
        Route(
            case_id=case_id,
            actor="sokolova",
            at=at("2025-11-24 09:10"),
            departments=("improvement",),
        ),
        AssignExecutor(
            case_id=case_id,
            actor="morozov",
            at=at("2025-11-24 09:15"),
            department="improvement",
            executor="zaitsev",
        ),
        SubmitDraft(
            case_id=case_id,
            actor="zaitsev",
            at=at("2025-11-24 10:00"),
            kind=DraftKind.ANSWER,
            text="Яму заделают до пятницы.",
        ),
        ApproveDraft(case_id=case_id, actor="sokolova", at=at("2025-11-24 10:10")),
        RequestPublication(case_id=case_id, actor="zaitsev", at=at("2025-11-24 10:15")),
    ]
    for step in steps:
        service.handle(step)


def test_the_same_post_found_twice_opens_one_case() -> None:
    service, _notifier, _clock = make()
    post = message(at("2025-11-24 09:00"))
    first, opened = service.intake(post, organization=ORG.id, actor="sokolova")
    again, reopened = service.intake(
        post, organization=ORG.id, actor="sokolova", at=at("2025-11-24 09:30")
    )
    assert opened is True
    assert reopened is False
    assert again == first
    assert service.case(first).version == 1


def test_the_screener_findings_go_with_the_detection() -> None:
    service, _notifier, _clock = make()
    post = message(at("2025-11-24 09:00"), text="Я тебя убью, чиновник")
    case_id, _ = service.intake(post, organization=ORG.id, actor="sokolova")
    assert service.case(case_id).screening == ("threat-to-official",)


def test_an_approved_answer_is_published_once_and_recorded() -> None:
    publisher = RecordingPublisher()
    service, notifier, clock = make(publisher)
    case_id, _ = service.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    answered_request(service, case_id)
    clock.instant = at("2025-11-24 10:16")
    report = service.dispatch()
    assert report.failed == 0
    assert len(publisher.posts) == 1
    case = service.case(case_id)
    assert case.stage == "answered"
    assert case.events[-1].type == "published"
    assert service.dispatch().delivered == 0  # nothing left
    assert [n.kind for n in notifier.to("zaitsev")] == ["assigned", "approved"]


def test_transient_failures_are_retried_and_the_answer_is_published_exactly_once() -> None:
    inner = RecordingPublisher()
    flaky = FlakyPublisher(
        inner,
        [
            PublishError("timeout", transient=True),
            PublishError("VK error 6: too many requests", transient=True, code="6"),
            PublishError("503", transient=True, retry_after=120),
        ],
    )
    service, _notifier, clock = make(flaky)
    case_id, _ = service.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    answered_request(service, case_id)
    clock.instant = at("2025-11-24 10:16")
    for _ in range(10):
        service.dispatch()
        clock.advance(dt.timedelta(minutes=5))
    assert len(inner.posts) == 1
    published = [e for e in service.case(case_id).events if e.type == "published"]
    assert len(published) == 1


def test_a_permanent_failure_goes_back_to_the_curator() -> None:
    flaky = FlakyPublisher(RecordingPublisher(), [PublishError("comments closed", transient=False)])
    service, notifier, clock = make(flaky)
    case_id, _ = service.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    answered_request(service, case_id)
    clock.instant = at("2025-11-24 10:16")
    assert service.dispatch().failed == 1
    case = service.case(case_id)
    assert case.events[-1].type == "publication_failed"
    assert case.failure == "comments closed"
    service.dispatch()
    assert [n.kind for n in notifier.to("sokolova")][-1] == "failed"


def test_tick_records_each_warning_and_breach_once() -> None:
    service, notifier, clock = make()
    service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
    # route is due 09:30 with a warning at 09:20: nobody acts
    assert service.tick(at("2025-11-24 09:21")).warnings == 1
    assert service.tick(at("2025-11-24 09:22")).warnings == 0
    report = service.tick(at("2025-11-24 09:31"))
    assert report.breaches == 1
    assert service.tick(at("2025-11-24 09:40")).breaches == 0
    clock.instant = at("2025-11-24 09:41")
    service.dispatch()
    kinds = [(n.recipient, n.kind) for n in notifier.sent]
    assert kinds.count(("sokolova", "warning")) == 1
    assert kinds.count(("sokolova", "breach")) == 1


def test_tick_finds_due_cases_through_the_index_only() -> None:
    service, _notifier, _clock = make()
    for _ in range(5):
        service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
    assert service.tick(at("2025-11-24 09:05")).cases == 0  # nothing due yet
    assert service.tick(at("2025-11-24 09:21")).cases == 5


def test_a_refused_command_is_logged_and_changes_nothing(caplog: pytest.LogCaptureFixture) -> None:
    service, _notifier, _clock = make()
    case_id, _ = service.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    with (
        caplog.at_level(logging.WARNING, logger="regflow.service"),
        pytest.raises(PermissionDenied),
    ):
        service.handle(
            Classify(case_id=case_id, actor="zaitsev", at=at("2025-11-24 09:05"), topics=("x",))
        )
    assert service.case(case_id).version == 1
    assert "refused classify by zaitsev" in caplog.text


def test_a_tick_at_the_due_instant_leaves_the_breach_to_the_next_tick() -> None:
    service, _notifier, _clock = make()
    service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
    assert service.tick(at("2025-11-24 09:30")).breaches == 0  # due 09:30: not yet passed
    assert service.tick(at("2025-11-24 09:31")).breaches == 1


def test_a_command_for_an_unknown_case_is_refused_as_such() -> None:
    from regflow.errors import UnknownCase

    service, _notifier, _clock = make()
    with pytest.raises(UnknownCase) as caught:
        service.handle(
            Classify(case_id="nope", actor="sokolova", at=at("2025-11-24 09:05"), topics=("x",))
        )
    assert caught.value.case_id == "nope"
