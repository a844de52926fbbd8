"""Golden deadlines for tricky starts, each derived by hand from the official calendar.

Every expected value below was worked out on paper from the facts in
``tests/calendar/official_ru.py`` (moved days off, working Saturdays, shortened
days, the 2020-2021 presidential non-working days) before the table was run
against the library; the comment on each row is that derivation.

Setting: ``WorkingTime(russia(), OfficeHours.standard(), "Asia/Yakutsk")``.
Office hours Mon-Fri 09:00-13:00 and 14:00-18:00 (lunch not counted); a
shortened day ends at 17:00; a working Saturday has the same hours. Instants
are local Yakutsk time (UTC+9, no clock changes).

Conventions (``WorkingTime``'s docstring):

- a start outside working time counts from the next working instant (intervals
  are half-open: 18:00 and 13:00 are outside);
- ``add`` stops as soon as the time is consumed (09:00 + 4h = 13:00; a result
  at closing time stays 18:00, or 17:00 on a shortened day);
- ``subtract`` walking back gives the start of an interval (18:00 - 4h = 14:00);
- ``WorkingDays(n)`` ends at the close of the n-th working day after (for
  ``subtract``: before) the start's local date (Civil Code arts. 191, 193);
- ``Clock`` is plain elapsed time.

Rows are ``(start, op, duration, expected, reasoning)``. For ``op == "between"``
the third column is the end instant and ``expected`` the working time between.
"""

from __future__ import annotations

import datetime as dt

import pytest

from regflow.calendar import Clock, OfficeHours, Working, WorkingDays, WorkingTime, russia

WT = WorkingTime(russia(), OfficeHours.standard(), "Asia/Yakutsk")

ROUTE = Working(minutes=30)  # the regulation's routing limit
DRAFT = Working(hours=8)  # the regulation's draft limit (п. 9)
REPLY = Working(hours=4)  # subtract(answer, REPLY): the latest hand-over before the answer

Row = tuple[str, str, Working | WorkingDays | Clock | str, str | dt.timedelta, str]

