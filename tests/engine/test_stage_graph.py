"""One stage graph: the moves the regulation's permissions declare are the moves that run.

The spec draws a case's stages from ``Permission.leads_to``. A declared move the engine
cannot make is refused when the regulation is built (with its path); a move the engine
would make but the regulation does not declare is refused when the command is issued.
2025-11-06 is a Thursday; working time 9-13, 14-18.
"""

from __future__ import annotations

import attrs
import pytest

from regflow.errors import InvalidRegulation, RuleViolation
from regflow.reports.spec import render_regulation
from regflow.rules import DraftKind, Permission, Regulation, dump_regulation, load_regulation
from regflow.rules.vocabulary import TRANSITIONS, engine_targets
from tests.engine.conftest import REGULATION, CaseDriver, refused
from tests.engine.test_other_city import REGULATION as OTHER_CITY


def replaced(regulation: Regulation, old: Permission, *new: Permission) -> Regulation:
    permissions = list(regulation.permissions)
    index = permissions.index(old)
    permissions[index : index + 1] = new
    return attrs.evolve(regulation, permissions=tuple(permissions))


def permission(command: str, stage: str) -> Permission:
    return next(p for p in REGULATION.permissions if p.command == command and stage in p.stages)


@pytest.mark.parametrize("regulation", [REGULATION, OTHER_CITY], ids=["blagoveshchensk", "ensk"])
def test_every_move_the_permissions_declare_is_one_the_engine_makes(regulation: Regulation) -> None:
    for rule in regulation.permissions:
        for stage in rule.stages:
            runs = engine_targets(rule.command, stage)
            assert runs is not None, (rule.command, stage)
            assert set(rule.targets(stage)) <= runs, (rule.command, stage)


def test_a_declared_move_the_engine_cannot_make_is_refused_with_its_path() -> None:
    # a submitted draft awaits approval; it is never approved by being submitted
    submit = permission("submit_draft", "in_work")
    wrong = attrs.evolve(submit, leads_to=("awaiting_approval", "approved"))
    with pytest.raises(InvalidRegulation) as caught:
        replaced(REGULATION, submit, wrong)
    index = list(REGULATION.permissions).index(submit)
    found = {p.path: p.message for p in caught.value.problems}
    assert list(found) == [f"permissions[{index}].leads_to[1]"]
    assert (
        "never moves a case from 'in_work' to 'approved'"
        in found[f"permissions[{index}].leads_to[1]"]
    )


def test_a_stage_the_engine_cannot_run_the_command_at_is_refused() -> None:
    approve = permission("approve", "awaiting_approval")
    wrong = attrs.evolve(approve, stages=("awaiting_approval", "in_work"))
    with pytest.raises(InvalidRegulation) as caught:
        replaced(REGULATION, approve, wrong)
    index = list(REGULATION.permissions).index(approve)
    found = {p.path: p.message for p in caught.value.problems}
    assert found == {
        f"permissions[{index}].stages[1]": "the engine cannot run 'approve' at 'in_work'"
    }


def test_the_toml_path_of_a_move_the_engine_cannot_make() -> None:
    import tomllib

    from regflow import _toml

    data = tomllib.loads(dump_regulation(REGULATION))
    index = list(REGULATION.permissions).index(permission("submit_draft", "in_work"))
    assert data["permissions"][index]["leads_to"] == ["awaiting_approval"]
    data["permissions"][index]["leads_to"] = ["approved"]
    with pytest.raises(InvalidRegulation) as caught:
        load_regulation(_toml.dumps(data))
    paths = [p.path for p in caught.value.problems]
    assert paths == [f"$.permissions[{index}].leads_to[0]"]


def test_a_move_the_regulation_leaves_out_is_not_run_and_not_drawn() -> None:
    # A regulation whose publication never sends the case back to work: publishing a
    # clarification request, which would send the case back to work, is refused, and the
    # diagram has no arrow from approved to in_work.
    publication = permission("record_publication", "approved")
    narrow = replaced(
        REGULATION,
        publication,
        attrs.evolve(publication, leads_to=("answered", "interim_published")),
    )
    drawn = render_regulation(narrow)
    assert "approved --> in_work" not in drawn
    assert "approved --> in_work" in render_regulation(REGULATION)

    case = CaseDriver.detected("2025-11-06 09:00", regulation=narrow)
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:20", DraftKind.CLARIFICATION, text="Уточните адрес").approve("09:25")
    case.request("09:30")
    text = refused(case, RuleViolation, "п. 13", lambda: case.publish("09:35"))
    assert "'approved' to 'in_work'" in text

    same = CaseDriver.detected("2025-11-06 09:00")
    same.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    same.submit("09:20", DraftKind.CLARIFICATION, text="Уточните адрес").approve("09:25")
    same.request("09:30").publish("09:35")
    assert same.case.stage == "in_work"


def test_a_co_executor_designated_first_needs_the_declared_stay_at_routed() -> None:
    # Without 'routed' among assign_executor's moves from 'routed', a co-executor's
    # designation (which leaves the case routed) is refused; the lead's is not.
    assign = permission("assign_executor", "routed")
    narrow = replaced(REGULATION, assign, attrs.evolve(assign, leads_to=("in_work",)))
    case = CaseDriver.detected("2025-11-06 09:00", regulation=narrow)
    case.classify("09:05").route("09:10", "improvement", "housing", lead="improvement")
    refused(case, RuleViolation, "п. 6", lambda: case.assign("09:15", "housing"))
    case.assign("09:15", "improvement").assign("09:20", "housing")
    assert case.case.stage == "in_work"


def test_the_engine_table_names_only_known_commands_and_stages() -> None:
    from regflow.rules.vocabulary import COMMANDS, KEEPS, STAGES

    assert set(TRANSITIONS) | KEEPS == set(COMMANDS)
    for moves in TRANSITIONS.values():
        for source, targets in moves.items():
            assert source in STAGES
            assert targets <= set(STAGES)
