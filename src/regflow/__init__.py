"""regflow: a municipal regulation on answering citizens' online messages, made executable.

The public API is curated here; subpackages (``regflow.calendar``...) hold the
details. See ``README.md`` and ``docs/``.
"""

from regflow.calendar import (
    Clock,
    DayKind,
    OfficeHours,
    ProductionCalendar,
    Working,
    WorkingDays,
    WorkingTime,
    russia,
)
from regflow.errors import (
    CalendarError,
    InvalidCalendar,
    InvalidOfficeHours,
    NaiveDatetime,
    OutOfCalendarRange,
    RegflowError,
)

__version__ = "0.1.0"

__all__ = [
    "CalendarError",
    "Clock",
    "DayKind",
    "InvalidCalendar",
    "InvalidOfficeHours",
    "NaiveDatetime",
    "OfficeHours",
    "OutOfCalendarRange",
    "ProductionCalendar",
    "RegflowError",
    "Working",
    "WorkingDays",
    "WorkingTime",
    "__version__",
    "russia",
]
