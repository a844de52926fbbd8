"""п. 18 excluded messages, closing a case, п. 20 escalation to the deputy mayors.

2025-11-06 is a Thursday; working time 9-13, 14-18. Due instants worked out by hand.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from regflow.core import Escalate
from regflow.core.events import Closed, Escalated
from regflow.errors import RuleViolation
from regflow.rules import DraftKind
from tests.engine.conftest import REGULATION, CaseDriver, assert_deadline, refused


def every_next_step(case: CaseDriver) -> list[Callable[[], object]]:
    """One of each command a curator, head or executor might try next."""
    return [
        lambda: case.classify("12:00"),
        lambda: case.route("12:00", "improvement"),
        lambda: case.assign("12:00", "improvement"),
        lambda: case.submit("12:00", actor="volkova"),
        lambda: case.approve("12:00"),
        lambda: case.escalate("12:00"),
        lambda: case.link_repeat("12:00", "case-0"),
        lambda: case.exclude("12:00"),
        lambda: case.close("12:00", reason="duplicate"),
    ]


def deputies_informed(case: CaseDriver) -> tuple[str, ...]:
    data = case.case.events[-1].data
    assert isinstance(data, Escalated)
    return data.deputies


# -- п. 18: excluded messages --------------------------------------------------------------


def test_p18_exclusion_cancels_the_open_deadlines_and_refuses_any_further_command() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.exclude("09:20", category="threat-to-official", evidence="«…»")
    assert case.case.stage == "excluded"
    assert case.case.events[-1].clause == "п. 18"
    # route (due 9:30) was met before; the rest is cancelled (the return window too: it binds
    # a return only), and stays cancelled long after its due instant.
    assert_deadline(case, "route", status="met")
    assert_deadline(case, "return", department="improvement", status="cancelled")
    for ident in ("answer", "draft"):
        assert_deadline(case, ident, status="cancelled", now="2025-11-10 12:00")
    for step in every_next_step(case):
        refused(case, RuleViolation, "п. 18", step)


def test_p18_exclusion_before_routing_cancels_the_route_window() -> None:
    # route due 9:30; excluded at 9:10.
    case = CaseDriver.detected("2025-11-06 09:00")
    case.exclude("09:10")
    assert_deadline(case, "route", due="2025-11-06 09:30", status="cancelled", now="10:00")
    assert_deadline(case, "answer", status="cancelled", now="2025-11-07 09:00")


def test_p18_an_exclusion_after_a_missed_step_leaves_that_step_breached() -> None:
    # route due 9:30; nobody routed; excluded at 9:45: the route was missed before.
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.exclude("09:45")
    assert_deadline(case, "route", status="breached")
    assert_deadline(case, "answer", status="cancelled")


def test_p18_exclusion_names_a_category_of_п_18_and_quotes_the_words() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    refused(case, RuleViolation, "п. 18", lambda: case.exclude("09:05", category="spam"))
    refused(case, RuleViolation, "п. 18", lambda: case.exclude("09:05", evidence=" "))


def test_p18_a_message_under_approval_can_no_longer_be_excluded() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:30")
    refused(case, RuleViolation, "п. 18", lambda: case.exclude("09:35"))


# -- closing: the library's addition (no clause of the order says it) ----------------------------


def test_closing_needs_a_reason_of_the_regulations_list_and_cites_no_clause() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    text = refused(case, RuleViolation, "", lambda: case.close("09:20"))  # no answer, no reason
    assert "deleted (автор удалил сообщение)" in text
    assert "(no clause: an addition of the library)" in text
    text = refused(case, RuleViolation, "", lambda: case.close("09:20", reason="надоело"))
    assert "unknown reason 'надоело'" in text
    case.close("09:20", reason="deleted")
    assert case.case.stage == "closed"
    closed = case.case.events[-1]
    assert closed.clause == ""  # not п. 5, nor any clause that does not say it
    assert isinstance(closed.data, Closed)
    assert closed.data.reason == "deleted"
    for ident in ("answer", "draft"):
        assert_deadline(case, ident, status="cancelled", now="2025-11-07 09:00")
    before = case.case
    for step in every_next_step(case):
        with pytest.raises(RuleViolation, match="closed") as info:
            step()
        assert info.value.clause.startswith("п. ") or info.value.command == "close"
        assert case.case is before


def test_closing_leaves_a_deadline_already_due_breached() -> None:
    # route due 9:30; nobody routed; closed at 9:45 as withdrawn: the route was missed before.
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05")
    case.close("09:45", reason="withdrawn")
    assert_deadline(case, "route", due="2025-11-06 09:30", status="breached")
    assert_deadline(case, "answer", status="cancelled", now="2025-11-10 12:00")


def test_closing_an_answered_case_needs_no_reason() -> None:
    case = CaseDriver.detected("2025-11-06 09:00").answer_in_full("09:05")
    case.close("09:45")
    assert case.case.stage == "closed"
    assert_deadline(case, "answer", status="met", met_at="2025-11-06 09:35")
    refused(case, RuleViolation, "", lambda: case.close("09:50"))


def test_a_regulation_without_closing_ends_an_unanswered_case_only_by_exclusion() -> None:
    strict = attrs.evolve(REGULATION, closing=None)
    case = CaseDriver.detected("2025-11-06 09:00", regulation=strict)
    text = refused(case, RuleViolation, "", lambda: case.close("09:05", reason="deleted"))
    assert "closes only an answered case" in text
    answered = CaseDriver.detected("2025-11-06 09:00", regulation=strict).answer_in_full("09:05")
    answered.close("09:45")
    assert answered.case.stage == "closed"


def test_the_reasons_to_close_are_a_closed_list_in_the_regulation() -> None:
    assert [r.id for r in REGULATION.closing.reasons] == ["deleted", "duplicate", "withdrawn"]
    assert all(r.citation is None and r.why for r in REGULATION.closing.reasons)
    close = REGULATION.effective.permissions["close"]
    assert [p.citation for p in close] == [None]


# -- п. 20: escalation to the deputy mayors -----------------------------------------------------


def test_p20_escalation_goes_to_the_deputy_mayor_supervising_the_topic() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05", topics=("snow-removal",), significant=True)
    case.route("09:10", "improvement").escalate("09:20")
    assert case.case.events[-1].clause == "п. 20"
    assert deputies_informed(case) == ("belov",)  # городское хозяйство
    assert case.case.escalations == 1

    school = CaseDriver.detected("2025-11-06 09:00")
    school.classify("09:05", topics=("schools",)).route("09:10", "education")
    school.escalate("09:20", reason="surge")
    assert deputies_informed(school) == ("orlova",)  # социальные вопросы


def test_p20_an_answered_case_can_still_be_escalated() -> None:
    # a shortcoming found after the answer is still reported (п. 20).
    case = CaseDriver.detected("2025-11-06 09:00").answer_in_full("09:05")
    case.escalate("10:00", reason="department-breaches")
    assert case.case.escalations == 1


def test_p20_escalation_needs_a_known_reason_and_a_deputy_mayor() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    refused(case, RuleViolation, "п. 20", lambda: case.escalate("09:05", reason="anger"))
    # no topic yet, so no deputy mayor supervises it; name one explicitly.
    refused(case, RuleViolation, "п. 20", lambda: case.escalate("09:05"))
    wrong = Escalate(
        case_id=case.case.id,
        actor="sokolova",
        at=case.when("09:05"),
        reason="significant",
        deputies=("morozov",),
    )
    refused(case, RuleViolation, "п. 20", lambda: case.do(wrong))
    named = Escalate(
        case_id=case.case.id,
        actor="sokolova",
        at=case.when("09:05"),
        reason="significant",
        deputies=("gromov",),
    )
    case.do(named)
    assert deputies_informed(case) == ("gromov",)
    case.classify("09:10").route("09:15", "improvement").assign("09:20", "improvement")
    case.submit("09:30", DraftKind.INTERIM, text="Проверяем")
    case.escalate("09:35")
    assert case.case.escalations == 2


def test_closing_ends_every_open_deadline_even_when_a_rule_names_closed_as_a_trigger() -> None:
    # A regulation whose route deadline is also met by closing (a town may count a message
    # closed before routing as handled). Closing must still end the *other* open deadlines:
    # answer (due 17:00) and draft (due 13:00) must not run on and turn breached.
    rules = {d.id: d for d in REGULATION.deadlines}
    route = attrs.evolve(rules["route"], stops_on=("routed", "closed"))
    regulation = attrs.evolve(
        REGULATION,
        deadlines=tuple(route if d.id == "route" else d for d in REGULATION.deadlines),
    )
    case = CaseDriver.detected("2025-11-06 09:00", regulation=regulation)
    case.close("09:20", reason="deleted")
    assert_deadline(case, "route", status="met", met_at="2025-11-06 09:20")
    for ident in ("answer", "draft"):
        assert_deadline(case, ident, status="cancelled", now="2025-11-10 12:00")
