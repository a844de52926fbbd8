"""A store's integrity: every case's hash chain, the store-wide chain, the case index,
the outbox, and the store's head against an anchor exported earlier.

:func:`audit` is what ``regflow verify`` runs; :func:`take_anchor` is ``regflow
anchor``. An :class:`Anchor` is the chain's head (its position, link and the
counts of events and outbox items up to it), optionally signed with HMAC-SHA256
under a key the operator keeps outside the database (RFC 2104; the signed bytes
are the RFC 8785 JSON of the anchor without its signature). What the checks
prove, and what they cannot, is in docs/auditor-guide.md.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import attrs

from regflow.core import jcs
from regflow.core.case import Case, replay
from regflow.core.events import Event, verify
from regflow.errors import InvalidAnchor, StorageError, TamperedHistory
from regflow.ports.chain import CHAIN_START, ChainEntry, ChainHead, item_digest, link
from regflow.ports.store import CaseEntry, Store, UnitOfWork

__all__ = ["ANCHOR_FORMAT", "Anchor", "AuditReport", "Finding", "audit", "take_anchor"]

ANCHOR_FORMAT = "regflow-anchor/1"
_BATCH = 1000
_EVERY = 1_000_000_000
_RACY = frozenset({"not-in-chain", "index-moved", "index-missing"})
"""Findings a command committed during the audit could cause; checked again before told."""
_KEY_BYTES = 16
"""The shortest signing key accepted (128 bits)."""


@attrs.frozen
class Anchor:
    """The store's head at one instant, to keep outside the database.

    ``position`` and ``link`` are the chain's head; ``events`` and ``outbox`` count
    the entries of each kind up to it; ``taken_at`` is the clock's instant;
    ``signature`` is the HMAC-SHA256 (hex) of :meth:`signed_bytes` if it was signed.
    """

    position: int
    link: str
    events: int
    outbox: int
    taken_at: dt.datetime
    signature: str | None = None

    def signed_bytes(self) -> bytes:
        """What the signature covers: the RFC 8785 JSON of the anchor without it."""
        return jcs.dumps(self._document()).encode()

    def _document(self) -> dict[str, object]:
        return {
            "format": ANCHOR_FORMAT,
            "position": self.position,
            "link": self.link,
            "events": self.events,
            "outbox": self.outbox,
            "taken_at": self.taken_at.astimezone(dt.UTC).isoformat(),
        }

    def signed(self, key: bytes) -> Anchor:
        """This anchor signed with ``key`` (HMAC-SHA256)."""
        digest = hmac.new(_check_key(key), self.signed_bytes(), hashlib.sha256).hexdigest()
        return attrs.evolve(self, signature=digest)

    def check_signature(self, key: bytes | None, *, path: str = "") -> None:
        """Raise unless the signature holds under ``key`` (``None``: the anchor must be
        unsigned, for a key cannot be checked without it).

        Raises:
            InvalidAnchor: signed but no key given, a key given but unsigned, or the
                signature does not hold (the anchor, or the key, is not the one used).
        """
        if key is None:
            if self.signature is not None:
                raise InvalidAnchor("the anchor is signed: give the key to check it", path=path)
            return
        if self.signature is None:
            raise InvalidAnchor("the anchor is not signed, but a key was given", path=path)
        expected = hmac.new(_check_key(key), self.signed_bytes(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, self.signature):
            raise InvalidAnchor(
                "its signature does not hold under this key (the anchor was changed, or "
                "signed with another key)",
                path=path,
            )

    def to_json(self) -> str:
        """The anchor as an indented JSON document."""
        document: dict[str, object] = self._document()
        if self.signature is not None:
            document["signature"] = {"algorithm": "hmac-sha256", "value": self.signature}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str, *, path: str = "") -> Anchor:
        """The anchor :meth:`to_json` wrote.

        Raises:
            InvalidAnchor: not JSON, or a field missing or of the wrong type (its path).
        """
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidAnchor(f"not JSON: {exc.msg} at line {exc.lineno}", path=path) from None
        if not isinstance(document, dict):
            raise InvalidAnchor("$: expected a JSON object", path=path)
        if document.get("format") != ANCHOR_FORMAT:
            raise InvalidAnchor(f"$.format: expected {ANCHOR_FORMAT!r}", path=path)
        found: dict[str, Any] = {}
        for name, kind in (("position", int), ("events", int), ("outbox", int), ("link", str)):
            value = document.get(name)
            if type(value) is not kind or (isinstance(value, int) and value < 0):
                raise InvalidAnchor(f"$.{name}: expected a {kind.__name__}", path=path)
            found[name] = value
        try:
            taken = dt.datetime.fromisoformat(str(document.get("taken_at")))
        except ValueError:
            raise InvalidAnchor("$.taken_at: expected an ISO 8601 instant", path=path) from None
        if taken.utcoffset() is None:
            raise InvalidAnchor("$.taken_at: the instant has no time zone", path=path)
        signature = document.get("signature")
        value = None
        if signature is not None:
            if not isinstance(signature, dict) or signature.get("algorithm") != "hmac-sha256":
                raise InvalidAnchor("$.signature.algorithm: expected 'hmac-sha256'", path=path)
            value = signature.get("value")
            if not isinstance(value, str):
                raise InvalidAnchor("$.signature.value: expected a string", path=path)
        return cls(taken_at=taken, signature=value, **found)


def _check_key(key: bytes) -> bytes:
    if len(key) < _KEY_BYTES:
        raise InvalidAnchor(f"the key has {len(key)} bytes; use at least {_KEY_BYTES}")
    return key


@attrs.frozen
class Finding:
    """One thing the audit found wrong: ``kind`` (a short English tag), what it is, where."""

    kind: str
    message: str
    case_id: str | None = None
    seq: int | None = None

    def __str__(self) -> str:
        where = (
            f"case {self.case_id}: " if self.case_id and self.case_id not in self.message else ""
        )
        return f"{where}{self.message}"


@attrs.frozen
class AuditReport:
    """What :func:`audit` checked and found.

    ``declared`` lists the events (case, seq) whose declared time lies further from the
    time the service received them than ``tolerance``, and ``imported`` those taken in
    from another system's history: not failures, but flagged for the auditor.
    """

    cases: int
    events: int
    outbox: int
    head: ChainHead
    findings: tuple[Finding, ...]
    declared: tuple[tuple[str, int, dt.timedelta], ...] = ()
    imported: tuple[tuple[str, int], ...] = ()

    @property
    def ok(self) -> bool:
        """Nothing was found wrong."""
        return not self.findings


def take_anchor(store: Store, now: dt.datetime, *, key: bytes | None = None) -> Anchor:
    """The store's head as of now, signed with ``key`` if given."""
    with store.unit_of_work() as uow:
        head = uow.chain.head()
        counts = {"event": 0, "outbox": 0}
        for entry in _entries(uow, 0, head.position):
            counts[entry.kind] = counts.get(entry.kind, 0) + 1
    anchor = Anchor(head.position, head.link, counts["event"], counts["outbox"], now)
    return anchor.signed(key) if key is not None else anchor


