"""п. 15: several executors. The curator sets the order; each part is due 2 hours
(working) after its executor receives the message; the lead prepares the joint draft.

2025-11-06 is a Thursday; working time 9-13, 14-18. Due instants worked out by hand.
"""

from __future__ import annotations

from regflow.core import SubmitContribution
from regflow.errors import CommandRefused, RuleViolation
from tests.engine.conftest import CaseDriver, assert_deadline, find_deadline, refused


def contributions(driver: CaseDriver) -> dict[str, str]:
    return {str(d.department): d.status.value for d in driver.deadlines() if d.id == "contribute"}


def routed_in_order() -> CaseDriver:
    """improvement leads; housing first, then transport (the curator's order)."""
    case = CaseDriver.detected("2025-11-06 09:00")
    return case.classify("09:05").route(
        "09:10",
        "improvement",
        "housing",
        "transport",
        order=(("housing",), ("transport",)),
        lead="improvement",
    )


def test_p15_parts_come_in_the_curators_order_each_2_hours_from_its_own_receipt() -> None:
    case = routed_in_order()
    assert case.case.stage == "routed"
    case.assign("09:20", "improvement")
    assert contributions(case) == {}  # the lead sends no part
    case.assign("09:30", "housing")
    # housing receives it at 9:30: due 11:30; ivanova answers for it.
    assert_deadline(
        case, "contribute", department="housing", due="2025-11-06 11:30", responsible="ivanova"
    )
    case.assign("09:40", "transport")
    # transport is in the second group: its clock has not started.
    assert contributions(case) == {"housing": "pending"}
    text = refused(case, RuleViolation, "п. 15", lambda: case.contribute("10:00", "transport"))
    assert "turn" in text
    # the joint answer cannot be drafted before the parts are in.
    refused(case, RuleViolation, "п. 15", lambda: case.submit("10:30"))
    case.contribute("11:00", "housing")
    assert_deadline(
        case, "contribute", department="housing", status="met", met_at="2025-11-06 11:00"
    )
    # transport receives it when housing's part is in: 11:00 + 2 h = 13:00.
    state = assert_deadline(case, "contribute", department="transport", due="2025-11-06 13:00")
    assert state.started_at == case.when("11:00")
    assert state.responsible == "kozlova"
    case.contribute("14:10", "transport")
    assert_deadline(
        case,
        "contribute",
        department="transport",
        status="breached",
        met_at="2025-11-06 14:10",
    )
    case.submit("14:20", text="Снег уберут, маршрут автобуса восстановят")
    assert case.case.stage == "awaiting_approval"
    # the answer clock ran from detection throughout: Thu 9:00 + 8 h = 18:00.
    assert_deadline(case, "answer", due="2025-11-06 18:00")


def test_p15_a_later_group_assigned_after_the_first_is_in_starts_at_its_assignment() -> None:
    case = routed_in_order().assign("09:20", "improvement").assign("09:30", "housing")
    case.contribute("10:00", "housing")
    assert contributions(case) == {"housing": "met"}
    # transport's executor is designated at 11:30: 11:30-13:00 (1 h 30) + 14:00-14:30 -> 14:30.
    case.assign("11:30", "transport")
    assert_deadline(case, "contribute", department="transport", due="2025-11-06 14:30")


def test_p15_departments_in_one_group_run_in_parallel() -> None:
    # no order: housing and transport contribute at once, each from its own assignment.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement", "housing", "transport", lead="improvement")
    case.assign("09:20", "improvement").assign("09:30", "housing").assign("10:15", "transport")
    # housing 9:30 + 2 h = 11:30; transport 10:15 + 2 h = 12:15.
    assert_deadline(case, "contribute", department="housing", due="2025-11-06 11:30")
    assert_deadline(case, "contribute", department="transport", due="2025-11-06 12:15")
    case.contribute("10:30", "transport")
    assert contributions(case) == {"housing": "pending", "transport": "met"}
    # a late part, judged at a later instant.
    state = find_deadline(case, "contribute", department="housing", now="11:31")
    assert state.status.value == "breached"


