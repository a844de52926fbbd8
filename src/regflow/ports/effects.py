"""The ports to the outside world: notifying people, publishing answers, screening, the clock.

Each is one narrow protocol. Our adapters declare the protocol they
implement; an integrator's need not inherit anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import attrs

from regflow.core.message import Attachment, Place
from regflow.rules.vocabulary import Platform

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
    """``warning``, ``breach``, ``escalation``, ``publication-failed``..."""


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
class PublicationRequest:
    """An approved answer to publish where the message appeared (п. 13).

    ``key`` is derived from the answer's id and never changes across retries;
    publishers pass it to the network as its idempotency key where the
    network has one (VK ``guid``, ``random_id``).
    """

    key: str
    case_id: str
    platform: Platform
    place: Place
    text: str
    attachments: tuple[Attachment, ...] = ()
    account: str | None = None


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
