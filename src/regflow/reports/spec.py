"""The regulation rendered as an executable spec an auditor can read.

:func:`render_regulation` turns a :class:`~regflow.rules.Regulation` into
Markdown: the working time, every clause with its original text and the
rules that carry it, a table of the deadlines, the interpretations with the
reading in force, and a diagram of a case drawn from the permissions. The
rules are read as the engine applies them (:attr:`Regulation.effective`), so
another reading of an ambiguous passage shows at once.

``docs/regulation.md`` is this module's output for the built-in ruleset::

    python -m regflow.reports.spec > docs/regulation.md

>>> from regflow.rules import blagoveshchensk_2020
>>> text = render_regulation(blagoveshchensk_2020())
>>> "| route | п. 7 | 30 working minutes |" in text
True
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from regflow.rules.kinds import (
    AnswerForm,
    Basis,
    Classification,
    ClauseNote,
    CloseReason,
    CoExecution,
    Deadline,
    DetectionMoment,
    Escalation,
    EscalationTrigger,
    Exclusion,
    Interpretation,
    Period,
    Permission,
    TooShort,
)
from regflow.rules.regulation import Regulation, WorkingTimeSpec
from regflow.rules.vocabulary import END_STAGES, STAGES

__all__ = ["main", "render_regulation"]

_ROLES = {
    "curator": "the curator",
    "department_head": "the department head",
    "executor": "the executor",
    "co_executor": "a co-executor",
    "deputy_mayor": "a deputy mayor",
}

_COMMANDS = {
    "detect": "record a detected message",
    "classify": "set the topics, location and importance",
    "route": "send the message to the competent department(s)",
    "return_to_curator": "return the message to the curator as outside the department's competence",
    "assign_executor": "designate the department's executor",
    "submit_contribution": "send its part of a joint answer to the curator",
    "submit_draft": "send a draft (answer, interim answer or clarification request) for approval",
    "approve": "approve the draft",
    "return_for_rework": "return the draft for rework",
    "request_publication": "ask for the approved draft to be published",
    "record_publication": "record the publication of the approved draft",
    "record_publication_failure": "record a failed publication",
    "record_clarification": "record the author's clarification",
    "exclude": "exclude the message from processing",
    "escalate": "inform the deputy mayors who supervise the question",
    "link_repeat": "link the message to an earlier case on the same question",
    "close": "close the case",
}

_ESCALATIONS: dict[EscalationTrigger, Callable[[Escalation], str]] = {
    EscalationTrigger.SIGNIFICANT: lambda e: "a message the curator flags as socially significant",
    EscalationTrigger.SURGE: lambda e: (
        f"a surge of public activity: {e.threshold} or more "
        f"messages on one topic and location within "
        f"{_window(e.window) if e.per.value == 'rolling' else 'a calendar ' + e.per.value}"
    ),
    EscalationTrigger.REPEATED_BREACHES: lambda e: (
        "shortcomings in a department's work: "
        f"{e.threshold} or more breached deadlines of one department within "
        f"{_window(e.window) if e.per.value == 'rolling' else 'a calendar ' + e.per.value}"
    ),
}

_NO_RULE = "_No rule carries this clause._"


def render_regulation(regulation: Regulation) -> str:
    """The regulation as Markdown, for auditors: same input, same text.

    Args:
        regulation: the rules, with the interpretations chosen; the text
            describes the effective rules (:attr:`Regulation.effective`).

    Returns:
        A Markdown document ending with a newline.
    """
    parts = [
        _header(regulation),
        _working_time(regulation),
        _clauses(regulation),
        _additions(regulation),
        _deadline_table(regulation),
        _interpretations(regulation),
        _diagram(regulation),
    ]
    return "\n\n".join(part.rstrip("\n") for part in parts) + "\n"


# -- sections ----------------------------------------------------------------


def _header(regulation: Regulation) -> str:
    until = (
        f"until {regulation.effective_to.isoformat()}"
        if regulation.effective_to
        else "with no end date"
    )
    platforms = ", ".join(
        f"`{p.value}` ({regulation.platform_title(p)})" for p in regulation.platforms
    )
    importance = ", ".join(f"`{i}`" for i in regulation.importance)
    readings = (
        ", ".join(f"`{i}={c}`" for i, c in regulation.effective.choices.items())
        or "none (the text leaves nothing open)"
    )
    return "\n".join(
        [
            f"# {regulation.title}",
            "",
            f"- **Regulation:** `{regulation.id}`, version `{regulation.version}`",
            f"- **In force:** from {regulation.effective_from.isoformat()}, {until}",
            f"- **Legal basis:** {regulation.legal_basis}",
            f"- **Accepted platforms:** {platforms}",
            f"- **Importance categories:** {importance}",
            f"- **Readings in force:** {readings}",
            "",
            "This document is generated from the rule objects the engine executes "
            "(`regflow.reports.spec`); do not edit it by hand. Each clause below is quoted "
            "in its original wording, followed by the rules that carry it. Deadlines are "
            "shown as the engine applies them, with the interpretations in force; the "
            "section *Interpretations* lists every reading the text leaves open.",
        ]
    )


def _working_time(regulation: Regulation) -> str:
    spec = regulation.effective.working_time
    lines = [
        "## Working time",
        "",
        "Limits in working time count only office hours on working days.",
        "",
        f"- **Time zone:** `{spec.timezone}` (day boundaries are local to it)",
        f"- **Production calendar:** {_calendar_words(spec)}",
        "- **Office hours:** "
        + "; ".join(f"{days}: {hours}" for days, hours in spec.hours.items())
        + " (time outside these intervals, breaks included, is not working time)",
    ]
    if spec.shortening.minutes:
        lines.append(
            "- **Pre-holiday days:** the working day before a public holiday is "
            f"{spec.shortening.words(Basis.CLOCK)} shorter (Labour Code art. 95)"
        )
    else:
        lines.append("- **Pre-holiday days:** not shortened")
    shaped = [
        f"`{interp.id}` = `{chosen}` sets {path.removeprefix('working_time.')}"
        for interp, chosen, path in _settings_in_force(regulation)
        if path.startswith("working_time.")
    ]
    if shaped:
        lines.append(f"- **Set by interpretation:** {'; '.join(shaped)}")
    return "\n".join(lines)


def _calendar_words(spec: WorkingTimeSpec) -> str:
    if spec.calendar == "russia":
        text = (
            "the Russian production calendar (public holidays, days off moved by government "
            "decree, working Saturdays)"
        )
        if spec.presidential_non_working_days:
            text += ", with the 2020-2021 presidential non-working days"
    else:
        text = f"`{spec.calendar}` (from the `holidays` package)"
    return f"{text}, from {spec.first_year}"


def _clauses(regulation: Regulation) -> str:
    index = _rules_by_clause(regulation)
    lines = ["## Clauses"]
    for clause in sorted(regulation.clauses, key=_clause_key):
        lines += ["", f"### {clause}", "", _quote(regulation.clauses[clause]), ""]
        items = index.get(clause, [])
        lines += items if items else [_NO_RULE]
    return "\n".join(lines)


def _deadline_table(regulation: Regulation) -> str:
    lines = [
        "## Deadlines",
        "",
        "| id | clause | limit | basis | starts on | met by | responsible | set by reading |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for deadline in regulation.effective.deadlines:
        readings = [
            f"`{interp.id}={chosen}`"
            for interp, chosen, path in _settings_in_force(regulation)
            if path.startswith(f"deadlines.{deadline.id}.")
        ]
        cells = [
            deadline.id,
            deadline.citation.clause,
            _limit_words(deadline),
            f"{deadline.basis.value} time",
            _triggers(deadline.starts_on),
            _triggers(deadline.stops_on),
            _role_noun(deadline.responsible),
            ", ".join(dict.fromkeys(readings)) or "—",
        ]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines)


def _interpretations(regulation: Regulation) -> str:
    lines = [
        "## Interpretations",
        "",
        "Where the text is ambiguous, the regulation names the question and its possible "
        "readings; each reading sets values of the rules. The reading in force is the "
        "default unless the deployment chose another.",
    ]
    for interp in regulation.interpretations:
        chosen = regulation.effective.choices[interp.id]
        lines += ["", f"### `{interp.id}` ({interp.citation.clause})", "", interp.question, ""]
        for name, meaning in interp.choices.items():
            marks = [
                m
                for m, on in (("default", name == interp.default), ("in force", name == chosen))
                if on
            ]
            mark = f" ({', '.join(marks)})" if marks else ""
            lines.append(f"- **`{name}`**{mark}: {meaning}")
            settings = interp.settings.get(name, ())
            if settings:
                lines.append(
                    "  - sets " + "; ".join(f"`{s.path}` = `{_json(s.value)}`" for s in settings)
                )
        lines += ["", f"Default: `{interp.default}`. In force: `{chosen}`."]
    return "\n".join(lines)


def _diagram(regulation: Regulation) -> str:
    edges, loops = _edges(regulation.permissions)
    body = ["stateDiagram-v2"]
    for (source, target), commands in edges.items():
        body.append(f"    {source} --> {target} : {', '.join(commands)}")
    drawn = {stage for pair in edges for stage in pair}
    body += [f"    {stage} --> [*]" for stage in sorted(drawn & END_STAGES, key=_stage_order)]
    lines = [
        "## The life of a case",
        "",
        "Drawn from the permissions: an arrow is a command that moves a case from one "
        "stage to another; `[*]` is the start (a new message) and the end stages. This is "
        "the graph the engine runs: it refuses a command whose result is not drawn here, "
        "and a regulation that declares a move the engine cannot make is refused when it "
        "is built.",
        "",
        "```mermaid",
        *body,
        "```",
    ]
    if loops:
        lines += ["", "Commands that leave a case at its stage (not drawn):", ""]
        lines += [
            f"- `{command}` at {', '.join(f'`{s}`' for s in stages)}"
            for command, stages in loops.items()
        ]
    return "\n".join(lines)


# -- rules under their clauses ------------------------------------------------


def _rules_by_clause(regulation: Regulation) -> dict[str, list[str]]:
    index: dict[str, list[str]] = {}

    def add(clause: str, text: str) -> None:
        index.setdefault(clause, []).append(text)

    effective = regulation.effective
    for deadline in effective.deadlines:
        add(deadline.citation.clause, _deadline_item(regulation, deadline))
    for permission in regulation.permissions:
        # a permission no clause provides is listed with the library's additions
        add(permission.citation.clause if permission.citation else "", _permission_item(permission))
    add(
        regulation.co_execution.citation.clause,
        _co_execution_item(regulation, effective.co_execution),
    )
    if regulation.classification is not None:
        add(
            regulation.classification.citation.clause,
            _classification_item(regulation, regulation.classification),
        )
    add(regulation.exclusion.citation.clause, _exclusion_item(regulation.exclusion))
    for clause, text in _answer_form_items(regulation, effective.answer_form):
        add(clause, text)
    for escalation in effective.escalations:
        add(escalation.citation.clause, _escalation_item(regulation, escalation))
    add(_detection_clause(regulation), _intake_item(regulation))
    for interp in regulation.interpretations:
        add(interp.citation.clause, _interpretation_item(regulation, interp))
    for note in regulation.notes:
        add(note.citation.clause, _note_item(note))
    if regulation.closing is not None:
        for reason in regulation.closing.reasons:
            add(reason.citation.clause if reason.citation else "", _close_reason_item(reason))
    return index


def _close_reason_item(reason: CloseReason) -> str:
    why = f" {_capital(reason.why)}" if reason.why else ""
    why = why if why.endswith(".") or not why else why + "."
    return f"- **Closing without an answer: `{reason.id}`** («{reason.title}»).{why}"


def _additions(regulation: Regulation) -> str:
    """What the library adds to the text: the steps and reasons no clause provides."""
    items = _rules_by_clause(regulation).get("", [])
    lines = [
        "## Additions of the library",
        "",
        "Steps no clause of the regulation provides; the library has them because real work "
        "needs them, and says why. They cite no clause.",
        "",
    ]
    closing = regulation.closing
    if closing is not None:
        lines += [
            "**Closing a case.** The text ends a case only with an answer, or without one "
            "by exclusion (" + regulation.exclusion.citation.clause + '); it has no "closed '
            'without an answer". The curator may close an answered case, and an unanswered '
            "one only for a reason of this closed list. Deadlines already due when a case is "
            "closed stay breached; those not yet due end cancelled. The compliance report "
            "counts such cases as «закрыто без ответа» beside the share answered on time."
            + (f" {_capital(closing.note)}" if closing.note else ""),
            "",
        ]
    lines += items if items else ["_None._"]
    return "\n".join(lines)


def _deadline_item(regulation: Regulation, deadline: Deadline) -> str:
    lines = [f"- **Deadline `{deadline.id}`.** {deadline.describe()}."]
    if deadline.warn_before:
        warnings = ", ".join(p.words(deadline.basis) for p in deadline.warn_before)
        lines.append(f"  - warnings: {warnings} before it falls due")
    if deadline.once:
        lines.append("  - counted once per case, from its first start")
    if deadline.per_message:
        lines.append("  - the curator may set a shorter limit for one message (п. 7)")
    if deadline.per_message or deadline.by_importance:
        relative = [d.id for d in regulation.effective.deadlines if d.before == deadline.id]
        if relative:
            counted = ", ".join(f"`{r}`" for r in relative)
            if deadline.too_short is TooShort.REFUSE:
                then = "the shorter limit is refused"
            else:
                then = (
                    f"the curator may confirm it, and {counted} is then not owed "
                    "(only this deadline binds)"
                )
            lines.append(
                f"  - a shorter limit that puts {counted} at or before the moment it is set: {then}"
            )
    shaped: dict[tuple[str, str], list[str]] = {}
    for interp, chosen, path in _settings_in_force(regulation):
        if path.startswith(f"deadlines.{deadline.id}."):
            field = path.removeprefix(f"deadlines.{deadline.id}.")
            value = _value_words(getattr(deadline, field), deadline.basis)
            shaped.setdefault((interp.id, chosen), []).append(f"{field}: {value}")
    lines += [
        f"  - interpretation `{ident}` = `{chosen}` sets {'; '.join(values)}"
        for (ident, chosen), values in shaped.items()
    ]
    return "\n".join(lines)


def _permission_item(permission: Permission) -> str:
    roles = " or ".join(_ROLES.get(r, r) for r in permission.roles)
    action = _COMMANDS.get(permission.command, permission.command.replace("_", " "))
    stages = ", ".join(f"`{s}`" for s in permission.stages)
    if permission.keeps:
        then = "the case stays at its stage"
    else:
        then = "the case moves to " + " or ".join(f"`{s}`" for s in permission.leads_to)
    return (
        f"- **Permission `{permission.command}`.** {_capital(roles)} may {action} "
        f"when the case is at {stages}; {then}."
    )


def _co_execution_item(regulation: Regulation, rule: CoExecution) -> str:
    deadline = regulation.effective.deadline.get(rule.deadline)
    within = f" ({_limit_words(deadline)})" if deadline is not None else ""
    lead = (
        "with several departments the curator names the lead executor, who prepares the "
        "joint draft from the parts"
        if rule.lead_required
        else "the curator may name the lead executor (by default the first department's), "
        "who prepares the joint draft from the parts"
    )
    if rule.lead_contributes:
        own = (
            "the lead department sends its own part in its turn of the order too, and the "
            "order must name it"
        )
    else:
        own = (
            "the lead's own information goes into the joint draft it prepares, so an order "
            "naming the lead is refused"
        )
    return (
        "- **Several executors.** The curator sets the order in which the executors prepare "
        "their parts (groups one after another, the departments of a group in parallel); "
        "an order that does not fit what follows is refused, never rewritten; "
        f"each co-executor sends its part to the curator within the `{rule.deadline}` "
        f"deadline{within}; {lead}; {own}. The curator may instead appoint the person who "
        "prepares the joint draft: an executor of one of the routed departments, whose "
        "department then leads and whose appointment designates its executor."
    )


def _classification_item(regulation: Regulation, rule: Classification) -> str:
    named = ["the topics"]
    optional: list[str] = []
    for required, words in (
        (rule.require_location, "the location"),
        (rule.require_importance, "the importance category"),
    ):
        (named if required else optional).append(words)
    categories = ", ".join(f"`{i}`" for i in regulation.importance)
    text = (
        f"- **Classification.** The curator names {', '.join(named)}; a classification "
        "without them is refused"
    )
    if optional:
        text += f" ({' and '.join(optional)} may be left out)"
    text += (
        f". The importance categories are {categories}. A limit the curator sets for one "
        "message may only shorten the deadline, never lengthen it, and a re-classification "
        "cannot lengthen the limit in force."
    )
    return text


def _exclusion_item(rule: Exclusion) -> str:
    categories = ", ".join(f"`{c}`" for c in rule.categories)
    evidence = "; the curator records the evidence" if rule.requires_evidence else ""
    return (
        "- **Exclusion.** The curator ends a case without an answer when the message falls "
        f"under one of the categories {categories}{evidence}."
    )


def _answer_form_items(regulation: Regulation, rule: AnswerForm) -> Iterator[tuple[str, str]]:
    terms = []
    if rule.require_substance:
        terms.append("an answer (not a clarification request) must have text on the substance")
    if rule.same_platform:
        terms.append("it is published in the network where the message appeared")
    if rule.max_length:
        limits = ", ".join(f"`{p}` {n} characters" for p, n in rule.max_length.items())
        terms.append(f"the longest text each platform accepts: {limits}")
    repeat = (
        "an answer to a repeat message must state the measures taken or the progress on "
        "the question; they are published with the answer"
        + (f", after the words «{rule.measures_label}»" if rule.measures_label.strip() else "")
        + ", unless its text already states them"
    )
    shaped = [
        f"interpretation `{interp.id}` = `{chosen}` sets {path.removeprefix('answer_form.')}"
        for interp, chosen, path in _settings_in_force(regulation)
        if path.startswith("answer_form.")
    ]
    main = rule.citation.clause
    if rule.repeat_requires_measures and rule.repeat_citation is None:
        terms.append(repeat)
    text = "- **Form of the answer.** " + _capital("; ".join(terms) or "no requirement") + "."
    yield main, "\n".join([text, *(f"  - {s}" for s in shaped)])
    if rule.repeat_requires_measures and rule.repeat_citation is not None:
        yield rule.repeat_citation.clause, f"- **Answer to a repeat message.** {_capital(repeat)}."


def _escalation_item(regulation: Regulation, rule: Escalation) -> str:
    lines = [
        f"- **Escalation `{rule.id}`.** The curator informs the deputy mayors who supervise "
        f"the question of {_ESCALATIONS[rule.trigger](rule)}."
    ]
    if rule.source:
        lines.append(f"  - the numbers: {rule.source}")
    if rule.per.value != "rolling":
        lines.append(
            f"  - counted per calendar {rule.per.value} (local time), not a rolling window"
        )
    if rule.recipient != "deputies":
        whom = (
            "the head of the department"
            if rule.recipient == "head"
            else f"`{rule.recipient.removeprefix('person:')}`"
        )
        lines.append(f"  - goes to {whom} instead of the supervising deputies")
    shaped: dict[tuple[str, str], list[str]] = {}
    for interp, chosen, path in _settings_in_force(regulation):
        if path.startswith(f"escalations.{rule.id}."):
            field = path.removeprefix(f"escalations.{rule.id}.")
            value = _value_words(getattr(rule, field), Basis.CLOCK)
            shaped.setdefault((interp.id, chosen), []).append(f"{field}: {value}")
    lines += [
        f"  - interpretation `{ident}` = `{chosen}` sets {'; '.join(values)}"
        for (ident, chosen), values in shaped.items()
    ]
    return "\n".join(lines)


_DETECTION: dict[DetectionMoment, str] = {
    DetectionMoment.MONITORING: "when the monitoring system registered it (the record's "
    "`detected_at`), however late the record reaches the portal",
    DetectionMoment.CURATOR: "when the curator's portal took the record in (the instant of intake)",
}


def _detection_clause(regulation: Regulation) -> str:
    """The clause of the main deadline that runs from detection (п. 9 in Blagoveshchensk)."""
    starting = [d for d in regulation.effective.deadlines if "detected" in d.starts_on]
    main = [d for d in starting if d.per_message] or starting
    if main:
        return main[0].citation.clause
    return regulation.sources_clause or next(iter(regulation.clauses))


def _intake_item(regulation: Regulation) -> str:
    intake = regulation.effective.intake
    lines = [
        f"- **Detection.** A message counts as detected, and the clocks that start on "
        f"detection start, {_DETECTION[intake.detection]}."
    ]
    lines += [
        f"  - interpretation `{interp.id}` = `{chosen}` sets {path.removeprefix('intake.')}"
        for interp, chosen, path in _settings_in_force(regulation)
        if path.startswith("intake.")
    ]
    return "\n".join(lines)


def _interpretation_item(regulation: Regulation, interp: Interpretation) -> str:
    chosen = regulation.effective.choices[interp.id]
    default = " (the default)" if chosen == interp.default else f" (default: `{interp.default}`)"
    return (
        f"- **Interpretation `{interp.id}`.** {interp.question} In force: "
        f"`{chosen}`{default}; see *Interpretations*."
    )


def _note_item(note: ClauseNote) -> str:
    return f"- **Note.** {note.note}"


# -- helpers ------------------------------------------------------------------


def _settings_in_force(regulation: Regulation) -> Iterator[tuple[Interpretation, str, str]]:
    """(interpretation, reading in force, setting path) for every setting applied."""
    for interp in regulation.interpretations:
        chosen = regulation.effective.choices[interp.id]
        for setting in interp.settings.get(chosen, ()):
            yield interp, chosen, setting.path


def _edges(
    permissions: Sequence[Permission],
) -> tuple[dict[tuple[str, str], list[str]], dict[str, list[str]]]:
    """Stage-changing edges (labels merged) and, per command, the stages it keeps.

    A permission whose ``leads_to`` are its own ``stages`` keeps the case where
    it is (escalate, link_repeat...): it yields loops, not every pair.
    """
    edges: dict[tuple[str, str], list[str]] = {}
    loops: dict[str, list[str]] = {}
    for permission in permissions:
        for source in permission.stages:
            for target in permission.targets(source):
                if source == target:
                    stages = loops.setdefault(permission.command, [])
                    if source not in stages:
                        stages.append(source)
                    continue
                key = ("[*]" if source == "new" else source, target)
                labels = edges.setdefault(key, [])
                if permission.command not in labels:
                    labels.append(permission.command)
    return edges, loops


def _role_noun(role: str) -> str:
    return "co-executor" if role == "co_executor" else role.replace("_", " ")


def _stage_order(stage: str) -> tuple[int, str]:
    return (STAGES.index(stage) if stage in STAGES else len(STAGES), stage)


def _limit_words(deadline: Deadline) -> str:
    text = deadline.limit.words(deadline.basis)
    if deadline.before:
        text += f" before `{deadline.before}`"
    if deadline.limit.days and deadline.basis is Basis.WORKING:
        text += f" (counted {deadline.counting.value})"
    if deadline.by_importance:
        text += "; " + ", ".join(
            f"`{name}`: {period.words(deadline.basis_for(name))}"
            for name, period in deadline.by_importance.items()
        )
    if deadline.per_message:
        text += "; or as the curator sets for the message"
    if deadline.pause_on:
        text += f"; paused from {_triggers(deadline.pause_on)} to {_triggers(deadline.resume_on)}"
    return text


def _value_words(value: object, basis: Basis) -> str:
    if isinstance(value, Period):
        return value.words(basis)
    if isinstance(value, Mapping):
        items = [f"{k}: {v.words(basis) if isinstance(v, Period) else v}" for k, v in value.items()]
        return ", ".join(items) or "none"
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value) or "none"
    enum_value = getattr(value, "value", None)
    return str(enum_value if isinstance(enum_value, str) else value)


def _window(period: Period) -> str:
    if period.minutes and period.minutes % (24 * 60) == 0:
        days = period.minutes // (24 * 60)
        return f"{days} day{'s' if days != 1 else ''}"
    return period.words(Basis.CLOCK)


def _triggers(triggers: Sequence[str]) -> str:
    return ", ".join(f"`{t}`" for t in triggers) or "—"


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _clause_key(clause: str) -> tuple[tuple[int, ...], str]:
    return tuple(int(n) for n in re.findall(r"\d+", clause)), clause


def _quote(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- command line ---------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Print the spec of the built-in ruleset (or of a TOML regulation) as Markdown."""
    parser = argparse.ArgumentParser(
        prog="python -m regflow.reports.spec",
        description="Render a regulation as Markdown (docs/regulation.md is the built-in one).",
    )
    parser.add_argument(
        "--regulation", metavar="FILE", type=Path, help="a regulation in TOML instead"
    )
    parser.add_argument(
        "--output", metavar="FILE", type=Path, help="write to FILE instead of standard output"
    )
    args = parser.parse_args(argv)
    if args.regulation is not None:
        from regflow.rules.toml import load_regulation_file

        regulation = load_regulation_file(args.regulation)
    else:
        from regflow.rules.blagoveshchensk import blagoveshchensk_2020

        regulation = blagoveshchensk_2020()
    data = render_regulation(regulation).encode("utf-8")
    if args.output is not None:
        args.output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
