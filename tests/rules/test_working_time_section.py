"""The [working_time] section of a regulation file: per-date entries with their acts, regional
calendars of Russia's subjects, workalendar calendars; and a city author's errors all at once,
with "did you mean"."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import pytest

from regflow._toml import dumps
from regflow.calendar import DayKind, Reason
from regflow.calendar.regional import REGIONS, regional
from regflow.errors import InvalidCalendar, InvalidRegulation, MissingExtra
from regflow.rules import load_regulation
from tests.rules.test_toml import other_city, problems_of


def city(**working_time: Any) -> dict[str, Any]:
    data = other_city()
    data["working_time"].update(working_time)
    return data


def load(data: dict[str, Any]) -> Any:
    return load_regulation(dumps(data), source="city.toml")


def intervals(regulation: Any, day: dt.date) -> list[tuple[str, str]]:
    wt = regulation.effective.calendar
    return [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in wt.working_intervals(day)]


DATES = [
    {"date": dt.date(2024, 5, 13), "kind": "non-working", "name": "День города",
     "source": "Постановление главы города от 01.04.2024 № 5"},
    {"date": dt.date(2024, 5, 18), "kind": "working", "name": "Дежурная суббота",
     "source": "Распоряжение от 10.05.2024 № 7", "hours": "10:00-14:00"},
    {"date": dt.date(2024, 5, 14), "kind": "working", "name": "Выездной приём",
     "source": "Распоряжение от 10.05.2024 № 8", "hours": "09:00-12:00"},
]  # fmt: skip


def test_dates_make_a_day_off_a_working_day_and_other_hours_each_with_its_act() -> None:
    regulation = load(city(last_year=2024, dates=DATES))
    assert intervals(regulation, dt.date(2024, 5, 13)) == []  # a Monday made a day off
    assert intervals(regulation, dt.date(2024, 5, 18)) == [("10:00", "14:00")]  # a Saturday
    assert intervals(regulation, dt.date(2024, 5, 14)) == [("09:00", "12:00")]
    assert intervals(regulation, dt.date(2024, 5, 15)) == [("09:00", "12:00"), ("13:00", "18:00")]
    day = regulation.effective.calendar.calendar.day(dt.date(2024, 5, 13))
    assert day.notes[-1].reason is Reason.OVERRIDE
    assert day.notes[-1].source == "Постановление главы города от 01.04.2024 № 5"


def test_a_date_entry_must_cite_its_act_and_a_day_off_has_no_hours() -> None:
    dates = [
        {**DATES[0], "source": " "},
        {**DATES[0], "date": dt.date(2024, 5, 20), "hours": "09:00-12:00"},
        {**DATES[1], "date": dt.date(2024, 5, 13)},
        {**DATES[2], "hours": "12:00-09:00"},
    ]
    found = problems_of(city(last_year=2024, dates=dates))
    assert found["$.working_time.dates[0].source"] == "cite the act that changes this date"
    assert found["$.working_time.dates[1].hours"] == "a non-working day cannot have hours"
    assert found["$.working_time.dates[2].date"] == "2024-05-13 is given twice (also dates[0])"
    assert "$.working_time.dates[3].hours" in found
    assert len(found) == 4


def test_tatarstan_uraza_bayram_2024_is_a_day_off_and_the_eve_is_shortened() -> None:
    regulation = load(city(calendar="russia:RU-TA", last_year=2024))
    assert intervals(regulation, dt.date(2024, 4, 10)) == []  # Wednesday, Ураза-байрам
    assert intervals(regulation, dt.date(2024, 4, 9)) == [("09:00", "12:00"), ("13:00", "17:00")]
    day = regulation.effective.calendar.calendar.day(dt.date(2024, 4, 10))
    assert day.notes[-1].name == "Ураза-байрам"
    assert "Указ Раиса" in day.notes[-1].source
    assert intervals(regulation, dt.date(2024, 4, 11)) == [("09:00", "12:00"), ("13:00", "18:00")]


def test_the_federal_calendar_alone_does_not_have_the_regional_day() -> None:
    regulation = load(city(last_year=2024))
    assert intervals(regulation, dt.date(2024, 4, 10)) == [("09:00", "12:00"), ("13:00", "18:00")]


@pytest.mark.parametrize(
    ("region", "day"),
    [
        ("RU-CR", dt.date(2025, 3, 18)),
        ("RU-SEV", dt.date(2025, 3, 18)),
        ("RU-BA", dt.date(2023, 10, 11)),
        ("RU-TA", dt.date(2024, 8, 30)),
        ("RU-TA", dt.date(2024, 11, 6)),
        ("RU-TA", dt.date(2026, 3, 20)),
    ],
)
def test_each_region_s_cited_day_is_non_working(region: str, day: dt.date) -> None:
    calendar = regional(region, day.year, day.year)
    assert calendar.day_kind(day) is DayKind.NON_WORKING
    assert all(entry.source.strip() for entry in REGIONS[region])


def test_a_year_without_regional_data_is_an_error_unless_extended() -> None:
    with pytest.raises(InvalidCalendar, match=r"RU-TA has cited data for .* not for 2025"):
        regional("RU-TA", 2025, 2025)
    found = problems_of(city(calendar="russia:RU-TA", first_year=2025, last_year=2025))
    assert "not for 2025" in found["$.working_time.calendar"]
    assert regional("RU-TA", 2025, 2025, extend=True).name == (
        "Russia + RU-TA (no regional data for 2025: federal days only)"
    )
    extended = load(city(calendar="russia:RU-TA", first_year=2025, last_year=2025, extend=True))
    assert intervals(extended, dt.date(2025, 3, 31)) == [("09:00", "12:00"), ("13:00", "18:00")]


def test_crimea_2023_is_not_guessed() -> None:
    # 18 March 2023 was a Saturday: whether it moved to Monday is not in the cited acts
    with pytest.raises(InvalidCalendar, match="not for 2023"):
        regional("RU-CR", 2023, 2023)


def test_a_workalendar_calendar_by_name() -> None:
    regulation = load(city(calendar="workalendar:europe.Zurich", first_year=2025, last_year=2025))
    assert intervals(regulation, dt.date(2025, 4, 21)) == []  # Easter Monday
    assert intervals(regulation, dt.date(2025, 4, 22)) == [("09:00", "12:00"), ("13:00", "18:00")]
    found = problems_of(city(calendar="workalendar:europe.Zurch", first_year=2025, last_year=2025))
    assert "workalendar has no calendar 'europe.Zurch'" in found["$.working_time.calendar"]


def test_a_workalendar_calendar_without_the_extra_is_a_missing_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from regflow.rules.regulation import _workalendar

    monkeypatch.setitem(sys.modules, "workalendar", None)
    with pytest.raises(MissingExtra, match=r"pip install 'regflow\[workalendar\]'"):
        _workalendar("workalendar:europe.Zurich")
    found = problems_of(city(calendar="workalendar:europe.Zurich", last_year=2025))
    assert "needs the workalendar extra" in found["$.working_time.calendar"]


def test_every_problem_at_once_with_did_you_mean() -> None:
    data = city(timezone="Asia/Vladivostock", calendar="russia:RU-TAT", dates=DATES)
    data["working_time"]["dates"][2]["kind"] = "workin"
    data["deadlines"][0]["before"] = "answr"
    data["deadlines"][1]["limt"] = "1h"
    found = problems_of(data)
    assert found == {
        "$.working_time.dates[2].kind": (
            "expected one of 'working', 'shortened', 'non-working'; got 'workin' (str)"
        ),
        "$.deadlines[0].before": "no deadline 'answr'; did you mean 'answer'?",
        "$.deadlines[1].limt": found["$.deadlines[1].limt"],
        "$.working_time.timezone": (
            "unknown time zone 'Asia/Vladivostock'; did you mean 'Asia/Vladivostok'?"
        ),
        "$.working_time.calendar": "no regional calendar 'RU-TAT'; did you mean 'RU-TA'?",
    }
    assert found["$.deadlines[1].limt"].startswith("unknown key; did you mean 'limit'?")


def test_a_negative_period_and_threshold_are_said_as_such() -> None:
    data = other_city()
    data["deadlines"][0]["limit"] = "-60m"
    found = problems_of(data)
    assert found["$.deadlines[0].limit"] == "a period cannot be negative: '-60m'"
    data = other_city()
    data["escalations"][0]["threshold"] = -3
    found = problems_of(data)
    assert found["$.escalations[0].threshold"] == "must be at least 1, got -3 (negative)"


def test_unknown_role_and_event_get_a_suggestion() -> None:
    data = other_city()
    data["deadlines"][0]["responsible"] = "curatr"
    data["deadlines"][0]["stops_on"] = ["routd"]
    found = problems_of(data)
    assert found["$.deadlines[0].responsible"] == "unknown role 'curatr'; did you mean 'curator'?"
    assert found["$.deadlines[0].stops_on[0]"] == "unknown event 'routd'; did you mean 'routed'?"


def test_the_loaded_file_raises_one_typed_error() -> None:
    with pytest.raises(InvalidRegulation):
        load(city(calendar="russia:XX"))


def test_each_problem_names_its_line_and_its_entry_by_id() -> None:
    from tests.rules.test_toml import OTHER_CITY

    text = OTHER_CITY.read_text(encoding="utf-8")
    bad = text.replace('limit = "9h"', 'limit = "-9h"').replace(
        'timezone = "Asia/Vladivostok"', 'timezone = "Asia/Vladivostock"'
    )
    with pytest.raises(InvalidRegulation) as caught:
        load_regulation(bad, source="ensk.toml")
    found = {p.path: p for p in caught.value.problems}
    lines = bad.splitlines()
    limit = found["$.deadlines[2].limit"]
    assert limit.by_id == "$.deadlines[answer].limit"
    assert lines[limit.line - 1] == 'limit = "-9h"'
    zone = found["$.working_time.timezone"]
    assert lines[zone.line - 1] == 'timezone = "Asia/Vladivostock"'
    assert str(limit).startswith(
        f"$.deadlines[2].limit ($.deadlines[answer].limit, line {limit.line}): a period"
    )
