"""The contract every :class:`~regflow.ports.Notifier` must meet, as a pytest suite.

Subclass :class:`NotifierContract` and give it a ``receiver`` fixture (a
local stand-in for the far end, a :class:`Receiver`) and a ``notifier``
fixture (the adapter under test, pointed at that receiver)::

    class TestMyNotifier(NotifierContract):
        @pytest.fixture
        def receiver(self):
            with MyTestServer() as server:
                yield server

        @pytest.fixture
        def notifier(self, receiver):
            return MyNotifier(receiver.url)

Override ``received`` instead if your receiver reports what it got some
other way, and ``address`` if your notifier takes another kind of address
than an e-mail address. The SMTP and webhook notifiers pass this suite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

import attrs
import pytest

from regflow.errors import DeliveryError
from regflow.ports.effects import Notification, Notifier

__all__ = ["NotifierContract", "Receiver"]

Received = Callable[[], list[dict[str, object]]]


class Receiver(Protocol):
    """The far end a notifier delivers to in the contract's tests."""

    def received(self) -> list[dict[str, object]]:
        """What arrived, in order: a dict per message with at least ``key``, ``subject``, ``text``.

        ``text`` may come with CRLF line breaks and a final line break added
        (e-mail does both); the contract ignores those.
        """
        ...

    def fail_next(self, transient: bool) -> None:
        """Refuse the next message: as a passing outage (``transient``) or for good."""
        ...


def russian_notice(address: str, **changes: object) -> Notification:
    """A breach notice in Russian: a long subject that must be folded, several lines, emoji."""
    notice = Notification(
        key="escalation/repeated/city/roads/Северный район/20143/petrova",
        recipient="petrova",
        address=address,
        subject=(
            "Нарушен срок ответа (п. 9): «Не вывозят мусор третий день» — "
            "ул. Ленина, 5, Северный район; ответственный — Иванов И. И."
        ),
        text=(
            "Уважаемая Анна Сергеевна!\n"
            "\n"
            "Срок ответа на сообщение истёк 24.11.2025 в 14:30 (п. 9 регламента).\n"
            "Ответственный: Иванов И. И. — отдел благоустройства, № 17.\n"
            "\n"
            "Это автоматическое уведомление 🙂"
        ),
        case_id="c-2025-000123",
        kind="breach",
    )
    return attrs.evolve(notice, **changes)  # type: ignore[arg-type]


def _as_read(text: object) -> str:
    return str(text).replace("\r\n", "\n").rstrip("\n")


class NotifierContract:
    """The notifier contract. Subclasses provide the ``receiver`` and ``notifier`` fixtures."""

    @pytest.fixture
    def receiver(self) -> Iterator[Receiver]:
        """A fresh receiver that has got nothing yet (subclasses override)."""
        raise NotImplementedError("give the contract a `receiver` fixture")

    @pytest.fixture
    def notifier(self, receiver: Receiver) -> Iterator[Notifier]:
        """The notifier under test, delivering to ``receiver`` (subclasses override)."""
        raise NotImplementedError("give the contract a `notifier` fixture")

    @pytest.fixture
    def received(self, receiver: Receiver) -> Received:
        """What the receiver got so far, as :meth:`Receiver.received` gives it."""
        return receiver.received

    @pytest.fixture
    def address(self) -> str:
        """The address the test notifications go to."""
        return "petrova@city.example"

    def test_a_russian_notification_arrives_intact(
        self, notifier: Notifier, received: Received, address: str
    ) -> None:
        sent = russian_notice(address)
        notifier.send(sent)
        [got] = received()
        assert got["key"] == sent.key
        assert got["subject"] == sent.subject
        assert _as_read(got["text"]) == sent.text

    def test_a_transient_failure_is_retried_with_the_same_key(
        self, notifier: Notifier, receiver: Receiver, received: Received, address: str
    ) -> None:
        sent = russian_notice(address)
        receiver.fail_next(transient=True)
        with pytest.raises(DeliveryError) as caught:
            notifier.send(sent)
        assert caught.value.transient
        assert received() == []
        notifier.send(sent)
        assert [(m["key"], m["subject"]) for m in received()] == [(sent.key, sent.subject)]

    def test_a_permanent_failure_is_not_transient(
        self, notifier: Notifier, receiver: Receiver, received: Received, address: str
    ) -> None:
        receiver.fail_next(transient=False)
        with pytest.raises(DeliveryError) as caught:
            notifier.send(russian_notice(address))
        assert not caught.value.transient
        assert received() == []

    def test_the_key_travels_with_the_message(
        self, notifier: Notifier, received: Received, address: str
    ) -> None:
        first = russian_notice(address, key="warning/c-1/answer/-/1732413600/petrova")
        second = russian_notice(address, key="breach/c-1/answer/-/1732413600/petrova")
        for notification in (first, second, first):  # at least once: a repeat keeps its key
            notifier.send(notification)
        assert [m["key"] for m in received()] == [first.key, second.key, first.key]

    def test_a_bare_notification_is_delivered(
        self, notifier: Notifier, received: Received, address: str
    ) -> None:
        bare = Notification(key="k-1", recipient="ivanov", address=address, subject="Тест", text="")
        notifier.send(bare)
        [got] = received()
        assert (got["key"], got["subject"], _as_read(got["text"])) == ("k-1", "Тест", "")
