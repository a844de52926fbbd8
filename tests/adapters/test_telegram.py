"""The Telegram publisher against a simulated Bot API (an httpx MockTransport); no network."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from regflow.adapters.sqlite import SQLiteStore
from regflow.adapters.telegram import (
    TEXT_LIMIT,
    JsonlSentLog,
    MemorySentLog,
    StoreSentLog,
    TelegramPublisher,
)
from regflow.core.message import Attachment, AttachmentKind, Place
from regflow.errors import PublishError
from regflow.ports.effects import Publication, PublicationRequest
from regflow.rules.vocabulary import Platform
from regflow.testing import FixedClock
from regflow.testing.publisher_contract import FailureKind, PublisherContract

TOKEN = "123456:secret-bot-token"
T0 = dt.datetime(2025, 11, 24, 10, 0, tzinfo=dt.UTC)
CHAT = -1001234567890


class FakeTelegram:
    """A small Bot API: ``sendMessage`` only, with scripted failures.

    ``script`` holds what the next calls do instead of succeeding: an HTTP
    error status (429 comes with ``retry_after``), ``"timeout"`` (nothing
    sent) or ``"lost"`` (sent, but the answer never arrives).
    """

    def __init__(self, username: str | None = None) -> None:
        self.sent: list[dict[str, object]] = []
        self.script: list[int | str] = []
        self.username = username
        self.transport = httpx.MockTransport(self.handle)

    @property
    def posted(self) -> list[str]:
        return [str(message["text"]) for message in self.sent]

    def fail_next(self, kind: FailureKind) -> None:
        self.script.append(429 if kind == "transient" else 403)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=self.transport)

    def handle(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == f"/bot{TOKEN}/sendMessage"
        assert request.headers["content-type"] == "application/json"
        payload = json.loads(request.content)
        step = self.script.pop(0) if self.script else None
        if step == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if step == "connect":
            raise httpx.ConnectError("connection refused", request=request)
        if isinstance(step, int):
            return self._error(step)
        self.sent.append(payload)
        if step == "lost":
            raise httpx.ReadTimeout("timed out", request=request)
        if step == "acted-502":  # a proxy's 502 after Telegram posted
            return httpx.Response(502, text="<html>Bad Gateway</html>")
        if step == "garbled":  # a 200 whose body was cut
            return httpx.Response(200, text='{"ok": true, "result": {"mess')
        if step == "closed":  # the connection dropped before the reply
            raise httpx.RemoteProtocolError("peer closed connection", request=request)
        chat: dict[str, object] = {"id": payload["chat_id"], "type": "supergroup"}
        if self.username:
            chat["username"] = self.username
        return httpx.Response(
            200,
            json={
                "ok": True,
                "result": {
                    "message_id": 700 + len(self.sent),
                    "date": 1764000000,
                    "chat": chat,
                    "text": payload["text"],
                },
            },
        )

    def _error(self, status: int) -> httpx.Response:
        if status >= 500:
            return httpx.Response(status, text="<html>Bad Gateway</html>")
        body: dict[str, object] = {"ok": False, "error_code": status}
        body["description"] = {
            400: "Bad Request: chat not found",
            403: "Forbidden: bot was kicked from the supergroup chat",
            429: "Too Many Requests: retry after 7",
        }[status]
        if status == 429:
            body["parameters"] = {"retry_after": 7}
        return httpx.Response(status, json=body)


def place(**changes: str) -> Place:
    return Place(**{"chat_id": str(CHAT), "message_id": "42", **changes})


def request(key: str = "answer-1", **changes: object) -> PublicationRequest:
    fields: dict[str, object] = {
        "key": key,
        "case_id": "c-1",
        "platform": Platform.TELEGRAM,
        "place": place(),
        "text": "Здравствуйте! Яму заделают до пятницы.",
        **changes,
    }
    return PublicationRequest(**fields)  # type: ignore[arg-type]


@pytest.fixture
def telegram() -> FakeTelegram:
    return FakeTelegram()


@pytest.fixture
def publisher(telegram: FakeTelegram) -> TelegramPublisher:
    return TelegramPublisher(TOKEN, client=telegram.client())


class TestTelegramContract(PublisherContract):
    @pytest.fixture
    def network(self) -> FakeTelegram:
        return FakeTelegram()

    @pytest.fixture
    def publisher(self, network: FakeTelegram) -> TelegramPublisher:
        return TelegramPublisher(TOKEN, client=network.client())

    @pytest.fixture
    def platform(self) -> Platform:
        return Platform.TELEGRAM

    @pytest.fixture
    def place(self) -> Place:
        return place()


class TestTelegramContractWithAStoreLog(TestTelegramContract):
    @pytest.fixture
    def publisher(self, network: FakeTelegram, tmp_path: Path) -> Iterator[TelegramPublisher]:
        store = SQLiteStore(tmp_path / "store.sqlite3")
        log = StoreSentLog(store, FixedClock(T0))
        yield TelegramPublisher(TOKEN, client=network.client(), sent_log=log)
        store.close()


class TestTelegramContractWithAFileLog(TestTelegramContract):
    @pytest.fixture
    def publisher(self, network: FakeTelegram, tmp_path: Path) -> TelegramPublisher:
        log = JsonlSentLog(tmp_path / "sent.jsonl")
        return TelegramPublisher(TOKEN, client=network.client(), sent_log=log)


# -- what is sent ---------------------------------------------------------------------------


def test_the_answer_is_a_plain_reply_that_survives_a_deleted_original(
    telegram: FakeTelegram, publisher: TelegramPublisher
) -> None:
    published = publisher.publish(request())
    assert telegram.sent == [
        {
            "chat_id": CHAT,
            "text": "Здравствуйте! Яму заделают до пятницы.",
            "reply_parameters": {"message_id": 42, "allow_sending_without_reply": True},
        }
    ]
    assert published == Publication(f"{CHAT}/701", "https://t.me/c/1234567890/701")


def test_a_public_chat_gets_its_public_link(telegram: FakeTelegram) -> None:
    telegram.username = "gorod_news"
    publisher = TelegramPublisher(TOKEN, client=telegram.client())
    published = publisher.publish(request(place=Place(chat_id="@gorod_news")))
    assert telegram.sent[0] == {"chat_id": "@gorod_news", "text": request().text}
    assert published.url == "https://t.me/gorod_news/701"


def test_a_forum_topic_is_answered_in_its_thread(
    telegram: FakeTelegram, publisher: TelegramPublisher
) -> None:
    publisher.publish(request(place=place(topic_id="12")))
    assert telegram.sent[0]["message_thread_id"] == 12


def test_a_repeat_returns_the_recorded_publication_without_sending(
    telegram: FakeTelegram, publisher: TelegramPublisher
) -> None:
    first = publisher.publish(request())
    assert publisher.publish(request()) == first
    assert publisher.publish(request("answer-2")) != first
    assert len(telegram.sent) == 2


# -- the length limit ---------------------------------------------------------------------


def test_a_text_of_4096_characters_is_sent_whole(
    telegram: FakeTelegram, publisher: TelegramPublisher
) -> None:
    text = "ж" * TEXT_LIMIT
    publisher.publish(request(text=text))
    assert telegram.posted == [text]


@pytest.mark.parametrize(
    "text",
    ["ж" * 4097, "ж" * 4095 + "🙂", "", " \n "],
    ids=["4097", "4095+emoji", "empty", "blank"],
)
def test_a_text_telegram_would_refuse_or_cut_is_refused_unsent(
    telegram: FakeTelegram, publisher: TelegramPublisher, text: str
) -> None:
    with pytest.raises(PublishError) as caught:
        publisher.publish(request(text=text))
    assert (caught.value.transient, caught.value.code) == (False, "text-length")
    assert telegram.sent == []


# -- failures -----------------------------------------------------------------------------


def test_flood_control_is_transient_with_telegrams_retry_after(
    telegram: FakeTelegram, publisher: TelegramPublisher
) -> None:
    telegram.script = [429]
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert (caught.value.transient, caught.value.retry_after, caught.value.code) == (
        True,
        7.0,
        "429",
    )
    publisher.publish(request())
    assert len(telegram.sent) == 1


@pytest.mark.parametrize("step", [500, 502, "timeout"])
def test_server_errors_and_timeouts_are_transient(
    telegram: FakeTelegram, publisher: TelegramPublisher, step: int | str
) -> None:
    telegram.script = [step]
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert caught.value.transient
    assert caught.value.retry_after is None
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize("status", [400, 403])
def test_refusals_are_permanent(
    telegram: FakeTelegram, publisher: TelegramPublisher, status: int
) -> None:
    telegram.script = [status]
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert (caught.value.transient, caught.value.code) == (False, str(status))
    assert "Bad Request" in str(caught.value) or "Forbidden" in str(caught.value)


@pytest.mark.parametrize("step", ["lost", "acted-502", "garbled", "closed"])
def test_a_send_whose_outcome_is_unknown_is_not_sent_again_but_handed_to_a_person(
    telegram: FakeTelegram, tmp_path: Path, step: str
) -> None:
    # issue 15: the answer was posted twice when Telegram acted and its reply was lost;
    # the Bot API cannot read the chat to check, so the retry goes to the curator
    store = SQLiteStore(tmp_path / "store.sqlite3")
    log = StoreSentLog(store, FixedClock(T0))
    first = TelegramPublisher(TOKEN, client=telegram.client(), sent_log=log)
    telegram.script = [step]
    with pytest.raises(PublishError) as caught:
        first.publish(request())
    assert caught.value.transient
    # another worker retries after the lease ran out
    second = TelegramPublisher(
        TOKEN, client=telegram.client(), sent_log=StoreSentLog(store, FixedClock(T0))
    )
    with pytest.raises(PublishError) as refused:
        second.publish(request())
    assert (refused.value.transient, refused.value.code) == (False, "unknown-outcome")
    assert "Проверьте чат" in str(refused.value)
    assert len(telegram.sent) == 1
    store.close()


@pytest.mark.parametrize("step", [429, 400, "connect"])
def test_a_send_telegram_certainly_refused_is_sent_again(
    telegram: FakeTelegram, tmp_path: Path, step: int | str
) -> None:
    store = SQLiteStore(tmp_path / "store.sqlite3")
    publisher = TelegramPublisher(
        TOKEN, client=telegram.client(), sent_log=StoreSentLog(store, FixedClock(T0))
    )
    telegram.script = [step]
    with pytest.raises(PublishError):
        publisher.publish(request())
    published = publisher.publish(request())
    assert len(telegram.sent) == 1
    assert publisher.publish(request()) == published  # recorded: not sent a third time
    assert len(telegram.sent) == 1
    store.close()


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"place": Place(owner_id="-1", post_id="2")}, "place"),
        ({"place": place(message_id="not-a-number")}, "place"),
        (
            {"attachments": (Attachment(AttachmentKind.PHOTO, "https://x.test/a.jpg"),)},
            "attachment",
        ),
    ],
    ids=["no-chat", "bad-id", "attachment"],
)
def test_what_cannot_be_sent_is_refused_not_dropped(
    telegram: FakeTelegram,
    publisher: TelegramPublisher,
    changes: dict[str, Any],  # Any: request() fields of several types
    code: str,
) -> None:
    with pytest.raises(PublishError) as caught:
        publisher.publish(request(**changes))
    assert (caught.value.transient, caught.value.code) == (False, code)
    assert telegram.sent == []


# -- the sent log ---------------------------------------------------------------------------


def test_a_restarted_worker_finds_what_the_last_one_sent(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    path = tmp_path / "sent.jsonl"
    before = TelegramPublisher(TOKEN, client=telegram.client(), sent_log=JsonlSentLog(path))
    published = before.publish(request())
    # the worker dies before the outbox hears of it; the lease runs out; another worker retries
    after = TelegramPublisher(TOKEN, client=telegram.client(), sent_log=JsonlSentLog(path))
    assert after.publish(request()) == published
    assert len(telegram.sent) == 1


def test_the_file_log_syncs_each_record_before_it_returns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sent.jsonl"
    on_disk_at_fsync: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISREG(os.fstat(fd).st_mode):  # the file's own fsync, not its directory's
            on_disk_at_fsync.append(path.read_text(encoding="utf-8"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    log = JsonlSentLog(path)
    log.put("ключ-1", Publication(f"{CHAT}/1", "https://t.me/c/1/1"))
    log.put("ключ-2", Publication(f"{CHAT}/2"))
    assert [text.count("\n") for text in on_disk_at_fsync] == [1, 2]
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        {"key": "ключ-1", "external_id": f"{CHAT}/1", "url": "https://t.me/c/1/1"},
        {"key": "ключ-2", "external_id": f"{CHAT}/2", "url": ""},
    ]


def test_the_file_log_sees_what_another_process_appended(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    mine, theirs = JsonlSentLog(path), JsonlSentLog(path)
    assert mine.get("a") is None
    theirs.put("a", Publication("1/1"))
    assert mine.get("a") == Publication("1/1")


def test_the_file_log_skips_a_line_torn_by_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    JsonlSentLog(path).put("a", Publication("1/1"))
    with path.open("ab") as file:
        file.write(b'{"key": "b", "exter')  # the process died here
    assert JsonlSentLog(path).get("b") is None
    log = JsonlSentLog(path)
    log.put("c", Publication("1/3"))
    again = JsonlSentLog(path)
    assert (again.get("a"), again.get("b"), again.get("c")) == (
        Publication("1/1"),
        None,
        Publication("1/3"),
    )


def test_the_first_record_of_a_key_wins(tmp_path: Path) -> None:
    for log in (MemorySentLog(), JsonlSentLog(tmp_path / "sent.jsonl")):
        log.put("a", Publication("1/1"))
        log.put("a", Publication("1/2"))
        assert log.get("a") == Publication("1/1")


def test_an_unreadable_log_is_transient_and_sends_nothing(
    telegram: FakeTelegram, tmp_path: Path
) -> None:
    publisher = TelegramPublisher(
        TOKEN,
        client=telegram.client(),
        sent_log=JsonlSentLog(tmp_path),  # a directory
    )
    with pytest.raises(PublishError) as caught:
        publisher.publish(request())
    assert (caught.value.transient, caught.value.code) == (True, "sent-log")
    assert telegram.sent == []


def test_an_unwritable_log_does_not_turn_a_sent_answer_into_a_failure(
    telegram: FakeTelegram, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken(MemorySentLog):
        def put(self, key: str, publication: Publication) -> None:
            raise OSError("disk full")

    publisher = TelegramPublisher(TOKEN, client=telegram.client(), sent_log=Broken())
    assert publisher.publish(request()).external_id == f"{CHAT}/701"
    assert "could not record" in caplog.text
