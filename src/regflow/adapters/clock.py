"""Clocks: the system clock, the one place regflow reads the time of day, and a clock
that says what it is told (a command run "as of" an instant, a simulated week)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from regflow.errors import NaiveDatetime

__all__ = ["FixedClock", "SystemClock"]


class SystemClock:
    """A :class:`~regflow.ports.Clock` reading the operating system's clock, in UTC."""

    def now(self) -> dt.datetime:
        """The current instant, aware (UTC)."""
        return dt.datetime.now(dt.UTC)


def _aware(_instance: object, _attribute: object, value: dt.datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(value, "instant")


@attrs.define
class FixedClock:
    """A :class:`~regflow.ports.Clock` stopped at ``instant`` until it is set or advanced.

    For a command run as of an instant (``regflow tick --now``) and for a
    simulation that moves time on itself (``regflow demo``).

    Raises:
        NaiveDatetime: ``instant`` has no time zone (when made or set).
    """

    instant: dt.datetime = attrs.field(validator=_aware, on_setattr=attrs.setters.validate)

    def now(self) -> dt.datetime:
        """The instant set."""
        return self.instant

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        """Move time on by ``delta``; returns the new instant."""
        self.instant = self.instant + delta
        return self.instant


if TYPE_CHECKING:
    from regflow.ports import Clock

    _check: Clock = SystemClock()
    _fixed: Clock = FixedClock(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
