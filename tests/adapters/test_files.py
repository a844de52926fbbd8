"""Effects that stay on the machine: printed notifications, JSON Lines notifications
and publications, and the fixed clock, on real files."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import attrs
import pytest

from regflow.adapters.clock import FixedClock
from regflow.adapters.files import JsonlNotifier, JsonlPublisher, PrintingNotifier
from regflow.core.message import Attachment, AttachmentKind, Place
from regflow.errors import DeliveryError, InvalidTarget, NaiveDatetime, PublishError
from regflow.ports.effects import PublicationRequest
from regflow.rules.vocabulary import Platform
from regflow.testing import ClockContract
from regflow.testing.notifier_contract import russian_notice

T0 = dt.datetime(2025, 11, 24, 9, 0, tzinfo=dt.UTC)


def request(key: str = "answer-1", **changes: object) -> PublicationRequest:
    made = PublicationRequest(
        key=key,
        case_id="c-42",
        platform=Platform.VK,
        place=Place(owner_id="-100000001", post_id="5", comment_id="7"),
        text="Яму заделают до пятницы.",
        attachments=(Attachment(AttachmentKind.PHOTO, "https://example.invalid/1.jpg"),),
    )
    return attrs.evolve(made, **changes)


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_printing_notifier_prints_one_line_each() -> None:
    out = io.StringIO()
    PrintingNotifier(out).send(russian_notice("petrova@city.example", kind="breach"))
    assert out.getvalue() == (
        f"notify [breach] petrova <petrova@city.example>: {russian_notice('x').subject}\n"
    )


def test_the_jsonl_notifier_appends_every_field_and_counts_by_kind(tmp_path: Path) -> None:
    path = tmp_path / "notifications.jsonl"
    notifier = JsonlNotifier(path)
    first = russian_notice("petrova@city.example", kind="breach")
    notifier.send(first)
    notifier.send(first)  # a repeat is appended again, as a redelivery would be
    notifier.send(attrs.evolve(first, key="w-1", kind="warning", case_id=None))
    written = lines(path)
    assert written[0] == attrs.asdict(first)
    assert written[0]["text"] == first.text  # Russian, line breaks and all
    assert [w["key"] for w in written] == [first.key, first.key, "w-1"]
    assert notifier.counts == {"breach": 2, "warning": 1}
    JsonlNotifier(path).send(first)  # another process appends to the same file
    assert len(lines(path)) == 4


def test_a_file_that_cannot_be_written_is_a_transient_delivery_error(tmp_path: Path) -> None:
    notifier = JsonlNotifier(tmp_path / "missing-directory" / "n.jsonl")
    with pytest.raises(DeliveryError, match="cannot append") as caught:
        notifier.send(russian_notice("petrova@city.example"))
    assert caught.value.transient
    assert notifier.counts == {}


def test_the_jsonl_publisher_posts_a_key_once_even_after_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "publications.jsonl"
    publisher = JsonlPublisher(path)
    first = publisher.publish(request())
    assert publisher.publish(request()) == first
    second = publisher.publish(request("answer-2", text="Повторный ответ"))
    assert (first.external_id, first.url) == ("jsonl-1", "publications.jsonl#1")
    assert second.external_id == "jsonl-2"
    assert publisher.published == 2
    [one, two] = lines(path)
    assert one == {
        "key": "answer-1",
        "case_id": "c-42",
        "platform": "vk",
        "place": {
            "owner_id": "-100000001",
            "post_id": "5",
            "comment_id": "7",
            "topic_id": None,
            "chat_id": None,
            "message_id": None,
        },
        "account": None,
        "text": "Яму заделают до пятницы.",
        "attachments": [{"kind": "photo", "url": "https://example.invalid/1.jpg"}],
    }
    assert two["text"] == "Повторный ответ"

    again = JsonlPublisher(path)  # a restarted process
    assert again.publish(request()) == first
    assert again.publish(request("answer-3")).external_id == "jsonl-3"
    assert len(lines(path)) == 3


def test_a_publications_file_of_something_else_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "publications.jsonl"
    path.write_text('{"key": "answer-1"}\nnot json\n', encoding="utf-8")
    with pytest.raises(InvalidTarget, match="line 2 is not a publication"):
        JsonlPublisher(path)


def test_a_publication_that_cannot_be_written_is_transient(tmp_path: Path) -> None:
    publisher = JsonlPublisher(tmp_path / "missing-directory" / "p.jsonl")
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert caught.value.transient
    assert publisher.published == 0


class TestFixedClock(ClockContract):
    @pytest.fixture
    def clock(self) -> FixedClock:
        return FixedClock(T0)


def test_the_fixed_clock_is_set_and_advanced() -> None:
    clock = FixedClock(T0)
    assert clock.advance(dt.timedelta(minutes=10)) == T0 + dt.timedelta(minutes=10)
    clock.instant = T0 + dt.timedelta(days=1)
    assert clock.now() == T0 + dt.timedelta(days=1)


def test_the_fixed_clock_refuses_a_naive_instant() -> None:
    with pytest.raises(NaiveDatetime, match="instant=2025-11-24T09:00:00 has no time zone"):
        FixedClock(dt.datetime(2025, 11, 24, 9, 0))
    clock = FixedClock(T0)
    with pytest.raises(NaiveDatetime):
        clock.instant = dt.datetime(2025, 11, 24, 9, 0)
    assert clock.now() == T0
