"""п. 6-8: classify and route in 30 minutes, a shortened deadline, executors and
substitutes, a return outside the department's competence and re-routing.

Working time: Mon-Fri 9-13, 14-18 (Asia/Yakutsk). 2025-11-06 is a Thursday.
Every due instant below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from typing import Any

import attrs

from regflow.core import AssignExecutor, DeadlineState, Route
from regflow.core.events import ExecutorAssigned
from regflow.errors import PermissionDenied, RuleViolation
from regflow.rules import DraftKind
from tests.engine.conftest import REGULATION, CaseDriver, assert_deadline, find_deadline, refused


def routes(driver: CaseDriver, **kwargs: Any) -> list[DeadlineState]:
    return [d for d in driver.deadlines(**kwargs) if d.id == "route"]


# -- п. 7: classify and route within 30 minutes ----------------------------------------------


def test_p07_route_is_due_30_working_minutes_after_detection() -> None:
    # Thu 10:00 + 30 min = 10:30; the 10-minute warning falls at 10:20.
    case = CaseDriver.detected("2025-11-06 10:00")
    state = assert_deadline(case, "route", due="2025-11-06 10:30", status="pending")
    assert state.responsible == "sokolova"
    assert state.clause == "п. 7"
    assert_deadline(case, "route", status="pending", now="2025-11-06 10:19")
    assert_deadline(case, "route", status="warning", now="2025-11-06 10:20")
    case.classify("10:05").route("10:25", "improvement")
    assert_deadline(case, "route", status="met", met_at="2025-11-06 10:25")
    assert case.case.stage == "routed"


def test_p07_a_message_detected_at_1750_is_routed_by_0920_next_working_day() -> None:
    # Thu 17:50-18:00 gives 10 min, Fri 9:00-9:20 the other 20 (ambiguity 1: working time).
    # answer: 10 min Thu + Fri 9-13 (4 h) + 14:00-17:50 (3 h 50) = 8 h -> Fri 17:50.
    case = CaseDriver.detected("2025-11-06 17:50")
    assert_deadline(case, "route", due="2025-11-07 09:20")
    assert_deadline(case, "answer", due="2025-11-07 17:50")


def test_p07_routing_late_is_breached_with_the_time_it_came() -> None:
    # due Thu 10:30 (detected 10:00); routed at 10:45.
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:45", "improvement")
    state = assert_deadline(
        case, "route", due="2025-11-06 10:30", status="breached", met_at="2025-11-06 10:45"
    )
    assert state.late_by is not None
    assert state.late_by.total_seconds() == 15 * 60


def test_p07_routing_needs_a_classification_first() -> None:
    case = CaseDriver.detected("2025-11-06 10:00")
    refused(case, RuleViolation, "п. 7", lambda: case.route("10:05", "improvement"))
    refused(case, RuleViolation, "п. 7", lambda: case.classify("10:05", topics=()))
    refused(case, RuleViolation, "п. 7", lambda: case.classify("10:05", importance="urgent"))
    case.classify("10:05")
    refused(case, RuleViolation, "п. 7", lambda: case.route("10:10", "no-such-department"))


# -- п. 7 and ambiguity 3: a shortened deadline ------------------------------------------------

BY_IMPORTANCE = REGULATION.choose(**{"shortened-deadline": "by-importance"})
"""The other reading: a 'high' message is answered within 5 working hours by itself."""
WAIVE = REGULATION.choose(**{"tight-limit": "waive"})


def test_p07_classification_names_topic_location_and_importance() -> None:
    # п. 7: "указывает тему (группу тем), локацию и категорию важности"
    case = CaseDriver.detected("2025-11-06 10:00")
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("10:05", location=None))
    assert "location" in text
    refused(case, RuleViolation, "п. 7", lambda: case.classify("10:05", location=" "))
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("10:05", importance=None))
    assert "high, normal, low" in text
    case.classify("10:05")
    assert (case.case.location, case.case.importance) == ("ул. Ленина", "normal")


def test_p07_a_regulation_may_make_location_and_importance_optional() -> None:
    rule = attrs.evolve(REGULATION.classification, require_location=False, require_importance=False)
    lenient = attrs.evolve(REGULATION, classification=rule)
    case = CaseDriver.detected("2025-11-06 10:00", regulation=lenient)
    case.classify("10:05", location=None, importance=None)
    assert case.case.stage == "classified"
    assert_deadline(case, "answer", due="2025-11-07 10:00")


def test_p07_by_default_importance_alone_does_not_shorten_the_deadline() -> None:
    # reading shortened-deadline = explicit-only: "may decide" is the curator's decision.
    # Thu 9:00 + 8 h = 18:00 whatever the category.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05", importance="high")
    assert_deadline(case, "answer", due="2025-11-06 18:00")
    assert_deadline(case, "draft", due="2025-11-06 14:00")


def test_p07_under_by_importance_high_shortens_the_answer_to_5_working_hours() -> None:
    # "high" -> 5 working hours under that reading: Thu 9-13 (4 h) + 14-15 (1 h) -> 15:00.
    # draft = answer - 4 h: 15:00 back to 14:00 (1 h), 13:00 back to 10:00 (3 h) -> 10:00.
    case = CaseDriver.detected("2025-11-06 09:00", regulation=BY_IMPORTANCE)
    case.classify("09:05", importance="high")
    state = assert_deadline(case, "answer", due="2025-11-06 15:00", status="pending")
    assert "shortened" in state.basis
    assert_deadline(case, "draft", due="2025-11-06 10:00")


def test_p07_normal_importance_keeps_8_working_hours() -> None:
    # Thu 9:00 + 8 h = 9-13 + 14-18 -> 18:00; draft 18:00 - 4 h = 14:00.
    case = CaseDriver.detected("2025-11-06 09:00", regulation=BY_IMPORTANCE)
    case.classify("09:05", importance="normal")
    assert_deadline(case, "answer", due="2025-11-06 18:00")
    assert_deadline(case, "draft", due="2025-11-06 14:00")


def test_p07_the_curator_shortens_the_deadline_for_one_message() -> None:
    # 6 working hours: 9-13 (4 h) + 14-16 (2 h) -> 16:00; draft 16:00 - 4 h:
    # back to 14:00 (2 h), then 13:00 back to 11:00 (2 h) -> 11:00.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05", importance="high", answer_limit="6h")
    assert_deadline(case, "answer", due="2025-11-06 16:00")
    assert_deadline(case, "draft", due="2025-11-06 11:00")
    assert case.case.answer_limit is not None


def test_p07_a_limit_longer_than_the_rules_is_refused() -> None:
    # п. 7 allows "в сокращенный срок" only: 9 h is longer than п. 9's 8 working hours.
    case = CaseDriver.detected("2025-11-06 09:00")
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("09:05", answer_limit="9h"))
    assert "only shorten" in text
    refused(case, RuleViolation, "п. 7", lambda: case.classify("09:05", answer_limit="1d"))
    refused(case, RuleViolation, "п. 7", lambda: case.classify("09:05", answer_limit="0m"))
    # under by-importance, nor longer than the 5 h the category sets
    high = CaseDriver.detected("2025-11-06 09:00", regulation=BY_IMPORTANCE)
    text = refused(
        high,
        RuleViolation,
        "п. 7",
        lambda: high.classify("09:05", importance="high", answer_limit="6h"),
    )
    assert "importance 'high'" in text
    high.classify("09:05", importance="high", answer_limit="4h30m")
    # 4 h 30: 9-13 + 14:00-14:30 -> 14:30
    assert_deadline(high, "answer", due="2025-11-06 14:30")


def test_p07_a_re_classification_cannot_lengthen_the_limit() -> None:
    # 6 h set at 9:05 (answer due 16:00); at 16:30 the answer is breached. Re-classifying
    # with 8 h, or without the limit under another importance, cannot make it pending again.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05", answer_limit="6h")
    assert_deadline(case, "answer", due="2025-11-06 16:00", status="breached", now="16:30")
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("16:30", answer_limit="8h"))
    assert "cannot lengthen" in text
    # restating the topics keeps the limit set before (carried into the event)
    case.classify("16:30", topics=("snow-removal", "roads"))
    assert str(case.case.answer_limit) == "6h"
    assert_deadline(case, "answer", due="2025-11-06 16:00", status="breached")
    # shortening further now would put the draft deadline (10:00) in the past: refused
    refused(case, RuleViolation, "п. 7", lambda: case.classify("16:35", answer_limit="5h"))


def test_p07_a_re_classification_to_a_lower_importance_cannot_lengthen_the_limit() -> None:
    # under by-importance, high (5 h, due 15:00) -> normal would give 8 h again: refused.
    case = CaseDriver.detected("2025-11-06 09:00", regulation=BY_IMPORTANCE)
    case.classify("09:05", importance="high")
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("09:30", importance="normal"))
    assert "from 5h to 8h" in text
    case.classify("09:30", importance="normal", answer_limit="5h")
    assert_deadline(case, "answer", due="2025-11-06 15:00")


def test_p07_p10_a_limit_leaving_the_draft_no_time_is_refused_even_if_confirmed() -> None:
    # reading tight-limit = refuse. 4 h: answer Thu 13:00; draft 13:00 - 4 h = 9:00, the
    # detection itself: nobody could send a draft in time, so the limit is not set.
    case = CaseDriver.detected("2025-11-06 09:00")
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("09:05", answer_limit="4h"))
    assert "nobody could meet it" in text
    refused(
        case,
        RuleViolation,
        "п. 7",
        lambda: case.classify("09:05", answer_limit="4h", confirm_tight=True),
    )
    # 5 h: draft due 10:00; classified at 9:59 there is still a minute -> accepted.
    case.classify("09:59", answer_limit="5h")
    assert_deadline(case, "draft", due="2025-11-06 10:00", status="warning")


def test_p07_p10_under_waive_a_confirmed_tight_limit_owes_no_draft_deadline() -> None:
    # reading tight-limit = waive: the curator confirms the 4 h limit; the draft deadline
    # (9:00, before anyone had the message) is not owed, so no one is charged with it;
    # the answer deadline (13:00) alone binds the executor.
    case = CaseDriver.detected("2025-11-06 09:00", regulation=WAIVE)
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("09:05", answer_limit="4h"))
    assert "confirm" in text
    case.classify("09:05", answer_limit="4h", confirm_tight=True)
    assert case.case.tight_confirmed
    ids = [d.id for d in case.deadlines("2025-11-06 12:00")]
    assert "draft" not in ids
    assert_deadline(case, "answer", due="2025-11-06 13:00", status="warning", now="12:00")
    # the same history under the default reading still shows the impossible deadline
    strict = CaseDriver(case.case, REGULATION)
    assert_deadline(strict, "draft", due="2025-11-06 09:00", status="breached")


def test_p07_routing_after_the_draft_deadline_of_a_shortened_limit_is_flagged() -> None:
    # Ambiguity 3: a shortened deadline that leaves the draft deadline "at or before
    # routing" is flagged, not silently accepted. 5 h: draft due Thu 10:00. Classified
    # at 9:50 (still in time), but routed at 10:05 -- after the draft deadline.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:50", answer_limit="5h")
    text = refused(case, RuleViolation, "п. 7", lambda: case.route("10:05", "improvement"))
    assert "confirm" in text
    case.do(
        Route(
            case_id=case.case.id,
            actor="sokolova",
            at=case.when("10:05"),
            departments=("improvement",),
            confirm_tight=True,
        )
    )
    assert case.case.stage == "routed"


# -- п. 8: a return outside the department's competence; re-routing (ambiguity 5) -------------


def test_p08_return_within_2_hours_then_a_fresh_route_window_while_the_answer_runs_on() -> None:
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:10", "transport")
    # return: routed 10:10 + 2 h = 12:10; lebedev heads transport.
    assert_deadline(
        case, "return", department="transport", due="2025-11-06 12:10", responsible="lebedev"
    )
    case.return_to_curator("11:00", "transport")
    assert case.case.stage == "classified"
    assert case.case.departments == ()
    assert_deadline(case, "return", department="transport", status="met", met_at="2025-11-06 11:00")
    # two route windows: the first from detection (met 10:10), a fresh one from the return.
    first, second = routes(case)
    assert first.status.value == "met"
    assert second.started_at == case.when("11:00")
    assert_deadline(case, "route", due="2025-11-06 11:30", status="pending")
    # answer from detection, not from the return: Thu 10-13 (3 h) + 14-18 (4 h) + Fri 9-10.
    assert_deadline(case, "answer", due="2025-11-07 10:00", status="pending")
    case.route("11:20", "improvement")
    assert_deadline(case, "route", status="met", met_at="2025-11-06 11:20")
    assert_deadline(case, "route", index=0, status="met", met_at="2025-11-06 10:10")
    # improvement's own return window: 11:20-13:00 (1 h 40) + 14:00-14:20 -> 14:20.
    assert_deadline(case, "return", department="improvement", due="2025-11-06 14:20")
    case.assign("11:30", "improvement")
    # the department kept the message: its return window stays open, binding a return only
    assert_deadline(case, "return", department="improvement", status="pending")
    assert_deadline(case, "return", department="improvement", status="lapsed", now="14:21")
    assert_deadline(case, "answer", due="2025-11-07 10:00")


def test_p08_the_fresh_route_window_skips_the_lunch_break() -> None:
    # detected 10:40: answer Thu 10:40-13:00 (2 h 20) + 14-18 (4 h) + Fri 9:00-10:40 -> Fri 10:40.
    case = CaseDriver.detected("2025-11-06 10:40")
    case.classify("10:45").route("11:00", "transport")
    # return: 11:00 + 2 h = 13:00 exactly (a result at a closing instant stays there).
    assert_deadline(case, "return", department="transport", due="2025-11-06 13:00")
    case.return_to_curator("12:50", "transport")
    assert_deadline(case, "return", department="transport", status="met")
    # route again: 12:50-13:00 (10 min) + 14:00-14:20 -> 14:20.
    assert_deadline(case, "route", due="2025-11-06 14:20", status="pending")
    case.route("14:15", "improvement")
    assert_deadline(case, "route", status="met", met_at="2025-11-06 14:15")
    assert_deadline(case, "answer", due="2025-11-07 10:40", status="pending")


def test_p08_a_late_return_is_breached() -> None:
    # routed 10:10 -> return due 12:10; returned at 14:30.
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:10", "transport")
    # nothing is owed while the department keeps the message: the window lapses
    assert_deadline(case, "return", department="transport", status="lapsed", now="12:11")
    case.return_to_curator("14:30", "transport")
    assert_deadline(
        case,
        "return",
        department="transport",
        due="2025-11-06 12:10",
        status="breached",
        met_at="2025-11-06 14:30",
    )


def test_p08_a_return_needs_a_reason() -> None:
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:10", "transport")
    refused(case, RuleViolation, "п. 8", lambda: case.return_to_curator("10:30", "transport", " "))


def test_p08_untimed_re_routing_opens_no_second_route_window() -> None:
    # What-if, ambiguity 5 = "untimed": the same history has a single route deadline.
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:10", "transport").return_to_curator("11:00", "transport")
    assert len(routes(case)) == 2
    untimed = CaseDriver(case.case, REGULATION.choose(**{"re-routing": "untimed"}))
    (only,) = routes(untimed)
    assert only.status.value == "met"
    assert_deadline(untimed, "answer", due="2025-11-07 10:00")


def test_p08_when_one_of_two_departments_returns_the_curator_can_re_route_its_part() -> None:
    # improvement leads, transport returns its part. The return starts a fresh route window
    # for the curator (ambiguity 5), so the curator must be able to route again.
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:10", "improvement", "transport", lead="improvement")
    case.assign("10:20", "improvement").return_to_curator("10:30", "transport")
    assert case.case.departments == ("improvement",)
    assert_deadline(case, "route", due="2025-11-06 11:00")
    case.route("10:40", "improvement", "housing", lead="improvement")
    assert_deadline(case, "route", status="met", met_at="2025-11-06 10:40")


# -- п. 6: executors and substitutes -----------------------------------------------------------


def test_p06_an_absent_executor_resolves_to_the_substitute() -> None:
    # volkova is ill 2025-11-24..26 (example organisation); zaitsev is next in improvement.
    case = CaseDriver.detected("2025-11-25 10:00")
    case.classify("10:05").route("10:10", "improvement").assign("10:15", "improvement", "volkova")
    assert case.case.executors == {"improvement": "zaitsev"}
    assigned = case.case.events[-1].data
    assert isinstance(assigned, ExecutorAssigned)
    assert assigned.requested == "volkova"
    assert assigned.substitution is not None
    assert "zaitsev" in assigned.substitution
    # answer Tue 10:00 + 8 h: 10-13 (3 h) + 14-18 (4 h) + Wed 9-10 -> Wed 10:00.
    assert_deadline(case, "answer", due="2025-11-26 10:00", responsible="zaitsev")
    text = refused(case, PermissionDenied, "п. 10", lambda: case.submit("10:30", actor="volkova"))
    assert "volkova" in text
    case.submit("10:30", actor="zaitsev")
    assert_deadline(case, "draft", status="met", met_at="2025-11-25 10:30")


def test_p06_an_executor_who_falls_absent_after_assignment_is_replaced_by_the_substitute() -> None:
    # assigned on Fri 21 Nov (present); on Mon 24 Nov volkova is ill: zaitsev acts.
    case = CaseDriver.detected("2025-11-21 16:00")
    case.classify("16:05").route("16:10", "improvement").assign("16:15", "improvement")
    assert case.case.executors == {"improvement": "volkova"}
    # answer: Fri 16-18 (2 h) + Mon 9-13 (4 h) + 14-16 (2 h) -> Mon 16:00.
    assert_deadline(case, "answer", due="2025-11-24 16:00")
    text = refused(
        case,
        PermissionDenied,
        "п. 10",
        lambda: case.submit("2025-11-24 10:00", actor="volkova"),
    )
    assert "volkova" in text
    assert "zaitsev" in text  # the refusal says who acts (п. 6)
    case.submit("2025-11-24 10:00", actor="zaitsev")
    state = find_deadline(case, "draft")
    assert state.met_by == "zaitsev"


def test_p06_p19_while_the_executor_is_absent_the_substitute_answers_for_the_deadlines() -> None:
    # assigned Fri 21 Nov (volkova present); on Mon 24 Nov she is ill and zaitsev acts
    # (п. 6), so on that day zaitsev is the executor who answers for the deadlines (п. 19).
    # answer Mon 16:00 (see above); draft 16:00 back to 14:00, 13:00 back to 11:00.
    case = CaseDriver.detected("2025-11-21 16:00")
    case.classify("16:05").route("16:10", "improvement").assign("16:15", "improvement")
    assert_deadline(case, "answer", responsible="volkova", now="2025-11-21 17:00")
    monday = "2025-11-24 10:00"
    assert_deadline(case, "answer", due="2025-11-24 16:00", responsible="zaitsev", now=monday)
    assert_deadline(case, "draft", due="2025-11-24 11:00", responsible="zaitsev", now=monday)


def test_p06_a_head_designates_only_his_own_executors() -> None:
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:10", "improvement")
    command = AssignExecutor(
        case_id=case.case.id,
        actor="morozov",
        at=case.when("10:15"),
        department="improvement",
        executor="ivanova",
    )
    refused(case, RuleViolation, "п. 6", lambda: case.do(command))
    case.assign("10:15", "improvement")
    assert case.case.stage == "in_work"


def test_p06_assigning_the_executor_keeps_the_message_without_meeting_the_return_window() -> None:
    # route 10:10 -> return due 12:10; assigning at 10:20 means the department kept it:
    # nothing of п. 8 is met or owed, and the window lapses at 12:10.
    case = CaseDriver.detected("2025-11-06 10:00")
    case.classify("10:05").route("10:10", "improvement").assign("10:20", "improvement")
    state = assert_deadline(case, "return", department="improvement", status="pending")
    assert state.met_at is None
    assert_deadline(case, "return", department="improvement", status="lapsed", now="12:11")
    case.submit("10:30", DraftKind.INTERIM, text="Разбираемся")
    assert case.case.stage == "awaiting_approval"
