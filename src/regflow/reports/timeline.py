"""A case's timeline for an audit: what happened, which deadline was met or missed, by whom.

:func:`render_case` reads only the case's events (and recomputes its
deadlines from them), so it can be run on any stored case, under the
regulation version the case was bound to or, for a what-if, under another.
"""

from __future__ import annotations

import datetime as dt
import html

from regflow.calendar import WorkingTime
from regflow.core.case import Case
from regflow.core.deadlines import DeadlineState, Status, deadlines
from regflow.core.events import (
    Approved,
    ClarificationReceived,
    Classified,
    Closed,
    ContributionCancelled,
    ContributionOpened,
    ContributionSubmitted,
    Detected,
    DraftSubmitted,
    Escalated,
    Excluded,
    ExecutorAssigned,
    Payload,
    PublicationFailed,
    PublicationRequested,
    Published,
    RepeatLinked,
    ReturnedForRework,
    ReturnedToCurator,
    Routed,
    verify,
)
from regflow.core.organization import Organization
from regflow.errors import TamperedHistory
from regflow.rules.kinds import Basis
from regflow.rules.regulation import Regulation

__all__ = ["render_case"]

_EVENTS = {
    "detected": "message detected",
    "classified": "classified",
    "routed": "routed to departments",
    "returned_to_curator": "returned to the curator",
    "executor_assigned": "executor assigned",
    "contribution_opened": "contribution requested",
    "contribution_submitted": "contribution sent",
    "contribution_cancelled": "contribution no longer owed",
    "draft_submitted": "draft sent for approval",
    "approved": "draft approved",
    "returned_for_rework": "draft returned for rework",
    "publication_requested": "publication requested",
    "published": "published",
    "publication_failed": "publication failed",
    "clarification_received": "clarification received",
    "excluded": "excluded",
    "escalated": "escalated to deputy mayors",
    "repeat_linked": "linked as a repeat",
    "closed": "closed",
}

_TEXT_LENGTH = 120
"""Longer texts are cut in the table; the full text stays in the event."""


def render_case(
    case: Case,
    regulation: Regulation,
    *,
    organization: Organization,
    now: dt.datetime | None = None,
    working_time: WorkingTime | None = None,
) -> str:
    """A case's timeline as Markdown: events, deadlines with breaches marked, history check.

    Args:
        case: the case; only its events are read.
        regulation: the rules to judge it by, normally the version the case
            is bound to (the header says if it is another).
        now: the instant to judge open deadlines at; by default the last event.
        organization: the case's organisation: people's and departments' names, and
            who answers for each deadline.
        working_time: the calendar to count in, and whose zone local times
            are shown in; by default the regulation's.

    Returns:
        A Markdown document ending with a newline.
    """
    wt = working_time or regulation.effective.calendar
    at = now if now is not None else case.events[-1].at
    names = _Names(organization, wt)
    try:
        checked = verify(case.events)
        failure: TamperedHistory | None = None
    except TamperedHistory as exc:
        checked, failure = 0, exc
    states = deadlines(case, regulation, wt, at, organization=organization)
    parts = [
        _header(case, regulation, names, at),
        _events(case, regulation, names, failure),
        _deadlines(states, names, at),
        _history(case, checked, failure),
    ]
    return "\n\n".join(parts) + "\n"


class _Names:
    """People, departments and instants as a reader wants them."""

    def __init__(self, organization: Organization | None, wt: WorkingTime) -> None:
        self.organization = organization
        self.zone = wt.zone

    def person(self, ident: str | None) -> str:
        if ident is None:
            return "—"
        if self.organization is not None:
            try:
                return f"{self.organization.person(ident).name} (`{ident}`)"
            except KeyError:
                pass
        return f"`{ident}`"

    def department(self, ident: str) -> str:
        if self.organization is not None:
            try:
                return f"{self.organization.department(ident).name} (`{ident}`)"
            except KeyError:
                pass
        return f"`{ident}`"

    def time(self, instant: dt.datetime | None) -> str:
        if instant is None:
            return "—"
        local = instant.astimezone(self.zone)
        return local.strftime("%Y-%m-%d %H:%M:%S" if local.second else "%Y-%m-%d %H:%M")


