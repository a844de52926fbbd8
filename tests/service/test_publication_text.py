"""п. 13: the text posted is the text approved (issue 15). The outbox item of a
publication carries the digest of the approved draft's public text; the dispatcher
checks the item's text against it and against the history before sending, and
``verify_publications`` checks pending and sent items."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from regflow.adapters.sqlite import SQLiteStore
from regflow.core.reactions import text_digest
from regflow.ports.store import OutboxState
from regflow.service import Service
from regflow.testing import RecordingNotifier, RecordingPublisher
from regflow.testing import service_scenarios as scenarios
from regflow.testing.sample import at, message

ORG = scenarios.ORG


def _requested(path: Path) -> tuple[Service, RecordingNotifier, RecordingPublisher, str]:
    publisher = RecordingPublisher()
    service, notifier, clock = scenarios.make(SQLiteStore(path), publisher)
    case_id, _ = service.intake(
        message(at("2025-11-24 09:00")), organization=ORG.id, actor="sokolova"
    )
    scenarios.answered_request(service, case_id)
    clock.instant = at("2025-11-24 10:16")
    return service, notifier, publisher, case_id


def _edit(path: Path, key: str, change: dict[str, object]) -> None:
    with sqlite3.connect(path) as db:
        (raw,) = db.execute("SELECT payload FROM outbox WHERE key = ?", (key,)).fetchone()
        payload = json.loads(raw)
        for name, value in change.items():
            if name == "text":
                payload["request"]["text"] = value
            else:
                payload[name] = value
        db.execute("UPDATE outbox SET payload = ? WHERE key = ?", (json.dumps(payload), key))


def test_p13_the_item_carries_the_digest_of_the_approved_text(tmp_path: Path) -> None:
    service, _notifier, _publisher, case_id = _requested(tmp_path / "s.sqlite3")
    with service.store.unit_of_work() as uow:
        item = uow.outbox.get(f"{case_id}/draft-1")
    assert item is not None
    assert item.payload["text_sha256"] == text_digest("Яму заделают до пятницы.")
    assert service.verify_publications(case_id) == ()


@pytest.mark.parametrize(
    "change",
    [
        {"text": "Яму заделывать не будут."},  # the text edited, the digest left
        {
            "text": "Яму заделывать не будут.",
            "text_sha256": text_digest("Яму заделывать не будут."),
        },  # both edited: the history still says otherwise
        {"text_sha256": text_digest("другое")},  # the digest edited
    ],
    ids=["text", "text-and-digest", "digest"],
)
def test_p13_an_item_whose_text_is_not_the_approved_one_is_not_posted(
    tmp_path: Path, change: dict[str, object]
) -> None:
    path = tmp_path / "s.sqlite3"
    service, notifier, publisher, case_id = _requested(path)
    key = f"{case_id}/draft-1"
    _edit(path, key, change)
    assert service.verify_publications(case_id) != ()
    assert service.dispatch().failed == 1
    assert publisher.calls == []  # nothing posted
    with service.store.unit_of_work() as uow:
        item = uow.outbox.get(key)
    assert item is not None
    assert item.state is OutboxState.FAILED
    case = service.case(case_id)
    assert case.events[-1].type == "publication_failed"
    service.dispatch()
    told = notifier.to("sokolova")[-1]
    assert told.kind == "failed"
    assert "не совпадает с согласованным" in told.text


def test_p13_verify_finds_a_sent_item_that_the_history_does_not_record(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    service, _notifier, _publisher, case_id = _requested(path)
    key = f"{case_id}/draft-1"
    with sqlite3.connect(path) as db:  # what issue 15 saw: marked done, never recorded
        db.execute("UPDATE outbox SET state = 'done' WHERE key = ?", (key,))
    assert service.verify_publications(case_id) == (
        f"publication {key} was delivered but is not recorded",
    )
    service.dispatch()  # nothing pending: the answer is not posted again
    assert service.verify_publications(case_id) == (
        f"publication {key} was delivered but is not recorded",
    )


def test_p13_an_item_written_before_digests_is_checked_against_the_history(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite3"
    service, _notifier, publisher, case_id = _requested(path)
    key = f"{case_id}/draft-1"
    with sqlite3.connect(path) as db:
        (raw,) = db.execute("SELECT payload FROM outbox WHERE key = ?", (key,)).fetchone()
        payload = json.loads(raw)
        del payload["text_sha256"]
        db.execute("UPDATE outbox SET payload = ? WHERE key = ?", (json.dumps(payload), key))
    assert service.verify_publications(case_id) == ()
    assert service.dispatch().failed == 0
    assert list(publisher.posts) == [key]
