"""Who may do what: every role against every command (п. 5, 6, 8, 10, 11, 13, 15, 16, 18, 20).

For each command the case is put in a stage where the command is valid for the
right role; then each role issues it. Allowed pairs must succeed; the others
must raise ``PermissionDenied`` citing the clause, naming the actor, and
changing nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    Close,
    Command,
    Detect,
    Escalate,
    Exclude,
    LinkRepeat,
    RecordClarification,
    RecordPublication,
    RecordPublicationFailure,
    RequestPublication,
    ReturnForRework,
    ReturnToCurator,
    Route,
    SubmitContribution,
    SubmitDraft,
    handle,
)
from regflow.errors import PermissionDenied
from regflow.rules import COMMANDS, ROLES, DraftKind
from tests.engine.conftest import CURATOR, ORG, REGULATION, CaseDriver, at, message

DAY = "2025-11-06"  # a Thursday; nobody in the example organisation is absent

# The people who play each role in the cases below. Routed: improvement (lead,
# volkova), housing (co-executor ivanova) and education (head smirnova, executor
# not yet designated). Transport is not routed, so its head lebedev is no head here.
ACTORS: dict[str, str] = {
    "curator": CURATOR,
    "department_head": "smirnova",
    "department_head_not_routed": "lebedev",
    "executor": "volkova",
    "co_executor": "ivanova",
    "deputy_mayor": "belov",
    "unknown": "stranger",
}
ROLE_OF: dict[str, str | None] = {
    "curator": "curator",
    "department_head": "department_head",
    "department_head_not_routed": None,
    "executor": "executor",
    "co_executor": "co_executor",
    "deputy_mayor": "deputy_mayor",
    "unknown": None,
}
OWN_DEPARTMENT = {"smirnova": "education", "lebedev": "transport"}


def _allowed_by_rules() -> dict[str, frozenset[str]]:
    """Command -> the labels of ACTORS whose role the regulation's Permission rules name."""
    table: dict[str, frozenset[str]] = {}
    for command in COMMANDS:
        roles = {r for p in REGULATION.effective.permissions.get(command, ()) for r in p.roles}
        table[command] = frozenset(label for label, role in ROLE_OF.items() if role in roles)
    return table


ALLOWED = _allowed_by_rules()

# The same table written out by hand from the order, so that a change to the
# ruleset's permissions shows up here and not only in the engine.
BY_HAND: dict[str, frozenset[str]] = {
    "detect": frozenset({"curator"}),  # п. 5
    "classify": frozenset({"curator"}),  # п. 7
    "route": frozenset({"curator"}),  # п. 7
    "return_to_curator": frozenset({"department_head"}),  # п. 8
    "assign_executor": frozenset({"department_head"}),  # п. 6
    "submit_contribution": frozenset({"co_executor"}),  # п. 15(2)
    "submit_draft": frozenset({"executor"}),  # п. 10
    "approve": frozenset({"curator"}),  # п. 11
    "return_for_rework": frozenset({"curator"}),  # п. 11
    "request_publication": frozenset({"executor"}),  # п. 13
    "record_publication": frozenset({"executor"}),  # п. 13
    "record_publication_failure": frozenset({"executor"}),  # п. 13
    "record_clarification": frozenset({"curator", "executor"}),
    "exclude": frozenset({"curator"}),  # п. 18
    "escalate": frozenset({"curator"}),  # п. 20
    "link_repeat": frozenset({"curator"}),  # п. 16
    "close": frozenset({"curator"}),
}


# -- cases in the stage each command needs ----------------------------------------------


def _detected() -> CaseDriver:
    return CaseDriver.detected(f"{DAY} 09:00")


def _classified() -> CaseDriver:
    return _detected().classify("09:05")


def _team() -> CaseDriver:
    """In work: improvement leads, housing's part is open, education has no executor yet."""
    return (
        _classified()
        .route("09:10", "improvement", "housing", "education", lead="improvement")
        .assign("09:15", "improvement")
        .assign("09:20", "housing")
    )


def _awaiting_approval() -> CaseDriver:
    return _team().submit("09:30", DraftKind.INTERIM, text="Проверим и ответим до пятницы")


def _approved() -> CaseDriver:
    return _awaiting_approval().approve("09:40")


def _clarification_pending() -> CaseDriver:
    return (
        _team()
        .submit("09:30", DraftKind.CLARIFICATION, text="Уточните номер дома")
        .approve("09:40")
        .request("09:45")
        .publish("09:50")
    )


STAGE: dict[str, Callable[[], CaseDriver | None]] = {
    "detect": lambda: None,
    "classify": _detected,
    "route": _classified,
    "return_to_curator": _team,
    "assign_executor": _team,
    "submit_contribution": _team,
    "submit_draft": _team,
    "approve": _awaiting_approval,
    "return_for_rework": _awaiting_approval,
    "request_publication": _approved,
    "record_publication": _approved,
    "record_publication_failure": _approved,
    "record_clarification": _clarification_pending,
    "exclude": _team,
    "escalate": _team,
    "link_repeat": _detected,
    "close": _team,
}