def _entries(uow: UnitOfWork, after: int, until: int | None = None) -> Iterator[ChainEntry]:
    while until is None or after < until:
        batch = uow.chain.entries(after, _BATCH)
        for entry in batch:
            if until is not None and entry.position > until:
                return
            yield entry
        if len(batch) < _BATCH:
            return
        after = batch[-1].position


def audit(
    store: Store,
    *,
    anchor: Anchor | None = None,
    tolerance: tuple[dt.timedelta, dt.timedelta] | None = None,
) -> AuditReport:
    """Check everything the store can be checked for, in one unit of work.

    Every case's hash chain (an edited, removed, inserted or reordered event; times
    that go back), the store-wide chain (its links, and each entry against the
    event or outbox item it names: a case's cut-off tail, a deleted case, an edited
    outbox item), the case index against the histories (a case without events, a
    missing index row, one that says another stage or version than its history),
    and, with ``anchor``, that the chain still passes through the anchored head
    (anything removed or rewritten before it). ``tolerance`` (behind, ahead) flags
    events whose declared time lies further from their receipt.
    """
    findings: list[Finding] = []
    with store.unit_of_work() as uow:
        head, by_event, items = _walk(uow, anchor, findings)
        entries = {e.case_id: e for e in uow.cases.query(stage="any", limit=_EVERY)}
        cases = sorted(set(entries) | {case_id for case_id, _seq in by_event})
        in_chain: dict[str, list[int]] = {}
        for case_id, seq in by_event:
            in_chain.setdefault(case_id, []).append(seq)
        declared: list[tuple[str, int, dt.timedelta]] = []
        imported: list[tuple[str, int]] = []
        events = 0
        for case_id in cases:
            history = _history(uow, case_id, findings)
            if history is None:
                continue
            found: list[Finding] = []
            _check_case(case_id, history, entries.get(case_id), by_event, in_chain, found)
            if any(f.kind in _RACY for f in found):
                # on a database shared by workers the reads of one unit of work need not be
                # one snapshot: a command committed meanwhile is read again, then judged
                for entry in _entries(uow, head.position):
                    if entry.kind == "event" and entry.seq is not None:
                        by_event[(entry.ref, entry.seq)] = (entry.position, entry.digest)
                        in_chain.setdefault(entry.ref, []).append(entry.seq)
                history = _history(uow, case_id, findings)
                if history is None:
                    continue
                found = []
                _check_case(case_id, history, uow.cases.get(case_id), by_event, in_chain, found)
            findings.extend(found)
            events += len(history)
            for event in history:
                if event.imported:
                    imported.append((event.case_id, event.seq))
                elif event.received_at is not None and tolerance is not None:
                    skew = event.at - event.received_at
                    if skew < -tolerance[0] or skew > tolerance[1]:
                        declared.append((event.case_id, event.seq, skew))
        for key, (position, digest) in items.items():
            item = uow.outbox.get(key)
            if item is None:
                findings.append(
                    Finding("outbox-deleted", f"outbox item {key} (chain {position}) is gone")
                )
            elif item_digest(item.key, item.kind, item.payload, item.created_at, item.case_id) != (
                digest
            ):
                findings.append(
                    Finding(
                        "outbox-edited",
                        f"outbox item {key} (chain {position}) was edited: its kind, payload, "
                        "creation time or case differ from what was enqueued",
                        item.case_id,
                    )
                )
    return AuditReport(
        len(cases), events, len(items), head, tuple(findings), tuple(declared), tuple(imported)
    )


