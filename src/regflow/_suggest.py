"""'Did you mean' for names a file's author mistyped (:mod:`difflib`)."""

from __future__ import annotations

import difflib
import functools
import zoneinfo
from collections.abc import Iterable

__all__ = ["did_you_mean", "timezone_hint"]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """``"; did you mean 'answer'?"`` for the closest of ``known``, or ``""`` if none is close."""
    candidates = list(known)
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not close:
        folded = {c.casefold(): c for c in candidates}
        close = [folded[name.casefold()]] if name.casefold() in folded else []
    return f"; did you mean {close[0]!r}?" if close else ""


@functools.cache
def _zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def timezone_hint(zone: str, example: str) -> str:
    """The suggestion for an unknown time zone: the closest IANA name, else ``example``."""
    return did_you_mean(zone, _zones()) or f"; e.g. {example!r}"