def _header(case: Case, regulation: Regulation, names: _Names, at: dt.datetime) -> str:
    message = case.message
    rendered = f"{regulation.id}@{regulation.version}"
    judged = "" if rendered == case.regulation else f" (judged here by `{rendered}` instead)"
    lines = [
        f"# Case `{case.id}`",
        "",
        f"- **Platform:** `{message.platform.value}`",
        f"- **Message:** <{message.url}>",
        f"- **Author:** {_cell(message.author.name or message.author.id)}",
        f"- **Text:** «{_cell(_cut(message.text))}»",
        f"- **Detected:** {names.time(case.detected_at)} by {names.person(case.detected_by)}",
        f"- **Stage:** `{case.stage}`",
        f"- **Regulation bound:** `{case.regulation}`{judged}",
        f"- **Organisation:** `{case.organization}`",
    ]
    if case.topics:
        lines.append(f"- **Topics:** {', '.join(f'`{t}`' for t in case.topics)}")
    if case.importance:
        lines.append(f"- **Importance:** `{case.importance}`")
    involved = [d for e in case.events if isinstance(e.data, Routed) for d in e.data.departments]
    if involved:
        departments = ", ".join(names.department(d) for d in dict.fromkeys(involved))
        lines.append(f"- **Departments routed to:** {departments}")
    if case.departments:
        lines.append(f"- **Departments now:** {', '.join(f'`{d}`' for d in case.departments)}")
    if case.lead_executor:
        lines.append(f"- **Lead executor:** {names.person(case.lead_executor)}")
    if case.repeat_of:
        lines.append(f"- **Repeat of:** case `{case.repeat_of}` (п. 16)")
    readings = ", ".join(f"`{i}={c}`" for i, c in regulation.effective.choices.items())
    lines += [
        f"- **Readings in force:** {readings or 'none'}",
        f"- **As of:** {names.time(at)} (times are local to `{names.zone}`)",
    ]
    return "\n".join(lines)


