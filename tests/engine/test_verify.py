"""The hash chain finds any edited, removed, inserted or reordered event."""

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regflow.core import verify
from regflow.core.events import Classified
from regflow.errors import TamperedHistory
from tests.engine.conftest import CaseDriver, at


@pytest.fixture
def events():
    case = CaseDriver.detected("2025-10-31 17:45")
    case.answer_in_full("2025-11-01 09:00")
    return list(case.case.events)


def test_an_untouched_history_verifies(events) -> None:
    assert verify(events) == len(events) == 8


def test_an_edited_payload_is_found(events) -> None:
    assert isinstance(events[1].data, Classified)
    events[1] = attrs.evolve(events[1], data=attrs.evolve(events[1].data, topics=("other",)))
    with pytest.raises(TamperedHistory, match="does not match its hash") as caught:
        verify(events)
    assert caught.value.seq == 2


def test_an_edited_actor_or_time_is_found(events) -> None:
    edited = list(events)
    edited[4] = attrs.evolve(edited[4], actor="someone-else")
    with pytest.raises(TamperedHistory) as caught:
        verify(edited)
    assert caught.value.seq == 5
    edited = list(events)
    edited[5] = attrs.evolve(edited[5], at=edited[5].at.replace(minute=59))
    with pytest.raises(TamperedHistory):
        verify(edited)


def test_a_removed_event_is_found(events) -> None:
    del events[3]
    with pytest.raises(TamperedHistory, match="removed, inserted or reordered") as caught:
        verify(events)
    assert caught.value.seq == 5


def test_reordered_events_are_found(events) -> None:
    events[3], events[4] = events[4], events[3]
    with pytest.raises(TamperedHistory) as caught:
        verify(events)
    assert caught.value.seq == 5


def test_a_rehashed_edit_still_breaks_the_chain(events) -> None:
    # an editor who recomputes the edited event's own hash breaks the next link
    from regflow.core.events import Event

    old = events[2]
    forged = Event.make(old.case_id, old.seq, old.at, "forger", old.clause, old.data, old.prev_hash)
    events[2] = forged
    with pytest.raises(TamperedHistory, match="previous event's hash") as caught:
        verify(events)
    assert caught.value.seq == 4


def _envelope(event) -> dict:
    import datetime as dt

    from regflow.core.events import _plain

    return {
        "case_id": event.case_id,
        "seq": event.seq,
        "type": event.type,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor,
        "clause": event.clause,
        "data": _plain(event.data),
        "prev_hash": event.prev_hash,
    }


def _scheme_1(event) -> bytes:
    """Scheme 1 as documented: one sorted-key ``json.dumps``."""
    import json

    document = _envelope(event)
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _scheme_2(event) -> bytes:
    """Scheme 2 as documented: RFC 8785 JSON, written by a stock implementation."""
    import datetime as dt

    import rfc8785

    document = _envelope(event)
    received = event.received_at
    document |= {
        "imported": event.imported,
        "received_at": None if received is None else received.astimezone(dt.UTC).isoformat(),
        "scheme": 2,
    }
    return rfc8785.dumps(document)


def test_new_hashes_cover_the_documented_rfc8785_json(events) -> None:
    import datetime as dt
    import hashlib

    from regflow.core.events import Event, canonical

    quoted = attrs.evolve(events[1], actor='кто-то "в кавычках" \\ и\nперенос\x01')
    received = dt.datetime(2025, 11, 1, 9, 0, 0, 123456, tzinfo=dt.UTC)
    for event in [*events, quoted]:
        fields = (event.case_id, event.seq, event.at, event.actor, event.clause, event.data)
        for stamp in ({}, {"received_at": received, "imported": True}):
            made = Event.make(*fields, event.prev_hash, **stamp)
            expected = _scheme_2(made)
            assert canonical(*fields, event.prev_hash, **stamp) == expected
            assert made.hash == hashlib.sha256(expected).hexdigest()
            assert made.scheme == 2
    assert [e.hash for e in events] == [hashlib.sha256(_scheme_2(e)).hexdigest() for e in events]


def test_floats_and_far_keys_are_written_as_rfc8785_says() -> None:
    # Python's encoder writes 1.0 and 1e+21 otherwise, and sorts "\U0001f600" after "\ufb01"
    import rfc8785

    from regflow.core import jcs

    value = {"b": [1.0, 1e21, 0.1, -0.0], "\U0001f600": 1, "\ufb01": 2, "a": {"z": 5e-7}}
    assert jcs.dumps(value).encode() == rfc8785.dumps(value)
    for each in ({"n": 1.0}, [1e21], {"\U0001f600": 1, "\ufb01": 2}, {"s": "a:1.5"}, [2**53 - 1]):
        assert jcs.dumps(each).encode() == rfc8785.dumps(each), each
    with pytest.raises(ValueError, match="not canonical JSON"):
        jcs.dumps({"n": 2**60})


OLD_RECORD = (
    '{"case_id":"c-old","seq":1,"type":"classified","at":"2025-11-24T09:00:00+09:00",'
    '"actor":"sokolova","clause":"п. 7","data":{"answer_limit":null,"importance":"normal",'
    '"location":"Центр","significant":false,"tight_confirmed":false,"topics":["roads"]},'
    '"prev_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
    '"hash":"8cccb054f29e553b64aead2266e17fa6d90ea8a30e9195d86c525b7c46092cb9"}'
)
"""A record stored by regflow before scheme 2 (written by its event_to_json)."""


