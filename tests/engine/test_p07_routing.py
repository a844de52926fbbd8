"""п. 6-8: classify and route in 30 minutes, a shortened deadline, executors and
substitutes, a return outside the department's competence and re-routing.

Working time: Mon-Fri 9-13, 14-18 (Asia/Yakutsk). 2025-11-06 is a Thursday.
Every due instant below is worked out by hand in the comment beside it.
"""

from __future__ import annotations

from typing import Any

from regflow.core import AssignExecutor, DeadlineState
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


def test_p07_high_importance_shortens_the_answer_to_5_working_hours() -> None:
    # "high" -> 5 working hours in this ruleset: Thu 9-13 (4 h) + 14-15 (1 h) -> 15:00.
    # draft = answer - 4 h: 15:00 back to 14:00 (1 h), 13:00 back to 10:00 (3 h) -> 10:00.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05", importance="high")
    state = assert_deadline(case, "answer", due="2025-11-06 15:00", status="pending")
    assert "shortened" in state.basis
    assert_deadline(case, "draft", due="2025-11-06 10:00")


def test_p07_normal_importance_keeps_8_working_hours() -> None:
    # Thu 9:00 + 8 h = 9-13 + 14-18 -> 18:00; draft 18:00 - 4 h = 14:00.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05", importance="normal")
    assert_deadline(case, "answer", due="2025-11-06 18:00")
    assert_deadline(case, "draft", due="2025-11-06 14:00")


def test_p07_an_explicit_limit_for_one_message_wins_over_the_category() -> None:
    # 6 working hours: 9-13 (4 h) + 14-16 (2 h) -> 16:00; draft 16:00 - 4 h:
    # back to 14:00 (2 h), then 13:00 back to 11:00 (2 h) -> 11:00.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05", importance="high", answer_limit="6h")
    assert_deadline(case, "answer", due="2025-11-06 16:00")
    assert_deadline(case, "draft", due="2025-11-06 11:00")
    assert case.case.answer_limit is not None


def test_p07_a_limit_leaving_the_draft_due_at_classification_is_refused_unless_confirmed() -> None:
    # high: answer Thu 15:00, draft 10:00 (see above). Classified at 10:00 the draft is
    # due at that very instant -> refused; at 9:59 there is still a minute -> accepted.
    case = CaseDriver.detected("2025-11-06 09:00")
    text = refused(case, RuleViolation, "п. 7", lambda: case.classify("10:00", importance="high"))
    assert "confirm" in text
    case.classify("10:00", importance="high", confirm_tight=True)
    assert_deadline(case, "draft", due="2025-11-06 10:00", status="breached", now="10:01")
    assert_deadline(case, "answer", due="2025-11-06 15:00")

    in_time = CaseDriver.detected("2025-11-06 09:00")
    in_time.classify("09:59", importance="high")
    assert_deadline(in_time, "draft", due="2025-11-06 10:00", status="warning")


def test_p07_an_explicit_limit_of_4_hours_leaves_no_time_for_the_draft() -> None:
    # 4 h: answer Thu 13:00; draft 13:00 - 4 h = 9:00, the detection itself.
    case = CaseDriver.detected("2025-11-06 09:00")
    refused(case, RuleViolation, "п. 7", lambda: case.classify("09:05", answer_limit="4h"))
    case.classify("09:05", answer_limit="4h", confirm_tight=True)
    assert_deadline(case, "answer", due="2025-11-06 13:00")
    assert_deadline(case, "draft", due="2025-11-06 09:00", status="breached")


def test_p07_routing_after_the_draft_deadline_of_a_shortened_limit_is_flagged() -> None:
    # Ambiguity 3: a shortened deadline that leaves the draft deadline "at or before
    # routing" is flagged, not silently accepted. high: draft due Thu 10:00. Classified
    # at 9:50 (still in time), but routed at 10:05 -- after the draft deadline.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:50", importance="high")
    refused(case, RuleViolation, "п. 7", lambda: case.route("10:05", "improvement"))


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
