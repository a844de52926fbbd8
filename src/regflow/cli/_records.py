"""``init``, ``ingest``, ``cases``, ``show``, ``verify``, ``anchor``: the store and its cases."""

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
from regflow.core.codec import event_to_record
from regflow.core.deadlines import deadlines
from regflow.core.message import Message
from regflow.errors import (
    CorruptCase,
    InvalidMessage,
    RegflowError,
    StorageError,
)
from regflow.ports.store import CaseEntry
from regflow.reports.audit import Anchor, Finding, audit, take_anchor
from regflow.reports.timeline import render_case
from regflow.rules.vocabulary import STAGES

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``init``, ``ingest``, ``cases``, ``show``, ``verify`` and ``anchor``."""
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
    parser.add_argument(
        "--import",
        dest="imported",
        action="store_true",
        help="take in another system's history: --received however far from now; the "
        "detections are marked imported and flagged by verify and report",
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
        "check every case's history, the store-wide chain, the index and the outbox",
        "Check every case's history (an edited, removed, inserted or reordered event,\n"
        "times going back), the store-wide chain over all events and outbox items (a\n"
        "cut-off tail, a deleted case, an edited outbox item), and the case index against\n"
        "the histories, and the publications in the outbox (each carries the text the\n"
        "history approved; each one delivered is recorded). With --anchor FILE (from\n"
        "regflow anchor), also that the store still\n"
        "holds everything it held then, unchanged. Names each failure; exit code 1 then.\n"
        "Events whose declared time lies far from their receipt, and imported ones, are\n"
        "flagged, not failed.",
    )
    parser.add_argument("--anchor", metavar="FILE", help="an anchor written by regflow anchor")
    _key_option(parser, "the key the anchor was signed with")
    _format_option(parser)
    parser.set_defaults(handler=_verify)

    parser = subcommand(
        commands,
        "anchor",
        "export the store-wide chain's head, to keep outside the database",
        "Write the head of the store-wide chain (its position and hash, and how many\n"
        "events and outbox items it covers) as JSON, signed with HMAC-SHA256 under the\n"
        "key in --key FILE if given. Keep it where whoever can write the database cannot\n"
        "(the auditor's mail, a signed report); regflow verify --anchor FILE then shows\n"
        "whether anything it covers was removed or rewritten since.",
    )
    _key_option(parser, "sign with the key in FILE (at least 16 bytes; keep it off the server)")
    parser.add_argument("--output", metavar="FILE", help="write to FILE (default: stdout)")
    parser.set_defaults(handler=_anchor)


def _key_option(parser: argparse.ArgumentParser, help: str) -> None:
    parser.add_argument("--key", metavar="FILE", help=help)


def _key(ctx: Context) -> bytes | None:
    path = ctx.args.key
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            return handle.read().strip()
    except OSError as exc:
        raise CLIError(f"cannot read the key {path}: {exc.strerror or exc}") from exc


def _format_option(parser: argparse.ArgumentParser, text: str = "text") -> None:
    parser.add_argument(
        "--format", choices=(text, "json"), default=text, help=f"output format (default {text})"
    )


MAX_LIMIT = 1_000_000_000
"""The largest ``--limit`` (more than any store holds; a database's integers end soon after)."""


def count(text: str) -> int:
    """A whole number from 1 to :data:`MAX_LIMIT`, for ``--limit``.

    Raises:
        argparse.ArgumentTypeError: anything else, with what is expected.
    """
    try:
        value = int(text.strip(), 10) if len(text) <= 20 else None
    except ValueError:
        value = None
    if value is None or not 1 <= value <= MAX_LIMIT:
        shown = text if len(text) <= 30 else text[:30] + "..."
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_LIMIT}, got {shown!r}"
        )
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
        except ValueError:  # an integer of more digits than Python converts
            yield _Line(number, None, ("not JSON this program reads: an integer too long",))
            continue
        except RecursionError:
            yield _Line(number, None, ("not JSON this program reads: nested too deeply",))
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
                    line.message,
                    organization=org.id,
                    actor=actor,
                    at=received,
                    imported=ctx.args.imported,
                )
            except StorageError:
                raise  # the store failed, not the line: stop
            except RegflowError as exc:
                # each line on its own: refused by the regulation, a date outside the
                # calendar's years, before the regulation took effect...
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
    try:
        case = ctx.load_case(store, entry.case_id)
    except CorruptCase as exc:
        raise CLIError(f"{exc}; regflow verify says more") from exc
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
    anchor = None
    if ctx.args.anchor is not None:
        path = ctx.args.anchor
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise CLIError(f"cannot read the anchor {path}: {exc}") from exc
        anchor = Anchor.from_json(text, path=path)
        anchor.check_signature(_key(ctx), path=path)
    elif ctx.args.key is not None:
        raise CLIError("--key checks an anchor's signature: give --anchor FILE too")
    tolerance = ctx.service(store).tolerance
    window = None if tolerance is None else (tolerance.behind, tolerance.ahead)
    report = audit(store, anchor=anchor, tolerance=window)
    findings = list(report.findings)
    service = ctx.service(store)
    for entry in ctx.every_case(store):
        if any(f.case_id == entry.case_id for f in report.findings):
            continue  # its history failed already
        try:
            ctx.regulation_of(ctx.load_case(store, entry.case_id))
        except (CorruptCase, CLIError) as exc:  # verifies, but cannot be worked on
            findings.append(Finding("unbound", str(exc), entry.case_id))
            continue
        # the outbox against the history: the text to post (or posted) is the text approved
        for problem in service.verify_publications(entry.case_id):
            findings.append(Finding("publication", problem, entry.case_id))
    report = attrs.evolve(report, findings=tuple(findings))
    if ctx.args.format == "json":
        dump_json(
            {
                "cases": report.cases,
                "events": report.events,
                "outbox": report.outbox,
                "head": {"position": report.head.position, "link": report.head.link},
                "anchor": None if anchor is None else anchor.position,
                "failures": [
                    {"kind": f.kind, "case": f.case_id, "event": f.seq, "reason": str(f)}
                    for f in report.findings
                ],
                "declared_far_from_received": [
                    {"case": c, "event": s, "seconds": d.total_seconds()}
                    for c, s, d in report.declared
                ],
                "imported": [{"case": c, "event": s} for c, s in report.imported],
            },
            ctx.out,
        )
    else:
        for finding in report.findings:
            ctx.err.write(f"regflow: tampered: {finding}\n")
        found = len(report.findings)
        if found:
            plural = "s" if found != 1 else ""
            ctx.out.write(f"{found} problem{plural} found in {report.cases} cases\n")
        else:
            covered = f" through the anchor's {anchor.position} entries" if anchor else ""
            ctx.out.write(
                f"{report.cases} cases, {report.events} events, {report.outbox} outbox items, "
                f"the store-wide chain{covered}: every history verifies\n"
            )
        if report.declared:
            ctx.out.write(
                f"flagged: {len(report.declared)} events declare a time further from their "
                "receipt than the service accepts now (regflow show --format json lists both)\n"
            )
        if report.imported:
            ctx.out.write(
                f"flagged: {len(report.imported)} events were imported from another system's "
                "history (their times are that system's word)\n"
            )
    return 1 if report.findings else 0


def _anchor(ctx: Context) -> int:
    store = ctx.store()
    anchor = take_anchor(store, bootstrap.system_clock().now(), key=_key(ctx))
    with ctx.output(ctx.args.output) as out:
        out.write(anchor.to_json())
    return 0
