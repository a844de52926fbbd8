"""Events: the facts of a case's life, and its tamper-evident audit trail.

An :class:`Event` is an envelope (case, sequence number, instant, actor, the
clause it happened under, and the hash chain) around a typed payload. Each
event's hash covers a canonical encoding of the event and the previous
event's hash, so :func:`verify` finds any edited, removed or reordered event.

Two encoding schemes exist (see :func:`canonical`). Scheme 1, of events stored
before regflow recorded when it received them, is Python's sorted-key JSON;
scheme 2, of every new event, is RFC 8785 JSON and covers the instant the
service received the event (``received_at``, from its clock) beside the instant
the command declared (``at``), and whether it was imported from another
system's history. An event's record says its scheme; old events keep verifying
under theirs.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import attrs

from regflow.core import jcs
from regflow.core.message import Attachment, Message
from regflow.errors import TamperedHistory
from regflow.rules.kinds import Period
from regflow.rules.vocabulary import DraftKind

__all__ = [
    "GENESIS",
    "SCHEME",
    "Approved",
    "ClarificationReceived",
    "Classified",
    "Closed",
    "ContributionCancelled",
    "ContributionOpened",
    "ContributionSubmitted",
    "Detected",
    "DraftSubmitted",
    "Escalated",
    "Event",
    "Excluded",
    "ExecutorAssigned",
    "Payload",
    "PublicationFailed",
    "PublicationRequested",
    "Published",
    "RepeatLinked",
    "ReturnedForRework",
    "ReturnedToCurator",
    "Routed",
    "canonical",
    "verify",
]

GENESIS = "0" * 64
"""The 'previous hash' of a case's first event."""

SCHEME = 2
"""The encoding scheme of new events: RFC 8785 JSON with ``received_at`` and ``imported``."""

_ADDED = "regflow.added"


def _added(default: Any) -> Any:  # Any: attrs.field's own return type
    """A payload field added after events of its type were first stored: left out of the
    canonical encoding while it holds its default, so that events stored before it existed
    keep their hashes (and read back with the default)."""
    return attrs.field(default=default, metadata={_ADDED: True})


@attrs.frozen
class Detected:
    """A message was detected by the curator; the case binds to a regulation version."""

    type: ClassVar[str] = "detected"
    message: Message
    regulation: str
    organization: str
    screening: tuple[str, ...] = ()


@attrs.frozen
class Classified:
    """Topics, location and importance were set (п. 7).

    ``answer_limit`` is the per-message limit in force after this event (one set
    before and not restated is carried over); ``tight_confirmed``: the curator
    confirmed a limit that leaves a deadline counted back from it no time, which
    that deadline's reading (``too_short = "waive"``) then waives.
    """

    type: ClassVar[str] = "classified"
    topics: tuple[str, ...]
    location: str | None
    importance: str | None
    answer_limit: Period | None = None
    significant: bool = False
    tight_confirmed: bool = False


@attrs.frozen
class Routed:
    """The message went to departments, with the order of contributions and a lead (п. 7, 15).

    ``departments`` is every department the case is routed to after this
    event; ``added`` those this routing sent it to (all of them, unless the
    curator re-routes a part returned under п. 8 while others keep working).
    ``order`` is the curator's order as given (it names the lead only where the
    regulation's reading has the lead send a part of its own). ``preparer`` is
    the person the curator appointed to prepare the answer (п. 15(4)), if any;
    an ``executor_assigned`` event for the lead's department follows.
    """

    type: ClassVar[str] = "routed"
    departments: tuple[str, ...]
    order: tuple[tuple[str, ...], ...]
    lead: str
    added: tuple[str, ...]
    preparer: str | None = _added(None)


@attrs.frozen
class ReturnedToCurator:
    """A department returned the message as outside its competence (п. 8)."""

    type: ClassVar[str] = "returned_to_curator"
    department: str
    reason: str


@attrs.frozen
class ExecutorAssigned:
    """A department's executor was designated; ``substitution`` says why if not the one asked."""

    type: ClassVar[str] = "executor_assigned"
    department: str
    requested: str
    executor: str
    substitution: str | None = None


@attrs.frozen
class ContributionOpened:
    """A co-executor received the message for its part (п. 15(3) starts its clock)."""

    type: ClassVar[str] = "contribution_opened"
    department: str
    executor: str


