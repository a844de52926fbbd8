"""The names the rules and the engine share: roles, stages, commands, events, platforms.

They live here, in the lowest layer that needs them, so a regulation can be
checked against them without importing the engine.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

__all__ = [
    "COMMANDS",
    "END_STAGES",
    "EVENTS",
    "EVENT_KINDS",
    "KEEPS",
    "ROLES",
    "STAGES",
    "TRANSITIONS",
    "DraftKind",
    "Platform",
    "engine_targets",
    "parse_trigger",
]


class Platform(enum.Enum):
    """Where a message was published (п. 3). A regulation lists those it accepts."""

    VK = "vk"
    OK = "ok"
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    TELEGRAM = "telegram"
    MAX = "max"
    BLOG = "blog"
    MICROBLOG = "microblog"
    VIDEO_HOSTING = "video-hosting"
    FORUM = "forum"
    MESSENGER = "messenger"
    REVIEW_SITE = "review-site"
    OTHER = "other"


class DraftKind(enum.Enum):
    """What a draft is (п. 10)."""

    ANSWER = "answer"
    """The final answer on the substance."""
    INTERIM = "interim"
    """An interim answer promising a final one (п. 14)."""
    CLARIFICATION = "clarification"
    """A request to the author for clarification."""


ROLES: tuple[str, ...] = (
    "curator",
    "department_head",
    "executor",
    "co_executor",
    "deputy_mayor",
)
"""Roles a person can hold in a case (glossary of the regulation)."""

STAGES: tuple[str, ...] = (
    "new",
    "detected",
    "classified",
    "routed",
    "in_work",
    "awaiting_approval",
    "rework",
    "approved",
    "interim_published",
    "answered",
    "excluded",
    "closed",
)
"""The stages of a case, in their usual order."""

END_STAGES: frozenset[str] = frozenset({"answered", "excluded", "closed"})
"""Stages that finish a case (``answered`` may still be closed)."""

COMMANDS: tuple[str, ...] = (
    "detect",
    "classify",
    "route",
    "return_to_curator",
    "assign_executor",
    "submit_contribution",
    "submit_draft",
    "approve",
    "return_for_rework",
    "request_publication",
    "record_publication",
    "record_publication_failure",
    "record_clarification",
    "exclude",
    "escalate",
    "link_repeat",
    "close",
)
"""What people (or systems acting for them) can ask of a case."""

EVENTS: tuple[str, ...] = (
    "detected",
    "classified",
    "routed",
    "returned_to_curator",
    "executor_assigned",
    "contribution_opened",
    "contribution_submitted",
    "contribution_cancelled",
    "draft_submitted",
    "approved",
    "returned_for_rework",
    "publication_requested",
    "published",
    "publication_failed",
    "clarification_received",
    "excluded",
    "escalated",
    "repeat_linked",
    "closed",
)
"""What can happen to a case: the audit trail's vocabulary."""

EVENT_KINDS: dict[str, frozenset[str]] = {
    name: frozenset(k.value for k in DraftKind)
    for name in (
        "draft_submitted",
        "approved",
        "returned_for_rework",
        "publication_requested",
        "published",
        "publication_failed",
    )
}
"""Events that carry a draft kind, which a trigger may name: ``published:interim``."""


def parse_trigger(trigger: str) -> tuple[str, str | None]:
    """``"published:interim"`` -> ``("published", "interim")``; no kind -> ``None``."""
    name, _, kind = trigger.partition(":")
    return name, kind or None


_OPEN = (
    "detected",
    "classified",
    "routed",
    "in_work",
    "awaiting_approval",
    "rework",
    "approved",
    "interim_published",
)

KEEPS: frozenset[str] = frozenset(
    {
        "submit_contribution",
        "request_publication",
        "record_publication_failure",
        "record_clarification",
        "escalate",
        "link_repeat",
    }
)
"""Commands that never move a case: the engine runs them at any stage and the case stays."""

TRANSITIONS: Mapping[str, Mapping[str, frozenset[str]]] = {
    "detect": {"new": frozenset({"detected"})},
    "classify": {s: frozenset({"classified"}) for s in ("detected", "classified")},
    # the stage after routing is the lead's: in work once its executor is designated (at
    # once when the curator appoints the person who prepares the answer, п. 15(4))
    "route": {
        "classified": frozenset({"routed", "in_work"}),
        "routed": frozenset({"routed"}),
        "in_work": frozenset({"in_work"}),
    },
    # the last department out leaves the case classified; otherwise the (new) lead's stage
    "return_to_curator": {
        s: frozenset({"classified", "routed", "in_work"}) for s in ("routed", "in_work")
    },
    # a co-executor's designation leaves a case routed until the lead's executor is named
    "assign_executor": {
        "routed": frozenset({"routed", "in_work"}),
        "in_work": frozenset({"in_work"}),
    },
    "submit_draft": {
        s: frozenset({"awaiting_approval"}) for s in ("in_work", "rework", "interim_published")
    },
    "approve": {"awaiting_approval": frozenset({"approved"})},
    "return_for_rework": {"awaiting_approval": frozenset({"rework"})},
    # an answer ends the case's work, an interim answer awaits the final one, a published
    # clarification request goes back to work (or to waiting for the final answer)
    "record_publication": {"approved": frozenset({"answered", "interim_published", "in_work"})},
    "exclude": {s: frozenset({"excluded"}) for s in (*_OPEN, "answered")},
    "close": {s: frozenset({"closed"}) for s in (*_OPEN, "answered")},
}
"""The engine's stage graph: command -> stage -> the stages the engine can move a case to
from there (what :func:`regflow.core.evolve` does). Commands of :data:`KEEPS` are not listed.

A :class:`~regflow.rules.Regulation` declares its own graph in its permissions; it is
checked against this table when it is built (a declared move the engine cannot make is
refused), and :func:`regflow.core.decide` refuses a command whose result the regulation does
not declare. So the diagram drawn from the permissions is the machine that runs.
"""


def engine_targets(command: str, stage: str) -> frozenset[str] | None:
    """The stages the engine can move a case at ``stage`` to by ``command``; ``None`` where
    the engine cannot run ``command`` at ``stage`` (a finished case, an unknown command)."""
    if command in KEEPS:
        return frozenset({stage}) if stage in (*_OPEN, "answered") else None
    return TRANSITIONS.get(command, {}).get(stage)
