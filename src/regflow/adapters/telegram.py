"""Publishing answers in Telegram through a bot, and the log that keeps it to once.

Facts relied on, from the Telegram Bot API (core.telegram.org/bots/api):

- ``sendMessage`` takes ``chat_id``, ``text`` ("1-4096 characters after
  entities parsing"), ``message_thread_id`` (a forum topic) and
  ``reply_parameters``; on success it returns the sent Message
  (#sendmessage).
- ``ReplyParameters.message_id`` is the message replied to;
  ``allow_sending_without_reply`` sends the message even if that one is
  gone (#replyparameters).
- A failed request answers ``ok: false`` with ``error_code`` and
  ``description``; with flood control exceeded (429),
  ``parameters.retry_after`` is "the number of seconds left to wait before
  the request can be repeated" (#making-requests, #responseparameters).

The Bot API has no idempotency key, and it has no method that reads a chat's
earlier messages (its methods receive new updates only: ``getUpdates`` and
webhooks, #getting-updates; reading history is ``messages.getHistory`` of the
MTProto API, for user accounts, not bots), so a check of the chat before a
retry is impossible. :class:`TelegramPublisher` therefore writes to a
:class:`SentLog` before it sends (``begin``) and after (``put``); a retry
returns what was recorded, and a send that began but whose outcome is unknown
(a closed connection, a slow or garbled 200, a 502 after Telegram acted, a
worker that stopped) is never sent again by itself: it fails permanently and
the curator checks the chat and, if the answer is not there, requests
publication again (a new attempt with a key of its own). A send Telegram
certainly did not carry out (no connection made; a 4xx or 429 answer) is
forgotten (``abandon``) and retried. Give it a :class:`StoreSentLog` so that
every worker of a store shares the log.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

import httpx

from regflow.errors import PublishError
from regflow.ports.effects import Clock, Publication, PublicationRequest
from regflow.ports.store import Store
from regflow.rules.vocabulary import Platform

__all__ = [
    "TEXT_LIMIT",
    "JsonlSentLog",
    "MemorySentLog",
    "SentLog",
    "StoreSentLog",
    "TelegramPublisher",
]

log = logging.getLogger(__name__)

TEXT_LIMIT: Final = 4096
"""The longest ``sendMessage`` text.

