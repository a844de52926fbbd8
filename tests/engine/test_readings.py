"""The readings issue 9 named: each a visible interpretation, each pinned both ways.

2025-11-06 is a Thursday; 2021-11-01 a Monday inside the presidential
non-working days of 30 October - 7 November 2021. Working time 9-13, 14-18.
"""

from __future__ import annotations

from regflow.rules import DraftKind, Period, Regulation
from tests.engine.conftest import REGULATION, CaseDriver, assert_deadline


def _interim_published(regulation: Regulation) -> CaseDriver:
    case = CaseDriver.detected("2025-11-06 09:00", regulation=regulation)
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:30", DraftKind.INTERIM, text="Проверяем, ответим до конца недели")
    return case.approve("09:40").request("09:45").publish("09:50")


def test_p09_by_default_a_published_interim_answer_meets_the_answer_deadline() -> None:
    assert REGULATION.choice("interim-meets-p9") == "meets"
    case = _interim_published(REGULATION)
    assert_deadline(case, "answer", status="met", met_at="2025-11-06 09:50")


def test_p09_under_final_only_an_interim_answer_leaves_the_answer_deadline_running() -> None:
    case = _interim_published(REGULATION.choose(**{"interim-meets-p9": "final-only"}))
    assert_deadline(case, "answer", due="2025-11-06 18:00", status="pending", now="12:00")
    assert_deadline(case, "final", status="pending")  # п. 14 starts either way


def _clarification_approved(regulation: Regulation) -> CaseDriver:
    case = CaseDriver.detected("2025-11-06 09:00", regulation=regulation)
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:30", DraftKind.CLARIFICATION, text="Уточните, пожалуйста, адрес")
    return case.approve("09:40")


def test_p13_by_default_an_approved_clarification_request_is_published_within_30_minutes() -> None:
    assert REGULATION.choice("publish-requests") == "applies"
    case = _clarification_approved(REGULATION)
    assert_deadline(case, "publish", due="2025-11-06 10:10", status="pending", now="09:45")


def test_p13_under_answers_only_a_clarification_request_has_no_publish_deadline() -> None:
    case = _clarification_approved(REGULATION.choose(**{"publish-requests": "answers-only"}))
    assert not [d for d in case.deadlines("09:45") if d.id == "publish"]


def test_p09_by_default_the_presidential_non_working_days_stop_the_clock() -> None:
    assert REGULATION.choice("presidential-days") == "non-working"
    case = CaseDriver.detected("2021-11-01 10:00")
    assert_deadline(case, "answer", due="2021-11-08 18:00")  # 9-13 + 14-18 of the first working day


def test_p09_under_working_the_presidential_days_count_as_working_days() -> None:
    case = CaseDriver.detected(
        "2021-11-01 10:00", regulation=REGULATION.choose(**{"presidential-days": "working"})
    )
    assert_deadline(case, "answer", due="2021-11-02 10:00")  # 10-13 + 14-18 + 9-10


def test_p20_the_thresholds_are_named_settings_with_their_source() -> None:
    assert REGULATION.choice("p20-thresholds") == "library"
    rules = {e.id: e for e in REGULATION.effective.escalations}
    assert (rules["surge"].threshold, rules["surge"].window) == (5, Period.parse("24h"))
    breaches = rules["department-breaches"]
    assert (breaches.threshold, breaches.window) == (3, Period.parse("720h"))
    assert "not the text" in breaches.source
    strict = REGULATION.choose(**{"p20-thresholds": "every-breach"})
    assert {e.id: e.threshold for e in strict.effective.escalations} == {
        "significant": 1,
        "surge": 5,
        "department-breaches": 1,
    }