@attrs.frozen
class ContributionSubmitted:
    """A co-executor sent its part to the curator (п. 15(2))."""

    type: ClassVar[str] = "contribution_submitted"
    department: str
    executor: str
    text: str
    attachments: tuple[Attachment, ...] = ()


@attrs.frozen
class ContributionCancelled:
    """A co-executor's part is no longer owed: its department left the case or now leads it."""

    type: ClassVar[str] = "contribution_cancelled"
    department: str
    reason: str


@attrs.frozen
class DraftSubmitted:
    """A draft went to the curator for approval (п. 10, 12); drafts are numbered."""

    type: ClassVar[str] = "draft_submitted"
    kind: DraftKind
    number: int
    text: str
    attachments: tuple[Attachment, ...] = ()
    measures: str | None = None


@attrs.frozen
class Approved:
    """The curator approved a draft (п. 11)."""

    type: ClassVar[str] = "approved"
    kind: DraftKind
    number: int
    remarks: str = ""


@attrs.frozen
class ReturnedForRework:
    """The curator returned a draft for rework (п. 11, 12)."""

    type: ClassVar[str] = "returned_for_rework"
    kind: DraftKind
    number: int
    remarks: str


@attrs.frozen
class PublicationRequested:
    """Publishing an approved draft was requested; ``key`` makes retries idempotent (п. 13)."""

    type: ClassVar[str] = "publication_requested"
    kind: DraftKind
    number: int
    key: str
    account: str | None = None


@attrs.frozen
class Published:
    """An approved draft appeared in the network (п. 13)."""

    type: ClassVar[str] = "published"
    kind: DraftKind
    number: int
    external_id: str
    url: str = ""


@attrs.frozen
class PublicationFailed:
    """Publishing failed; a permanent failure needs the curator (п. 13)."""

    type: ClassVar[str] = "publication_failed"
    kind: DraftKind
    number: int
    reason: str
    permanent: bool


@attrs.frozen
class ClarificationReceived:
    """The author answered a clarification request."""

    type: ClassVar[str] = "clarification_received"
    text: str


@attrs.frozen
class Excluded:
    """The message was excluded from processing (п. 18)."""

    type: ClassVar[str] = "excluded"
    category: str
    evidence: str = ""


@attrs.frozen
class Escalated:
    """The deputy mayors supervising the question were informed (п. 20).

    ``reason`` is the id of the regulation's escalation rule. A curator's escalation
    carries a ``note``; one the rules raised by themselves is ``automatic`` and says what
    it counted: ``observed`` against ``threshold`` within ``window`` (a surge of messages
    on ``topic`` at ``location``, or the breaches attributed to the department
    ``shortcomings_of``).
    """

    type: ClassVar[str] = "escalated"
    reason: str
    deputies: tuple[str, ...]
    note: str = ""
    automatic: bool = _added(False)
    threshold: int = _added(0)
    observed: int = _added(0)
    window: Period | None = _added(None)  # noqa: RUF009
    topic: str | None = _added(None)
    location: str | None = _added(None)
    shortcomings_of: str | None = _added(None)


@attrs.frozen
class RepeatLinked:
    """The message repeats an earlier case's question (п. 16)."""

    type: ClassVar[str] = "repeat_linked"
    previous_case_id: str


@attrs.frozen
class Closed:
    """The case was closed: ``reason`` is the id of the regulation's reason to close
    without an answer (empty for an answered case), ``note`` the curator's words."""

    type: ClassVar[str] = "closed"
    reason: str = ""
    note: str = _added("")


Payload = (
    Detected
    | Classified
    | Routed
    | ReturnedToCurator
    | ExecutorAssigned
    | ContributionOpened
    | ContributionSubmitted
    | ContributionCancelled
    | DraftSubmitted
    | Approved
    | ReturnedForRework
    | PublicationRequested
    | Published
    | PublicationFailed
    | ClarificationReceived
    | Excluded
    | Escalated
    | RepeatLinked
    | Closed
)
"""Any event payload."""

PAYLOADS: dict[str, type[Payload]] = {
    cls.type: cls
    for cls in (
        Detected,
        Classified,
        Routed,
        ReturnedToCurator,
        ExecutorAssigned,
        ContributionOpened,
        ContributionSubmitted,
        ContributionCancelled,
        DraftSubmitted,
        Approved,
        ReturnedForRework,
        PublicationRequested,
        Published,
        PublicationFailed,
        ClarificationReceived,
        Excluded,
        Escalated,
        RepeatLinked,
        Closed,
    )
}
"""Payload classes by event type name."""


