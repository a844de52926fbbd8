"""The ports to the outside world: notifying people, publishing answers, screening, the clock.

Each is one narrow protocol. Our adapters declare the protocol they
implement; an integrator's need not inherit anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Protocol

import attrs

from regflow.core.reactions import PublicationRequest

__all__ = [
    "Clock",
    "Finding",
    "Notification",
    "Notifier",
    "Publication",
    "PublicationRequest",
    "Publisher",
    "Screener",
]


@attrs.frozen
class Notification:
    """A message to a person: a warning, a breach, an escalation, a failure to publish.

    ``key`` is stable across retries; a receiver can use it to drop repeats.
    """

    key: str
    recipient: str
    """The person's id in the organisation."""
    address: str
    """Where to send it: an e-mail address, a chat id, a webhook route."""
    subject: str
    text: str
    case_id: str | None = None
    kind: str = ""
    """The notice's kind (:class:`regflow.core.reactions.NoticeKind`'s values: ``warning``,
    ``breach``, ``escalation``, ``failed``...)."""

    def to_record(self) -> dict[str, object]:
        """A JSON object of the fields (what the outbox stores)."""
        return {
            "key": self.key,
            "recipient": self.recipient,
            "address": self.address,
            "subject": self.subject,
            "text": self.text,
            "case_id": self.case_id,
            "kind": self.kind,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Notification:
        """The notification :meth:`to_record` wrote.

        Raises:
            ValueError: a field is missing or of the wrong type.
        """
        try:
            case_id = record.get("case_id")
            return cls(
                key=_text(record, "key"),
                recipient=_text(record, "recipient"),
                address=_text(record, "address"),
                subject=_text(record, "subject"),
                text=_text(record, "text"),
                case_id=None if case_id is None else str(case_id),
                kind=str(record.get("kind", "")),
            )
        except KeyError as missing:
            raise ValueError(f"a notification record lacks {missing}") from None


def _text(record: Mapping[str, object], name: str) -> str:
    value = record[name]
    if not isinstance(value, str):
        raise ValueError(f"a notification record's {name!r} is not a string: {value!r}")
    return value


class Notifier(Protocol):
    """Delivers notifications to people."""

    def send(self, notification: Notification) -> None:
        """Deliver ``notification``.

        Raises:
            DeliveryError: ``transient`` errors are retried with backoff,
                others are given up and reported.
        """
        ...


@attrs.frozen
class Publication:
    """Where an answer was published."""

    external_id: str
    url: str = ""


class Publisher(Protocol):
    """Publishes answers in social networks."""

    def publish(self, request: PublicationRequest) -> Publication:
        """Publish ``request`` once, whatever the number of calls with its key.

        Raises:
            PublishError: ``transient`` errors (timeouts, rate limits, 5xx) are
                retried; others (comments closed, access denied) go back to the
                curator.
        """
        ...


@attrs.frozen
class Finding:
    """A passage a screener flags under an exclusion category (п. 18)."""

    category: str
    start: int
    end: int
    text: str


class Screener(Protocol):
    """Flags content that may exclude a message from processing; the curator decides."""

    def screen(self, text: str) -> tuple[Finding, ...]:
        """The flagged passages of ``text`` (empty if nothing)."""
        ...


class Clock(Protocol):
    """Where the service's time comes from."""

    def now(self) -> dt.datetime:
        """The current instant, aware."""
        ...
