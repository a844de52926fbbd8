"""The rule kinds a regulation is made of: frozen values, each citing its clause.

A rule says *what* the regulation requires; the engine (``regflow.core``)
enforces it. Kinds are few and orthogonal:

- :class:`Deadline` -- a time limit that starts and stops on case events;
- :class:`Classification` -- what the curator's classification must name (п. 7);
- :class:`Permission` -- which role may issue which command at which stage;
- :class:`CoExecution` -- contributions of several executors (п. 15);
- :class:`Exclusion` -- content that ends a case without an answer (п. 18);
- :class:`Closing` -- the closed list of other reasons to end a case unanswered;
- :class:`AnswerForm` -- what an answer must contain, and platform limits (п. 17);
- :class:`Escalation` -- what goes to the deputy mayors (п. 20);
- :class:`Intake` -- how a message is taken in: when the п. 9 clock starts;
- :class:`Interpretation` -- a named reading of an ambiguous passage;
- :class:`ClauseNote` -- why a clause has no executable rule.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping

import attrs

from regflow.calendar import CalendarDays, Clock, DayCounting, Duration, Working, WorkingDays

__all__ = [
    "RECIPIENTS",
    "AnswerForm",
    "Attribution",
    "Basis",
    "Citation",
    "Classification",
    "ClauseNote",
    "CloseReason",
    "Closing",
    "CoExecution",
    "Deadline",
    "DetectionMoment",
    "Escalation",
    "EscalationTrigger",
    "EscalationWindow",
    "Exclusion",
    "Intake",
    "Interpretation",
    "Patch",
    "Period",
    "Permission",
    "Scope",
    "Setting",
    "TooShort",
]


@attrs.frozen
class Citation:
    """A clause of the regulation: its number as the act writes it and its original text."""

    clause: str
    text: str

    def __str__(self) -> str:
        return self.clause


class Basis(enum.Enum):
    """What time a limit counts."""

    WORKING = "working"
    """Office hours on working days, by the production calendar."""
    CLOCK = "clock"
    """Plain elapsed time."""


_PERIOD = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$")


@attrs.frozen(order=True)
class Period:
    """A length as regulations write it: ``"30m"``, ``"2h"``, ``"1h30m"``, ``"7d"``.

    Days are whole working days (in clock time: calendar days, to the end of the last
    one, or ``n`` times 24 hours with ``counting = "from-instant"``); hours and minutes
    are counted in the deadline's :class:`Basis`. A period is either days or hours/minutes.
    """

    days: int = 0
    minutes: int = 0

    def __attrs_post_init__(self) -> None:
        if self.days < 0 or self.minutes < 0:
            raise ValueError(f"a period cannot be negative: {self}")
        if self.days and self.minutes:
            raise ValueError("a period is either whole days or hours and minutes, not both")

    @classmethod
    def parse(cls, text: str) -> Period:
        """``"30m"``, ``"2h"``, ``"1h30m"`` or ``"7d"``.

        Raises:
            ValueError: anything else.
        """
        match = _PERIOD.match(text)
        if text.strip().startswith("-") and _PERIOD.match(text.strip()[1:]):
            raise ValueError(f"a period cannot be negative: {text!r}")
        if not text.strip() or match is None:
            raise ValueError(f"expected a period like '30m', '8h', '1h30m' or '7d', got {text!r}")
        days, hours, minutes = (int(g) if g else 0 for g in match.groups())
        return cls(days, hours * 60 + minutes)

    def __str__(self) -> str:
        if self.days:
            return f"{self.days}d"
        hours, minutes = divmod(self.minutes, 60)
        text = (f"{hours}h" if hours else "") + (f"{minutes}m" if minutes else "")
        return text or "0m"

    def duration(self, basis: Basis, counting: DayCounting = DayCounting.CIVIL_CODE) -> Duration:
        """The :mod:`regflow.calendar` duration this period means in ``basis``."""
        if self.days:
            if basis is Basis.CLOCK:
                if counting is DayCounting.CIVIL_CODE:
                    return CalendarDays(self.days)
                return Clock(days=self.days)
            return WorkingDays(self.days, counting)
        if basis is Basis.CLOCK:
            return Clock(minutes=self.minutes)
        return Working(minutes=self.minutes)

    def words(self, basis: Basis) -> str:
        """Plain words: ``8 working hours``, ``30 minutes``, ``7 working days``."""
        if self.days:
            unit = "working day" if basis is Basis.WORKING else "day"
            return f"{self.days} {unit}{'s' if self.days != 1 else ''}"
        hours, minutes = divmod(self.minutes, 60)
        prefix = "working " if basis is Basis.WORKING else ""
        parts = []
        if hours:
            parts.append(f"{hours} {prefix}hour{'s' if hours != 1 else ''}")
            prefix = ""
        if minutes or not hours:
            parts.append(f"{minutes} {prefix}minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)

    def as_timedelta(self) -> dt.timedelta:
        """The nominal length (days as 24 h); for ordering checks, not for deadlines."""
        return dt.timedelta(days=self.days, minutes=self.minutes)


class Attribution(enum.Enum):
    """Whom a missed deadline is charged to (п. 19)."""

    ROLE = "role"
    """Always the holder of the deadline's responsible role."""
    HOLDER = "holder"
    """Whoever held the case when the deadline fell due: the curator while a draft
    waited for approval or the message for routing, the department head while no
    executor was designated, the executor otherwise."""


