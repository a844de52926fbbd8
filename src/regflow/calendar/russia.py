"""The Russian production calendar: the ``holidays`` package's data plus what it lacks.

``holidays`` knows Russia's public holidays (Labour Code art. 112), the days
off moved by government decree and the weekend days made working. It does not
know the shortened pre-holiday days (art. 95) nor the 2020-2021 non-working
days declared by the President, which were not public holidays. This module
adds both, each date citing its source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from importlib.metadata import version as _version

from regflow.calendar.production import (
    Day,
    DayKind,
    Note,
    Override,
    ProductionCalendar,
    Reason,
)
from regflow.errors import InvalidCalendar

__all__ = ["PRESIDENTIAL_NON_WORKING_DAYS", "TRANSFER_DECREES", "DecreedDays", "russia"]

LABOUR_CODE_112 = "Трудовой кодекс РФ, ст. 112"
LABOUR_CODE_95 = "Трудовой кодекс РФ, ст. 95"
TRANSFER_DECREES: dict[int, str] = {
    2020: "Постановление Правительства РФ от 10.07.2019 № 875",
    2021: "Постановление Правительства РФ от 10.10.2020 № 1648",
    2022: "Постановление Правительства РФ от 16.09.2021 № 1564",
    2023: "Постановление Правительства РФ от 29.08.2022 № 1505",
    2024: "Постановление Правительства РФ от 10.08.2023 № 1314",
    2025: "Постановление Правительства РФ от 04.10.2024 № 1335",
    2026: "Постановление Правительства РФ от 24.09.2025 № 1466",
    2027: "Постановление Правительства РФ от 17.09.2026 № 1187",
}
"""The government's decree «О переносе выходных дней в ... году» for each year.

The dates themselves come from the ``holidays`` package; years missing here
are cited by the decree's title alone.
"""
_FIRST_YEAR = 2013
"""The holidays of art. 112 in their current form (8 January and all) date from 2013."""


class DecreedDays:
    """A span of non-working days declared by decree (not public holidays)."""

    __slots__ = ("first", "last", "source")

    def __init__(self, first: dt.date, last: dt.date, source: str) -> None:
        self.first = first
        self.last = last
        self.source = source

    def dates(self) -> Iterable[dt.date]:
        """Each date of the span."""
        for ordinal in range(self.first.toordinal(), self.last.toordinal() + 1):
            yield dt.date.fromordinal(ordinal)

    def __repr__(self) -> str:
        return f"DecreedDays({self.first}, {self.last}, {self.source!r})"


PRESIDENTIAL_NON_WORKING_DAYS: tuple[DecreedDays, ...] = (
    DecreedDays(
        dt.date(2020, 3, 30),
        dt.date(2020, 4, 3),
        "Указ Президента РФ от 25.03.2020 № 206 «Об объявлении в Российской Федерации "
        "нерабочих дней»",
    ),
    DecreedDays(
        dt.date(2020, 4, 4),
        dt.date(2020, 4, 30),
        "Указ Президента РФ от 02.04.2020 № 239 «О мерах по обеспечению "
        "санитарно-эпидемиологического благополучия населения на территории Российской "
        "Федерации в связи с распространением новой коронавирусной инфекции (COVID-19)»",
    ),
    DecreedDays(
        dt.date(2020, 5, 6),
        dt.date(2020, 5, 8),
        "Указ Президента РФ от 28.04.2020 № 294 «О продлении действия мер по обеспечению "
        "санитарно-эпидемиологического благополучия населения на территории Российской "
        "Федерации в связи с распространением новой коронавирусной инфекции (COVID-19)»",
    ),
    DecreedDays(
        dt.date(2020, 6, 24),
        dt.date(2020, 6, 24),
        "Указ Президента РФ от 29.05.2020 № 345 «Об объявлении в Российской Федерации "
        "нерабочего дня 24 июня 2020 г.»",
    ),
    DecreedDays(
        dt.date(2020, 7, 1),
        dt.date(2020, 7, 1),
        "Указ Президента РФ от 01.06.2020 № 354 «Об определении даты проведения "
        "общероссийского голосования по вопросу одобрения изменений в Конституцию "
        "Российской Федерации»",
    ),
    DecreedDays(
        dt.date(2021, 5, 4),
        dt.date(2021, 5, 7),
        "Указ Президента РФ от 23.04.2021 № 242 «Об установлении на территории Российской "
        "Федерации нерабочих дней в мае 2021 г.»",
    ),
    DecreedDays(
        dt.date(2021, 10, 30),
        dt.date(2021, 11, 7),
        "Указ Президента РФ от 20.10.2021 № 595 «Об установлении в Российской Федерации "
        "нерабочих дней в октябре - ноябре 2021 г.»",
    ),
)
"""The non-working days the President declared in 2020 and 2021, each with its decree.