_SCALARS = frozenset({str, int, float, bool, type(None)})
_ABSENT = object()


_FIELD_NAMES: dict[type, tuple[tuple[str, ...], dict[str, object]] | None] = {}


def _field_names(kind: type) -> tuple[tuple[str, ...], dict[str, object]] | None:
    """The field names of an attrs class, in order, and the defaults of its added fields
    (``None`` for any other class)."""
    try:
        return _FIELD_NAMES[kind]
    except KeyError:
        found = None
        if attrs.has(kind):
            fields = attrs.fields(kind)
            added = {f.name: f.default for f in fields if f.metadata.get(_ADDED)}
            found = (tuple(f.name for f in fields), added)
        _FIELD_NAMES[kind] = found
        return found


def _plain(value: Any) -> Any:
    """A JSON-able form of a payload value, deterministic for hashing."""
    kind = type(value)
    if kind in _SCALARS:
        return value
    if isinstance(value, Period):  # before the attrs branch: a period is written as "8h"
        return str(value)
    described = _field_names(kind)
    if described is not None:
        names, added = described
        if not added:
            return {name: _plain(getattr(value, name)) for name in names}
        return {
            name: _plain(field)
            for name in names
            if (field := getattr(value, name)) != added.get(name, _ABSENT)
        }
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    return value


