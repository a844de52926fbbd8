"""The contract every :class:`~regflow.ports.Store` must meet, as a pytest suite.

Subclass :class:`StoreContract` and give it a ``store`` fixture that returns
a fresh, empty store::

    class TestMyStore(StoreContract):
        @pytest.fixture
        def store(self, tmp_path):
            store = MyStore(tmp_path / "db")
            yield store
            store.close()

The memory, SQLite and PostgreSQL adapters all pass this same suite.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from typing import Any

import attrs
import pytest

from regflow.core.events import GENESIS, Classified, Detected, Event, verify
from regflow.core.message import Author, Message, Place
from regflow.errors import ConcurrencyConflict
from regflow.ports.store import CaseEntry, OutboxItem, OutboxState, Store
from regflow.rules.vocabulary import Platform

__all__ = ["StoreContract"]

T0 = dt.datetime(2025, 11, 24, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def history(case_id: str, length: int, start: dt.datetime = T0) -> list[Event]:
    """A valid hash-chained history of ``length`` events (a detection, then classifications)."""
    message = Message(
        platform=Platform.VK,
        place=Place(owner_id="-1", post_id=case_id),
        url=f"https://vk.com/wall-1_{case_id}",
        author=Author(id="42", name="Житель"),
        text="Не вывозят мусор «третий день» — ул. Ленина, 5",
        published_at=start - dt.timedelta(minutes=3),
        detected_at=start,
        source_system="contract",
        source_event_id=case_id,
        raw={"nested": {"list": [1, 2.5, None, "ё"]}},
    )
    events: list[Event] = []
    previous = GENESIS
    for seq in range(1, length + 1):
        at = start + dt.timedelta(minutes=seq)
        data = (
            Detected(message, "test@1", "city")
            if seq == 1
            else Classified((f"topic-{seq}",), "Центр", "normal")
        )
        event = Event.make(case_id, seq, at, "curator", "п. 7", data, previous)
        events.append(event)
        previous = event.hash
    return events


def entry(case_id: str, next_due: dt.datetime | None, **changes: object) -> CaseEntry:
    """A case index entry."""
    base = CaseEntry(
        case_id=case_id,
        organization="city",
        stage="routed",
        detected_at=T0,
        updated_at=T0,
        version=1,
        next_due=next_due,
        departments=("roads",),
        executors=("ivanov",),
        topics=("roads",),
        location="Центр",
    )
    return attrs.evolve(base, **changes)  # type: ignore[arg-type]


def item(key: str, created: dt.datetime = T0, kind: str = "notify") -> OutboxItem:
    """An outbox item with a JSON payload."""
    return OutboxItem(
        key=key,
        kind=kind,
        payload={"text": "Срок истекает", "n": 1, "nested": {"a": [1, "б"]}},
        created_at=created,
        case_id="c-1",
    )


class StoreContract:
    """The store contract. Subclasses provide the ``store`` fixture (a fresh, empty store)."""

    @pytest.fixture
    def store(self) -> Iterator[Store]:
        """A fresh, empty store (subclasses override)."""
        raise NotImplementedError("give the contract a `store` fixture")

    # -- reading: snapshots and a period's cases ----------------------------------

    def test_a_period_s_cases_come_page_by_page_by_detection_instant(self, store: Store) -> None:
        instants = [T0 + dt.timedelta(minutes=m) for m in (30, 0, 10, 10, 50, 20)]
        with store.unit_of_work() as uow:
            for number, detected in enumerate(instants):
                uow.cases.put(entry(f"c-{number}", None, detected_at=detected, stage="closed"))
            uow.cases.put(entry("other-city", None, organization="town", detected_at=T0))
            uow.cases.put(entry("too-late", None, detected_at=T0 + dt.timedelta(hours=1)))
        end = T0 + dt.timedelta(hours=1)  # the period ends before "too-late"
        seen: list[str] = []
        after = None
        with store.snapshot() as snapshot:
            while True:
                page = snapshot.cases.detected(
                    organization="city", since=T0, until=end, after=after, limit=4
                )
                seen += [e.case_id for e in page]
                if len(page) < 4:
                    break
                after = (page[-1].detected_at, page[-1].case_id)
        # by instant, then id; whatever the stage; another organisation's left out
        assert seen == ["c-1", "c-2", "c-3", "c-5", "c-0", "c-4"]

    def test_a_snapshot_reads_what_was_committed_and_writes_nothing(self, store: Store) -> None:
        from regflow.errors import StorageError

        events = history("c-1", 2)
        with store.unit_of_work() as uow:
            uow.events.append("c-1", 0, events)
            uow.cases.put(entry("c-1", None))
        with store.snapshot() as snapshot:
            assert list(snapshot.events.load("c-1")) == events
            assert snapshot.cases.get("c-1") == entry("c-1", None)
        with pytest.raises(StorageError), store.snapshot() as snapshot:
            snapshot.events.append("c-2", 0, history("c-2", 1))
        with store.unit_of_work() as uow:
            assert uow.events.load("c-2") == ()
            uow.events.append("c-1", 2, history("c-1", 3)[2:])  # the store still writes

    # -- the event log ---------------------------------------------------------

    def test_events_are_read_back_equal_and_verify(self, store: Store) -> None:
        events = history("c-1", 5)
        with store.unit_of_work() as uow:
            uow.events.append("c-1", 0, events[:2])
        with store.unit_of_work() as uow:
            uow.events.append("c-1", 2, events[2:])
        with store.unit_of_work() as uow:
            loaded = uow.events.load("c-1")
            assert uow.events.load("unknown") == ()
        assert list(loaded) == events
        assert verify(loaded) == 5
        assert loaded[0].data == events[0].data  # the message, raw payload and all

    def test_appending_at_a_stale_version_is_a_conflict_and_writes_nothing(
        self, store: Store
    ) -> None:
        events = history("c-1", 3)
        with store.unit_of_work() as uow:
            uow.events.append("c-1", 0, events[:2])
        with pytest.raises(ConcurrencyConflict) as caught, store.unit_of_work() as uow:
            uow.events.append("c-1", 1, events[2:])
        assert (caught.value.expected, caught.value.actual) == (1, 2)
        with store.unit_of_work() as uow:
            assert len(uow.events.load("c-1")) == 2

    def test_a_new_case_at_version_zero_twice_is_a_conflict(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.events.append("c-1", 0, history("c-1", 1))
        with pytest.raises(ConcurrencyConflict), store.unit_of_work() as uow:
            uow.events.append("c-1", 0, history("c-1", 1))

    def test_a_failed_unit_of_work_leaves_nothing_behind(self, store: Store) -> None:
        def fail_halfway() -> None:
            with store.unit_of_work() as uow:
                uow.events.append("c-1", 0, history("c-1", 2))
                uow.cases.put(entry("c-1", T0))
                uow.intake.claim("vk:1", "c-1")
                uow.marks.add("breach/c-1", T0)
                uow.outbox.enqueue([item("n-1")])
                raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            fail_halfway()
        with store.unit_of_work() as uow:
            assert uow.events.load("c-1") == ()
            assert uow.cases.get("c-1") is None
            assert uow.intake.claim("vk:1", "c-2") == "c-2"
            assert uow.marks.add("breach/c-1", T0)
            assert uow.outbox.get("n-1") is None

    # -- the case index ---------------------------------------------------------

    def test_entries_are_replaced_and_read_back_equal(self, store: Store) -> None:
        first = entry("c-1", T0)
        second = entry("c-1", None, stage="answered", version=8, executors=("a", "b"))
        with store.unit_of_work() as uow:
            uow.cases.put(first)
        with store.unit_of_work() as uow:
            assert uow.cases.get("c-1") == first
            uow.cases.put(second)
        with store.unit_of_work() as uow:
            assert uow.cases.get("c-1") == second
            assert uow.cases.get("c-2") is None

    def test_due_gives_the_earliest_first_up_to_the_limit(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            for n, minutes in enumerate([30, 10, 20, 90]):
                uow.cases.put(entry(f"c-{n}", T0 + dt.timedelta(minutes=minutes)))
            uow.cases.put(entry("c-none", None))
        with store.unit_of_work() as uow:
            due = uow.cases.due(T0 + dt.timedelta(minutes=30), 10)
            assert [e.case_id for e in due] == ["c-1", "c-2", "c-0"]
            assert [e.case_id for e in uow.cases.due(T0 + dt.timedelta(hours=5), 2)] == [
                "c-1",
                "c-2",
            ]
            assert uow.cases.due(T0, 10) == []

    def test_query_filters_open_cases(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.cases.put(entry("a", T0, departments=("roads", "parks"), executors=("ivanov",)))
            uow.cases.put(entry("b", T0, departments=("parks",), executors=("petrov",)))
            uow.cases.put(entry("c", None, stage="closed"))
            uow.cases.put(entry("d", T0, topics=("lighting",), location="Северный"))
            uow.cases.put(entry("e", T0, organization="other"))
        with store.unit_of_work() as uow:

            def ids(**filters: Any) -> list[str]:
                return sorted(e.case_id for e in uow.cases.query(**filters))

            assert ids(organization="city") == ["a", "b", "d"]
            assert ids(department="parks") == ["a", "b"]
            assert ids(executor="petrov") == ["b"]
            assert ids(stage="closed") == ["c"]
            assert ids(stage="any", organization="city") == ["a", "b", "c", "d"]
            assert ids(topic="lighting", location="Северный") == ["d"]
            assert ids(detected_since=T0 + dt.timedelta(seconds=1)) == []
            assert len(uow.cases.query(limit=2)) == 2

    def test_count_agrees_with_query(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.cases.put(entry("a", T0, departments=("roads", "parks"), topics=("snow",)))
            uow.cases.put(entry("b", T0, departments=("parks",), topics=("snow",)))
            uow.cases.put(entry("c", None, stage="closed", topics=("snow",)))
            uow.cases.put(entry("d", T0, topics=("snow",), location="Северный"))
        with store.unit_of_work() as uow:
            for filters in (
                {},
                {"topic": "snow"},
                {"topic": "snow", "stage": "any"},
                {"department": "parks"},
                {"stage": "closed"},
                {"topic": "snow", "location": "Северный"},
                {"detected_since": T0 + dt.timedelta(seconds=1)},
            ):
                found = len(uow.cases.query(**filters))
                assert uow.cases.count(**filters) == found, filters
                assert uow.cases.count(limit=2, **filters) == min(found, 2), filters
            assert uow.cases.count(topic="snow") == 3

    # -- intake, marks -------------------------------------------------------------

    def test_an_intake_key_keeps_its_first_case(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            assert uow.intake.claim("vk:-1/2", "c-1") == "c-1"
        with store.unit_of_work() as uow:
            assert uow.intake.claim("vk:-1/2", "c-2") == "c-1"
            assert uow.intake.claim("vk:-1/3", "c-3") == "c-3"

    def test_a_mark_is_added_once_and_counted(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            assert uow.marks.add("breach/c-1/answer", T0, "roads")
            assert not uow.marks.add("breach/c-1/answer", T0, "roads")
            assert uow.marks.add("breach/c-2/answer", T0 + dt.timedelta(days=1), "roads")
            assert uow.marks.add("warning/c-2/answer", T0, "parks")
        with store.unit_of_work() as uow:
            assert not uow.marks.add("breach/c-1/answer", T0)
            assert uow.marks.count("breach/", T0) == 2
            assert uow.marks.count("breach/", T0 + dt.timedelta(hours=1)) == 1
            assert uow.marks.count("breach/", T0, "parks") == 0
            assert uow.marks.count("", T0, "parks") == 1
            assert uow.marks.count("breach/", T0, limit=1) == 1
            assert uow.marks.count("breach/", T0, limit=5) == 2

    def test_a_lock_makes_a_count_see_what_the_holder_marked(self, store: Store) -> None:
        # п. 20 counts then marks: a second unit of work that takes the same lock waits for
        # the first to commit and then counts its mark (issue 15: write skew on PostgreSQL)
        locked = threading.Event()
        seen: list[int] = []

        def holder() -> None:
            with store.unit_of_work() as uow:
                uow.lock("window/roads/Центр")
                locked.set()
                time.sleep(0.3)
                uow.marks.add("breach/c-1/answer", T0, "roads")

        def counter() -> None:
            locked.wait(5)
            with store.unit_of_work() as uow:
                uow.lock("window/roads/Центр")
                seen.append(uow.marks.count("breach/", T0, "roads"))
                uow.marks.add("breach/c-2/answer", T0, "roads")

        threads = [threading.Thread(target=holder), threading.Thread(target=counter)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        assert seen == [1]
        with store.unit_of_work() as uow:
            uow.lock("window/roads/Центр")
            uow.lock("window/roads/Центр")  # taken again in one unit of work: no deadlock
            assert uow.marks.count("breach/", T0, "roads") == 2

    # -- the outbox -----------------------------------------------------------------

    def test_enqueue_keeps_the_first_of_a_key(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            assert uow.outbox.enqueue([item("n-1"), item("n-2")]) == 2
        with store.unit_of_work() as uow:
            assert uow.outbox.enqueue([item("n-1"), item("n-3")]) == 1
            stored = uow.outbox.get("n-1")
        assert stored is not None
        assert stored.payload == item("n-1").payload
        assert stored.state is OutboxState.PENDING

    def test_claims_are_leased_oldest_first(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.outbox.enqueue([item(f"n-{n}", T0 + dt.timedelta(seconds=n)) for n in range(5)])
        lease = dt.timedelta(minutes=5)
        with store.unit_of_work() as uow:
            first = uow.outbox.claim(T0 + dt.timedelta(minutes=1), 3, lease)
        assert [i.key for i in first] == ["n-0", "n-1", "n-2"]
        with store.unit_of_work() as uow:
            second = uow.outbox.claim(T0 + dt.timedelta(minutes=1), 10, lease)
        assert [i.key for i in second] == ["n-3", "n-4"]
        with store.unit_of_work() as uow:  # the lease ran out: a crashed worker's items return
            again = uow.outbox.claim(T0 + dt.timedelta(minutes=7), 10, lease)
        assert [i.key for i in again] == [f"n-{n}" for n in range(5)]

    def test_settling_records_attempts_errors_and_retry_times(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            uow.outbox.enqueue([item("done"), item("retry"), item("failed")])
        lease = dt.timedelta(minutes=5)
        now = T0 + dt.timedelta(minutes=1)
        with store.unit_of_work() as uow:
            assert len(uow.outbox.claim(now, 10, lease)) == 3
            uow.outbox.settle("done", OutboxState.DONE)
            uow.outbox.settle(
                "retry", OutboxState.PENDING, error="503", retry_at=now + dt.timedelta(minutes=2)
            )
            uow.outbox.settle("failed", OutboxState.FAILED, error="access denied")
        with store.unit_of_work() as uow:
            done, retry, failed = (uow.outbox.get(k) for k in ("done", "retry", "failed"))
            assert done is not None
            assert retry is not None
            assert failed is not None
            assert (done.state, done.attempts) == (OutboxState.DONE, 1)
            assert (retry.state, retry.attempts, retry.last_error) == (
                OutboxState.PENDING,
                1,
                "503",
            )
            assert (failed.state, failed.last_error) == (OutboxState.FAILED, "access denied")
            assert uow.outbox.claim(now + dt.timedelta(minutes=1), 10, lease) == []
            later = uow.outbox.claim(now + dt.timedelta(minutes=2), 10, lease)
        assert [i.key for i in later] == ["retry"]

    def test_failed_items_are_found_by_filter_and_requeued(self, store: Store) -> None:
        later = T0 + dt.timedelta(hours=1)
        with store.unit_of_work() as uow:
            uow.outbox.enqueue(
                [item("n-1"), item("n-2", later), item("p-1", later, kind="publish"), item("ok")]
            )
            uow.outbox.claim(T0, 10, dt.timedelta(minutes=5))
            uow.outbox.settle("n-1", OutboxState.FAILED, error="SMTP 535 auth failed")
            uow.outbox.settle("n-2", OutboxState.FAILED, error="SMTP 535 auth failed")
            uow.outbox.settle("p-1", OutboxState.FAILED, error="VK error 14: Captcha")
            uow.outbox.settle("ok", OutboxState.DONE)
        with store.unit_of_work() as uow:

            def keys(**filters: Any) -> list[str]:
                return [i.key for i in uow.outbox.query(**filters)]

            assert keys(state=OutboxState.FAILED) == ["n-1", "n-2", "p-1"]
            assert keys(state=OutboxState.FAILED, kind="notify") == ["n-1", "n-2"]
            assert keys(state=OutboxState.FAILED, since=later) == ["n-2", "p-1"]
            assert keys(error="535") == ["n-1", "n-2"]
            assert keys(error="captcha") == []  # case-sensitive
            assert keys(case_id="c-1", limit=2) == ["n-1", "ok"]
            assert keys(case_id="c-9") == []
            assert keys(state=OutboxState.DONE) == ["ok"]
            assert uow.outbox.requeue("n-1", later)
            assert not uow.outbox.requeue("ok", later)  # not failed
            assert not uow.outbox.requeue("nope", later)
        with store.unit_of_work() as uow:
            again = uow.outbox.get("n-1")
            assert again is not None
            assert (again.state, again.attempts, again.last_error) == (
                OutboxState.PENDING,
                0,
                "SMTP 535 auth failed",
            )
            assert uow.outbox.claim(T0, 10, dt.timedelta(minutes=5)) == []  # not yet available
            assert [i.key for i in uow.outbox.claim(later, 10, dt.timedelta(minutes=5))] == ["n-1"]

    def test_only_the_holder_of_a_claim_renews_or_settles_it(self, store: Store) -> None:
        # issue 15: a worker whose lease lapsed mid-batch settled "done" over a newer claim
        lease = dt.timedelta(minutes=5)
        with store.unit_of_work() as uow:
            uow.outbox.enqueue([item("n-1")])
        with store.unit_of_work() as uow:
            (first,) = uow.outbox.claim(T0, 10, lease)
        assert first.claim
        with store.unit_of_work() as uow:  # renewed while delivering: not claimable meanwhile
            assert uow.outbox.renew("n-1", first.claim, T0 + dt.timedelta(minutes=10))
            assert uow.outbox.claim(T0 + dt.timedelta(minutes=6), 10, lease) == []
        with store.unit_of_work() as uow:  # the renewed lease lapses too: another worker claims
            (second,) = uow.outbox.claim(T0 + dt.timedelta(minutes=11), 10, lease)
        assert second.claim not in ("", first.claim)
        with store.unit_of_work() as uow:
            assert not uow.outbox.renew("n-1", first.claim, T0 + dt.timedelta(minutes=20))
            assert not uow.outbox.settle("n-1", OutboxState.DONE, claim=first.claim)
            kept = uow.outbox.get("n-1")
            assert kept is not None
            assert (kept.state, kept.attempts) == (OutboxState.PENDING, 0)
            assert uow.outbox.settle(
                "n-1", OutboxState.PENDING, error="503", retry_at=T0, claim=second.claim
            )
        with store.unit_of_work() as uow:
            settled = uow.outbox.get("n-1")
            assert settled is not None
            assert (settled.state, settled.attempts, settled.last_error) == (
                OutboxState.PENDING,
                1,
                "503",
            )
            assert not uow.outbox.renew("n-1", second.claim, T0 + dt.timedelta(hours=1))
            with pytest.raises(KeyError):
                uow.outbox.settle("nope", OutboxState.DONE, claim="x")

    def test_the_sent_log_notes_a_send_before_and_after(self, store: Store) -> None:
        with store.unit_of_work() as uow:
            assert uow.sent.get("c-1/draft-1") is None
            assert uow.sent.begin("c-1/draft-1", T0) is None
        with store.unit_of_work() as uow:  # a second worker: the send began, outcome unknown
            again = uow.sent.begin("c-1/draft-1", T0 + dt.timedelta(minutes=1))
            assert again is not None
            assert (again.sending, again.started_at) == (True, T0)
            uow.sent.finish("c-1/draft-1", "-100/7", "https://t.me/c/100/7", T0)
        with store.unit_of_work() as uow:
            done = uow.sent.get("c-1/draft-1")
            assert done is not None
            assert (done.sending, done.external_id, done.url) == (
                False,
                "-100/7",
                "https://t.me/c/100/7",
            )
            uow.sent.abandon("c-1/draft-1")  # finished: kept
            assert uow.sent.get("c-1/draft-1") == done
            assert uow.sent.begin("c-2/draft-1", T0) is None
            uow.sent.abandon("c-2/draft-1")  # never reached the network: forgotten
            assert uow.sent.get("c-2/draft-1") is None
            assert uow.sent.begin("c-2/draft-1", T0) is None
