"""The conventions of working-time arithmetic, one test each."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from regflow.calendar import (
    Clock,
    DayCounting,
    DayKind,
    OfficeHours,
    Override,
    ProductionCalendar,
    Working,
    WorkingDays,
    WorkingTime,
    from_holidays,
    russia,
)
from regflow.errors import (
    InvalidCalendar,
    InvalidOfficeHours,
    NaiveDatetime,
    OutOfCalendarRange,
    RegflowError,
)
from tests.calendar.conftest import at

MONDAY = "2025-11-24"


def test_add_stops_as_soon_as_the_time_is_consumed(wt: WorkingTime) -> None:
    assert wt.add(at(f"{MONDAY} 09:00"), Working(hours=4)) == at(f"{MONDAY} 13:00")
    assert wt.add(at(f"{MONDAY} 09:00"), Working(hours=8)) == at(f"{MONDAY} 18:00")
    assert wt.add(at(f"{MONDAY} 12:30"), Working(hours=1)) == at(f"{MONDAY} 14:30")


def test_subtract_walks_back_to_a_working_instant(wt: WorkingTime) -> None:
    assert wt.subtract(at(f"{MONDAY} 18:00"), Working(hours=4)) == at(f"{MONDAY} 14:00")
    assert wt.subtract(at(f"{MONDAY} 14:30"), Working(hours=1)) == at(f"{MONDAY} 12:30")
    assert wt.subtract(at("2025-11-25 09:30"), Working(hours=1)) == at(f"{MONDAY} 17:30")


def test_a_start_outside_working_time_counts_from_the_next_working_instant(
    wt: WorkingTime,
) -> None:
    assert wt.add(at(f"{MONDAY} 20:00"), Working(minutes=30)) == at("2025-11-25 09:30")
    assert wt.add(at(f"{MONDAY} 13:20"), Working(minutes=30)) == at(f"{MONDAY} 14:30")
    assert wt.add(at("2025-11-22 11:00"), Working(minutes=30)) == at(f"{MONDAY} 09:30")
    # п. 7 ambiguity 1: a message detected at 17:50 is routed by 9:20 of the next working day
    assert wt.add(at(f"{MONDAY} 17:50"), Working(minutes=30)) == at("2025-11-25 09:20")


def test_zero_duration_gives_the_next_working_instant(wt: WorkingTime) -> None:
    assert wt.add(at(f"{MONDAY} 18:00"), Working()) == at("2025-11-25 09:00")
    assert wt.add(at(f"{MONDAY} 10:00"), Working()) == at(f"{MONDAY} 10:00")
    assert wt.next_working_instant(at(f"{MONDAY} 13:00")) == at(f"{MONDAY} 14:00")
    assert wt.next_working_instant(at("2025-12-30 18:00")) == at("2026-01-12 09:00")


def test_is_working_is_half_open(wt: WorkingTime) -> None:
    assert wt.is_working(at(f"{MONDAY} 09:00"))
    assert wt.is_working(at(f"{MONDAY} 12:59"))
    assert not wt.is_working(at(f"{MONDAY} 13:00"))
    assert not wt.is_working(at(f"{MONDAY} 18:00"))
    assert wt.is_working(at("2025-11-01 16:59"))  # working Saturday, shortened
    assert not wt.is_working(at("2025-11-01 17:00"))


def test_between_counts_only_working_time(wt: WorkingTime) -> None:
    assert wt.between(at(f"{MONDAY} 12:00"), at(f"{MONDAY} 15:00")) == dt.timedelta(hours=2)
    assert wt.between(at("2025-10-31 17:00"), at("2025-11-05 10:00")) == dt.timedelta(hours=9)
    assert wt.between(at(f"{MONDAY} 15:00"), at(f"{MONDAY} 12:00")) == -dt.timedelta(hours=2)
    year = wt.between(at("2025-01-01 00:00"), at("2026-01-01 00:00"))
    assert year == dt.timedelta(hours=1972)


def test_working_days_end_at_the_close_of_the_nth_working_day(wt: WorkingTime) -> None:
    # Civil Code art. 191: counting starts the next day, whatever the hour of the start
    assert wt.add(at(f"{MONDAY} 08:00"), WorkingDays(1)) == at("2025-11-25 18:00")
    assert wt.add(at(f"{MONDAY} 23:00"), WorkingDays(1)) == at("2025-11-25 18:00")
    assert wt.add(at("2025-11-28 17:00"), WorkingDays(7)) == at("2025-12-09 18:00")
    # the 7th day is a shortened day: it closes at 17:00
    assert wt.add(at("2025-04-21 10:00"), WorkingDays(7)) == at("2025-04-30 17:00")
    # a start on a day off: the first day counted is the next working day
    assert wt.add(at("2025-11-02 10:00"), WorkingDays(1)) == at("2025-11-05 18:00")


def test_subtract_working_days_gives_the_close_of_an_earlier_day(wt: WorkingTime) -> None:
    final = wt.add(at("2025-12-30 10:00"), WorkingDays(7))
    assert final == at("2026-01-20 18:00")
    assert wt.subtract(final, WorkingDays(1)) == at("2026-01-19 18:00")
    assert wt.subtract(at("2026-01-12 11:00"), WorkingDays(1)) == at("2025-12-30 18:00")


def test_working_days_from_the_instant_is_the_alternative_reading(wt: WorkingTime) -> None:
    days = WorkingDays(7, DayCounting.FROM_INSTANT)
    assert wt.add(at(f"{MONDAY} 11:00"), days) == wt.add(at(f"{MONDAY} 11:00"), Working(hours=56))
    assert wt.subtract(at("2025-12-03 11:00"), WorkingDays(1, DayCounting.FROM_INSTANT)) == at(
        "2025-12-02 11:00"
    )


def test_clock_time_runs_through_nights_and_holidays(wt: WorkingTime) -> None:
    assert wt.add(at("2025-12-31 23:00"), Clock(hours=2)) == at("2026-01-01 01:00")
    assert wt.subtract(at("2026-01-01 01:00"), Clock(hours=2)) == at("2025-12-31 23:00")


def test_the_cost_of_a_result_is_independent_of_its_length(wt: WorkingTime) -> None:
    start = at("2025-01-13 09:00")
    # the rest of 2025 is 1972 - 16 h (9-10 Jan were worked); 16 h more are 12-13 Jan 2026
    assert wt.add(start, Working(hours=1972)) == at("2026-01-13 18:00")
    assert wt.between(start, wt.add(start, Working(hours=800))) == dt.timedelta(hours=800)


class _OtherDateTime(dt.datetime):
    """A datetime subclass of another library."""


def test_any_aware_datetime_in_and_the_working_zone_out(wt: WorkingTime) -> None:
    utc = dt.datetime(2025, 10, 31, 8, 45, tzinfo=dt.UTC)
    result = wt.add(utc, Working(hours=8))
    assert result == at("2025-11-05 09:45")
    assert result.utcoffset() == dt.timedelta(hours=9)
    assert type(result) is dt.datetime
    subclassed = _OtherDateTime(2025, 10, 31, 17, 45, tzinfo=ZoneInfo("Asia/Yakutsk"))
    from_subclass = wt.add(subclassed, Working())  # as pendulum's or arrow's datetimes are
    assert from_subclass == at("2025-10-31 17:45")
    assert type(from_subclass) is dt.datetime
    moscow = dt.datetime(2025, 10, 31, 11, 45, tzinfo=ZoneInfo("Europe/Moscow"))
    assert wt.add(moscow, Working(hours=8)) == result


def test_microseconds_survive_the_round_trip(wt: WorkingTime) -> None:
    start = at(f"{MONDAY} 10:00").replace(microsecond=123_456)
    assert wt.add(start, Working(hours=1)) == at(f"{MONDAY} 11:00").replace(microsecond=123_456)


def test_a_naive_datetime_is_refused_with_the_argument_named(wt: WorkingTime) -> None:
    with pytest.raises(NaiveDatetime, match="start=2025-11-24T10:00:00 has no time zone"):
        wt.add(dt.datetime(2025, 11, 24, 10), Working(hours=1))
    with pytest.raises(TypeError):  # also a TypeError, for callers who catch builtins
        wt.between(at(f"{MONDAY} 10:00"), dt.datetime(2025, 11, 24, 10))


def test_years_outside_the_data_are_an_explicit_error(wt: WorkingTime) -> None:
    with pytest.raises(OutOfCalendarRange) as caught:
        wt.add(at("2019-06-03 10:00"), Working(hours=1))
    assert caught.value.day == dt.date(2019, 6, 3)
    assert isinstance(caught.value, RegflowError)
    with pytest.raises(OutOfCalendarRange):
        wt.add(at("2027-12-30 10:00"), Working(hours=40))
    with pytest.raises(OutOfCalendarRange):
        russia().day_kind(dt.date(2030, 1, 1))


def test_an_extended_calendar_follows_the_weekly_pattern_beyond_its_data() -> None:
    cal = russia(2025, 2026, extend=True)
    assert cal.day_kind(dt.date(2030, 1, 1)) is DayKind.WORKING  # a guess, asked for
    wt = WorkingTime(cal, OfficeHours.standard(), "Asia/Yakutsk")
    assert wt.add(at("2026-12-30 17:00"), Working(hours=2)) == at("2027-01-01 10:00")
    assert wt.add(at("2030-03-04 10:00"), Working(hours=1)) == at("2030-03-04 11:00")
    assert wt.subtract(at("2025-01-09 10:00"), Working(hours=2)) == at("2024-12-31 17:00")


def test_a_range_beyond_the_holidays_data_is_refused() -> None:
    with pytest.raises(InvalidCalendar, match="no transfer decree") as caught:
        russia(2025, 2099)
    assert caught.value.path == "last_year"


def test_a_regional_override_changes_one_date_and_cites_its_act() -> None:
    extra = Override(
        dt.date(2025, 12, 30),
        DayKind.NON_WORKING,
        name="Дополнительный выходной день",
        source="Указ губернатора Амурской области (пример)",
    )
    cal = russia(overrides=[extra])
    assert cal.day_kind(dt.date(2025, 12, 30)) is DayKind.NON_WORKING
    assert cal.day(dt.date(2025, 12, 30)).notes[-1].source.startswith("Указ губернатора")
    assert russia().day_kind(dt.date(2025, 12, 30)) is DayKind.WORKING
    wt = WorkingTime(cal, OfficeHours.standard(), "Asia/Yakutsk")
    assert wt.add(at("2025-12-29 17:00"), Working(hours=2)) == at("2026-01-12 10:00")


def test_an_override_can_fix_a_dates_hours() -> None:
    short = Override(
        dt.date(2025, 12, 30),
        DayKind.WORKING,
        name="Рабочий день до 16:00",
        source="Распоряжение администрации (пример)",
        hours=((dt.time(9), dt.time(13)), (dt.time(14), dt.time(16))),
    )
    wt = WorkingTime(russia(overrides=[short]), OfficeHours.standard(), "Asia/Yakutsk")
    assert wt.add(at("2025-12-30 15:00"), Working(hours=2)) == at("2026-01-12 10:00")


def test_an_override_needs_a_source() -> None:
    with pytest.raises(InvalidCalendar, match="must cite its source") as caught:
        Override(dt.date(2025, 12, 30), DayKind.NON_WORKING, name="x", source=" ")
    assert caught.value.path == "override[2025-12-30]"


def test_office_hours_exceptions_make_a_duty_day_and_an_extra_day_off() -> None:
    hours = (
        OfficeHours.standard()
        .with_exception(dt.date(2025, 11, 29), "10:00-14:00")  # a Saturday duty
        .with_exception(dt.date(2025, 12, 1), "")  # a Monday off
    )
    wt = WorkingTime(russia(), hours, "Asia/Yakutsk")
    assert wt.add(at("2025-11-28 17:00"), Working(hours=2)) == at("2025-11-29 11:00")
    assert wt.add(at("2025-11-29 13:00"), Working(hours=2)) == at("2025-12-02 10:00")


def test_the_shortening_is_configurable() -> None:
    hours = OfficeHours.of({"mon-fri": "09:00-13:00, 14:00-18:00"}, shortening=dt.timedelta(0))
    wt = WorkingTime(russia(), hours, "Asia/Yakutsk")
    assert wt.norm_hours(2025) == 247 * 8
    assert wt.add(at("2025-03-07 17:00"), Working(minutes=30)) == at("2025-03-07 17:30")


def test_office_hours_with_a_short_friday_and_another_zone() -> None:
    hours = OfficeHours.of(
        {"mon-thu": "08:30-12:30, 13:18-17:30", "fri": "08:30-12:30, 13:18-16:15"}
    )
    wt = WorkingTime(russia(), hours, "Asia/Yekaterinburg")
    friday = dt.datetime(2025, 11, 28, 16, 0, tzinfo=ZoneInfo("Asia/Yekaterinburg"))
    assert wt.add(friday, Working(minutes=30)) == friday.replace(day=1, month=12, hour=8, minute=45)
    assert hours.day_length == dt.timedelta(hours=8, minutes=12)


@pytest.mark.parametrize(
    ("days", "path", "message"),
    [
        ({"mon-fri": "09:00-13:00 14:00-18:00"}, "days['mon-fri'][0]", "expected 'HH:MM-HH:MM'"),
        ({"mon-fri": "09:00-13:00, 12:00-18:00"}, "days['mon-fri'][1]", "must not overlap"),
        ({"mon-fri": "18:00-09:00"}, "days['mon-fri'][0]", "end after it starts"),
        ({"mon-frx": "09:00-18:00"}, "days['mon-frx']", "unknown weekday"),
        ({"mon-fri": "09:00-18:00", "fri": "09:00-17:00"}, "days['fri']", "given twice"),
    ],
)
def test_bad_office_hours_say_what_and_where(days: dict[str, str], path: str, message: str) -> None:
    with pytest.raises(InvalidOfficeHours, match=message) as caught:
        OfficeHours.of(days)
    assert caught.value.path == path


def test_a_calendar_with_no_working_time_is_refused() -> None:
    with pytest.raises(InvalidOfficeHours, match="no working time"):
        WorkingTime(russia(2025, 2025), OfficeHours.of({}), "Asia/Yakutsk")


def test_a_clock_change_day_is_counted_in_real_elapsed_time() -> None:
    # Europe/Berlin leaves summer time on 26 Oct 2025 (a Sunday); a 24-hour office
    # on that date has 25 hours. (Russia has no clock changes since 2014.)
    cal = ProductionCalendar.build("every day", 2025, 2025, [], weekend=())
    wt = WorkingTime(cal, OfficeHours.of({"mon-sun": "00:00-24:00"}), "Europe/Berlin")
    berlin = ZoneInfo("Europe/Berlin")
    day_start = dt.datetime(2025, 10, 26, 0, 0, tzinfo=berlin)
    day_end = dt.datetime(2025, 10, 27, 0, 0, tzinfo=berlin)
    assert wt.between(day_start, day_end) == dt.timedelta(hours=25)


def test_another_countrys_calendar_works_the_same_way() -> None:
    wt = WorkingTime(
        from_holidays("DE", 2025, 2025, subdiv="BY"),
        OfficeHours.of({"mon-fri": "08:00-12:00, 13:00-17:00"}),
        "Europe/Berlin",
    )
    berlin = ZoneInfo("Europe/Berlin")
    before_epiphany = dt.datetime(2025, 1, 3, 16, 0, tzinfo=berlin)  # Fri; Mon 6 Jan is a holiday
    assert wt.add(before_epiphany, Working(hours=2)) == dt.datetime(2025, 1, 7, 9, 0, tzinfo=berlin)


def test_working_intervals_of_a_date(wt: WorkingTime) -> None:
    assert wt.working_intervals(dt.date(2025, 11, 1)) == [
        (at("2025-11-01 09:00"), at("2025-11-01 13:00")),
        (at("2025-11-01 14:00"), at("2025-11-01 17:00")),
    ]
    assert wt.working_intervals(dt.date(2025, 11, 3)) == []


def test_calendar_days_end_at_midnight_of_the_last_day_civil_code_art_191_194() -> None:
    from regflow.calendar import CalendarDays, OfficeHours, WorkingTime, russia
    from regflow.rules import Basis, Period

    wt = WorkingTime(russia(2025, 2025), OfficeHours.standard(), "Asia/Yakutsk")
    start = dt.datetime(2025, 11, 10, 15, 0, tzinfo=wt.zone)  # a Monday
    # from the next day: Tue, Wed, Thu; the period ends at 24:00 of Thursday
    end = dt.datetime(2025, 11, 14, 0, 0, tzinfo=wt.zone)
    assert wt.add(start, CalendarDays(3)) == end
    # the weekend counts: 5 days from Thursday end at the close of Tuesday
    thursday = dt.datetime(2025, 11, 13, 10, 0, tzinfo=wt.zone)
    assert wt.add(thursday, CalendarDays(5)) == dt.datetime(2025, 11, 19, 0, 0, tzinfo=wt.zone)
    assert wt.subtract(thursday, CalendarDays(1)) == dt.datetime(2025, 11, 13, 0, 0, tzinfo=wt.zone)
    assert Period(days=3).duration(Basis.CLOCK) == CalendarDays(3)
