"""``tick``, ``dispatch``, ``worker``: the passing of time and the delivery of effects.

Notifiers and publishers are chosen by option, here and nowhere else:
``--notify`` (``log``, ``smtp://``, ``smtps://``, ``webhook+https://``) and
``--publish`` (``manual``, ``vk:GROUP_ID``, ``telegram:SENT_LOG``). Secrets
come from environment variables, never from the command line:
``REGFLOW_SMTP_PASSWORD``, ``REGFLOW_WEBHOOK_SECRET``, ``REGFLOW_VK_TOKEN``,
``REGFLOW_TELEGRAM_TOKEN``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

import attrs

from regflow.adapters.clock import SystemClock
from regflow.adapters.manual import ManualPublisher
from regflow.cli._context import CLIError, Context, FixedClock, dump_json, subcommand
from regflow.ports.effects import Clock, Notification, Notifier, Publisher
from regflow.service import DispatchReport, Service, TickReport

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["PrintingNotifier", "register"]


class PrintingNotifier:
    """A :class:`~regflow.ports.Notifier` that prints each notification as one line."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def send(self, notification: Notification) -> None:
        """Print ``notification``: kind, recipient, address, subject."""
        self.out.write(
            f"notify [{notification.kind}] {notification.recipient} <{notification.address}>: "
            f"{notification.subject}\n"
        )


def register(commands: Commands) -> None:
    """Add ``tick``, ``dispatch`` and ``worker``."""
    parser = subcommand(
        commands,
        "tick",
        "record due warnings and breaches, each once",
        "Find the cases with something due at TIME (default now) through the case\n"
        "index, record each warning and breach exactly once and queue the notices\n"
        "(delivered by dispatch).",
    )
    parser.add_argument("--now", metavar="TIME", help="the instant to tick at (default: now)")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=_tick)

    parser = subcommand(
        commands,
        "dispatch",
        "deliver queued notifications and publications",
        "Deliver the outbox at least once: notifications through --notify, answers\n"
        "through --publish. Transient failures are retried later with backoff;\n"
        "permanent ones go back to the curator.",
    )
    parser.add_argument("--now", metavar="TIME", help="the instant to deliver at (default: now)")
    _delivery_options(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(handler=_dispatch)

    parser = subcommand(
        commands,
        "worker",
        "tick and dispatch in a loop",
        "Tick and dispatch every --interval seconds until stopped (Ctrl-C, SIGTERM).\n"
        "Several workers may run against one PostgreSQL store: they share due cases\n"
        "and outbox items without doing any twice.",
    )
    parser.add_argument(
        "--interval", type=float, default=30.0, metavar="S", help="seconds between rounds (30)"
    )
    parser.add_argument("--once", action="store_true", help="one round, then exit")
    _delivery_options(parser)
    parser.set_defaults(handler=_worker)


def _delivery_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--notify",
        metavar="TARGET",
        default="log",
        help="log (print them, the default), smtp://HOST:PORT?sender=ADDR[&starttls=1], "
        "smtps://HOST:PORT?sender=ADDR, webhook+https://HOST/PATH",
    )
    parser.add_argument(
        "--publish",
        metavar="TARGET",
        default="manual",
        help="manual (a person posts the answer and records its link; the default), "
        "vk:GROUP_ID, telegram:SENT_LOG_FILE",
    )