def _walk(
    uow: UnitOfWork, anchor: Anchor | None, findings: list[Finding]
) -> tuple[ChainHead, dict[tuple[str, int], tuple[int, str]], dict[str, tuple[int, str]]]:
    """Recompute the chain's links; the events and items it names, by their places."""
    previous, position = CHAIN_START, 0
    by_event: dict[tuple[str, int], tuple[int, str]] = {}
    items: dict[str, tuple[int, str]] = {}
    broken = False
    for entry in _entries(uow, 0):
        if entry.position != position + 1:
            findings.append(
                Finding(
                    "chain-gap",
                    f"the store-wide chain jumps from position {position} to {entry.position} "
                    "(entries were removed)",
                )
            )
        expected = link(previous, entry.position, entry.kind, entry.ref, entry.seq, entry.digest)
        if expected != entry.link and not broken:
            broken = True
            findings.append(
                Finding(
                    "chain-edited",
                    f"the store-wide chain's link at position {entry.position} does not follow "
                    "from the one before (an entry was edited, inserted or removed)",
                )
            )
        if anchor is not None and entry.position == anchor.position and entry.link != anchor.link:
            findings.append(
                Finding(
                    "anchor-mismatch",
                    f"the chain no longer passes through the anchored head (position "
                    f"{anchor.position}): the history before it was rewritten",
                )
            )
        if entry.kind == "event" and entry.seq is not None:
            if (entry.ref, entry.seq) in by_event:
                findings.append(
                    Finding("chain-duplicate", "an event has two places in the chain", entry.ref)
                )
            by_event[(entry.ref, entry.seq)] = (entry.position, entry.digest)
        elif entry.kind == "outbox":
            items[entry.ref] = (entry.position, entry.digest)
        previous, position = entry.link, entry.position
    head = ChainHead(position, previous)
    stored = uow.chain.head()
    if stored != head:
        findings.append(Finding("chain-head", "the chain's head row disagrees with its entries"))
    if anchor is not None and position < anchor.position:
        findings.append(
            Finding(
                "anchor-truncated",
                f"the chain ends at position {position}, before the anchored head at "
                f"{anchor.position}: {anchor.position - position} entries were removed",
            )
        )
    return head, by_event, items


