"""Malformed intake records are refused with their paths, and nothing changes."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regflow.adapters.memory import MemoryStore
from regflow.errors import InvalidMessage
from tests.engine.conftest import at, message
from tests.service.test_service import make

VALID = message(at("2025-11-24 09:00")).to_record()
SPOILERS: list[tuple[str, Any]] = [
    ("platform", "My Space"),  # not an id; a well-formed undeclared one is refused at detection
    ("platform", 7),
    ("published_at", "yesterday"),
    ("published_at", "2025-11-24T09:00:00"),  # no offset
    ("detected_at", None),
    ("text", ["not", "text"]),
    ("author", "just a name"),
    ("url", 42),
]
"""Mistakes of shape: each is reported at once with the others."""


def spoil(record: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
    spoiled = copy.deepcopy(record)
    if value is _DROP:
        spoiled.pop(key, None)
    else:
        spoiled[key] = value
    return spoiled


_DROP = object()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(SPOILERS),
            st.sampled_from(["platform", "text", "published_at", "source_event_id", "place"]).map(
                lambda key: (key, _DROP)
            ),
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda pair: pair[0],
    )
)
def test_a_malformed_record_is_refused_with_paths_and_stores_nothing(
    spoilers: list[tuple[str, Any]],
) -> None:
    service, _notifier, _clock = make()
    record = dict(VALID)
    for key, value in spoilers:
        record = spoil(record, key, value)
    with pytest.raises(InvalidMessage) as caught:
        service.intake_record(record, organization="blagoveshchensk", actor="sokolova")
    paths = {problem.path for problem in caught.value.problems}
    assert paths, "a refusal names where"
    for key, _value in spoilers:
        assert any(path == f"$.{key}" or path.startswith(f"$.{key}.") for path in paths), (
            key,
            paths,
        )
    assert isinstance(service.store, MemoryStore)
    with service.store.unit_of_work() as uow:
        assert uow.cases.query(limit=10) == []


def test_a_valid_record_opens_a_case() -> None:
    service, _notifier, _clock = make()
    case_id, opened = service.intake_record(VALID, organization="blagoveshchensk", actor="sokolova")
    assert opened
    assert service.case(case_id).message.to_record() == VALID


def test_a_value_check_names_its_field_once_the_shape_is_right() -> None:
    service, _notifier, _clock = make()
    for key, value in (("reach", -5), ("place", {})):
        with pytest.raises(InvalidMessage) as caught:
            service.intake_record(
                spoil(VALID, key, value), organization="blagoveshchensk", actor="sokolova"
            )
        assert any(p.path.startswith(f"$.{key}") for p in caught.value.problems), key
