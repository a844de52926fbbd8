"""Regional production calendars: the Russian calendar plus a subject's own non-working days.

Russia's subjects may make days non-working by their own laws (Labour Code art. 6;
art. 112 part 1 lists only the federal holidays). regflow ships the dates it can cite,
each with its act, and nothing else:

- **RU-TA** (Tatarstan): 30 August and 6 November (Law of the Republic of Tatarstan of
  19.02.1992 No. 1448-XII), and Ураза-байрам and Курбан-байрам on the dates the Раис
  (President) of the republic fixes by a yearly decree under that law;
- **RU-BA** (Bashkortostan): 11 October (Law of the Republic of Bashkortostan of
  27.02.1992 No. ВС-10/21) and the two religious holidays, dated each year by a
  resolution of the republic's government;
- **RU-CR** (Crimea): 18 March, День воссоединения Крыма с Россией (Law of the Republic
  of Crimea of 03.03.2015 No. 80-ЗРК/2015);
- **RU-SEV** (Sevastopol): 18 March, День возвращения города Севастополя в Россию (Law
  of the city of Sevastopol of 10.03.2015 No. 122-ЗС).

A year without cited data is not guessed: :func:`regional` raises
:class:`~regflow.errors.InvalidCalendar` naming the years it has, unless ``extend`` is
given (those years then follow the federal calendar alone, and the calendar's name says
so). A regional holiday on a weekday makes the working day before it one hour shorter
(Labour Code art. 95 part 1, which speaks of any non-working holiday; the Tatarstan
ministry of labour applies it so, e.g. to 5 November 2024). Whether a holiday that falls on
a weekend is carried to the next working day (art. 112 part 2) is the region's practice:
Tatarstan does not carry its days (as reported for 6 November 2022 and 30 August 2025);
Bashkortostan does (11 October 2025 to the Monday), so only a year in which none of its
days fell on a weekend is shipped; for Crimea and Sevastopol the practice is not cited, so
2023 (18 March a Saturday) is left out.

>>> import datetime as dt
>>> cal = regional("RU-TA", 2024, 2024)
>>> cal.day_kind(dt.date(2024, 4, 10))
<DayKind.NON_WORKING: 'non-working'>
>>> cal.day_kind(dt.date(2024, 4, 9))
<DayKind.SHORTENED: 'shortened'>
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from regflow.calendar.production import DayKind, Override, ProductionCalendar
from regflow.calendar.russia import russia
from regflow.errors import InvalidCalendar

__all__ = ["REGIONS", "RegionalDay", "regional"]


@attrs.frozen
class RegionalDay:
    """One cited non-working day of a subject: its date, its name and its act."""

    date: dt.date
    name: str
    source: str


_TA_LAW = (
    "Закон Республики Татарстан от 19.02.1992 № 1448-XII «О праздничных днях и памятных "
    "датах Республики Татарстан»"
)
_TA = "Указ Раиса (Президента) Республики Татарстан о праздновании Ураза-байрам и Курбан-байрам"
_BA_LAW = "Закон Республики Башкортостан от 27.02.1992 № ВС-10/21"
_BA = (
    "Постановление Правительства Республики Башкортостан о датах Ураза-байрам и Курбан-байрам "
    "(от 26.09.2022 № 567, по сводке КонсультантПлюс)"
)
_URAZA = "Ураза-байрам"
_KURBAN = "Курбан-байрам"

_MonthDay = tuple[int, int]


def _ta(year: int, uraza: _MonthDay, kurban: _MonthDay, where: str) -> list[RegionalDay]:
    """A year of Tatarstan: the two dated religious holidays and the two fixed days of its law
    (not moved when they fall on a weekend: the republic's law has no such rule, as reported
    by kazan.aif.ru for 6 November 2022 and ntr-24.ru for 30 August 2025)."""
    act = f"{_TA} в {year} году, на основании: {_TA_LAW} (сообщение: {where})"
    return [
        RegionalDay(dt.date(year, *uraza), _URAZA, act),
        RegionalDay(dt.date(year, *kurban), _KURBAN, act),
        RegionalDay(dt.date(year, 8, 30), "День Республики Татарстан", _TA_LAW),
        RegionalDay(dt.date(year, 11, 6), "День Конституции Республики Татарстан", _TA_LAW),
    ]


_CR = "Закон Республики Крым от 03.03.2015 № 80-ЗРК/2015 (18 марта — нерабочий праздничный день)"
_SEV = (
    "Закон города Севастополя от 10.03.2015 № 122-ЗС «О праздниках и памятных датах "
    "города Севастополя»"
)
# 18 March on a weekday only: 2023 (a Saturday) is left out, see the module's docstring.
_MARCH_18_YEARS = (2019, 2020, 2021, 2022, 2024, 2025, 2026)

REGIONS: Mapping[str, tuple[RegionalDay, ...]] = {
    "RU-TA": (
        *_ta(2020, (5, 24), (7, 31), "vestikamaza.ru, 03.05.2020"),
        *_ta(2021, (5, 13), (7, 20), "vestikamaza.ru, 10.02.2021"),
        *_ta(2023, (4, 21), (6, 28), "kazan24.ru, 27.03.2023"),
        *_ta(2024, (4, 10), (6, 16), "tatar-inform.ru, апрель 2024"),
        *_ta(2026, (3, 20), (5, 27), "tatar-inform.ru, 19.01.2026"),
    ),
    # Bashkortostan moves a holiday that falls on a weekend (11 October 2025 to 13 October,
    # by the republic's ministry of labour); only 2023, when none did, is shipped.
    "RU-BA": (
        RegionalDay(dt.date(2023, 4, 21), _URAZA, f"{_BA}; {_BA_LAW}"),
        RegionalDay(dt.date(2023, 6, 28), _KURBAN, f"{_BA}; {_BA_LAW}"),
        RegionalDay(dt.date(2023, 10, 11), "День Республики Башкортостан", _BA_LAW),
    ),
    "RU-CR": tuple(
        RegionalDay(dt.date(year, 3, 18), "День воссоединения Крыма с Россией", _CR)
        for year in _MARCH_18_YEARS
    ),
    "RU-SEV": tuple(
        RegionalDay(dt.date(year, 3, 18), "День возвращения города Севастополя в Россию", _SEV)
        for year in _MARCH_18_YEARS
    ),
}
"""Each subject regflow has data for (ISO 3166-2 code) -> its cited non-working days."""

_ART_95 = "Трудовой кодекс РФ, ст. 95 ч. 1: день, предшествующий нерабочему праздничному дню"


def years_covered(region: str) -> tuple[int, ...]:
    """The years ``region`` has cited data for."""
    return tuple(sorted({day.date.year for day in REGIONS[region]}))


def regional(
    region: str,
    first_year: int,
    last_year: int | None = None,
    *,
    presidential_non_working_days: bool = True,
    extend: bool = False,
) -> ProductionCalendar:
    """The Russian production calendar with ``region``'s own cited non-working days.

    Args:
        region: an ISO 3166-2 code of :data:`REGIONS` (``"RU-TA"``).
        first_year, last_year: as :func:`~regflow.calendar.russia`.
        presidential_non_working_days: as :func:`~regflow.calendar.russia`.
        extend: years without regional data follow the federal calendar alone
            (instead of raising).

    Raises:
        InvalidCalendar: an unknown region, or a year of the range without regional data
            (and no ``extend``); the message names the years there are.
    """
    days = REGIONS.get(region)
    if days is None:
        raise InvalidCalendar(
            f"no regional calendar {region!r}; regflow has {', '.join(sorted(REGIONS))} "
            "(or give the dates in [working_time] dates, each with its act)",
            path="calendar",
        )
    base = russia(
        first_year, last_year, presidential_non_working_days=presidential_non_working_days
    )
    covered = years_covered(region)
    missing = [y for y in range(base.first_year, base.last_year + 1) if y not in covered]
    if missing and not extend:
        raise InvalidCalendar(
            f"{region} has cited data for {', '.join(map(str, covered))} only, not for "
            f"{', '.join(map(str, missing))}: add that year's dates in [working_time] days "
            "with their act, or set extend = true to count it by the federal "
            "calendar alone",
            path="calendar",
        )
    overrides: list[Override] = []
    for day in days:
        if not base.covers(day.date):
            continue
        overrides.append(Override(day.date, DayKind.NON_WORKING, name=day.name, source=day.source))
        before = day.date - dt.timedelta(days=1)
        if base.covers(before) and base.day_kind(before) is DayKind.WORKING:
            overrides.append(
                Override(before, DayKind.SHORTENED, name=f"Канун: {day.name}", source=_ART_95)
            )
    calendar = base.with_overrides(*overrides)
    name = f"{base.name} + {region}"
    if missing:
        name += f" (no regional data for {', '.join(map(str, missing))}: federal days only)"
    return attrs.evolve(calendar, name=name)