GOLDEN: list[Row] = [
    # --- New Year holidays -------------------------------------------------------------------
    (
        "2025-12-30 17:30",
        "add",
        Working(hours=8),
        "2026-01-12 17:30",
        "Tue 30.12 full day (not shortened) 17:30-18:00 = 30m, 7h30m left; 31.12 moved day off; "
        "01-08.01 holidays; Fri 09.01 moved day off; 10-11.01 weekend; "
        "Mon 12.01 09-13 4h (3h30m left), 14:00 + 3h30m = 17:30",
    ),
    (
        "2025-12-31 12:00",
        "add",
        ROUTE,
        "2026-01-12 09:30",
        "Wed 31.12 moved day off; 01-08.01 holidays; 09.01 moved day off; weekend; "
        "next working instant Mon 12.01 09:00 + 30m",
    ),
    (
        "2026-01-09 10:00",
        "add",
        Working(hours=1),
        "2026-01-12 10:00",
        "Fri 09.01.2026 is a moved day off (from Sat 03.01); 10-11.01 weekend; "
        "Mon 12.01 09:00 + 1h",
    ),
    (
        "2024-12-27 17:00",
        "add",
        Working(hours=9),
        "2024-12-28 18:00",
        "Fri 27.12 17-18 1h, 8h left; Sat 28.12.2024 working and NOT shortened: "
        "09-13 + 14-18 = 8h, consumed exactly at 18:00, stays 18:00",
    ),
    (
        "2024-12-28 17:30",
        "add",
        Working(hours=1),
        "2025-01-09 09:30",
        "Sat 28.12 17:30-18:00 30m; 29.12 Sun; 30-31.12 moved days off; 01-08.01.2025 holidays; "
        "Thu 09.01.2025 working: 09:00 + 30m",
    ),
    (
        "2026-01-12 11:00",
        "subtract",
        Working(hours=4),
        "2025-12-30 16:00",
        "back from Mon 12.01 11:00: 09-11 2h, 2h left; 09.01, 01-08.01, 31.12 off; "
        "Tue 30.12 full day: 18:00 - 2h = 16:00",
    ),
    # --- working Saturdays -------------------------------------------------------------------
    (
        "2025-10-31 17:45",
        "add",
        Working(hours=8),
        "2025-11-05 09:45",
        "Fri 31.10 17:45 +15m; Sat 01.11 shortened works 7h -> 7h15m; 02.11 Sun, "
        "03.11 moved day off, 04.11 holiday; Wed 05.11 09:00 + 45m",
    ),
    (
        "2025-10-31 17:00",
        "add",
        Working(hours=8),
        "2025-11-01 17:00",
        "Fri 31.10 17-18 1h; Sat 01.11 shortened 09-13 + 14-17 = 7h, total 8h "
        "consumed exactly at its close 17:00",
    ),
    (
        "2024-11-01 16:00",
        "add",
        Working(hours=10),
        "2024-11-05 10:00",
        "Fri 01.11.2024 full 16-18 2h; Sat 02.11 shortened 7h -> 9h; 03.11 Sun, 04.11 holiday; "
        "Tue 05.11 09:00 + 1h",
    ),
    (
        "2021-02-19 17:00",
        "add",
        Working(hours=2),
        "2021-02-20 10:00",
        "Fri 19.02.2021 not shortened, 17-18 1h; Sat 20.02 working (shortened) 09:00 + 1h",
    ),
    (
        "2021-02-20 16:30",
        "add",
        Working(hours=1),
        "2021-02-24 09:30",
        "Sat 20.02.2021 shortened, closes 17:00: 30m; 21.02 Sun, 22.02 moved day off, "
        "23.02 holiday; Wed 24.02 09:00 + 30m",
    ),
    (
        "2022-03-05 12:00",
        "add",
        Working(hours=5),
        "2022-03-09 10:00",
        "Sat 05.03.2022 shortened: 12-13 1h + 14-17 3h = 4h; 06.03 Sun, 07.03 moved day off, "
        "08.03 holiday; Wed 09.03 09:00 + 1h",
    ),
    (
        "2025-11-05 09:30",
        "subtract",
        Working(hours=1),
        "2025-11-01 16:30",
        "back from Wed 05.11 09:30: 30m; 04.11 holiday, 03.11 moved off, 02.11 Sun; "
        "Sat 01.11 shortened closes 17:00: 17:00 - 30m = 16:30",
    ),
    # --- shortened days ----------------------------------------------------------------------
    (
        "2025-03-07 16:30",
        "add",
        Working(hours=1),
        "2025-03-10 09:30",
        "Fri 07.03.2025 shortened, closes 17:00: 30m; 08.03 holiday (Sat), 09.03 Sun; "
        "Mon 10.03 an ordinary working day (the day off went to 13.06): 09:00 + 30m",
    ),
    (
        "2025-04-30 09:00",
        "add",
        Working(hours=8),
        "2025-05-05 10:00",
        "Wed 30.04.2025 shortened: 7h; 01.05 holiday, 02.05 moved day off, 03-04.05 weekend; "
        "Mon 05.05 09:00 + 1h",
    ),
    (
        "2025-06-11 17:30",
        "add",
        Working(hours=1),
        "2025-06-16 10:00",
        "Wed 11.06.2025 shortened, 17:30 is after its close; 12.06 holiday, 13.06 moved day off, "
        "14-15.06 weekend; Mon 16.06 09:00 + 1h",
    ),
    (
        "2026-05-08 15:00",
        "add",
        Working(hours=3),
        "2026-05-12 10:00",
        "Fri 08.05.2026 shortened: 15-17 2h; 09.05 holiday (Sat), 10.05 Sun, 11.05 observed "
        "day off; Tue 12.05 09:00 + 1h",
    ),
    # --- lunch, closing time, nights, weekends -----------------------------------------------
    (
        "2025-10-15 12:30",
        "add",
        Working(hours=1),
        "2025-10-15 14:30",
        "Wed 12:30-13:00 30m; lunch not counted; 14:00 + 30m",
    ),
    (
        "2025-10-15 13:30",
        "add",
        Working(hours=1),
        "2025-10-15 15:00",
        "start in lunch counts from 14:00; + 1h",
    ),
    (
        "2025-10-15 09:00",
        "add",
        Working(hours=4),
        "2025-10-15 13:00",
        "09-13 is 4h; add stops when consumed: 13:00, not 14:00",
    ),
    (
        "2025-10-15 17:59",
        "add",
        Working(minutes=1),
        "2025-10-15 18:00",
        "one minute to close; a result at closing time stays 18:00",
    ),
    (
        "2025-10-15 18:00",
        "add",
        Working(),
        "2025-10-16 09:00",
        "18:00 is outside working time (half-open), so the start is the next working instant "
        "Thu 16.10 09:00; + 0",
    ),
    (
        "2025-10-15 22:00",
        "add",
        Working(hours=1),
        "2025-10-16 10:00",
        "night: start counts from Thu 09:00; + 1h",
    ),
    (
        "2025-10-16 03:00",
        "add",
        ROUTE,
        "2025-10-16 09:30",
        "early morning: from Thu 09:00; + 30m",
    ),
    (
        "2025-10-18 11:00",
        "add",
        Working(hours=2),
        "2025-10-20 11:00",
        "Sat 18.10 ordinary weekend; from Mon 20.10 09:00; + 2h",
    ),
    (
        "2025-10-17 17:00",
        "add",
        Working(hours=2),
        "2025-10-20 10:00",
        "Fri 17-18 1h; weekend; Mon 20.10 09:00 + 1h",
    ),
    (
        "2025-10-15 14:30",
        "subtract",
        ROUTE,
        "2025-10-15 14:00",
        "back 14:30 -> 14:00 consumes 30m; walking back stops at the interval start 14:00 "
        "(not 13:00)",
    ),
    (
        "2025-10-15 14:00",
        "subtract",
        Working(hours=1),
        "2025-10-15 12:00",
        "back from 14:00: lunch not counted, 13:00 - 1h = 12:00",
    ),
    # --- 2020/2021 presidential non-working days ---------------------------------------------
    (
        "2020-03-27 17:00",
        "add",
        Working(hours=8),
        "2020-05-12 17:00",
        "Fri 27.03.2020 17-18 1h; 28-29.03 weekend; 30.03-30.04 non-working; 01.05 holiday; "
        "02-03.05 weekend; 04-05.05 moved days off; 06-08.05 non-working; 09.05 holiday (Sat), "
        "10.05 Sun, 11.05 observed; Tue 12.05 09-13 4h + 14:00 + 3h = 17:00",
    ),
    (
        "2020-05-07 12:00",
        "add",
        Working(hours=1),
        "2020-05-12 10:00",
        "Thu 07.05.2020 non-working (decree 294); 08.05 non-working although shortened in the "
        "official calendar; 09-11.05 off; Tue 12.05 09:00 + 1h",
    ),
    (
        "2020-06-23 17:00",
        "add",
        Working(hours=2),
        "2020-06-25 10:00",
        "Tue 23.06.2020 not shortened: 17-18 1h; Wed 24.06 non-working (parade); "
        "Thu 25.06 09:00 + 1h",
    ),
    (
        "2021-04-30 16:00",
        "add",
        Working(hours=2),
        "2021-05-11 10:00",
        "Fri 30.04.2021 shortened: 16-17 1h; 01-02.05 weekend (01.05 holiday); 03.05 observed; "
        "04-07.05 non-working; 08-09.05 weekend; 10.05 observed; Tue 11.05 09:00 + 1h",
    ),
    (
        "2021-10-29 17:00",
        "add",
        Working(hours=2),
        "2021-11-08 10:00",
        "Fri 29.10.2021 not shortened: 17-18 1h; 30.10-07.11 non-working (incl. 01-03.11, "
        "holiday 04.11, moved 05.11); Mon 08.11 09:00 + 1h",
    ),
    (
        "2021-11-01 10:00",
        "add",
        Working(hours=1),
        "2021-11-08 10:00",
        "Mon 01.11.2021 non-working (decree 595); first working instant Mon 08.11 09:00; + 1h",
    ),
    # --- the regulation's route / draft / answer deadlines -----------------------------------
    (
        "2025-10-15 17:45",
        "add",
        ROUTE,
        "2025-10-16 09:15",
        "route: Wed 17:45-18:00 15m; Thu 09:00 + 15m",
    ),
    (
        "2025-10-15 12:50",
        "add",
        ROUTE,
        "2025-10-15 14:20",
        "route: 12:50-13:00 10m; lunch; 14:00 + 20m",
    ),
    (
        "2025-10-15 10:00",
        "add",
        DRAFT,
        "2025-10-16 10:00",
        "draft: Wed 10-13 3h + 14-18 4h = 7h; Thu 09:00 + 1h",
    ),
    (
        "2025-10-17 14:00",
        "add",
        DRAFT,
        "2025-10-20 13:00",
        "draft: Fri 14-18 4h; weekend; Mon 09-13 4h, consumed at 13:00",
    ),
    (
        "2025-10-28 18:00",
        "subtract",
        REPLY,
        "2025-10-28 14:00",
        "answer Tue 18:00 - 4h: 14-18 consumed, stops at 14:00 (not 13:00)",
    ),
    (
        "2025-10-20 10:00",
        "subtract",
        REPLY,
        "2025-10-17 15:00",
        "answer Mon 10:00: back 09-10 1h; weekend; Fri 18:00 - 3h = 15:00",
    ),
    # --- WorkingDays(7) and WorkingDays(1) ---------------------------------------------------
    (
        "2025-10-15 10:00",
        "add",
        WorkingDays(7),
        "2025-10-24 18:00",
        "days after Wed 15.10: Thu 16, Fri 17, Mon 20, Tue 21, Wed 22, Thu 23, Fri 24 (7th), "
        "close 18:00",
    ),
    (
        "2025-10-17 19:00",
        "add",
        WorkingDays(7),
        "2025-10-28 18:00",
        "Friday evening: days after Fri 17.10: Mon 20, 21, 22, 23, Fri 24, Mon 27, Tue 28 (7th)",
    ),
    (
        "2025-10-31 20:00",
        "add",
        WorkingDays(7),
        "2025-11-12 18:00",
        "Friday evening: Sat 01.11 (1, working); 02-04.11 off; Wed 05, Thu 06, Fri 07, Mon 10, "
        "Tue 11, Wed 12.11 (7th), full day, 18:00",
    ),
    (
        "2025-12-30 15:00",
        "add",
        WorkingDays(7),
        "2026-01-20 18:00",
        "day before the New Year holidays: 31.12, 01-09.01, 10-11.01 off; Mon 12, 13, 14, 15, "
        "Fri 16, Mon 19, Tue 20.01 (7th)",
    ),
    (
        "2024-12-27 10:00",
        "add",
        WorkingDays(7),
        "2025-01-16 18:00",
        "Sat 28.12.2024 working (1); 29.12-08.01 off; Thu 09, Fri 10, Mon 13, 14, 15, "
        "Thu 16.01.2025 (7th)",
    ),
    (
        "2026-01-03 12:00",
        "add",
        WorkingDays(7),
        "2026-01-20 18:00",
        "start on a holiday (Sat 03.01): days after it, 04-11.01 off; Mon 12 ... Tue 20.01 (7th)",
    ),
    (
        "2026-04-21 11:00",
        "add",
        WorkingDays(7),
        "2026-04-30 17:00",
        "after Tue 21.04: 22, 23, 24, 27, 28, 29, Thu 30.04 (7th) which is shortened: close 17:00",
    ),
    (
        "2020-03-27 12:00",
        "add",
        WorkingDays(7),
        "2020-05-20 18:00",
        "after Fri 27.03.2020 nothing works until Tue 12.05 (1); 13, 14, Fri 15, Mon 18, 19, "
        "Wed 20.05 (7th)",
    ),
    (
        "2025-10-31 10:00",
        "add",
        WorkingDays(1),
        "2025-11-01 17:00",
        "the next working day after Fri 31.10 is Sat 01.11, shortened: close 17:00",
    ),
    (
        "2025-10-20 10:00",
        "subtract",
        WorkingDays(1),
        "2025-10-17 18:00",
        "the working day before Mon 20.10 is Fri 17.10: its close",
    ),
    (
        "2026-01-12 10:00",
        "subtract",
        WorkingDays(1),
        "2025-12-30 18:00",
        "before Mon 12.01.2026: 01-11.01 and 31.12 off; Tue 30.12.2025 (not shortened) 18:00",
    ),
    (
        "2025-11-05 12:00",
        "subtract",
        WorkingDays(1),
        "2025-11-01 17:00",
        "before Wed 05.11: 02-04.11 off; Sat 01.11 shortened: close 17:00",
    ),
    # --- between -----------------------------------------------------------------------------
    (
        "2025-10-31 17:45",
        "between",
        "2025-11-05 09:45",
        dt.timedelta(hours=8),
        "Fri 15m + Sat 01.11 shortened 7h + Wed 05.11 45m = 8h",
    ),
    (
        "2025-12-30 09:00",
        "between",
        "2026-01-12 18:00",
        dt.timedelta(hours=16),
        "Tue 30.12 full 8h + Mon 12.01 8h; everything between is off",
    ),
    (
        "2025-10-15 12:30",
        "between",
        "2025-10-15 14:30",
        dt.timedelta(hours=1),
        "12:30-13:00 30m + 14:00-14:30 30m; lunch not counted",
    ),
    (
        "2025-11-05 09:45",
        "between",
        "2025-10-31 17:45",
        -dt.timedelta(hours=8),
        "the first row reversed: negative",
    ),
    # --- Clock -------------------------------------------------------------------------------
    (
        "2025-12-31 23:00",
        "add",
        Clock(hours=2),
        "2026-01-01 01:00",
        "plain elapsed time across midnight into a holiday",
    ),
    (
        "2025-10-16 01:00",
        "subtract",
        Clock(hours=2),
        "2025-10-15 23:00",
        "plain elapsed time back across midnight",
    ),
    (
        "2025-10-17 23:30",
        "add",
        Clock(hours=2),
        "2025-10-18 01:30",
        "Fri night into Saturday: clock time ignores the weekend",
    ),
]


