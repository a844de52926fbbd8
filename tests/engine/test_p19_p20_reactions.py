"""п. 13, 15, 19, 20 as reactions: who is told of what, what is published, when the rules
escalate by themselves. Pure: the functions of :mod:`regflow.core.reactions` on cases made
by the engine, with the counts a store would supply passed in."""

from __future__ import annotations

import datetime as dt

import attrs

from regflow.core import DeadlineState, Status, deadlines, evolve
from regflow.core.events import Escalated
from regflow.core.organization import OfficialAccount
from regflow.core.reactions import (
    SYSTEM,
    Notice,
    NoticeKind,
    PublicationRequest,
    breach_department,
    escalation_event,
    react,
    reminders,
    repeated_breaches,
    significant,
    surge,
    window_start,
)
from regflow.rules import DraftKind, EscalationTrigger, Platform
from tests.engine.conftest import CURATOR, HEADS, ORG, REGULATION, CaseDriver, at

ESCALATIONS = {rule.trigger: rule for rule in REGULATION.effective.escalations}


def effects_of_last(driver: CaseDriver, count: int = 1, org=ORG) -> tuple[object, ...]:
    """What the last ``count`` events of the driver's case cause."""
    return react(REGULATION, org, driver.case, driver.case.events[-count:])


def notices(effects: tuple[object, ...], kind: NoticeKind) -> list[Notice]:
    return [e for e in effects if isinstance(e, Notice) and e.kind is kind]


def test_p07_each_routed_department_s_head_is_told() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.route("09:10", "improvement", "transport", lead="improvement")
    told = notices(effects_of_last(case), NoticeKind.ROUTED)
    assert sorted(n.recipient for n in told) == sorted([HEADS["improvement"], HEADS["transport"]])
    seq = case.case.version
    assert {n.key for n in told} == {f"{case.case.id}/{seq}/{h}" for h in ("morozov", "lebedev")}


def test_p07_a_re_routing_tells_only_the_newly_added_department() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.route("09:10", "improvement", "transport", lead="improvement")
    case.return_to_curator("09:30", "transport").route("09:40", "housing")
    told = notices(effects_of_last(case), NoticeKind.ROUTED)
    assert [n.recipient for n in told] == [HEADS["housing"]]


def test_p06_the_designated_executor_is_told() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement")
    (told,) = notices(effects_of_last(case), NoticeKind.ASSIGNED)
    assert told.recipient == "volkova"
    assert told.key == f"{case.case.id}/{case.case.version}"
    assert told.fields["clause"] == "п. 6"  # designated by the head


def test_p15_the_person_the_curator_appoints_to_prepare_the_joint_answer_is_told() -> None:
    from regflow.core import Route

    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.do(
        Route(
            case_id=case.case.id,
            actor=CURATOR,
            at=case.when("09:10"),
            departments=("improvement", "transport"),
            lead="improvement",
            preparer="zaitsev",
        )
    )
    told = notices(react(REGULATION, ORG, case.case, case.case.events[-3:]), NoticeKind.ASSIGNED)
    assert [(n.recipient, n.fields["clause"]) for n in told] == [("zaitsev", "п. 15")]


def test_p15_a_co_executor_is_told_when_its_turn_starts_and_the_lead_when_a_part_arrives() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.route("09:10", "improvement", "transport", lead="improvement")
    case.assign("09:15", "improvement")
    assert notices(effects_of_last(case, 2), NoticeKind.TURN) == []  # no co-executor yet
    case.assign("09:20", "transport")  # the transport executor's turn, and its 2 hours, start
    (turn,) = notices(effects_of_last(case, 2), NoticeKind.TURN)
    assert turn.recipient == "kozlova"
    assert turn.fields["department"] == ORG.department("transport").name
    case.contribute("09:50", "transport")
    (part,) = notices(effects_of_last(case), NoticeKind.PART)
    assert part.recipient == "volkova"  # the lead department's executor
    assert part.fields["department"] == ORG.department("transport").name


