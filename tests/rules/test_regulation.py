"""The Regulation: checked as a whole when built, readings chosen by name, versions by date."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from regflow.calendar import DayCounting
from regflow.errors import InvalidRegulation
from regflow.rules import (
    Basis,
    Citation,
    Deadline,
    Period,
    Permission,
    Regulation,
    Setting,
    blagoveshchensk_2020,
    select_regulation,
)

BLAGOVESHCHENSK = blagoveshchensk_2020()
DEADLINES = {d.id: d for d in BLAGOVESHCHENSK.deadlines}
INDEX = {d.id: i for i, d in enumerate(BLAGOVESHCHENSK.deadlines)}


def problems(**changes: Any) -> dict[str, str]:
    """Path -> message of every problem of Blagoveshchensk's rules with ``changes``."""
    with pytest.raises(InvalidRegulation) as caught:
        attrs.evolve(BLAGOVESHCHENSK, **changes)
    return {p.path: p.message for p in caught.value.problems}


def all_problems(**changes: Any) -> list[tuple[str, str]]:
    """(path, message) of every problem, in order, for paths reported more than once."""
    with pytest.raises(InvalidRegulation) as caught:
        attrs.evolve(BLAGOVESHCHENSK, **changes)
    return [(p.path, p.message) for p in caught.value.problems]


def with_deadline(ident: str, **changes: Any) -> tuple[Deadline, ...]:
    return tuple(
        attrs.evolve(d, **changes) if d.id == ident else d for d in BLAGOVESHCHENSK.deadlines
    )


def without_permissions(*commands: str) -> tuple[Permission, ...]:
    return tuple(p for p in BLAGOVESHCHENSK.permissions if p.command not in commands)


# -- the checks -----------------------------------------------------------------


def test_an_unknown_role() -> None:
    found = problems(deadlines=with_deadline("route", responsible="mayor"))
    assert found == {"deadlines[0].responsible": "unknown role 'mayor'"}


def test_an_unknown_role_in_a_permission() -> None:
    cite = BLAGOVESHCHENSK.citation("п. 11")
    approve = Permission(
        "approve", ("press_secretary",), ("awaiting_approval",), ("approved",), cite
    )
    permissions = (*without_permissions("approve"), approve)
    found = problems(permissions=permissions)
    assert found == {
        f"permissions[{len(permissions) - 1}].roles[0]": "unknown role 'press_secretary'"
    }


def test_p10_a_draft_4h_before_a_4h_answer_can_fall_at_its_own_start() -> None:
    found = problems(deadlines=with_deadline("answer", limit=Period.parse("4h")))
    assert found == {
        f"deadlines[{INDEX['draft']}].limit": "4h before 'answer' (as short as 4h) can fall "
        "at or before its own start"
    }


def test_p07_a_shortened_limit_set_by_a_reading_is_checked_too() -> None:
    reading = BLAGOVESHCHENSK.interpretations[2]
    assert reading.id == "shortened-deadline"
    four_hours = (Setting("deadlines.answer.by_importance", {"high": "4h"}),)
    changed = attrs.evolve(reading, settings={**reading.settings, "by-importance": four_hours})
    interpretations = list(BLAGOVESHCHENSK.interpretations)
    interpretations[2] = changed
    found = problems(
        interpretations=tuple(interpretations), choices={"shortened-deadline": "by-importance"}
    )
    assert list(found) == [f"effective.deadlines[{INDEX['draft']}].limit"]


def test_a_cycle_of_before() -> None:
    found = problems(deadlines=with_deadline("answer", before="draft"))
    cycle = "a cycle of 'before' through ['answer', 'draft']"
    assert found == {
        f"deadlines[{INDEX['answer']}].before": cycle,
        f"deadlines[{INDEX['draft']}].before": cycle,
    }


def test_unknown_events_and_event_kinds() -> None:
    found = problems(
        deadlines=with_deadline("publish", stops_on=("posted", "published:final"), pause_on=("x",))
    )
    path = f"deadlines[{INDEX['publish']}]"
    assert found == {
        f"{path}.stops_on[0]": "unknown event 'posted'; did you mean 'routed'?",
        f"{path}.stops_on[1]": "event 'published' has no kind 'final'",
        f"{path}.pause_on[0]": "unknown event 'x'",
        f"{path}.resume_on": "pause_on and resume_on go together",
    }


