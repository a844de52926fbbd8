"""The domain: messages, organisations, commands, events, the case engine.

The engine is pure: :func:`decide` checks a command against the regulation
and returns events (or refuses, citing the clause); :func:`evolve` applies an
event; :func:`deadlines` derives every deadline from a case's history.
"""

from regflow.core.case import Case, Draft, evolve, replay
from regflow.core.commands import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    Close,
    Command,
    Detect,
    Escalate,
    Exclude,
    LinkRepeat,
    RecordClarification,
    RecordPublication,
    RecordPublicationFailure,
    RequestPublication,
    ReturnForRework,
    ReturnToCurator,
    Route,
    SubmitContribution,
    SubmitDraft,
)
from regflow.core.deadlines import DeadlineState, Status, deadlines
from regflow.core.decide import case_roles, decide, handle
from regflow.core.detection import detection_instant
from regflow.core.events import Event, verify
from regflow.core.message import (
    Attachment,
    AttachmentKind,
    Author,
    Coordinates,
    Message,
    Place,
    Platform,
)
from regflow.core.organization import (
    Absence,
    AbsenceReason,
    Department,
    DepartmentKind,
    DeputyMayor,
    OfficialAccount,
    Organization,
    Person,
)

__all__ = [
    "Absence",
    "AbsenceReason",
    "ApproveDraft",
    "AssignExecutor",
    "Attachment",
    "AttachmentKind",
    "Author",
    "Case",
    "Classify",
    "Close",
    "Command",
    "Coordinates",
    "DeadlineState",
    "Department",
    "DepartmentKind",
    "DeputyMayor",
    "Detect",
    "Draft",
    "Escalate",
    "Event",
    "Exclude",
    "LinkRepeat",
    "Message",
    "OfficialAccount",
    "Organization",
    "Person",
    "Place",
    "Platform",
    "RecordClarification",
    "RecordPublication",
    "RecordPublicationFailure",
    "RequestPublication",
    "ReturnForRework",
    "ReturnToCurator",
    "Route",
    "Status",
    "SubmitContribution",
    "SubmitDraft",
    "case_roles",
    "deadlines",
    "decide",
    "detection_instant",
    "evolve",
    "handle",
    "replay",
    "verify",
]
