"""``init``, ``ingest``, ``cases``, ``show``, ``verify``: the store and its cases."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

import attrs

from regflow import bootstrap
from regflow.cli._context import CLIError, Context, dump_json, redact, subcommand
from regflow.core.case import replay
from regflow.core.codec import event_to_record
from regflow.core.deadlines import deadlines
from regflow.core.events import verify
from regflow.core.message import Message
from regflow.errors import CommandRefused, InvalidMessage, StorageError, TamperedHistory
from regflow.ports.store import CaseEntry
from regflow.reports.timeline import render_case
from regflow.rules.vocabulary import STAGES

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``init``, ``ingest``, ``cases``, ``show`` and ``verify``."""
    parser = subcommand(
        commands,
        "init",
        "create an empty store and bring its schema up to date",
        "Create the store (a SQLite file, or the tables in a PostgreSQL database) and\n"
        "apply the schema migrations. Safe to run again.",
    )
    parser.set_defaults(handler=_init)

    parser = subcommand(
        commands,
        "ingest",
        "take in detected messages from a JSON-lines file",
        "Open a case for each message of FILE (one JSON object a line, as\n"
        "Message.to_record writes it; '-' reads stdin). A post already taken in opens\n"
        "no new case, so ingesting a file twice is harmless. Each good record is\n"
        "stored in a transaction of its own; bad lines are listed with their number\n"
        "and reason and change nothing. Exit code 1 if any line was bad.",
    )
    parser.add_argument("file", metavar="FILE", help="the JSON-lines file, or - for stdin")
    parser.add_argument(
        "--actor", help="the curator who detects the messages (default: the first curator)"
    )
    parser.add_argument(
        "--received",
        metavar="TIME",
        help="when the records reached the curator (default: now); under the regulation's "
        "detection-moment reading 'curator' (the built-in default) the clocks start then",
    )
    parser.add_argument("--check", action="store_true", help="only check the lines; store nothing")
    _format_option(parser)
    parser.set_defaults(handler=_ingest)

    parser = subcommand(
        commands,
        "cases",
        "list open cases with their next due time",
        "List the organisation's open cases, soonest due first. 'Next due' is when\n"
        "something happens to a case by itself: a warning or a deadline passing.",
    )
    parser.add_argument("--department", help="only cases routed to this department")
    parser.add_argument("--executor", help="only cases this person executes")
    parser.add_argument("--stage", choices=STAGES[1:], help="only cases at this stage")
    parser.add_argument(
        "--all", action="store_true", help="answered, excluded and closed cases too"
    )
    parser.add_argument("--limit", type=count, default=100, help="at most N (default 100)")
    _format_option(parser)
    parser.set_defaults(handler=_cases)

    parser = subcommand(
        commands,
        "show",
        "a case's timeline: events, deadlines, history check",
        "Show CASE (its id, or the end of it) as Markdown: every event with its clause,\n"
        "every deadline (met, pending, breached, and who answers for it) and whether\n"
        "its hash chain verifies.",
    )
    parser.add_argument("case", metavar="CASE")
    parser.add_argument("--now", metavar="TIME", help="judge open deadlines at TIME")
    _format_option(parser, text="markdown")
    parser.set_defaults(handler=_show)

    parser = subcommand(
        commands,
        "verify",
        "check the hash chain of every case",
        "Check every case's history: an edited, removed, inserted or reordered event\n"
        "breaks its hash chain; and its publications in the outbox, pending or sent:\n"
        "each carries the text the history approved (and its digest), and each one\n"
        "delivered is recorded. Names each case and event that fails; exit code 1 then.",
    )
    _format_option(parser)
    parser.set_defaults(handler=_verify)


def _format_option(parser: argparse.ArgumentParser, text: str = "text") -> None:
    parser.add_argument(
        "--format", choices=(text, "json"), default=text, help=f"output format (default {text})"
    )


def count(text: str) -> int:
    """A positive whole number, for ``--limit``."""
    value = int(text)
    if value <= 0:
        raise ValueError(text)
    return value


# -- init ---------------------------------------------------------------------------


def _init(ctx: Context) -> int:
    ctx.store(create=True)
    ctx.out.write(f"store ready: {redact(ctx.store_target)}\n")
    return 0


# -- ingest -------------------------------------------------------------------------


@attrs.frozen
class _Line:
    number: int
    message: Message | None
    problems: tuple[str, ...] = ()


def _read(handle: IO[str]) -> Iterator[_Line]:
    for number, text in enumerate(handle, start=1):
        if not text.strip():
            continue
        try:
            record = json.loads(text)
        except json.JSONDecodeError as exc:
            yield _Line(number, None, (f"not JSON: {exc.msg} at column {exc.colno}",))
            continue
        if not isinstance(record, dict):
            yield _Line(number, None, (f"$: expected a JSON object, got {type(record).__name__}",))
            continue
        try:
            yield _Line(number, Message.from_record(record))
        except InvalidMessage as exc:
            yield _Line(number, None, tuple(str(p) for p in exc.problems))


def _lines(path: str) -> list[_Line]:
    try:
        if path == "-":
            return list(_read(sys.stdin))
        with open(path, encoding="utf-8") as handle:
            return list(_read(handle))
    except OSError as exc:
        raise CLIError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise CLIError(f"{path} is not UTF-8 text: {exc.reason} at byte {exc.start}") from exc


