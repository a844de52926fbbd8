"""п. 9-14: the answer clock and the steps inside it, in working time.

Working time: Mon-Fri 9-13, 14-18, Asia/Yakutsk, Russian production calendar.
2025: Sat 1 Nov is a shortened working day (9-13, 14-17); 3-4 Nov are off;
31 Dec 2025 - 11 Jan 2026 are off. 2025-11-06 is a Thursday.
Every due instant is worked out by hand in the comment beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from regflow.calendar import DayKind, Override, WorkingTime
from regflow.errors import RuleViolation
from regflow.rules import DraftKind, Regulation
from tests.engine.conftest import REGULATION, CaseDriver, assert_deadline, find_deadline, refused


def in_work(detected: str, **classify: Any) -> CaseDriver:
    """Detected at ``detected``, then classified, routed, assigned 5, 10, 15 minutes later."""
    case = CaseDriver.detected(detected)
    start = case.case.detected_at
    step = [(start + dt.timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M") for m in (5, 10, 15)]
    return (
        case.classify(step[0], **classify)
        .route(step[1], "improvement")
        .assign(step[2], "improvement")
    )


# -- п. 9: 8 working hours from detection --------------------------------------------------------


def test_p09_the_answer_is_due_8_working_hours_after_detection() -> None:
    # Thu 9:00 + 8 h = 9-13 (4 h) + 14-18 (4 h) -> 18:00; route 9:30; draft 18:00 - 4 h = 14:00.
    case = CaseDriver.detected("2025-11-06 09:00")
    state = assert_deadline(case, "answer", due="2025-11-06 18:00", status="pending")
    assert state.clause == "п. 9"
    # п. 19, the 'holder' reading: until routing the curator holds the case
    assert (state.responsible, state.held_at) == ("sokolova", "detected")
    assert_deadline(case, "route", due="2025-11-06 09:30")
    assert_deadline(case, "draft", due="2025-11-06 14:00")
    case.answer_in_full("09:05")  # published at 9:35
    assert_deadline(case, "answer", status="met", met_at="2025-11-06 09:35", responsible="volkova")
    assert_deadline(case, "draft", status="met", met_at="2025-11-06 09:20")
    assert case.case.stage == "answered"


def test_p09_a_message_detected_at_night_counts_from_the_next_morning() -> None:
    # Thu 23:30 is outside working time: the clocks start Fri 9:00.
    # route Fri 9:30; answer Fri 9-13 + 14-18 -> 18:00; draft 18:00 - 4 h = 14:00.
    case = CaseDriver.detected("2025-11-06 23:30")
    assert_deadline(case, "route", due="2025-11-07 09:30")
    assert_deadline(case, "answer", due="2025-11-07 18:00")
    assert_deadline(case, "draft", due="2025-11-07 14:00")


def test_p09_a_message_detected_on_a_public_holiday_counts_from_the_next_working_day() -> None:
    # Tue 4 Nov (National Unity Day) 11:00: nothing counts until Wed 5 Nov 9:00.
    case = CaseDriver.detected("2025-11-04 11:00")
    assert_deadline(case, "route", due="2025-11-05 09:30")
    assert_deadline(case, "answer", due="2025-11-05 18:00")


def test_p09_a_shortened_working_saturday() -> None:
    # Sat 1 Nov 15:00, a pre-holiday day ending at 17:00: 2 h on Saturday, 2-4 Nov off,
    # then Wed 5 Nov 9-13 (4 h) + 14-16 (2 h) -> 16:00; route Sat 15:30;
    # draft 16:00 back to 14:00 (2 h), 13:00 back to 11:00 (2 h) -> Wed 11:00.
    case = CaseDriver.detected("2025-11-01 15:00")
    assert_deadline(case, "route", due="2025-11-01 15:30")
    assert_deadline(case, "answer", due="2025-11-05 16:00")
    assert_deadline(case, "draft", due="2025-11-05 11:00")


def test_p09_detected_after_the_shortened_day_closed() -> None:
    # Sat 1 Nov 17:30 is after the 17:00 close: counting starts Wed 5 Nov 9:00.
    case = CaseDriver.detected("2025-11-01 17:30")
    assert_deadline(case, "route", due="2025-11-05 09:30")
    assert_deadline(case, "answer", due="2025-11-05 18:00")


def test_p09_friday_evening_reaches_into_the_working_saturday() -> None:
    # Fri 31 Oct 17:00: 1 h on Friday + Sat 9-13 (4 h) + 14-17 (3 h) = 8 h -> Sat 17:00.
    # draft 17:00 back to 14:00 (3 h), 13:00 back to 12:00 (1 h) -> Sat 12:00.
    case = CaseDriver.detected("2025-10-31 17:00")
    assert_deadline(case, "route", due="2025-10-31 17:30")
    assert_deadline(case, "answer", due="2025-11-01 17:00")
    assert_deadline(case, "draft", due="2025-11-01 12:00")


def test_p09_the_new_year_holidays() -> None:
    # Tue 30 Dec 2025 15:00: 3 h that day; 31 Dec - 11 Jan off; Mon 12 Jan 9-13 (4 h) +
    # 14-15 (1 h) -> 15:00. draft 15:00 back to 14:00 (1 h), 13:00 back to 10:00 (3 h).
    case = CaseDriver.detected("2025-12-30 15:00")
    assert_deadline(case, "answer", due="2026-01-12 15:00")
    assert_deadline(case, "draft", due="2026-01-12 10:00")
    late = CaseDriver.detected("2025-12-30 17:50")
    # 10 min on 30 Dec + 20 min on 12 Jan.
    assert_deadline(late, "route", due="2026-01-12 09:20")


# -- warnings, breaches, late steps --------------------------------------------------------------


def test_p09_warnings_fall_2_hours_and_30_minutes_before_the_answer() -> None:
    # answer Thu 18:00: warnings at 16:00 and 17:30.
    case = in_work("2025-11-06 09:00")
    state = assert_deadline(case, "answer", status="pending", now="15:59")
    assert state.warnings == (case.when("16:00"), case.when("17:30"))
    assert_deadline(case, "answer", status="warning", now="16:00")
    assert_deadline(case, "answer", status="warning", now="17:45")
    # draft due 14:00, warned 1 working hour before: the lunch break does not count,
    # so the warning falls at 12:00, not 13:00.
    assert_deadline(case, "draft", status="pending", now="11:59")
    assert_deadline(case, "draft", status="warning", now="12:00")


def test_p09_the_answer_is_breached_once_now_passes_due() -> None:
    case = in_work("2025-11-06 09:00")
    state = assert_deadline(case, "answer", due="2025-11-06 18:00", status="breached", now="18:01")
    assert state.met_at is None
    assert state.warnings == ()
    # the next morning it is still breached, and so is the draft (due 14:00).
    assert_deadline(case, "answer", status="breached", now="2025-11-07 09:00")
    assert_deadline(case, "draft", status="breached", now="2025-11-07 09:00")


def test_p09_at_the_due_instant_itself_the_deadline_is_not_yet_breached() -> None:
    # "no later than": a step taken at the due instant is met, so at that instant the
    # deadline cannot already be breached. route due 9:30.
    case = CaseDriver.detected("2025-11-06 09:00")
    assert_deadline(case, "route", due="2025-11-06 09:30", status="warning", now="09:30")
    assert_deadline(case, "route", status="breached", now="09:31")
    case.classify("09:10").route("09:30", "improvement")
    assert_deadline(case, "route", status="met", met_at="2025-11-06 09:30")


def test_p09_a_late_publication_breaches_the_answer_with_its_time() -> None:
    # answer due Thu 18:00; published Fri 9:30.
    case = in_work("2025-11-06 09:00")
    case.submit("16:00").approve("2025-11-07 09:10").request("09:20").publish("09:30")
    state = assert_deadline(
        case, "answer", due="2025-11-06 18:00", status="breached", met_at="2025-11-07 09:30"
    )
    assert state.late_by == dt.timedelta(hours=15, minutes=30)
    # draft due 14:00, sent 16:00; approval 16:00 + 30 min = 16:30, approved next day.
    assert_deadline(case, "draft", status="breached", met_at="2025-11-06 16:00")
    assert_deadline(case, "approve", due="2025-11-06 16:30", status="breached")
    # publish: approved Fri 9:10 + 30 min = 9:40; published 9:30.
    assert_deadline(case, "publish", due="2025-11-07 09:40", status="met")


# -- п. 10-13: draft, approval, rework, publication ------------------------------------------------


def test_p11_p12_each_rework_loop_has_its_own_approve_and_rework_windows() -> None:
    case = in_work("2025-11-06 09:00")
    case.submit("10:00")
    # approve #1: 10:00 + 30 min = 10:30.
    assert_deadline(case, "approve", due="2025-11-06 10:30", status="pending")
    case.rework("10:20")
    assert_deadline(case, "approve", index=0, status="met", met_at="2025-11-06 10:20")
    # rework #1: returned 10:20 + 1 h = 11:20.
    assert_deadline(case, "rework", due="2025-11-06 11:20", status="pending")
    case.submit("11:00", text="Снег уберут до 20:00")
    assert case.case.events[-1].clause == "п. 12"
    assert_deadline(case, "rework", index=0, status="met", met_at="2025-11-06 11:00")
    # approve #2: 11:00 + 30 min = 11:30.
    assert_deadline(case, "approve", index=1, due="2025-11-06 11:30")
    case.rework("11:25", remarks="Укажите подрядчика")
    # rework #2: 11:25 + 1 h = 12:25; resubmitted late at 12:40.
    assert_deadline(case, "rework", index=1, due="2025-11-06 12:25")
    case.submit("12:40", text="Подрядчик ООО «Снег» уберёт до 20:00")
    assert_deadline(
        case,
        "rework",
        index=1,
        status="breached",
        met_at="2025-11-06 12:40",
        due="2025-11-06 12:25",
    )
    # approve #3: 12:40-13:00 (20 min) + 14:00-14:10 -> 14:10.
    assert_deadline(case, "approve", index=2, due="2025-11-06 14:10", status="pending")
    case.approve("14:05")
    assert_deadline(case, "approve", index=2, status="met", met_at="2025-11-06 14:05")
    # publish: 14:05 + 30 min = 14:35.
    assert_deadline(case, "publish", due="2025-11-06 14:35")
    case.request("14:10").publish("14:30")
    assert_deadline(case, "publish", status="met", met_at="2025-11-06 14:30")
    assert_deadline(case, "answer", due="2025-11-06 18:00", status="met")
    states = case.deadlines()
    assert [d.status.value for d in states if d.id == "approve"] == ["met", "met", "met"]
    assert [d.status.value for d in states if d.id == "rework"] == ["met", "breached"]
    # the draft deadline is the first submission's only (п. 10); reworks have their own.
    assert [d.met_at for d in states if d.id == "draft"] == [case.when("10:00")]


def test_p11_approving_a_draft_never_submitted_is_refused() -> None:
    case = in_work("2025-11-06 09:00")
    refused(case, RuleViolation, "п. 11", lambda: case.approve("10:00"))
    refused(case, RuleViolation, "п. 11", lambda: case.rework("10:00"))


def test_p11_a_return_for_rework_says_what_to_rework() -> None:
    case = in_work("2025-11-06 09:00").submit("10:00")
    refused(case, RuleViolation, "п. 11", lambda: case.rework("10:05", remarks="  "))


def test_p13_publishing_before_approval_is_refused() -> None:
    case = in_work("2025-11-06 09:00")
    refused(case, RuleViolation, "п. 13", lambda: case.request("09:30"))
    refused(case, RuleViolation, "п. 13", lambda: case.publish("09:30"))
    case.submit("10:00")
    refused(case, RuleViolation, "п. 13", lambda: case.request("10:05"))
    refused(case, RuleViolation, "п. 13", lambda: case.publish("10:05"))
    case.rework("10:10")
    refused(case, RuleViolation, "п. 13", lambda: case.publish("10:15"))
    case.submit("10:20").approve("10:25").publish("10:30")
    assert case.case.stage == "answered"


def test_p13_a_failed_publication_keeps_the_publish_clock_running() -> None:
    # approved 10:25 -> publish due 10:55; a transient failure at 10:30 changes nothing.
    case = in_work("2025-11-06 09:00").submit("10:00").approve("10:25")
    case.request("10:26").fail("10:30", reason="timeout", permanent=False)
    assert_deadline(case, "publish", due="2025-11-06 10:55", status="pending")
    case.fail("10:40", reason="comments closed", permanent=True)
    assert case.case.failure == "comments closed"
    assert_deadline(case, "publish", status="breached", now="10:56")


# -- п. 14: an interim answer, then the final one in 7 working days ---------------------------


def interim_published(detected: str) -> CaseDriver:
    """Interim draft 60 min after detection, approved +10, requested +15, published +20."""
    case = in_work(detected)
    start = case.case.detected_at
    step = [(start + dt.timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M") for m in (60, 70, 75, 80)]
    case.submit(step[0], DraftKind.INTERIM, text="Проверяем, ответим в течение недели")
    return case.approve(step[1]).request(step[2]).publish(step[3])


def test_p14_the_final_answer_is_due_7_working_days_after_the_interim_one() -> None:
    case = interim_published("2025-11-06 09:00")  # interim published Thu 6 Nov 10:20
    assert case.case.stage == "interim_published"
    assert_deadline(case, "answer", due="2025-11-06 18:00", status="met", met_at="2025-11-06 10:20")
    # Civil Code: counting starts the next day. 7 Nov (1), 10, 11, 12, 13, 14 (6),
    # 17 Nov (7) -> the close of Mon 17 Nov, 18:00.
    state = assert_deadline(case, "final", due="2025-11-17 18:00", status="pending")
    assert state.clause == "п. 14"
    # the final draft one working day earlier: the close of Fri 14 Nov.
    assert_deadline(case, "final-draft", due="2025-11-14 18:00", status="pending")
    # warnings: final 1 working day before -> close of 14 Nov; final-draft 4 h -> 14 Nov 14:00.
    assert_deadline(case, "final-draft", status="warning", now="2025-11-14 14:00")
    refused(
        case,
        RuleViolation,
        "п. 14",
        lambda: case.submit("2025-11-14 17:00", DraftKind.INTERIM, text="Ещё проверяем"),
    )
    case.submit("2025-11-14 17:00", text="Освещение восстановлено")
    assert_deadline(case, "final-draft", status="met", met_at="2025-11-14 17:00")
    # its own approval window: 17:00 + 30 min.
    assert_deadline(case, "approve", due="2025-11-14 17:30")
    case.approve("17:10").request("17:15").publish("17:20")
    assert_deadline(case, "final", status="met", met_at="2025-11-14 17:20")
    assert case.case.stage == "answered"
    # п. 9 bounds only the first answer; the draft deadline only the first draft.
    states = case.deadlines()
    assert [d.id for d in states].count("answer") == 1
    assert [d.id for d in states].count("draft") == 1


def test_p14_the_final_answer_is_breached_after_the_seventh_working_day() -> None:
    case = interim_published("2025-11-06 09:00")
    assert_deadline(case, "final", status="warning", now="2025-11-17 17:59")
    assert_deadline(case, "final", status="breached", now="2025-11-18 09:00")
    assert_deadline(case, "final-draft", status="breached", now="2025-11-17 09:00")


def test_p14_the_interim_answer_before_the_new_year_holidays() -> None:
    # interim published Tue 30 Dec 2025 10:20; 31 Dec - 11 Jan off. Working days from the
    # next day: 12 Jan (1), 13, 14, 15, 16 (5), 19 (6), 20 Jan (7) -> 20 Jan 18:00.
    case = interim_published("2025-12-30 09:00")
    assert_deadline(case, "final", due="2026-01-20 18:00")
    assert_deadline(case, "final-draft", due="2026-01-19 18:00")


def test_p14_what_if_days_are_counted_from_the_instant() -> None:
    # ambiguity 2 "from-instant": 7 x 8 h = 56 working hours from Thu 6 Nov 10:20:
    # 6 Nov 10:20-13 + 14-18 = 6 h 40; 7, 10, 11, 12, 13, 14 Nov = 48 h; 1 h 20 left
    # -> Mon 17 Nov 10:20. final draft 8 h earlier: 17 Nov 9:00-10:20 (1 h 20),
    # 14 Nov 18:00 back to 14:00 (4 h), 13:00 back to 10:20 (2 h 40) -> Fri 14 Nov 10:20.
    case = interim_published("2025-11-06 09:00")
    events = case.case.events
    what_if = CaseDriver(case.case, REGULATION.choose(**{"day-counting": "from-instant"}))
    assert_deadline(what_if, "final", due="2025-11-17 10:20")
    assert_deadline(what_if, "final-draft", due="2025-11-14 10:20")
    assert_deadline(case, "final", due="2025-11-17 18:00")
    assert case.case.events == events


def test_p14_what_if_the_7_days_bound_the_final_draft() -> None:
    # ambiguity 7 "draft": the final deadline is met by sending the final draft.
    case = interim_published("2025-11-06 09:00")
    case.submit("2025-11-17 17:00", text="Освещение восстановлено")
    # by default the final answer is still to be published (warned since 14 Nov 18:00).
    assert_deadline(case, "final", status="warning")
    what_if = CaseDriver(case.case, REGULATION.choose(**{"final-bounds": "draft"}))
    assert_deadline(
        what_if, "final", due="2025-11-17 18:00", status="met", met_at="2025-11-17 17:00"
    )


# -- ambiguity 4: clarification requests ---------------------------------------------------------


def clarification_published(regulation: Regulation = REGULATION) -> CaseDriver:
    """Thu 6 Nov: detected 9:00 ... a clarification request published at 10:00."""
    case = CaseDriver.detected("2025-11-06 09:00", regulation=regulation)
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:30", DraftKind.CLARIFICATION, text="Уточните, пожалуйста, адрес")
    return case.approve("09:40").request("09:45").publish("10:00")


def test_p10_by_default_the_answer_clock_runs_during_a_clarification() -> None:
    case = clarification_published()
    assert case.case.clarification_pending
    assert case.case.stage == "in_work"
    # the request met the п. 10 draft deadline (draft due 14:00).
    assert_deadline(case, "draft", status="met", met_at="2025-11-06 09:30")
    assert_deadline(case, "answer", due="2025-11-06 18:00", status="pending", now="12:00")
    case.clarified("15:00")
    assert not case.case.clarification_pending
    assert_deadline(case, "answer", due="2025-11-06 18:00", status="pending")


def test_p10_when_chosen_the_answer_clock_pauses_until_the_author_replies() -> None:
    pauses = REGULATION.choose(clarification="pauses")
    case = clarification_published(pauses)
    # paused since 10:00; at 12:00 two working hours are added to 18:00 -> Fri 11:00.
    assert_deadline(case, "answer", due="2025-11-07 11:00", status="paused", now="12:00")
    case.clarified("15:00")
    # paused 10:00-13:00 (3 h) + 14:00-15:00 (1 h) = 4 h: 18:00 + 4 h -> Fri 9-13 -> 13:00.
    state = assert_deadline(case, "answer", due="2025-11-07 13:00", status="pending")
    assert "paused 1 time" in state.basis
    # what-if: the same events under the default reading.
    runs = CaseDriver(case.case, REGULATION)
    assert_deadline(runs, "answer", due="2025-11-06 18:00", status="pending")
    case.submit("15:30").approve("15:40").request("15:45").publish("2025-11-07 12:00")
    assert_deadline(case, "answer", status="met", met_at="2025-11-07 12:00")
    assert_deadline(runs, "answer", status="pending")  # the frozen snapshot above


def test_p10_a_clarification_requested_after_the_answer_was_due_does_not_move_the_due() -> None:
    # answer due Thu 18:00. The clarification request goes out only on Fri at 10:00 and
    # the author replies at 15:00. A clock that has run out cannot pause: the due stays
    # Thu 18:00 (and the lateness is counted from it).
    case = in_work(
        "2025-11-06 09:00",
    )
    case.regulation = REGULATION.choose(clarification="pauses")
    case.submit("2025-11-07 09:30", DraftKind.CLARIFICATION, text="Уточните адрес")
    case.approve("09:40").request("09:45").publish("10:00").clarified("15:00")
    case.submit("15:10").approve("15:20").request("15:25").publish("15:30")
    state = assert_deadline(
        case, "answer", due="2025-11-06 18:00", status="breached", met_at="2025-11-07 15:30"
    )
    assert state.late_by == dt.timedelta(hours=21, minutes=30)


def test_p10_recording_a_clarification_nobody_asked_for_is_refused() -> None:
    case = in_work("2025-11-06 09:00")
    refused(case, RuleViolation, "п. 10", lambda: case.clarified("10:00"))


# -- what-if: other readings and another calendar, same events ----------------------------------


def test_p07_what_if_the_short_limits_are_clock_time() -> None:
    case = CaseDriver.detected("2025-11-06 17:50")
    case.classify("2025-11-07 09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("17:45").approve("2025-11-10 09:05")
    events = case.case.events
    # working (default): route 10 min Thu + 20 min Fri -> Fri 9:20, met 9:10;
    # approve 17:45 + 30 min: 15 min Fri + 15 min Mon -> Mon 9:15, met 9:05.
    assert_deadline(case, "route", due="2025-11-07 09:20", status="met")
    assert_deadline(case, "approve", due="2025-11-10 09:15", status="met")
    # the draft: answer Fri 17:50 - 4 working h: back to 14:00 (3 h 50), then 13:00 - 10 min.
    assert_deadline(case, "draft", due="2025-11-07 12:50")
    clock = CaseDriver(case.case, REGULATION.choose(**{"short-limits": "clock"}))
    # clock: route Thu 17:50 + 30 min = 18:20 (routed Fri 9:10: breached);
    # approve Fri 17:45 + 30 min = 18:15 (approved Mon: breached); draft 17:50 - 4 h = 13:50.
    assert_deadline(clock, "route", due="2025-11-06 18:20", status="breached")
    assert_deadline(clock, "approve", due="2025-11-07 18:15", status="breached")
    assert_deadline(clock, "draft", due="2025-11-07 13:50")
    # п. 9 says "working" in both readings: Thu 17:50 + 8 h -> Fri 17:50.
    assert_deadline(clock, "answer", due="2025-11-07 17:50")
    assert_deadline(case, "answer", due="2025-11-07 17:50")
    assert case.case.events is events
    assert "short-limits=clock" in find_deadline(clock, "route").interpretations


def test_p09_what_if_the_calendar_makes_5_november_non_working() -> None:
    # Fri 31 Oct 17:45: 15 min + Sat 7 h + (3-4 Nov off) + 45 min on Wed 5 Nov -> 9:45.
    # With 5 Nov off as well, the last 45 min fall on Thu 6 Nov -> 9:45.
    case = CaseDriver.detected("2025-10-31 17:45")
    assert_deadline(case, "answer", due="2025-11-05 09:45")
    base = REGULATION.effective.working_time.build()
    calendar = base.calendar.with_overrides(
        Override(
            dt.date(2025, 11, 5),
            DayKind.NON_WORKING,
            name="Дополнительный выходной (пример)",
            source="Постановление мэра № 0 (пример)",
        )
    )
    other = WorkingTime(calendar, base.hours, base.zone)
    assert_deadline(case, "answer", due="2025-11-06 09:45", working_time=other)
    # the route is due on Saturday in both calendars: 15 min Fri + 15 min Sat.
    assert_deadline(case, "route", due="2025-11-01 09:15", working_time=other)
    assert_deadline(case, "answer", due="2025-11-05 09:45")
