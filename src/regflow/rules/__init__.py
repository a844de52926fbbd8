"""The regulation as rules: cited rule objects, validated as a whole, TOML in and out.

>>> from regflow.rules import blagoveshchensk_2020
>>> regulation = blagoveshchensk_2020()
>>> print(regulation.effective.deadline["route"].describe())  # doctest: +NORMALIZE_WHITESPACE
Classify the message and send it to the competent department(s): within 30 working minutes;
starts on detected, returned_to_curator; met by routed; responsible: curator
"""

from regflow.rules.blagoveshchensk import blagoveshchensk_2020
from regflow.rules.kinds import (
    AnswerForm,
    Attribution,
    Basis,
    Citation,
    Classification,
    ClauseNote,
    CloseReason,
    Closing,
    CoExecution,
    Deadline,
    DetectionMoment,
    Escalation,
    EscalationTrigger,
    EscalationWindow,
    Exclusion,
    Intake,
    Interpretation,
    Period,
    Permission,
    Scope,
    Setting,
    TooShort,
)
from regflow.rules.regulation import (
    DateEntry,
    Effective,
    Regulation,
    WorkingTimeSpec,
    select_regulation,
)
from regflow.rules.toml import dump_regulation, load_regulation, load_regulation_file
from regflow.rules.vocabulary import (
    COMMANDS,
    END_STAGES,
    EVENTS,
    ROLES,
    STAGES,
    DraftKind,
    Platform,
)

__all__ = [
    "COMMANDS",
    "END_STAGES",
    "EVENTS",
    "ROLES",
    "STAGES",
    "AnswerForm",
    "Attribution",
    "Basis",
    "Citation",
    "Classification",
    "ClauseNote",
    "CloseReason",
    "Closing",
    "CoExecution",
    "DateEntry",
    "Deadline",
    "DetectionMoment",
    "DraftKind",
    "Effective",
    "Escalation",
    "EscalationTrigger",
    "EscalationWindow",
    "Exclusion",
    "Intake",
    "Interpretation",
    "Period",
    "Permission",
    "Platform",
    "Regulation",
    "Scope",
    "Setting",
    "TooShort",
    "WorkingTimeSpec",
    "blagoveshchensk_2020",
    "dump_regulation",
    "load_regulation",
    "load_regulation_file",
    "select_regulation",
]
