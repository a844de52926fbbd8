"""Events as JSON records, for stores: written and read back equal, hashes intact.

A record is a flat JSON object: ``case_id``, ``seq``, ``type``, ``at`` (ISO
8601 with offset), ``actor``, ``clause``, ``data`` (the payload's fields),
``prev_hash`` and ``hash``; an event of scheme 2 adds ``scheme``, ``received_at``
(ISO 8601, or ``null``) and ``imported``. A record without ``scheme`` is of
scheme 1. Reading a record checks its shape; :func:`verify` checks its hash.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs

from regflow.core._convert import make_converter
from regflow.core.events import PAYLOADS, Detected, Event, Payload, _plain
from regflow.core.message import Attachment, AttachmentKind, Message, Place
from regflow.core.reactions import PublicationRequest
from regflow.rules.kinds import Period
from regflow.rules.vocabulary import Platform

__all__ = [
    "event_from_json",
    "event_from_record",
    "event_to_json",
    "event_to_record",
    "request_from_record",
    "request_to_record",
]


@functools.cache
def _converter() -> cattrs.Converter:
    converter = make_converter("json")
    converter.register_structure_hook(Period, lambda value, _type: Period.parse(str(value)))
    converter.register_unstructure_hook(Period, str)
    return converter


_DETECTED_FIELDS = tuple(field.name for field in attrs.fields(Detected))


def event_to_record(event: Event) -> dict[str, Any]:
    """``event`` as a JSON-ready dict."""
    data = event.data
    payload: dict[str, Any]
    if isinstance(data, Detected):  # the message as Message.from_record reads it
        payload = {
            name: data.message.to_record() if name == "message" else _plain(getattr(data, name))
            for name in _DETECTED_FIELDS
        }
    elif event.data_json is not None:
        payload = json.loads(event.data_json)
    else:
        payload = _plain(data)
    record = {
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
    if event.scheme != 1:
        record["scheme"] = event.scheme
        record["received_at"] = _iso(event.received_at)
        record["imported"] = event.imported
    return record


def _iso(instant: dt.datetime | None) -> str | None:
    return None if instant is None else instant.isoformat()


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
    received = record.get("received_at")
    return Event(
        str(record["case_id"]),
        int(record["seq"]),
        at,
        str(record["actor"]),
        str(record["clause"]),
        payload,
        str(record["prev_hash"]),
        str(record["hash"]),
        received_at=None if received is None else dt.datetime.fromisoformat(received),
        imported=record.get("imported", False) is True,
        scheme=int(record.get("scheme", 1)),
    )


_COMPACT_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_string = json.encoder.encode_basestring


def event_to_json(event: Event) -> str:
    """``event`` as compact JSON text: :func:`event_to_record`'s record, encoded."""
    if event.data_json is None or isinstance(event.data, Detected):
        return _COMPACT_JSON.encode(event_to_record(event))
    # The payload's text as the hash covered it (sorted keys), spliced in, not encoded again.
    stamp = ""
    if event.scheme != 1:
        received = "null" if event.received_at is None else _string(event.received_at.isoformat())
        stamp = (
            f',"scheme":{int(event.scheme)},"received_at":{received},'
            f'"imported":{"true" if event.imported else "false"}'
        )
    return (
        f'{{"case_id":{_string(event.case_id)},"seq":{int(event.seq)},'
        f'"type":{_string(event.type)},"at":{_string(event.at.isoformat())},'
        f'"actor":{_string(event.actor)},"clause":{_string(event.clause)},'
        f'"data":{event.data_json},"prev_hash":{_string(event.prev_hash)},'
        f'"hash":{_string(event.hash)}{stamp}}}'
    )


def event_from_json(text: str) -> Event:
    """The event of JSON text written by :func:`event_to_json`."""
    return event_from_record(json.loads(text))


def request_to_record(request: PublicationRequest) -> dict[str, object]:
    """``request`` as a JSON object (what the outbox stores)."""
    return {
        "key": request.key,
        "case_id": request.case_id,
        "platform": request.platform.value,
        "place": attrs.asdict(request.place),
        "text": request.text,
        "attachments": [{"kind": a.kind.value, "url": a.url} for a in request.attachments],
        "account": request.account,
    }


def request_from_record(record: Mapping[str, Any]) -> PublicationRequest:
    """The request :func:`request_to_record` wrote.

    Raises:
        ValueError: a field is missing or of the wrong shape.
    """
    # Any: a JSON object read back from the store, written by request_to_record
    try:
        return PublicationRequest(
            key=str(record["key"]),
            case_id=str(record["case_id"]),
            platform=Platform(record["platform"]),
            place=Place(**record["place"]),
            text=str(record["text"]),
            attachments=tuple(
                Attachment(AttachmentKind(a["kind"]), a["url"]) for a in record["attachments"]
            ),
            account=record["account"],
        )
    except (KeyError, TypeError) as problem:
        raise ValueError(f"not a publication request record: {problem}") from None
