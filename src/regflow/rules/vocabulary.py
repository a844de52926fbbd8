"""The names the rules and the engine share: roles, stages, commands, events, platforms.

They live here, in the lowest layer that needs them, so a regulation can be
checked against them without importing the engine.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from typing import ClassVar

import attrs

from regflow._strict import Rejected

__all__ = [
    "COMMANDS",
    "END_STAGES",
    "EVENTS",
    "EVENT_KINDS",
    "KEEPS",
    "KNOWN_PLATFORMS",
    "PLATFORM_TITLES",
    "ROLES",
    "STAGES",
    "TRANSITIONS",
    "DraftKind",
    "Platform",
    "engine_targets",
    "parse_trigger",
    "structure_platform",
]


_PLATFORM_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def _platform_id(_instance: object, _attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not _PLATFORM_ID.match(value):
        raise ValueError(
            "a platform id is lowercase Latin letters, digits and hyphens "
            f"('vk', 'dzen', '2gis'), got {value!r}"
        )


@attrs.frozen(order=True)
class Platform:
    """Where a message was published (п. 3): an id from an open vocabulary.

    A regulation declares the platforms it accepts (``Regulation.platforms``);
    a city adds ``Platform("dzen")`` or ``"rutube"`` in its TOML file without
    code, and a message from an undeclared platform is refused at detection.
    The constants (``Platform.VK``, ``Platform.TELEGRAM``...) name the usual
    ones; ``value`` is the id stored in events and records.

    >>> Platform("vk") == Platform.VK
    True
    >>> Platform("dzen").value
    'dzen'

    Raises:
        ValueError: an id that is not lowercase Latin letters, digits and hyphens.
    """

    value: str = attrs.field(validator=_platform_id)

    VK: ClassVar[Platform]
    OK: ClassVar[Platform]
    FACEBOOK: ClassVar[Platform]
    INSTAGRAM: ClassVar[Platform]
    TELEGRAM: ClassVar[Platform]
    MAX: ClassVar[Platform]
    BLOG: ClassVar[Platform]
    MICROBLOG: ClassVar[Platform]
    VIDEO_HOSTING: ClassVar[Platform]
    FORUM: ClassVar[Platform]
    MESSENGER: ClassVar[Platform]
    REVIEW_SITE: ClassVar[Platform]
    OTHER: ClassVar[Platform]

    def __str__(self) -> str:
        return self.value


Platform.VK = Platform("vk")
Platform.OK = Platform("ok")
Platform.FACEBOOK = Platform("facebook")
Platform.INSTAGRAM = Platform("instagram")
Platform.TELEGRAM = Platform("telegram")
Platform.MAX = Platform("max")
Platform.BLOG = Platform("blog")
Platform.MICROBLOG = Platform("microblog")
Platform.VIDEO_HOSTING = Platform("video-hosting")
Platform.FORUM = Platform("forum")
Platform.MESSENGER = Platform("messenger")
Platform.REVIEW_SITE = Platform("review-site")
Platform.OTHER = Platform("other")

KNOWN_PLATFORMS: tuple[Platform, ...] = (
    Platform.VK,
    Platform.OK,
    Platform.FACEBOOK,
    Platform.INSTAGRAM,
    Platform.TELEGRAM,
    Platform.MAX,
    Platform.BLOG,
    Platform.MICROBLOG,
    Platform.VIDEO_HOSTING,
    Platform.FORUM,
    Platform.MESSENGER,
    Platform.REVIEW_SITE,
    Platform.OTHER,
)
"""The platforms the library has names for; a regulation may declare any other id."""

PLATFORM_TITLES: dict[str, str] = {
    "vk": "ВКонтакте",
    "ok": "Одноклассники",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "telegram": "Telegram",
    "max": "MAX",
    "blog": "блоги",
    "microblog": "микроблоги",
    "video-hosting": "видеохостинги",
    "forum": "интернет-форумы",
    "messenger": "мессенджеры",
    "review-site": "сайты-отзовики",
    "other": "другие источники",
}
"""Russian names of the known platforms, for the people who read the spec."""


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


def structure_platform(value: object, _type: type) -> Platform:
    """A converter hook: ``"vk"`` -> ``Platform("vk")``; a clear message for anything else."""
    if isinstance(value, Platform):
        return value
    try:
        return Platform(value)  # type: ignore[arg-type]  # the validator checks the type
    except ValueError as exc:
        raise Rejected(str(exc)) from None


def parse_trigger(trigger: str) -> tuple[str, str | None]:
    """``"published:interim"`` -> ``("published", "interim")``; no kind -> ``None``."""
    name, _, kind = trigger.partition(":")
    return name, kind or None


_OPEN = tuple(s for s in STAGES if s != "new" and s not in END_STAGES)
"""The stages of a case that is under way."""

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