def _history(uow: UnitOfWork, case_id: str, findings: list[Finding]) -> tuple[Event, ...] | None:
    try:
        return uow.events.load(case_id)
    except StorageError as exc:  # a record edited until it no longer reads as an event
        findings.append(Finding("unreadable", str(exc), case_id))
        return None


def _check_case(
    case_id: str,
    history: tuple[Event, ...],
    entry: CaseEntry | None,
    by_event: dict[tuple[str, int], tuple[int, str]],
    in_chain: dict[str, list[int]],
    findings: list[Finding],
) -> None:
    chained = in_chain.get(case_id, [])
    if not history:
        if entry is not None:
            findings.append(
                Finding("no-events", f"case {case_id} is in the index but has no events", case_id)
            )
        if chained:
            findings.append(
                Finding(
                    "deleted-case",
                    f"case {case_id} is gone: the chain holds {len(chained)} of its events",
                    case_id,
                )
            )
        return
    try:
        verify(history)
    except TamperedHistory as exc:
        findings.append(Finding("tampered", str(exc), exc.case_id, exc.seq))
        return
    for event in history:
        placed = by_event.get((case_id, event.seq))
        if placed is None:
            findings.append(
                Finding(
                    "not-in-chain",
                    f"case {case_id}, event {event.seq} is not in the store-wide chain "
                    "(inserted outside the store)",
                    case_id,
                    event.seq,
                )
            )
        elif placed[1] != event.hash:
            findings.append(
                Finding(
                    "rewritten",
                    f"case {case_id}, event {event.seq}: its hash differs from the one the "
                    f"chain recorded at position {placed[0]} (the history was rewritten)",
                    case_id,
                    event.seq,
                )
            )
    missing = sorted(seq for seq in chained if seq > len(history))
    if missing:
        findings.append(
            Finding(
                "truncated",
                f"case {case_id} ends at event {len(history)}, but the chain holds events "
                f"{missing[0]}..{missing[-1]} (the tail was cut off)",
                case_id,
                missing[0],
            )
        )
    if entry is None:
        findings.append(
            Finding("index-missing", f"case {case_id} has events but no index row", case_id)
        )
    else:
        _check_entry(replay(history), entry, findings)


def _check_entry(case: Case, entry: CaseEntry, findings: list[Finding]) -> None:
    expected = {
        "organization": case.organization,
        "stage": case.stage,
        "version": case.version,
        "detected_at": case.detected_at,
        "departments": tuple(case.departments),
        "executors": tuple(sorted(set(case.executors.values()))),
        "topics": tuple(case.topics),
        "location": case.location,
    }
    wrong = [name for name, value in expected.items() if getattr(entry, name) != value]
    if wrong:
        findings.append(
            Finding(
                "index-moved",
                f"case {case.id}: the index row disagrees with its history in "
                f"{', '.join(wrong)} (the row was edited or moved)",
                case.id,
            )
        )