class Scope(enum.Enum):
    """Whom one instance of a deadline concerns."""

    CASE = "case"
    """One running instance for the case."""
    DEPARTMENT = "department"
    """One instance per department the starting event names (п. 8, п. 15)."""


class TooShort(enum.Enum):
    """What a limit shortened under п. 7 may do to a deadline counted back from it (``before``)
    when it puts that deadline at or before the instant the limit is set."""

    REFUSE = "refuse"
    """The shortened limit is refused: nobody could meet the deadline counted back from it."""
    WAIVE = "waive"
    """The curator may confirm it; the deadline counted back from it is then not owed (only
    the shortened deadline binds), so nobody is charged with a step no one could take."""


@attrs.frozen
class Deadline:
    """A time limit of the regulation.

    An instance starts on any of ``starts_on`` and is met by the first of
    ``stops_on`` after it (for a department-scoped deadline: the first one
    naming the same department). Its due instant is ``limit`` after the
    start, or -- with ``before`` -- ``limit`` before the due instant of
    another deadline. Triggers are event type names, optionally with a kind:
    ``"published:interim"``.

    Attributes:
        id: a short name (``"answer"``).
        citation: the clause.
        title: what must be done, in plain words.
        starts_on, stops_on: triggers.
        limit: the period.
        basis: working or clock time.
        counting: how a period of days is counted.
        before: the id of the deadline this one is counted back from.
        responsible: the role answerable for meeting it (п. 19).
        scope: one instance per case or per department.
        warn_before: warnings this long before the due instant.
        by_importance: shorter limits by importance category (п. 7).
        basis_by_importance: another basis for an importance category ("2 hours for
            high importance, 4 working hours otherwise": ``{high = "clock"}``).
        pause_on, resume_on: triggers that stop and restart the clock.
        cancelled_on: triggers after which the step is no longer owed (the
            instance ends as cancelled, e.g. a co-executor's part once its
            department has left the case).
        once: only the first start opens an instance.
        per_message: the curator may set this limit for one message (п. 7); only
            shorter than ``limit`` (and than the importance category's), never longer.
        too_short: for a shortenable deadline, what happens when a shortened limit
            leaves a deadline counted back from it no time (see :class:`TooShort`).
        optional: the step may rightly never be taken (п. 8: a department keeps a
            message it finds its own); the limit binds the step only if it is taken,
            and an instance unmet at its due instant lapses instead of being breached.
        attribution: whom a breach is charged to (п. 19).
    """

    id: str
    citation: Citation
    title: str
    starts_on: tuple[str, ...]
    stops_on: tuple[str, ...]
    limit: Period
    responsible: str
    basis: Basis = Basis.WORKING
    counting: DayCounting = DayCounting.CIVIL_CODE
    before: str | None = None
    scope: Scope = Scope.CASE
    warn_before: tuple[Period, ...] = ()
    by_importance: Mapping[str, Period] = attrs.field(factory=dict, hash=False)
    basis_by_importance: Mapping[str, Basis] = attrs.field(factory=dict, hash=False)
    pause_on: tuple[str, ...] = ()
    resume_on: tuple[str, ...] = ()
    cancelled_on: tuple[str, ...] = ()
    once: bool = False
    per_message: bool = False
    too_short: TooShort = TooShort.REFUSE
    optional: bool = False
    attribution: Attribution = Attribution.ROLE

    def basis_for(self, importance: str | None) -> Basis:
        """The basis a message of ``importance`` is counted in (``None``: unclassified)."""
        if importance is not None:
            return self.basis_by_importance.get(importance, self.basis)
        return self.basis

    def describe(self) -> str:
        """The rule in plain words, with its parameters."""
        if self.before:
            when = f"{self.limit.words(self.basis)} before the `{self.before}` deadline"
        else:
            when = f"within {self.limit.words(self.basis)}"
        text = (
            f"{self.title}: {when}; starts on {', '.join(self.starts_on)}; "
            f"met by {', '.join(self.stops_on)}; responsible: {self.responsible}"
        )
        if self.limit.days and self.basis is Basis.WORKING:
            text += f"; days counted {self.counting.value}"
        if self.by_importance:
            shorter = ", ".join(
                f"{name}: {period.words(self.basis_for(name))}"
                for name, period in self.by_importance.items()
            )
            text += f"; shorter by importance ({shorter})"
        if self.pause_on:
            text += f"; paused from {', '.join(self.pause_on)} to {', '.join(self.resume_on)}"
        if self.scope is Scope.DEPARTMENT:
            text += "; one per department"
        if self.optional:
            text += "; binds the step only if it is taken (lapses unmet)"
        if self.attribution is Attribution.HOLDER:
            text += "; a breach is charged to whoever held the case when it fell due"
        return text


