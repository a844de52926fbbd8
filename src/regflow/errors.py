"""The errors regflow raises, all under one root.

Every error is a :class:`RegflowError` and also subclasses the builtin it is
closest to, so callers may catch either::

    RegflowError
    ├── CalendarError (ValueError)
    │   ├── InvalidCalendar            a calendar's data or override is wrong
    │   ├── InvalidOfficeHours         office hours that overlap, run backwards...
    │   ├── OutOfCalendarRange (+ LookupError)
    │   │                              a date the calendar has no data for
    │   └── NaiveDatetime              a datetime without a time zone
    ├── InvalidRegulation (ValueError) a regulation's rules, all problems with paths
    ├── NoRegulationInForce (LookupError)
    │                                  a day before (or after) every version of a regulation
    ├── CommandRefused                 a command the rules do not allow; changes nothing
    │   ├── PermissionDenied (+ PermissionError)
    │   │                              wrong role, department, executor; absent
    │   └── RuleViolation (+ ValueError)
    │                                  wrong order of steps, content, stage
    ├── TamperedHistory (ValueError)   a case's hash chain does not verify
    ├── CorruptCase (ValueError)       a stored case that cannot be read, verified or bound
    ├── InvalidAnchor (ValueError)     an anchor file unreadable, malformed or wrongly signed
    ├── UntrustedTime (ValueError)     a declared time too far from when the service received it
    ├── UnknownCase (LookupError)      a command for a case that was never detected
    ├── StorageError (OSError)         the store failed; the driver's error is the cause
    │   └── ConcurrencyConflict        a case changed under us; reload and retry
    ├── DeliveryError                  a notification was not delivered (``transient``?)
    └── PublishError                   an answer was not published (``transient``?)
    ├── InvalidMessage (ValueError)    a detected message that cannot be taken in
    ├── InvalidOrganization (ValueError)
    │                                  unknown people, duplicate ids, reversed absences...
    ├── NoExecutorAvailable (LookupError)
    │                                  every executor of a department is absent that day
    ├── NotAnExecutor (ValueError)     a person asked to act for a department he does not serve
    ├── MissingExtra (ImportError)     an optional dependency is not installed; names the extra
    ├── InvalidTarget (ValueError)     an adapter's target (store URL, --notify, --publish) is wrong
    └── ...                            (core and storage errors join here)

    Problem                            one finding (path, message) of an error that
                                       reports all it found at once, in ``.problems``

Errors keep the fields a caller needs (``.path``, ``.day``...) besides the
message, so a program can react without parsing text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

__all__ = [
    "CalendarError",
    "CommandRefused",
    "ConcurrencyConflict",
    "CorruptCase",
    "DeliveryError",
    "InvalidAnchor",
    "InvalidCalendar",
    "InvalidMessage",
    "InvalidOfficeHours",
    "InvalidOrganization",
    "InvalidRegulation",
    "InvalidTarget",
    "MissingExtra",
    "NaiveDatetime",
    "NoExecutorAvailable",
    "NoRegulationInForce",
    "NotAnExecutor",
    "OutOfCalendarRange",
    "PermissionDenied",
    "Problem",
    "PublishError",
    "RegflowError",
    "RuleViolation",
    "StorageError",
    "TamperedHistory",
    "UnknownCase",
    "UntrustedTime",
]


class RegflowError(Exception):
    """The root of every error regflow raises."""


class CalendarError(RegflowError, ValueError):
    """A problem with working time: calendar data, office hours or an instant."""


class InvalidCalendar(CalendarError):
    """A production calendar's data or one of its overrides is inconsistent.

    ``path`` names the offending entry (``"overrides[2]"``, ``"2025-11-01"``).
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class InvalidOfficeHours(CalendarError):
    """Office hours that cannot be used: overlapping, reversed or out-of-day intervals.

    ``path`` names the offending entry (``"weekly[0][1]"``, ``"exceptions[2025-12-31]"``).
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class OutOfCalendarRange(CalendarError, LookupError):
    """A date outside the years a calendar has data for.

    ``day`` is the date asked for; ``first_year`` and ``last_year`` bound the data.
    """

    def __init__(self, day: dt.date, first_year: int, last_year: int, calendar: str) -> None:
        super().__init__(
            f"{day.isoformat()} is outside calendar {calendar!r}, which covers "
            f"{first_year}-{last_year}; add data for that year, or build the calendar "
            "with extend=True to treat other years by the weekly pattern"
        )
        self.day = day
        self.first_year = first_year
        self.last_year = last_year
        self.calendar = calendar


class NaiveDatetime(CalendarError, TypeError):
    """A datetime without tzinfo where an instant is needed.

    ``argument`` names the parameter that received it.
    """

    def __init__(self, value: dt.datetime, argument: str) -> None:
        super().__init__(
            f"{argument}={value.isoformat()} has no time zone; pass an aware datetime "
            "(e.g. datetime(..., tzinfo=ZoneInfo('Asia/Yakutsk')))"
        )
        self.value = value
        self.argument = argument


@attrs.frozen
class Problem:
    """One problem found while checking a definition: where, and what.

    ``line`` (the line of the file the path is written on) and ``by_id`` (the path with
    entries named by id, ``$.deadlines[answer].limit``) are set where a file was read;
    they do not take part in equality.
    """

    path: str
    message: str
    line: int | None = attrs.field(default=None, eq=False)
    by_id: str = attrs.field(default="", eq=False)

    def __str__(self) -> str:
        where = self.path
        notes = [self.by_id] if self.by_id and self.by_id != self.path else []
        if self.line is not None:
            notes.append(f"line {self.line}")
        if notes:
            where += f" ({', '.join(notes)})"
        return f"{where}: {self.message}" if where else self.message


class InvalidRegulation(RegflowError, ValueError):
    """A regulation's rules are inconsistent. ``problems`` lists every one, with its path."""

    def __init__(self, problems: tuple[Problem, ...], *, regulation: str = "") -> None:
        head = f"regulation {regulation} is invalid" if regulation else "invalid regulation"
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{head} ({count}):\n" + "\n".join(f"  {p}" for p in problems))
        self.problems = problems
        self.path = problems[0].path if problems else ""


