"""regflow: a municipal regulation on answering citizens' online messages, made executable.

The public API is curated here; subpackages (``regflow.calendar``...) hold the
details. See ``README.md`` and ``docs/``.
"""

from regflow._version import __version__
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
from regflow.core import (
    Case,
    DeadlineState,
    Event,
    Message,
    Organization,
    deadlines,
    decide,
    evolve,
    handle,
    replay,
    verify,
)
from regflow.errors import (
    CalendarError,
    CommandRefused,
    InvalidCalendar,
    InvalidOfficeHours,
    InvalidRegulation,
    NaiveDatetime,
    OutOfCalendarRange,
    PermissionDenied,
    RegflowError,
    RuleViolation,
    TamperedHistory,
)
from regflow.rules import Regulation, blagoveshchensk_2020

__all__ = [
    "CalendarError",
    "Case",
    "Clock",
    "CommandRefused",
    "DayKind",
    "DeadlineState",
    "Event",
    "InvalidCalendar",
    "InvalidOfficeHours",
    "InvalidRegulation",
    "Message",
    "NaiveDatetime",
    "OfficeHours",
    "Organization",
    "OutOfCalendarRange",
    "PermissionDenied",
    "ProductionCalendar",
    "RegflowError",
    "Regulation",
    "RuleViolation",
    "TamperedHistory",
    "Working",
    "WorkingDays",
    "WorkingTime",
    "__version__",
    "blagoveshchensk_2020",
    "deadlines",
    "decide",
    "evolve",
    "handle",
    "replay",
    "russia",
    "verify",
]