def _secret(name: str, why: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise CLIError(f"{why}: set {name}")
    return value


def notifier(ctx: Context, target: str) -> Notifier:
    """The notifier ``--notify`` names.

    Raises:
        CLIError: an unknown target, a missing secret or a missing extra.
    """
    if target == "log":
        return PrintingNotifier(ctx.out)
    parts = urlsplit(target)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme in ("smtp", "smtps"):
        from regflow.adapters.smtp import SMTPNotifier

        if not parts.hostname or "sender" not in query:
            raise CLIError(f"--notify {target}: expected smtp://HOST:PORT?sender=ADDRESS")
        username = unquote(parts.username) if parts.username else None
        password = None
        if username is not None:
            password = _secret("REGFLOW_SMTP_PASSWORD", f"SMTP user {username} needs a password")
        try:
            return SMTPNotifier(
                parts.hostname,
                parts.port or (465 if parts.scheme == "smtps" else 25),
                sender=query["sender"],
                username=username,
                password=password,
                starttls=query.get("starttls", "0") in ("1", "true", "yes"),
                ssl=parts.scheme == "smtps",
            )
        except ValueError as exc:
            raise CLIError(f"--notify: {exc}") from exc
    if parts.scheme in ("webhook+http", "webhook+https"):
        try:
            from regflow.adapters.webhook import WebhookNotifier
        except ImportError as exc:
            raise CLIError("a webhook needs the http extra: pip install 'regflow[http]'") from exc
        secret = _secret("REGFLOW_WEBHOOK_SECRET", "the webhook signs with a shared secret")
        try:
            webhook = WebhookNotifier(target.removeprefix("webhook+"), secret=secret)
        except ValueError as exc:
            raise CLIError(f"--notify: {exc}") from exc
        ctx.on_close(webhook.close)
        return webhook
    raise CLIError(f"--notify {target}: use log, smtp://, smtps:// or webhook+https://")


def publisher(ctx: Context, target: str) -> Publisher:
    """The publisher ``--publish`` names.

    Raises:
        CLIError: an unknown target, a missing token or a missing extra.
    """
    name, _, argument = target.partition(":")
    if target == "manual":
        return ManualPublisher()
    if name not in ("vk", "telegram") or not argument:
        raise CLIError(f"--publish {target}: use manual, vk:GROUP_ID or telegram:SENT_LOG_FILE")
    try:
        if name == "vk":
            from regflow.adapters.vk import VKPublisher

            if not argument.isdigit():
                raise CLIError(f"--publish {target}: the VK community id is a positive number")
            token = _secret("REGFLOW_VK_TOKEN", "VK needs a community manager's token")
            vk = VKPublisher(token, group_id=int(argument))
            ctx.on_close(vk.close)
            return vk
        from regflow.adapters.telegram import JsonlSentLog, TelegramPublisher

        token = _secret("REGFLOW_TELEGRAM_TOKEN", "Telegram needs the bot's token")
        bot = TelegramPublisher(token, sent_log=JsonlSentLog(argument))
        ctx.on_close(bot.close)
        return bot
    except ImportError as exc:
        raise CLIError(f"{name} needs the http extra: pip install 'regflow[http]'") from exc


def _service(ctx: Context, clock: Clock) -> Service:
    args = ctx.args
    return ctx.service(
        ctx.store(),
        clock=clock,
        notifier=notifier(ctx, getattr(args, "notify", "log")),
        publisher=publisher(ctx, getattr(args, "publish", "manual")),
    )


def _dispatch_all(service: Service, now: dt.datetime) -> DispatchReport:
    """Dispatch until nothing is left to do at ``now``: a permanent failure queues a
    notice to the curator, which goes out in the same run."""
    delivered = retried = failed = 0
    while True:
        report = service.dispatch(now)
        delivered += report.delivered
        retried += report.retried
        failed += report.failed
        if not (report.delivered or report.failed):
            return DispatchReport(delivered, retried, failed)


def _tick_line(at: dt.datetime, report: TickReport) -> str:
    return (
        f"tick {at:%d.%m.%Y %H:%M}: {report.cases} cases due, {report.warnings} warnings, "
        f"{report.breaches} breaches, {report.escalations} escalations"
    )


def _dispatch_line(at: dt.datetime, report: DispatchReport) -> str:
    return (
        f"dispatch {at:%d.%m.%Y %H:%M}: {report.delivered} delivered, {report.retried} to retry, "
        f"{report.failed} failed"
    )


def _tick(ctx: Context) -> int:
    now = ctx.instant(ctx.args.now, "--now")
    report = ctx.service(ctx.store(), clock=FixedClock(now)).tick(now)
    if ctx.args.format == "json":
        dump_json({"at": now, **_fields(report)}, ctx.out)
    else:
        ctx.out.write(_tick_line(now, report) + "\n")
    return 0


def _dispatch(ctx: Context) -> int:
    now = ctx.instant(ctx.args.now, "--now")
    report = _dispatch_all(_service(ctx, FixedClock(now)), now)
    if ctx.args.format == "json":
        dump_json({"at": now, **_fields(report)}, ctx.out)
    else:
        ctx.out.write(_dispatch_line(now, report) + "\n")
    return 0


def _fields(report: TickReport | DispatchReport) -> dict[str, object]:
    return attrs.asdict(report)


def _worker(ctx: Context) -> int:
    args = ctx.args
    if args.interval <= 0:
        raise CLIError("--interval must be positive")
    clock = SystemClock()
    service = _service(ctx, clock)
    zone = ctx.organization.zone
    stop = threading.Event()
    with _stopped_by_signals(stop, enabled=not args.once):
        while True:
            now = clock.now()
            ticked = service.tick(now)
            sent = _dispatch_all(service, now)
            local = now.astimezone(zone)
            if args.once or ticked.cases or sent.delivered or sent.retried or sent.failed:
                ctx.out.write(f"{_tick_line(local, ticked)}; {_dispatch_line(local, sent)}\n")
                ctx.out.flush()
            if args.once or stop.wait(args.interval):
                break
    return 0


@contextmanager
def _stopped_by_signals(stop: threading.Event, *, enabled: bool) -> Iterator[None]:
    """SIGTERM and SIGINT end the loop after the round in progress."""
    if not enabled or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    for sig in previous:
        signal.signal(sig, lambda _signum, _frame: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
