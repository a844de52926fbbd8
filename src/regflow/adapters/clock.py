"""The system clock: the one place regflow reads the time of day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

__all__ = ["SystemClock"]


class SystemClock:
    """A :class:`~regflow.ports.Clock` reading the operating system's clock, in UTC."""

    def now(self) -> dt.datetime:
        """The current instant, aware (UTC)."""
        return dt.datetime.now(dt.UTC)


if TYPE_CHECKING:
    from regflow.ports import Clock

    _check: Clock = SystemClock()
