"""Another town's regulation, read from TOML, through the same engine with no code change.

``examples/other_city``: Энск (invented) answers within 9 working hours (4 for
"high" importance), routes within 60 working minutes, gives 8 working days after
an interim answer, approves and publishes in clock time, and works 9:00-18:00
with lunch 12:00-13:00 in Asia/Vladivostok (UTC+10). 2025-11-10 is a Monday.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    Close,
    Detect,
    Organization,
    RecordClarification,
    RecordPublication,
    ReturnToCurator,
    Route,
    SubmitDraft,
    deadlines,
    handle,
)
from regflow.errors import InvalidRegulation, RuleViolation
from regflow.rules import DraftKind, Period, load_regulation_file
from tests.engine.conftest import REGULATION as BLAGOVESHCHENSK
from tests.engine.conftest import ROOT, CaseDriver, find_deadline, message

CITY = ROOT / "examples" / "other_city"
REGULATION = load_regulation_file(CITY / "regulation.toml")
ORG = Organization.from_toml_file(CITY / "organization.toml")
ZONE = ZoneInfo("Asia/Vladivostok")
CURATOR = "kovaleva"
HEAD = "grigoriev"
EXECUTOR = "antonova"


def at(text: str) -> dt.datetime:
    """'YYYY-MM-DD HH:MM' in Vladivostok."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


class Ensk:
    """A case in Энск: commands by the town's people, times in Vladivostok."""

    def __init__(self, detected: str) -> None:
        instant = at(detected)
        self.id = f"ensk-{detected}"
        command = Detect(case_id=self.id, actor=CURATOR, at=instant, message=message(instant))
        case, _events = handle(REGULATION, ORG, None, command)
        self.driver = CaseDriver(case, REGULATION, ORG)

    def do(self, command: type[Any], when: str, actor: str, **fields: Any) -> Ensk:
        self.driver.do(command(case_id=self.id, actor=actor, at=at(when), **fields))
        return self

    def routed(self, when: str, importance: str = "normal") -> Ensk:
        """Classified, routed to roads and assigned, a minute apart from ``when``."""
        start = at(when)

        def later(minutes: int) -> str:
            return f"{start + dt.timedelta(minutes=minutes):%Y-%m-%d %H:%M}"

        self.do(
            Classify,
            when,
            CURATOR,
            topics=("lighting",),
            location="ул. Мира",
            importance=importance,
        )
        self.do(Route, later(1), CURATOR, departments=("roads",))
        return self.do(AssignExecutor, later(2), HEAD, department="roads", executor=EXECUTOR)

    def due(self, ident: str) -> dt.datetime:
        return find_deadline(self.driver, ident).due

    def status(self, ident: str, now: str) -> str:
        states = deadlines(self.driver.case, REGULATION, now=at(now), organization=ORG)
        return next(s for s in reversed(states) if s.id == ident).status.value


def test_the_file_loads_with_its_own_numbers() -> None:
    deadline = REGULATION.effective.deadline
    assert REGULATION.id == "ensk-example"
    assert str(deadline["answer"].limit) == "9h"
    assert {k: str(v) for k, v in deadline["answer"].by_importance.items()} == {"high": "4h"}
    assert str(deadline["route"].limit) == "1h"
    assert str(deadline["final"].limit) == "8d"
    assert deadline["approve"].basis.value == "clock"
    assert deadline["publish"].basis.value == "clock"
    assert deadline["rework"].basis.value == "working"
    assert REGULATION.choice("clarification") == "pauses"


def test_answer_within_9_working_hours_over_lunch_and_night() -> None:
    case = Ensk("2025-11-10 11:30")
    # Mon 11:30-12:00 and 13:00-18:00 (5.5 h), Tue 9:00-12:00 and 13:00-13:30 (3.5 h)
    assert case.due("answer") == at("2025-11-11 13:30")
    assert case.due("draft") == at("2025-11-11 10:30")  # 2 working hours before, over lunch


