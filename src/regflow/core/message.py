"""A message from an open source: a post, comment or review found on the internet.

A :class:`Message` is what the curator detects (п. 5) and what a case is about:
where it was published (:class:`Platform`, п. 3, and the :class:`Place` ids
needed to answer in the same place, п. 13), who wrote it, what it says, and
which monitoring system found it. Records from an intake file (JSON lines) are
read with :meth:`Message.from_record`, which reports every problem of a record
at once, with its path.

>>> import datetime as dt
>>> yakutsk = dt.timezone(dt.timedelta(hours=9))
>>> message = Message(
...     platform=Platform.VK,
...     place=Place(owner_id="-123", post_id="456", comment_id="789"),
...     url="https://vk.com/wall-123_456?reply=789",
...     author=Author("id42", "Мария"),
...     text="Когда почистят снег на Зейской?",
...     published_at=dt.datetime(2025, 11, 20, 10, 0, tzinfo=yakutsk),
...     detected_at=dt.datetime(2025, 11, 20, 10, 25, tzinfo=yakutsk),
...     source_system="medialogia",
...     source_event_id="evt-1",
... )
>>> message.intake_key
'vk:-123/456/789///'
>>> Message.from_record(message.to_record()) == message
True
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Mapping
from typing import Final, Self

import attrs

from regflow.core._convert import JSONObject, Rejected, join_path, json_copy, make_converter
from regflow.core._convert import structure as _structure
from regflow.errors import InvalidMessage, Problem
from regflow.rules.vocabulary import Platform

__all__ = [
    "CLOCK_SKEW",
    "Attachment",
    "AttachmentKind",
    "Author",
    "Coordinates",
    "Message",
    "Place",
    "Platform",
]

CLOCK_SKEW: Final = dt.timedelta(minutes=5)
"""How much earlier than its publication a message may seem detected (clocks disagree)."""


class AttachmentKind(enum.Enum):
    """What a message carries besides its text."""

    PHOTO = "photo"
    VIDEO = "video"
    DOCUMENT = "document"
    LINK = "link"


@attrs.frozen
class Author:
    """Who wrote a message: the platform's id for the author, and a display name."""

    id: str
    name: str = ""


@attrs.frozen
class Attachment:
    """A photo, video, document or link attached to a message."""

    kind: AttachmentKind
    url: str


_PLACE_IDS = ("owner_id", "post_id", "comment_id", "topic_id", "chat_id", "message_id")


@attrs.frozen(kw_only=True)
class Place:
    """The platform's ids that locate a message, as needed to reply in the same place (п. 13).

    Which ids are set depends on the platform: a VK comment has ``owner_id``
    (the wall), ``post_id`` and ``comment_id``; a Telegram message has
    ``chat_id`` and ``message_id``; a forum post has ``topic_id`` and
    ``message_id``. Each id is absent (``None``) or non-empty, and at least
    one is set.

    Raises:
        InvalidMessage: an empty id, or no id at all; paths like ``$.post_id``.
    """

    owner_id: str | None = None
    post_id: str | None = None
    comment_id: str | None = None
    topic_id: str | None = None
    chat_id: str | None = None
    message_id: str | None = None

    def __attrs_post_init__(self) -> None:
        problems = [
            Problem(f"$.{name}", "an id is either absent (null) or non-empty")
            for name in _PLACE_IDS
            if getattr(self, name) == ""
        ]
        if all(getattr(self, name) is None for name in _PLACE_IDS):
            problems.append(
                Problem(
                    "$", f"no id to reply in place; set at least one of {', '.join(_PLACE_IDS)}"
                )
            )
        if problems:
            raise InvalidMessage(problems)

    @property
    def key(self) -> str:
        """The ids joined by ``/`` in a fixed order, absent ones empty: ``-123/456/789///``.

        ``%`` and ``/`` inside an id are percent-escaped, so different places
        never share a key.
        """
        return "/".join(_escape(getattr(self, name)) for name in _PLACE_IDS)


def _escape(part: str | None) -> str:
    return "" if part is None else part.replace("%", "%25").replace("/", "%2F")


@attrs.frozen
class Coordinates:
    """A point on the Earth in degrees (WGS 84): latitude -90..90, longitude -180..180.

    Raises:
        InvalidMessage: a coordinate out of range (or not a number); paths
            ``$.lat``, ``$.lon``.
    """

    lat: float
    lon: float

    def __attrs_post_init__(self) -> None:
        problems = [
            Problem(f"$.{name}", f"must be within -{bound}..{bound} degrees, got {value}")
            for name, value, bound in (("lat", self.lat, 90), ("lon", self.lon, 180))
            if not (math.isfinite(value) and -bound <= value <= bound)
        ]
        if problems:
            raise InvalidMessage(problems)