def _ingest(ctx: Context) -> int:
    org = ctx.organization
    actor = ctx.args.actor or org.curators[0]
    if actor not in org.curators:
        raise CLIError(
            f"--actor {actor} is not a curator of {org.id} (curators: {', '.join(org.curators)})"
        )
    lines = _lines(ctx.args.file)
    bad = [line for line in lines if line.message is None]
    opened: list[str] = []
    known: list[str] = []
    received = ctx.instant(ctx.args.received, "--received") if ctx.args.received else None
    if not ctx.args.check:
        service = ctx.service(ctx.store(), screener=bootstrap.screener())
        for index, line in enumerate(lines):
            if line.message is None:
                continue
            try:
                # received now (or at --received); the service starts the clocks at the
                # regulation's detection instant (regflow.core.detection_instant), as for any
                # other intake
                case_id, new = service.intake(
                    line.message, organization=org.id, actor=actor, at=received
                )
            except CommandRefused as exc:
                lines[index] = attrs.evolve(line, message=None, problems=(str(exc),))
                bad.append(lines[index])
                continue
            (opened if new else known).append(case_id)
    bad.sort(key=lambda line: line.number)
    name = "<stdin>" if ctx.args.file == "-" else ctx.args.file
    if ctx.args.format == "json":
        dump_json(
            {
                "file": name,
                "records": len(lines),
                "opened": opened,
                "known": known,
                "bad": [{"line": line.number, "problems": line.problems} for line in bad],
            },
            ctx.out,
        )
    else:
        for line in bad:
            for problem in line.problems:
                ctx.err.write(f"{name}:{line.number}: {problem}\n")
        verb = "checked" if ctx.args.check else "ingested"
        stored = "" if ctx.args.check else f": {len(opened)} new cases, {len(known)} already known"
        ctx.out.write(f"{name}: {len(lines)} records {verb}{stored}; {len(bad)} bad\n")
    return 1 if bad else 0


# -- cases ----------------------------------------------------------------------------


def _cases(ctx: Context) -> int:
    args = ctx.args
    store = ctx.store()
    stage = args.stage or ("any" if args.all else None)
    with store.unit_of_work() as uow:
        entries = uow.cases.query(
            organization=ctx.organization.id,
            department=args.department,
            executor=args.executor,
            stage=stage,
            limit=args.limit,
        )
    if args.format == "json":
        dump_json([_entry_record(e) for e in entries], ctx.out)
        return 0
    if not entries:
        ctx.out.write("no cases\n")
        return 0
    zone = ctx.organization.zone
    rows = [("CASE", "STAGE", "DETECTED", "NEXT DUE", "DEPARTMENTS", "EXECUTORS", "TOPICS")]
    for e in entries:
        rows.append(
            (
                e.case_id,
                e.stage,
                _local(e.detected_at, zone),
                _local(e.next_due, zone),
                ",".join(e.departments) or "-",
                ",".join(e.executors) or "-",
                ",".join(e.topics) or "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        line = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        ctx.out.write(line.rstrip() + "\n")
    return 0


def _local(instant: dt.datetime | None, zone: dt.tzinfo) -> str:
    return "-" if instant is None else instant.astimezone(zone).strftime("%d.%m.%Y %H:%M")


def _entry_record(entry: CaseEntry) -> dict[str, object]:
    return attrs.asdict(entry, recurse=False)


# -- show -------------------------------------------------------------------------------


def _show(ctx: Context) -> int:
    store = ctx.store()
    entry = ctx.find_case(store, ctx.args.case)
    with store.unit_of_work() as uow:
        case = replay(uow.events.load(entry.case_id))
    regulation = ctx.regulation_of(case)
    now = ctx.instant(ctx.args.now, "--now")
    org = ctx.organization
    if ctx.args.format == "json":
        states = deadlines(case, regulation, now=now, organization=org)
        dump_json(
            {
                "case": _entry_record(entry),
                "events": [event_to_record(event) for event in case.events],
                "deadlines": [attrs.asdict(state, recurse=False) for state in states],
            },
            ctx.out,
        )
        return 0
    ctx.out.write(render_case(case, regulation, now=now, organization=org))
    return 0


# -- verify -------------------------------------------------------------------------------


def _verify(ctx: Context) -> int:
    store = ctx.store()
    service = ctx.service(store)
    failures: list[tuple[str, int | None, str]] = []
    cases = events = 0
    for entry in ctx.every_case(store):
        cases += 1
        try:
            with store.unit_of_work() as uow:
                history = uow.events.load(entry.case_id)
            events += verify(history)
        except TamperedHistory as exc:
            failures.append((exc.case_id, exc.seq, str(exc)))
            continue
        except StorageError as exc:  # a record edited until it no longer reads as an event
            failures.append((entry.case_id, None, str(exc)))
            continue
        # the outbox against the history: the text to post (or posted) is the text approved
        for problem in service.verify_publications(entry.case_id):
            failures.append((entry.case_id, None, f"case {entry.case_id}: {problem}"))
    if ctx.args.format == "json":
        dump_json(
            {
                "cases": cases,
                "events": events,
                "failures": [{"case": c, "event": s, "reason": r} for c, s, r in failures],
            },
            ctx.out,
        )
    else:
        for _case, _seq, reason in failures:
            ctx.err.write(f"regflow: tampered: {reason}\n")
        if failures:
            failing = len({case for case, _seq, _reason in failures})
            ctx.out.write(f"{failing} of {cases} cases fail verification\n")
        else:
            ctx.out.write(f"{cases} cases, {events} events: every history verifies\n")
    return 1 if failures else 0
