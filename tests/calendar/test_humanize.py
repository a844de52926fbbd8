"""Durations in Russian words and instants typed by people, with the standard library only."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from regflow.calendar import in_words, parse_instant
from regflow.calendar.humanize import plural_ru
from regflow.errors import CalendarError

HOURS = ("час", "часа", "часов")


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (0, "часов"),
        (1, "час"),
        (2, "часа"),
        (3, "часа"),
        (4, "часа"),
        (5, "часов"),
        (10, "часов"),
        (11, "часов"),  # 11-14 take "many", though they end in 1-4
        (12, "часов"),
        (13, "часов"),
        (14, "часов"),
        (15, "часов"),
        (20, "часов"),
        (21, "час"),
        (22, "часа"),
        (24, "часа"),
        (25, "часов"),
        (100, "часов"),
        (101, "час"),
        (111, "часов"),
        (112, "часов"),
        (114, "часов"),
        (121, "час"),
        (1001, "час"),
        (1011, "часов"),
    ],
)
def test_the_russian_plural_rule(n: int, expected: str) -> None:
    assert plural_ru(n, *HOURS) == expected


@pytest.mark.parametrize(
    ("duration", "words"),
    [
        (dt.timedelta(hours=1), "1 час"),
        (dt.timedelta(hours=2), "2 часа"),
        (dt.timedelta(hours=5), "5 часов"),
        (dt.timedelta(hours=11), "11 часов"),
        (dt.timedelta(hours=21), "21 час"),
        (dt.timedelta(hours=23), "23 часа"),
        (dt.timedelta(minutes=1), "1 минута"),
        (dt.timedelta(minutes=2), "2 минуты"),
        (dt.timedelta(minutes=11), "11 минут"),
        (dt.timedelta(minutes=12), "12 минут"),
        (dt.timedelta(minutes=21), "21 минута"),
        (dt.timedelta(minutes=44), "44 минуты"),
        (dt.timedelta(minutes=45), "45 минут"),
        (dt.timedelta(days=1), "1 день"),
        (dt.timedelta(days=3), "3 дня"),
        (dt.timedelta(days=7), "7 дней"),
        (dt.timedelta(days=11), "11 дней"),
        (dt.timedelta(days=21), "21 день"),
        (dt.timedelta(days=4, hours=16), "4 дня 16 часов"),
        (dt.timedelta(days=1, minutes=1), "1 день 1 минута"),
        (dt.timedelta(days=2, hours=1, minutes=31), "2 дня 1 час 31 минута"),
        (dt.timedelta(hours=2, minutes=30, seconds=59), "2 часа 30 минут"),  # seconds dropped
        (dt.timedelta(seconds=59), "0 минут"),
        (dt.timedelta(0), "0 минут"),
        (dt.timedelta(hours=-1), "минус 1 час"),
        (dt.timedelta(hours=-2, minutes=-5), "минус 2 часа 5 минут"),
        (dt.timedelta(seconds=-30), "0 минут"),
    ],
)
def test_durations_in_russian_words(duration: dt.timedelta, words: str) -> None:
    assert in_words(duration) == words


def test_durations_in_english_words() -> None:
    assert in_words(dt.timedelta(days=1, hours=2, minutes=1), "en") == "1 day 2 hours 1 minute"
    assert in_words(dt.timedelta(minutes=-21), "en") == "minus 21 minutes"


def test_another_language_is_refused_by_name() -> None:
    with pytest.raises(CalendarError, match="'de'"):
        in_words(dt.timedelta(hours=1), "de")


YAKUTSK = ZoneInfo("Asia/Yakutsk")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-10-31 17:45", dt.datetime(2025, 10, 31, 17, 45, tzinfo=YAKUTSK)),
        ("2025-10-31T17:45:30", dt.datetime(2025, 10, 31, 17, 45, 30, tzinfo=YAKUTSK)),
        (" 2025-10-31 17:45 ", dt.datetime(2025, 10, 31, 17, 45, tzinfo=YAKUTSK)),
        ("2025-10-31", dt.datetime(2025, 10, 31, tzinfo=YAKUTSK)),
        ("2025-10-31T08:45:00Z", dt.datetime(2025, 10, 31, 8, 45, tzinfo=dt.UTC)),
        (
            "2025-10-31T11:45+03:00",
            dt.datetime(2025, 10, 31, 11, 45, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        ),
    ],
)
def test_instants_as_people_type_them(text: str, expected: dt.datetime) -> None:
    parsed = parse_instant(text, "Asia/Yakutsk")
    assert parsed == expected
    assert parsed.utcoffset() == expected.utcoffset()


def test_a_local_time_is_read_in_the_zone_given_as_an_object() -> None:
    assert parse_instant("2025-10-31 17:45", YAKUTSK).utcoffset() == dt.timedelta(hours=9)


@pytest.mark.parametrize("text", ["", "вчера", "31.10.2025 17:45", "17:45", "2025-13-01"])
def test_what_is_not_an_instant_is_refused(text: str) -> None:
    with pytest.raises(CalendarError, match="not a date and time"):
        parse_instant(text, "Asia/Yakutsk")


def test_an_unknown_zone_is_refused_by_name() -> None:
    with pytest.raises(CalendarError, match="Asia/Nowhere"):
        parse_instant("2025-10-31 17:45", "Asia/Nowhere")
