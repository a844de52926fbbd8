"""A regulation that extends another says only what differs; the result is checked whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from regflow.errors import InvalidRegulation
from regflow.rules import blagoveshchensk_2020, load_regulation, load_regulation_file

BUILT_IN = 'extends = "blagoveshchensk-2180@2020-07-13"\n'


def test_extending_the_built_in_changes_only_the_numbers_given() -> None:
    text = BUILT_IN + 'id = "lite"\n[[deadlines]]\nid = "answer"\nlimit = "9h"\n'
    regulation = load_regulation(text)
    base = blagoveshchensk_2020()
    assert regulation.id == "lite"
    assert str(regulation.effective.deadline["answer"].limit) == "9h"
    assert [d.id for d in regulation.deadlines] == [d.id for d in base.deadlines]
    assert regulation.effective.deadline["answer"].citation == base.citation("п. 9")
    assert regulation.permissions == base.permissions


def test_an_entry_with_remove_drops_the_base_s_entry_of_that_id() -> None:
    escalation = blagoveshchensk_2020().escalations[0].id
    text = BUILT_IN + f'[[escalations]]\nid = "{escalation}"\nremove = true\n'
    regulation = load_regulation(text)
    assert escalation not in [e.id for e in regulation.escalations]
    assert len(regulation.escalations) == len(blagoveshchensk_2020().escalations) - 1


def test_the_merged_result_is_checked_as_a_whole() -> None:
    # a 2-hour answer leaves the draft (counted 4 hours back from it, п. 10) no time
    text = BUILT_IN + '[[deadlines]]\nid = "answer"\nlimit = "2h"\n'
    with pytest.raises(InvalidRegulation, match="can fall at or before its own start"):
        load_regulation(text)


def test_a_file_is_found_beside_the_one_that_extends_it(tmp_path: Path) -> None:
    (tmp_path / "base.toml").write_text(BUILT_IN + 'id = "base"\n', encoding="utf-8")
    (tmp_path / "town.toml").write_text('extends = "base.toml"\nversion = "2"\n', encoding="utf-8")
    regulation = load_regulation_file(tmp_path / "town.toml")
    assert (regulation.id, regulation.version) == ("base", "2")


def test_an_unreadable_or_circular_base_is_one_clear_problem(tmp_path: Path) -> None:
    with pytest.raises(InvalidRegulation) as caught:
        load_regulation('extends = "blagoveshchensk-2180@2020-07-14"\n', base_dir=tmp_path)
    assert caught.value.problems[0].path == "$.extends"
    assert "did you mean 'blagoveshchensk-2180@2020-07-13'?" in caught.value.problems[0].message
    (tmp_path / "a.toml").write_text('extends = "b.toml"\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('extends = "a.toml"\n', encoding="utf-8")
    with pytest.raises(InvalidRegulation, match="extends itself"):
        load_regulation_file(tmp_path / "a.toml")
