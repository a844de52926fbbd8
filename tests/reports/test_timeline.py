"""A case's timeline shows what happened, which deadline was missed and by whom, and
whether its history can be trusted."""

from __future__ import annotations

import attrs

from regflow.core import replay
from regflow.core.events import ReturnedForRework
from regflow.reports import render_case
from tests.engine.conftest import ORG, REGULATION, CaseDriver, at


def rows(text: str, heading: str) -> list[list[str]]:
    """The cells of the table under ``heading``, without the header rows."""
    part = text.split(f"\n{heading}\n", 1)[1]
    lines = [
        line for line in part.lstrip("\n").split("\n\n")[0].splitlines() if line.startswith("|")
    ]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def late_answer_with_rework() -> CaseDriver:
    """Detected Monday 10:00 while volkova is ill (п. 6), reworked once, answered late."""
    case = CaseDriver.detected("2025-11-24 10:00")
    case.classify("10:05").route("10:10", "improvement").assign("10:20", "improvement")
    case.submit("14:30").rework("14:50", remarks="Уточните сроки уборки")
    case.submit("15:30", text="Снег уберут до 18:00").approve("15:40").request("15:45")
    return case.publish("2025-11-25 11:30", external_id="9001")


def test_the_header_names_the_case_and_the_regulation_it_is_bound_to() -> None:
    case = late_answer_with_rework()
    text = render_case(case.case, REGULATION, organization=ORG)
    assert text.startswith(f"# Case `{case.case.id}`\n")
    assert "- **Platform:** `vk`" in text
    assert f"- **Message:** <{case.case.message.url}>" in text
    assert "- **Detected:** 2025-11-24 10:00 by Соколова Анна Викторовна (`sokolova`)" in text
    assert "- **Stage:** `answered`" in text
    assert "- **Regulation bound:** `blagoveshchensk-2180@2020-07-13`\n" in text


def test_the_events_are_listed_in_order_with_actors_and_details() -> None:
    case = late_answer_with_rework()
    events = rows(render_case(case.case, REGULATION, organization=ORG), "## Events")
    assert [row[1] for row in events] == [str(n) for n in range(1, 11)]
    assert events[0][:5] == [
        "2025-11-24 10:00",
        "1",
        "message detected",
        "Соколова Анна Викторовна (`sokolova`)",
        "п. 7",
    ]
    assert events[2][5] == "to `improvement`; lead `improvement`"
    assigned = events[3]
    assert assigned[2:5] == ["executor assigned", "Морозов Павел Андреевич (`morozov`)", "п. 6"]
    assert assigned[5].startswith(
        "Зайцев Артём Игоревич (`zaitsev`) for `improvement`; substitute for "
        "Волкова Наталья Юрьевна (`volkova`): absent (illness) 2025-11-24..2025-11-26"
    )
    assert events[4][2:] == [
        "draft sent for approval",
        "Зайцев Артём Игоревич (`zaitsev`)",
        "п. 10",
        "draft #1 (answer): «Снег уберут до вечера»",
    ]
    assert events[5][2] == "draft returned for rework"
    assert events[5][5] == "draft #1 (answer); remarks: «Уточните сроки уборки»"
    assert events[6][4:] == ["п. 12", "draft #2 (answer): «Снег уберут до 18:00»"]
    assert events[9][0] == "2025-11-25 11:30"
    assert events[9][5] == "draft #2 (answer); publication id `9001`"


def test_a_late_answer_is_a_breach_with_its_responsible_executor() -> None:
    case = late_answer_with_rework()
    text = render_case(case.case, REGULATION, organization=ORG)
    deadlines = {(row[0], row[3]): row for row in rows(text, "## Deadlines")}
    answer = deadlines[("`answer`", "2025-11-25 10:00")]
    assert answer[1:8] == [
        "п. 9",
        "—",
        "2025-11-25 10:00",
        "2025-11-25 11:30",
        "**BREACHED**",
        "1 h 30 min",
        "executor Зайцев Артём Игоревич (`zaitsev`)",
    ]
    rework = deadlines[("`rework`", "2025-11-24 15:50")]
    assert rework[4:7] == ["2025-11-24 15:30", "met", "—"]
    assert len([row for row in deadlines if row[0] == "`approve`"]) == 2  # one per draft
    breaches = text.split("\n### Breaches\n", 1)[1]
    assert (
        "- **`answer`** (п. 9, prepare and publish the answer): due 2025-11-25 10:00, done at "
        "2025-11-25 11:30, 1 h 30 min late; responsible: executor Зайцев Артём Игоревич (`zaitsev`)"
    ) in breaches
    assert "**`draft`**" not in breaches  # sent at 14:30, due at 15:00
    assert "**History:** the hash chain of all 10 events verifies." in text


def test_an_open_deadline_past_due_is_overdue_as_of_now() -> None:
    case = CaseDriver.detected("2025-11-24 10:00")
    text = render_case(case.case, REGULATION, now=at("2025-11-24 11:15"), organization=ORG)
    route = next(row for row in rows(text, "## Deadlines") if row[0] == "`route`")
    assert route[3:8] == [
        "2025-11-24 10:30",
        "—",
        "**BREACHED**",
        "45 min",
        "curator Соколова Анна Викторовна (`sokolova`)",
    ]
    assert "not done as of 2025-11-24 11:15, 45 min overdue" in text
    assert "- **As of:** 2025-11-24 11:15" in text


def test_a_case_without_breaches_says_so() -> None:
    case = CaseDriver.detected("2025-10-31 17:45").answer_in_full("2025-11-01 09:00")
    text = render_case(case.case, REGULATION, organization=ORG)
    assert "**BREACHED**" not in text
    assert "No deadline was breached." in text


def test_people_s_text_cannot_break_the_table() -> None:
    case = CaseDriver.detected("2025-11-24 10:00")
    case.classify("10:05").route("10:10", "improvement").assign("10:20", "improvement")
    case.submit("10:30", text="a | b <script>\nc")
    text = render_case(case.case, REGULATION, organization=ORG)
    assert "«a \\| b &lt;script&gt; c»" in text
    assert all(len(row) == 6 for row in rows(text, "## Events"))


def test_a_judged_version_other_than_the_bound_one_is_said() -> None:
    case = late_answer_with_rework()
    other = attrs.evolve(REGULATION, version="2026-01-01")
    text = render_case(case.case, other, organization=ORG)
    assert "(judged here by `blagoveshchensk-2180@2026-01-01` instead)" in text


def test_an_edited_event_is_reported() -> None:
    case = late_answer_with_rework()
    events = list(case.case.events)
    edited = events[5]
    assert isinstance(edited.data, ReturnedForRework)
    events[5] = attrs.evolve(edited, data=attrs.evolve(edited.data, remarks="Всё хорошо"))
    tampered = replay(events)
    text = render_case(tampered, REGULATION, organization=ORG)
    assert "**History: DOES NOT VERIFY.** Event 6 of case" in text
    assert "its content does not match its hash (edited)" in text
    assert "the hash chain" not in text
    sixth = rows(text, "## Events")[5]
    assert sixth[1] == "**6 ✗**"
    assert sixth[5] == "draft #1 (answer); remarks: «Всё хорошо»"


def test_a_removed_event_is_reported() -> None:
    case = late_answer_with_rework()
    tampered = replay([*case.case.events[:5], *case.case.events[6:]])
    text = render_case(tampered, REGULATION, organization=ORG)
    assert "**History: DOES NOT VERIFY.** Event 7 of case" in text
    assert "sequence number 7 where 6 was expected" in text
