"""Facts of the official Russian production calendars 2020-2027 (reviewed by hand), with sources.

Plain test data, no logic. The calendar is the five-day week with Saturday and Sunday off.

Terms used below:

* holiday: a non-working holiday of Labour Code art. 112 part 1 (1-8 January, 23 February,
  8 March, 1 May, 9 May, 12 June, 4 November). The holidays themselves are not listed here.
* working weekend: a Saturday made a working day by the Government's yearly decree
  «О переносе выходных дней в <year> году».
* moved day off: a weekday made a day off by that decree (the target of a transfer).
* observed day off: a weekday off under art. 112 part 2 (a holiday, other than 1-8 January,
  falling on a Saturday or Sunday moves the day off to the next working day) and not
  re-transferred by the decree.
* shortened: a working day one hour shorter under art. 95 part 1 (the working day immediately
  before a holiday), as the official calendar marks it.

Every date's weekday and each year's totals were checked with a script:
days = Mon-Fri - weekday holidays - moved - observed + working weekends,
hours (40-hour week) = days * 8 - number of shortened days.

The presidential non-working days of 2020 and 2021 (COVID-19, the 2020 parade and vote) are
kept apart in PRESIDENTIAL_NON_WORKING: the Ministry of Labour's position is that they do not
change the annual norm of working time, so NORMS, SHORTENED etc. ignore them.
"""

from datetime import date

# Per year: (working days, working hours of the 40-hour week), as the official calendar states.
# 2020 and 2021 are the official figures WITHOUT the presidential non-working days (those days
# kept their wages and the ministry did not recompute the norm).
# 2027 is taken from the calendar built on decree No. 1187 (see SOURCES[2027]); it is the same
# layout as 2021 (both years start on a Friday and have the same transfers).
NORMS: dict[int, tuple[int, int]] = {
    2020: (248, 1979),
    2021: (247, 1972),
    2022: (247, 1973),
    2023: (247, 1973),
    2024: (248, 1979),
    2025: (247, 1972),
    2026: (247, 1972),
    2027: (247, 1972),
}

SOURCES: dict[int, str] = {
    2020: (
        "Постановление Правительства РФ от 10.07.2019 № 875"
        " «О переносе выходных дней в 2020 году»;"
        " производственный календарь КонсультантПлюс 2020 (248 дней / 1979 ч без учёта"
        " нерабочих дней по указам Президента)"
    ),
    2021: (
        "Постановление Правительства РФ от 10.10.2020 № 1648"
        " «О переносе выходных дней в 2021 году»;"
        " производственный календарь КонсультантПлюс 2021 (247 дней / 1972 ч без учёта"
        " нерабочих дней по указам Президента)"
    ),
    2022: (
        "Постановление Правительства РФ от 16.09.2021 № 1564"
        " «О переносе выходных дней в 2022 году»;"
        " производственный календарь КонсультантПлюс 2022"
    ),
    2023: (
        "Постановление Правительства РФ от 29.08.2022 № 1505"
        " «О переносе выходных дней в 2023 году»;"
        " производственный календарь КонсультантПлюс 2023"
    ),
    2024: (
        "Постановление Правительства РФ от 10.08.2023 № 1314"
        " «О переносе выходных дней в 2024 году»;"
        " производственный календарь КонсультантПлюс 2024"
    ),
    2025: (
        "Постановление Правительства РФ от 04.10.2024 № 1335"
        " «О переносе выходных дней в 2025 году»;"
        " производственный календарь КонсультантПлюс 2025"
    ),
    2026: (
        "Постановление Правительства РФ от 24.09.2025 № 1466"
        " «О переносе выходных дней в 2026 году»;"
        " производственный календарь КонсультантПлюс 2026"
    ),
    2027: (
        "Постановление Правительства РФ от 17.09.2026 № 1187 «О переносе выходных дней в 2027 году»"
        " (consultant.ru, cons_doc_LAW_544706); производственный календарь КонсультантПлюс 2027"
    ),
}

# Saturdays/Sundays made working days by the decree.
WORKING_WEEKENDS: dict[int, tuple[date, ...]] = {
    2020: (),
    # Decree No. 1648: from Saturday 20 February to Monday 22 February.
    2021: (date(2021, 2, 20),),
    # Decree No. 1564: from Saturday 5 March to Monday 7 March.
    2022: (date(2022, 3, 5),),
    2023: (),
    # Decree No. 1314: Saturdays 27 April, 2 November and 28 December become working days.
    2024: (date(2024, 4, 27), date(2024, 11, 2), date(2024, 12, 28)),
    # Decree No. 1335: from Saturday 1 November to Monday 3 November.
    2025: (date(2025, 11, 1),),
    2026: (),
    # Decree No. 1187: from Saturday 20 February to Monday 22 February.
    2027: (date(2027, 2, 20),),
}