They were not public holidays: the day before them was not shortened, and
regions could differ. :func:`russia` applies them unless told not to.
"""


def _transfer_act(year: int) -> str:
    title = f"«О переносе выходных дней в {year} году»"
    number = TRANSFER_DECREES.get(year)
    return f"{number} {title}" if number else f"Постановление Правительства РФ {title}"


def _transfers(year: int) -> list[tuple[dt.date, dt.date]]:
    """``(moved day off, the weekend date it came from)`` pairs the decree of ``year`` made.

    Read from the table the ``holidays`` package keeps with each decree's source.
    """
    from holidays.countries.russia import RussiaStaticHolidays

    raw = RussiaStaticHolidays.special_public_holidays.get(year, ())
    if raw and isinstance(raw[0], int):
        raw = (raw,)
    pairs = []
    for item in raw:
        if not (isinstance(item, tuple) and len(item) == 4):
            raise InvalidCalendar(
                f"the holidays package's transfer table has an entry of unknown shape: {item!r}",
                path=f"holidays:RU:{year}",
            )
        to_month, to_day, from_month, from_day = item
        pairs.append((dt.date(year, to_month, to_day), dt.date(year, from_month, from_day)))
    return pairs


def _last_year_with_data() -> int:
    from holidays.countries.russia import RussiaStaticHolidays

    return max(RussiaStaticHolidays.special_public_holidays)


def russia(
    first_year: int = 2020,
    last_year: int | None = None,
    *,
    presidential_non_working_days: bool = True,
    overrides: Iterable[Override] = (),
    extend: bool = False,
) -> ProductionCalendar:
    """The Russian production calendar for ``first_year``-``last_year``.

    Each date is what the official production calendar says: public holidays
    and their observed days (Labour Code art. 112), days off moved by
    government decree and the weekend days made working, and the shortened
    pre-holiday days (art. 95: the working day before a public holiday is one
    hour shorter; a working weekend day that stands in for such a day is
    shortened too; the day before a moved day off is not).

    Args:
        first_year: the first year (2013 or later; default 2020, the year of
            the Blagoveshchensk order).
        last_year: the last year; by default the last year for which the
            installed ``holidays`` package has the government's transfer decree.
        presidential_non_working_days: apply the 2020-2021 non-working days
            declared by the President (:data:`PRESIDENTIAL_NON_WORKING_DAYS`).
            They are marked :attr:`Reason.DECREED_NON_WORKING`, not holidays.
        overrides: regional or municipal changes, each citing its act.
        extend: treat years outside the range by the weekly pattern instead of
            raising :class:`~regflow.errors.OutOfCalendarRange`. Off by default:
            a silent guess about next year's holidays is a wrong deadline.

    Raises:
        InvalidCalendar: a year range the data does not cover, or a bad override.
    """
    import holidays

    data_last = _last_year_with_data()
    last = data_last if last_year is None else last_year
    if first_year < _FIRST_YEAR:
        raise InvalidCalendar(
            f"years before {_FIRST_YEAR} are not supported (the holidays of art. 112 changed)",
            path="first_year",
        )
    if last > data_last:
        raise InvalidCalendar(
            f"holidays {_version('holidays')} has no transfer decree for {data_last + 1}; "
            "upgrade holidays, add the year's dates as overrides on an extended calendar, "
            f"or stop at {data_last}",
            path="last_year",
        )
    years = range(first_year - 1, last + 2)  # neighbours: 31 Dec needs 1 Jan of the next year
    with_observed = holidays.country_holidays("RU", years=years, language="ru")
    without_observed = holidays.country_holidays("RU", years=years, language="ru", observed=False)
    working_weekends: set[dt.date] = set(with_observed.weekend_workdays)

    moved: dict[dt.date, dt.date] = {}
    for year in years:
        for day_off, weekend_day in _transfers(year):
            moved[day_off] = weekend_day
    public = {d: name for d, name in without_observed.items() if d not in moved}
    observed = {d: name for d, name in with_observed.items() if d not in without_observed}

    def pre_holiday(day: dt.date) -> bool:
        return day + dt.timedelta(days=1) in public

    notes: dict[dt.date, list[Note]] = {}
    kinds: dict[dt.date, DayKind] = {}

    def mark(day: dt.date, kind: DayKind, note: Note) -> None:
        kinds[day] = kind
        notes.setdefault(day, []).append(note)

    for day, name in public.items():
        mark(day, DayKind.NON_WORKING, Note(Reason.PUBLIC_HOLIDAY, name, LABOUR_CODE_112))
    for day, name in observed.items():
        mark(day, DayKind.NON_WORKING, Note(Reason.OBSERVED, name, f"{LABOUR_CODE_112}, ч. 2"))
    for day_off, weekend_day in moved.items():
        act = _transfer_act(day_off.year)
        mark(
            day_off,
            DayKind.NON_WORKING,
            Note(Reason.MOVED_DAY_OFF, f"Выходной (перенесён с {weekend_day:%d.%m.%Y})", act),
        )
        if weekend_day in working_weekends:
            stands_in_for_pre_holiday = day_off.weekday() < 5 and pre_holiday(day_off)
            mark(
                weekend_day,
                DayKind.SHORTENED if stands_in_for_pre_holiday else DayKind.WORKING,
                Note(
                    Reason.WORKING_WEEKEND,
                    f"Рабочий день (выходной перенесён на {day_off:%d.%m.%Y})",
                    act,
                ),
            )
            if stands_in_for_pre_holiday:
                notes[weekend_day].append(
                    Note(
                        Reason.PRE_HOLIDAY,
                        f"Сокращённый: заменяет предпраздничный день {day_off:%d.%m.%Y}",
                        LABOUR_CODE_95,
                    )
                )
    for day in public:
        before = day - dt.timedelta(days=1)
        working = kinds[before].is_working if before in kinds else before.weekday() < 5
        if working and kinds.get(before) is not DayKind.SHORTENED:
            mark(
                before,
                DayKind.SHORTENED,
                Note(Reason.PRE_HOLIDAY, f"Предпраздничный день ({public[day]})", LABOUR_CODE_95),
            )
    if presidential_non_working_days:
        for span in PRESIDENTIAL_NON_WORKING_DAYS:
            for day in span.dates():
                working = kinds[day].is_working if day in kinds else day.weekday() < 5
                if working:
                    notes.pop(day, None)
                    mark(
                        day,
                        DayKind.NON_WORKING,
                        Note(Reason.DECREED_NON_WORKING, "Нерабочий день", span.source),
                    )

    calendar = ProductionCalendar.build(
        "Russia",
        first_year,
        last,
        (
            Day(day, kind, tuple(notes[day]))
            for day, kind in kinds.items()
            if first_year <= day.year <= last
        ),
        extend=extend,
    )
    overrides = tuple(overrides)
    return calendar.with_overrides(*overrides) if overrides else calendar
