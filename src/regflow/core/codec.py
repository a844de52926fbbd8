"""Events as JSON records, for stores: written and read back equal, hashes intact.

A record is a flat JSON object: ``case_id``, ``seq``, ``type``, ``at`` (ISO
8601 with offset), ``actor``, ``clause``, ``data`` (the payload's fields),
``prev_hash`` and ``hash``. Reading a record checks its shape; :func:`verify`
checks its hash.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

import cattrs

from regflow.core._convert import make_converter
from regflow.core.events import PAYLOADS, Detected, Event, Payload, _plain
from regflow.core.message import Message
from regflow.rules.kinds import Period

__all__ = ["event_from_json", "event_from_record", "event_to_json", "event_to_record"]


@functools.cache
def _converter() -> cattrs.Converter:
    converter = make_converter("json")
    converter.register_structure_hook(Period, lambda value, _type: Period.parse(str(value)))
    converter.register_unstructure_hook(Period, str)
    return converter


def event_to_record(event: Event) -> dict[str, Any]:
    """``event`` as a JSON-ready dict."""
    data = event.data
    plain = event.plain if event.plain is not None else _plain(data)
    payload = (
        {**plain, "message": data.message.to_record()} if isinstance(data, Detected) else plain
    )
    return {
        "case_id": event.case_id,
        "seq": event.seq,
        "type": event.type,
        "at": event.at.isoformat(),
        "actor": event.actor,
        "clause": event.clause,
        "data": payload,
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def event_from_record(record: Mapping[str, Any]) -> Event:
    """The event a record describes.

    Raises:
        ValueError: an unknown event type or a record of the wrong shape.
    """
    kind = PAYLOADS.get(record["type"])
    if kind is None:
        raise ValueError(f"unknown event type {record['type']!r}")
    raw = dict(record["data"])
    payload: Payload
    if kind is Detected:
        message = Message.from_record(raw.pop("message"))
        payload = Detected(
            message, raw["regulation"], raw["organization"], tuple(raw.get("screening", ()))
        )
    else:
        payload = _converter().structure(raw, kind)
    at = dt.datetime.fromisoformat(record["at"])
    return Event(
        str(record["case_id"]),
        int(record["seq"]),
        at,
        str(record["actor"]),
        str(record["clause"]),
        payload,
        str(record["prev_hash"]),
        str(record["hash"]),
    )


def event_to_json(event: Event) -> str:
    """``event`` as compact JSON text."""
    return json.dumps(event_to_record(event), ensure_ascii=False, separators=(",", ":"))


def event_from_json(text: str) -> Event:
    """The event of JSON text written by :func:`event_to_json`."""
    return event_from_record(json.loads(text))
