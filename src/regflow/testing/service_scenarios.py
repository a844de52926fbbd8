"""The service's scenarios, for any store, as a pytest suite.

Subclass :class:`ServiceScenarios` with a ``store_factory`` fixture that opens the same
store again on each call (memory, SQLite and PostgreSQL run them; so can yours)::

    class TestServiceOnMyStore(ServiceScenarios):
        @pytest.fixture
        def store_factory(self, tmp_path):
            return lambda: MyStore(tmp_path / "store")

Where the port's contract (:class:`~regflow.testing.StoreContract`) proves the parts of a
store one by one, these prove it under the service: one post one case, a stale cache,
publication exactly once, warnings and breaches once, п. 20's escalations once per window
and per municipality, everything there after reopening. They run on the sample
municipality of :mod:`regflow.testing.sample`.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import attrs
import pytest

from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    Close,
    Escalate,
    LinkRepeat,
    Organization,
    RequestPublication,
    Route,
    SubmitDraft,
    replay,
)
from regflow.core.events import Escalated, PublicationRequested, Published
from regflow.errors import PermissionDenied, PublishError, UnknownCase
from regflow.ports.effects import Publication, PublicationRequest
from regflow.ports.store import OutboxState, Snapshot, Store, UnitOfWork
from regflow.rules import DraftKind
from regflow.service import Municipality, Service, open_service
from regflow.testing.fakes import (
    FixedClock,
    FlakyPublisher,
    KeywordScreener,
    RecordingNotifier,
    RecordingPublisher,
)
from regflow.testing.sample import at, message, sample_organization, sample_regulation

__all__ = ["ReactionScenarios", "ServiceScenarios", "StoreFactory", "answered_request", "make"]

StoreFactory = Callable[[], Store]
"""Opens the store under test (the same one again on each call)."""
ORG = sample_organization()
REGULATION = sample_regulation()


def make(
    store: Store,
    publisher: object | None = None,
    organizations: tuple[Organization, ...] = (ORG,),
) -> tuple[Service, RecordingNotifier, FixedClock]:
    """The service over ``store`` with recording fakes, the clock at 2025-11-24 09:00."""
    notifier = RecordingNotifier()
    clock = FixedClock(at("2025-11-24 09:00"))
    service = open_service(
        store=store,
        municipalities=[Municipality(org, (REGULATION,)) for org in organizations],
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


@attrs.define
class Interleaved:
    """A store that lets "another process" act just before the ``after``-th next unit of work.

    :meth:`arm` schedules ``action`` (run on the store itself, outside any unit of work);
    it runs when the service opens its ``after``-th unit of work from then on, so a test
    can put a staff command between any two of the worker's steps.
    """

    store: Store
    _pending: list[tuple[int, Callable[[], object]]] = attrs.Factory(list)

    def arm(self, after: int, action: Callable[[], object]) -> None:
        """Run ``action`` before the ``after``-th unit of work opened from now (1: the next)."""
        self._pending.append((after, action))

    @contextmanager
    def _unit(self) -> Iterator[UnitOfWork]:
        due = [action for n, action in self._pending if n == 1]
        self._pending = [(n - 1, action) for n, action in self._pending if n > 1]
        for action in due:
            action()
        with self.store.unit_of_work() as uow:
            yield uow

    def unit_of_work(self) -> AbstractContextManager[UnitOfWork]:
        """The wrapped store's unit of work, after any action due now."""
        return self._unit()

    def snapshot(self) -> AbstractContextManager[Snapshot]:
        """The wrapped store's snapshot (reads are not interleaved)."""
        return self.store.snapshot()


@attrs.define
class _ActingPublisher:
    """Publishes through ``inner``, then runs ``then`` (something that lands meanwhile)."""

    inner: RecordingPublisher
    then: Callable[[], object]

    def publish(self, request: PublicationRequest) -> Publication:
        published = self.inner.publish(request)
        self.then()
        return published


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


