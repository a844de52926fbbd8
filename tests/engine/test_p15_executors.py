"""п. 15: several executors. The curator sets the order; each part is due 2 hours
(working) after its executor receives the message; the lead prepares the joint draft.

2025-11-06 is a Thursday; working time 9-13, 14-18. Due instants worked out by hand.
"""

from __future__ import annotations

from regflow.core import Route, SubmitContribution
from regflow.core.events import ContributionOpened, ContributionSubmitted, ExecutorAssigned
from regflow.errors import CommandRefused, PermissionDenied, RuleViolation
from tests.engine.conftest import REGULATION, CaseDriver, assert_deadline, find_deadline, refused


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


# -- п. 15(1): the curator's order is honoured or refused, never rewritten ----------------------

IN_ORDER = REGULATION.choose(**{"lead-part": "in-order"})
"""The other reading: the lead sends its own part in its turn too (п. 15(3) "каждым")."""


def test_p15_an_order_naming_the_lead_is_refused_not_rewritten() -> None:
    # reading lead-part = in-joint-draft: the lead's information goes into the joint draft;
    # an order that gives it a turn of its own would be silently changed, so it is refused.
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    text = refused(
        case,
        RuleViolation,
        "п. 15",
        lambda: case.route(
            "09:10",
            "improvement",
            "housing",
            order=(("housing",), ("improvement",)),
            lead="improvement",
        ),
    )
    assert "leave it out of the order" in text
    case.route("09:10", "improvement", "housing", order=(("housing",),), lead="improvement")
    assert case.case.order == (("housing",),)


def test_p15_under_in_order_the_lead_sends_its_own_part_in_its_turn() -> None:
    # reading lead-part = in-order: housing first, then improvement (the lead) itself; each
    # part is due 2 working hours after its turn starts, then the lead drafts the answer.
    case = CaseDriver.detected("2025-11-06 09:00", regulation=IN_ORDER).classify("09:05")
    refused(
        case,
        RuleViolation,
        "п. 15",
        lambda: case.route(
            "09:10", "improvement", "housing", order=(("housing",),), lead="improvement"
        ),
    )
    case.route(
        "09:10",
        "improvement",
        "housing",
        order=(("housing",), ("improvement",)),
        lead="improvement",
    )
    assert case.case.order == (("housing",), ("improvement",))
    case.assign("09:15", "improvement").assign("09:20", "housing")
    assert contributions(case) == {"housing": "pending"}
    refused(case, RuleViolation, "п. 15", lambda: case.contribute("09:30", "improvement"))
    case.contribute("10:00", "housing")
    # improvement's turn starts at 10:00: due 12:00; volkova (its executor) answers for it
    assert_deadline(
        case, "contribute", department="improvement", due="2025-11-06 12:00", responsible="volkova"
    )
    refused(case, RuleViolation, "п. 15", lambda: case.submit("10:30"))
    case.contribute("11:00", "improvement", text="Наша часть: тротуары")
    assert contributions(case) == {"housing": "met", "improvement": "met"}
    case.submit("11:30", text="Общий ответ")
    assert case.case.stage == "awaiting_approval"


def test_p15_under_in_order_a_lead_who_returns_leaves_the_new_lead_its_part() -> None:
    case = CaseDriver.detected("2025-11-06 09:00", regulation=IN_ORDER).classify("09:05")
    case.route("09:10", "improvement", "housing", lead="improvement")
    case.assign("09:15", "improvement").assign("09:20", "housing")
    assert contributions(case) == {"housing": "pending", "improvement": "pending"}
    case.return_to_curator("09:40", "improvement")
    assert case.case.lead == "housing"
    # housing's part stays owed: alone now, it still prepares the answer from it
    assert case.case.order == (("housing",),)
    assert contributions(case) == {"housing": "pending", "improvement": "cancelled"}


# -- п. 15(4): the curator appoints the executor who prepares the joint answer --------------------


