"""Messages: validation with paths, the intake key, and the JSON record round trip."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regflow._strict import MAX_INTEGER
from regflow.core.message import (
    CLOCK_SKEW,
    Attachment,
    AttachmentKind,
    Author,
    Coordinates,
    Message,
    Place,
    Platform,
)
from regflow.errors import InvalidMessage, RegflowError
from regflow.rules.vocabulary import KNOWN_PLATFORMS
from regflow.rules.vocabulary import Platform as VocabularyPlatform

YAKT = dt.timezone(dt.timedelta(hours=9))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=YAKT)


def make(**changes: Any) -> Message:
    fields: dict[str, Any] = {
        "platform": Platform.VK,
        "place": Place(owner_id="-123", post_id="456", comment_id="789"),
        "url": "https://vk.com/wall-123_456?reply=789",
        "author": Author("id42", "Мария"),
        "text": "Когда почистят снег на Зейской?",
        "published_at": at("2025-11-20 10:00"),
        "detected_at": at("2025-11-20 10:25"),
        "source_system": "medialogia",
        "source_event_id": "evt-1",
    }
    fields.update(changes)
    return Message(**fields)


def paths(error: InvalidMessage) -> list[str]:
    return [p.path for p in error.problems]


# --- the intake key -----------------------------------------------------------


def test_the_same_post_found_by_two_systems_has_one_intake_key() -> None:
    first = make(source_system="medialogia", source_event_id="m-1")
    second = make(
        source_system="manual",
        source_event_id="curator-7",
        detected_at=at("2025-11-20 11:00"),
        url="https://m.vk.com/wall-123_456?reply=789",
    )
    assert first != second
    assert first.intake_key == second.intake_key == "vk:-123/456/789///"


def test_the_intake_key_tells_platforms_and_places_apart() -> None:
    assert make(platform=Platform.OK).intake_key == "ok:-123/456/789///"
    telegram = make(platform=Platform.TELEGRAM, place=Place(chat_id="@city", message_id="5"))
    assert telegram.intake_key == "telegram:////@city/5"


def test_slashes_inside_ids_do_not_merge_places() -> None:
    joined = Place(owner_id="a/b")
    split = Place(owner_id="a", post_id="b")
    assert joined.key != split.key
    assert joined.key == "a%2Fb/////"


_NAMES = ("owner_id", "post_id", "comment_id", "topic_id", "chat_id", "message_id")
_ids = st.none() | st.text(alphabet="ab/%", min_size=1, max_size=4)
_places = (
    st.tuples(*[_ids] * 6)
    .filter(lambda ids: any(i is not None for i in ids))
    .map(lambda ids: Place(**dict(zip(_NAMES, ids, strict=True))))
)


@given(_places, _places)
def test_different_places_never_share_a_key(first: Place, second: Place) -> None:
    assert (first.key == second.key) == (first == second)


# --- validation ---------------------------------------------------------------


def test_a_place_needs_an_id_and_no_empty_ones() -> None:
    with pytest.raises(InvalidMessage) as caught:
        Place()
    assert paths(caught.value) == ["$"]
    with pytest.raises(InvalidMessage) as caught:
        Place(owner_id="", post_id="1", chat_id="")
    assert paths(caught.value) == ["$.owner_id", "$.chat_id"]


@pytest.mark.parametrize(
    ("lat", "lon", "bad"),
    [
        (90.5, 0.0, ["$.lat"]),
        (0.0, -180.01, ["$.lon"]),
        (-91.0, 181.0, ["$.lat", "$.lon"]),
        (float("nan"), float("inf"), ["$.lat", "$.lon"]),
    ],
)
def test_coordinates_are_checked(lat: float, lon: float, bad: list[str]) -> None:
    with pytest.raises(InvalidMessage) as caught:
        Coordinates(lat, lon)
    assert paths(caught.value) == bad


def test_coordinates_at_the_bounds_are_fine() -> None:
    assert Coordinates(-90, 180) == Coordinates(-90.0, 180.0)


def test_every_problem_of_a_message_is_reported_at_once() -> None:
    with pytest.raises(InvalidMessage) as caught:
        make(
            published_at=dt.datetime(2025, 11, 20, 10, 0),
            text="   ",
            reach=-1,
            source_system="",
            raw={"when": dt.date(2025, 11, 20)},
        )
    error = caught.value
    assert paths(error) == [
        "$.published_at",
        "$.text",
        "$.reach",
        "$.source_system",
        "$.raw.when",
    ]
    assert error.path == "$.published_at"
    assert str(error).splitlines() == [str(p) for p in error.problems]
    assert "has no time zone" in str(error)


def test_a_message_is_not_detected_long_before_it_was_published() -> None:
    published = at("2025-11-20 10:00")
    assert make(published_at=published, detected_at=published - CLOCK_SKEW)
    with pytest.raises(InvalidMessage) as caught:
        make(published_at=published, detected_at=published - CLOCK_SKEW - dt.timedelta(seconds=1))
    assert paths(caught.value) == ["$.detected_at"]
    assert "5 minutes" in str(caught.value)


def test_attachments_alone_are_a_message() -> None:
    photo = Attachment(AttachmentKind.PHOTO, "https://example.org/p.jpg")
    assert make(text="", attachments=(photo,)).attachments == (photo,)


def test_raw_is_kept_as_a_private_copy_and_not_compared() -> None:
    raw: dict[str, object] = {"id": 1, "tags": ["a"]}
    message = make(raw=raw)
    raw["id"] = 2
    assert message.raw == {"id": 1, "tags": ["a"]}
    assert make(raw={"other": True}) == message
    assert hash(make(raw={"other": True})) == hash(message)


def test_raw_holds_only_what_the_history_can_hash() -> None:
    # issue 15: events hash RFC 8785 JSON, whose numbers are IEEE 754 doubles
    assert make(raw={"id": 2**53 - 1, "x": 0.5}).raw == {"id": 2**53 - 1, "x": 0.5}
    for raw, path in (
        ({"id": 2**53}, "$.raw.id"),
        ({"list": [1, -(2**70)]}, "$.raw.list[1]"),
        ({"nan": float("nan")}, "$.raw.nan"),
    ):
        with pytest.raises(InvalidMessage) as caught:
            make(raw=raw)
        assert [p.path for p in caught.value.problems] == [path]
    with pytest.raises(InvalidMessage, match=r"reach: out of range \(at most"):
        make(reach=2**53)


def test_the_error_types() -> None:
    with pytest.raises(InvalidMessage) as caught:
        Place()
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, RegflowError)
    copy = pickle.loads(pickle.dumps(error))
    assert copy.problems == error.problems
    assert str(copy) == str(error)


def test_platform_is_the_vocabulary_platform() -> None:
    assert Platform is VocabularyPlatform
    assert Platform("video-hosting") == Platform.VIDEO_HOSTING
    assert hash(Platform("video-hosting")) == hash(Platform.VIDEO_HOSTING)


def test_p03_a_record_may_name_any_platform_id_the_regulation_may_declare() -> None:
    record = Message.from_record(
        {**make().to_record(), "platform": "dzen"}  # accepted here, checked at detection
    )
    assert record.platform == Platform("dzen")
    assert record.to_record()["platform"] == "dzen"


def test_p03_a_platform_that_is_not_an_id_is_refused_with_its_path() -> None:
    with pytest.raises(InvalidMessage) as caught:
        Message.from_record({**make().to_record(), "platform": "Дзен"})
    found = {p.path: p.message for p in caught.value.problems}
    assert list(found) == ["$.platform"]
    assert "lowercase Latin letters" in found["$.platform"]


# --- records ------------------------------------------------------------------


def test_a_record_is_plain_json() -> None:
    message = make(
        attachments=(Attachment(AttachmentKind.VIDEO, "https://example.org/v"),),
        coordinates=Coordinates(50.27, 127.54),
        reach=1200,
        location_text="ул. Зейская, 100",
        raw={"source": {"id": "m-1"}},
    )
    record = message.to_record()
    assert record == json.loads(json.dumps(record))
    assert record["platform"] == "vk"
    assert record["published_at"] == "2025-11-20T10:00:00+09:00"
    assert record["attachments"] == [{"kind": "video", "url": "https://example.org/v"}]
    assert record["place"] == {
        "owner_id": "-123",
        "post_id": "456",
        "comment_id": "789",
        "topic_id": None,
        "chat_id": None,
        "message_id": None,
    }
    assert Message.from_record(record) == message
    assert Message.from_record(record).raw == {"source": {"id": "m-1"}}


def test_optional_keys_may_be_left_out_of_a_record() -> None:
    record = {
        "platform": "telegram",
        "place": {"chat_id": "@city", "message_id": "5"},
        "url": "https://t.me/city/5",
        "author": {"id": "u1"},
        "text": "Нет света",
        "published_at": "2025-11-20T01:00:00Z",
        "detected_at": "2025-11-20T10:05:00+09:00",
        "source_system": "manual",
        "source_event_id": "1",
    }
    message = Message.from_record(record)
    assert message.author == Author("u1", "")
    assert message.coordinates is None
    assert message.published_at == at("2025-11-20 10:00")


def test_every_problem_of_a_record_is_reported_with_its_path() -> None:
    record = {
        "platform": "ВКонтакте",
        "place": {"owner_id": -123, "post_id": "456"},
        "url": "https://vk.com/wall-123_456",
        "author": "id42",
        "text": "Снег",
        "attachments": "photo.jpg",
        "published_at": "2025-11-20T10:00:00",
        "detected_at": "yesterday",
        "coordinates": {"lat": 100, "lon": 127.5},
        "reach": True,
        "source_event_id": "e",
        "comment": "an unknown key",
    }
    with pytest.raises(InvalidMessage) as caught:
        Message.from_record(record)
    found = {p.path: p.message for p in caught.value.problems}
    assert sorted(found) == sorted(
        [
            "$.platform",
            "$.place.owner_id",
            "$.author",
            "$.attachments",
            "$.published_at",
            "$.detected_at",
            "$.coordinates.lat",
            "$.reach",
            "$.source_system",
            "$.comment",
        ]
    )
    assert "'vk'" in found["$.platform"]
    assert "expected a string" in found["$.place.owner_id"]
    assert "expected an array" in found["$.attachments"]
    assert "no time zone" in found["$.published_at"]
    assert "required" in found["$.source_system"]
    assert "unknown key" in found["$.comment"]


def test_a_record_that_is_not_an_object() -> None:
    with pytest.raises(InvalidMessage) as caught:
        Message.from_record(["not", "a", "record"])  # type: ignore[arg-type]
    assert paths(caught.value) == ["$"]


def test_the_checks_of_the_message_get_record_paths() -> None:
    record = make().to_record()
    record["place"] = {"post_id": "", "comment_id": ""}
    with pytest.raises(InvalidMessage) as caught:
        Message.from_record(record)
    assert paths(caught.value) == ["$.place.post_id", "$.place.comment_id"]
    record["place"] = {}
    with pytest.raises(InvalidMessage) as caught:
        Message.from_record(record)
    assert paths(caught.value) == ["$.place"]
    record = make().to_record()
    record["detected_at"] = "2025-11-19T10:00:00+09:00"
    record["text"] = ""
    with pytest.raises(InvalidMessage) as caught:
        Message.from_record(record)
    assert paths(caught.value) == ["$.detected_at", "$.text"]


# --- the round trip, for any message -------------------------------------------

_offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m)))
_instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=_offsets
)
_words = st.text(max_size=20)
_integers = st.integers(-MAX_INTEGER, MAX_INTEGER)
"""What a record holds: I-JSON's integers (a larger one is refused, see test_ingest_lines)."""
_json = st.recursive(
    st.none()
    | st.booleans()
    | _integers
    | st.floats(allow_nan=False, allow_infinity=False)
    | _words,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_words, inner, max_size=3),
    max_leaves=10,
)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    published = draw(_instants)
    detected = published + draw(st.timedeltas(min_value=-CLOCK_SKEW, max_value=dt.timedelta(30)))
    attachments = draw(
        st.lists(st.builds(Attachment, st.sampled_from(AttachmentKind), _words), max_size=3)
    )
    text = draw(_words if attachments else _words.filter(str.strip))
    return Message(
        platform=draw(st.sampled_from(KNOWN_PLATFORMS)),
        place=draw(_places),
        url=draw(_words),
        author=draw(st.builds(Author, _words, _words)),
        text=text,
        attachments=tuple(attachments),
        published_at=published,
        detected_at=detected,
        location_text=draw(st.none() | _words),
        coordinates=draw(
            st.none()
            | st.builds(
                Coordinates,
                st.floats(-90, 90, allow_nan=False),
                st.floats(-180, 180, allow_nan=False),
            )
        ),
        reach=draw(st.none() | st.integers(min_value=0, max_value=MAX_INTEGER)),
        source_system=draw(_words.filter(str.strip)),
        source_event_id=draw(_words.filter(str.strip)),
        raw=draw(st.dictionaries(_words, _json, max_size=3)),
    )


@given(messages())
def test_a_message_survives_its_json_record(message: Message) -> None:
    back = Message.from_record(json.loads(json.dumps(message.to_record())))
    assert back == message
    assert back.raw == message.raw
    assert back.intake_key == message.intake_key
    assert attrs.evolve(back) == back
