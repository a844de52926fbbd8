"""A sample municipality to run the shipped scenarios on: the example Blagoveshchensk
organisation (people, departments, absences, deputies, accounts; the same file as
``examples/blagoveshchensk/organization.toml``) under the built-in ruleset, and helpers
that make instants and messages in its time zone."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from regflow.core.message import Author, Message, Place
from regflow.core.organization import Organization
from regflow.rules import Regulation, blagoveshchensk_2020
from regflow.rules.vocabulary import Platform

__all__ = ["ZONE", "at", "message", "sample_organization", "sample_regulation"]

ZONE = ZoneInfo("Asia/Yakutsk")
"""Blagoveshchensk's time zone."""
_ids = itertools.count(1)


@functools.cache
def sample_organization() -> Organization:
    """The example organisation (read once from the package's data)."""
    text = resources.files("regflow").joinpath("data/blagoveshchensk_organization.toml")
    return Organization.from_toml(text.read_text(encoding="utf-8"), source=str(text))


@functools.cache
def sample_regulation() -> Regulation:
    """The built-in ruleset, with its default readings."""
    return blagoveshchensk_2020()


def at(text: str) -> dt.datetime:
    """``'YYYY-MM-DD HH:MM'`` in Asia/Yakutsk."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=ZONE)


def message(detected: dt.datetime, **changes: Any) -> Message:
    """A VK comment published five minutes before it was detected (each call another post).

    ``changes`` replace any of :class:`~regflow.core.message.Message`'s fields.
    """
    number = next(_ids)
    base = Message(
        platform=Platform.VK,
        place=Place(owner_id="-100000001", post_id=str(1000 + number), comment_id=str(number)),
        url=f"https://vk.com/wall-100000001_{1000 + number}?reply={number}",
        author=Author(id=str(500 + number), name="Житель"),
        text="На улице Ленина третий день не убирают снег",
        published_at=detected - dt.timedelta(minutes=5),
        detected_at=detected,
        source_system="test",
        source_event_id=f"event-{number}",
    )
    return attrs.evolve(base, **changes)