class NoRegulationInForce(RegflowError, LookupError):
    """No version of a regulation is in force on ``day`` (a message from before the
    regulation took effect, or after its last version ended).

    ``day`` is the local date asked about; ``versions`` the versions known, as
    ``id@version (from DATE)``.
    """

    def __init__(self, day: dt.date, versions: tuple[str, ...] = ()) -> None:
        known = f"; known: {', '.join(versions)}" if versions else ""
        super().__init__(f"no regulation version is in force on {day.isoformat()}{known}")
        self.day = day
        self.versions = versions

    def __reduce__(self) -> tuple[type[NoRegulationInForce], tuple[dt.date, tuple[str, ...]]]:
        return type(self), (self.day, self.versions)


class CommandRefused(RegflowError):
    """A command the regulation does not allow; nothing was changed.

    ``clause`` cites the rule (empty for a step no clause provides, such as
    closing a case), ``case_id`` and ``command`` say where.
    """

    def __init__(self, message: str, *, clause: str, case_id: str = "", command: str = "") -> None:
        where = f"case {case_id}: " if case_id else ""
        cited = clause or "no clause: an addition of the library"
        super().__init__(f"{where}{command + ': ' if command else ''}{message} ({cited})")
        self.reason = message
        self.clause = clause
        self.case_id = case_id
        self.command = command


class PermissionDenied(CommandRefused, PermissionError):
    """The actor may not issue this command: wrong role, department or executor, or absent."""


class RuleViolation(CommandRefused, ValueError):
    """The command breaks a rule: a step out of order, missing content, a closed case."""


class TamperedHistory(RegflowError, ValueError):
    """A case's events do not verify: one was edited, removed or reordered.

    ``case_id`` and ``seq`` name the first event that fails.
    """

    def __init__(self, message: str, *, case_id: str, seq: int) -> None:
        super().__init__(f"case {case_id}, event {seq}: {message}")
        self.case_id = case_id
        self.seq = seq


class CorruptCase(RegflowError, ValueError):
    """A stored case that cannot be worked on: an event that does not decode, a broken
    hash chain, a history that does not replay, or an unknown municipality or
    regulation version. The service skips it (and says so) instead of stopping.

    ``case_id`` names the case, ``reason`` says what is wrong; the original error is
    the ``__cause__``.
    """

    def __init__(self, case_id: str, reason: str) -> None:
        super().__init__(f"case {case_id} cannot be worked on: {reason}")
        self.case_id = case_id
        self.reason = reason

    def __reduce__(self) -> tuple[type[CorruptCase], tuple[str, str]]:
        return type(self), (self.case_id, self.reason)


