"""The screeners and clocks pass their contracts."""

import datetime as dt

import pytest

from regflow.adapters.clock import SystemClock
from regflow.adapters.screener_ru import RussianScreener
from regflow.testing import ClockContract, FixedClock, KeywordScreener, ScreenerContract


class TestRussianScreener(ScreenerContract):
    flagged_text = "Мэр, я вас убью. Вы все идиоты!"

    @pytest.fixture
    def screener(self) -> RussianScreener:
        return RussianScreener()


class TestKeywordScreener(ScreenerContract):
    flagged_text = "Я вас убью, и тебя убью"

    @pytest.fixture
    def screener(self) -> KeywordScreener:
        return KeywordScreener({"убью": "threat-to-official"})


class TestSystemClock(ClockContract):
    @pytest.fixture
    def clock(self) -> SystemClock:
        return SystemClock()


class TestFixedClock(ClockContract):
    @pytest.fixture
    def clock(self) -> FixedClock:
        return FixedClock(dt.datetime(2025, 11, 24, 9, 0, tzinfo=dt.UTC))