@attrs.frozen(kw_only=True)
class Message:
    """A message found in an open source, as the monitoring system reported it.

    Attributes:
        platform: where it was published (п. 3).
        place: the ids needed to answer in the same place (п. 13).
        url: a link to it.
        author: who wrote it.
        text: what it says; may be empty if there are attachments.
        attachments: photos, videos, documents, links it carries.
        published_at: when it was published (aware).
        detected_at: when the curator or the monitoring system found it
            (aware); the п. 9 clock starts here.
        location_text: the place it is about, as the source gives it.
        coordinates: the geotag, if any.
        reach: how many people saw it, if the source says.
        source_system: the system that found it (``"medialogia"``, ``"manual"``).
        source_event_id: that system's id for the finding.
        raw: the source's record as received (a JSON object), kept for the
            audit; not part of equality.

    Raises:
        InvalidMessage: every problem found, with its path: a datetime without
            a time zone, a message detected more than :data:`CLOCK_SKEW`
            before it was published, neither text nor attachments, a negative
            reach, an empty source, a ``raw`` that is not JSON.
    """

    platform: Platform
    place: Place
    url: str
    author: Author
    text: str
    attachments: tuple[Attachment, ...] = ()
    published_at: dt.datetime
    detected_at: dt.datetime
    location_text: str | None = None
    coordinates: Coordinates | None = None
    reach: int | None = None
    source_system: str
    source_event_id: str
    raw: JSONObject = attrs.field(factory=dict, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        aware = True
        for name in ("published_at", "detected_at"):
            value: dt.datetime = getattr(self, name)
            if value.utcoffset() is None:
                aware = False
                problems.append(
                    Problem(f"$.{name}", f"{value.isoformat()} has no time zone; give an offset")
                )
        if aware and self.detected_at < self.published_at - CLOCK_SKEW:
            problems.append(
                Problem(
                    "$.detected_at",
                    f"detected at {self.detected_at.isoformat()}, before it was published at "
                    f"{self.published_at.isoformat()} (more than {_minutes(CLOCK_SKEW)} "
                    "of clock skew)",
                )
            )
        if not self.text.strip() and not self.attachments:
            problems.append(
                Problem("$.text", "a message needs text or attachments; both are empty")
            )
        if self.reach is not None and self.reach < 0:
            problems.append(Problem("$.reach", f"must not be negative, got {self.reach}"))
        elif self.reach is not None and self.reach > 2**53 - 1:  # what RFC 8785 JSON holds
            problems.append(Problem("$.reach", f"must be at most 2**53 - 1, got {self.reach}"))
        for name in ("source_system", "source_event_id"):
            if not getattr(self, name).strip():
                problems.append(Problem(f"$.{name}", "must not be empty"))
        try:
            # a private copy: the caller's dict may change later, this message must not
            object.__setattr__(self, "raw", json_copy(self.raw))
        except Rejected as exc:
            problems.append(Problem(join_path("$.raw", exc.at), str(exc)))
        if problems:
            raise InvalidMessage(problems)

    @property
    def intake_key(self) -> str:
        """The de-duplication key: the platform and the place ids, ``vk:-123/456/789///``.

        The same post found twice, by the same or by different monitoring
        systems, has the same key, so intake opens one case for it.
        """
        return f"{self.platform.value}:{self.place.key}"

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> Self:
        """The message of a JSON-like record, as :meth:`to_record` writes it.

        Instants are ISO 8601 strings with an offset, enums are their values
        (``"vk"``, ``"photo"``), ``place``, ``author`` and ``coordinates`` are
        nested objects, ``attachments`` an array; optional keys may be left out.

        Raises:
            InvalidMessage: every problem of the record at once, each with its
                JSON path (``$.place.post_id``, ``$.published_at``): wrong
                types, missing or unknown keys, unknown enum values, and the
                checks of :class:`Message`.
        """
        return _structure(make_converter("json"), record, cls, InvalidMessage)

    def to_record(self) -> dict[str, object]:
        """This message as a JSON-ready dict; :meth:`from_record` reads it back equal."""
        record = make_converter("json").unstructure(self)
        assert isinstance(record, dict)
        return record


def _minutes(delta: dt.timedelta) -> str:
    return f"{int(delta.total_seconds() // 60)} minutes"