def test_route_within_60_working_minutes_skips_the_lunch_hour() -> None:
    case = Ensk("2025-11-10 11:30")
    assert case.due("route") == at("2025-11-10 13:30")
    assert find_deadline(case.driver, "route").responsible == CURATOR
    assert find_deadline(case.driver, "route").clause == "п. 5"


def test_the_due_instants_are_in_vladivostok_time() -> None:
    due = Ensk("2025-11-10 11:30").due("answer")
    assert due.utcoffset() == dt.timedelta(hours=10)
    assert due == dt.datetime(2025, 11, 11, 3, 30, tzinfo=dt.UTC)


def test_high_importance_is_answered_within_4_working_hours() -> None:
    case = Ensk("2025-11-10 11:30").routed("2025-11-10 11:40", importance="high")
    assert case.due("answer") == at("2025-11-10 16:30")
    assert case.due("draft") == at("2025-11-10 14:30")
    assert "shortened" in find_deadline(case.driver, "answer").basis


def test_approve_and_publish_run_in_clock_time_after_office_hours() -> None:
    case = Ensk("2025-11-10 11:30").routed("2025-11-10 11:40")
    case.do(SubmitDraft, "2025-11-10 17:30", EXECUTOR, kind=DraftKind.ANSWER, text="Починим")
    assert case.due("approve") == at("2025-11-10 18:30")  # in working time: Tue 9:30
    case.do(ApproveDraft, "2025-11-10 17:50", CURATOR)
    assert case.due("publish") == at("2025-11-10 18:20")  # in working time: Tue 9:20
    case.do(RecordPublication, "2025-11-10 18:10", EXECUTOR, external_id="501")
    assert case.driver.case.stage == "answered"
    assert case.status("answer", now="2025-11-12 10:00") == "met"
    assert case.status("publish", now="2025-11-12 10:00") == "met"


def test_the_final_answer_within_8_working_days_of_an_interim_one() -> None:
    case = Ensk("2025-11-14 10:00").routed("2025-11-14 10:05")  # a Friday
    case.do(SubmitDraft, "2025-11-14 14:00", EXECUTOR, kind=DraftKind.INTERIM, text="Проверим")
    case.do(ApproveDraft, "2025-11-14 14:20", CURATOR)
    case.do(RecordPublication, "2025-11-14 14:40", EXECUTOR, external_id="502")
    # Civil Code: from the next day, 17-21 and 24-26 November; the close of Wednesday
    assert case.due("final") == at("2025-11-26 18:00")
    assert find_deadline(case.driver, "final").clause == "п. 12"
    assert case.status("answer", now="2025-11-17 10:00") == "met"
    assert case.status("final", now="2025-11-26 17:59") == "warning"
    assert case.status("final", now="2025-11-26 18:01") == "breached"


def test_the_answer_clock_pauses_for_clarification_as_this_town_reads_its_text() -> None:
    case = Ensk("2025-11-10 11:30").routed("2025-11-10 11:40")
    kind = DraftKind.CLARIFICATION
    case.do(SubmitDraft, "2025-11-10 14:00", EXECUTOR, kind=kind, text="Уточните адрес")
    case.do(ApproveDraft, "2025-11-10 14:10", CURATOR)
    case.do(RecordPublication, "2025-11-10 14:20", EXECUTOR, external_id="503")
    assert case.status("answer", now="2025-11-11 15:00") == "paused"
    case.do(RecordClarification, "2025-11-11 10:20", CURATOR, text="Мира, 5")
    # Tue 13:30 plus the 5 working hours paused (Mon 14:20-18:00, Tue 9:00-10:20)
    assert case.due("answer") == at("2025-11-12 09:30")
    assert case.status("answer", now="2025-11-11 13:45") == "pending"


