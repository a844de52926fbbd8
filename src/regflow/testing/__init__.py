"""What integrators reuse to prove their adapters: contract suites and recording fakes.

Subclass :class:`StoreContract` (and the other contracts) in your own tests
with a fixture that builds your adapter; every test of the suite then runs
against it. The fakes record what happened so tests can assert on it.
"""

from typing import TYPE_CHECKING, Any

from regflow.testing.fakes import (
    FixedClock,
    FlakyPublisher,
    KeywordScreener,
    RecordingNotifier,
    RecordingPublisher,
)

if TYPE_CHECKING:
    from regflow.testing.effects_contract import ClockContract, ScreenerContract
    from regflow.testing.notifier_contract import NotifierContract
    from regflow.testing.publisher_contract import PublisherContract
    from regflow.testing.service_scenarios import ServiceScenarios
    from regflow.testing.store_contract import StoreContract

_CONTRACTS = {
    "ClockContract": "regflow.testing.effects_contract",
    "NotifierContract": "regflow.testing.notifier_contract",
    "PublisherContract": "regflow.testing.publisher_contract",
    "ScreenerContract": "regflow.testing.effects_contract",
    "ServiceScenarios": "regflow.testing.service_scenarios",
    "StoreContract": "regflow.testing.store_contract",
}


def __getattr__(name: str) -> Any:
    # The contract suites need pytest (a test dependency); the fakes do not, so the
    # suites are imported only when asked for and `regflow demo` runs without pytest.
    module = _CONTRACTS.get(name)
    if module is None:
        raise AttributeError(f"module 'regflow.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


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
