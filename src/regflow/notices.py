"""Notification texts: Russian templates the integrator can replace.

Each template is a :meth:`str.format` string; the fields available are named
in :class:`Templates`. Pass your own ``Templates(...)`` to
:func:`regflow.service.open_service` to change the wording.
"""

from __future__ import annotations

import attrs

__all__ = ["Templates"]


@attrs.frozen
class Templates:
    """Subjects and texts of the notifications the service sends.

    Fields available: ``case`` (id), ``url`` (the message), ``title`` (the
    deadline's title), ``clause``, ``due`` (local time), ``left`` (time left,
    in words), ``late`` (how late, in words), ``person`` (recipient's name),
    ``reason``, ``departments``, ``text`` (the message's text, cut).
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
        "{person}, вы назначены исполнителем по сообщению (п. 6){reason}.\nСообщение: {url}\n{text}"
    )
    draft_subject: str = "Проект ответа на согласование: сообщение {case}"
    draft: str = "{person}, исполнитель направил проект на согласование.\nСообщение: {url}"
    rework_subject: str = "Проект ответа возвращён на доработку: сообщение {case}"
    rework: str = "{person}, куратор вернул проект на доработку: {reason}\nСообщение: {url}"
    approved_subject: str = "Ответ согласован, разместите его: сообщение {case}"
    approved: str = "{person}, проект согласован куратором. Разместите ответ.\nСообщение: {url}"
    escalation_subject: str = "Информация для заместителя мэра: {reason}"
    escalation: str = "{person}, куратор информирует: {reason}.\nСообщение: {url}\n{text}"
    failed_subject: str = "Ответ не размещён: сообщение {case}"
    failed: str = "{person}, ответ не удалось разместить: {reason}\nСообщение: {url}"
