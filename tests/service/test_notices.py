"""The wording of notices: every kind the rules make has a subject and a text in Russian."""

from __future__ import annotations

import attrs
import pytest

from regflow.core.reactions import Notice, NoticeKind
from regflow.notices import Templates
from regflow.rules import EscalationTrigger
from tests.engine.conftest import ORG, CaseDriver, at

FIELDS = {f.name for f in attrs.fields(Templates)}


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_notice_kind_has_a_subject_and_a_text_and_renders(kind: NoticeKind) -> None:
    assert {f"{kind.value}_subject", kind.value} <= FIELDS
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    notice = Notice(kind, "morozov", "k", case.case.id, at("2025-11-06 10:00"), {}, None)
    subject, text = Templates().words(notice, case.case, ORG)
    assert subject
    assert ORG.person("morozov").name in text
    assert "{" not in subject + text
    assert (
        ORG.department("improvement").name
        in Templates().words(
            Notice(NoticeKind.ROUTED, "morozov", "k", case.case.id, at("2025-11-06 10:00")),
            case.case,
            ORG,
        )[1]
    )


@pytest.mark.parametrize(
    ("trigger", "fields", "words"),
    [
        (EscalationTrigger.SIGNIFICANT, {}, "общественно значимое сообщение"),
        (
            EscalationTrigger.SURGE,
            {"observed": "6", "topic": "roads", "location": "ул. Ленина"},
            "повышенная социальная активность: 6 сообщений на тему «roads», ул. Ленина",
        ),
        (
            EscalationTrigger.REPEATED_BREACHES,
            {"observed": "3", "threshold": "3", "department": "Отдел транспорта"},
            "недостатки в работе органа администрации с сообщениями: Отдел транспорта, "
            "нарушений сроков: 3 (порог 3)",
        ),
    ],
)
def test_each_p20_trigger_is_worded(
    trigger: EscalationTrigger, fields: dict[str, str], words: str
) -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    notice = Notice(
        NoticeKind.ESCALATION,
        "belov",
        "k",
        case.case.id,
        at("2025-11-06 10:00"),
        {"trigger": trigger.value, **fields},
    )
    subject, text = Templates().words(notice, case.case, ORG)
    assert subject == f"Информация для заместителя мэра: {words}"
    assert words in text


def test_a_warning_says_how_much_time_is_left_in_words() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    notice = Notice(
        NoticeKind.WARNING,
        "sokolova",
        "k",
        case.case.id,
        at("2025-11-06 09:20"),
        {"title": "Направить", "clause": "п. 7", "due": "06.11.2025 09:30"},
        due=at("2025-11-06 09:30"),
    )
    _subject, text = Templates().words(notice, case.case, ORG)
    assert "осталось 10 минут" in text


def test_a_regulation_s_templates_table_replaces_those_fields_only() -> None:
    from regflow.rules import load_regulation

    text = (
        'extends = "blagoveshchensk-2180@2020-07-13"\n[templates]\n'
        'escalation_subject = "Информация для главы района: {reason}"\n'
        'routed = "{person}, поступило сообщение для {departments}.\\n{url}"\n'
    )
    templates = Templates.for_regulation(load_regulation(text))
    assert templates.escalation_subject == "Информация для главы района: {reason}"
    assert templates.breach == Templates().breach
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    notice = Notice(NoticeKind.ROUTED, "morozov", "k", case.case.id, at("2025-11-06 10:00"))
    _subject, words = templates.words(notice, case.case, ORG)
    assert words.startswith(f"{ORG.person('morozov').name}, поступило сообщение для ")


def test_unknown_templates_and_placeholders_are_errors_with_paths() -> None:
    from regflow.errors import InvalidRegulation

    with pytest.raises(InvalidRegulation) as caught:
        Templates().with_overrides(
            {"braech": "x", "breach": "{person}: {dadline}", "warning": 3}, path="$.templates"
        )
    assert {p.path: p.message for p in caught.value.problems} == {
        "$.templates.braech": "unknown template; did you mean 'breach'?",
        "$.templates.breach": "no notice fills in {dadline}",
        "$.templates.warning": "expected a string, got int",
    }


def test_english_templates_cover_every_field_and_word_durations_in_english() -> None:
    from regflow.notices import _ENGLISH

    assert set(_ENGLISH) == FIELDS
    english = Templates.in_language("en")
    case = CaseDriver.detected("2025-11-06 09:00").classify("09:05").route("09:10", "improvement")
    notice = Notice(
        NoticeKind.WARNING,
        "morozov",
        "k",
        case.case.id,
        at("2025-11-06 10:00"),
        {"title": "Answer", "clause": "п. 9"},
        at("2025-11-06 12:30"),
    )
    subject, text = english.words(notice, case.case, ORG)
    assert subject.startswith("Deadline approaching: Answer (п. 9)")
    assert "2 hours 30 minutes left" in text
    russian = Templates().words(notice, case.case, ORG)[1]
    assert "2 часа 30 минут" in russian


def test_a_regulation_chooses_its_templates_language() -> None:
    from regflow.errors import InvalidRegulation
    from regflow.rules import load_regulation

    base = 'extends = "blagoveshchensk-2180@2020-07-13"\n[templates]\n'
    english = Templates.for_regulation(load_regulation(base + 'language = "en"\n'))
    assert english.breach_subject.startswith("Deadline missed")
    with pytest.raises(InvalidRegulation, match="not 'eng'; did you mean 'en'"):
        Templates.for_regulation(load_regulation(base + 'language = "eng"\n'))


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_library_template_uses_only_fields_a_notice_fills_in(language: str) -> None:
    templates = Templates.in_language(language)
    values = {name: getattr(templates, name) for name in FIELDS}
    assert templates.with_overrides(values) == templates
