"""Notification texts: Russian templates the integrator can replace.

The rules decide who is told what (:mod:`regflow.core.reactions` makes a
:class:`~regflow.core.reactions.Notice`); this module puts it in words. Each
template is a :meth:`str.format` string; the fields available are named in
:class:`Templates`. Pass your own ``Templates(...)`` to
:func:`regflow.service.open_service` to change the wording.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

from regflow.calendar import in_words
from regflow.core.case import Case
from regflow.core.organization import Organization
from regflow.core.reactions import Notice, NoticeKind
from regflow.rules.kinds import EscalationTrigger

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
            values["left"] = lambda: in_words(due - notice.at)
            values["late"] = lambda: in_words(notice.at - due)
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
