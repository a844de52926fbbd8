"""The hash chain finds any edited, removed, inserted or reordered event."""

import attrs
import pytest

from regflow.core import verify
from regflow.core.events import Classified
from regflow.errors import TamperedHistory
from tests.engine.conftest import CaseDriver


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
