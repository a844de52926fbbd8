"""A simulated working week of the ILLUSTRATIVE Blagoveshchensk administration.

:func:`run_demo` makes a fresh SQLite store, lets a few hundred messages
arrive from Monday 24.11.2025 (Asia/Yakutsk) at realistic times, and has the
staff work them: classify, route, return what is not theirs, answer jointly,
answer in two steps, rework, publish, sometimes late; some messages are
abusive and excluded, some repeat earlier ones, some are found twice. The
service ticks and dispatches as the simulated clock runs; notifications and
publications are appended to ``notifications.jsonl`` and ``publications.jsonl``
beside the store, nothing leaves the machine. The adapters are chosen by
:mod:`regflow.bootstrap`, as for the ``regflow`` command. The same seed gives
the same week and the same report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from collections import Counter
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import attrs

from regflow import bootstrap
from regflow.core.events import verify
from regflow.core.organization import Organization
from regflow.demo._messages import week
from regflow.demo._staff import DemoPublisher, Week
from regflow.reports.compliance import ComplianceReport, build_report, render_markdown
from regflow.reports.html import render_html
from regflow.rules import blagoveshchensk_2020
from regflow.rules.regulation import Regulation
from regflow.service import Municipality

__all__ = ["START", "DemoResult", "example_organization", "run_demo"]

START = dt.date(2025, 11, 24)
"""The Monday the simulated week starts."""
_ORGANIZATION = "data/blagoveshchensk_organization.toml"
STORE = "regflow.sqlite3"
_OVERTIME = dt.timedelta(days=2)
"""The clock runs on into the next week, so that the weekend's messages are worked on."""
HTML = "report.html"
NOTIFICATIONS = "notifications.jsonl"
PUBLICATIONS = "publications.jsonl"


@attrs.frozen
class DemoResult:
    """What a demo left behind: the store, the reports, and what happened."""

    store: Path
    html: Path
    summary: str
    """What happened in the week, as Markdown."""
    markdown: str
    """The compliance report, as Markdown."""
    counts: dict[str, int]
    notifications: Path
    """The notifications the week sent, one JSON object a line."""
    publications: Path
    """The answers the week published, one JSON object a line."""


def run_demo(
    out: Path,
    *,
    seed: int = 1,
    messages: int = 300,
    organization: Organization | None = None,
    regulation: Regulation | None = None,
    progress: Callable[[dt.datetime, str], None] | None = None,
) -> DemoResult:
    """Simulate the week and report it; leaves ``regflow.sqlite3``, ``report.html``,
    ``notifications.jsonl`` and ``publications.jsonl`` in ``out``.

    Args:
        out: the directory (made if missing); a store left there by an earlier
            demo is replaced.
        seed: the random seed: the same seed, the same week.
        messages: how many messages are detected in the week.
        organization: the organisation (by default the bundled example).
        regulation: the rules (by default the built-in Blagoveshchensk decree).
        progress: called every simulated hour with the instant and a status line.
    """
    organization = organization or example_organization()
    regulation = regulation or blagoveshchensk_2020()
    zone = organization.zone
    start = dt.datetime.combine(START, dt.time(), zone)
    end = start + dt.timedelta(days=7)
    until = end + _OVERTIME
    out.mkdir(parents=True, exist_ok=True)
    path = out / STORE
    stale = (STORE, f"{STORE}-wal", f"{STORE}-shm", NOTIFICATIONS, PUBLICATIONS)
    for name in stale:
        (out / name).unlink(missing_ok=True)
    rng = random.Random(seed)
    plans = week(rng, start, messages)
    clock = bootstrap.fixed_clock(start)
    screen = bootstrap.screener()
    with contextlib.ExitStack() as closing:
        on_close = closing.callback
        notifier = bootstrap.notifier(
            f"jsonl:{out / NOTIFICATIONS}", clock=clock, on_close=on_close
        )
        posted = bootstrap.publisher(f"jsonl:{out / PUBLICATIONS}", on_close=on_close)
        publisher = DemoPublisher(posted)
        store = bootstrap.open_store(path, synchronous="NORMAL")
        closing.callback(store.close)
        service = bootstrap.service(
            store,
            [Municipality(organization, (regulation,))],
            clock=clock,
            notifier=notifier,
            publisher=publisher,
            screener=screen,
        )
        wt = regulation.effective.calendar
        sim = Week(service, organization, clock, wt, rng, screen, publisher)
        for plan in plans:
            sim.start(plan.message.detected_at, sim.arrive(plan))

        def report_progress(now: dt.datetime) -> None:
            if progress is not None:
                n = sim.counts
                progress(
                    now,
                    f"{now.astimezone(zone):%a %d.%m %H:%M}  {n['messages']}/{len(plans)} "
                    f"messages  {n['cases']} cases  {n['published']} published  "
                    f"{n['breaches']} breaches",
                )

        sim.run(until, report_progress)
        cases = [service.case(case_id) for case_id in sorted(set(sim.cases.values()))]
    counts = dict(sim.counts)
    counts["events"] = sum(verify(case.events) for case in cases)
    kinds = _kinds(out / NOTIFICATIONS)
    counts["notifications"] = sum(kinds.values())
    counts["escalation notices"] = kinds["escalation"]
    counts["open"] = sum(case.stage not in ("answered", "excluded", "closed") for case in cases)
    counts["answered"] = sum(case.stage == "answered" for case in cases)
    report = build_report(
        cases,
        regulation_for=lambda _case: regulation,
        organization=organization,
        start=start,
        end=end,
        now=until,
    )
    html = out / HTML
    html.write_text(render_html(report), encoding="utf-8")
    summary = _summary(seed, start, end, until, counts, report)
    return DemoResult(
        path,
        html,
        summary,
        render_markdown(report),
        counts,
        out / NOTIFICATIONS,
        out / PUBLICATIONS,
    )


