"""п. 20 escalations a city configures: calendar-week and calendar-month windows besides rolling
ones, and whom an escalation goes to (the supervising deputies by default, the department's
head, a named person such as the governor's office)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import attrs
import pytest

from regflow.core.reactions import repeated_breaches, significant, window_start
from regflow.errors import InvalidOrganization, InvalidRegulation
from regflow.rules import EscalationTrigger, EscalationWindow, Period
from regflow.service import Municipality
from tests.engine.conftest import ORG, REGULATION, CaseDriver

ESCALATIONS = {rule.trigger: rule for rule in REGULATION.effective.escalations}
BREACHES = ESCALATIONS[EscalationTrigger.REPEATED_BREACHES]
YAKUTSK = ZoneInfo("Asia/Yakutsk")
MONTHLY = attrs.evolve(BREACHES, per=EscalationWindow.MONTH, window=Period())
WEEKLY = attrs.evolve(BREACHES, per=EscalationWindow.WEEK, window=Period())


def test_p20_a_monthly_window_begins_at_local_midnight_of_the_first() -> None:
    at = dt.datetime(2025, 11, 14, 5, 0, tzinfo=dt.UTC)
    assert window_start(MONTHLY, at, "Asia/Yakutsk") == dt.datetime(2025, 11, 1, tzinfo=YAKUTSK)
    # 30 November 16:00 UTC is already 1 December in Yakutsk (UTC+9)
    late = dt.datetime(2025, 11, 30, 16, 0, tzinfo=dt.UTC)
    assert window_start(MONTHLY, late, "Asia/Yakutsk") == dt.datetime(2025, 12, 1, tzinfo=YAKUTSK)


def test_p20_a_weekly_window_begins_on_monday() -> None:
    friday = dt.datetime(2025, 11, 14, 10, 0, tzinfo=YAKUTSK)
    assert window_start(WEEKLY, friday) == dt.datetime(2025, 11, 10, tzinfo=YAKUTSK)


def test_p20_one_escalation_per_calendar_month_and_a_new_one_the_next_month() -> None:
    november = dt.datetime(2025, 11, 28, 10, 0, tzinfo=YAKUTSK)
    december = dt.datetime(2025, 12, 1, 9, 0, tzinfo=YAKUTSK)
    first = repeated_breaches(ORG, MONTHLY, "blagoveshchensk/transport", november, 3, ORG.timezone)
    again = repeated_breaches(ORG, MONTHLY, "blagoveshchensk/transport", december, 3, ORG.timezone)
    assert first is not None
    assert again is not None
    assert first.mark == "escalation/department-breaches/blagoveshchensk/transport/month-2025-11"
    assert again.mark == "escalation/department-breaches/blagoveshchensk/transport/month-2025-12"
    weekly = repeated_breaches(ORG, WEEKLY, "blagoveshchensk/transport", november, 3)
    assert weekly is not None
    assert weekly.mark.endswith("/week-2025-11-24")


def test_p20_the_recipient_is_configurable() -> None:
    now = dt.datetime(2025, 11, 6, 15, 0, tzinfo=YAKUTSK)
    default = repeated_breaches(ORG, BREACHES, "blagoveshchensk/transport", now, 3)
    assert default is not None
    assert default.deputies == ("belov",)
    head = attrs.evolve(BREACHES, recipient="head")
    to_head = repeated_breaches(ORG, head, "blagoveshchensk/transport", now, 3)
    assert to_head is not None
    assert to_head.deputies == ("lebedev",)
    named = attrs.evolve(BREACHES, recipient="person:gromov")
    to_person = repeated_breaches(ORG, named, "blagoveshchensk/transport", now, 3)
    assert to_person is not None
    assert to_person.deputies == ("gromov",)
    flagged = attrs.evolve(ESCALATIONS[EscalationTrigger.SIGNIFICANT], recipient="person:gromov")
    case = CaseDriver.detected("2025-11-06 09:00").classify(
        "09:05", topics=("roads",), location="ул. Ленина", significant=True
    )
    raised = significant(case.case, ORG, flagged)
    assert raised is not None
    assert raised.deputies == ("gromov",)


def _with(**changes: object) -> None:
    index = REGULATION.escalations.index(BREACHES)
    escalations = list(REGULATION.escalations)
    escalations[index] = attrs.evolve(escalations[index], **changes)
    attrs.evolve(REGULATION, escalations=tuple(escalations))


def test_p20_a_recipient_or_window_the_engine_cannot_use_is_refused_with_its_path() -> None:
    index = REGULATION.escalations.index(BREACHES)
    with pytest.raises(InvalidRegulation) as caught:
        _with(recipient="heads")
    assert {p.path: p.message for p in caught.value.problems} == {
        f"escalations[{index}].recipient": "unknown recipient 'heads'; did you mean 'head'?: "
        "'deputies', 'head' or 'person:<id>'"
    }
    with pytest.raises(InvalidRegulation, match="a calendar month has no window length"):
        _with(per=EscalationWindow.MONTH)
    surge = REGULATION.escalations.index(ESCALATIONS[EscalationTrigger.SURGE])
    escalations = list(REGULATION.escalations)
    escalations[surge] = attrs.evolve(escalations[surge], recipient="head")
    with pytest.raises(InvalidRegulation, match="only for repeated-breaches"):
        attrs.evolve(REGULATION, escalations=tuple(escalations))


def test_p20_a_named_recipient_must_be_a_person_of_the_organisation() -> None:
    escalations = tuple(
        attrs.evolve(e, recipient="person:governor") if e.id == BREACHES.id else e
        for e in REGULATION.escalations
    )
    regulation = attrs.evolve(REGULATION, escalations=escalations)
    with pytest.raises(InvalidOrganization, match="goes to 'governor', who is not in"):
        Municipality(ORG, (regulation,))


def test_p20_the_spec_says_the_calendar_window_and_the_recipient() -> None:
    from regflow.reports.spec import render_regulation

    escalations = tuple(
        attrs.evolve(e, per=EscalationWindow.MONTH, window=Period(), recipient="head")
        if e.id == BREACHES.id
        else e
        for e in REGULATION.escalations
    )
    text = render_regulation(attrs.evolve(REGULATION, escalations=escalations, interpretations=()))
    assert "breached deadlines of one department within a calendar month" in text
    assert "goes to the head of the department instead of the supervising deputies" in text