def test_no_permission_path_leads_to_an_end() -> None:
    cite = BLAGOVESHCHENSK.citation("п. 7")
    permissions = (
        Permission("detect", ("curator",), ("new",), ("detected",), cite),
        Permission("classify", ("curator",), ("detected", "classified"), ("classified",), cite),
    )
    found = all_problems(permissions=permissions)
    assert ("permissions", "no permission path leads a new case to an end") in found


def test_a_stage_that_cannot_be_reached() -> None:
    cite = BLAGOVESHCHENSK.citation("п. 11")
    permissions = (
        Permission("detect", ("curator",), ("new",), ("detected",), cite),
        Permission("close", ("curator",), ("detected", "approved"), ("closed",), cite),
        Permission("approve", ("curator",), ("awaiting_approval",), ("approved",), cite),
    )
    assert all_problems(permissions=permissions) == [
        ("permissions", "stage 'awaiting_approval' cannot be reached from 'new'"),
        ("permissions", "stage 'approved' cannot be reached from 'new'"),
    ]


def test_without_publication_an_answer_cannot_be_reached() -> None:
    found = all_problems(permissions=without_permissions("record_publication"))
    assert ("permissions", "stage 'answered' cannot be reached from 'new'") in found


def test_a_stage_a_case_can_never_leave() -> None:
    cite = BLAGOVESHCHENSK.citation("п. 5")
    permissions = (
        Permission("detect", ("curator",), ("new",), ("detected",), cite),
        Permission("classify", ("curator",), ("detected",), ("classified",), cite),
        Permission("close", ("curator",), ("detected",), ("closed",), cite),
    )
    assert all_problems(permissions=permissions) == [
        ("permissions", "a case at 'classified' can never leave it")
    ]


def test_an_unknown_stage_is_a_problem_not_a_crash() -> None:
    cite = BLAGOVESHCHENSK.citation("п. 5")
    limbo = Permission("close", ("curator",), ("limbo",), ("closed",), cite)
    found = problems(permissions=(*BLAGOVESHCHENSK.permissions, limbo))
    path = f"permissions[{len(BLAGOVESHCHENSK.permissions)}].stages[0]"
    assert found == {path: "unknown stage 'limbo'"}


def test_an_unknown_clause_and_duplicate_ids() -> None:
    unknown = Citation("п. 12а", "12а. ...")
    deadlines = (*with_deadline("rework", citation=unknown), DEADLINES["route"])
    assert problems(deadlines=deadlines) == {
        f"deadlines[{INDEX['rework']}].citation": "unknown clause 'п. 12а'",
        "deadlines[10].id": "'route' is used twice",
    }


def test_an_unknown_choice_and_interpretation() -> None:
    with pytest.raises(InvalidRegulation) as caught:
        BLAGOVESHCHENSK.choose(**{"short-limits": "sundial", "tides": "low"})
    assert {p.path: p.message for p in caught.value.problems} == {
        "choices.short-limits": "'sundial' is not one of ['clock', 'working']",
        "choices.tides": "no such interpretation",
    }


def test_every_problem_is_reported_at_once() -> None:
    found = problems(
        platforms=(),
        importance=(),
        effective_to=dt.date(2019, 1, 1),
        deadlines=with_deadline("route", responsible="mayor"),
    )
    assert set(found) == {"platforms", "importance", "effective_to", "deadlines[0].responsible"}


# -- readings (what-if) -----------------------------------------------------------


def test_choose_clock_time_for_the_short_limits() -> None:
    clock = BLAGOVESHCHENSK.choose(**{"short-limits": "clock"})
    assert clock.effective.deadline["route"].basis is Basis.CLOCK
    assert clock.effective.deadline["answer"].basis is Basis.WORKING  # п. 9 says "working"
    assert BLAGOVESHCHENSK.effective.deadline["route"].basis is Basis.WORKING
    assert clock.choice("short-limits") == "clock"
    assert BLAGOVESHCHENSK.choice("short-limits") == "working"
    assert "short-limits" in clock.effective.touched_by["route"]
    assert clock.deadlines == BLAGOVESHCHENSK.deadlines  # the rules as written are unchanged


def test_choose_the_other_readings() -> None:
    other = BLAGOVESHCHENSK.choose(
        **{
            "day-counting": "from-instant",
            "clarification": "pauses",
            "re-routing": "untimed",
            "final-bounds": "draft",
        }
    )
    deadline = other.effective.deadline
    assert deadline["final"].counting is DayCounting.FROM_INSTANT
    assert deadline["answer"].pause_on == ("published:clarification",)
    assert deadline["route"].starts_on == ("detected",)
    assert deadline["final"].stops_on == ("draft_submitted:answer",)
    assert BLAGOVESHCHENSK.effective.deadline["answer"].pause_on == ()


