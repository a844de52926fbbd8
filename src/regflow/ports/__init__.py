"""Ports: the narrow protocols through which the service meets the world.

``Store`` (with its unit of work: event log, case index, intake keys, marks,
outbox), ``Notifier``, ``Publisher``, ``Screener`` and ``Clock``. Adapters in
:mod:`regflow.adapters` implement them; :mod:`regflow.testing` holds the
contract suites that prove an implementation.
"""

from regflow.ports.effects import (
    Clock,
    Finding,
    Notification,
    Notifier,
    Publication,
    PublicationRequest,
    Publisher,
    Screener,
)
from regflow.ports.store import (
    END_STAGES,
    CaseEntry,
    CaseIndex,
    EventLog,
    IntakeKeys,
    Marks,
    Outbox,
    OutboxItem,
    OutboxState,
    Snapshot,
    Store,
    UnitOfWork,
)

__all__ = [
    "END_STAGES",
    "CaseEntry",
    "CaseIndex",
    "Clock",
    "EventLog",
    "Finding",
    "IntakeKeys",
    "Marks",
    "Notification",
    "Notifier",
    "Outbox",
    "OutboxItem",
    "OutboxState",
    "Publication",
    "PublicationRequest",
    "Publisher",
    "Screener",
    "Snapshot",
    "Store",
    "UnitOfWork",
]
