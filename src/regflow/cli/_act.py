"""``act``: issue a command on a case as a named person.

Each subcommand of ``act`` is one command class of :mod:`regflow.core.commands`;
its options are the command's fields. The regulation decides: a refused
command prints the reason with its clause, exits with 2 and changes nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from regflow.cli._context import CLIError, Context, add_common_options, dump_json, subcommand
from regflow.core import commands as c
from regflow.core.codec import event_to_record
from regflow.core.message import Attachment, AttachmentKind
from regflow.rules.kinds import Period
from regflow.rules.vocabulary import DraftKind

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["register"]


def _attachment(text: str) -> Attachment:
    """``photo:https://...`` -> an attachment."""
    kind, sep, url = text.partition(":")
    kinds = ", ".join(k.value for k in AttachmentKind)
    if not sep or not url or kind not in {k.value for k in AttachmentKind}:
        raise ValueError(f"expected KIND:URL with KIND one of {kinds}, got {text!r}")
    return Attachment(AttachmentKind(kind), url)


def _period(text: str) -> Period:
    return Period.parse(text)


@attrs.frozen
class _Field:
    """One option of an ``act`` subcommand and the command field it fills."""

    name: str
    """The command's field; the option is ``--name`` with ``-`` for ``_``."""
    help: str
    required: bool = False
    switch: bool = False
    """A flag: ``True`` when given."""
    many: bool = False
    """Repeatable, and each value may list several, comma-separated."""
    groups: bool = False
    """Repeatable; each value is one comma-separated group (``--order``)."""
    read: Callable[[str], object] = str
    choices: tuple[str, ...] | None = None
    default: str | None = None
    option: str | None = None
    """The option's name if not the field's."""
    metavar: str | None = None

    @property
    def flag(self) -> str:
        return "--" + (self.option or self.name.replace("_", "-"))


@attrs.frozen
class _Spec:
    command: Any
    """The command class (one of :data:`regflow.core.commands.Command`'s; Any: it is called
    with the fields the options gave, by name)."""
    summary: str
    fields: tuple[_Field, ...] = ()

    @property
    def name(self) -> str:
        return str(self.command.name).replace("_", "-")


_TEXT = _Field("text", "the text", required=True)
_DEPARTMENT = _Field("department", "the department's id", required=True)
_CONFIRM = _Field(
    "confirm_tight", "accept a shortened limit that leaves no time (ambiguity 3)", switch=True
)
_ATTACH = _Field(
    "attachments",
    "an attachment, KIND:URL (photo, video, document, link); repeatable",
    many=True,
    read=_attachment,
    option="attach",
    metavar="KIND:URL",
)

SPECS: tuple[_Spec, ...] = (
    _Spec(
        c.Classify,
        "the curator marks topics, location and importance (п. 7)",
        (
            _Field("topics", "topic ids, comma-separated", required=True, many=True),
            _Field("location", "where it is about (required unless the regulation says not)"),
            _Field(
                "importance", "the importance category (required unless the regulation says not)"
            ),
            _Field(
                "answer_limit", "a shorter answer limit for this message: 4h, 2h30m", read=_period
            ),
            _Field("significant", "socially significant: inform the deputy mayors", switch=True),
            _CONFIRM,
        ),
    ),
    _Spec(
        c.Route,
        "the curator sends the message to department(s) (п. 7, 15)",
        (
            _Field("departments", "department ids, comma-separated", required=True, many=True),
            _Field(
                "order",
                "one group of contributors (parallel inside); repeat for groups in sequence",
                groups=True,
            ),
            _Field("lead", "the department whose executor prepares the joint answer"),
            _CONFIRM,
        ),
    ),
    _Spec(
        c.ReturnToCurator,
        "a department head returns a message outside its competence (п. 8)",
        (_DEPARTMENT, _Field("reason", "why it is not the department's", required=True)),
    ),
    _Spec(
        c.AssignExecutor,
        "a department head designates the executor (п. 6)",
        (_DEPARTMENT, _Field("executor", "the executor's person id", required=True)),
    ),
    _Spec(
        c.SubmitContribution,
        "a co-executor sends its part of a joint answer (п. 15)",
        (_DEPARTMENT, _TEXT, _ATTACH),
    ),
    _Spec(
        c.SubmitDraft,
        "the executor sends a draft to the curator (п. 10, 12, 14)",
        (
            _Field(
                "kind",
                "answer (default), interim or clarification",
                read=DraftKind,
                choices=tuple(k.value for k in DraftKind),
                default=DraftKind.ANSWER.value,
            ),
            _TEXT,
            _Field("measures", "measures taken (required for a repeat message, п. 16)"),
            _ATTACH,
        ),
    ),
    _Spec(
        c.ApproveDraft, "the curator approves the draft (п. 11)", (_Field("remarks", "remarks"),)
    ),
    _Spec(
        c.ReturnForRework,
        "the curator returns the draft for rework (п. 11, 12)",
        (_Field("remarks", "what to rework", required=True),),
    ),
    _Spec(
        c.RequestPublication,
        "the executor asks for the approved answer to be published (п. 13)",
        (_Field("account", "the official account's URL (default: the platform's first)"),),
    ),
    _Spec(
        c.RecordPublication,
        "record an answer published by hand: its id and link (п. 13)",
        (
            _Field("external_id", "the answer's id in the network", required=True),
            _Field("url", "a link to it"),
        ),
    ),
    _Spec(
        c.RecordPublicationFailure,
        "record that publishing failed (п. 13)",
        (
            _Field("reason", "what went wrong", required=True),
            _Field("permanent", "a person must act (comments closed...)", switch=True),
        ),
    ),
    _Spec(
        c.RecordClarification,
        "record the author's answer to a clarification request",
        (_TEXT,),
    ),
    _Spec(
        c.Exclude,
        "the curator excludes the message (п. 18)",
        (
            _Field("category", "the exclusion category", required=True),
            _Field("evidence", "the words that exclude it"),
        ),
    ),
    _Spec(
        c.Escalate,
        "the curator informs the deputy mayors (п. 20)",
        (
            _Field("reason", "the escalation rule's id (significant, surge...)", required=True),
            _Field("note", "a note for the deputies"),
            _Field("deputies", "deputy mayors' ids (default: those of the topics)", many=True),
        ),
    ),
    _Spec(
        c.LinkRepeat,
        "the curator marks the message as a repeat of an earlier case (п. 16)",
        (_Field("previous_case_id", "the earlier case", required=True),),
    ),
    _Spec(
        c.Close,
        "the curator closes the case (no clause: an addition of the library)",
        (
            _Field("reason", "if unanswered: a closing reason's id (deleted, duplicate...)"),
            _Field("note", "more in words (which case a duplicate is of)"),
        ),
    ),
)
"""Every command a person issues, as an ``act`` subcommand (detection is ``ingest``)."""


