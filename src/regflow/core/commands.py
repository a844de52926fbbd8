"""Commands: what a person (or a system acting for one) asks of a case.

Every command names its actor (a person id of the organisation), the instant
it is issued and the case. :func:`regflow.core.decide` turns a valid command
into events or refuses it, citing the clause.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import attrs

from regflow.core.message import Attachment, Message
from regflow.rules.kinds import Period
from regflow.rules.vocabulary import DraftKind

__all__ = [
    "ApproveDraft",
    "AssignExecutor",
    "Classify",
    "Close",
    "Command",
    "Detect",
    "Escalate",
    "Exclude",
    "LinkRepeat",
    "RecordClarification",
    "RecordPublication",
    "RecordPublicationFailure",
    "RequestPublication",
    "ReturnForRework",
    "ReturnToCurator",
    "Route",
    "SubmitContribution",
    "SubmitDraft",
]


def _aware(_instance: object, attribute: attrs.Attribute[dt.datetime], value: dt.datetime) -> None:
    if value.utcoffset() is None:
        raise ValueError(f"{attribute.name} must be an aware datetime, got {value!r}")


@attrs.frozen(kw_only=True)
class _Command:
    case_id: str
    actor: str
    at: dt.datetime = attrs.field(validator=_aware)

    name: ClassVar[str] = ""


@attrs.frozen(kw_only=True)
class Detect(_Command):
    """The curator detected a message needing a reaction (п. 5, 7); opens the case.

    ``screening`` lists categories a screener found (п. 18), for the curator to decide on.
    """

    message: Message
    screening: tuple[str, ...] = ()
    name: ClassVar[str] = "detect"


@attrs.frozen(kw_only=True)
class Classify(_Command):
    """The curator marks topics, location and importance (п. 7).

    ``answer_limit`` sets a shorter answer deadline for this message;
    ``confirm_tight`` accepts a limit that leaves the draft deadline at or
    before routing (ambiguity 3), which is otherwise refused.
    """

    topics: tuple[str, ...]
    location: str | None = None
    importance: str = "normal"
    answer_limit: Period | None = None
    significant: bool = False
    confirm_tight: bool = False
    name: ClassVar[str] = "classify"


@attrs.frozen(kw_only=True)
class Route(_Command):
    """The curator sends the message to the competent department(s) (п. 7, 15, 16).

    After a department returns its part (п. 8) while others work on, routing
    again adds departments; the lead and the earlier order stay.
    ``confirm_tight`` accepts a shortened limit whose draft deadline has passed.

    With several departments: ``order`` is the curator's order of
    contributions (groups in sequence, departments in a group in parallel,
    п. 15(1)) and ``lead`` the department whose executor prepares the joint
    draft (п. 15(4)). Without ``order``, all contribute at once.
    """

    departments: tuple[str, ...]
    order: tuple[tuple[str, ...], ...] = ()
    lead: str | None = None
    confirm_tight: bool = False
    name: ClassVar[str] = "route"


@attrs.frozen(kw_only=True)
class ReturnToCurator(_Command):
    """A department head returns a message outside the department's competence (п. 8)."""

    department: str
    reason: str
    name: ClassVar[str] = "return_to_curator"


@attrs.frozen(kw_only=True)
class AssignExecutor(_Command):
    """A department head designates the executor; an absent one resolves to a substitute (п. 6)."""

    department: str
    executor: str
    name: ClassVar[str] = "assign_executor"


@attrs.frozen(kw_only=True)
class SubmitContribution(_Command):
    """A co-executor sends its part of a joint answer to the curator (п. 15(2))."""

    department: str
    text: str
    attachments: tuple[Attachment, ...] = ()
    name: ClassVar[str] = "submit_contribution"


@attrs.frozen(kw_only=True)
class SubmitDraft(_Command):
    """The executor sends a draft to the curator (п. 10, 12).

    ``measures`` states the measures taken or the progress, required for an
    answer to a repeat message (п. 16).
    """

    kind: DraftKind
    text: str
    attachments: tuple[Attachment, ...] = ()
    measures: str | None = None
    name: ClassVar[str] = "submit_draft"


@attrs.frozen(kw_only=True)
class ApproveDraft(_Command):
    """The curator approves the submitted draft (п. 11)."""

    remarks: str = ""
    name: ClassVar[str] = "approve"


@attrs.frozen(kw_only=True)
class ReturnForRework(_Command):
    """The curator returns the submitted draft for rework (п. 11, 12)."""

    remarks: str
    name: ClassVar[str] = "return_for_rework"


@attrs.frozen(kw_only=True)
class RequestPublication(_Command):
    """The executor asks for the approved answer to be published (п. 13).

    The service publishes it through the outbox with an idempotency key.
    ``account`` is the official account to publish from (its URL or its
    ``external_id``); it must be one of the organisation's official accounts
    on the message's platform. Without it, the administration's account
    there is used; with no official account on that platform the request is
    refused (п. 13).
    """

    account: str | None = None
    name: ClassVar[str] = "request_publication"


@attrs.frozen(kw_only=True)
class RecordPublication(_Command):
    """The approved answer was published: its id and link in the network (п. 13)."""

    external_id: str
    url: str = ""
    name: ClassVar[str] = "record_publication"


@attrs.frozen(kw_only=True)
class RecordPublicationFailure(_Command):
    """Publishing failed; ``permanent`` failures (comments closed, access denied) need a person."""

    reason: str
    permanent: bool = False
    name: ClassVar[str] = "record_publication_failure"


@attrs.frozen(kw_only=True)
class RecordClarification(_Command):
    """The author answered a clarification request."""

    text: str
    name: ClassVar[str] = "record_clarification"


@attrs.frozen(kw_only=True)
class Exclude(_Command):
    """The curator excludes the message from processing (п. 18), citing a category."""

    category: str
    evidence: str = ""
    name: ClassVar[str] = "exclude"


@attrs.frozen(kw_only=True)
class Escalate(_Command):
    """The curator informs the deputy mayors who supervise the topic (п. 20)."""

    reason: str
    note: str = ""
    deputies: tuple[str, ...] = ()
    name: ClassVar[str] = "escalate"


@attrs.frozen(kw_only=True)
class LinkRepeat(_Command):
    """The curator marks the message as a repeat of an earlier case (п. 16)."""

    previous_case_id: str
    name: ClassVar[str] = "link_repeat"


@attrs.frozen(kw_only=True)
class Close(_Command):
    """The curator closes the case (answered, or with a reason)."""

    reason: str = ""
    name: ClassVar[str] = "close"


Command = (
    Detect
    | Classify
    | Route
    | ReturnToCurator
    | AssignExecutor
    | SubmitContribution
    | SubmitDraft
    | ApproveDraft
    | ReturnForRework
    | RequestPublication
    | RecordPublication
    | RecordPublicationFailure
    | RecordClarification
    | Exclude
    | Escalate
    | LinkRepeat
    | Close
)
"""Any command."""
