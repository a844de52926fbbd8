"""The store-wide chain: every event and outbox item in one sequence, with a running hash.

A case's own hash chain shows an edited, removed or reordered event inside that
case's history; it cannot show a case's last events cut off, a whole case
deleted, or an outbox item edited. The store-wide chain can: each stored event
and each enqueued outbox item takes the next *position* of one sequence, and
its *link* is the SHA-256 of the previous link and of the entry's own digest
(the event's hash; the outbox item's :func:`item_digest`). The store writes the
chain in the unit of work that writes the entries, after everything else, so
units of work take their places in the order they commit.

The head (the last position and its link), exported outside the database
(``regflow anchor``), pins everything before it: a store whose chain no longer
passes through that head has lost or changed something since.

The bytes hashed are RFC 8785 JSON (see :func:`link` and :func:`item_digest`),
so an auditor can recompute every link with a stock implementation.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from regflow.core import jcs

__all__ = [
    "CHAIN_START",
    "Chain",
    "ChainEntry",
    "ChainHead",
    "item_digest",
    "item_digest_of",
    "link",
]

CHAIN_START = "0" * 64
"""The link before the first entry (position 0)."""

_string = json.encoder.encode_basestring


@attrs.frozen
class ChainHead:
    """The chain's last position (0 for an empty store) and its link."""

    position: int
    link: str


@attrs.frozen
class ChainEntry:
    """One place of the chain.

    ``kind`` is ``"event"`` (``ref`` the case id, ``seq`` the event's number) or
    ``"outbox"`` (``ref`` the item's key, ``seq`` ``None``); ``digest`` is the event's
    hash or the item's :func:`item_digest`; ``link`` is :func:`link` of the previous
    entry's link and this entry.
    """

    position: int
    kind: str
    ref: str
    seq: int | None
    digest: str
    link: str


def link(previous: str, position: int, kind: str, ref: str, seq: int | None, digest: str) -> str:
    """The link of an entry: SHA-256, in hex, of the UTF-8 RFC 8785 JSON object with the
    keys ``digest``, ``kind``, ``position``, ``prev`` (the previous link;
    :data:`CHAIN_START` before the first), ``ref`` and ``seq`` (a number, or ``null``)."""
    number = "null" if seq is None else str(int(seq))
    text = (
        f'{{"digest":{_string(digest)},"kind":{_string(kind)},"position":{int(position)},'
        f'"prev":{_string(previous)},"ref":{_string(ref)},"seq":{number}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


def item_digest(
    key: str,
    kind: str,
    payload: Mapping[str, object],
    created_at: dt.datetime,
    case_id: str | None,
) -> str:
    """The digest of an outbox item's fixed part: SHA-256, in hex, of the UTF-8 RFC 8785
    JSON object with the keys ``case_id`` (or ``null``), ``created_at`` (ISO 8601 in
    UTC), ``key``, ``kind`` and ``payload``. An item's state, attempts, error and retry
    time change as it is delivered and are not covered."""
    return item_digest_of(key, kind, jcs.dumps(payload), created_at, case_id)


def item_digest_of(
    key: str, kind: str, payload_json: str, created_at: dt.datetime, case_id: str | None
) -> str:
    """:func:`item_digest` of an item whose payload is already RFC 8785 text (a store
    that writes that text anyway need not encode it twice)."""
    case = "null" if case_id is None else _string(case_id)
    text = (
        f'{{"case_id":{case},"created_at":{_string(created_at.astimezone(dt.UTC).isoformat())},'
        f'"key":{_string(key)},"kind":{_string(kind)},"payload":{payload_json}}}'
    )
    return hashlib.sha256(text.encode()).hexdigest()


class Chain(Protocol):
    """The store-wide chain, read back (the store writes it as it appends and enqueues)."""

    def head(self) -> ChainHead:
        """The last position and its link (``ChainHead(0, CHAIN_START)`` when empty)."""
        ...

    def entries(self, after: int, limit: int) -> Sequence[ChainEntry]:
        """Up to ``limit`` entries from position ``after + 1`` on, in order of position."""
        ...