def _who(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("who and when")
    group.add_argument(
        "--as", dest="actor", metavar="PERSON", default=argparse.SUPPRESS, help="who acts"
    )
    group.add_argument(
        "--at",
        metavar="TIME",
        default=argparse.SUPPRESS,
        help="when, local time: 2025-11-24 09:30 (default: now); more than a few minutes "
        "from now only with --import",
    )
    group.add_argument(
        "--import",
        dest="imported",
        action="store_true",
        default=argparse.SUPPRESS,
        help="take the command in from another system's history, at --at however far from "
        "now; its events are marked imported and flagged by verify and report",
    )


def register(commands: Commands) -> None:
    """Add ``act`` and its subcommands, one per command class."""
    parser = subcommand(
        commands,
        "act",
        "issue a command on a case as a named person",
        "Issue COMMAND on CASE as PERSON, at TIME (default now), e.g.\n"
        "  regflow act c-1 classify --as sokolova --topics roads --location Северный "
        "--importance high\n"
        "The regulation decides: a refused command prints the reason with its clause,\n"
        "exits with code 2 and changes nothing.",
    )
    parser.add_argument("case", metavar="CASE", help="the case's id, or the end of it")
    _who(parser)
    actions = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for spec in SPECS:
        aliases = [spec.command.name] if "_" in spec.command.name else []
        sub = actions.add_parser(spec.name, aliases=aliases, help=spec.summary)
        sub.description = f"{spec.summary[0].upper()}{spec.summary[1:]}."
        _who(sub)
        add_common_options(sub)
        sub.add_argument("--format", choices=("text", "json"), default="text")
        group = sub.add_argument_group("the command's fields")
        for field in spec.fields:
            _add(group, field)
        sub.set_defaults(spec=spec)
    parser.set_defaults(handler=_act)


def _add(group: argparse._ArgumentGroup, field: _Field) -> None:
    if field.switch:
        group.add_argument(field.flag, dest=field.name, action="store_true", help=field.help)
        return
    kwargs: dict[str, object] = {"dest": field.name, "help": field.help}
    if field.metavar:
        kwargs["metavar"] = field.metavar
    if field.many or field.groups:
        kwargs["action"] = "append"
    elif field.read is not str:
        kwargs["type"] = _reader(field)
    if field.choices:
        kwargs["choices"] = [field.read(choice) for choice in field.choices]
        kwargs["metavar"] = "{" + ",".join(field.choices) + "}"
    if field.default is not None:
        kwargs["default"] = field.default
    group.add_argument(field.flag, required=field.required, **kwargs)  # type: ignore[arg-type]


def _reader(field: _Field) -> Callable[[str], object]:
    def read(text: str) -> object:
        try:
            return field.read(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    read.__name__ = field.name
    return read


def _value(field: _Field, raw: object) -> object:
    if field.groups:
        assert isinstance(raw, list)
        return tuple(tuple(_items(value)) for value in raw)
    if field.many:
        assert isinstance(raw, list)
        try:
            return tuple(field.read(item) for value in raw for item in _items(value))
        except ValueError as exc:
            raise CLIError(f"{field.flag}: {exc}") from exc
    return raw


def _items(value: str) -> Sequence[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _act(ctx: Context) -> int:
    args = ctx.args
    spec: _Spec = args.spec
    actor = getattr(args, "actor", None)
    if actor is None:
        raise CLIError("say who acts: --as PERSON", 2)
    org = ctx.organization
    try:
        org.person(actor)
    except KeyError:
        raise CLIError(f"--as {actor}: no such person in {org.id}") from None
    store = ctx.store()
    entry = ctx.find_case(store, args.case)
    fields = {
        field.name: _value(field, getattr(args, field.name))
        for field in spec.fields
        if getattr(args, field.name) not in (None, False)
    }
    at = ctx.instant(getattr(args, "at", None), "--at")
    command = spec.command(case_id=entry.case_id, actor=actor, at=at, **fields)
    service = ctx.service(store)
    if getattr(args, "imported", False):
        events = service.import_history([command])
    else:
        events = service.handle(command)
    after = service.case(entry.case_id)
    if args.format == "json":
        dump_json({"events": [event_to_record(e) for e in events], "stage": after.stage}, ctx.out)
        return 0
    zone = org.zone
    for event in events:
        ctx.out.write(
            f"{event.case_id} #{event.seq} {event.type} by {event.actor} at "
            f"{event.at.astimezone(zone):%d.%m.%Y %H:%M} ({event.clause})\n"
        )
    ctx.out.write(f"stage: {after.stage}\n")
    return 0
