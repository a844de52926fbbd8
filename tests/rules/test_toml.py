"""Regulations as TOML: round trips, and every mistake of a file reported at once with its path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from regflow._toml import dumps, loads
from regflow.errors import InvalidRegulation
from regflow.rules import (
    Basis,
    Period,
    Regulation,
    Setting,
    blagoveshchensk_2020,
    dump_regulation,
    load_regulation,
    load_regulation_file,
)

ROOT = Path(__file__).resolve().parents[2]
OTHER_CITY = ROOT / "examples" / "other_city" / "regulation.toml"
BLAGOVESHCHENSK = blagoveshchensk_2020()


def other_city() -> dict[str, Any]:
    """The example file of another town as data, to spoil in a test."""
    return loads(OTHER_CITY.read_text(encoding="utf-8"))


def problems_of(data: dict[str, Any] | str) -> dict[str, str]:
    """Path -> message of every problem found when loading ``data``."""
    text = data if isinstance(data, str) else dumps(data)
    with pytest.raises(InvalidRegulation) as caught:
        load_regulation(text, source="city.toml")
    found = {p.path: p.message for p in caught.value.problems}
    assert len(found) == len(caught.value.problems), "a path is reported twice"
    return found


def spoiled(change: Callable[[dict[str, Any]], object]) -> dict[str, Any]:
    data = other_city()
    change(data)
    return data


def deadline(data: dict[str, Any], ident: str) -> dict[str, Any]:
    found: dict[str, Any] = next(d for d in data["deadlines"] if d["id"] == ident)
    return found


# -- round trips --------------------------------------------------------------


def test_the_built_in_ruleset_round_trips() -> None:
    text = dump_regulation(BLAGOVESHCHENSK)
    loaded = load_regulation(text)
    assert loaded == BLAGOVESHCHENSK
    assert loaded.effective.deadline == BLAGOVESHCHENSK.effective.deadline
    assert dump_regulation(loaded) == text


def test_a_chosen_reading_round_trips_in_the_choices_table() -> None:
    clock = BLAGOVESHCHENSK.choose(**{"short-limits": "clock", "clarification": "pauses"})
    text = dump_regulation(clock)
    assert loads(text)["choices"] == {"short-limits": "clock", "clarification": "pauses"}
    loaded = load_regulation(text)
    assert loaded == clock
    assert loaded.effective.deadline["route"].basis is Basis.CLOCK


def test_the_other_city_round_trips() -> None:
    city = load_regulation_file(OTHER_CITY)
    assert load_regulation(dump_regulation(city)) == city


def test_defaults_are_left_out_and_the_working_time_is_always_written() -> None:
    data = loads(dump_regulation(BLAGOVESHCHENSK))
    order = ["id", "version", "effective_from", "platforms", "importance", "clauses", "deadlines"]
    assert [key for key in data if key in order] == order
    assert "effective_to" not in data
    assert "choices" not in data
    route = deadline(data, "route")
    assert set(route) == {
        "id",
        "citation",
        "title",
        "starts_on",
        "stops_on",
        "limit",
        "responsible",
        "warn_before",
    }
    assert route["citation"] == "п. 7"
    assert route["limit"] == "30m"
    assert data["working_time"] == {
        "timezone": "Asia/Yakutsk",
        "calendar": "russia",
        "hours": {"mon-fri": "09:00-13:00, 14:00-18:00"},
    }
    assert data["clauses"]["п. 9"].startswith("9. Подготовка и размещение ответа")


def test_a_typed_setting_value_is_written_as_toml_holds_it() -> None:
    reading = BLAGOVESHCHENSK.interpretations[2]
    six_hours = Setting("deadlines.answer.by_importance", {"high": Period.parse("6h")})
    changed = attrs.evolve(reading, settings={**reading.settings, "by-importance": (six_hours,)})
    interpretations = list(BLAGOVESHCHENSK.interpretations)
    interpretations[2] = changed
    regulation = attrs.evolve(BLAGOVESHCHENSK, interpretations=tuple(interpretations))
    loaded = load_regulation(dump_regulation(regulation))
    assert loaded.interpretations[2].settings["by-importance"][0].value == {"high": "6h"}
    assert loaded.effective == regulation.effective


def test_a_citation_quoting_another_text_cannot_be_built() -> None:
    route = BLAGOVESHCHENSK.deadlines[0]
    misquoted = attrs.evolve(route, citation=attrs.evolve(route.citation, text="30 минут"))
    with pytest.raises(InvalidRegulation, match=r"quotes other words than п\. 7") as caught:
        attrs.evolve(BLAGOVESHCHENSK, deadlines=(misquoted, *BLAGOVESHCHENSK.deadlines[1:]))
    assert caught.value.path == "deadlines[0].citation"


# -- every problem at once ------------------------------------------------------


def test_several_mistakes_are_reported_at_once_each_with_its_path() -> None:
    def mistakes(data: dict[str, Any]) -> None:
        deadline(data, "route")["stops_on"] = ["routed", "forwarded"]
        deadline(data, "answer")["limit"] = "9 hours"
        deadline(data, "approve")["citation"] = "п. 99"
        deadline(data, "final")["before"] = "final-draft"
        data["interpretations"][0]["default"] = "stops"

    found = problems_of(spoiled(mistakes))
    assert found == {
        "$.deadlines[0].stops_on[1]": "unknown event 'forwarded'",
        "$.deadlines[2].limit": "expected a period like '30m', '8h', '1h30m' or '7d', "
        "got '9 hours'",
        "$.deadlines[5].citation": "unknown clause 'п. 99'",
        "$.deadlines[4].before": "a cycle of 'before' through ['final', 'final-draft']",
        "$.deadlines[8].before": "a cycle of 'before' through ['final', 'final-draft']",
        "$.interpretations[0].default": "'stops' is not a choice",
    }


def test_the_error_names_the_source_and_counts_the_problems() -> None:
    data = spoiled(lambda d: deadline(d, "answer").update(limit="nine", responsible="mayor"))
    with pytest.raises(InvalidRegulation) as caught:
        load_regulation(dumps(data), source="ensk.toml")
    assert str(caught.value).startswith("regulation ensk.toml is invalid (1 problem):")
    assert caught.value.path == "$.deadlines[2].limit"


def test_the_checks_of_a_rule_that_could_not_be_read_are_skipped() -> None:
    # the answer's unknown role is not reported beside its unreadable limit, and the
    # draft counted back from it raises no false alarm
    data = spoiled(lambda d: deadline(d, "answer").update(limit=9, responsible="mayor"))
    assert list(problems_of(data)) == ["$.deadlines[2].limit"]


def test_a_syntax_error_is_one_problem_with_the_line_and_column() -> None:
    text = OTHER_CITY.read_text(encoding="utf-8").replace('limit = "9h"', 'limit = 9h"')
    line = text.splitlines().index('limit = 9h"') + 1
    found = problems_of(text)
    assert list(found) == ["$"]
    assert found["$"].startswith(f"city.toml, line {line}, column 10: not valid TOML")


def test_wrong_types_unknown_and_missing_keys() -> None:
    def mistakes(data: dict[str, Any]) -> None:
        data["title"] = 5
        del data["importance"]
        data["platform"] = ["vk"]
        route = deadline(data, "route")
        route["limits"] = route.pop("limit")
        route["starts_on"] = "detected"
        deadline(data, "publish")["basis"] = "sundial"
        data["escalations"][1]["threshold"] = "ten"

    found = problems_of(spoiled(mistakes))
    assert found["$.title"] == "expected a string, got 5 (int)"
    assert found["$.importance"] == "required, missing"
    assert found["$.platform"].startswith(
        "unknown key; did you mean 'platforms'?; expected one of: id, title, version"
    )
    assert found["$.deadlines[0].limits"].startswith(
        "unknown key; did you mean 'limit'?; expected one of: id,"
    )
    assert found["$.deadlines[0].limit"] == "required, missing"
    assert found["$.deadlines[0].starts_on"] == "expected an array, got 'detected' (str)"
    assert (
        found["$.deadlines[7].basis"] == "expected one of 'working', 'clock'; got 'sundial' (str)"
    )
    assert found["$.escalations[1].threshold"] == "expected an integer, got 'ten' (str)"
    # the 'high' category of the answer is not reported unknown: the categories were unreadable
    assert len(found) == 8


def test_a_section_of_the_wrong_shape() -> None:
    def mistakes(data: dict[str, Any]) -> None:
        data["permissions"] = {"command": "detect"}
        data["clauses"]["п. 3"] = 3
        data["interpretations"][1]["settings"]["civil-code"][0] = {"path": "x"}

    found = problems_of(spoiled(mistakes))
    assert found == {
        "$.permissions": "expected an array of tables, got {'command': 'detect'} (dict)",
        "$.clauses['п. 3']": "expected a string, got 3 (int)",
        "$.interpretations[1].settings.civil-code[0]": "expected {path = ..., value = ...}, "
        "got {'path': 'x'} (dict)",
    }


def test_an_unknown_stage_is_reported_not_raised() -> None:
    data = spoiled(lambda d: d["permissions"][2].update(leads_to=["routed", "limbo"]))
    found = problems_of(data)
    assert list(found) == ["$.permissions[2].leads_to[1]"]
    assert found["$.permissions[2].leads_to[1]"].startswith("unknown stage 'limbo'")


def test_a_reading_not_chosen_is_checked_too() -> None:
    def mistakes(data: dict[str, Any]) -> None:
        runs = data["interpretations"][0]["settings"]["runs"]
        runs[0]["path"] = "deadlines.answr.pause_on"
        data["interpretations"][2]["settings"]["untimed"][0]["value"] = ["detected", "posted"]

    found = problems_of(spoiled(mistakes))
    assert found == {
        "$.interpretations[0].settings.runs[0]": "with clarification = runs: "
        "deadlines.answr.pause_on: no deadline 'answr'; did you mean 'answer'?",
        "$.deadlines[0].starts_on[1]": "with re-routing = untimed: unknown event 'posted'; "
        "did you mean 'routed'? (with the interpretations in force applied)",
    }


def test_a_choice_that_is_not_a_reading() -> None:
    data = spoiled(lambda d: d.update(choices={"day-counting": "by-the-moon", "tides": "low"}))
    assert problems_of(data) == {
        "$.choices.day-counting": "'by-the-moon' is not one of ['civil-code', 'from-instant']",
        "$.choices.tides": "no such interpretation",
    }


def test_a_setting_of_the_reading_in_force_that_cannot_be_applied() -> None:
    def mistakes(data: dict[str, Any]) -> None:
        data["choices"] = {"clarification": "runs"}
        data["interpretations"][0]["settings"]["runs"][0]["value"] = "published"

    assert problems_of(spoiled(mistakes)) == {
        "$.interpretations[0].settings.runs[0]": "deadlines.answer.pause_on: "
        "expected an array, got 'published' (str)"
    }


def test_the_working_time_is_checked() -> None:
    def mistakes(data: dict[str, Any]) -> None:
        data["working_time"]["timezone"] = "Asia/Vladivostk"
        data["working_time"]["hours"] = {"mon-fri": "09:00-12:00, 13:00-25:00"}

    found = problems_of(spoiled(mistakes))
    assert found["$.working_time.timezone"] == (
        "unknown time zone 'Asia/Vladivostk'; did you mean 'Asia/Vladivostok'?"
    )
    hours = [path for path in found if path.startswith("$.working_time.hours")]
    assert hours == ["$.working_time.hours['mon-fri'][1]"]
    assert "25:00" in found[hours[0]]
    assert len(found) == 2


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "city.toml"
    path.write_bytes(OTHER_CITY.read_text(encoding="utf-8").encode("cp1251"))
    with pytest.raises(InvalidRegulation, match="not UTF-8 text"):
        load_regulation_file(path)


def test_the_loaded_regulation_is_a_regulation_with_texts_joined() -> None:
    city = load_regulation_file(OTHER_CITY)
    assert isinstance(city, Regulation)
    answer = city.effective.deadline["answer"]
    assert answer.citation.clause == "п. 8"
    assert answer.citation.text == city.clauses["п. 8"]
    assert "9 рабочих часов" in answer.citation.text


def test_a_working_time_set_by_a_reading_not_chosen_is_checked() -> None:
    data = loads(dump_regulation(BLAGOVESHCHENSK))
    short_friday = data["interpretations"][5]["settings"]["short-friday"][0]
    short_friday["value"] = {"mon-thu": "09:00-13:00, 14:00-18:00", "fri": "9-5"}
    data["working_time"]["calendar"] = "holidays:XX"
    # the presidential-days reading sets the working time too; here only working-hours is looked at
    data["interpretations"] = [i for i in data["interpretations"] if i["id"] != "presidential-days"]
    found = problems_of(data)
    where = "$.interpretations[5].settings.short-friday[0].hours['fri'][0]"
    assert set(found) == {"$.working_time.calendar", where}
    assert "'XX'" in found["$.working_time.calendar"]
    assert found[where].startswith("with working-hours = short-friday: expected 'HH:MM-HH:MM'")


def test_a_missing_clauses_table_is_one_problem_not_one_per_citation() -> None:
    assert problems_of(spoiled(lambda d: d.pop("clauses"))) == {"$.clauses": "required, missing"}


def test_the_closing_reasons_are_read_and_checked_with_their_paths() -> None:
    def mistakes(data: dict[str, Any]) -> None:
        reasons = data["closing"]["reasons"]
        reasons[1]["id"] = reasons[0]["id"]
        reasons[0]["title"] = " "
        reasons[0]["citation"] = "п. 99"

    found = problems_of(spoiled(mistakes))
    assert found == {
        "$.closing.reasons[1].id": "'deleted' is used twice",
        "$.closing.reasons[0].title": "say what the reason is, in words an official reads",
        "$.closing.reasons[0].citation": "unknown clause 'п. 99'",
    }


def test_p03_a_platform_that_is_not_an_id_is_reported_with_its_path() -> None:
    found = problems_of(spoiled(lambda d: d["platforms"].append("Дзен")))
    assert list(found) == [f"$.platforms[{len(other_city()['platforms'])}]"]
    assert "lowercase Latin letters" in next(iter(found.values()))


def test_p03_a_platform_declared_twice_is_reported_with_its_path() -> None:
    found = problems_of(spoiled(lambda d: d["platforms"].append("vk")))
    assert list(found) == [f"$.platforms[{len(other_city()['platforms'])}]"]
    assert "declared twice" in next(iter(found.values()))
