"""The composition root: where the adapters are chosen, for the ``regflow`` command, its
worker and the demo alike.

Each function turns a target, as a person writes it in a command line or a
deployment file, into an adapter:

- :func:`open_store`: a SQLite file by path, or PostgreSQL by URL
  (``postgresql://user@host/db``, the ``postgres`` extra);
- :func:`notifier`: ``log`` (print each notification), ``jsonl:FILE``
  (append them to a file), ``smtp://HOST:PORT?sender=ADDR[&starttls=1][&cafile=PEM]``,
  ``smtps://HOST:PORT?sender=ADDR[&cafile=PEM]``, ``webhook+https://HOST/PATH``
  (the ``http`` extra);
- :func:`publisher`: ``manual`` (a person posts the answer), ``jsonl:FILE``
  (append answers to a file, post nothing), ``vk:GROUP_ID``,
  ``telegram:store`` (its sent log in the store, shared by every worker) or
  ``telegram:SENT_LOG_FILE`` (the ``http`` extra); :func:`publishers` composes
  several, each network's answers to its own publisher (п. 13);
- :func:`screener`: the Russian lexicon screener (п. 18);
- :func:`system_clock`, :func:`fixed_clock`: the time.

:func:`service` passes them to :func:`regflow.service.open_service`. Secrets come
from the environment, never from a target: ``REGFLOW_SMTP_PASSWORD``,
``REGFLOW_WEBHOOK_SECRET``, ``REGFLOW_VK_TOKEN``, ``REGFLOW_TELEGRAM_TOKEN``.
Adapters that hold connections are closed through ``on_close`` (for instance
:meth:`contextlib.ExitStack.callback`). Nothing else in regflow picks an
adapter: the service, the core and the adapters take what they are given.
"""

from __future__ import annotations

import datetime as dt
import os
import ssl
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import parse_qs, unquote, urlsplit, urlunsplit

from regflow.adapters.clock import FixedClock, SystemClock
from regflow.adapters.files import JsonlNotifier, JsonlPublisher, PrintingNotifier
from regflow.adapters.manual import ManualPublisher
from regflow.adapters.router import PublisherRouter
from regflow.adapters.screener_ru import RussianScreener
from regflow.errors import InvalidTarget, MissingExtra
from regflow.ports.effects import Clock, Notification, Notifier, Publisher, Screener
from regflow.ports.store import Store
from regflow.rules.vocabulary import Platform
from regflow.service import Municipality, Service, open_service

__all__ = [
    "ClosableStore",
    "fixed_clock",
    "is_postgres",
    "notifier",
    "open_store",
    "publisher",
    "publishers",
    "redact",
    "screener",
    "service",
    "system_clock",
]

OnClose = Callable[[Callable[[], object]], object]
"""Registers a callable that closes an adapter when its user is done."""


class ClosableStore(Store, Protocol):
    """A store that must be closed (SQLite and PostgreSQL both are)."""

    def close(self) -> None:
        """Release the connection(s)."""
        ...


def redact(target: str) -> str:
    """A target fit to print: a URL's password is left out.

    >>> redact("postgresql://regflow:s3cret@db.city.example:5432/regflow")
    'postgresql://regflow@db.city.example:5432/regflow'
    """
    parts = urlsplit(target)
    if parts.scheme and parts.password is not None:
        host = parts.hostname or ""
        netloc = f"{parts.username}@{host}" if parts.username else host
        if parts.port is not None:
            netloc += f":{parts.port}"
        return urlunsplit(parts._replace(netloc=netloc))
    return target


def is_postgres(target: str) -> bool:
    """Whether ``target`` is a PostgreSQL URL rather than a SQLite file."""
    return target.startswith(("postgresql://", "postgres://"))


def open_store(target: str | os.PathLike[str], *, synchronous: str | None = None) -> ClosableStore:
    """The store at ``target``: PostgreSQL for a ``postgresql://`` URL, else a SQLite
    file (made if missing).

    Args:
        target: the URL or the file.
        synchronous: SQLite's ``PRAGMA synchronous`` (``NORMAL`` for a demo that
            need not survive a power cut); ``FULL`` if None.

    Raises:
        MissingExtra: PostgreSQL without the ``postgres`` extra.
        StorageError: the database cannot be opened.
    """
    text = os.fspath(target)
    if is_postgres(text):
        try:
            from regflow.adapters.postgres import PostgresStore
        except ImportError as exc:
            raise MissingExtra("a PostgreSQL store", "postgres") from exc
        return PostgresStore(text)
    from regflow.adapters.sqlite import SQLiteStore

    return SQLiteStore(Path(text), synchronous=synchronous or "FULL")


