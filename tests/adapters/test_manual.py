"""Publishing by hand: the service asks the curator, the curator records the link."""

from __future__ import annotations

import pytest

from regflow.adapters.manual import ManualPublisher
from regflow.adapters.memory import MemoryStore
from regflow.core import RecordPublication
from regflow.core.message import Place
from regflow.errors import PublishError
from regflow.ports.effects import PublicationRequest
from regflow.rules.vocabulary import Platform
from regflow.service import Municipality, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier
from tests.engine.conftest import ORG, REGULATION, at, message
from tests.service.test_service import answered_request


def test_publishing_by_hand_is_a_permanent_failure_that_says_what_to_do() -> None:
    request = PublicationRequest(
        key="answer-1",
        case_id="c-42",
        platform=Platform.FORUM,
        place=Place(topic_id="t-9", message_id="m-3"),
        text="Яму заделают до пятницы.",
    )
    with pytest.raises(PublishError) as caught:
        ManualPublisher().publish(request)
    error = caught.value
    assert (error.transient, error.code) == (False, "manual")
    assert "c-42" in str(error)
    assert "by hand on forum" in str(error)
    assert "record its link" in str(error)


def test_the_curator_is_told_and_the_recorded_link_answers_the_case() -> None:
    notifier = RecordingNotifier()
    clock = FixedClock(at("2025-11-24 09:00"))
    service = open_service(
        store=MemoryStore(),
        municipalities=[Municipality(ORG, (REGULATION,))],
        notifier=notifier,
        publisher=ManualPublisher(),
        screener=KeywordScreener(),
        clock=clock,
        tolerance=None,  # a simulated clock: commands declare the times
    )
    case_id, _ = service.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    answered_request(service, case_id)
    clock.instant = at("2025-11-24 10:16")
    assert service.dispatch().failed == 1
    case = service.case(case_id)
    assert case.events[-1].type == "publication_failed"
    service.dispatch()
    assert [n.kind for n in notifier.to("sokolova")][-1] == "failed"

    service.handle(  # the executor records it (п. 13)
        RecordPublication(
            case_id=case_id,
            actor="zaitsev",
            at=at("2025-11-24 10:40"),
            external_id="wall-100000001_1001?reply=77",
            url="https://vk.com/wall-100000001_1001?reply=77",
        )
    )
    case = service.case(case_id)
    assert case.events[-1].type == "published"
    assert case.stage == "answered"