class _Scenarios:
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

    @pytest.mark.parametrize("after", [1, 2, 3])
    def test_p13_a_staff_command_while_the_worker_records_does_not_lose_the_publication(
        self, store: Store, after: int
    ) -> None:
        # issue 15: the curator's command lands between the publisher's answer and its
        # record (at any of the worker's next units of work); the record was refused as
        # "before the case's last event" and the item still marked done
        interleaved = Interleaved(store)
        staff, _notifier, _clock = make(store)
        publisher = RecordingPublisher()
        case_id = ""

        def escalate() -> None:
            staff.handle(
                Escalate(
                    case_id=case_id,
                    actor="sokolova",
                    at=at("2025-11-24 10:30"),
                    reason="significant",
                )
            )

        acting = _ActingPublisher(publisher, lambda: interleaved.arm(after, escalate))
        service, _notifier, clock = make(interleaved, acting)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        clock.instant = at("2025-11-24 10:16")
        assert service.dispatch().failed == 0
        case = service.case(case_id)
        assert case.stage == "answered"
        assert [e.type for e in case.events][-2:] in (
            ["escalated", "published"],
            ["published", "escalated"],
        )
        published = [e.data for e in case.events if isinstance(e.data, Published)]
        assert [p.external_id for p in published] == ["post-1"]
        assert len(publisher.posts) == 1

    def test_p13_a_publication_that_cannot_be_recorded_is_not_done_and_the_curator_is_told(
        self, store: Store
    ) -> None:
        # the case was closed while the answer went out: the record stays refused, so the
        # item is not marked done and the curator is told what was posted where
        staff, _notifier, _clock = make(store)
        case_id = ""

        def close() -> None:
            staff.handle(
                Close(
                    case_id=case_id,
                    actor="sokolova",
                    at=at("2025-11-24 10:30"),
                    reason="duplicate",
                )
            )

        publisher = RecordingPublisher()
        service, notifier, clock = make(store, _ActingPublisher(publisher, close))
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        clock.instant = at("2025-11-24 10:16")
        assert service.dispatch().failed == 1
        with store.unit_of_work() as uow:
            item = uow.outbox.get(f"{case_id}/draft-1")
        assert item is not None
        assert item.state is OutboxState.FAILED
        assert "post-1" in item.last_error
        service.dispatch()
        told = notifier.to("sokolova")[-1]
        assert told.kind == "unrecorded"
        assert "https://example.invalid/vk/1" in told.text

    def test_p13_a_retry_after_a_permanent_failure_is_delivered_under_a_key_of_its_own(
        self, store: Store
    ) -> None:
        # issue 15: the retry recorded a new request but queued nothing (its key was the
        # failed item's)
        inner = RecordingPublisher()
        captcha = PublishError("VK error 14: Captcha needed", transient=False)
        flaky = FlakyPublisher(inner, [captcha])
        service, _notifier, clock = make(store, flaky)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        answered_request(service, case_id)
        clock.instant = at("2025-11-24 10:16")
        assert service.dispatch().failed == 1
        service.handle(
            RequestPublication(case_id=case_id, actor="zaitsev", at=at("2025-11-24 10:40"))
        )
        clock.instant = at("2025-11-24 10:41")
        service.dispatch()
        case = service.case(case_id)
        keys = [e.data.key for e in case.events if isinstance(e.data, PublicationRequested)]
        assert keys == [f"{case_id}/draft-1", f"{case_id}/draft-1/attempt-2"]
        assert list(inner.posts) == keys[1:]
        assert case.stage == "answered"

    def test_p13_a_batch_that_outlives_its_lease_leaves_the_rest_to_the_new_holder(
        self, store: Store
    ) -> None:
        # issue 15: a worker whose batch outlived its lease went on and delivered items
        # another worker had claimed meanwhile (a second post where the network has no key)
        publisher = RecordingPublisher()
        other, _notifier, _clock = make(store, publisher)
        slow_once: list[bool] = []
        first_clock = FixedClock(at("2025-11-24 10:16"))

        def slow() -> None:
            if not slow_once:  # the first answer takes longer than the lease
                slow_once.append(True)
                first_clock.advance(dt.timedelta(minutes=6))
                time.sleep(0.3)  # the heartbeat renews this item's lease meanwhile
                other.dispatch(at("2025-11-24 10:22"))

        service, _notifier, _clock = make(store, _ActingPublisher(publisher, slow))
        cases = []
        for _ in range(2):
            case_id, _ = service.intake(
                message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
            )
            answered_request(service, case_id)
            cases.append(case_id)
        service.clock = first_clock
        service.heartbeat = dt.timedelta(milliseconds=20)
        service.dispatch(at("2025-11-24 10:16"))
        assert sorted(publisher.calls) == sorted(f"{c}/draft-1" for c in cases)  # once each
        assert all(service.case(c).stage == "answered" for c in cases)
        with store.unit_of_work() as uow:
            left = uow.outbox.query(state=OutboxState.PENDING, limit=1000)
        assert left == []

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
        requested = [e.data.key for e in before.events if isinstance(e.data, PublicationRequested)]
        assert list(publisher.posts) == requested
        assert reopened.case(case_id).stage == "answered"


