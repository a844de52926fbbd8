"""п. 3, 16, 17: accepted sources, repeat messages, the form of the answer.

2025-11-06 is a Thursday; working time 9-13, 14-18. Due instants worked out by hand.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from regflow.core import Place, Platform
from regflow.errors import InvalidRegulation, RuleViolation
from regflow.rules import DraftKind
from tests.engine.conftest import REGULATION, CaseDriver, assert_deadline, refused

WITH_TELEGRAM = REGULATION  # п. 3 names messengers: Telegram is among the built-in sources
TELEGRAM: dict[str, Any] = {
    "platform": Platform.TELEGRAM,
    "place": Place(chat_id="-1001000000001", message_id="42"),
    "url": "https://t.me/c/1000000001/42",
}


# -- п. 3: sources ---------------------------------------------------------------------------


def test_p03_messengers_telegram_and_max_are_among_the_builtin_sources() -> None:
    for platform in (Platform.TELEGRAM, Platform.MAX, Platform.MESSENGER):
        assert platform in REGULATION.platforms
    case = CaseDriver.detected("2025-11-06 09:00", **TELEGRAM)
    assert case.case.stage == "detected"
    assert_deadline(case, "answer", due="2025-11-06 18:00")


def test_p03_a_platform_the_regulation_does_not_declare_is_refused_at_detection() -> None:
    assert Platform.OTHER not in REGULATION.platforms
    with pytest.raises(RuleViolation) as info:
        CaseDriver.detected("2025-11-06 09:00", **{**TELEGRAM, "platform": Platform("dzen")})
    assert info.value.clause == "п. 3"
    assert "'dzen'" in str(info.value)


def test_p03_a_city_declares_a_platform_the_library_has_no_name_for() -> None:
    dzen = Platform("dzen")
    with_dzen = attrs.evolve(REGULATION, platforms=(*REGULATION.platforms, dzen))
    case = CaseDriver.detected(
        "2025-11-06 09:00", regulation=with_dzen, **{**TELEGRAM, "platform": dzen}
    )
    assert case.case.message.platform == dzen
    assert_deadline(case, "answer", due="2025-11-06 18:00")


def test_p03_a_platform_declared_twice_is_refused() -> None:
    with pytest.raises(InvalidRegulation) as info:
        attrs.evolve(REGULATION, platforms=(*REGULATION.platforms, Platform.VK))
    assert "declared twice" in str(info.value)


# -- п. 16: repeat messages --------------------------------------------------------------------


def test_p16_an_answer_to_a_repeat_message_must_state_the_measures_taken() -> None:
    first = CaseDriver.detected("2025-11-05 10:00").answer_in_full("10:05")
    assert first.case.stage == "answered"
    case = CaseDriver.detected("2025-11-06 11:00")
    case.link_repeat("11:02", first.case.id)
    assert case.case.repeat_of == first.case.id
    assert case.case.events[-1].clause == "п. 16"
    case.classify("11:05").route("11:10", "improvement")
    assert case.case.events[-1].clause == "п. 16"  # routed again for prompt measures
    case.assign("11:15", "improvement")
    # it follows п. 7-15: answer Thu 11-13 (2 h) + 14-18 (4 h) + Fri 9-11 (2 h) -> Fri 11:00.
    assert_deadline(case, "answer", due="2025-11-07 11:00")
    text = refused(case, RuleViolation, "п. 16", lambda: case.submit("11:30"))
    assert first.case.id in text
    refused(case, RuleViolation, "п. 16", lambda: case.submit("11:30", measures="   "))
    # a clarification request is not an answer and needs no measures.
    case.submit("11:30", DraftKind.CLARIFICATION, text="Уточните адрес")
    case.rework("11:35", remarks="Сразу ответьте по существу")
    refused(case, RuleViolation, "п. 16", lambda: case.submit("11:40"))
    case.submit("11:40", measures="Подрядчику выставлена претензия, уборка завершена 6 ноября")
    assert case.case.draft is not None
    assert case.case.draft.measures
    case.approve("11:45").request("11:50").publish("11:55")
    assert_deadline(case, "answer", status="met", met_at="2025-11-06 11:55")


def test_p16_a_repeat_must_name_another_case() -> None:
    case = CaseDriver.detected("2025-11-06 11:00")
    refused(case, RuleViolation, "п. 16", lambda: case.link_repeat("11:02", " "))
    refused(case, RuleViolation, "п. 16", lambda: case.link_repeat("11:02", case.case.id))


# -- п. 17: the form of the answer -----------------------------------------------------------


def test_p17_an_answer_over_telegrams_4096_characters_is_refused() -> None:
    case = CaseDriver.detected("2025-11-06 09:00", regulation=WITH_TELEGRAM, **TELEGRAM)
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    text = refused(case, RuleViolation, "п. 17", lambda: case.submit("09:30", text="я" * 4097))
    assert "4096" in text
    case.submit("09:30", text="я" * 4096)
    assert case.case.stage == "awaiting_approval"


def test_p17_the_length_limit_is_telegrams_not_vks() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")  # a VK comment
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:30", text="я" * 5000)
    assert case.case.stage == "awaiting_approval"


def test_p17_an_answer_without_substance_is_refused() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    refused(case, RuleViolation, "п. 17", lambda: case.submit("09:30", text="   "))
    refused(case, RuleViolation, "п. 17", lambda: case.submit("09:30", DraftKind.INTERIM, text=""))
    # a clarification request needs some content too (п. 10).
    refused(
        case, RuleViolation, "п. 10", lambda: case.submit("09:30", DraftKind.CLARIFICATION, text="")
    )
    assert case.case.drafts == 0


def test_p17_the_final_answer_after_an_interim_one_needs_substance_too() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:30", DraftKind.INTERIM, text="Проверяем").approve("09:40")
    case.request("09:45").publish("09:50")
    refused(case, RuleViolation, "п. 17", lambda: case.submit("2025-11-10 10:00", text="\n"))
    case.submit("2025-11-10 10:00", text="Освещение восстановлено")
    assert case.case.stage == "awaiting_approval"


# -- п. 16: the measures are part of the published answer ----------------------------------

FORM = REGULATION.effective.answer_form


def _repeat_answered(measures: str, text: str = "Снег вывезен") -> CaseDriver:
    first = CaseDriver.detected("2025-11-05 10:00").answer_in_full("10:05")
    case = CaseDriver.detected("2025-11-06 11:00")
    case.link_repeat("11:02", first.case.id)
    case.classify("11:05").route("11:10", "improvement").assign("11:15", "improvement")
    return case.submit("11:30", text=text, measures=measures).approve("11:35")


def test_p16_the_published_text_carries_the_measures_taken() -> None:
    case = _repeat_answered("Подрядчику выставлена претензия")
    draft = case.case.draft
    assert draft is not None
    expected = "Снег вывезен\n\nПринятые меры: Подрядчику выставлена претензия"
    assert draft.public_text(FORM) == expected


def test_p16_measures_the_text_already_states_are_not_repeated() -> None:
    text = "Снег вывезен. Подрядчику выставлена претензия."
    case = _repeat_answered("Подрядчику выставлена претензия", text=text)
    assert case.case.draft is not None
    assert case.case.draft.public_text(FORM) == text


def test_p16_the_words_before_the_measures_are_the_regulations() -> None:
    case = _repeat_answered("Выделена техника")
    form = attrs.evolve(FORM, measures_label="Сделано:")
    assert case.case.draft is not None
    assert case.case.draft.public_text(form) == "Снег вывезен\n\nСделано: Выделена техника"
    assert case.case.draft.public_text(attrs.evolve(FORM, measures_label="")).endswith(
        "\n\nВыделена техника"
    )


def test_p16_a_draft_without_measures_is_published_as_written() -> None:
    case = CaseDriver.detected("2025-11-06 09:00")
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    case.submit("09:30", text="Освещение восстановлено")
    assert case.case.draft is not None
    assert case.case.draft.public_text(FORM) == "Освещение восстановлено"


def test_p17_the_length_limit_counts_the_measures_that_are_published() -> None:
    case = CaseDriver.detected("2025-11-06 09:00", regulation=WITH_TELEGRAM, **TELEGRAM)
    case.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    text = refused(
        case,
        RuleViolation,
        "п. 17",
        lambda: case.submit("09:30", text="я" * 4080, measures="Выделена техника"),
    )
    assert "4113 characters" in text
    case.submit("09:30", text="я" * 4063, measures="Выделена техника")
    assert case.case.stage == "awaiting_approval"
