"""One full case through the engine, end to end."""

from regflow.core import verify
from tests.engine.conftest import CaseDriver, assert_deadline


def test_p09_a_message_detected_friday_evening_is_answered_by_wednesday_morning() -> None:
    case = CaseDriver.detected("2025-10-31 17:45")
    assert_deadline(case, "answer", due="2025-11-05 09:45", status="pending")
    assert_deadline(case, "route", due="2025-11-01 09:15", responsible="sokolova")
    case.answer_in_full("2025-11-01 09:00")
    assert case.case.stage == "answered"
    assert_deadline(case, "answer", status="met", met_at="2025-11-01 09:30")
    assert verify(case.case.events) == len(case.case.events)