# Weekdays made days off by a transfer in the decree (not the holidays themselves).
MOVED_DAYS_OFF: dict[int, tuple[date, ...]] = {
    # Decree No. 875: Sat 4 Jan -> Mon 4 May; Sun 5 Jan -> Tue 5 May.
    2020: (date(2020, 5, 4), date(2020, 5, 5)),
    # Decree No. 1648: Sat 20 Feb -> Mon 22 Feb; Sat 2 Jan -> Fri 5 Nov; Sun 3 Jan -> Fri 31 Dec.
    2021: (date(2021, 2, 22), date(2021, 11, 5), date(2021, 12, 31)),
    # Decree No. 1564: Sat 5 Mar -> Mon 7 Mar; Sat 1 Jan -> Tue 3 May; Sun 2 Jan -> Tue 10 May.
    2022: (date(2022, 3, 7), date(2022, 5, 3), date(2022, 5, 10)),
    # Decree No. 1505: Sun 1 Jan -> Fri 24 Feb; Sun 8 Jan -> Mon 8 May.
    2023: (date(2023, 2, 24), date(2023, 5, 8)),
    # Decree No. 1314: Sat 27 Apr -> Mon 29 Apr; Sat 2 Nov -> Tue 30 Apr; Sat 6 Jan -> Fri 10 May;
    # Sat 28 Dec -> Mon 30 Dec; Sun 7 Jan -> Tue 31 Dec.
    2024: (
        date(2024, 4, 29),
        date(2024, 4, 30),
        date(2024, 5, 10),
        date(2024, 12, 30),
        date(2024, 12, 31),
    ),
    # Decree No. 1335: Sat 4 Jan -> Fri 2 May; Sun 23 Feb -> Thu 8 May; Sat 8 Mar -> Fri 13 Jun;
    # Sat 1 Nov -> Mon 3 Nov; Sun 5 Jan -> Wed 31 Dec.
    # 23 February and 8 March fell on a weekend, but the decree sent their days off to 8 May and
    # 13 June, so Monday 24 February and Monday 10 March 2025 were ordinary working days.
    2025: (
        date(2025, 5, 2),
        date(2025, 5, 8),
        date(2025, 6, 13),
        date(2025, 11, 3),
        date(2025, 12, 31),
    ),
    # Decree No. 1466: Sat 3 Jan -> Fri 9 Jan; Sun 4 Jan -> Thu 31 Dec.
    2026: (date(2026, 1, 9), date(2026, 12, 31)),
    # Decree No. 1187: Sat 20 Feb -> Mon 22 Feb; Sat 2 Jan -> Fri 5 Nov; Sun 3 Jan -> Fri 31 Dec.
    2027: (date(2027, 2, 22), date(2027, 11, 5), date(2027, 12, 31)),
}

# Weekdays off because a holiday fell on a Saturday/Sunday (Labour Code art. 112 part 2).
OBSERVED_DAYS_OFF: dict[int, tuple[date, ...]] = {
    # 23 Feb (Sun) -> 24 Feb; 8 Mar (Sun) -> 9 Mar; 9 May (Sat) -> 11 May.
    2020: (date(2020, 2, 24), date(2020, 3, 9), date(2020, 5, 11)),
    # 1 May (Sat) -> 3 May; 9 May (Sun) -> 10 May; 12 Jun (Sat) -> 14 Jun.
    2021: (date(2021, 5, 3), date(2021, 5, 10), date(2021, 6, 14)),
    # 1 May (Sun) -> 2 May; 12 Jun (Sun) -> 13 Jun.
    2022: (date(2022, 5, 2), date(2022, 6, 13)),
    # 4 Nov (Sat) -> 6 Nov.
    2023: (date(2023, 11, 6),),
    # Only 6-7 January fell on a weekend; the decree transferred them (see MOVED_DAYS_OFF).
    2024: (),
    # 23 Feb (Sun) and 8 Mar (Sat) were transferred by the decree instead (see MOVED_DAYS_OFF).
    2025: (),
    # 8 Mar (Sun) -> 9 Mar; 9 May (Sat) -> 11 May.
    2026: (date(2026, 3, 9), date(2026, 5, 11)),
    # 1 May (Sat) -> 3 May; 9 May (Sun) -> 10 May; 12 Jun (Sat) -> 14 Jun.
    2027: (date(2027, 5, 3), date(2027, 5, 10), date(2027, 6, 14)),
}