@attrs.frozen
class Classification:
    """What the curator's classification names (п. 7): the topic (or group of topics), the
    location and the importance category, on which a shortened deadline may be decided.

    Topics are always required; ``require_location`` and ``require_importance`` say whether
    a classification without them is refused (another regulation may make them optional).
    """

    citation: Citation
    require_location: bool = True
    require_importance: bool = True
    default_importance: str | None = None
    """The category a classification that names none takes (one of the regulation's
    ``importance``); ``None``: such a classification has none (or, with
    ``require_importance``, is refused)."""


@attrs.frozen
class Permission:
    """A role may issue a command at certain stages of a case.

    ``leads_to`` names the stages the command can move the case to (when they
    are the ``stages`` themselves, the case stays where it is). These are the
    case's stage graph: the engine refuses a command whose result they do not
    declare, a declared move the engine cannot make is refused when the
    regulation is built, and the state diagram of the spec is drawn from them.
    """

    command: str
    roles: tuple[str, ...]
    stages: tuple[str, ...]
    leads_to: tuple[str, ...]
    citation: Citation | None = None
    """The clause that provides the command; ``None`` for a step no clause says (the
    library's addition, such as closing a case), shown as such in the spec."""

    @property
    def keeps(self) -> bool:
        """True when ``leads_to`` are the ``stages`` themselves: the case stays where it is."""
        return set(self.leads_to) == set(self.stages)

    def targets(self, stage: str) -> tuple[str, ...]:
        """The stages this permission lets the command move a case at ``stage`` to."""
        if stage not in self.stages:
            return ()
        return (stage,) if self.keeps else self.leads_to


@attrs.frozen
class CoExecution:
    """Several executors (п. 15): the curator's order, parts to the curator, a lead.

    The lead department's executor prepares the joint draft (п. 15(4)); the
    curator may appoint that person by name (``Route.preparer``), who must be
    an executor of one of the routed departments and whose department then leads.

    Attributes:
        deadline: the id of the per-department contribution deadline; ``""`` for a
            regulation that sets no time for the parts (no placeholder deadline needed).
        lead_required: with several departments the curator names the lead
            who prepares the joint draft (п. 15(4)).
        lead_contributes: the lead department sends its own part in its turn
            of the curator's order, like the others, before the joint draft
            (an order naming the lead is then required to); otherwise its
            information goes into the joint draft it prepares and an order
            naming the lead is refused.
    """

    citation: Citation
    deadline: str = "contribute"
    lead_required: bool = True
    lead_contributes: bool = False


@attrs.frozen
class Exclusion:
    """Content that is not processed and not answered (п. 18).

    ``categories`` are the kinds the curator may cite when excluding; a
    screener suggests them.
    """

    citation: Citation
    categories: tuple[str, ...]
    requires_evidence: bool = True


@attrs.frozen
class CloseReason:
    """One reason the curator may close a case that has no answer.

    Attributes:
        id: the name a ``Close`` command gives (``"deleted"``).
        title: what it is, in the regulation's language (an official reads it).
        why: why a case may end so, although the text does not say it.
        citation: the clause that grounds it, if one does (none: the library's addition).
    """

    id: str
    title: str
    why: str = ""
    citation: Citation | None = None