# -- versions ----------------------------------------------------------------------


def test_select_regulation_picks_the_version_in_force() -> None:
    first = attrs.evolve(BLAGOVESHCHENSK, effective_to=dt.date(2024, 12, 31))
    second = attrs.evolve(
        BLAGOVESHCHENSK,
        version="2025-01-01",
        effective_from=dt.date(2025, 1, 1),
        deadlines=with_deadline("answer", limit=Period.parse("6h")),
    )
    versions = [second, first]
    assert select_regulation(versions, dt.date(2020, 7, 13)) is first
    assert select_regulation(versions, dt.date(2024, 12, 31)) is first
    assert select_regulation(versions, dt.date(2025, 1, 1)) is second
    assert not first.in_force(dt.date(2025, 1, 1))
    with pytest.raises(LookupError, match="2020-07-12"):
        select_regulation(versions, dt.date(2020, 7, 12))


def test_a_version_cannot_end_before_it_begins() -> None:
    assert problems(effective_to=dt.date(2020, 7, 12)) == {
        "effective_to": "ends before effective_from"
    }


# -- the built-in ruleset ---------------------------------------------------------


@pytest.mark.parametrize("number", range(2, 21))
def test_every_clause_is_carried_by_a_rule_or_a_note(number: int) -> None:
    assert list(BLAGOVESHCHENSK.rules_citing(f"п. {number}"))


@pytest.mark.parametrize(
    ("ident", "clause", "limit", "before"),
    [
        ("route", "п. 7", "30m", None),
        ("return", "п. 8", "2h", None),
        ("answer", "п. 9", "8h", None),
        ("draft", "п. 10", "4h", "answer"),
        ("final-draft", "п. 10", "1d", "final"),
        ("approve", "п. 11", "30m", None),
        ("rework", "п. 12", "1h", None),
        ("publish", "п. 13", "30m", None),
        ("final", "п. 14", "7d", None),
        ("contribute", "п. 15", "2h", None),
    ],
)
def test_the_deadlines_of_the_table(
    ident: str, clause: str, limit: str, before: str | None
) -> None:
    deadline = BLAGOVESHCHENSK.effective.deadline[ident]
    assert deadline.citation.clause == clause
    assert deadline.citation.text == BLAGOVESHCHENSK.clauses[clause]
    assert deadline.limit == Period.parse(limit)
    assert deadline.before == before


def test_there_are_exactly_the_ten_deadlines_of_the_table() -> None:
    assert len(BLAGOVESHCHENSK.deadlines) == 10


def test_p09_p14_say_working_time() -> None:
    deadline = BLAGOVESHCHENSK.effective.deadline
    assert deadline["answer"].basis is Basis.WORKING
    assert deadline["final"].basis is Basis.WORKING
    assert deadline["final"].counting is DayCounting.CIVIL_CODE


def test_the_interpretations_and_their_defaults() -> None:
    assert {i.id: i.default for i in BLAGOVESHCHENSK.interpretations} == {
        "short-limits": "working",
        "day-counting": "civil-code",
        "shortened-deadline": "explicit-only",  # п. 7 "may decide": the curator, per message
        "clarification": "runs",
        "re-routing": "fresh-limit",
        "working-hours": "standard",
        "final-bounds": "publication",
        "tight-limit": "refuse",
        "lead-part": "in-joint-draft",
        "return-window": "returns-only",
        "attribution": "holder",
        "detection-moment": "curator",
        "presidential-days": "non-working",
        "interim-meets-p9": "meets",
        "publish-requests": "applies",
        "p20-thresholds": "library",
    }
    for interpretation in BLAGOVESHCHENSK.interpretations:
        assert len(interpretation.choices) >= 2, interpretation.id
        assert set(interpretation.settings) <= set(interpretation.choices)


def test_working_hours_default_is_asia_yakutsk_9_to_18_with_a_break() -> None:
    spec = BLAGOVESHCHENSK.effective.working_time
    assert spec.timezone == "Asia/Yakutsk"
    assert dict(spec.hours) == {"mon-fri": "09:00-13:00, 14:00-18:00"}


def test_a_regulation_is_its_fields() -> None:
    assert blagoveshchensk_2020() == BLAGOVESHCHENSK
    assert isinstance(BLAGOVESHCHENSK, Regulation)
    assert attrs.evolve(BLAGOVESHCHENSK, version="2") != BLAGOVESHCHENSK
