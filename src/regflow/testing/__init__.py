"""What integrators reuse to prove their adapters: contract suites and recording fakes.

Subclass :class:`StoreContract` (and the other contracts) in your own tests
with a fixture that builds your adapter; every test of the suite then runs
against it. The fakes record what happened so tests can assert on it.

The suites need pytest (a test dependency), so this package is for tests only:
nothing else in regflow imports it, and the architecture check keeps it so.
"""

from regflow.testing.effects_contract import ClockContract, ScreenerContract
from regflow.testing.fakes import (
    FixedClock,
    FlakyPublisher,
    KeywordScreener,
    RecordingNotifier,
    RecordingPublisher,
)
from regflow.testing.notifier_contract import NotifierContract
from regflow.testing.publisher_contract import PublisherContract
from regflow.testing.service_scenarios import ServiceScenarios
from regflow.testing.store_contract import StoreContract

__all__ = [
    "ClockContract",
    "FixedClock",
    "FlakyPublisher",
    "KeywordScreener",
    "NotifierContract",
    "PublisherContract",
    "RecordingNotifier",
    "RecordingPublisher",
    "ScreenerContract",
    "ServiceScenarios",
    "StoreContract",
]