_SORTED_JSON = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""The canonical encoder: sorted keys, no spaces, text as is."""
_string = json.encoder.encode_basestring
"""A string as a JSON string literal, as :data:`_SORTED_JSON` writes it."""


@attrs.frozen
class Event:
    """One fact of a case: who did what, when, under which clause, chained by hash.

    Attributes:
        case_id: the case.
        seq: 1 for the first event of the case, then 2, 3...
        at: when it happened (the command's instant).
        actor: the person id who caused it.
        clause: the clause it happened under (``"п. 9"``).
        data: the typed payload.
        prev_hash: the previous event's :attr:`hash` (:data:`GENESIS` for the first).
        hash: SHA-256 over :func:`canonical` of this event.
        received_at: when the service received the command, by its clock (``None`` on
            events of scheme 1, stored before it was recorded, and on events made
            outside a service). ``at`` is what the command declared.
        imported: the event came from another system's history (``Service.import_history``),
            where ``at`` is that system's word and may lie far from ``received_at``.
        scheme: how the hash was computed (:func:`canonical`): 1 for events stored by
            earlier regflow versions, :data:`SCHEME` for new ones.
    """

    case_id: str
    seq: int
    at: dt.datetime
    actor: str
    clause: str
    data: Payload
    prev_hash: str
    hash: str
    received_at: dt.datetime | None = None
    imported: bool = False
    scheme: int = SCHEME
    data_json: str | None = attrs.field(default=None, init=False, eq=False, repr=False, hash=False)
    """The payload's canonical JSON text as the hash covered it, kept by :meth:`make` so
    that a store need not encode it again (``None`` on events read back or copied with
    ``attrs.evolve``, so a copy never carries another payload's text)."""

    @property
    def type(self) -> str:
        """The event type name (``"published"``)."""
        return self.data.type

    @property
    def kind(self) -> str | None:
        """The draft kind the event concerns, if any (``"interim"``)."""
        kind = getattr(self.data, "kind", None)
        return kind.value if kind is not None else None

    @property
    def departments(self) -> tuple[str, ...]:
        """The departments the event names (for per-department deadlines)."""
        if isinstance(self.data, Routed):
            return self.data.added
        department = getattr(self.data, "department", None)
        return (department,) if department is not None else ()

    @classmethod
    def make(
        cls,
        case_id: str,
        seq: int,
        at: dt.datetime,
        actor: str,
        clause: str,
        data: Payload,
        prev_hash: str,
        *,
        received_at: dt.datetime | None = None,
        imported: bool = False,
    ) -> Event:
        """An event with its hash computed, under scheme :data:`SCHEME`.

        Raises:
            ValueError: the payload holds a value RFC 8785 cannot write (an integer
                beyond 2**53 in a message's source record).
        """
        data_json = jcs.dumps(_plain(data))
        document = _document(
            case_id,
            seq,
            at,
            actor,
            clause,
            data.type,
            data_json,
            prev_hash,
            (received_at, imported),
        )
        digest = hashlib.sha256(document).hexdigest()
        event = cls(case_id, seq, at, actor, clause, data, prev_hash, digest, received_at, imported)
        object.__setattr__(event, "data_json", data_json)
        return event


def _document(
    case_id: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    clause: str,
    type_: str,
    data_json: str,
    prev_hash: str,
    stamp: tuple[dt.datetime | None, bool] | None = None,
) -> bytes:
    # The JSON object of :func:`canonical`, its keys in sorted order, written piece by
    # piece: the payload's text is encoded once and serves the record too. ``stamp`` is
    # scheme 2's (received_at, imported); None writes scheme 1.
    if stamp is None:
        middle = f',"prev_hash":{_string(prev_hash)},'
    else:
        received_at, imported = stamp
        received = "null" if received_at is None else _string(_utc(received_at))
        middle = (
            f',"imported":{"true" if imported else "false"},"prev_hash":{_string(prev_hash)},'
            f'"received_at":{received},"scheme":{SCHEME},'
        )
    return (
        f'{{"actor":{_string(actor)},"at":{_string(_utc(at))},'
        f'"case_id":{_string(case_id)},"clause":{_string(clause)},"data":{data_json}'
        f'{middle}"seq":{int(seq)},"type":{_string(type_)}}}'
    ).encode()


def _utc(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).isoformat()


def canonical(
    case_id: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    clause: str,
    data: Payload,
    prev_hash: str,
    *,
    scheme: int = SCHEME,
    received_at: dt.datetime | None = None,
    imported: bool = False,
) -> bytes:
    """The bytes an event's hash (SHA-256) covers, in UTF-8.

    Scheme 2 (new events): the RFC 8785 canonical JSON of the object with the keys
    ``actor``, ``at`` (ISO 8601 in UTC: ``2025-11-24T01:00:00+00:00``, microseconds
    when not zero), ``case_id``, ``clause``, ``data`` (the payload's fields; a field
    added to a payload after its first events were stored is left out while it holds
    its default), ``imported`` (``true``/``false``), ``prev_hash``, ``received_at``
    (ISO 8601 in UTC, or ``null``), ``scheme`` (``2``), ``seq`` and ``type``.

    Scheme 1 (events stored before): the same object without ``imported``,
    ``received_at`` and ``scheme``, as Python's ``json.dumps(obj, sort_keys=True,
    ensure_ascii=False, separators=(",", ":"))`` writes it (which equals RFC 8785 but
    for floating-point numbers, written as Python's ``repr``, and keys beyond the
    Basic Multilingual Plane, sorted by code point).

    Raises:
        ValueError: an unknown scheme.
    """
    if scheme == 1:
        data_json = _SORTED_JSON.encode(_plain(data))
        return _document(case_id, seq, at, actor, clause, data.type, data_json, prev_hash)
    if scheme != SCHEME:
        raise ValueError(f"unknown event encoding scheme {scheme!r}")
    data_json = jcs.dumps(_plain(data))
    stamp = (received_at, imported)
    return _document(case_id, seq, at, actor, clause, data.type, data_json, prev_hash, stamp)


def verify(events: Sequence[Event] | Iterable[Event]) -> int:
    """Check a case's hash chain; returns the number of events checked.

    Raises:
        TamperedHistory: the first event that was edited, removed, inserted or
            reordered, or whose time goes back before the previous event's (the rules
            never let a command act before a case's last event).
    """
    previous = GENESIS
    last: Event | None = None
    count = 0
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            raise TamperedHistory(
                f"sequence number {event.seq} where {expected_seq} was expected "
                "(an event was removed, inserted or reordered)",
                case_id=event.case_id,
                seq=event.seq,
            )
        if event.prev_hash != previous:
            raise TamperedHistory(
                "does not follow the previous event's hash", case_id=event.case_id, seq=event.seq
            )
        digest = hashlib.sha256(
            canonical(
                event.case_id,
                event.seq,
                event.at,
                event.actor,
                event.clause,
                event.data,
                event.prev_hash,
                scheme=event.scheme,
                received_at=event.received_at,
                imported=event.imported,
            )
        ).hexdigest()
        if digest != event.hash:
            raise TamperedHistory(
                "its content does not match its hash (edited)", case_id=event.case_id, seq=event.seq
            )
        if last is not None and event.at < last.at:
            raise TamperedHistory(
                "its time goes back before the previous event's",
                case_id=event.case_id,
                seq=event.seq,
            )
        previous = event.hash
        last = event
        count += 1
    return count
