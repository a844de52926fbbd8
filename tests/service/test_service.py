"""The service over the memory store: intake, commands, tick, dispatch."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.core import Classify
from regflow.service import Service
from regflow.testing import FixedClock, RecordingNotifier
from regflow.testing import service_scenarios as scenarios
from regflow.testing.service_scenarios import ServiceScenarios, StoreFactory, answered_request
from tests.engine.conftest import ORG, at, message

__all__ = ["answered_request", "make"]


def make(publisher: object | None = None) -> tuple[Service, RecordingNotifier, FixedClock]:
    """The service over a fresh memory store with recording fakes, at 2025-11-24 09:00."""
    return scenarios.make(MemoryStore(), publisher)


class TestServiceInMemory(ServiceScenarios):
    @pytest.fixture
    def store_factory(self) -> StoreFactory:
        store = MemoryStore()
        return lambda: store  # "reopening" a memory store is finding it again


def test_a_tick_at_the_due_instant_leaves_the_breach_to_the_next_tick() -> None:
    service, _notifier, _clock = make()
    service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
    assert service.tick(at("2025-11-24 09:30")).breaches == 0  # due 09:30: not yet passed
    assert service.tick(at("2025-11-24 09:31")).breaches == 1


def test_a_command_for_an_unknown_case_is_refused_as_such() -> None:
    from regflow.errors import UnknownCase

    service, _notifier, _clock = make()
    with pytest.raises(UnknownCase) as caught:
        service.handle(
            Classify(
                case_id="nope",
                actor="sokolova",
                at=at("2025-11-24 09:05"),
                topics=("x",),
                location="ул. Ленина",
                importance="normal",
            )
        )
    assert caught.value.case_id == "nope"


@pytest.fixture
def host_zone() -> Iterator[Callable[[str], None]]:
    """Switch the process's local time zone (``TZ``), as another host's would be."""
    import os
    import time

    before = os.environ.get("TZ")

    def switch(zone: str) -> None:
        os.environ["TZ"] = zone
        time.tzset()

    yield switch
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_tick_marks_do_not_depend_on_the_host_time_zone(
    host_zone: Callable[[str], None],
) -> None:
    keys = []
    detected = message(at("2025-11-24 09:00"))
    for zone in ("UTC", "Asia/Yakutsk", "America/New_York"):
        host_zone(zone)
        store = MemoryStore()
        service, _notifier, _clock = scenarios.make(store)
        service.intake(detected, organization=ORG.id, actor="sokolova")
        assert service.tick(at("2025-11-24 09:31")).breaches == 1
        with store.unit_of_work() as uow:
            assert uow.marks.count("breach/", at("2025-11-24 09:00")) == 1
        keys.append(sorted(store._state.marks))
    assert keys[0] == keys[1] == keys[2]
    # the same keys as a host in UTC wrote before the keys stopped depending on the host
    assert any(key.endswith(f"/{1763974800}") for key in keys[0]), keys[0]


def test_a_breach_notice_can_say_how_late_and_a_warning_how_much_is_left() -> None:
    import attrs

    from regflow.notices import Templates

    service, notifier, _clock = make()
    service.templates = attrs.evolve(
        Templates(), breach="{title}: late by {late}", warning="{title}: {left} left"
    )
    service.intake(message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova")
    service.tick(at("2025-11-24 09:22"))  # the 30-minute classification step warns at 09:20
    service.tick(at("2025-11-24 10:31"))
    service.dispatch(at("2025-11-24 10:31"))
    texts = [n.text for n in notifier.sent]
    assert any(t.endswith(": 8 минут left") for t in texts), texts
    assert any(t.endswith("late by 1 час 1 минута") for t in texts), texts


def test_tick_reads_a_case_afresh_when_another_process_changed_it() -> None:
    store = MemoryStore()
    ticker, _notifier, _clock = scenarios.make(store)
    other, _other_notifier, _other_clock = scenarios.make(store)
    case_id, _ = ticker.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    assert ticker.tick(at("2025-11-24 09:22")).warnings == 1  # the ticker caches the case
    other.handle(  # classified elsewhere: the classification deadline is met
        Classify(
            case_id=case_id,
            actor="sokolova",
            at=at("2025-11-24 09:25"),
            topics=("x",),
            location="ул. Ленина",
            importance="normal",
        )
    )
    ticker.tick(at("2025-11-24 09:31"))
    with store.unit_of_work() as uow:  # the index, written by the tick, is of the fresh case
        entry = uow.cases.get(case_id)
        assert entry is not None
        assert (entry.version, entry.stage, entry.topics) == (2, "classified", ("x",))
    assert ticker.case(case_id).version == 2


def test_the_shipped_sample_organisation_is_the_example_file() -> None:
    from regflow.testing.sample import sample_organization

    assert sample_organization() == ORG  # the example file, bundled (tests/cli checks the bytes)


def test_an_organisation_and_a_regulation_in_other_time_zones_are_refused_with_both() -> None:
    from pathlib import Path

    from regflow.core import Organization
    from regflow.errors import InvalidOrganization
    from regflow.rules import blagoveshchensk_2020, load_regulation_file
    from regflow.service import Municipality

    root = Path(__file__).resolve().parents[2] / "examples"
    vladivostok = Organization.from_toml_file(root / "other_city" / "organization.toml")
    ensk = load_regulation_file(root / "other_city" / "regulation.toml")
    assert Municipality(vladivostok, (ensk,)).organization is vladivostok
    with pytest.raises(InvalidOrganization) as caught:
        Municipality(vladivostok, (ensk, blagoveshchensk_2020()))
    assert str(caught.value) == (
        "$.timezone: the organisation's time zone 'Asia/Vladivostok' differs from "
        "'Asia/Yakutsk', the working time of regulation blagoveshchensk-2180@2020-07-13"
    )
