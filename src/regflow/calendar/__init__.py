"""Working time: production calendars, office hours and working-time arithmetic.

>>> import datetime as dt
>>> from regflow.calendar import russia, OfficeHours, WorkingTime, DayKind, Working
>>> cal = russia()
>>> cal.day_kind(dt.date(2025, 11, 1))
<DayKind.SHORTENED: 'shortened'>
>>> wt = WorkingTime(cal, OfficeHours.standard(), "Asia/Yakutsk")
>>> wt.norm_hours(2025)
1972.0
"""

from regflow.calendar.durations import (
    CalendarDays,
    Clock,
    DayCounting,
    Duration,
    Working,
    WorkingDays,
)
from regflow.calendar.humanize import in_words, parse_instant
from regflow.calendar.office import OfficeHours
from regflow.calendar.production import (
    Day,
    DayKind,
    Note,
    Override,
    ProductionCalendar,
    Reason,
    TimeRange,
)
from regflow.calendar.regional import REGIONS, RegionalDay, regional
from regflow.calendar.russia import PRESIDENTIAL_NON_WORKING_DAYS, russia
from regflow.calendar.sources import from_holidays, from_workalendar
from regflow.calendar.working_time import WorkingTime

__all__ = [
    "PRESIDENTIAL_NON_WORKING_DAYS",
    "REGIONS",
    "CalendarDays",
    "Clock",
    "Day",
    "DayCounting",
    "DayKind",
    "Duration",
    "Note",
    "OfficeHours",
    "Override",
    "ProductionCalendar",
    "Reason",
    "RegionalDay",
    "TimeRange",
    "Working",
    "WorkingDays",
    "WorkingTime",
    "from_holidays",
    "from_workalendar",
    "in_words",
    "parse_instant",
    "regional",
    "russia",
]
