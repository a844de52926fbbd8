"""Calendars from the holidays and workalendar packages, and what they lack."""

import datetime as dt
import sys

import pytest

from regflow.calendar import (
    DayKind,
    ProductionCalendar,
    Reason,
    from_holidays,
    from_workalendar,
)
from regflow.errors import InvalidCalendar, MissingExtra, OutOfCalendarRange


def test_holidays_russia_has_the_days_off_and_working_saturdays_but_no_shortened_days(
    ru_official: ProductionCalendar,
) -> None:
    plain = from_holidays("RU", 2022, 2027)
    for year in range(2022, 2028):
        assert plain.working_days(year) == ru_official.working_days(year)
        assert plain.shortened_days(year) == 0
    assert plain.day_kind(dt.date(2025, 11, 1)) is DayKind.WORKING
    assert plain.day(dt.date(2025, 11, 1)).notes[0].reason is Reason.WORKING_WEEKEND
    assert plain.day_kind(dt.date(2025, 11, 3)) is DayKind.NON_WORKING


def test_holidays_subdivision_and_unknown_names() -> None:
    bavaria = from_holidays("DE", 2025, 2025, subdiv="BY")
    assert bavaria.day_kind(dt.date(2025, 1, 6)) is DayKind.NON_WORKING
    assert from_holidays("DE", 2025, 2025).day_kind(dt.date(2025, 1, 6)) is DayKind.WORKING
    with pytest.raises(InvalidCalendar) as caught:
        from_holidays("XX", 2025, 2025)
    assert caught.value.path == "country"
    with pytest.raises(InvalidCalendar) as caught:
        from_holidays("DE", 2025, 2025, subdiv="ZZ")
    assert caught.value.path == "subdiv"


def test_a_friday_saturday_weekend_comes_from_the_data() -> None:
    israel = from_holidays("IL", 2025, 2025)
    assert israel.weekend == frozenset({4, 5})
    assert israel.day_kind(dt.date(2025, 11, 30)) is DayKind.WORKING  # a Sunday


def test_workalendar_calendars_convert() -> None:
    japan = from_workalendar(pytest.importorskip("workalendar.asia").Japan(), 2025, 2025)
    assert japan.day_kind(dt.date(2025, 11, 3)) is DayKind.NON_WORKING  # Culture Day
    assert japan.day(dt.date(2025, 11, 3)).notes[0].reason is Reason.PUBLIC_HOLIDAY
    with pytest.raises(OutOfCalendarRange):
        japan.day_kind(dt.date(2026, 1, 5))


def test_workalendars_russia_is_wrong_where_the_docs_say(ru_official: ProductionCalendar) -> None:
    # Kept as a test so that the docs' warning stays true: if workalendar is fixed, this fails
    # and the docs need updating.
    russia = pytest.importorskip("workalendar.europe").Russia
    theirs = from_workalendar(russia(), 2025, 2025)
    assert theirs.day_kind(dt.date(2025, 11, 3)) is DayKind.WORKING
    assert theirs.day_kind(dt.date(2025, 11, 1)) is DayKind.NON_WORKING
    assert ru_official.day_kind(dt.date(2025, 11, 3)) is DayKind.NON_WORKING
    assert ru_official.day_kind(dt.date(2025, 11, 1)) is DayKind.SHORTENED
    wrong = [
        day.date
        for day in ru_official.year_days(2025)
        if day.is_working != theirs.day(day.date).is_working
    ]
    assert len(wrong) >= 2


class _AnyWorkalendar:
    """Quacks like a workalendar calendar, so the test needs no workalendar."""

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5

    def get_weekend_days(self) -> tuple[int, ...]:
        return (5, 6)

    def get_holiday_label(self, day: dt.date) -> str | None:
        return None


def test_without_the_workalendar_extra_from_workalendar_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "workalendar", None)  # as if it were not installed
    with pytest.raises(MissingExtra, match=r"pip install 'regflow\[workalendar\]'") as caught:
        from_workalendar(_AnyWorkalendar(), 2025, 2025)
    assert caught.value.extra == "workalendar"
    assert isinstance(caught.value, ImportError)