def test_p15_a_part_is_sent_once_and_only_by_a_co_executor() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement", "housing", lead="improvement")
    case.assign("09:20", "improvement").assign("09:30", "housing")
    refused(case, RuleViolation, "п. 15", lambda: case.contribute("09:40", "housing", text=" "))
    case.contribute("09:45", "housing")
    refused(case, RuleViolation, "п. 15", lambda: case.contribute("09:50", "housing"))


def test_p15_several_departments_need_a_lead_named_by_the_curator() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    refused(case, RuleViolation, "п. 15", lambda: case.route("09:10", "improvement", "housing"))
    refused(
        case,
        RuleViolation,
        "п. 15",
        lambda: case.route("09:10", "improvement", "housing", lead="transport"),
    )
    refused(
        case,
        RuleViolation,
        "п. 15",
        lambda: case.route(
            "09:10",
            "improvement",
            "housing",
            "transport",
            order=(("housing",),),
            lead="improvement",
        ),
    )
    case.route("09:10", "improvement", "housing", lead="improvement")
    assert case.case.events[-1].clause == "п. 15"
    assert case.case.lead == "improvement"


# -- п. 8 within п. 15: a department leaves the joint answer -----------------------------------

OPEN = {"pending", "warning", "paused", "breached"}


def joint(case: CaseDriver) -> CaseDriver:
    """improvement leads, housing contributes; both executors designated by 9:20."""
    case.classify("09:05").route("09:10", "improvement", "housing", lead="improvement")
    return case.assign("09:15", "improvement").assign("09:20", "housing")


def test_p15_a_co_executor_whose_department_returns_the_message_owes_no_part() -> None:
    # housing's part was due 9:20 + 2 h = 11:20; at 9:40 its head returns the message
    # (п. 8). Housing is out of the case: its part can no longer be sent, so it must not
    # stay due (and turn into a breach at 11:20).
    case = joint(CaseDriver.detected("2025-11-06 09:00"))
    assert_deadline(case, "contribute", department="housing", due="2025-11-06 11:20")
    case.return_to_curator("09:40", "housing")
    assert case.case.departments == ("improvement",)
    late_part = SubmitContribution(
        case_id=case.case.id,
        actor="ivanova",
        at=case.when("10:00"),
        department="housing",
        text="Наша часть",
    )
    refused(case, CommandRefused, "п. 15", lambda: case.do(late_part))
    left = [
        d
        for d in case.deadlines("2025-11-07 09:00")
        if d.id == "contribute" and d.department == "housing" and d.status.value in OPEN
    ]
    assert left == [], f"housing's part still counted after its return: {left}"
    case.submit("10:00", text="Снег уберут до вечера")
    assert case.case.stage == "awaiting_approval"


def test_p15_when_the_lead_returns_the_message_the_co_executor_leads_and_owes_no_part() -> None:
    # improvement (lead) returns it at 9:40; housing is left and leads. Its executor now
    # prepares the answer itself; a "part" of housing (due 11:20) can never be sent.
    case = joint(CaseDriver.detected("2025-11-06 09:00"))
    case.return_to_curator("09:40", "improvement")
    assert case.case.lead == "housing"
    assert case.case.lead_executor == "ivanova"
    case.submit("10:00", text="Дворы очистят до вечера")
    left = [
        d
        for d in case.deadlines("2025-11-07 09:00")
        if d.id == "contribute" and d.status.value in OPEN
    ]
    assert left == [], f"a part is still counted for the new lead: {left}"


def test_p15_a_department_routed_again_gets_a_fresh_2_hours_from_its_new_receipt() -> None:
    # both departments return the message by 9:45; the curator routes it to them again
    # at 9:50. housing's executor is designated again only at 13:30, in the lunch break:
    # its clock starts at 14:00 and its part is due 16:00, not at 11:20 as under the
    # first routing.
    case = joint(CaseDriver.detected("2025-11-06 09:00"))
    case.return_to_curator("09:40", "housing").return_to_curator("09:45", "improvement")
    assert case.case.stage == "classified"
    case.route("09:50", "improvement", "housing", lead="improvement")
    case.assign("10:00", "improvement").assign("13:30", "housing")
    state = assert_deadline(case, "contribute", department="housing", due="2025-11-06 16:00")
    assert state.started_at == case.when("13:30")