def at(text: str) -> dt.datetime:
    """A local Yakutsk instant from ``"YYYY-MM-DD HH:MM"``."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=WT.zone)


def assert_deadline(
    start: str, op: str, dur: Working | WorkingDays | Clock | str, due: str | dt.timedelta
) -> None:
    if op == "between":
        assert isinstance(dur, str)
        assert WT.between(at(start), at(dur)) == due
        return
    assert not isinstance(dur, str)
    result = WT.add(at(start), dur) if op == "add" else WT.subtract(at(start), dur)
    assert isinstance(due, str)
    assert result == at(due), f"got {result:%Y-%m-%d %H:%M}, expected {due}"
    assert result.utcoffset() == dt.timedelta(hours=9)


def _row_id(row: Row) -> str:
    start, op, dur, _, _ = row
    sign = {"add": "+", "subtract": "-", "between": "->"}[op]
    if isinstance(dur, WorkingDays):
        return f"{start} {sign} WorkingDays({dur.count})"
    return f"{start} {sign} {dur}" if isinstance(dur, str) else f"{start} {sign} {dur!r}"


@pytest.mark.parametrize(
    ("start", "op", "dur", "due", "why"), GOLDEN, ids=[_row_id(r) for r in GOLDEN]
)
def test_golden(
    start: str, op: str, dur: Working | WorkingDays | Clock | str, due: str | dt.timedelta, why: str
) -> None:
    assert why
    assert_deadline(start, op, dur, due=due)


def test_table_is_large_enough() -> None:
    assert len(GOLDEN) >= 30
    assert len({_row_id(r) for r in GOLDEN}) == len(GOLDEN)