@attrs.frozen
class Closing:
    """The closed list of reasons to end a case without an answer, besides exclusion.

    A regulation may have none (``Regulation.closing = None``): its unanswered
    cases then end only by exclusion; an answered case may always be closed.
    Deadlines already due when a case is closed stay breached; those not yet
    due end cancelled.
    """

    reasons: tuple[CloseReason, ...]
    note: str = ""
    """Why the regulation has closing at all (for the spec)."""

    def reason(self, ident: str) -> CloseReason | None:
        """The reason called ``ident``, if it is on the list."""
        return next((r for r in self.reasons if r.id == ident), None)


@attrs.frozen
class AnswerForm:
    """What a published answer must be (п. 16, 17).

    Attributes:
        require_substance: an answer (not a clarification request) needs text.
        repeat_requires_measures: an answer to a repeat message states the
            measures taken or the progress (п. 16).
        max_length: the longest text each platform accepts, by platform value.
        same_platform: the answer goes to the network the message came from.
        measures_label: the words that introduce the measures taken in the
            published text (п. 16), see :meth:`regflow.core.Draft.public_text`.
    """

    citation: Citation
    require_substance: bool = True
    repeat_requires_measures: bool = True
    repeat_citation: Citation | None = None
    max_length: Mapping[str, int] = attrs.field(factory=dict, hash=False)
    same_platform: bool = True
    measures_label: str = "Принятые меры:"


class EscalationTrigger(enum.Enum):
    """What makes the curator report to a deputy mayor (п. 20)."""

    SIGNIFICANT = "significant"
    """A message the curator flags as socially significant."""
    SURGE = "surge"
    """``threshold`` messages on one topic and location within ``window``."""
    REPEATED_BREACHES = "repeated-breaches"
    """A department's ``threshold`` breaches within ``window``."""


class EscalationWindow(enum.Enum):
    """How an escalation's period is laid out in time."""

    ROLLING = "rolling"
    """The ``window`` that ends at the instant of counting ("3 breaches within 7 days")."""
    WEEK = "week"
    """The calendar week (Monday to Sunday, local time) of the instant ("in a week")."""
    MONTH = "month"
    """The calendar month (local time) of the instant ("more than 3 misses in a month")."""


RECIPIENTS = ("deputies", "head")
"""The recipients an escalation may name besides ``"person:<id>"``."""


@attrs.frozen
class Escalation:
    """A reason to inform the deputy mayors who supervise the topic (п. 20).

    Attributes:
        threshold, window: how many messages (or breaches) within how long.
        source: where ``threshold`` and ``window`` come from, when the text
            itself gives no number (shown in the rendered spec).
        per: a rolling ``window`` (the default), or the calendar week or month.
        recipient: whom it goes to: ``"deputies"`` (the deputies supervising the topic,
            the default), ``"head"`` (the department's head; for repeated breaches), or
            ``"person:<id>"`` (a named person of the organisation, e.g. the governor's
            office).
    """

    id: str
    trigger: EscalationTrigger
    citation: Citation
    threshold: int = 1
    window: Period = attrs.field(factory=Period)
    source: str = ""
    per: EscalationWindow = EscalationWindow.ROLLING
    recipient: str = "deputies"


class DetectionMoment(enum.Enum):
    """The instant a message counts as detected, where the п. 9 clock starts."""

    MONITORING = "monitoring"
    """When the monitoring system registered it: :attr:`regflow.core.Message.detected_at`."""
    CURATOR = "curator"
    """When the curator's portal took the record in (the instant intake receives it)."""


@attrs.frozen
class Intake:
    """How the engine takes a message in (see :func:`regflow.core.detection_instant`).

    Attributes:
        detection: which instant counts as the detection.
    """

    detection: DetectionMoment = DetectionMoment.CURATOR


@attrs.frozen
class Setting:
    """One value an interpretation's choice sets: ``path`` as ``section.id.field``."""

    path: str
    value: object = attrs.field(eq=True, hash=False)


Patch = tuple[Setting, ...]


@attrs.frozen
class Interpretation:
    """A named reading of an ambiguous passage, with its default and alternatives.

    Each choice is a list of :class:`Setting`\\ s applied to the rules when
    chosen, so an auditor sees exactly what each reading changes.
    """

    id: str
    citation: Citation
    question: str
    default: str
    choices: Mapping[str, str] = attrs.field(hash=False)
    """Choice name -> what it means, in plain words."""
    settings: Mapping[str, Patch] = attrs.field(hash=False)
    """Choice name -> the settings it applies."""


@attrs.frozen
class ClauseNote:
    """A clause with no executable rule, and why."""

    citation: Citation
    note: str
