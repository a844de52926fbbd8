"""regflow's Russian calendar against the official production calendars 2020-2027.

The expected facts are in ``official_ru.py``, reviewed by hand, each year with
the government decree on moving days off and the official calendar it was read from.
"""

import datetime as dt

import pytest

from regflow.calendar import (
    PRESIDENTIAL_NON_WORKING_DAYS,
    DayKind,
    OfficeHours,
    ProductionCalendar,
    Reason,
    WorkingTime,
    russia,
)
from tests.calendar import official_ru

YEARS = sorted(official_ru.NORMS)


def assert_day(cal: ProductionCalendar, day: dt.date, kind: DayKind, reason: Reason | None) -> None:
    entry = cal.day(day)
    assert entry.kind is kind, f"{day} ({day:%a}) is {entry.kind}, expected {kind}"
    if reason is not None:
        reasons = {note.reason for note in entry.notes}
        assert reason in reasons, f"{day}: reasons {reasons}, expected {reason}"
        assert all(note.source for note in entry.notes), f"{day}: a note without a source"


@pytest.mark.parametrize("year", YEARS)
def test_working_days_and_hours_per_year(ru_official: ProductionCalendar, year: int) -> None:
    days, hours = official_ru.NORMS[year]
    assert ru_official.working_days(year) == days
    assert ru_official.norm_hours(year) == hours
    standard = WorkingTime(ru_official, OfficeHours.standard(), "Asia/Yakutsk")
    assert standard.norm_hours(year) == hours


@pytest.mark.parametrize("year", YEARS)
def test_working_weekends(ru_official: ProductionCalendar, year: int) -> None:
    for day in official_ru.WORKING_WEEKENDS[year]:
        kind = DayKind.SHORTENED if day in official_ru.SHORTENED[year] else DayKind.WORKING
        assert_day(ru_official, day, kind, Reason.WORKING_WEEKEND)
    made_working = {
        d.date for d in ru_official.changes(year) if d.is_working and d.date.weekday() >= 5
    }
    assert made_working == set(official_ru.WORKING_WEEKENDS[year])


@pytest.mark.parametrize("year", YEARS)
def test_moved_and_observed_days_off(ru_official: ProductionCalendar, year: int) -> None:
    for day in official_ru.MOVED_DAYS_OFF[year]:
        assert_day(ru_official, day, DayKind.NON_WORKING, Reason.MOVED_DAY_OFF)
    for day in official_ru.OBSERVED_DAYS_OFF[year]:
        assert_day(ru_official, day, DayKind.NON_WORKING, Reason.OBSERVED)


@pytest.mark.parametrize("year", YEARS)
def test_shortened_days(ru_official: ProductionCalendar, year: int) -> None:
    shortened = {d.date for d in ru_official.changes(year) if d.kind is DayKind.SHORTENED}
    assert shortened == set(official_ru.SHORTENED[year])
    for day in official_ru.SHORTENED[year]:
        assert_day(ru_official, day, DayKind.SHORTENED, Reason.PRE_HOLIDAY)
    for day in official_ru.NOT_SHORTENED[year]:
        assert_day(ru_official, day, DayKind.WORKING, None)


def test_2025_weekend_holidays_moved_by_decree_leave_the_next_monday_working(
    ru: ProductionCalendar,
) -> None:
    # 23 Feb and 8 Mar 2025 fell on a weekend; decree No. 1335 sent their days off to
    # 8 May and 13 June, so the Mondays after them were ordinary working days.
    assert ru.day_kind(dt.date(2025, 2, 24)) is DayKind.WORKING
    assert ru.day_kind(dt.date(2025, 3, 10)) is DayKind.WORKING
    assert "1335" in ru.day(dt.date(2025, 5, 8)).notes[0].source


def test_presidential_days_are_non_working_and_not_holidays(ru: ProductionCalendar) -> None:
    for first, last, act in official_ru.PRESIDENTIAL_NON_WORKING:
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            entry = ru.day(day)
            assert entry.kind is DayKind.NON_WORKING, day
            reasons = {n.reason for n in entry.notes}
            if reasons == {Reason.DECREED_NON_WORKING}:
                assert act in entry.notes[0].source
    assert ru.working_days(2020) == 219
    assert ru.working_days(2021) == 240
    # the day before a decreed day is not shortened: it is not a holiday (Rostrud)
    assert ru.day_kind(dt.date(2020, 6, 23)) is DayKind.WORKING


def test_presidential_days_table_matches_the_reviewed_one() -> None:
    ours = [(span.first, span.last) for span in PRESIDENTIAL_NON_WORKING_DAYS]
    theirs = [(first, last) for first, last, _act in official_ru.PRESIDENTIAL_NON_WORKING]
    assert ours == theirs
    for span, (_first, _last, act) in zip(
        PRESIDENTIAL_NON_WORKING_DAYS, official_ru.PRESIDENTIAL_NON_WORKING, strict=True
    ):
        assert span.source.startswith(act)


def test_presidential_days_can_be_switched_off() -> None:
    without = russia(presidential_non_working_days=False)
    assert without.day_kind(dt.date(2020, 4, 15)) is DayKind.WORKING
    assert without.day_kind(dt.date(2020, 4, 30)) is DayKind.SHORTENED


def test_every_changed_date_says_why(ru: ProductionCalendar) -> None:
    for day in ru.changes():
        assert day.notes, day
        for note in day.notes:
            assert note.name
            assert note.source