def test_the_same_message_under_blagoveshchensk_rules_is_due_otherwise() -> None:
    case = Ensk("2025-11-10 11:30")  # 10:30 in Blagoveshchensk (Asia/Yakutsk)
    there = {s.id: s.due for s in deadlines(case.driver.case, BLAGOVESHCHENSK, organization=ORG)}
    # 8 working hours there: Mon 10:30-13:00 and 14:00-18:00, Tue 9:00-10:30 Yakutsk time
    assert there["answer"] == at("2025-11-11 11:30")
    assert there["route"] == at("2025-11-10 12:00")  # 30 working minutes
    assert case.due("answer") == at("2025-11-11 13:30")


def test_events_cite_this_towns_clauses_not_blagoveshchensks() -> None:
    case = Ensk("2025-11-10 11:30").routed("2025-11-10 11:40")
    cited = {event.data.type: event.clause for event in case.driver.case.events}
    assert cited == {
        "detected": "п. 4",
        "classified": "п. 5",
        "routed": "п. 5",
        "executor_assigned": "п. 7",
    }


def test_the_example_script_runs_from_the_repository_root() -> None:
    done = subprocess.run(
        [sys.executable, str(CITY / "run.py")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "within 9 working hours" in done.stdout
    assert "answer  Tue 2025-11-11 13:30" in done.stdout
    assert "answer  Mon 2025-11-10 16:30" in done.stdout


def test_p05_this_towns_classification_names_location_and_importance_and_only_shortens() -> None:
    case = Ensk("2025-11-10 11:30")
    driver = case.driver

    def classify(when: str, **fields: Any) -> None:
        fields = {"topics": ("lighting",), "location": "ул. Мира", "importance": "normal"} | fields
        case.do(Classify, when, CURATOR, **fields)

    for wrong in ({"location": None}, {"importance": None}, {"answer_limit": Period.parse("10h")}):
        before = driver.case
        with pytest.raises(RuleViolation) as caught:
            classify("2025-11-10 11:35", **wrong)
        assert caught.value.clause == "п. 5"
        assert driver.case is before
    classify("2025-11-10 11:35", importance="high")  # 4 working hours, by this town's text
    assert case.due("answer") == at("2025-11-10 16:30")
    with pytest.raises(RuleViolation, match="cannot lengthen"):
        classify("2025-11-10 11:40", importance="normal")


def test_p14_this_towns_curator_appoints_the_preparer_and_the_order_is_never_rewritten() -> None:
    case = Ensk("2025-11-10 11:30")
    case.do(
        Classify,
        "2025-11-10 11:35",
        CURATOR,
        topics=("lighting",),
        location="ул. Мира",
        importance="normal",
    )
    with pytest.raises(RuleViolation, match="leave it out of the order") as caught:
        case.do(
            Route,
            "2025-11-10 11:40",
            CURATOR,
            departments=("roads", "housing"),
            lead="roads",
            order=(("housing",), ("roads",)),
        )
    assert caught.value.clause == "п. 14"
    case.do(
        Route, "2025-11-10 11:40", CURATOR, departments=("roads", "housing"), preparer="bogdanov"
    )
    assert (case.driver.case.lead, case.driver.case.lead_executor) == ("roads", "bogdanov")
    assert case.driver.case.stage == "in_work"


def test_this_towns_closing_reasons_are_its_own_list_and_cite_no_clause() -> None:
    case = Ensk("2025-11-10 11:30")
    with pytest.raises(RuleViolation, match="unknown reason 'withdrawn'") as caught:
        case.do(Close, "2025-11-10 11:40", CURATOR, reason="withdrawn")
    assert caught.value.clause == ""
    case.do(Close, "2025-11-10 11:40", CURATOR, reason="duplicate", note="см. ensk-1")
    closed = case.driver.case.events[-1]
    assert (closed.type, closed.clause) == ("closed", "")
    assert case.status("answer", now="2025-11-12 10:00") == "cancelled"


# -- п. 3 of Энск: platforms the library has no name for, declared in TOML ------------------


def test_p03_the_town_declares_dzen_rutube_2gis_and_pos_in_its_file_without_code() -> None:
    from regflow.core import Place, Platform

    declared = {p.value for p in REGULATION.platforms}
    assert {"dzen", "rutube", "2gis", "pos"} <= declared
    assert REGULATION.platform_title(Platform("2gis")) == "2ГИС"
    instant = at("2025-11-10 10:00")
    dzen = message(instant, platform=Platform("dzen"), place=Place(post_id="dz-1"))
    case, _ = handle(
        REGULATION, ORG, None, Detect(case_id="ensk-dzen", actor=CURATOR, at=instant, message=dzen)
    )
    assert case.message.platform == Platform("dzen")
    refused = Platform("vk-clone")
    stranger = message(instant, platform=refused, place=Place(post_id="x"))
    detect = Detect(case_id="ensk-x", actor=CURATOR, at=instant, message=stranger)
    with pytest.raises(RuleViolation) as info:
        handle(REGULATION, ORG, None, detect)
    assert info.value.clause == "п. 3"
    assert "'vk-clone'" in str(info.value)


def test_p03_a_title_for_a_platform_the_town_does_not_declare_is_refused() -> None:
    import attrs

    with pytest.raises(InvalidRegulation) as info:
        attrs.evolve(REGULATION, platform_titles={"vkvideo": "VK Видео"})
    assert "platform_titles.vkvideo" in str(info.value)


def test_p08_the_town_names_its_moment_of_detection_as_a_reading() -> None:
    from regflow.core import detection_instant

    instant = at("2025-11-10 10:00")
    found = message(instant)
    received = at("2025-11-10 11:30")
    assert REGULATION.choice("detection-moment") == "monitoring"
    assert detection_instant(REGULATION, found, received) == instant
    curator = REGULATION.choose(**{"detection-moment": "curator"})
    assert detection_instant(curator, found, received) == received
    assert all(e.source for e in REGULATION.effective.escalations if e.threshold > 1)


def test_p19_in_ensk_each_department_s_return_window_names_its_own_head() -> None:
    # routed to roads (lead) and housing: housing's п. 8 window is housing's head's, not the lead's
    case = Ensk("2025-11-10 10:00")
    case.do(
        Classify,
        "2025-11-10 10:05",
        CURATOR,
        topics=("lighting",),
        location="ул. Мира",
        importance="normal",
    )
    case.do(
        Route,
        "2025-11-10 10:10",
        CURATOR,
        departments=("roads", "housing"),
        lead="roads",
        order=(("housing",),),
    )
    states = deadlines(case.driver.case, REGULATION, now=at("2025-11-10 10:20"), organization=ORG)
    heads = {s.department: s.responsible for s in states if s.id == "return"}
    assert heads == {"roads": HEAD, "housing": "dmitrieva"}


def test_p19_in_ensk_a_missed_draft_is_charged_to_the_lead_that_held_it_then() -> None:
    # roads holds the case from 11:31 with antonova; the draft falls due unsent; roads then
    # returns it and housing takes it: the missed draft stays antonova's, in roads
    case = Ensk("2025-11-10 11:30").routed("2025-11-10 11:30")
    case.do(ReturnToCurator, "2025-11-11 12:00", HEAD, department="roads", reason="не наше")
    case.do(Route, "2025-11-11 12:05", CURATOR, departments=("housing",))
    case.do(
        AssignExecutor, "2025-11-11 12:10", "dmitrieva", department="housing", executor="egorova"
    )
    draft = next(
        s
        for s in deadlines(
            case.driver.case, REGULATION, now=at("2025-11-11 12:15"), organization=ORG
        )
        if s.id == "draft"
    )
    assert draft.status.value == "breached"
    assert (draft.responsible, draft.accountable_department) == (EXECUTOR, "roads")
