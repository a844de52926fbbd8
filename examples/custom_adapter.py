"""A custom Notifier, proved by regflow's contract suite, then used by the service.

``JsonLinesNotifier`` appends each notification as one JSON line to a spool
file that another program (a mail gateway, a chat bot) reads. It is the kind
of adapter an integrator writes: one method, ``send``, whose failures are
turned into :class:`regflow.errors.DeliveryError`, transient or permanent.

The file is also a pytest module: ``TestJsonLinesNotifier`` subclasses
:class:`regflow.testing.NotifierContract` and gives it the two fixtures it
asks for, a ``receiver`` (here: the spool file, plus a way to make the next
write fail) and a ``notifier`` pointed at it.

Run from the repository root: ``python examples/custom_adapter.py``. It runs
the contract suite on this file with pytest, then wires the notifier into the
service and shows the lines a missed deadline writes.
"""

from __future__ import annotations

import collections
import datetime as dt
import errno
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.core import Author, Message, Organization, Place, Platform
from regflow.errors import DeliveryError
from regflow.ports import Notification
from regflow.rules import blagoveshchensk_2020
from regflow.service import Municipality, open_service
from regflow.testing import FixedClock, KeywordScreener, NotifierContract, RecordingPublisher

Opener = Callable[[Path], IO[str]]

TRANSIENT = frozenset({errno.ENOSPC, errno.EAGAIN, errno.EINTR, errno.EBUSY, errno.EDQUOT})
"""Write errors worth retrying later: a full disk or quota, a busy file."""


def append(path: Path) -> IO[str]:
    """Open ``path`` to append UTF-8 text."""
    return path.open("a", encoding="utf-8")


class JsonLinesNotifier:
    """A :class:`~regflow.ports.Notifier` that appends one JSON object per line to a file.

    Every line carries the notification's ``key``: regflow delivers at least
    once, so the reader drops a key it has already handled. The notifier
    itself must not drop repeats (the contract checks that a repeat arrives).

    Args:
        path: the spool file; created if missing.
        opener: how the file is opened (tests pass one that fails on demand).
    """

    def __init__(self, path: Path, *, opener: Opener = append) -> None:
        self.path = path
        self._open = opener

    def send(self, notification: Notification) -> None:
        """Append ``notification`` and flush it to disk.

        Raises:
            DeliveryError: transient for a full disk or a busy file, permanent
                for anything else (no such directory, no permission).
        """
        line = json.dumps(
            {
                "key": notification.key,
                "recipient": notification.recipient,
                "address": notification.address,
                "subject": notification.subject,
                "text": notification.text,
                "case_id": notification.case_id,
                "kind": notification.kind,
            },
            ensure_ascii=False,
        )
        try:
            with self._open(self.path) as spool:
                spool.write(line + "\n")
                spool.flush()
                os.fsync(spool.fileno())
        except OSError as exc:
            raise DeliveryError(
                f"cannot append to {self.path}: {exc.strerror or exc}",
                transient=exc.errno in TRANSIENT,
                code=errno.errorcode.get(exc.errno or 0, ""),
            ) from exc


# -- the contract --------------------------------------------------------------------------


class Spool:
    """The far end for the contract: reads the spool file, and fails the next open on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._failures: list[int] = []

    def open(self, path: Path) -> IO[str]:
        """The notifier's opener: the real file unless a failure is due."""
        if self._failures:
            code = self._failures.pop(0)
            raise OSError(code, os.strerror(code), str(path))
        return append(path)

    def fail_next(self, transient: bool) -> None:
        """A full disk (transient) or a permission problem (permanent), once."""
        self._failures.append(errno.ENOSPC if transient else errno.EACCES)

    def received(self) -> list[dict[str, object]]:
        """Every line written so far, parsed."""
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines()]


class TestJsonLinesNotifier(NotifierContract):
    @pytest.fixture
    def receiver(self, tmp_path: Path) -> Spool:
        return Spool(tmp_path / "notifications.jsonl")

    @pytest.fixture
    def notifier(self, receiver: Spool) -> JsonLinesNotifier:
        return JsonLinesNotifier(receiver.path, opener=receiver.open)


class Tally:
    """A pytest plugin that counts the outcomes of the tests it sees run."""

    def __init__(self) -> None:
        self.outcomes: collections.Counter[str] = collections.Counter()

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.when == "call" or report.outcome != "passed":
            self.outcomes[report.outcome] += 1


# -- in the service ------------------------------------------------------------------------


def demo(spool: Path) -> None:
    """A message nobody routes: the curator's warning and breach land in the spool."""
    zone = ZoneInfo("Asia/Yakutsk")
    org = Organization.from_toml_file(
        Path(__file__).resolve().parent / "blagoveshchensk" / "organization.toml"
    )
    clock = FixedClock(dt.datetime(2025, 12, 2, 9, 0, tzinfo=zone))
    service = open_service(
        store=MemoryStore(),
        municipalities=[Municipality(org, (blagoveshchensk_2020(),))],
        notifier=JsonLinesNotifier(spool),
        publisher=RecordingPublisher(),
        screener=KeywordScreener(),
        clock=clock,
        tolerance=None,  # a simulated clock: commands declare the times
    )
    message = Message(
        platform=Platform.VK,
        place=Place(owner_id="-100000001", post_id="42"),
        url="https://vk.com/wall-100000001_42",
        author=Author(id="7", name="Житель"),
        text="Не работает светофор на перекрёстке Ленина и Мухина",
        published_at=clock.now() - dt.timedelta(minutes=2),
        detected_at=clock.now(),
        source_system="example",
        source_event_id="e-42",
    )
    service.intake(message, organization=org.id, actor="sokolova")
    for minute in (21, 31):  # the п. 7 deadline is 9:30; its warning 10 minutes before
        clock.instant = clock.instant.replace(minute=minute)
        service.tick()
        service.dispatch()
    for line in spool.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        print(f"  {record['kind']:<8} to {record['recipient']}: {record['subject']}")


def main() -> int:
    tally = Tally()
    code = pytest.main([__file__, "-q", "-p", "no:cacheprovider"], plugins=[tally])
    summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(tally.outcomes.items()))
    print(f"JsonLinesNotifier against NotifierContract: {summary or 'nothing ran'}")
    if code != 0 or tally.outcomes["passed"] == 0:
        return 1
    with tempfile.TemporaryDirectory() as directory:
        spool = Path(directory) / "notifications.jsonl"
        print(f"In the service, {spool.name} receives:")
        demo(spool)
    return 0


if __name__ == "__main__":
    sys.exit(main())
