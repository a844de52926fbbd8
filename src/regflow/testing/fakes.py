"""Fakes for tests: a settable clock, recording notifier and publishers, a keyword screener."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable

import attrs

from regflow.errors import DeliveryError, PublishError
from regflow.ports.effects import Finding, Notification, Publication, PublicationRequest

__all__ = [
    "FixedClock",
    "FlakyPublisher",
    "KeywordScreener",
    "RecordingNotifier",
    "RecordingPublisher",
]


@attrs.define
class FixedClock:
    """A :class:`~regflow.ports.Clock` that says what it is told."""

    instant: dt.datetime

    def now(self) -> dt.datetime:
        """The instant set."""
        return self.instant

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move time on by ``delta``; returns the new instant."""
        self.instant = self.instant + delta
        return self.instant


@attrs.define
class RecordingNotifier:
    """A :class:`~regflow.ports.Notifier` that keeps what it was asked to send.

    ``fail_next`` transient failures come first, if set.
    """

    sent: list[Notification] = attrs.Factory(list)
    fail_next: int = 0

    def send(self, notification: Notification) -> None:
        """Record ``notification`` (or fail, while ``fail_next`` lasts)."""
        if self.fail_next > 0:
            self.fail_next -= 1
            raise DeliveryError("simulated outage", transient=True)
        self.sent.append(notification)

    def to(self, person: str) -> list[Notification]:
        """The notifications sent to ``person``."""
        return [n for n in self.sent if n.recipient == person]


@attrs.define
class RecordingPublisher:
    """A :class:`~regflow.ports.Publisher` that honours idempotency keys as VK's ``guid`` does:
    a repeated key returns the first publication instead of posting again.

    ``posts`` keeps every distinct publication, in order; ``calls`` every call.
    """

    posts: dict[str, Publication] = attrs.Factory(dict)
    calls: list[str] = attrs.Factory(list)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def publish(self, request: PublicationRequest) -> Publication:
        """Publish once per key."""
        with self._lock:
            self.calls.append(request.key)
            if request.key not in self.posts:
                number = len(self.posts) + 1
                self.posts[request.key] = Publication(
                    f"post-{number}", f"https://example.invalid/{request.platform.value}/{number}"
                )
            return self.posts[request.key]


@attrs.define
class FlakyPublisher:
    """A publisher that fails with the given errors first, then delegates."""

    inner: RecordingPublisher
    errors: list[PublishError]

    def publish(self, request: PublicationRequest) -> Publication:
        """Raise the next scripted error, or publish."""
        if self.errors:
            raise self.errors.pop(0)
        return self.inner.publish(request)


@attrs.define
class KeywordScreener:
    """A :class:`~regflow.ports.Screener` that flags listed words (a stand-in for the real one)."""

    words: dict[str, str] = attrs.Factory(dict)
    """Word (lower case) -> category."""

    def screen(self, text: str) -> tuple[Finding, ...]:
        """Each occurrence of a listed word, with its category."""
        lowered = text.lower()
        found = []
        for word, category in self.words.items():
            start = lowered.find(word)
            while start != -1:
                found.append(
                    Finding(category, start, start + len(word), text[start : start + len(word)])
                )
                start = lowered.find(word, start + 1)
        return tuple(sorted(found, key=lambda f: f.start))


def notifications_of(notifier: RecordingNotifier, kind: str) -> Iterable[Notification]:
    """The notifications of one kind (``warning``, ``breach``...)."""
    return (n for n in notifier.sent if n.kind == kind)
