"""The hash chain finds any edited, removed, inserted or reordered event."""

import attrs
import pytest

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


def _reference_canonical(event) -> bytes:
    """The hashed bytes as the format is documented: one sorted-key ``json.dumps``."""
    import datetime as dt
    import json

    from regflow.core.events import _plain

    document = {
        "case_id": event.case_id,
        "seq": event.seq,
        "type": event.type,
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor": event.actor,
        "clause": event.clause,
        "data": _plain(event.data),
        "prev_hash": event.prev_hash,
    }
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def test_hashes_cover_the_documented_canonical_json(events) -> None:
    import hashlib

    from regflow.core.events import Event, canonical

    quoted = attrs.evolve(events[1], actor='кто-то "в кавычках" \\ и\nперенос')
    for event in [*events, quoted]:
        expected = _reference_canonical(event)
        fields = (event.case_id, event.seq, event.at, event.actor, event.clause, event.data)
        assert canonical(*fields, event.prev_hash) == expected
        made = Event.make(*fields, event.prev_hash)
        assert made.hash == hashlib.sha256(expected).hexdigest()
    assert [e.hash for e in events] == [
        hashlib.sha256(_reference_canonical(e)).hexdigest() for e in events
    ]


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
    assert canonical("c", 2, at, "sokolova", "п. 7", plain, GENESIS) == written_before.encode()
    old = Event("c", 2, at, "sokolova", "п. 7", plain, GENESIS, "")
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