def appointed(when: str = "2025-11-06 09:00", preparer: str = "zaitsev") -> CaseDriver:
    case = CaseDriver.detected(when).classify("09:05")
    return case.do(
        Route(
            case_id=case.case.id,
            actor="sokolova",
            at=case.when("09:10"),
            departments=("improvement", "housing"),
            preparer=preparer,
        )
    )


def test_p15_the_curator_appoints_the_person_who_prepares_the_joint_answer() -> None:
    # zaitsev (improvement's second executor) is appointed: improvement leads, and its
    # executor is designated by the appointment, so the case is in work at once.
    case = appointed()
    assert (case.case.lead, case.case.preparer, case.case.stage) == (
        "improvement",
        "zaitsev",
        "in_work",
    )
    assert case.case.lead_executor == "zaitsev"
    assigned = case.case.events[-1].data
    assert isinstance(assigned, ExecutorAssigned)
    assert (assigned.department, assigned.executor) == ("improvement", "zaitsev")
    assert case.case.events[-1].clause == "п. 15"
    # improvement's head keeps п. 8 but cannot designate another executor
    text = refused(case, RuleViolation, "п. 15", lambda: case.assign("09:15", "improvement"))
    assert "zaitsev" in text
    case.assign("09:20", "housing").contribute("10:00", "housing")
    refused(case, PermissionDenied, "п. 10", lambda: case.submit("10:10", actor="volkova"))
    case.submit("10:10", actor="zaitsev")
    assert case.case.stage == "awaiting_approval"


def test_p15_the_preparer_is_an_executor_of_a_routed_department_and_its_department_leads() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")

    def route(preparer: str, lead: str | None = None) -> None:
        case.do(
            Route(
                case_id=case.case.id,
                actor="sokolova",
                at=case.when("09:10"),
                departments=("improvement", "housing"),
                lead=lead,
                preparer=preparer,
            )
        )

    alone = Route(
        case_id=case.case.id,
        actor="sokolova",
        at=case.when("09:10"),
        departments=("improvement",),
        preparer="zaitsev",
    )
    text = refused(case, RuleViolation, "п. 15", lambda: case.do(alone))
    assert "one department's head designates its executor" in text
    text = refused(case, RuleViolation, "п. 15", lambda: route("kozlova"))  # transport's
    assert "not an executor of improvement, housing" in text
    refused(case, RuleViolation, "п. 15", lambda: route("zaitsev", lead="housing"))
    route("ivanova")  # housing's executor: housing leads
    assert (case.case.lead, case.case.lead_executor) == ("housing", "ivanova")


def test_p06_p15_an_absent_preparers_work_goes_to_the_substitute() -> None:
    # volkova is ill 2025-11-24..26; appointed on the 25th, zaitsev acts for her (п. 6).
    case = appointed("2025-11-25 09:00", preparer="volkova")
    assert case.case.preparer == "volkova"
    assert case.case.lead_executor == "zaitsev"
    assigned = case.case.events[-1].data
    assert isinstance(assigned, ExecutorAssigned)
    assert assigned.substitution is not None


# -- what the notices of п. 15 need (the lead writes the notices) --------------------------------


def test_p15_the_events_carry_whom_to_tell_and_when_a_turn_starts() -> None:
    # a co-executor is told when its turn (and its 2-hour clock) starts: contribution_opened
    # names the department and the executor, at the instant the clock starts; the lead's
    # executor is told when a part arrives: contribution_submitted names the part's department
    # and executor, and the case names the lead's executor.
    case = routed_in_order().assign("09:20", "improvement").assign("09:30", "housing")
    case.assign("09:40", "transport").contribute("11:00", "housing")
    submitted, opened = case.case.events[-2:]
    assert isinstance(submitted.data, ContributionSubmitted)
    assert (submitted.data.department, submitted.data.executor) == ("housing", "ivanova")
    assert isinstance(opened.data, ContributionOpened)
    assert (opened.data.department, opened.data.executor, opened.at) == (
        "transport",
        "kozlova",
        case.when("11:00"),
    )
    assert case.case.lead_executor == "volkova"