def system_clock() -> Clock:
    """The operating system's clock."""
    return SystemClock()


def fixed_clock(instant: dt.datetime) -> FixedClock:
    """A clock stopped at ``instant``, to be set or advanced by its owner."""
    return FixedClock(instant)


def screener() -> Screener:
    """The Russian screener: obscenity, insults, threats (п. 18)."""
    return RussianScreener()


def _secret(environ: Mapping[str, str], target: str, name: str, why: str) -> str:
    value = environ.get(name)
    if not value:
        raise InvalidTarget(redact(target), f"{why}: set {name}")
    return value


def notifier(
    target: str,
    *,
    clock: Clock,
    on_close: OnClose,
    out: IO[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Notifier:
    """The notifier ``target`` names (see the module's docstring for the targets).

    Args:
        target: what to build.
        clock: for the ``Date`` of an e-mail and a webhook's timestamp.
        out: where ``log`` prints; standard output if None.
        on_close: registers the closing of a notifier that holds a connection.
        environ: where secrets are read; :data:`os.environ` if None.

    Raises:
        InvalidTarget: an unknown target, a missing part or secret, a bad CA file.
        MissingExtra: a webhook without the ``http`` extra.
    """
    environ = os.environ if environ is None else environ
    if target == "log":
        return PrintingNotifier(out or sys.stdout)
    if target.startswith("jsonl:") and target != "jsonl:":
        return JsonlNotifier(target.removeprefix("jsonl:"))
    parts = urlsplit(target)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme in ("smtp", "smtps"):
        from regflow.adapters.smtp import SMTPNotifier

        if not parts.hostname or "sender" not in query:
            raise InvalidTarget(redact(target), "expected smtp://HOST:PORT?sender=ADDRESS")
        username = unquote(parts.username) if parts.username else None
        password = None
        if username is not None:
            password = _secret(
                environ, target, "REGFLOW_SMTP_PASSWORD", f"SMTP user {username} needs a password"
            )
        starttls = query.get("starttls", "0") in ("1", "true", "yes")
        implicit = parts.scheme == "smtps"
        context = None
        if "cafile" in query:
            try:
                context = ssl.create_default_context(cafile=query["cafile"])
            except (OSError, ssl.SSLError) as exc:
                raise InvalidTarget(redact(target), f"cannot read the CA file: {exc}") from exc
        try:
            return SMTPNotifier(
                parts.hostname,
                parts.port or (465 if implicit else 25),
                sender=query["sender"],
                username=username,
                password=password,
                starttls=starttls,
                ssl=implicit,
                tls_context=context,
                clock=clock,
            )
        except ValueError as exc:
            raise InvalidTarget(redact(target), str(exc)) from exc
    if parts.scheme in ("webhook+http", "webhook+https"):
        try:
            from regflow.adapters.webhook import WebhookNotifier
        except ImportError as exc:
            raise MissingExtra("a webhook", "http") from exc
        secret = _secret(
            environ, target, "REGFLOW_WEBHOOK_SECRET", "the webhook signs with a shared secret"
        )
        try:
            webhook = WebhookNotifier(target.removeprefix("webhook+"), secret=secret, clock=clock)
        except ValueError as exc:
            raise InvalidTarget(redact(target), str(exc)) from exc
        on_close(webhook.close)
        return webhook
    raise InvalidTarget(
        redact(target), "use log, jsonl:FILE, smtp://, smtps:// or webhook+https://"
    )


def publisher(
    target: str,
    *,
    on_close: OnClose,
    environ: Mapping[str, str] | None = None,
    store: Store | None = None,
    clock: Clock | None = None,
) -> Publisher:
    """The publisher ``target`` names (see the module's docstring for the targets).

    ``telegram:store`` keeps Telegram's sent log in ``store`` (shared by every worker;
    ``clock`` dates each send), ``telegram:FILE`` in a file of this worker's.

    Raises:
        InvalidTarget: an unknown target, a bad community id, a missing token.
        MissingExtra: VK or Telegram without the ``http`` extra.
    """
    environ = os.environ if environ is None else environ
    name, _, argument = target.partition(":")
    if target == "manual":
        return ManualPublisher()
    if name not in ("vk", "telegram", "jsonl") or not argument:
        raise InvalidTarget(
            redact(target), "use manual, jsonl:FILE, vk:GROUP_ID or telegram:SENT_LOG_FILE"
        )
    if name == "jsonl":
        return JsonlPublisher(argument)
    try:
        if name == "vk":
            from regflow.adapters.vk import VKPublisher

            if not argument.isdigit():
                raise InvalidTarget(redact(target), "the VK community id is a positive number")
            token = _secret(
                environ, target, "REGFLOW_VK_TOKEN", "VK needs a community manager's token"
            )
            vk = VKPublisher(token, group_id=int(argument))
            on_close(vk.close)
            return vk
        from regflow.adapters.telegram import (
            JsonlSentLog,
            SentLog,
            StoreSentLog,
            TelegramPublisher,
        )

        token = _secret(environ, target, "REGFLOW_TELEGRAM_TOKEN", "Telegram needs the bot's token")
        sent_log: SentLog
        if argument == "store":
            if store is None or clock is None:
                raise InvalidTarget(target, "telegram:store needs the store the service uses")
            sent_log = StoreSentLog(store, clock)
        else:
            sent_log = JsonlSentLog(argument)
        bot = TelegramPublisher(token, sent_log=sent_log)
        on_close(bot.close)
        return bot
    except ImportError as exc:
        raise MissingExtra("VK" if name == "vk" else "Telegram", "http") from exc


_BOUND = {"vk": Platform.VK, "telegram": Platform.TELEGRAM}
"""The targets that publish on one network; the others (``manual``, ``jsonl:``) take any."""


def publishers(
    targets: Sequence[str],
    *,
    on_close: OnClose,
    environ: Mapping[str, str] | None = None,
    store: Store | None = None,
    clock: Clock | None = None,
) -> Publisher:
    """One publisher for several targets: each network's answers go to its own publisher
    (``vk:`` for VK, ``telegram:`` for Telegram), every other network's to the one target
    that takes any (``manual`` or ``jsonl:FILE``), if given (п. 13: an answer is never
    sent to another network). No target is ``manual``.

    Raises:
        InvalidTarget: a bad target, two targets for one network, or two that take any.
    """
    if not targets:
        return ManualPublisher()
    if len(targets) == 1:
        return publisher(targets[0], on_close=on_close, environ=environ, store=store, clock=clock)
    bound: dict[Platform, Publisher] = {}
    fallback: Publisher | None = None
    for target in targets:
        platform = _BOUND.get(target.partition(":")[0])
        if platform is None and fallback is not None:
            raise InvalidTarget(redact(target), "only one of manual and jsonl:FILE can be given")
        if platform is not None and platform in bound:
            raise InvalidTarget(redact(target), f"{platform.value} has a publisher already")
        made = publisher(target, on_close=on_close, environ=environ, store=store, clock=clock)
        if platform is None:
            fallback = made
        else:
            bound[platform] = made
    return PublisherRouter(bound, fallback=fallback)


class _Undeliverable:
    """For a service that must deliver nothing (a command that only records): sending
    is a bug, never silent."""

    def send(self, notification: Notification) -> None:
        raise AssertionError(f"nothing should be delivered here, got {notification.key!r}")


def service(
    store: Store,
    municipalities: Iterable[Municipality],
    *,
    clock: Clock,
    notifier: Notifier | None = None,
    publisher: Publisher | None = None,
    screener: Screener | None = None,
) -> Service:
    """The service over ``store`` for ``municipalities``.

    Adapters not given are the ones a command that delivers nothing needs: a
    notifier that refuses to send (dispatching with it is a bug), the manual
    publisher, and the Russian screener.
    """
    return open_service(
        store=store,
        municipalities=list(municipalities),
        notifier=notifier or _Undeliverable(),
        publisher=publisher or ManualPublisher(),
        screener=screener or RussianScreener(),
        clock=clock,
    )
