"""п. 9: one instant of detection, however the message comes in.

The service's intake and the CLI's ``ingest`` both ask
``regflow.core.detection_instant``: under the default reading (the text's
"detected by the curator") the clocks start at the moment the record is
received, under ``detection-moment = monitoring`` at the record's
``detected_at``. 2025-11-24 is a Monday; working time 9-13, 14-18.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.core import Message, detection_instant
from regflow.rules import Regulation
from regflow.service import Municipality, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier, RecordingPublisher
from tests.engine.conftest import ORG, REGULATION, at

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample_messages.jsonl"

MONITORING_READING = REGULATION.choose(**{"detection-moment": "monitoring"})
FIRST = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
"""The sample's VK comment about snow: detected by the monitoring system at 08:10."""


def answer_due(regulation: Regulation, received: dt.datetime) -> tuple[dt.datetime, str]:
    clock = FixedClock(received)
    service = open_service(
        store=MemoryStore(),
        municipalities=[Municipality(ORG, (regulation,))],
        notifier=RecordingNotifier(),
        publisher=RecordingPublisher(),
        screener=KeywordScreener(),
        clock=clock,
        tolerance=None,  # a simulated clock: commands declare the times
    )
    case_id, opened = service.intake_record(FIRST, organization=ORG.id, actor="sokolova")
    assert opened
    case = service.case(case_id)
    due = next(d.due for d in service.deadlines(case_id) if d.id == "answer")
    return case.detected_at, due.strftime("%Y-%m-%d %H:%M")


def test_p09_under_the_monitoring_reading_the_clock_starts_when_the_system_registered_it() -> None:
    detected, due = answer_due(MONITORING_READING, at("2025-11-24 10:00"))
    assert detected == at("2025-11-24 08:10")  # the record's, not the portal's 10:00
    assert due == "2025-11-24 18:00"  # 9-13 + 14-18


def test_p09_by_default_the_clock_starts_when_the_record_reached_the_curator() -> None:
    detected, due = answer_due(REGULATION, at("2025-11-24 10:00"))
    assert detected == at("2025-11-24 10:00")
    assert due == "2025-11-25 10:00"  # 10-13 + 14-18 = 7 h, then 9-10 on Tuesday


def test_p09_detection_instant_is_the_one_rule_both_paths_ask() -> None:
    message = Message.from_record(FIRST)
    received = at("2025-11-24 10:00")
    assert detection_instant(MONITORING_READING, message, received) == message.detected_at
    assert detection_instant(REGULATION, message, received) == received
    with pytest.raises(ValueError, match="no time zone"):
        detection_instant(REGULATION, message, dt.datetime(2025, 11, 24, 10))