def _events(
    case: Case, regulation: Regulation, names: _Names, failure: TamperedHistory | None
) -> str:
    lines = [
        "## Events",
        "",
        "| time | # | event | actor | clause | details |",
        "|---|---|---|---|---|---|",
    ]
    for event in case.events:
        seq = str(event.seq)
        if failure is not None and event.seq == failure.seq:
            seq = f"**{seq} ✗**"
        cells = [
            names.time(event.at),
            seq,
            _EVENTS.get(event.type, event.type.replace("_", " ")),
            names.person(event.actor),
            event.clause,
            _details(event.data, regulation, names),
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _details(data: Payload, regulation: Regulation, names: _Names) -> str:
    match data:
        case Detected():
            text = (
                f"{data.message.platform.value} message by "
                f"{data.message.author.name or data.message.author.id}; "
                f"regulation `{data.regulation}`"
            )
            if data.screening:
                text += f"; screener flagged {', '.join(data.screening)}"
            return text
        case Classified():
            parts = [
                f"topics {', '.join(data.topics) or '—'}",
                f"location {data.location or '—'}",
                f"importance {data.importance}",
            ]
            if data.answer_limit is not None:
                basis = next(
                    (d.basis for d in regulation.effective.deadlines if d.per_message),
                    Basis.WORKING,
                )
                parts.append(f"answer limit set to {data.answer_limit.words(basis)} (п. 7)")
            if data.significant:
                parts.append("socially significant")
            return "; ".join(parts)
        case Routed():
            text = f"to {', '.join(f'`{d}`' for d in data.added)}; lead `{data.lead}`"
            staying = [f"`{d}`" for d in data.departments if d not in data.added]
            if staying:
                text += f" (with {', '.join(staying)})"
            if data.order:
                groups = " → ".join(", ".join(group) for group in data.order)
                text += f"; order of parts: {groups}"
            return text
        case ReturnedToCurator():
            return f"`{data.department}`: {_cut(data.reason)}"
        case ExecutorAssigned():
            text = f"{names.person(data.executor)} for `{data.department}`"
            if data.substitution:
                text += (
                    f"; substitute for {names.person(data.requested)}: {data.substitution} (п. 6)"
                )
            elif data.requested != data.executor:
                text += f"; requested {names.person(data.requested)}"
            return text
        case ContributionOpened():
            return f"`{data.department}`: {names.person(data.executor)}"
        case ContributionCancelled():
            return f"`{data.department}`: no longer owed: {_cut(data.reason)}"
        case ContributionSubmitted():
            return (
                f"`{data.department}`: {names.person(data.executor)}: "
                f"«{_cut(data.text)}»{_attachments(len(data.attachments))}"
            )
        case DraftSubmitted():
            text = f"draft #{data.number} ({data.kind.value}): «{_cut(data.text)}»"
            if data.measures:
                text += f"; measures: «{_cut(data.measures)}»"
            return text + _attachments(len(data.attachments))
        case Approved():
            text = f"draft #{data.number} ({data.kind.value})"
            return text + (f"; remarks: «{_cut(data.remarks)}»" if data.remarks else "")
        case ReturnedForRework():
            return f"draft #{data.number} ({data.kind.value}); remarks: «{_cut(data.remarks)}»"
        case PublicationRequested():
            text = f"draft #{data.number} ({data.kind.value}); key `{data.key}`"
            return text + (f"; account {data.account}" if data.account else "")
        case Published():
            text = f"draft #{data.number} ({data.kind.value}); publication id `{data.external_id}`"
            return text + (f"; <{data.url}>" if data.url else "")
        case PublicationFailed():
            lasting = "permanent" if data.permanent else "transient"
            return f"draft #{data.number} ({data.kind.value}); {lasting}: {_cut(data.reason)}"
        case ClarificationReceived():
            return f"«{_cut(data.text)}»"
        case Excluded():
            text = f"category `{data.category}` (п. 18)"
            return text + (f"; evidence: «{_cut(data.evidence)}»" if data.evidence else "")
        case Escalated():
            deputies = ", ".join(names.person(p) for p in data.deputies) or "—"
            text = f"{data.reason}; to {deputies}"
            return text + (f"; {_cut(data.note)}" if data.note else "")
        case RepeatLinked():
            return f"repeats case `{data.previous_case_id}` (п. 16)"
        case Closed():
            return _cut(data.reason) or "—"


def _deadlines(states: tuple[DeadlineState, ...], names: _Names, at: dt.datetime) -> str:
    lines = [
        "## Deadlines",
        "",
        "| deadline | clause | department | due | met at | status | late by | responsible "
        "| basis |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    breaches = []
    for state in states:
        late = _late(state, at)
        status = state.status.value
        if state.status is Status.BREACHED:
            status = "**BREACHED**"
            breaches.append((state, late))
        cells = [
            f"`{state.id}`",
            state.clause,
            f"`{state.department}`" if state.department else "—",
            names.time(state.due),
            names.time(state.met_at),
            status,
            late or "—",
            _responsible(state, names),
            state.basis,
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    if not states:
        lines.append("| — | | | | | no deadline has started | | | |")
    lines += ["", "### Breaches", ""]
    if not breaches:
        lines.append("No deadline was breached.")
    for state, late in breaches:
        met = (
            f"done at {names.time(state.met_at)}, {late} late"
            if state.met_at
            else f"not done as of {names.time(at)}, {late} overdue"
        )
        lines.append(
            f"- **`{state.id}`** ({state.clause}, {state.title.lower()}): due "
            f"{names.time(state.due)}, {met}; responsible: {_responsible(state, names)}"
        )
    return "\n".join(lines)


def _late(state: DeadlineState, at: dt.datetime) -> str:
    if state.late_by is not None:
        return _span(state.late_by)
    if state.status is Status.BREACHED and state.met_at is None:
        return _span(at - state.due)
    return ""


def _responsible(state: DeadlineState, names: _Names) -> str:
    role = "co-executor" if state.responsible_role == "co_executor" else state.responsible_role
    return f"{role.replace('_', ' ')} {names.person(state.responsible)}"


def _history(case: Case, checked: int, failure: TamperedHistory | None) -> str:
    if failure is None:
        return f"**History:** the hash chain of all {checked} events verifies."
    return (
        f"**History: DOES NOT VERIFY.** Event {failure.seq} of case `{failure.case_id}` fails: "
        f"{failure}. The record from event {failure.seq} on cannot be trusted "
        f"({len(case.events)} events in all)."
    )


def _span(delta: dt.timedelta) -> str:
    minutes = max(0, round(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    parts += [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes or not parts else []
    return " ".join(parts)


def _attachments(count: int) -> str:
    return f"; {count} attachment{'s' if count != 1 else ''}" if count else ""


def _cut(text: str) -> str:
    """Text from people (messages, remarks, reasons): one line, short, no HTML."""
    text = html.escape(" ".join(text.split()), quote=False)
    return text if len(text) <= _TEXT_LENGTH else text[: _TEXT_LENGTH - 1] + "…"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