def test_p10_p11_p12_drafts_go_to_every_curator_and_verdicts_to_the_executor() -> None:
    two = attrs.evolve(ORG, curators=(CURATOR, "belov"))
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement").submit("09:30")
    drafts = notices(effects_of_last(case, org=two), NoticeKind.DRAFT)
    assert sorted(n.recipient for n in drafts) == sorted([CURATOR, "belov"])
    case.rework("09:40", remarks="Назовите срок")
    (rework,) = notices(effects_of_last(case), NoticeKind.REWORK)
    assert (rework.recipient, rework.fields["reason"]) == ("volkova", "Назовите срок")
    case.submit("09:50").approve("09:55")
    (approved,) = notices(effects_of_last(case), NoticeKind.APPROVED)
    assert approved.recipient == "volkova"


def test_p06_a_verdict_goes_to_the_substitute_on_duty_while_the_executor_is_absent() -> None:
    # volkova is ill 24-26 November; zaitsev stands in for her (п. 6).
    case = CaseDriver.detected("2025-11-21 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement").submit("09:30")
    case.rework("2025-11-24 09:40")
    (rework,) = notices(effects_of_last(case), NoticeKind.REWORK)
    assert rework.recipient == "zaitsev"


def test_p13_the_approved_draft_is_requested_for_publication_where_the_message_appeared() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement").submit("09:30", text="Снег уберут").approve("09:35")
    case.request("09:40")
    (request,) = effects_of_last(case)
    assert isinstance(request, PublicationRequest)
    assert request.platform is Platform.VK
    assert request.place == case.case.message.place
    assert request.text == "Снег уберут"
    assert request.key == f"{case.case.id}/draft-1"
    assert request.account == "https://vk.com/example_blagoveshchensk_admin"


def test_p13_a_platform_without_an_official_account_is_flagged_to_the_curator_at_routing() -> None:
    vk_only = attrs.evolve(
        ORG, accounts=(OfficialAccount(Platform.VK, "https://vk.com/example", None, "-1"),)
    )
    case = CaseDriver.detected("2025-11-06 09:00", platform=Platform.OK).classify("09:05")
    case.org = vk_only
    case.route("09:10", "improvement")
    (flag,) = notices(effects_of_last(case, org=vk_only), NoticeKind.NO_ACCOUNT)
    assert (flag.recipient, flag.fields["platform"]) == (CURATOR, "ok")
    vk = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    assert notices(effects_of_last(vk, org=vk_only), NoticeKind.NO_ACCOUNT) == []


def test_p13_a_permanent_publication_failure_goes_back_to_every_curator() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement").submit("09:30").approve("09:35").request("09:40")
    case.fail("09:41", reason="comments closed", permanent=False)
    assert notices(effects_of_last(case), NoticeKind.FAILED) == []  # retried, nobody told
    case.fail("09:50", reason="comments closed")
    (failed,) = notices(effects_of_last(case), NoticeKind.FAILED)
    assert (failed.recipient, failed.fields["reason"]) == (CURATOR, "comments closed")


# -- п. 19: warnings and breaches ------------------------------------------------------


def due_states(case: CaseDriver, now: str) -> tuple[DeadlineState, ...]:
    return deadlines(case.case, REGULATION, now=case.when(now), organization=ORG)


def test_p19_a_breach_goes_to_the_responsible_person_and_every_curator() -> None:
    # routed 9:10, assigned 9:15; draft due 14:00 (18:00 - 4 h); nothing sent by 14:01.
    two = attrs.evolve(ORG, curators=(CURATOR, "belov"))
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement")
    found = {
        r.state.id: r
        for r in reminders(case.case, two, due_states(case, "14:01"), at("2025-11-06 14:01"))
    }
    draft = found["draft"]
    assert draft.kind is NoticeKind.BREACH
    assert [n.recipient for n in draft.notices] == ["volkova", CURATOR, "belov"]
    assert draft.mark == f"breach/{case.case.id}/draft/-/1762419600"  # byte for byte as stored
    assert [n.key for n in draft.notices] == [
        f"{draft.mark}/{p}" for p in ("volkova", CURATOR, "belov")
    ]
    assert draft.department == "blagoveshchensk/improvement"  # counted against the department
    assert draft.notices[0].fields["responsible"] == ORG.person("volkova").name


