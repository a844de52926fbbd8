"""The simulated week's messages: who writes, where, about what, when, and what
will become of each. Invented texts and people (ILLUSTRATIVE), Russian as in life.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import TypeVar

import attrs

from regflow.core.message import Author, Message, Place
from regflow.rules.vocabulary import Platform

__all__ = ["ABUSE", "Plan", "week"]

T = TypeVar("T")

STORIES = {
    "plain": 50,
    "abusive": 8,
    "joint": 11,
    "interim": 11,
    "misrouted": 7,
    "clarification": 4,
}
"""What happens to a first message (weights); repeats, duplicates and a surge come on top."""

_TOPICS = {
    "snow-removal": (
        14,
        (
            "Когда почистят снег на {street}? Ни пройти, ни проехать.",
            "Тротуар на {street} не чистили с начала снегопада, люди падают.",
        ),
    ),
    "roads": (
        11,
        (
            "На {street} огромная яма, машины бьют колёса.",
            "Дорогу на {street} так и не доделали, кругом щебень.",
        ),
    ),
    "heating": (
        12,
        (
            "В доме на {street} батареи еле тёплые, дома +16.",
            "Нет отопления в подъезде на {street}, дети болеют.",
        ),
    ),
    "lighting": (6, ("Третий вечер не горят фонари на {street}, темно и страшно.",)),
    "yards": (7, ("Во дворе на {street} сломали детскую площадку, кто починит?",)),
    "garbage": (8, ("Мусор на {street} не вывозят неделю, контейнеры переполнены.",)),
    "water-supply": (6, ("На {street} опять нет холодной воды с утра.",)),
    "housing-management": (5, ("Управляющая компания на {street} не отвечает на звонки.",)),
    "public-transport": (9, ("Автобус по {street} не ходит по расписанию, ждём по 40 минут.",)),
    "parking": (4, ("На {street} всю парковку заняли брошенные машины.",)),
    "schools": (4, ("В школе рядом с {street} холодно в классах.",)),
    "kindergartens": (4, ("Как попасть в детский сад на {street}? Очередь не движется.",)),
    "social-support": (4, ("Пенсионерке с {street} не могут оформить компенсацию.",)),
    "building-permits": (2, ("На {street} строят что-то без паспорта объекта, это законно?",)),
    "land": (1, ("Кто размечает участки у {street}? Забор перекрыл проход.",)),
    "advertising": (1, ("Рекламный щит на {street} закрывает светофор.",)),
}
_JOINT = (
    ("snow-removal", "public-transport"),
    ("roads", "schools"),
    ("heating", "kindergartens"),
    ("yards", "social-support"),
    ("lighting", "parking"),
    ("garbage", "housing-management", "building-permits"),
)
"""Topics that need several departments' parts (п. 15)."""
_STREETS = (
    "Зейской",
    "Ленина",
    "Амурской",
    "Горького",
    "Пионерской",
    "Красноармейской",
    "Театральной",
    "Калинина",
    "Мухина",
    "50 лет Октября",
    "Чайковского",
)
_AREAS: tuple[tuple[str | None, float], ...] = (("Северный", 15), ("Моховая Падь", 10), (None, 75))
ABUSE = (
    ("insult", "Вы там все идиоты в администрации?"),
    ("insult", "Чиновники — бездельники и дебилы."),
    ("insult", "Да вы просто клоуны, а не власть."),
    ("threat-to-official", "Если не сделаете, приду и сожгу вашу администрацию!"),
)
"""What makes a message abusive (п. 18), with the category the screener should find."""
_NAMES = (
    "Ирина К.",
    "Сергей",
    "Ольга Петровна",
    "Дмитрий В.",
    "Наталья",
    "Алексей М.",
    "Татьяна",
    "Виктор",
    "Анна С.",
    "Евгений",
    "Марина",
    "Павел Н.",
)
_PLATFORMS: tuple[tuple[Platform, float], ...] = (
    (Platform.VK, 60),
    (Platform.OK, 14),
    (Platform.FORUM, 8),
    (Platform.REVIEW_SITE, 7),
    (Platform.VIDEO_HOSTING, 6),
    (Platform.BLOG, 5),
)
_HOURS = (1, 1, 1, 1, 1, 2, 3, 5, 7, 9, 10, 10, 9, 9, 9, 8, 8, 9, 10, 11, 11, 9, 6, 3)
"""Relative number of messages per local hour: few at night, most in the day and evening."""
_DAYS = (1.0, 1.0, 1.0, 0.95, 0.95, 0.6, 0.55)
_SYSTEMS = ("medialogia", "incident-manager")


@attrs.frozen
class Plan:
    """One message of the week and what will become of it."""

    id: int
    message: Message
    topics: tuple[str, ...]
    location: str | None
    story: str
    importance: str = "normal"
    significant: bool = False
    rework: bool = False
    closed_comments: bool = False
    repeat_of: int | None = None
    """The plan whose case this message repeats (п. 16)."""


def _pick(rng: random.Random, weighted: Sequence[tuple[T, float]]) -> T:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


