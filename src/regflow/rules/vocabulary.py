"""The names the rules and the engine share: roles, stages, commands, events, platforms.

They live here, in the lowest layer that needs them, so a regulation can be
checked against them without importing the engine.
"""

from __future__ import annotations

import enum

__all__ = [
    "COMMANDS",
    "END_STAGES",
    "EVENTS",
    "EVENT_KINDS",
    "ROLES",
    "STAGES",
    "DraftKind",
    "Platform",
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
