"""Notification texts: Russian templates the integrator can replace.

The rules decide who is told what (:mod:`regflow.core.reactions` makes a
:class:`~regflow.core.reactions.Notice`); this module puts it in words. Each
template is a :meth:`str.format` string; the fields available are named in
:class:`Templates`. Pass your own ``Templates(...)`` to
:func:`regflow.service.open_service` to change the wording.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping

import attrs

from regflow._suggest import did_you_mean
from regflow.calendar import in_words
from regflow.core.case import Case
from regflow.core.organization import Organization
from regflow.core.reactions import Notice, NoticeKind
from regflow.errors import InvalidRegulation, Problem
from regflow.rules.kinds import EscalationTrigger
from regflow.rules.regulation import Regulation

__all__ = ["Templates"]


@attrs.frozen
class Templates:
    """Subjects and texts of the notifications the service sends.

    Fields available in every template: ``case`` (id), ``url`` (the message),
    ``text`` (the message's text, cut), ``person`` (the recipient's name),
    ``departments`` (the titles of the departments the message is routed to).
    Warnings and breaches add ``title`` (the deadline's), ``clause``, ``due``
    (local time), ``left`` (time left, in words), ``late`` (how late, in words)
    and ``responsible`` (the name of who answers for it); other notices add
    ``reason`` (the curator's remarks, a substitution, an error, the reason of
    an escalation in words); ``turn`` and ``part`` add ``department`` (the
    co-executor's); ``no_account`` adds ``platform``; ``unrecorded`` adds ``published`` (the
    answer's link or id in the network).

    The ``reason_*`` fields word п. 20's escalations, by trigger: they may use
    ``topic``, ``location``, ``department``, ``observed`` and ``threshold``.
    """

    warning_subject: str = "Срок истекает: {title} ({clause}), сообщение {case}"
    warning: str = (
        "{person}, до окончания срока «{title}» ({clause}) осталось {left}: срок {due}.\n"
        "Сообщение: {url}\n{text}"
    )
    breach_subject: str = "Срок нарушен: {title} ({clause}), сообщение {case}"
    breach: str = (
        "{person}, срок «{title}» ({clause}) истёк {due}; ответственный: {responsible}.\n"
        "Сообщение: {url}\n{text}"
    )
    routed_subject: str = "Новое сообщение для подготовки ответа: {case}"
    routed: str = (
        "{person}, куратор направил сообщение в {departments} для подготовки проекта ответа.\n"
        "Сообщение: {url}\n{text}"
    )
    assigned_subject: str = "Вы назначены исполнителем: сообщение {case}"
    assigned: str = (
        "{person}, вы назначены исполнителем по сообщению ({clause}){reason}.\nСообщение: {url}\n"
        "{text}"
    )
    turn_subject: str = "Подготовьте информацию для общего ответа: сообщение {case}"
    turn: str = (
        "{person}, наступила очередь {department}: направьте информацию для общего ответа "
        "куратору в течение 2 часов (п. 15).\nСообщение: {url}\n{text}"
    )
    part_subject: str = "Поступила информация соисполнителя: сообщение {case}"
    part: str = (
        "{person}, {department} направил информацию для общего ответа (п. 15).\nСообщение: {url}"
    )
    draft_subject: str = "Проект ответа на согласование: сообщение {case}"
    draft: str = "{person}, исполнитель направил проект на согласование.\nСообщение: {url}"
    rework_subject: str = "Проект ответа возвращён на доработку: сообщение {case}"
    rework: str = "{person}, куратор вернул проект на доработку: {reason}\nСообщение: {url}"
    approved_subject: str = "Ответ согласован, разместите его: сообщение {case}"
    approved: str = "{person}, проект согласован куратором. Разместите ответ.\nСообщение: {url}"
    no_account_subject: str = "Нет официального аккаунта для ответа: сообщение {case}"
    no_account: str = (
        "{person}, сообщение направлено на исполнение, но у администрации нет официального "
        "аккаунта на площадке {platform}, с которого размещается ответ (п. 13).\nСообщение: {url}"
    )
    escalation_subject: str = "Информация для заместителя мэра: {reason}"
    escalation: str = "{person}, куратор информирует: {reason}.\nСообщение: {url}\n{text}"
    failed_subject: str = "Ответ не размещён: сообщение {case}"
    failed: str = "{person}, ответ не удалось разместить: {reason}\nСообщение: {url}"
    unrecorded_subject: str = "Ответ размещён, но не записан в дело: сообщение {case}"
    unrecorded: str = (
        "{person}, ответ размещён ({published}), но записать это в дело не удалось: {reason}\n"
        "Проверьте ответ и запишите размещение вручную (п. 13).\nСообщение: {url}"
    )
    reason_significant: str = "общественно значимое сообщение"
    reason_surge: str = (
        "повышенная социальная активность: {observed} сообщений на тему «{topic}», {location}"
    )
    reason_repeated_breaches: str = (
        "недостатки в работе органа администрации с сообщениями: {department}, "
        "нарушений сроков: {observed} (порог {threshold})"
    )
    language: str = "ru"
    """The language of durations in words (``left``, ``late``): ``"ru"`` or ``"en"``."""

    @classmethod
    def in_language(cls, language: str) -> Templates:
        """The library's templates in ``language``: ``"ru"`` (the default) or ``"en"``.

        Raises:
            InvalidRegulation: another language (at ``$.templates.language``).
        """
        if language == "ru":
            return cls()
        if language == "en":
            return cls(**_ENGLISH)
        problem = Problem(
            "$.templates.language",
            f"templates are in 'ru' or 'en', not {language!r}{did_you_mean(language, LANGUAGES)}",
        )
        raise InvalidRegulation((problem,), regulation="templates")

    def with_overrides(
        self, overrides: Mapping[str, object], *, source: str = "templates", path: str = "$"
    ) -> Templates:
        """These templates with some fields replaced (a regulation's or a file's ``[templates]``).

        Raises:
            InvalidRegulation: every unknown field (with "did you mean"), every value that is
                not a string, and every placeholder no notice fills in, each with its path
                (``$.templates.breach``).
        """
        fields = [f.name for f in attrs.fields(Templates)]
        problems = []
        for name, value in overrides.items():
            where = f"{path}.{name}"
            if name not in fields:
                problems.append(Problem(where, f"unknown template{did_you_mean(name, fields)}"))
            elif not isinstance(value, str):
                problems.append(Problem(where, f"expected a string, got {type(value).__name__}"))
            elif name == "language":
                if value not in LANGUAGES:
                    hint = did_you_mean(value, LANGUAGES)
                    problems.append(Problem(where, f"'ru' or 'en', not {value!r}{hint}"))
            else:
                problems.extend(_placeholder_problems(value, where))
        if problems:
            raise InvalidRegulation(tuple(problems), regulation=source)
        return attrs.evolve(self, **overrides)  # type: ignore[arg-type]

    @classmethod
    def for_regulation(cls, regulation: Regulation, base: Templates | None = None) -> Templates:
        """``base`` with ``regulation.templates`` applied; by default the library's templates
        in the table's ``language`` (Russian unless it says ``language = "en"``).

        Raises:
            InvalidRegulation: as :meth:`with_overrides`, with paths under ``$.templates``.
        """
        if base is None:
            base = cls.in_language(str(regulation.templates.get("language", "ru")))
        return base.with_overrides(
            regulation.templates,
            source=f"{regulation.id} {regulation.version}",
            path="$.templates",
        )

    def words(self, notice: Notice, case: Case, org: Organization) -> tuple[str, str]:
        """The subject and text of ``notice`` about ``case``.

        Raises:
            KeyError: a template names a field that is not available.
        """
        subject, text = _TEMPLATES[notice.kind]
        values = _Fields(
            {
                "case": case.id,
                "url": case.message.url,
                "text": case.message.text[:300],
                "person": _name(org, notice.recipient),
                "title": "",
                "clause": "",
                "due": "",
                "left": "",
                "late": "",
                "reason": "",
                "responsible": "",
                "department": "",
                "platform": "",
                "published": "",
                "departments": ", ".join(_title(org, d) for d in case.departments),
                **notice.fields,
            }
        )
        due = notice.due
        if due is not None:
            values["left"] = lambda: in_words(due - notice.at, self.language)
            values["late"] = lambda: in_words(notice.at - due, self.language)
        if notice.kind is NoticeKind.ESCALATION:
            values["reason"] = self._escalation_reason(values)
        return getattr(self, subject).format_map(values), getattr(self, text).format_map(values)

    def _escalation_reason(self, values: _Fields) -> str:
        trigger = values.get("trigger", "")
        wording = _REASONS.get(str(trigger))
        reason = getattr(self, wording).format_map(values) if wording else ""
        note = values.get("note", "")
        if note:
            reason = f"{reason}: {note}" if reason else str(note)
        return reason


LANGUAGES = ("ru", "en")
"""The languages the library has templates and durations in words for."""

_ENGLISH = {
    "warning_subject": "Deadline approaching: {title} ({clause}), message {case}",
    "warning": "{person}, {left} left until the deadline «{title}» ({clause}): {due}.\n"
    "Message: {url}\n{text}",
    "breach_subject": "Deadline missed: {title} ({clause}), message {case}",
    "breach": "{person}, the deadline «{title}» ({clause}) passed at {due}; responsible: "
    "{responsible}.\nMessage: {url}\n{text}",
    "routed_subject": "A new message to answer: {case}",
    "routed": "{person}, the curator has sent a message to {departments} for a draft answer.\n"
    "Message: {url}\n{text}",
    "assigned_subject": "You are the executor: message {case}",
    "assigned": "{person}, you are the executor of a message ({clause}){reason}.\n"
    "Message: {url}\n{text}",
    "turn_subject": "Send your part of the joint answer: message {case}",
    "turn": "{person}, it is the turn of {department}: send your part of the joint answer to "
    "the curator.\nMessage: {url}\n{text}",
    "part_subject": "A co-executor's part has arrived: message {case}",
    "part": "{person}, {department} has sent its part of the joint answer.\nMessage: {url}",
    "draft_subject": "A draft answer to approve: message {case}",
    "draft": "{person}, the executor has sent a draft for approval.\nMessage: {url}",
    "rework_subject": "The draft answer was returned for rework: message {case}",
    "rework": "{person}, the curator returned the draft for rework: {reason}\nMessage: {url}",
    "approved_subject": "The answer is approved, publish it: message {case}",
    "approved": "{person}, the curator approved the draft. Publish the answer.\nMessage: {url}",
    "no_account_subject": "No official account to answer from: message {case}",
    "no_account": "{person}, the message was sent for an answer, but the administration has no "
    "official account on {platform} to publish it from.\nMessage: {url}",
    "escalation_subject": "For the supervising official: {reason}",
    "escalation": "{person}, the curator reports: {reason}.\nMessage: {url}\n{text}",
    "failed_subject": "The answer was not published: message {case}",
    "failed": "{person}, the answer could not be published: {reason}\nMessage: {url}",
    "unrecorded_subject": "The answer is published but not on the record: message {case}",
    "unrecorded": "{person}, the answer is published ({published}), but recording it on the "
    "case failed: {reason}\nCheck the answer and record the publication by hand.\n"
    "Message: {url}",
    "reason_significant": "a socially significant message",
    "reason_surge": "a surge of public activity: {observed} messages on «{topic}», {location}",
    "reason_repeated_breaches": "shortcomings in a department's work with messages: "
    "{department}, missed deadlines: {observed} (threshold {threshold})",
    "language": "en",
}
"""The English templates (no clause numbers or titles of one city)."""

_PLACEHOLDERS = (
    "case",
    "url",
    "text",
    "person",
    "departments",
    "title",
    "clause",
    "due",
    "left",
    "late",
    "responsible",
    "reason",
    "department",
    "platform",
    "published",
    "topic",
    "location",
    "observed",
    "threshold",
    "trigger",
    "note",
)
"""Every field a notice may fill in (see :class:`Templates`)."""


def _placeholder_problems(template: str, path: str) -> list[Problem]:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError as exc:
        return [Problem(path, f"not a template: {exc}")]
    return [
        Problem(path, f"no notice fills in {{{name}}}{did_you_mean(name, _PLACEHOLDERS)}")
        for name in names
        if name.split(".")[0].split("[")[0] not in _PLACEHOLDERS
    ]


_TEMPLATES: dict[NoticeKind, tuple[str, str]] = {
    kind: (f"{kind.value}_subject", kind.value) for kind in NoticeKind
}
"""Each notice kind's subject and text fields of :class:`Templates` (a test checks that
every kind has both)."""

_REASONS: dict[str, str] = {
    EscalationTrigger.SIGNIFICANT.value: "reason_significant",
    EscalationTrigger.SURGE.value: "reason_surge",
    EscalationTrigger.REPEATED_BREACHES.value: "reason_repeated_breaches",
}
"""The wording of each п. 20 trigger."""


def _name(org: Organization, person: str) -> str:
    try:
        return org.person(person).name
    except KeyError:
        return person


def _title(org: Organization, department: str) -> str:
    try:
        return org.department(department).name
    except KeyError:
        return department


class _Fields(dict[str, str | Callable[[], str]]):
    """A notification's template fields; a callable one is worked out only if a template
    uses it (time left or late, in words, costs more than the rest together)."""

    def __getitem__(self, name: str) -> str:
        value = super().__getitem__(name)
        if callable(value):
            value = value()
            self[name] = value
        return value