def routed_and_assigned(
    service: Service,
    org: Organization = ORG,
    *,
    location: str | None = None,
    significant: bool = False,
) -> str:
    """A new case of ``org`` detected 2025-11-24 09:00: classified on roads (at
    ``location``, by default a place of its own), routed to improvement and assigned to
    zaitsev by 09:15."""
    day = "2025-11-24"
    case_id, _ = service.intake(message(at(f"{day} 09:00")), organization=org.id, actor="sokolova")
    service.handle(
        Classify(
            case_id=case_id,
            actor="sokolova",
            at=at(f"{day} 09:05"),
            topics=("roads",),
            # п. 7 needs a location: by default one of this message's own, so that cases
            # made here do not add up to a surge (п. 20) unless a test names one place
            location=location or f"дом {case_id[-6:]}",
            importance="normal",
            significant=significant,
        )
    )
    service.handle(
        Route(
            case_id=case_id, actor="sokolova", at=at(f"{day} 09:10"), departments=("improvement",)
        )
    )
    service.handle(
        AssignExecutor(
            case_id=case_id,
            actor="morozov",
            at=at(f"{day} 09:15"),
            department="improvement",
            executor="zaitsev",
        )
    )
    return case_id


def escalations(service: Service, case_id: str) -> list[Escalated]:
    """The п. 20 escalations of a case (their events' payloads)."""
    return [e.data for e in service.case(case_id).events if isinstance(e.data, Escalated)]


