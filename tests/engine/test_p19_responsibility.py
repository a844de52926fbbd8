"""п. 6, 8, 15, 19: who answers for a deadline, as of when, and for which department.

A figure that names a person must be true to the text: the head of *that* deadline's
department, the person who held the role when it fell due, and -- for the case-wide
limits of п. 9 and п. 14 -- whoever held the case then (the `attribution` reading).
"""

from __future__ import annotations

from regflow.rules import Attribution
from tests.engine.conftest import HEADS, REGULATION, CaseDriver, assert_deadline

EXECUTOR_ALWAYS = REGULATION.choose(attribution="executor")
DESIGNATION_MEETS = REGULATION.choose(**{"return-window": "designation-meets"})


def test_p08_each_department_s_return_window_names_its_own_head() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.route("09:10", "improvement", "transport", lead="improvement")
    state = assert_deadline(case, "return", department="transport", responsible=HEADS["transport"])
    assert (state.responsible_role, state.accountable_department) == (
        "department_head",
        "transport",
    )
    assert_deadline(case, "return", department="improvement", responsible=HEADS["improvement"])


def test_p08_a_late_return_is_charged_to_the_returning_department_s_head_after_re_routing() -> None:
    # routed to transport 9:10 (window to 11:10); returned at 12:00, late; re-routed to
    # improvement: transport's late return stays transport's head's.
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "transport")
    case.return_to_curator("12:00", "transport").route("12:10", "improvement")
    state = assert_deadline(
        case, "return", department="transport", status="breached", responsible="lebedev"
    )
    assert state.accountable_department == "transport"


def test_p08_a_return_after_the_window_is_late_even_if_an_executor_was_designated() -> None:
    # routed 10:10 -> window to 12:10; the head designates at 10:20, returns at 14:30.
    case = CaseDriver.detected("2025-11-06 10:00").classify("10:05")
    case.route("10:10", "transport").assign("10:20", "transport")
    assert_deadline(case, "return", department="transport", status="pending")
    case.return_to_curator("14:30", "transport")
    assert_deadline(
        case, "return", department="transport", status="breached", met_at="2025-11-06 14:30"
    )


def test_p08_a_late_designation_alone_is_no_breach_of_п8() -> None:
    # routed 10:10 -> window to 12:10; the head keeps the message and designates at 15:00.
    case = CaseDriver.detected("2025-11-06 10:00").classify("10:05").route("10:10", "transport")
    case.assign("15:00", "transport")
    state = assert_deadline(case, "return", department="transport", status="lapsed", now="15:01")
    assert state.met_at is None


def test_p08_the_other_reading_lets_a_designation_meet_the_window() -> None:
    case = CaseDriver.detected("2025-11-06 10:00", regulation=DESIGNATION_MEETS)
    case.classify("10:05").route("10:10", "transport").assign("15:00", "transport")
    assert_deadline(case, "return", department="transport", status="breached")
    on_time = CaseDriver.detected("2025-11-06 10:00", regulation=DESIGNATION_MEETS)
    on_time.classify("10:05").route("10:10", "transport").assign("10:20", "transport")
    assert_deadline(on_time, "return", department="transport", status="met")
    assert DESIGNATION_MEETS.effective.deadline["return"].warn_before != ()
    assert REGULATION.effective.deadline["return"].warn_before == ()


def test_p06_a_breach_is_charged_to_the_substitute_on_duty_the_day_it_fell_due() -> None:
    # volkova is ill 24-26 November (п. 6): zaitsev stands in. Detected Fri 21 Nov 16:00, the
    # draft is due Mon 24 Nov 11:00 (answer 16:00 - 4 h): volkova's work, zaitsev's day.
    case = CaseDriver.detected("2025-11-21 16:00").classify("16:05").route("16:10", "improvement")
    case.assign("16:15", "improvement")
    assert case.case.executors["improvement"] == "volkova"
    assert_deadline(case, "draft", status="pending", responsible="volkova", now="2025-11-21 17:00")
    state = assert_deadline(
        case, "draft", status="breached", responsible="zaitsev", now="2025-11-28 10:00"
    )
    assert state.accountable_department == "improvement"


def test_p06_a_breach_on_a_day_the_executor_was_present_stays_hers_whenever_reported() -> None:
    # detected Thu 20 Nov 9:00: the draft is due 14:00 that day; volkova was there. Judged on
    # 25 Nov, when she is ill, it is still hers.
    case = CaseDriver.detected("2025-11-20 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement")
    assert_deadline(case, "draft", status="breached", responsible="volkova", now="2025-11-25 10:00")


def test_p19_a_re_routed_case_charges_the_lead_that_held_it_when_the_limit_fell_due() -> None:
    # improvement leads from 9:10; the draft falls due at 14:00 unsent; at 15:00 improvement
    # returns it and the curator routes it to housing: the missed draft stays improvement's.
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement")
    case.return_to_curator("15:00", "improvement").route("15:10", "housing")
    case.assign("15:20", "housing")
    state = assert_deadline(case, "draft", status="breached", responsible="volkova")
    assert (state.accountable_department, state.held_at) == ("improvement", "in_work")


def test_p19_a_miss_while_the_curator_held_the_draft_is_the_curator_s() -> None:
    # the draft went to the curator at 13:30 (due 14:00); she approved it at 18:30, after the
    # answer's 18:00: the п. 9 miss happened while the draft waited for approval (п. 11).
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement").submit("13:30").approve("2025-11-07 09:10")
    state = assert_deadline(case, "answer", status="breached", responsible="sokolova")
    assert (state.responsible_role, state.held_at, state.accountable_department) == (
        "curator",
        "awaiting_approval",
        None,
    )
    assert_deadline(case, "draft", status="met", responsible="volkova")
    assert_deadline(case, "approve", status="breached", responsible="sokolova")


def test_p19_the_other_reading_charges_the_executor_whatever_step_was_overdue() -> None:
    case = CaseDriver.detected("2025-11-06 09:00", regulation=EXECUTOR_ALWAYS).classify("09:05")
    case.route("09:10", "improvement").assign("09:15", "improvement").submit("13:30")
    case.approve("2025-11-07 09:10")
    state = assert_deadline(case, "answer", status="breached", responsible="volkova")
    assert (state.responsible_role, state.accountable_department) == ("executor", "improvement")
    assert EXECUTOR_ALWAYS.effective.deadline["answer"].attribution is Attribution.ROLE
    assert REGULATION.effective.deadline["answer"].attribution is Attribution.HOLDER


def test_p19_a_miss_before_any_executor_was_designated_is_the_head_s() -> None:
    # routed at 9:10; the head designates nobody; the draft falls due at 14:00.
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "transport")
    state = assert_deadline(case, "answer", status="breached", now="18:01", responsible="lebedev")
    assert (state.responsible_role, state.held_at) == ("department_head", "routed")


def test_p15_a_co_executor_s_part_is_charged_to_its_own_department_s_executor() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.route("09:10", "improvement", "transport", lead="improvement")
    case.assign("09:15", "improvement").assign("09:20", "transport")
    state = assert_deadline(case, "contribute", department="transport", status="breached",
                            now="11:21", responsible="kozlova")  # fmt: skip
    assert state.accountable_department == "transport"
