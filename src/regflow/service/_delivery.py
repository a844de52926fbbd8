"""Delivering the outbox: the service's half that meets the notifiers and publishers.

:class:`Delivery` is the part of :class:`regflow.service.Service` that claims outbox
items, delivers them at least once with idempotency keys, renews their leases while
it does, pauses a channel whose credentials are refused, checks that a publication's
text is the approved one, and records what became of each publication in its case.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import attrs

from regflow.core.case import Case, replay
from regflow.core.codec import request_from_record
from regflow.core.commands import (
    Command,
    RecordPublication,
    RecordPublicationFailure,
)
from regflow.core.events import (
    Event,
    PublicationFailed,
    PublicationRequested,
    Published,
)
from regflow.core.organization import Organization
from regflow.core.reactions import (
    Effect,
    publication_recorded,
    text_digest,
    unrecorded,
)
from regflow.errors import (
    CommandRefused,
    CorruptCase,
    DeliveryError,
    PublishError,
    RegflowError,
    StorageError,
    TamperedHistory,
)
from regflow.ports.effects import (
    Clock,
    Notification,
    Notifier,
    Publication,
    Publisher,
)
from regflow.ports.store import OutboxItem, OutboxState, Store, UnitOfWork

if TYPE_CHECKING:
    from regflow.notices import Templates as _Templates
    from regflow.service import Municipality

__all__ = ["Delivery", "DispatchReport"]

log = logging.getLogger("regflow.service")
_RETRIES = 5
"""How often a publication is recorded again on a fresh case after a concurrent change."""


@attrs.frozen
class DispatchReport:
    """What one :meth:`Service.dispatch` did.

    ``paused`` counts the items held back because their channel's credentials were
    refused (SMTP 535, a webhook's 401 or 403): they stay pending, none is failed, and
    ``paused_channels`` names the channels (``"notify"``, ``"publish"``) an operator
    must see to.
    """

    delivered: int
    retried: int
    failed: int
    paused: int = 0
    paused_channels: tuple[str, ...] = ()


class Delivery:
    """The outbox half of :class:`~regflow.service.Service` (a mixin: the service's
    fields and its command side are declared here for the type checker only)."""

    if TYPE_CHECKING:
        store: Store
        municipalities: Mapping[str, Municipality]
        notifier: Notifier
        publisher: Publisher
        clock: Clock
        templates: _Templates
        batch: int
        lease: dt.timedelta
        backoff: dt.timedelta
        max_backoff: dt.timedelta
        max_attempts: int
        heartbeat: dt.timedelta
        credentials_pause: dt.timedelta

        def case(self, case_id: str) -> Case: ...

        def handle(
            self, command: Command, *, organization: str | None = None
        ) -> tuple[Event, ...]: ...

        def _items(
            self, org: Organization, case: Case, effects: Iterable[Effect]
        ) -> list[OutboxItem]: ...

    # -- the outbox ---------------------------------------------------------------

    def dispatch(self, now: dt.datetime | None = None) -> DispatchReport:
        """Deliver what the outbox holds: at least once, with idempotency keys.

        Transient failures are retried with exponential backoff; permanent
        ones are given up: a failed publication becomes an event of its case
        (and the curator is told of it). A channel whose credentials are
        refused is paused (its items stay pending; see :class:`DispatchReport`).
        Each item's lease is renewed while it is delivered and only the holder
        of its claim settles it; a publication whose text is not the approved
        draft's is not posted.
        """
        at = now or self.clock.now()
        delivered = retried = failed = held = 0
        paused: set[str] = set()
        while True:
            with self.store.unit_of_work() as uow:
                items = uow.outbox.claim(at, self.batch, self.lease)
            for item in items:
                if item.kind in paused:
                    # its channel's credentials were refused: not tried, and not failed; the
                    # lease lapses and a later round tries it again
                    held += 1
                    continue
                if not self._renew(item):
                    continue  # the batch outlived this item's lease: another worker has it
                try:
                    with self._holding(item):
                        outcome = self._deliver(item, at)
                except (CorruptCase, TamperedHistory, StorageError, ValueError) as error:
                    if isinstance(error, StorageError) and not isinstance(
                        error.__cause__, KeyError | TypeError | ValueError
                    ):
                        raise  # the database failed, not this item's case
                    outcome = self._unreadable(item, error)
                delivered += outcome == "done"
                retried += outcome == "retry"
                failed += outcome == "failed"
                if outcome == "paused":
                    held += 1
                    paused.add(item.kind)
            if len(items) < self.batch:
                break
        return DispatchReport(delivered, retried, failed, held, tuple(sorted(paused)))

    def _renew(self, item: OutboxItem) -> bool:
        """Extend ``item``'s lease from the clock's now, if this worker's claim still holds it."""
        if not item.claim:
            return True
        with self.store.unit_of_work() as uow:
            return uow.outbox.renew(item.key, item.claim, self.clock.now() + self.lease)

    @contextmanager
    def _holding(self, item: OutboxItem) -> Iterator[None]:
        """Keep renewing ``item``'s lease every :attr:`heartbeat` while it is delivered, so a
        slow network call does not let another worker claim it and send it again."""
        if not item.claim or self.heartbeat <= dt.timedelta(0):
            yield
            return
        stop = threading.Event()

        def beat() -> None:
            while not stop.wait(self.heartbeat.total_seconds()):
                try:
                    if not self._renew(item):
                        return
                except RegflowError as error:  # the next beat, or the lease, will tell
                    log.warning("%s: lease not renewed: %s", item.key, error)

        beating = threading.Thread(target=beat, name=f"lease {item.key}", daemon=True)
        beating.start()
        try:
            yield
        finally:
            stop.set()
            beating.join()

    def _settle(self, uow: UnitOfWork, item: OutboxItem, state: OutboxState, **fields: Any) -> None:
        """Settle ``item`` as the holder of its claim; a newer claim's attempt is left alone."""
        if not uow.outbox.settle(item.key, state, claim=item.claim or None, **fields):
            log.warning("%s: a newer claim holds it; this attempt is not settled", item.key)

    def _deliver(self, item: OutboxItem, at: dt.datetime) -> str:
        try:
            if item.kind == "publish":
                request = request_from_record(_object(item.payload["request"]))
                self._check_text(item, request.text)
                published = self.publisher.publish(request)
                refusal = self._record(
                    item,
                    RecordPublication,
                    external_id=published.external_id,
                    url=published.url,
                    at=at,
                )
                if refusal is not None:
                    return self._unrecorded(item, published, refusal, at)
            else:
                self.notifier.send(Notification.from_record(item.payload))
        except (DeliveryError, PublishError) as error:
            if error.credentials:
                return self._pause(item, error, at)
            permanent = not error.transient or item.attempts + 1 >= self.max_attempts
            if permanent:
                with self.store.unit_of_work() as uow:
                    self._settle(uow, item, OutboxState.FAILED, error=str(error))
                if item.kind == "publish":
                    refused = self._record(
                        item, RecordPublicationFailure, reason=str(error), permanent=True, at=at
                    )
                    if refused is not None:
                        log.error("the failure of %s was not recorded: %s", item.key, refused)
                log.error("gave up %s %s: %s", item.kind, item.key, error)
                return "failed"
            delay = self._delay(item.attempts, error.retry_after)
            with self.store.unit_of_work() as uow:
                self._settle(uow, item, OutboxState.PENDING, error=str(error), retry_at=at + delay)
            return "retry"
        with self.store.unit_of_work() as uow:
            self._settle(uow, item, OutboxState.DONE)
        return "done"

    def _unreadable(self, item: OutboxItem, error: Exception) -> str:
        """An item whose case (or whose own payload) cannot be read: failed with the reason
        and logged, and the round goes on (``regflow verify`` names the case)."""
        reason = f"case {item.case_id} cannot be read: {error}"
        with self.store.unit_of_work() as uow:
            self._settle(uow, item, OutboxState.FAILED, error=reason)
        log.error("gave up %s %s: %s", item.kind, item.key, reason, extra={"case_id": item.case_id})
        return "failed"

    def _pause(self, item: OutboxItem, error: DeliveryError | PublishError, at: dt.datetime) -> str:
        """The channel's credentials were refused: the item stays pending (tried again after
        :attr:`credentials_pause`), the operator is alerted, nothing is failed."""
        with self.store.unit_of_work() as uow:
            self._settle(
                uow,
                item,
                OutboxState.PENDING,
                error=str(error),
                retry_at=at + self.credentials_pause,
            )
        log.error(
            "the %s channel refused its credentials; its items are held until they are fixed "
            "(regflow outbox list): %s",
            item.kind,
            error,
            extra={"channel": item.kind, "code": error.code},
        )
        return "paused"

    def _check_text(self, item: OutboxItem, text: str) -> None:
        """The text to post is the text approved: the item's digest, its text and the
        history's approved draft agree, or nothing is posted (a permanent failure, so the
        curator is told). An item written before items carried a digest is checked
        against the history only."""
        assert item.case_id is not None
        approved = self._approved_text(self.case(item.case_id), item.key)
        digest = item.payload.get("text_sha256")
        if (
            approved is None
            or text != approved
            or (digest is not None and digest != text_digest(text))
        ):
            raise PublishError(
                f"{item.key}: текст в очереди не совпадает с согласованным проектом "
                "ответа; ответ не размещён",
                transient=False,
                code="text-changed",
            )

    def _approved_text(self, case: Case, key: str) -> str | None:
        """The text the history says the request ``key`` is to publish: the approved
        draft's public text as it stood when publication was requested."""
        for index, event in enumerate(case.events):
            if isinstance(event.data, PublicationRequested) and event.data.key == key:
                then = replay(case.events[: index + 1])
                if then.draft is None:
                    return None
                regulation = self.municipalities[case.organization].regulation(
                    case.regulation, case.detected_at.date()
                )
                return then.draft.public_text(regulation.effective.answer_form)
        return None

    def verify_publications(self, case_id: str) -> tuple[str, ...]:
        """Check a case's outbox publications against its history; the problems found.

        Each publication the history requested must be in the outbox with the text of
        the draft approved then (and its digest, where the item carries one); an item
        delivered must be recorded in the history (``published``).

        Raises:
            UnknownCase: no such case.
        """
        case = self.case(case_id)
        problems = []
        with self.store.unit_of_work() as uow:
            items = [
                (event.data.key, uow.outbox.get(event.data.key))
                for event in case.events
                if isinstance(event.data, PublicationRequested)
            ]
        for key, item in items:
            if item is None:
                problems.append(f"publication {key} was requested but is not in the outbox")
                continue
            request = _object(item.payload.get("request"))
            text = request.get("text")
            digest = item.payload.get("text_sha256")
            if text != self._approved_text(case, key):
                problems.append(f"publication {key}: its text is not the approved draft's")
            elif digest is not None and digest != text_digest(str(text)):
                problems.append(f"publication {key}: its text does not match its digest")
            if item.state is OutboxState.DONE and not publication_recorded(case, key, Published):
                problems.append(f"publication {key} was delivered but is not recorded")
        return tuple(problems)

    def _unrecorded(
        self, item: OutboxItem, published: Publication, refusal: CommandRefused, at: dt.datetime
    ) -> str:
        """A publication that went out but that its case refuses to record: the item is not
        done, it fails with what was posted where, and the curators are told, in one unit of
        work."""
        assert item.case_id is not None
        case = self.case(item.case_id)
        org = self.municipalities[case.organization].organization
        where = f"{published.external_id} {published.url}".strip()
        error = f"published as {where} but not recorded: {refusal}"
        with self.store.unit_of_work() as uow:
            self._settle(uow, item, OutboxState.FAILED, error=error)
            notices = unrecorded(org, case, item.key, where, str(refusal), at)
            uow.outbox.enqueue(self._items(org, case, notices))
        log.error("%s %s", item.key, error, extra={"case_id": item.case_id})
        return "failed"

    def _delay(self, attempts: int, retry_after: float | None) -> dt.timedelta:
        if retry_after is not None:
            return dt.timedelta(seconds=retry_after)
        return min(self.backoff * (1 << min(attempts, 30)), self.max_backoff)

    def _record(
        self, item: OutboxItem, kind: Any, *, at: dt.datetime, **fields: Any
    ) -> CommandRefused | None:
        """Tell the case what became of its publication; a repeat is harmless.

        What an adapter did is never refused for ordering: the record takes ``at`` or the
        case's last event's time, whichever is later, and is decided again on the fresh
        case when a command landed meanwhile. Returns the refusal that remains (the case
        no longer takes the record: closed, say), or ``None`` once recorded.
        """
        assert item.case_id is not None
        actor = str(item.payload["actor"])
        outcome: type[Published | PublicationFailed] = (
            Published if kind is RecordPublication else PublicationFailed
        )
        refusal: CommandRefused | None = None
        for _attempt in range(_RETRIES):
            case = self.case(item.case_id)
            if publication_recorded(case, item.key, outcome):
                return None
            when = max(at, case.events[-1].at)
            try:
                self.handle(kind(case_id=item.case_id, actor=actor, at=when, **fields))
            except CommandRefused as refused:
                refusal = refused
                if self.case(item.case_id).version == case.version:
                    return refusal  # refused by the case as it stands, not by a race
            else:
                return None
        return refusal


def _object(value: object) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"an outbox item's request is not an object: {value!r}")
    return value
