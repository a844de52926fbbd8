"""Properties of working-time arithmetic that hold for every start and duration."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from regflow.calendar import OfficeHours, Working, WorkingDays, WorkingTime, russia

WT = WorkingTime(russia(), OfficeHours.standard(), "Asia/Yakutsk")
ZONE = WT.zone
FIRST = dt.datetime(2020, 1, 1, tzinfo=ZONE)
LAST = dt.datetime(2027, 6, 30, tzinfo=ZONE)

starts = st.integers(0, int((LAST - FIRST).total_seconds() // 60)).map(
    lambda minutes: FIRST + dt.timedelta(minutes=minutes)
)
durations = st.integers(0, 400 * 60).map(lambda minutes: Working(minutes=minutes))


@given(starts, durations, durations)
def test_more_working_time_never_gives_an_earlier_result(
    start: dt.datetime, a: Working, b: Working
) -> None:
    shorter, longer = sorted((a, b))
    assert WT.add(start, shorter) <= WT.add(start, longer)


@given(starts, durations)
def test_between_measures_back_what_add_added(start: dt.datetime, duration: Working) -> None:
    assert WT.between(start, WT.add(start, duration)) == duration.amount


@given(starts, durations)
def test_add_lands_in_working_time_or_at_the_end_of_an_interval(
    start: dt.datetime, duration: Working
) -> None:
    result = WT.add(start, duration)
    if WT.is_working(result):
        return
    ends = [end for _start, end in WT.working_intervals(result.date())]
    assert result in ends, f"{result} is neither working time nor an interval's end"
    assert duration.amount > dt.timedelta(0)


@given(starts, durations.filter(bool))
def test_subtract_undoes_add_up_to_the_working_instant(
    start: dt.datetime, duration: Working
) -> None:
    assert WT.subtract(WT.add(start, duration), duration) == WT.next_working_instant(start)


@given(starts, durations.filter(bool))
def test_subtract_lands_in_working_time(start: dt.datetime, duration: Working) -> None:
    assert WT.is_working(WT.subtract(start + dt.timedelta(days=100), duration))


@given(starts, st.integers(1, 30))
def test_working_days_end_at_the_close_of_a_working_day(start: dt.datetime, count: int) -> None:
    end = WT.add(start, WorkingDays(count))
    intervals = WT.working_intervals(end.date())
    assert intervals, f"{end.date()} is not a working day"
    assert end == intervals[-1][1]
    working_dates = list(WT.working_days(start.date() + dt.timedelta(days=1), end.date()))
    assert len(working_dates) == count


@settings(max_examples=50)
@given(starts, st.integers(1, 30), st.integers(1, 30))
def test_more_working_days_never_end_earlier(start: dt.datetime, a: int, b: int) -> None:
    assert WT.add(start, WorkingDays(min(a, b))) <= WT.add(start, WorkingDays(max(a, b)))