class _Problems(RegflowError):
    """An error that reports every problem it found; ``path`` is the first one's."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        self.path = self.problems[0].path if self.problems else ""
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple[type[_Problems], tuple[tuple[Problem, ...]]]:
        return type(self), (self.problems,)


class InvalidMessage(_Problems, ValueError):
    """A detected message, or its record, that cannot be taken in.

    ``problems`` lists every :class:`Problem` found, ``path`` is the first
    one's (``"$.published_at"``); ``str()`` gives one ``path: message`` a line.
    """


class InvalidOrganization(_Problems, ValueError):
    """An organisation that does not hold together: unknown people, duplicate ids...

    ``problems`` lists every :class:`Problem` found, ``path`` is the first
    one's (``"$.departments[2].head"``); ``str()`` gives one ``path: message``
    a line.
    """


class NoExecutorAvailable(RegflowError, LookupError):
    """Every executor of a department is absent on a day (п. 6), so no one can act.

    ``department`` is the department's id, ``day`` the date asked about.
    """

    def __init__(self, department: str, day: dt.date) -> None:
        super().__init__(
            f"no executor of department {department!r} is present on {day.isoformat()}; "
            "record a substitute among its executors (п. 6)"
        )
        self.department = department
        self.day = day

    def __reduce__(self) -> tuple[type[NoExecutorAvailable], tuple[str, dt.date]]:
        return type(self), (self.department, self.day)


class NotAnExecutor(RegflowError, ValueError):
    """A person asked to act for a department whose executors do not include him.

    ``person`` and ``department`` are the ids given.
    """

    def __init__(self, person: str, department: str) -> None:
        super().__init__(f"{person!r} is not an executor of department {department!r}")
        self.person = person
        self.department = department

    def __reduce__(self) -> tuple[type[NotAnExecutor], tuple[str, str]]:
        return type(self), (self.person, self.department)


class StorageError(RegflowError, OSError):
    """The store failed (the database is unreachable, a disk is full...).

    The driver's own exception is the ``__cause__``.
    """


class ConcurrencyConflict(StorageError):
    """A case's events changed since it was loaded: ``expected`` events were expected,
    ``actual`` are there. Nothing was written; reload the case and decide again."""

    def __init__(self, case_id: str, expected: int, actual: int) -> None:
        super().__init__(
            f"case {case_id}: expected {expected} events, found {actual}; reload and retry"
        )
        self.case_id = case_id
        self.expected = expected
        self.actual = actual


class _EffectError(RegflowError):
    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        retry_after: float | None = None,
        code: str = "",
        credentials: bool = False,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after
        self.code = code
        self.credentials = credentials


class DeliveryError(_EffectError):
    """A notification was not delivered.

    ``transient`` errors are retried with backoff (``retry_after`` seconds if
    the receiver said); others are given up and reported. ``code`` is the
    receiver's own error code, if any. ``credentials`` says the channel's own
    credentials were refused (SMTP 535, a webhook's 401 or 403): nothing can go
    through it until an operator fixes them, so the service pauses the channel
    and keeps its notifications rather than failing each one.
    """


class PublishError(_EffectError):
    """An answer was not published.

    ``transient`` errors (timeouts, rate limits, server errors) are retried;
    permanent ones (comments closed, access denied, a captcha that needs a
    person) go back to the curator. ``code`` is the network's error code.
    """


class MissingExtra(RegflowError, ImportError):
    """A function needs an optional dependency that is not installed.

    ``extra`` names the extra that brings it (``pip install 'regflow[EXTRA]'``).
    """

    def __init__(self, what: str, extra: str) -> None:
        super().__init__(f"{what} needs the {extra} extra: pip install 'regflow[{extra}]'")
        self.extra = extra


class InvalidTarget(RegflowError, ValueError):
    """A target names no adapter, or one that cannot be set up as written (a missing
    part, a missing secret); see :mod:`regflow.bootstrap`. ``target`` is the target as
    given (secrets are never in it: they come from the environment)."""

    def __init__(self, target: str, message: str) -> None:
        super().__init__(f"{target}: {message}")
        self.target = target


class UnknownCase(RegflowError, LookupError):
    """A command for a case that does not exist (a case starts with its detection).

    ``case_id`` names it.
    """

    def __init__(self, case_id: str) -> None:
        super().__init__(f"no case {case_id!r}: a case starts with its detection")
        self.case_id = case_id


class InvalidAnchor(RegflowError, ValueError):
    """An anchor file that cannot be used: unreadable, of the wrong shape, or its signature
    does not hold. ``path`` names the file; the message names the field (``$.link``)."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class UntrustedTime(RegflowError, ValueError):
    """A command declared a time (``at``) further from the instant the service received it
    (``received``, by its clock) than the service's tolerance allows; nothing was stored.
    Another system's history is taken in with ``Service.import_history``, which marks it."""

    def __init__(
        self,
        *,
        case_id: str,
        declared: dt.datetime,
        received: dt.datetime,
        behind: dt.timedelta,
        ahead: dt.timedelta,
    ) -> None:
        skew = declared - received
        side = f"{-skew} before" if skew < dt.timedelta(0) else f"{skew} after"
        super().__init__(
            f"case {case_id}: the declared time {declared.isoformat()} is {side} the time "
            f"the service received the command ({received.isoformat()}); accepted are "
            f"{behind} before to {ahead} after (import another system's history with "
            "Service.import_history or regflow act --import)"
        )
        self.case_id = case_id
        self.declared = declared
        self.received = received