# Working days shortened by one hour (Labour Code art. 95), including shortened working Saturdays.
SHORTENED: dict[int, tuple[date, ...]] = {
    # 30 April and 8 May 2020 are shortened in the official calendar; they were later covered by
    # the presidential non-working days, which did not change the norm.
    2020: (
        date(2020, 4, 30),
        date(2020, 5, 8),
        date(2020, 6, 11),
        date(2020, 11, 3),
        date(2020, 12, 31),
    ),
    # Saturday 20 February is a shortened working day. 3 November was later covered by the
    # presidential non-working days of 30 October - 7 November 2021.
    2021: (date(2021, 2, 20), date(2021, 4, 30), date(2021, 6, 11), date(2021, 11, 3)),
    # Saturday 5 March is a shortened working day.
    2022: (date(2022, 2, 22), date(2022, 3, 5), date(2022, 11, 3)),
    2023: (date(2023, 2, 22), date(2023, 3, 7), date(2023, 11, 3)),
    # Saturday 2 November is a shortened working day.
    2024: (
        date(2024, 2, 22),
        date(2024, 3, 7),
        date(2024, 5, 8),
        date(2024, 6, 11),
        date(2024, 11, 2),
    ),
    # Friday 7 March (8 March is a Saturday) and Saturday 1 November are shortened.
    2025: (date(2025, 3, 7), date(2025, 4, 30), date(2025, 6, 11), date(2025, 11, 1)),
    2026: (date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11), date(2026, 11, 3)),
    # Saturday 20 February is a shortened working day (as in 2021).
    2027: (date(2027, 2, 20), date(2027, 4, 30), date(2027, 6, 11), date(2027, 11, 3)),
}

# Tricky working days that are NOT shortened (full 8 hours in the official calendar).
NOT_SHORTENED: dict[int, tuple[date, ...]] = {
    2020: (
        date(2020, 2, 21),  # Fri; 23 Feb is a Sunday, so the weekend comes in between
        date(2020, 3, 6),  # Fri; 8 Mar is a Sunday
        date(2020, 6, 23),  # Tue before the presidential non-working day 24 June (Rostrud)
    ),
    2021: (
        date(2021, 2, 19),  # Fri before the working Saturday 20 February
        date(2021, 3, 5),  # Fri; 8 Mar is a Monday, the weekend comes in between
        date(2021, 12, 30),  # Thu before the moved day off 31 December
    ),
    2022: (
        date(2022, 3, 4),  # Fri before the working Saturday 5 March
        date(2022, 4, 29),  # Fri; 1 May is a Sunday
        date(2022, 5, 6),  # Fri; 9 May is a Monday
        date(2022, 6, 10),  # Fri; 12 Jun is a Sunday
        date(2022, 12, 30),  # Fri; 31 Dec is a Saturday
    ),
    2023: (
        date(2023, 4, 28),  # Fri; 1 May is a Monday
        date(2023, 5, 5),  # Fri before the weekend and the moved day off 8 May
        date(2023, 6, 9),  # Fri; 12 Jun is a Monday
        date(2023, 12, 29),  # Fri; 31 Dec is a Sunday
    ),
    2024: (
        date(2024, 4, 27),  # working Sat before the moved days off 29-30 April
        date(2024, 12, 28),  # working Sat before the moved days off 30-31 December
    ),
    2025: (
        date(2025, 2, 21),  # Fri; 23 Feb is a Sunday (its day off moved to 8 May)
        date(2025, 5, 7),  # Wed before the moved day off 8 May
        date(2025, 12, 30),  # Tue before the moved day off 31 December
    ),
    2026: (
        date(2026, 2, 20),  # Fri; 23 Feb is a Monday
        date(2026, 3, 6),  # Fri; 8 Mar is a Sunday
        date(2026, 12, 30),  # Wed before the moved day off 31 December
    ),
    2027: (
        date(2027, 2, 19),  # Fri before the working Saturday 20 February
        date(2027, 3, 5),  # Fri; 8 Mar is a Monday
        date(2027, 5, 7),  # Fri; 9 May is a Sunday
        date(2027, 12, 30),  # Thu before the moved day off 31 December
    ),
}

# Non-working days (with pay kept) declared by the President, 2020 and 2021: (first, last, act).
# Ranges are inclusive and are quoted as the decrees state them (they include weekends,
# holidays and decree-moved days off). Regional extensions are not included.
PRESIDENTIAL_NON_WORKING: tuple[tuple[date, date, str], ...] = (
    (date(2020, 3, 30), date(2020, 4, 3), "Указ Президента РФ от 25.03.2020 № 206"),
    (date(2020, 4, 4), date(2020, 4, 30), "Указ Президента РФ от 02.04.2020 № 239"),
    (date(2020, 5, 6), date(2020, 5, 8), "Указ Президента РФ от 28.04.2020 № 294"),
    # Victory Parade day.
    (date(2020, 6, 24), date(2020, 6, 24), "Указ Президента РФ от 29.05.2020 № 345"),
    # Day of the all-Russian vote on the constitutional amendments.
    (date(2020, 7, 1), date(2020, 7, 1), "Указ Президента РФ от 01.06.2020 № 354"),
    (date(2021, 5, 4), date(2021, 5, 7), "Указ Президента РФ от 23.04.2021 № 242"),
    (date(2021, 10, 30), date(2021, 11, 7), "Указ Президента РФ от 20.10.2021 № 595"),
)
