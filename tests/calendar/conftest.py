import datetime as dt

import pytest

from regflow.calendar import OfficeHours, ProductionCalendar, WorkingTime, russia


@pytest.fixture(scope="session")
def ru() -> ProductionCalendar:
    return russia()


@pytest.fixture(scope="session")
def ru_official() -> ProductionCalendar:
    """The calendar as the official tables print it: without the 2020-2021 decreed days."""
    return russia(presidential_non_working_days=False)


@pytest.fixture(scope="session")
def wt(ru: ProductionCalendar) -> WorkingTime:
    return WorkingTime(ru, OfficeHours.standard(), "Asia/Yakutsk")


def at(text: str, zone: str = "Asia/Yakutsk") -> dt.datetime:
    """An aware instant from 'YYYY-MM-DD HH:MM' local to ``zone``."""
    from zoneinfo import ZoneInfo

    return dt.datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))