def test_p19_a_warning_goes_to_the_responsible_person_only() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement")
    found = {
        r.state.id: r
        for r in reminders(case.case, ORG, due_states(case, "13:05"), at("2025-11-06 13:05"))
    }
    warning = found["draft"]
    assert warning.kind is NoticeKind.WARNING
    assert [n.recipient for n in warning.notices] == ["volkova"]
    assert warning.department is None  # a warning counts against nobody
    assert warning.mark.startswith(f"warning/{case.case.id}/draft/-/")


def test_p19_a_step_that_came_late_is_not_reminded_of() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement").submit("14:30")
    found = {
        r.state.id
        for r in reminders(case.case, ORG, due_states(case, "14:31"), at("2025-11-06 14:31"))
    }
    assert "draft" not in found


def test_p08_a_breach_of_a_department_s_own_deadline_counts_against_that_department() -> None:
    state = DeadlineState(
        id="return",
        clause="п. 8",
        title="",
        department="transport",
        started_at=at("2025-11-06 09:00"),
        due=at("2025-11-06 11:00"),
        status=Status.BREACHED,
        met_at=None,
        met_by=None,
        responsible_role="department_head",
        responsible="lebedev",
        basis="",
        interpretations=(),
        accountable_department="improvement",
    )
    assert breach_department(ORG, state) == "blagoveshchensk/transport"


# -- п. 20 -----------------------------------------------------------------------------


def test_p20_a_significant_message_escalates_to_the_deputies_of_its_topics_once_per_case() -> None:
    rule = ESCALATIONS[EscalationTrigger.SIGNIFICANT]
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05", significant=True)
    raised = significant(case.case, ORG, rule)
    assert raised is not None
    assert raised.deputies == ("belov",)  # snow removal is belov's
    assert raised.mark == f"escalation/significant/{case.case.id}"
    plain = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    assert significant(plain.case, ORG, rule) is None


def test_p20_a_surge_escalates_at_its_threshold_once_per_window() -> None:
    rule = ESCALATIONS[EscalationTrigger.SURGE]
    assert (rule.threshold, str(rule.window)) == (5, "24h")
    case = CaseDriver.detected("2025-11-06 09:00").classify(
        "09:05", topics=("roads",), location="ул. Ленина"
    )
    now = at("2025-11-06 09:05")
    assert window_start(rule, now) == now - dt.timedelta(hours=24)
    assert surge(case.case, ORG, rule, now, {"roads": 4}) is None
    raised = surge(case.case, ORG, rule, now, {"roads": 5})
    assert raised is not None
    assert (raised.observed, raised.topic, raised.location) == (5, "roads", "ул. Ленина")
    assert (
        raised.mark
        == f"escalation/surge/blagoveshchensk/roads/ул. Ленина/{int(now.timestamp() // 86400)}"
    )
    later = surge(case.case, ORG, rule, now + dt.timedelta(hours=2), {"roads": 6})
    assert later is not None
    assert later.mark == raised.mark
    next_day = surge(case.case, ORG, rule, now + dt.timedelta(hours=24), {"roads": 6})
    assert next_day is not None
    assert next_day.mark != raised.mark
    # a regulation that makes the location optional (п. 7 of this one requires it)
    optional = attrs.evolve(
        REGULATION,
        classification=attrs.evolve(REGULATION.classification, require_location=False),
    )
    nowhere = CaseDriver.detected("2025-11-06 09:00", regulation=optional)
    nowhere.classify("09:05", topics=("roads",), location=None)
    assert surge(nowhere.case, ORG, rule, now, {"roads": 9}) is None  # no location, no surge