Telegram does not say how it counts these characters; it measures entity
offsets in UTF-16 code units (#messageentity), so we count those. A character
outside the BMP (most emoji) counts twice: a text Telegram would take may be
refused, one it would refuse or cut is never sent."""


class SentLog(Protocol):
    """What a publisher has sent, by publication key, noted before and after each send."""

    def get(self, key: str) -> Publication | None:
        """The publication recorded for ``key``, if any."""
        ...

    def begin(self, key: str) -> bool:
        """Note that a send of ``key`` begins; ``False`` if one began before and was neither
        recorded nor abandoned (its outcome is unknown). Durable when it returns."""
        ...

    def put(self, key: str, publication: Publication) -> None:
        """Record that ``key`` was published as ``publication``; durable when it returns."""
        ...

    def abandon(self, key: str) -> None:
        """Forget the unfinished send of ``key``: it certainly did not reach Telegram."""
        ...


class MemorySentLog:
    """A :class:`SentLog` in memory: repeats within one process are caught, not across restarts."""

    def __init__(self) -> None:
        self._sent: dict[str, Publication] = {}
        self._sending: set[str] = set()
        self._lock = threading.Lock()

    def get(self, key: str) -> Publication | None:
        """The publication recorded for ``key``, if any."""
        with self._lock:
            return self._sent.get(key)

    def begin(self, key: str) -> bool:
        """Note the send; ``False`` if one of ``key`` is unfinished."""
        with self._lock:
            if key in self._sending:
                return False
            self._sending.add(key)
            return True

    def put(self, key: str, publication: Publication) -> None:
        """Record ``publication``; the first record of a key stays."""
        with self._lock:
            self._sent.setdefault(key, publication)
            self._sending.discard(key)

    def abandon(self, key: str) -> None:
        """Forget the unfinished send of ``key``."""
        with self._lock:
            self._sending.discard(key)


class StoreSentLog:
    """A :class:`SentLog` in the store's sent log (:class:`~regflow.ports.SentLog`): shared
    by every worker of the store, each note in a unit of work of its own.

    Args:
        store: the store the service uses.
        clock: when each send began.
    """

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def get(self, key: str) -> Publication | None:
        """The publication recorded for ``key``, if a send of it finished."""
        with self._store.unit_of_work() as uow:
            record = uow.sent.get(key)
        if record is None or record.sending:
            return None
        return Publication(record.external_id, record.url)

    def begin(self, key: str) -> bool:
        """Note the send in the store; ``False`` if one of ``key`` began before."""
        with self._store.unit_of_work() as uow:
            return uow.sent.begin(key, self._clock.now()) is None

    def put(self, key: str, publication: Publication) -> None:
        """Record ``publication`` in the store."""
        with self._store.unit_of_work() as uow:
            uow.sent.finish(key, publication.external_id, publication.url, self._clock.now())

    def abandon(self, key: str) -> None:
        """Forget the unfinished send of ``key`` in the store."""
        with self._store.unit_of_work() as uow:
            uow.sent.abandon(key)


class JsonlSentLog:
    """A :class:`SentLog` in a JSON-lines file, one ``{"key", "external_id", "url"}`` a line.

    :meth:`put` appends and fsyncs before it returns. Several processes may
    share the file: :meth:`get` reads what others appended since. A line torn
    by a crash is skipped. The first record of a key wins.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._known: dict[str, Publication] = {}
        self._sending: set[str] = set()
        self._offset = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> Publication | None:
        """The publication recorded for ``key``, if any.

        Raises:
            OSError: the file cannot be read.
        """
        with self._lock:
            if key not in self._known:
                self._catch_up()
            return self._known.get(key)

    def begin(self, key: str) -> bool:
        """Append ``{"key", "sending": true}``; ``False`` if a send of ``key`` is unfinished.

        Raises:
            OSError: the file cannot be read or written.
        """
        with self._lock:
            self._catch_up()
            if key in self._sending:
                return False
            self._sending.add(key)
        self._append({"key": key, "sending": True})
        return True

    def abandon(self, key: str) -> None:
        """Append ``{"key", "abandoned": true}``.

        Raises:
            OSError: the file cannot be written.
        """
        with self._lock:
            self._sending.discard(key)
        self._append({"key": key, "abandoned": True})

    def put(self, key: str, publication: Publication) -> None:
        """Append the record and fsync it.

        Raises:
            OSError: the file cannot be written.
        """
        self._append({"key": key, "external_id": publication.external_id, "url": publication.url})
        with self._lock:
            self._known.setdefault(key, publication)
            self._sending.discard(key)

    def _append(self, record: dict[str, object]) -> None:
        line = json.dumps(record, ensure_ascii=False)
        with self._lock:
            created = not self.path.exists()
            with self.path.open("ab") as file:
                if file.tell() > 0 and not self._ends_with_newline():
                    file.write(b"\n")  # close a line torn by a crash, so ours stands alone
                file.write(line.encode() + b"\n")
                file.flush()
                os.fsync(file.fileno())
            if created:
                _fsync_directory(self.path.parent)

    def _ends_with_newline(self) -> bool:
        with self.path.open("rb") as file:
            file.seek(-1, os.SEEK_END)
            return file.read(1) == b"\n"

    def _catch_up(self) -> None:
        try:
            with self.path.open("rb") as file:
                file.seek(self._offset)
                chunk = file.read()
        except FileNotFoundError:
            return
        complete, newline, _unfinished = chunk.rpartition(b"\n")
        if not newline:
            return  # nothing but a line still being written
        self._offset += len(complete) + 1
        for raw in complete.split(b"\n"):
            record = _record(raw)
            if record is None:
                continue
            key, publication = record
            if publication is True:
                self._sending.add(key)
            elif publication is False:
                self._sending.discard(key)
            else:
                self._known.setdefault(key, publication)
                self._sending.discard(key)


def _record(raw: bytes) -> tuple[str, Publication | bool] | None:
    """A line: a send begun (``True``), abandoned (``False``) or recorded (its publication)."""
    try:
        data = json.loads(raw)
        if data.get("sending") is True:
            return data["key"], True
        if data.get("abandoned") is True:
            return data["key"], False
        return data["key"], Publication(data["external_id"], data.get("url", ""))
    except (ValueError, KeyError, TypeError, AttributeError):
        if raw.strip():
            log.warning("skipping a torn or foreign line in the sent log: %r", raw[:80])
        return None


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not possible everywhere (Windows); the file's own fsync still holds
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class TelegramPublisher:
    """A :class:`~regflow.ports.Publisher` that answers in Telegram through a bot.

    It sends ``request.text`` as plain text (no ``parse_mode``, so ``*``,
    ``_`` and ``<`` arrive as written) to the place's ``chat_id``, replying
    to its ``message_id`` (sent even if that message was deleted), in the
    forum topic ``topic_id`` if set. Attachments are refused, not dropped.

    httpx logs request URLs at INFO level and the bot token is part of the
    URL: keep the ``httpx`` logger at WARNING.

    Args:
        token: the bot's token.
        client: the HTTP client; by default one with a 30-second timeout.
        base_url: the Bot API server.
        sent_log: where sends are noted before and after; by default in memory. Use a
            :class:`StoreSentLog` so that every worker of the store shares it and repeats
            are caught across restarts.

    Raises (from :meth:`publish`):
        PublishError: ``transient`` for 429 (with ``retry_after``), 5xx,
            timeouts and transport errors; permanent for 4xx and for texts
            that are empty or longer than :data:`TEXT_LIMIT`.
    """

    def __init__(
        self,
        token: str,
        *,
        client: httpx.Client | None = None,
        base_url: str = "https://api.telegram.org",
        sent_log: SentLog | None = None,
    ) -> None:
        self._token = token
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client(timeout=30.0)
        self._base_url = base_url.rstrip("/")
        self.sent_log: SentLog = sent_log if sent_log is not None else MemorySentLog()

    def close(self) -> None:
        """Close the HTTP client if this publisher made it."""
        if self._owns_client:
            self._client.close()

    def publish(self, request: PublicationRequest) -> Publication:
        """Send the answer once per ``request.key``; a repeat returns the recorded publication.

        A request for another platform than Telegram is refused permanently (п. 13).
        """
        if request.platform != Platform.TELEGRAM:
            raise PublishError(
                f"case {request.case_id}: a {request.platform.value} answer cannot be sent "
                "to Telegram; it goes to the network where the message appeared (п. 13)",
                transient=False,
                code="platform",
            )
        try:
            recorded = self.sent_log.get(request.key)
        except OSError as exc:  # without the log we cannot tell whether it was sent
            raise PublishError(
                f"the sent log cannot be read: {exc}", transient=True, code="sent-log"
            ) from exc
        if recorded is not None:
            return recorded
        payload = self._payload(request)
        try:
            fresh = self.sent_log.begin(request.key)
            again = None if fresh else self.sent_log.get(request.key)
        except OSError as exc:
            raise PublishError(
                f"the sent log cannot be written: {exc}", transient=True, code="sent-log"
            ) from exc
        if again is not None:  # another worker finished it meanwhile
            return again
        if not fresh:
            raise PublishError(
                f"Telegram: отправка ответа {request.key} начиналась, но её результат неизвестен "
                "(ответ сервера потерян или обработчик остановился); Bot API не позволяет "
                "проверить сообщения чата, поэтому ответ не отправлен повторно. Проверьте чат; "
                "если ответа там нет, запросите публикацию снова",
                transient=False,
                code="unknown-outcome",
            )
        try:
            message = self._send(payload)
        except PublishError as error:
            if error.code in _NOT_SENT or (error.code.isdigit() and 400 <= int(error.code) < 500):
                self._forget(request.key)
            raise
        publication = _publication(message)
        try:
            self.sent_log.put(request.key, publication)
        except OSError:
            # the answer is out: failing now would only make the retry send it twice
            log.exception("sent %s as %s but could not record it", request.key, publication)
        return publication

    def _forget(self, key: str) -> None:
        try:
            self.sent_log.abandon(key)
        except OSError:  # the retry then goes to the curator instead: never twice
            log.exception("could not note that %s was not sent", key)

    def _payload(self, request: PublicationRequest) -> dict[str, object]:
        place = request.place
        if place.chat_id is None:
            raise PublishError(
                f"case {request.case_id}: the place {place.key!r} has no chat to answer in",
                transient=False,
                code="place",
            )
        if request.attachments:
            raise PublishError(
                f"case {request.case_id}: attachments are not sent to Telegram; "
                "publish this answer by hand",
                transient=False,
                code="attachment",
            )
        size = len(request.text.encode("utf-16-le")) // 2
        if not request.text.strip() or size > TEXT_LIMIT:
            raise PublishError(
                f"case {request.case_id}: Telegram takes 1-{TEXT_LIMIT} characters, the answer "
                f"has {size} (UTF-16 units); shorten it rather than have it cut",
                transient=False,
                code="text-length",
            )
        payload: dict[str, object] = {"chat_id": _chat(place.chat_id), "text": request.text}
        if place.message_id is not None:
            payload["reply_parameters"] = {
                "message_id": _number(place.message_id, "message_id"),
                "allow_sending_without_reply": True,
            }
        if place.topic_id is not None:
            payload["message_thread_id"] = _number(place.topic_id, "topic_id")
        return payload

    def _send(self, payload: dict[str, object]) -> dict[str, object]:
        try:
            response = self._client.post(
                f"{self._base_url}/bot{self._token}/sendMessage", json=payload
            )
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:  # the request never left
            raise PublishError(
                f"Telegram sendMessage: {type(exc).__name__}", transient=True, code="connect"
            ) from exc
        except httpx.TransportError as exc:  # sent, perhaps carried out: the reply is lost
            raise PublishError(
                f"Telegram sendMessage: {type(exc).__name__}", transient=True, code="transport"
            ) from exc
        try:
            body: object = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            body = {}
        if response.status_code == 200 and body.get("ok") is True:
            result = body.get("result")
            if isinstance(result, dict):
                return result
        raise _api_error(response.status_code, body)


_NOT_SENT = frozenset({"connect", "429"})
"""Failures after which Telegram certainly did not post: no connection was made, or it
refused (429 and every other 4xx: ``ok: false`` with the error)."""


def _api_error(status: int, body: dict[str, object]) -> PublishError:
    given = body.get("error_code")
    code = given if isinstance(given, int) else status
    description = body.get("description") or f"HTTP {status}"
    message = f"Telegram sendMessage: {code} {description}"
    if code == 429:
        parameters = body.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        return PublishError(
            message,
            transient=True,
            retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
            code="429",
        )
    # a 200 without ok: true, or a 5xx, is the server's trouble, not ours
    return PublishError(message, transient=code >= 500 or code == 200, code=str(code))


def _publication(message: dict[str, object]) -> Publication:
    chat = message.get("chat")
    chat_id = chat.get("id") if isinstance(chat, dict) else None
    username = chat.get("username") if isinstance(chat, dict) else None
    message_id = message.get("message_id")
    url = ""
    if isinstance(username, str) and username:
        url = f"https://t.me/{username}/{message_id}"
    elif str(chat_id).startswith("-100"):  # a supergroup or channel: its private link
        url = f"https://t.me/c/{str(chat_id)[4:]}/{message_id}"
    return Publication(f"{chat_id}/{message_id}", url)


def _chat(chat_id: str) -> int | str:
    try:
        return int(chat_id)
    except ValueError:
        return chat_id  # @channelusername


def _number(value: str, name: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise PublishError(
            f"the place's {name} {value!r} is not a Telegram id", transient=False, code="place"
        ) from None


if TYPE_CHECKING:
    from regflow.ports import Publisher

    _check: Publisher = TelegramPublisher("token")
    _memory: SentLog = MemorySentLog()
    _file: SentLog = JsonlSentLog("sent.jsonl")