def test_events_stored_before_scheme_2_verify_under_scheme_1() -> None:
    import hashlib
    import json

    from regflow.core.codec import event_from_json, event_to_json

    old = event_from_json(OLD_RECORD)
    assert (old.scheme, old.received_at, old.imported) == (1, None, False)
    assert verify([old]) == 1
    assert old.hash == hashlib.sha256(_scheme_1(old)).hexdigest()
    assert json.loads(event_to_json(old)) == json.loads(OLD_RECORD)  # written back as it was
    with pytest.raises(TamperedHistory, match="does not match"):
        verify([attrs.evolve(old, scheme=2)])  # nor can it be passed off as another scheme


def test_the_received_time_and_the_import_mark_are_covered(events) -> None:
    import datetime as dt

    from regflow.core.events import Event

    old = events[2]
    made = Event.make(
        old.case_id,
        old.seq,
        old.at,
        old.actor,
        old.clause,
        old.data,
        old.prev_hash,
        received_at=old.at,
    )
    chain = [*events[:2], made]
    assert verify(chain) == 3
    for forged in (
        attrs.evolve(made, received_at=old.at + dt.timedelta(hours=1)),
        attrs.evolve(made, imported=True),
    ):
        with pytest.raises(TamperedHistory, match="does not match"):
            verify([*events[:2], forged])


def test_times_going_backwards_are_found(events) -> None:
    from regflow.core.events import Event

    previous = events[:4]
    late = events[4]
    rewound = Event.make(
        late.case_id,
        late.seq,
        previous[-1].at.replace(year=2024),
        late.actor,
        late.clause,
        late.data,
        late.prev_hash,
    )
    with pytest.raises(TamperedHistory, match="goes back") as caught:
        verify([*previous, rewound])
    assert caught.value.seq == 5


def test_the_stored_json_record_reads_back_equal(events) -> None:
    import json

    from regflow.core.codec import event_from_json, event_to_json, event_to_record

    for event in events:
        assert event.data_json is not None  # made by the engine: the hashed text is kept
        text = event_to_json(event)
        assert json.loads(text) == event_to_record(event)
        back = event_from_json(text)
        assert back == event
        assert back.hash == event.hash
        assert json.loads(event_to_json(back)) == json.loads(text)  # read back: re-encoded
    assert verify([event_from_json(event_to_json(e)) for e in events]) == len(events)


def test_a_field_added_later_leaves_older_events_their_hashes() -> None:
    # Routed.preparer (п. 15(4)) came after routed events were first written: at its default
    # it is left out of the canonical form, so a history written before it verifies unchanged.
    import hashlib
    import json

    from regflow.core.codec import event_from_json, event_to_json
    from regflow.core.events import GENESIS, Event, Routed, canonical

    plain = Routed(("improvement",), (), "improvement", ("improvement",))
    at = CaseDriver.detected("2025-11-06 09:00").case.detected_at
    written_before = (
        '{"actor":"sokolova","at":"2025-11-06T00:00:00+00:00","case_id":"c","clause":"п. 7",'
        '"data":{"added":["improvement"],"departments":["improvement"],"lead":"improvement",'
        '"order":[]},"prev_hash":"' + GENESIS + '","seq":2,"type":"routed"}'
    )
    # scheme 1: how events were hashed before RFC 8785 and receipts
    assert (
        canonical("c", 2, at, "sokolova", "п. 7", plain, GENESIS, scheme=1)
        == written_before.encode()
    )
    old = Event("c", 2, at, "sokolova", "п. 7", plain, GENESIS, "", scheme=1)
    old = attrs.evolve(old, hash=hashlib.sha256(written_before.encode()).hexdigest())
    record = json.loads(event_to_json(old))
    assert "preparer" not in record["data"]
    assert event_from_json(event_to_json(old)).hash == old.hash
    named = attrs.evolve(plain, preparer="zaitsev")
    made = Event.make("c", 2, at, "sokolova", "п. 15", named, GENESIS)
    assert json.loads(made.data_json or "")["preparer"] == "zaitsev"
    assert event_from_json(event_to_json(made)) == made


def test_an_escalation_stored_before_its_automatic_fields_existed_keeps_its_hash() -> None:
    from regflow.core.codec import event_from_record, event_to_record
    from regflow.core.events import GENESIS, Escalated, Event
    from regflow.core.events import verify as verify_chain

    manual = Escalated("significant", ("belov",), "важно")
    event = Event.make("c-1", 1, at("2025-11-06 09:00"), "sokolova", "п. 20", manual, GENESIS)
    # the canonical payload is what it was before the fields were added: stored hashes hold
    assert event.data_json == '{"deputies":["belov"],"note":"важно","reason":"significant"}'
    record = event_to_record(event)
    assert set(record["data"]) == {"deputies", "note", "reason"}
    again = event_from_record(record)
    assert again.data == manual
    assert not again.data.automatic
    assert verify_chain([again]) == 1
    automatic = Escalated("surge", ("belov",), automatic=True, threshold=5, observed=6)
    raised = Event.make("c-1", 2, at("2025-11-06 09:05"), "regflow", "п. 20", automatic, event.hash)
    assert '"automatic":true' in (raised.data_json or "")
    assert '"topic"' not in (raised.data_json or "")  # still at its default
    assert event_from_record(event_to_record(raised)).data == automatic


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**60), 2**60)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_is_rfc8785_for_any_value(value) -> None:
    import rfc8785

    from regflow.core import jcs

    try:
        expected = rfc8785.dumps(value)
    except rfc8785.CanonicalizationError:
        with pytest.raises(ValueError, match="not canonical JSON"):
            jcs.dumps(value)
        return
    except UnicodeEncodeError:  # a lone surrogate: neither writes it
        return
    assert jcs.dumps(value).encode() == expected
