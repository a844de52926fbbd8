"""Contract suites for the small ports: :class:`ScreenerContract` and :class:`ClockContract`.

Subclass them with a fixture that builds your adapter::

    class TestMyScreener(ScreenerContract):
        @pytest.fixture
        def screener(self):
            return MyScreener()

        flagged_text = "a text your screener flags"
"""

from __future__ import annotations

import datetime as dt

import pytest

from regflow.ports.effects import Clock, Screener

__all__ = ["ClockContract", "ScreenerContract"]

_ORDINARY = (
    "",
    "Когда уберут снег на улице Ленина? Третий день не проехать.",
    "Спасибо за быстрый ответ!",
    "ё" * 500,
)


class ScreenerContract:
    """Findings point into the text they came from, in order; ordinary text passes."""

    flagged_text: str = ""
    """A text the screener under test flags (subclasses set it)."""

    @pytest.fixture
    def screener(self) -> Screener:
        """The screener under test (subclasses override)."""
        raise NotImplementedError("give the contract a `screener` fixture")

    def test_an_ordinary_complaint_is_not_flagged(self, screener: Screener) -> None:
        for text in _ORDINARY:
            assert screener.screen(text) == (), text[:40]

    def test_findings_are_slices_of_the_text_in_order(self, screener: Screener) -> None:
        if not self.flagged_text:
            pytest.fail("set `flagged_text` to a text the screener flags")
        findings = screener.screen(self.flagged_text)
        assert findings, "the flagged text produced no finding"
        for finding in findings:
            assert 0 <= finding.start < finding.end <= len(self.flagged_text)
            assert self.flagged_text[finding.start : finding.end] == finding.text
            assert finding.category
        assert [f.start for f in findings] == sorted(f.start for f in findings)

    def test_screening_is_deterministic(self, screener: Screener) -> None:
        assert screener.screen(self.flagged_text) == screener.screen(self.flagged_text)


class ClockContract:
    """A clock gives aware instants that do not run backwards."""

    @pytest.fixture
    def clock(self) -> Clock:
        """The clock under test (subclasses override)."""
        raise NotImplementedError("give the contract a `clock` fixture")

    def test_now_is_aware(self, clock: Clock) -> None:
        assert clock.now().utcoffset() is not None

    def test_now_does_not_run_backwards(self, clock: Clock) -> None:
        readings = [clock.now() for _ in range(100)]
        assert readings == sorted(readings)

    def test_now_is_a_datetime(self, clock: Clock) -> None:
        assert isinstance(clock.now(), dt.datetime)