def example_organization() -> Organization:
    """The ILLUSTRATIVE Blagoveshchensk organisation shipped inside the package
    (a copy of ``examples/blagoveshchensk/organization.toml``)."""
    text = resources.files("regflow").joinpath(_ORGANIZATION).read_text("utf-8")
    return Organization.from_toml(text, source="<the bundled example organisation>")


def _kinds(path: Path) -> Counter[str]:
    """The notifications the week sent, by kind, read back from their file."""
    if not path.exists():
        return Counter()
    with path.open(encoding="utf-8") as lines:
        return Counter(json.loads(line)["kind"] for line in lines)


def _summary(
    seed: int,
    start: dt.datetime,
    end: dt.datetime,
    until: dt.datetime,
    n: dict[str, int],
    report: ComplianceReport,
) -> str:
    breaches, noticed = report.totals.breaches, n.get("breaches", 0)
    rows = [
        ("messages detected", n.get("messages", 0)),
        ("cases opened (the same post found twice opens one)", n.get("cases", 0)),
        ("posts found twice", n.get("duplicates", 0)),
        ("excluded as abusive (п. 18)", n.get("excluded", 0)),
        ("linked as repeats (п. 16)", n.get("repeats", 0)),
        ("routed to several departments (п. 15)", n.get("joint", 0)),
        ("returned as not the department's and re-routed (п. 8)", n.get("returned", 0)),
        ("interim answer first (п. 14)", n.get("interim", 0)),
        ("drafts returned for rework (п. 11, 12)", n.get("reworked", 0)),
        ("answers published (recorded; none sent anywhere)", n.get("published", 0)),
        ("of them posted by hand after comments were closed (п. 13)", n.get("by hand", 0)),
        ("cases answered", n.get("answered", 0)),
        ("cases still open", n.get("open", 0)),
        ("warnings sent before a deadline", n.get("warnings", 0)),
        ("deadlines breached (п. 19), as the report counts them †", breaches),
        ("– of them noticed by the worker with the step undone (breach notices)", noticed),
        ("– of them done late before the worker's next round, or ended undone", breaches - noticed),
        (
            "escalations to deputy mayors (п. 20), in the cases' histories †",
            report.totals.escalations,
        ),
        ("– notices they sent (one for each deputy told)", n.get("escalation notices", 0)),
        ("notifications delivered (recorded)", n.get("notifications", 0)),
        ("commands refused by the rules, each citing its clause", n.get("refused", 0)),
        ("events, every hash chain verified", n.get("events", 0)),
    ]
    last = end - dt.timedelta(days=1)
    lines = [
        "# regflow demo: a simulated week",
        "",
        f"Seed {seed}. Messages detected {start:%a %d.%m.%Y} – {last:%a %d.%m.%Y} "
        f"({start.tzinfo}); the staff worked on until {until:%a %d.%m.%Y %H:%M}, when the "
        "report judges the deadlines. The organisation is an ILLUSTRATIVE example; the people "
        "and messages are invented.",
        "",
        "| what happened | count |",
        "|---|---:|",
        *(f"| {label} | {value} |" for label, value in rows),
        "",
        "† The compliance report's figures (below): one set of figures. A breach is a deadline "
        "whose step came after its due instant, or never came; the worker notices those still "
        "undone at its rounds and sends a notice. An escalation is an `escalated` event of a "
        "case, the curator's or the rules' own (п. 20), and tells one or more deputy mayors.",
        "",
    ]
    return "\n".join(lines)