def test_p20_repeated_breaches_of_a_department_escalate_at_the_threshold() -> None:
    rule = ESCALATIONS[EscalationTrigger.REPEATED_BREACHES]
    assert (rule.threshold, str(rule.window)) == (3, "720h")
    now = at("2025-11-06 15:00")
    assert repeated_breaches(ORG, rule, "blagoveshchensk/transport", now, 2) is None
    raised = repeated_breaches(ORG, rule, "blagoveshchensk/transport", now, 3)
    assert raised is not None
    assert raised.department == "transport"
    assert raised.deputies == ("belov",)  # public transport is belov's
    bucket = int(now.timestamp() // (720 * 3600))
    assert raised.mark == f"escalation/department-breaches/blagoveshchensk/transport/{bucket}"


def test_p20_an_automatic_escalation_is_an_event_of_the_case_and_tells_the_deputies() -> None:
    rule = ESCALATIONS[EscalationTrigger.SURGE]
    case = CaseDriver.detected("2025-11-06 09:00").classify(
        "09:05", topics=("roads",), location="ул. Ленина"
    )
    raised = surge(case.case, ORG, rule, at("2025-11-06 09:05"), {"roads": 7})
    assert raised is not None
    event = escalation_event(case.case, raised, at("2025-11-06 09:05"))
    assert (event.seq, event.actor, event.clause, event.prev_hash) == (
        case.case.version + 1,
        SYSTEM,
        "п. 20",
        case.case.last_hash,
    )
    assert event.data == Escalated(
        "surge",
        ("belov",),
        automatic=True,
        threshold=5,
        observed=7,
        window=rule.window,
        topic="roads",
        location="ул. Ленина",
    )
    after = evolve(case.case, event)
    assert after.escalations == 1
    (told,) = notices(react(REGULATION, ORG, after, (event,)), NoticeKind.ESCALATION)
    assert told.recipient == "belov"
    assert (told.fields["trigger"], told.fields["observed"], told.fields["topic"]) == (
        "surge",
        "7",
        "roads",
    )


def test_p20_an_escalation_nobody_supervises_goes_to_the_curator() -> None:
    rule = ESCALATIONS[EscalationTrigger.SIGNIFICANT]
    case = CaseDriver.detected("2025-11-06 09:00").classify(
        "09:05", topics=("unheard-of",), significant=True
    )
    raised = significant(case.case, ORG, rule)
    assert raised is not None
    assert raised.deputies == ()
    event = escalation_event(case.case, raised, at("2025-11-06 09:05"))
    after = evolve(case.case, event)
    (told,) = notices(react(REGULATION, ORG, after, (event,)), NoticeKind.ESCALATION)
    assert told.recipient == CURATOR


def test_p20_a_curator_s_escalation_tells_the_deputies_named() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").escalate("09:10")
    (told,) = notices(effects_of_last(case), NoticeKind.ESCALATION)
    assert told.recipient == "belov"
    assert told.fields["trigger"] == "significant"


def test_interim_kinds_do_not_confuse_the_publication_text() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    case.assign("09:15", "improvement").submit("09:30", DraftKind.INTERIM, text="Разбираемся")
    case.approve("09:35").request("09:40")
    (request,) = effects_of_last(case)
    assert isinstance(request, PublicationRequest)
    assert request.text == "Разбираемся"


def test_p15_under_in_order_the_lead_is_told_of_its_turn_not_of_its_own_part() -> None:
    in_order = REGULATION.choose(**{"lead-part": "in-order"})
    case = CaseDriver.detected("2025-11-06 09:00", regulation=in_order).classify("09:05")
    case.route(
        "09:10",
        "improvement",
        "housing",
        order=(("housing",), ("improvement",)),
        lead="improvement",
    )
    case.assign("09:15", "improvement").assign("09:20", "housing").contribute("10:00", "housing")
    effects = react(in_order, ORG, case.case, case.case.events[-2:])
    assert [n.recipient for n in notices(effects, NoticeKind.PART)] == ["volkova"]
    assert [n.recipient for n in notices(effects, NoticeKind.TURN)] == ["volkova"]  # its turn
    case.contribute("11:00", "improvement")
    assert notices(react(in_order, ORG, case.case, case.case.events[-1:]), NoticeKind.PART) == []
