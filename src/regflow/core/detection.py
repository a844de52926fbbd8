"""When a message counts as detected: the instant the п. 9 clock starts.

The Blagoveshchensk order counts the answer's 8 working hours "from the
moment the curator detected the message" (п. 9). A monitoring system
registers the message first (:attr:`~regflow.core.Message.detected_at`);
the curator's portal takes the record in later. Which of the two counts is
a reading of the regulation (:class:`~regflow.rules.DetectionMoment`, set
by the ``detection-moment`` interpretation of the built-in ruleset), and
every way into the engine asks :func:`detection_instant`, so one message
gets one set of deadlines however it arrives.
"""

from __future__ import annotations

import datetime as dt

from regflow.core.message import Message
from regflow.rules.kinds import DetectionMoment
from regflow.rules.regulation import Regulation

__all__ = ["detection_instant"]


def detection_instant(
    regulation: Regulation, message: Message, received: dt.datetime
) -> dt.datetime:
    """The instant ``message`` counts as detected under ``regulation``'s reading.

    Args:
        regulation: its ``effective.intake.detection`` decides.
        message: the message taken in.
        received: when the curator's portal took the record in (aware).

    Returns:
        ``message.detected_at`` for :attr:`DetectionMoment.MONITORING`,
        ``received`` for :attr:`DetectionMoment.CURATOR`.

    Raises:
        ValueError: ``received`` has no time zone.

    >>> from regflow.rules import blagoveshchensk_2020
    >>> from regflow.core.message import Author, Place, Platform
    >>> utc = dt.timezone.utc
    >>> message = Message(
    ...     platform=Platform.VK, place=Place(post_id="1"), url="https://vk.com/wall-1_1",
    ...     author=Author("1"), text="Яма на дороге",
    ...     published_at=dt.datetime(2025, 11, 20, 1, 0, tzinfo=utc),
    ...     detected_at=dt.datetime(2025, 11, 20, 1, 10, tzinfo=utc),
    ...     source_system="medialogia", source_event_id="1")
    >>> received = dt.datetime(2025, 11, 20, 2, 0, tzinfo=utc)
    >>> regulation = blagoveshchensk_2020()
    >>> detection_instant(regulation, message, received).time()
    datetime.time(2, 0)
    >>> monitoring = regulation.choose(**{"detection-moment": "monitoring"})
    >>> detection_instant(monitoring, message, received).time()
    datetime.time(1, 10)
    """
    if received.utcoffset() is None:
        raise ValueError(f"received {received.isoformat()} has no time zone")
    if regulation.effective.intake.detection is DetectionMoment.CURATOR:
        return received
    return message.detected_at