class ReactionScenarios:
    """п. 19 and п. 20 through the service: who is told, what is escalated, once."""

    def test_p07_the_head_of_the_routed_department_is_told(self, store: Store) -> None:
        service, notifier, clock = make(store)
        routed_and_assigned(service)
        clock.instant = at("2025-11-24 09:16")
        service.dispatch()
        assert [n.kind for n in notifier.to("morozov")] == ["routed"]
        assert [n.kind for n in notifier.to("zaitsev")] == ["assigned"]

    def test_p19_a_breach_goes_to_the_responsible_person_and_every_curator(
        self, store: Store
    ) -> None:
        two = attrs.evolve(ORG, curators=("sokolova", "belov"))
        service, notifier, clock = make(store, organizations=(two,))
        routed_and_assigned(service, two)
        # the draft (п. 10) is due at 14:00, 4 hours before the answer (18:00): nobody sends it
        assert service.tick(at("2025-11-24 14:01")).breaches == 1
        clock.instant = at("2025-11-24 14:02")
        service.dispatch()
        breached = sorted(n.recipient for n in notifier.sent if n.kind == "breach")
        assert breached == ["belov", "sokolova", "zaitsev"]
        (to_executor,) = [n for n in notifier.to("zaitsev") if n.kind == "breach"]
        assert f"ответственный: {ORG.person('zaitsev').name}" in to_executor.text
        assert "(п. 10)" in to_executor.subject

    def test_p20_a_significant_message_is_escalated_once_and_on_the_record(
        self, store: Store
    ) -> None:
        service, notifier, clock = make(store)
        case_id, _ = service.intake(
            message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
        )
        for minute, topics in (("09:05", ("roads",)), ("09:07", ("roads", "lighting"))):
            service.handle(
                Classify(
                    case_id=case_id,
                    actor="sokolova",
                    at=at(f"2025-11-24 {minute}"),
                    topics=topics,
                    location="ул. Ленина",
                    importance="normal",
                    significant=True,
                )
            )
        (escalated,) = escalations(service, case_id)  # once per message
        assert escalated.automatic
        assert (escalated.reason, escalated.deputies) == ("significant", ("belov",))
        event = next(e for e in service.case(case_id).events if e.type == "escalated")
        assert (event.seq, event.actor, event.clause) == (3, "regflow", "п. 20")
        clock.instant = at("2025-11-24 09:30")
        service.dispatch()
        (told,) = [n for n in notifier.to("belov") if n.kind == "escalation"]
        assert "общественно значимое сообщение" in told.text
        assert_index_follows_events(store, case_id)

    def test_p20_a_surge_is_escalated_once_per_window(self, store: Store) -> None:
        service, notifier, clock = make(store)
        place = "ул. Ленина"
        first = [routed_and_assigned(service, location=place) for _ in range(4)]
        assert all(escalations(service, c) == [] for c in first)
        fifth = routed_and_assigned(service, location=place)  # the 5th message within 24 hours
        (surge,) = escalations(service, fifth)
        assert (surge.observed, surge.threshold, surge.topic) == (5, 5, "roads")
        sixth = routed_and_assigned(service, location=place)
        assert escalations(service, sixth) == []  # the same window: once
        elsewhere = routed_and_assigned(service, location="ул. Зейская")
        assert escalations(service, elsewhere) == []
        clock.instant = at("2025-11-24 09:30")
        service.dispatch()
        told = [n for n in notifier.to("belov") if n.kind == "escalation"]
        assert len(told) == 1
        assert "повышенная социальная активность: 5 сообщений" in told[0].text

    def test_p20_a_department_s_repeated_breaches_are_escalated_once_per_municipality(
        self, store: Store
    ) -> None:
        other = attrs.evolve(ORG, id="other-city")
        service, notifier, clock = make(store, organizations=(ORG, other))
        # two of the other city's cases breach in the same department: not this city's
        for _ in range(2):
            routed_and_assigned(service, other)
        ours = [routed_and_assigned(service) for _ in range(3)]
        # each case's draft (п. 10, case-wide) is due 14:00; missed while improvement held it
        ticked = service.tick(at("2025-11-24 14:01"))
        assert (ticked.breaches, ticked.escalations) == (5, 1)
        raised = [data for case in ours for data in escalations(service, case)]
        assert len(raised) == 1
        (escalation,) = raised
        assert escalation.shortcomings_of == "improvement"
        assert (escalation.observed, escalation.threshold) == (3, 3)
        # the answers (п. 9) are missed at 18:00: more breaches, the same window, no second
        # here; the other city's fourth breach is its own third and more
        later = service.tick(at("2025-11-24 18:01"))
        assert (later.breaches, later.escalations) == (5, 1)
        assert len([data for case in ours for data in escalations(service, case)]) == 1
        clock.instant = at("2025-11-24 18:05")
        service.dispatch()
        told = [n for n in notifier.to("belov") if n.kind == "escalation" and n.case_id in ours]
        assert len(told) == 1
        assert ORG.department("improvement").name in told[0].text
        for case in ours:
            assert_index_follows_events(store, case)

    def test_p16_a_repeat_must_link_to_a_case_that_exists(self, store: Store) -> None:
        service, _notifier, _clock = make(store)
        earlier = routed_and_assigned(service)
        case_id, _ = service.intake(
            message(at("2025-11-24 10:00")), organization=ORG.id, actor="sokolova"
        )
        with pytest.raises(UnknownCase):
            service.handle(
                LinkRepeat(
                    case_id=case_id,
                    actor="sokolova",
                    at=at("2025-11-24 10:05"),
                    previous_case_id="no-such-case",
                )
            )
        service.handle(
            LinkRepeat(
                case_id=case_id,
                actor="sokolova",
                at=at("2025-11-24 10:05"),
                previous_case_id=earlier,
            )
        )
        assert service.case(case_id).repeat_of == earlier


class ServiceScenarios(_Scenarios, ReactionScenarios):
    """Every scenario of the service on a store from ``store_factory``."""