def _command(name: str, driver: CaseDriver | None, actor: str) -> Command:
    when = at(f"{DAY} 10:00")
    if driver is None:
        assert name == "detect"
        return Detect(case_id="case-permissions", actor=actor, at=when, message=message(when))
    base: dict[str, Any] = {"case_id": driver.case.id, "actor": actor, "at": when}
    department = OWN_DEPARTMENT.get(actor)
    make: dict[str, Callable[[], Command]] = {
        "classify": lambda: Classify(
            **base, topics=("snow-removal",), location="ул. Ленина", importance="normal"
        ),
        "route": lambda: Route(**base, departments=("improvement",)),
        "return_to_curator": lambda: ReturnToCurator(
            **base, department=department or "education", reason="не наш вопрос"
        ),
        "assign_executor": lambda: AssignExecutor(
            **base,
            department=department or "education",
            executor=ORG.department(department or "education").executors[0],
        ),
        "submit_contribution": lambda: SubmitContribution(
            **base, department="housing", text="Управляющая компания уведомлена"
        ),
        "submit_draft": lambda: SubmitDraft(
            **base, kind=DraftKind.INTERIM, text="Проверим и ответим до пятницы"
        ),
        "approve": lambda: ApproveDraft(**base),
        "return_for_rework": lambda: ReturnForRework(**base, remarks="Уточните сроки"),
        "request_publication": lambda: RequestPublication(**base),
        "record_publication": lambda: RecordPublication(**base, external_id="78"),
        "record_publication_failure": lambda: RecordPublicationFailure(
            **base, reason="timeout", permanent=False
        ),
        "record_clarification": lambda: RecordClarification(**base, text="Дом 5"),
        "exclude": lambda: Exclude(**base, category="obscene", evidence="***"),
        "escalate": lambda: Escalate(**base, reason="significant"),
        "link_repeat": lambda: LinkRepeat(**base, previous_case_id="case-0"),
        "close": lambda: Close(**base, reason="deleted"),
    }
    return make[name]()


PAIRS = [
    pytest.param(
        command,
        label,
        label in ALLOWED[command],
        id=f"{command}-by-{label}-{'allowed' if label in ALLOWED[command] else 'denied'}",
    )
    for command in COMMANDS
    for label in ACTORS
]


@pytest.mark.parametrize(("command", "label", "allowed"), PAIRS)
def test_role_against_command(command: str, label: str, allowed: bool) -> None:
    driver = STAGE[command]()
    actor = ACTORS[label]
    issued = _command(command, driver, actor)
    assert issued.name == command
    before = driver.case if driver is not None else None
    if allowed:
        case, events = handle(REGULATION, ORG, before, issued)
        assert events, f"{command} by {label} made no event"
        assert case.events[-1].actor == actor
        assert case.version == (before.version if before else 0) + len(events)
        return
    with pytest.raises(PermissionDenied) as info:
        handle(REGULATION, ORG, before, issued)
    error = info.value
    citation = REGULATION.effective.permissions[command][0].citation
    # closing is no clause's step: its refusals cite none (the library's addition)
    assert error.clause == (citation.clause if citation is not None else "")
    assert error.clause.startswith("п. ") or command == "close"
    assert error.command == command
    assert actor in str(error), f"the refusal does not name {actor}: {error}"
    if driver is not None:
        assert driver.case is before
        assert error.case_id == driver.case.id


def test_every_command_and_role_is_in_the_table() -> None:
    assert set(STAGE) == set(COMMANDS) == set(ALLOWED)
    assert len(COMMANDS) == 17
    assert {role for role in ROLE_OF.values() if role} == set(ROLES)


def test_the_rules_give_the_table_read_by_hand_from_the_order() -> None:
    assert ALLOWED == BY_HAND


@pytest.mark.parametrize("label", [label for label in ACTORS if label != "curator"])
def test_p11_only_the_curator_approves(label: str) -> None:
    driver = _awaiting_approval()
    before = driver.case
    with pytest.raises(PermissionDenied, match=ACTORS[label]) as info:
        driver.do(ApproveDraft(case_id=before.id, actor=ACTORS[label], at=at(f"{DAY} 10:00")))
    assert info.value.clause == "п. 11"
    assert driver.case is before
    driver.approve("10:00")
    assert driver.case.stage == "approved"


def test_p06_a_head_of_another_routed_department_may_not_designate_for_this_one() -> None:
    # kuznetsov heads housing, which is routed, but education is not his to staff.
    driver = _team()
    before = driver.case
    command = AssignExecutor(
        case_id=before.id,
        actor="kuznetsov",
        at=at(f"{DAY} 10:00"),
        department="education",
        executor="fedorova",
    )
    with pytest.raises(PermissionDenied, match="kuznetsov") as info:
        driver.do(command)
    assert info.value.clause == "п. 6"
    assert driver.case == before


def test_p08_a_head_whose_department_is_not_routed_may_not_return_a_routed_one() -> None:
    driver = _team()
    before = driver.case
    command = ReturnToCurator(
        case_id=before.id,
        actor="lebedev",
        at=at(f"{DAY} 10:00"),
        department="education",
        reason="не наш вопрос",
    )
    with pytest.raises(PermissionDenied, match="lebedev") as info:
        driver.do(command)
    assert info.value.clause == "п. 8"
    assert driver.case is before


def test_p15_the_lead_executor_may_not_send_a_co_executors_part() -> None:
    driver = _team()
    before = driver.case
    command = SubmitContribution(
        case_id=before.id,
        actor="volkova",
        at=at(f"{DAY} 10:00"),
        department="housing",
        text="часть",
    )
    with pytest.raises(PermissionDenied, match="volkova") as info:
        driver.do(command)
    assert info.value.clause == "п. 15"
    assert driver.case is before


def test_p10_a_co_executor_may_not_submit_the_joint_draft() -> None:
    driver = _team()
    before = driver.case
    with pytest.raises(PermissionDenied, match="ivanova") as info:
        driver.submit("10:00", DraftKind.INTERIM, actor="ivanova")
    assert info.value.clause == "п. 10"
    assert driver.case is before
