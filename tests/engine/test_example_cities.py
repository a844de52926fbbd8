"""Three more places' regulations, each a TOML file in examples/ that extends the Энск example
and says only what differs, run with hand-computed timelines: a town in Tatarstan (a regional
holiday), a town with clock hours for high importance, and a municipality in the canton of
Zürich (its holidays through the holidays package)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from regflow.core import (
    AssignExecutor,
    Classify,
    Detect,
    Organization,
    Route,
    deadlines,
    handle,
)
from regflow.errors import InvalidRegulation
from regflow.rules import Regulation, load_regulation_file
from tests.engine.conftest import ROOT, CaseDriver, find_deadline, message

EXAMPLES = ROOT / "examples"
CURATOR, HEAD, EXECUTOR = "kovaleva", "grigoriev", "antonova"


class Town:
    """A case of one example town: times are 'YYYY-MM-DD HH:MM' in its zone."""

    def __init__(self, regulation: Regulation, org: Organization, detected: str) -> None:
        self.regulation, self.org = regulation, org
        self.zone = ZoneInfo(org.timezone)
        self.id = f"{org.id}-{detected}"
        instant = self.at(detected)
        command = Detect(case_id=self.id, actor=CURATOR, at=instant, message=message(instant))
        case, _ = handle(regulation, org, None, command)
        self.driver = CaseDriver(case, regulation, org)

    def at(self, text: str) -> dt.datetime:
        return dt.datetime.fromisoformat(text).replace(tzinfo=self.zone)

    def do(self, command: type[Any], when: str, actor: str, **fields: Any) -> Town:
        self.driver.do(command(case_id=self.id, actor=actor, at=self.at(when), **fields))
        return self

    def routed(self, when: str, importance: str) -> Town:
        start = self.at(when)

        def later(minutes: int) -> str:
            return f"{start + dt.timedelta(minutes=minutes):%Y-%m-%d %H:%M}"

        self.do(Classify, when, CURATOR, topics=("lighting",), location="ул. Мира",
                importance=importance)  # fmt: skip
        self.do(Route, later(1), CURATOR, departments=("roads",))
        return self.do(AssignExecutor, later(2), HEAD, department="roads", executor=EXECUTOR)

    def due(self, ident: str) -> dt.datetime:
        return find_deadline(self.driver, ident).due

    def status(self, ident: str, now: str) -> str:
        states = deadlines(
            self.driver.case, self.regulation, now=self.at(now), organization=self.org
        )
        return next(s for s in reversed(states) if s.id == ident).status.value


def place(name: str) -> tuple[Regulation, Organization]:
    return (
        load_regulation_file(EXAMPLES / name / "regulation.toml"),
        Organization.from_toml_file(EXAMPLES / name / "organization.toml"),
    )


KAMSK = place("kamsk")
BYSTRINSK = place("bystrinsk")
ZURICH = place("zurich_gemeinde")


# -- Камск, Tatarstan: Ураза-байрам on Wednesday 10 April 2024 --------------------------


def test_kamsk_says_only_what_differs_and_keeps_the_rest_of_the_base() -> None:
    regulation, _ = KAMSK
    assert regulation.id == "kamsk-example"
    assert str(regulation.effective.deadline["answer"].limit) == "8h"
    assert str(regulation.effective.deadline["route"].limit) == "1h"  # the base's
    assert "8 рабочих часов" in regulation.effective.deadline["answer"].citation.text
    assert regulation.effective.working_time.calendar == "russia:RU-TA"


def test_kamsk_answer_skips_uraza_bayram_and_the_shortened_eve() -> None:
    case = Town(*KAMSK, "2024-04-09 15:00")
    # Tue 9 April ends at 16:00 (art. 95, the eve): 15-16 is 1 h; Wed 10 April is off;
    # Thu 11 April 8-12 (4 h, 5 in all) and 13-16 (3 h): 8 working hours at Thu 16:00
    assert case.due("answer") == case.at("2024-04-11 16:00")
    assert case.due("route") == case.at("2024-04-09 16:00")  # 60 min, to the eve's close
    assert case.due("draft") == case.at("2024-04-11 14:00")  # 2 working hours before


def test_kamsk_under_the_federal_calendar_alone_is_due_a_day_earlier(tmp_path: Path) -> None:
    federal = tmp_path / "federal.toml"
    federal.write_text(
        f'extends = "{(EXAMPLES / "kamsk" / "regulation.toml").as_posix()}"\n'
        '[working_time]\ncalendar = "russia"\n',
        encoding="utf-8",
    )
    case = Town(load_regulation_file(federal), KAMSK[1], "2024-04-09 15:00")
    # Tue 15-17 (2 h), Wed 8-12 (4 h, 6 in all), 13-15 (2 h)
    assert case.due("answer") == case.at("2024-04-10 15:00")


# -- Быстринск: 2 clock hours for high importance, 4 working hours otherwise ---------------


def test_bystrinsk_normal_answer_in_4_working_hours_over_the_weekend() -> None:
    case = Town(*BYSTRINSK, "2025-11-14 16:00").routed("2025-11-14 16:05", "normal")
    # Fri 16-18 (2 h), Mon 17 November 9-11 (2 h)
    assert case.due("answer") == case.at("2025-11-17 11:00")
    assert case.due("draft") == case.at("2025-11-17 10:00")  # 1 working hour before


def test_bystrinsk_high_answer_in_2_clock_hours_on_a_saturday() -> None:
    case = Town(*BYSTRINSK, "2025-11-15 10:00").routed("2025-11-15 10:05", "high")
    assert case.due("answer") == case.at("2025-11-15 12:00")
    assert case.due("draft") == case.at("2025-11-15 11:00")  # 1 clock hour before
    # the warning 30 minutes before is clock time too: not yet at 11:29, at 11:31
    assert case.status("answer", now="2025-11-15 11:29") == "pending"
    assert case.status("answer", now="2025-11-15 11:31") == "warning"
    assert case.status("answer", now="2025-11-15 12:01") == "breached"
    assert "2 hours" in find_deadline(case.driver, "answer").basis


def test_bystrinsk_an_unclassified_message_runs_in_working_time() -> None:
    case = Town(*BYSTRINSK, "2025-11-15 10:00")  # Saturday: nothing runs until Monday
    assert case.due("answer") == case.at("2025-11-17 14:00")  # Mon 9-12 and 13-14


# -- A municipality of the canton of Zürich: Good Friday and Easter Monday 2025 ------------


def test_zurich_answer_skips_the_easter_holidays_of_the_canton() -> None:
    case = Town(*ZURICH, "2025-04-17 16:00")
    # Thu 16-17 (1 h); Fri 18 April and Mon 21 April are holidays in Zürich;
    # Tue 22 April 8-12 (4 h, 5 in all), 13:30-17:00 (3.5 h, 8.5); Wed 8:00-8:30
    assert case.due("answer") == case.at("2025-04-23 08:30")
    assert case.due("route") == case.at("2025-04-17 17:00")
    assert case.due("answer").utcoffset() == dt.timedelta(hours=2)  # CEST


def test_zurich_high_importance_in_4_working_hours() -> None:
    case = Town(*ZURICH, "2025-04-17 16:00").routed("2025-04-17 16:05", "high")
    # Thu 16-17 (1 h), Tue 22 April 8-11 (3 h)
    assert case.due("answer") == case.at("2025-04-22 11:00")


def test_p05_a_town_s_default_importance_applies_when_the_curator_names_none(
    tmp_path: Path,
) -> None:
    town = tmp_path / "town.toml"
    town.write_text(
        f'extends = "{(EXAMPLES / "bystrinsk" / "regulation.toml").as_posix()}"\n'
        '[classification]\nrequire_importance = false\ndefault_importance = "high"\n',
        encoding="utf-8",
    )
    case = Town(load_regulation_file(town), BYSTRINSK[1], "2025-11-15 10:00")
    case.do(Classify, "2025-11-15 10:05", CURATOR, topics=("lighting",), location="ул. Мира")
    assert case.driver.case.importance == "high"
    assert case.due("answer") == case.at("2025-11-15 12:00")  # the high tier: 2 clock hours
    town.write_text(town.read_text(encoding="utf-8").replace('"high"', '"hihg"'), "utf-8")
    with pytest.raises(InvalidRegulation, match="did you mean 'high'"):
        load_regulation_file(town)


def test_p14_a_town_that_sets_no_time_for_co_executors_needs_no_placeholder_deadline(
    tmp_path: Path,
) -> None:
    town = tmp_path / "town.toml"
    town.write_text(
        f'extends = "{(EXAMPLES / "other_city" / "regulation.toml").as_posix()}"\n'
        '[co_execution]\ndeadline = ""\n[[deadlines]]\nid = "contribute"\nremove = true\n',
        encoding="utf-8",
    )
    regulation = load_regulation_file(town)
    assert "contribute" not in regulation.effective.deadline
    org = Organization.from_toml_file(EXAMPLES / "other_city" / "organization.toml")
    case = Town(regulation, org, "2025-11-10 11:30")
    case.do(Classify, "2025-11-10 11:40", CURATOR, topics=("lighting",), location="ул. Мира",
            importance="normal")  # fmt: skip
    case.do(Route, "2025-11-10 11:41", CURATOR, departments=("roads", "housing"), lead="roads")
    assert set(case.driver.case.departments) == {"roads", "housing"}
    states = deadlines(
        case.driver.case, regulation, now=case.at("2025-11-10 12:00"), organization=org
    )
    assert "contribute" not in {s.id for s in states}
    town.write_text(
        town.read_text(encoding="utf-8").replace('deadline = ""', 'deadline = "x"'), "utf-8"
    )
    with pytest.raises(InvalidRegulation, match="no deadline 'x'"):
        load_regulation_file(town)


def test_zurich_notices_are_worded_in_its_templates() -> None:
    from regflow.notices import Templates

    templates = Templates.for_regulation(ZURICH[0])
    assert templates.language == "en"
    assert templates.breach_subject.startswith("Deadline missed")
    assert templates.escalation_subject == "Für den Gemeinderat: {reason}"


def test_zurich_the_service_sends_its_notices_in_its_own_words() -> None:
    from regflow.adapters.memory import MemoryStore
    from regflow.notices import Templates
    from regflow.service import Municipality, open_service
    from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier, RecordingPublisher

    regulation, org = ZURICH
    zone = ZoneInfo(org.timezone)
    start = dt.datetime(2025, 4, 14, 9, 0, tzinfo=zone)
    notifier = RecordingNotifier()
    service = open_service(
        store=MemoryStore(),
        municipalities=[Municipality(org, (regulation,))],
        notifier=notifier,
        publisher=RecordingPublisher(),
        screener=KeywordScreener(),
        clock=FixedClock(start),
        tolerance=None,
    )
    case_id, _ = service.intake(message(start), organization=org.id, actor=CURATOR)
    service.handle(
        Classify(
            case_id=case_id,
            actor=CURATOR,
            at=start,
            topics=("lighting",),
            location="ул. Мира",
            importance="normal",
        )
    )
    service.handle(Route(case_id=case_id, actor=CURATOR, at=start, departments=("roads",)))
    service.dispatch(start)
    (routed,) = [n for n in notifier.sent if n.kind == "routed"]
    english = Templates.for_regulation(regulation)
    assert routed.subject == english.routed_subject.format(case=case_id)
    assert not any("сообщение" in n.subject for n in notifier.sent)
