"""``tick``, ``dispatch``, ``worker``: the passing of time and the delivery of effects.

Notifiers and publishers are named by option: ``--notify`` (``log``,
``jsonl:FILE``, ``smtp://``, ``smtps://``, ``webhook+https://``) and ``--publish``
(``manual``, ``jsonl:FILE``, ``vk:GROUP_ID``, ``telegram:SENT_LOG``);
:mod:`regflow.bootstrap` builds them. Secrets come from environment variables,
never from the command line: ``REGFLOW_SMTP_PASSWORD``,
``REGFLOW_WEBHOOK_SECRET``, ``REGFLOW_VK_TOKEN``, ``REGFLOW_TELEGRAM_TOKEN``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import attrs

from regflow import bootstrap
from regflow.cli._context import CLIError, Context, dump_json, subcommand
from regflow.ports.effects import Clock
from regflow.service import DispatchReport, Service, TickReport

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["register"]


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
        help="log (print them, the default), jsonl:FILE (append them to a file), "
        "smtp://HOST:PORT?sender=ADDR[&starttls=1][&cafile=PEM], "
        "smtps://HOST:PORT?sender=ADDR[&cafile=PEM], webhook+https://HOST/PATH",
    )
    parser.add_argument(
        "--publish",
        metavar="TARGET",
        action="append",
        help="manual (a person posts the answer and records its link; the default), "
        "jsonl:FILE (append answers to a file, post nothing), vk:GROUP_ID, "
        "telegram:store (the bot's sent log in the store, for every worker) or "
        "telegram:SENT_LOG_FILE; give it once per network (--publish vk:1 --publish "
        "telegram:sent.jsonl --publish manual): each answer goes to its own network's "
        "publisher, the others to manual or jsonl if given (п. 13)",
    )


def _service(ctx: Context, clock: Clock) -> Service:
    args = ctx.args
    store = ctx.store()
    return ctx.service(
        store,
        clock=clock,
        notifier=ctx.notifier(getattr(args, "notify", "log"), clock),
        publisher=ctx.publisher(
            getattr(args, "publish", None) or ["manual"], store=store, clock=clock
        ),
    )


def _dispatch_all(service: Service, now: dt.datetime) -> DispatchReport:
    """Dispatch until nothing is left to do at ``now``: a permanent failure queues a
    notice to the curator, which goes out in the same run."""
    delivered = retried = failed = paused = 0
    channels: set[str] = set()
    while True:
        report = service.dispatch(now)
        delivered += report.delivered
        retried += report.retried
        failed += report.failed
        paused += report.paused
        channels.update(report.paused_channels)
        if not (report.delivered or report.failed):
            return DispatchReport(delivered, retried, failed, paused, tuple(sorted(channels)))


def _tick_line(at: dt.datetime, report: TickReport) -> str:
    return (
        f"tick {at:%d.%m.%Y %H:%M}: {report.cases} cases due, {report.warnings} warnings, "
        f"{report.breaches} breaches, {report.escalations} escalations"
    )


def _dispatch_line(at: dt.datetime, report: DispatchReport) -> str:
    line = (
        f"dispatch {at:%d.%m.%Y %H:%M}: {report.delivered} delivered, {report.retried} to retry, "
        f"{report.failed} failed"
    )
    if report.paused:
        channels = ", ".join(report.paused_channels)
        line += f", {report.paused} held: credentials refused ({channels})"
    return line


def _tick(ctx: Context) -> int:
    now = ctx.instant(ctx.args.now, "--now")
    report = ctx.service(ctx.store(), clock=bootstrap.fixed_clock(now)).tick(now)
    if ctx.args.format == "json":
        dump_json({"at": now, **_fields(report)}, ctx.out)
    else:
        ctx.out.write(_tick_line(now, report) + "\n")
    return 0


def _dispatch(ctx: Context) -> int:
    now = ctx.instant(ctx.args.now, "--now")
    report = _dispatch_all(_service(ctx, bootstrap.fixed_clock(now)), now)
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
    clock = bootstrap.system_clock()
    service = _service(ctx, clock)
    zone = ctx.organization.zone
    stop = threading.Event()
    with _stopped_by_signals(stop, enabled=not args.once):
        while True:
            now = clock.now()
            ticked = service.tick(now)
            sent = _dispatch_all(service, now)
            local = now.astimezone(zone)
            if (
                args.once
                or ticked.cases
                or sent.delivered
                or sent.retried
                or sent.failed
                or sent.paused
            ):
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