class _Writer:
    """Makes messages: places, links, authors and texts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.serial = 0

    def message(
        self, detected: dt.datetime, text: str, author: Author, platform: Platform | None = None
    ) -> Message:
        rng = self.rng
        self.serial += 1
        n = self.serial
        platform = platform or _pick(rng, _PLATFORMS)
        place, url = self._place(platform, n)
        return Message(
            platform=platform,
            place=place,
            url=url,
            author=author,
            text=text,
            published_at=detected - dt.timedelta(minutes=rng.randint(2, 55)),
            detected_at=detected,
            reach=rng.randint(30, 9000),
            source_system=rng.choice(_SYSTEMS),
            source_event_id=f"demo-{n}",
        )

    def _place(self, platform: Platform, n: int) -> tuple[Place, str]:
        post, comment = str(1000 + n), str(50000 + n)
        if platform in (Platform.VK, Platform.OK):
            owner = self.rng.choice(("-100000001", "-170000001", "-180000002"))
            host = "vk.com/wall" if platform == Platform.VK else "ok.ru/group"
            return (
                Place(owner_id=owner, post_id=post, comment_id=comment),
                f"https://{host}{owner}_{post}?reply={comment}",
            )
        if platform in (Platform.FORUM, Platform.REVIEW_SITE):
            return (
                Place(topic_id=post, message_id=comment),
                f"https://{platform.value}.example.invalid/t/{post}#{comment}",
            )
        return Place(post_id=post), f"https://{platform.value}.example.invalid/p/{post}"

    def author(self) -> Author:
        return Author(str(self.rng.randint(10_000, 9_999_999)), self.rng.choice(_NAMES))

    def text(self, topics: Sequence[str], location: str | None) -> str:
        street = self.rng.choice(_STREETS)
        parts = [self.rng.choice(_TOPICS[t][1]).format(street=street) for t in topics]
        where = f" ({location})" if location else ""
        return " ".join(parts) + where


def _instant(rng: random.Random, start: dt.datetime) -> dt.datetime:
    day = rng.choices(range(7), _DAYS)[0]
    hour = rng.choices(range(24), _HOURS)[0]
    return start + dt.timedelta(days=day, hours=hour, minutes=rng.randint(0, 59))


def week(rng: random.Random, start: dt.datetime, count: int) -> list[Plan]:
    """``count`` messages detected in the week from ``start``, by detection time."""
    writer = _Writer(rng)
    surge = 6 if count >= 60 else 0
    duplicates = round(count * 0.04)
    repeats = round(count * 0.07)
    plans: list[Plan] = []
    for _ in range(count - surge - duplicates - repeats):
        story = _pick(rng, list(STORIES.items()))
        location = _pick(rng, _AREAS)
        if story == "joint":
            topics: tuple[str, ...] = rng.choice(_JOINT)
        else:
            topics = (_pick(rng, [(t, w) for t, (w, _) in _TOPICS.items()]),)
        text = writer.text(topics, location)
        if story == "abusive":
            text = f"{text} {rng.choice(ABUSE)[1]}"
        importance = _pick(rng, [("high", 10), ("normal", 75), ("low", 15)])
        message = writer.message(_instant(rng, start), text, writer.author())
        plans.append(
            Plan(
                len(plans),
                message,
                topics,
                location,
                story,
                importance=importance,
                significant=rng.random() < 0.03,
                rework=rng.random() < 0.12,
                closed_comments=rng.random() < 0.03,
            )
        )
    # a surge: Tuesday evening, one district without heating (п. 20)
    evening = start + dt.timedelta(days=1, hours=19)
    for _ in range(surge):
        detected = evening + dt.timedelta(minutes=rng.randint(0, 200))
        text = writer.text(("heating",), "Северный")
        message = writer.message(detected, text, writer.author())
        plans.append(Plan(len(plans), message, ("heating",), "Северный", "plain"))
    end = start + dt.timedelta(days=7)
    early = [p for p in plans if p.message.detected_at < end - dt.timedelta(days=2)]
    firsts = [p for p in early if p.story in ("plain", "interim")]
    for _ in range(repeats if firsts else 0):
        first = rng.choice(firsts)
        detected = first.message.detected_at + dt.timedelta(hours=rng.randint(20, 70))
        text = f"Уже писал(а), ничего не изменилось! {writer.text(first.topics, first.location)}"
        message = writer.message(detected, text, first.message.author, first.message.platform)
        plans.append(
            Plan(len(plans), message, first.topics, first.location, "plain", repeat_of=first.id)
        )
    for _ in range(duplicates if early else 0):
        first = rng.choice(early)
        later = first.message.detected_at + dt.timedelta(minutes=rng.randint(3, 40))
        system = next(s for s in _SYSTEMS if s != first.message.source_system)
        message = attrs.evolve(
            first.message,
            detected_at=later,
            source_system=system,
            source_event_id=f"{first.message.source_event_id}-again",
        )
        plans.append(Plan(len(plans), message, first.topics, first.location, "duplicate"))
    return sorted(plans, key=lambda p: (p.message.detected_at, p.id))
