"""The service over the memory store: intake, commands, tick, dispatch."""

from __future__ import annotations

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.core import Classify
from regflow.service import Service
from regflow.testing import FixedClock, RecordingNotifier
from tests.engine.conftest import ORG, at, message
from tests.service import scenarios
from tests.service.scenarios import ServiceScenarios, StoreFactory, answered_request

__all__ = ["answered_request", "make"]


def make(publisher: object | None = None) -> tuple[Service, RecordingNotifier, FixedClock]:
    """The service over a fresh memory store with recording fakes, at 2025-11-24 09:00."""
    return scenarios.make(MemoryStore(), publisher)


class TestServiceInMemory(ServiceScenarios):
    @pytest.fixture
    def store_factory(self) -> StoreFactory:
        store = MemoryStore()
        return lambda: store  # "reopening" a memory store is finding it again


def test_a_tick_at_the_due_instant_leaves_the_breach_to_the_next_tick() -> None:
    service, _notifier, _clock = make()
    service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
    assert service.tick(at("2025-11-24 09:30")).breaches == 0  # due 09:30: not yet passed
    assert service.tick(at("2025-11-24 09:31")).breaches == 1


def test_a_command_for_an_unknown_case_is_refused_as_such() -> None:
    from regflow.errors import UnknownCase

    service, _notifier, _clock = make()
    with pytest.raises(UnknownCase) as caught:
        service.handle(
            Classify(case_id="nope", actor="sokolova", at=at("2025-11-24 09:05"), topics=("x",))
        )
    assert caught.value.case_id == "nope"
