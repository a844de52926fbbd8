"""``demo``, ``report``, ``explain``: what a newcomer and an auditor read."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING

from regflow.cli._context import CLIError, Context, subcommand
from regflow.core.organization import Organization
from regflow.demo import run_demo
from regflow.ports.store import Store
from regflow.reports.compliance import build_report, render_csv, render_json, render_markdown
from regflow.reports.html import render_html
from regflow.reports.spec import render_regulation
from regflow.service import read_cases

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["register"]

_FORMATS = {".md": "md", ".csv": "csv", ".json": "json", ".html": "html", ".htm": "html"}


def register(commands: Commands) -> None:
    """Add ``demo``, ``report`` and ``explain``."""
    parser = subcommand(
        commands,
        "demo",
        "simulate a working week and print its compliance report",
        "Simulate a working week of the ILLUSTRATIVE Blagoveshchensk administration\n"
        "(from Monday 24.11.2025, Asia/Yakutsk): messages from social networks arrive,\n"
        "staff classify, route, answer, get things returned, late and escalated, and\n"
        "the clock runs the deadlines. Prints the compliance report (Markdown) and\n"
        "leaves a SQLite store and an HTML report in --out. Nothing is sent or posted:\n"
        "notifications and publications are appended to notifications.jsonl and\n"
        "publications.jsonl there. --seed makes it repeatable.\n\n"
        "  regflow demo\n"
        "  regflow cases --store regflow-demo/regflow.sqlite3 --all",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--messages", type=int, default=300, metavar="N", help="messages in the week (300)"
    )
    parser.add_argument(
        "--out", default="regflow-demo", metavar="DIR", help="where to leave the store and report"
    )
    parser.set_defaults(handler=_demo)

    parser = subcommand(
        commands,
        "report",
        "the compliance report for a period",
        "Report how the regulation was kept for messages detected from --from to --to\n"
        "(local dates, both included): answers on time, time to route and answer,\n"
        "breaches with who answers for each, repeats, exclusions, escalations; in\n"
        "total, per department and per executor. Open deadlines are judged at --now.",
    )
    parser.add_argument(
        "--from", dest="start", metavar="DATE", help="first day (default: the first case's)"
    )
    parser.add_argument("--to", dest="end", metavar="DATE", help="last day (default: today)")
    parser.add_argument("--now", metavar="TIME", help="judge open deadlines at TIME (default: now)")
    parser.add_argument(
        "--format",
        choices=("md", "csv", "json", "html"),
        help="output format (default: from --output's suffix, else md)",
    )
    parser.add_argument("--output", metavar="FILE", help="write to FILE instead of stdout")
    parser.set_defaults(handler=_report)

    parser = subcommand(
        commands,
        "explain",
        "the regulation as an auditor reads it",
        "Print the regulation (--regulation, or the built-in one) as Markdown: every\n"
        "clause with its text and the rules that carry it, the deadlines, the\n"
        "interpretations in force, and the stages of a case.",
    )
    parser.set_defaults(handler=_explain)


def _explain(ctx: Context) -> int:
    ctx.out.write(render_regulation(ctx.regulation))
    return 0


def _date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CLIError(f"{option} {text!r} is not a date (2025-11-24)") from None


def _report(ctx: Context) -> int:
    args = ctx.args
    fmt = args.format or _FORMATS.get(Path(args.output or "").suffix.lower(), "md")
    org = ctx.organization
    now = ctx.instant(args.now, "--now")
    store = ctx.store()
    if args.start is not None:
        first = _date(args.start, "--from")
    else:
        first = _earliest(store, org, now) or now.astimezone(org.zone).date()
    last = _date(args.end, "--to") if args.end is not None else now.astimezone(org.zone).date()
    if last < first:
        raise CLIError(f"--to {last} is before --from {first}")
    start = dt.datetime.combine(first, dt.time(), org.zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), org.zone)

    def progress(read: int) -> None:  # a long report says how far it has got
        if read and read % _PROGRESS_EVERY == 0:
            ctx.err.write(f"report: {read} cases read\n")

    # the period's cases only, page by page through the index, outside the write lock
    cases = read_cases(store, org.id, start, end, batch=_PAGE, progress=progress)
    report = build_report(
        cases, regulation_for=ctx.regulation_of, organization=org, start=start, end=end, now=now
    )
    render = {"md": render_markdown, "csv": render_csv, "json": render_json, "html": render_html}
    text = render[fmt](report)
    with ctx.output(args.output) as out:
        out.write(text)
    if args.output:
        ctx.err.write(f"report written to {args.output}\n")
    return 0


_PAGE = 500
"""Cases read per snapshot by ``report``."""
_PROGRESS_EVERY = 10_000
"""How often (in cases read) a long report says how far it has got, on stderr."""


def _earliest(store: Store, organization: Organization, now: dt.datetime) -> dt.date | None:
    """The local day of the organisation's first detected case, if any."""
    with store.snapshot() as snapshot:
        first = snapshot.cases.detected(
            organization=organization.id,
            since=dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
            until=now + dt.timedelta(days=36_500),
            limit=1,
        )
    return first[0].detected_at.astimezone(organization.zone).date() if first else None


def _demo(ctx: Context) -> int:
    args = ctx.args
    if getattr(args, "organization", None) is not None:
        raise CLIError("the demo simulates the bundled example organisation; drop --organization")
    if args.messages < 1:
        raise CLIError("--messages must be at least 1")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out} is a file; give a directory")
    started = time.monotonic()
    live = ctx.err.isatty()

    def progress(now: dt.datetime, line: str) -> None:
        if live:
            ctx.err.write(f"\r\x1b[K{line}")
        elif now.astimezone(ctx.organization.zone).hour == 0:  # a line a simulated day
            ctx.err.write(line + "\n")
        ctx.err.flush()

    result = run_demo(
        out,
        seed=args.seed,
        messages=args.messages,
        regulation=ctx.regulation,
        progress=progress,
    )
    if live:
        ctx.err.write("\n")
    ctx.out.write(result.summary)
    ctx.out.write("\n")
    ctx.out.write(result.markdown)
    ctx.out.flush()
    seconds = time.monotonic() - started
    ctx.err.write(
        f"\nDone in {seconds:.1f} s.\n"
        f"  store:       {result.store}\n"
        f"  HTML report: {result.html}\n"
        f"  sent:        {result.notifications}, {result.publications}\n"
        f"Try: regflow cases --store {result.store} --all | head\n"
        f"     regflow show --store {result.store} CASE\n"
    )
    return 0
