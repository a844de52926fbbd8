"""The service's scenarios, for any store: subclass :class:`ServiceScenarios` with a
``store_factory`` fixture that opens the same store again on each call (the memory,
SQLite and PostgreSQL stores all run them)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import pytest

from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    Escalate,
    RequestPublication,
    Route,
    SubmitDraft,
    replay,
)
from regflow.errors import PermissionDenied, PublishError
from regflow.ports.store import Store
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

StoreFactory = Callable[[], Store]


def make(
    store: Store, publisher: object | None = None
) -> tuple[Service, RecordingNotifier, FixedClock]:
    """The service over ``store`` with recording fakes, the clock at 2025-11-24 09:00."""
    notifier = RecordingNotifier()
    clock = FixedClock(at("2025-11-24 09:00"))
    service = open_service(
        store=store,
        municipalities=[Municipality(ORG, (REGULATION,))],
        notifier=notifier,
        publisher=publisher or RecordingPublisher(),  # type: ignore[arg-type]
        screener=KeywordScreener({"убью": "threat-to-official"}),
        clock=clock,
    )
    return service, notifier, clock


def answered_request(service: Service, case_id: str) -> None:
    """Classify, route, assign, draft, approve and request publication, a few minutes apart."""
    for step in (
        Classify(
            case_id=case_id,
            actor="sokolova",
            at=at("2025-11-24 09:05"),
            topics=("roads",),
            location="ул. Ленина",
            importance="normal",
        ),
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
    ):
        service.handle(step)


def assert_index_follows_events(store: Store, case_id: str) -> None:
    """The case index entry says what the events say."""
    with store.unit_of_work() as uow:
        case = replay(uow.events.load(case_id))
        entry = uow.cases.get(case_id)
    assert entry is not None
    assert (entry.stage, entry.version, entry.detected_at) == (
        case.stage,
        case.version,
        case.detected_at,
    )


class ServiceScenarios:
    """The service's scenarios on a store from ``store_factory``."""

    @pytest.fixture
    def store_factory(self) -> StoreFactory:
        raise NotImplementedError("give the scenarios a `store_factory` fixture")

    @pytest.fixture
    def store(self, store_factory: StoreFactory) -> Store:
        return store_factory()

    def test_the_same_post_found_twice_opens_one_case(self, store: Store) -> None:
        service, _notifier, _clock = make(store)
        post = message(at("2025-11-24 09:00"))
        first, opened = service.intake(post, organization=ORG.id, actor="sokolova")
        again, reopened = service.intake(
            post, organization=ORG.id, actor="sokolova", at=at("2025-11-24 09:30")
        )
        assert (opened, reopened, again) == (True, False, first)
        assert service.case(first).version == 1
        assert_index_follows_events(store, first)

    def test_a_process_whose_cached_case_is_behind_the_store_decides_on_the_stored_case(
        self, store_factory: StoreFactory, caplog: pytest.LogCaptureFixture
    ) -> None:
        here, _notifier, _clock = make(store_factory())
        there, _other_notifier, _other_clock = make(store_factory())
        case_id, _ = here.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        # another process classifies the case: `here` still holds it as detected
        there.handle(
            Classify(
                case_id=case_id,
                actor="sokolova",
                at=at("2025-11-24 09:05"),
                topics=("roads",),
                location="ул. Ленина",
                importance="normal",
            )
        )
        route = Route(
            case_id=case_id,
            actor="sokolova",
            at=at("2025-11-24 09:10"),
            departments=("improvement",),
        )
        with caplog.at_level(logging.WARNING, logger="regflow"):
            events = here.handle(route)  # refused on the cached case, allowed on the stored
        assert [e.seq for e in events] == [3]
        assert not [r for r in caplog.records if "refused" in r.getMessage()]
        # and a cached case that is behind, with a command it allows, conflicts and retries
        there.handle(
            AssignExecutor(
                case_id=case_id,
                actor="morozov",
                at=at("2025-11-24 09:15"),
                department="improvement",
                executor="zaitsev",
            )
        )
        draft = SubmitDraft(
            case_id=case_id,
            actor="zaitsev",
            at=at("2025-11-24 10:00"),
            kind=DraftKind.ANSWER,
            text="Яму заделают до пятницы.",
        )
        assert [e.seq for e in here.handle(draft)] == [5]
        # a command the cached case allows as well as the stored one: the append conflicts,
        # and the command is decided again on the stored case
        first = Escalate(
            case_id=case_id, actor="sokolova", at=at("2025-11-24 10:05"), reason="significant"
        )
        there.handle(first)
        again = Escalate(
            case_id=case_id, actor="sokolova", at=at("2025-11-24 10:06"), reason="significant"
        )
        [event] = here.handle(again)
        assert event.seq == 7
        assert event.prev_hash == here.case(case_id).events[5].hash
        assert here.case(case_id).version == 7
        assert_index_follows_events(store_factory(), case_id)

    def test_the_screener_findings_go_with_the_detection(self, store: Store) -> None:
        service, _notifier, _clock = make(store)
        post = message(at("2025-11-24 09:00"), text="Я тебя убью, чиновник")
        case_id, _ = service.intake(post, organization=ORG.id, actor="sokolova")
        assert service.case(case_id).screening == ("threat-to-official",)

    def test_an_approved_answer_is_published_once_and_recorded(self, store: Store) -> None:
        publisher = RecordingPublisher()
        service, notifier, clock = make(store, publisher)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        clock.instant = at("2025-11-24 10:16")
        assert service.dispatch().failed == 0
        assert len(publisher.posts) == 1
        case = service.case(case_id)
        assert case.stage == "answered"
        assert case.events[-1].type == "published"
        assert service.dispatch().delivered == 0  # nothing left
        assert [n.kind for n in notifier.to("zaitsev")] == ["assigned", "approved"]
        assert_index_follows_events(store, case_id)

    def test_transient_failures_are_retried_and_the_answer_is_published_exactly_once(
        self, store: Store
    ) -> None:
        inner = RecordingPublisher()
        flaky = FlakyPublisher(
            inner,
            [
                PublishError("timeout", transient=True),
                PublishError("VK error 6: too many requests", transient=True, code="6"),
                PublishError("503", transient=True, retry_after=120),
            ],
        )
        service, _notifier, clock = make(store, flaky)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        clock.instant = at("2025-11-24 10:16")
        for _ in range(10):
            service.dispatch()
            clock.advance(dt.timedelta(minutes=5))
        assert len(inner.posts) == 1
        assert [e.type for e in service.case(case_id).events].count("published") == 1

    def test_a_permanent_failure_goes_back_to_the_curator(self, store: Store) -> None:
        flaky = FlakyPublisher(
            RecordingPublisher(), [PublishError("comments closed", transient=False)]
        )
        service, notifier, clock = make(store, flaky)
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

    def test_tick_records_each_warning_and_breach_once(self, store: Store) -> None:
        service, notifier, clock = make(store)
        service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
        # route is due 09:30 with a warning at 09:20: nobody acts
        assert service.tick(at("2025-11-24 09:21")).warnings == 1
        assert service.tick(at("2025-11-24 09:22")).warnings == 0
        assert service.tick(at("2025-11-24 09:31")).breaches == 1
        assert service.tick(at("2025-11-24 09:40")).breaches == 0
        clock.instant = at("2025-11-24 09:41")
        service.dispatch()
        kinds = [(n.recipient, n.kind) for n in notifier.sent]
        assert kinds.count(("sokolova", "warning")) == 1
        assert kinds.count(("sokolova", "breach")) == 1

    def test_tick_finds_due_cases_through_the_index_only(self, store: Store) -> None:
        service, _notifier, _clock = make(store)
        for _ in range(5):
            service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
        assert service.tick(at("2025-11-24 09:05")).cases == 0  # nothing due yet
        assert service.tick(at("2025-11-24 09:21")).cases == 5

    def test_a_refused_command_is_logged_and_changes_nothing(
        self, store: Store, caplog: pytest.LogCaptureFixture
    ) -> None:
        service, _notifier, _clock = make(store)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        with (
            caplog.at_level(logging.WARNING, logger="regflow.service"),
            pytest.raises(PermissionDenied),
        ):
            service.handle(
                Classify(
                    case_id=case_id,
                    actor="zaitsev",
                    at=at("2025-11-24 09:05"),
                    topics=("x",),
                    location="ул. Ленина",
                    importance="normal",
                )
            )
        assert service.case(case_id).version == 1
        assert "refused classify by zaitsev" in caplog.text

    def test_everything_is_there_after_reopening(self, store_factory: StoreFactory) -> None:
        first = store_factory()
        service, _notifier, clock = make(first)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        before = service.case(case_id)
        close = getattr(first, "close", None)
        assert close is not None
        close()

        publisher = RecordingPublisher()
        reopened, _notifier, clock = make(store_factory(), publisher)
        assert reopened.case(case_id) == before
        clock.instant = at("2025-11-24 10:16")
        assert reopened.dispatch().delivered >= 1  # the publication request survived
        requested = [e.data.key for e in before.events if e.type == "publication_requested"]
        assert list(publisher.posts) == requested
        assert reopened.case(case_id).stage == "answered"
