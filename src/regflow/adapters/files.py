"""Effects that stay on this machine: notifications printed as lines, notifications and
publications appended to JSON Lines files (a dry run, the demo's week, a test bench).

Nothing here talks to a network. A file adapter appends one JSON object per line
(UTF-8) and flushes it, so another program can follow the file as it grows.
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from pathlib import Path
from typing import IO, TYPE_CHECKING

import attrs

from regflow.errors import DeliveryError, InvalidTarget, PublishError
from regflow.ports.effects import Notification, Publication, PublicationRequest

__all__ = ["JsonlNotifier", "JsonlPublisher", "PrintingNotifier"]


class PrintingNotifier:
    """A :class:`~regflow.ports.Notifier` that prints each notification as one line."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out

    def send(self, notification: Notification) -> None:
        """Print ``notification``: kind, recipient, address, subject."""
        self.out.write(
            f"notify [{notification.kind}] {notification.recipient} <{notification.address}>: "
            f"{notification.subject}\n"
        )


class JsonlNotifier:
    """A :class:`~regflow.ports.Notifier` that appends each notification to a JSON Lines file.

    Each line is the notification's fields (``key``, ``recipient``, ``address``,
    ``subject``, ``text``, ``case_id``, ``kind``). A repeat of a key is
    appended again, as a real delivery would be repeated; readers drop repeats
    by ``key``. ``counts`` counts this process's notifications by kind.

    Args:
        path: the file; made if missing, appended to if not.

    :meth:`send` raises :class:`~regflow.errors.DeliveryError`, transient, when
    the file cannot be written (a full disk, a missing directory).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.counts: Counter[str] = Counter()
        self._lock = threading.Lock()

    def send(self, notification: Notification) -> None:
        """Append ``notification`` as one line."""
        line = json.dumps(attrs.asdict(notification), ensure_ascii=False)
        with self._lock:
            try:
                _append(self.path, line)
            except OSError as exc:
                raise DeliveryError(f"cannot append to {self.path}: {exc}", transient=True) from exc
            self.counts[notification.kind] += 1


class JsonlPublisher:
    """A :class:`~regflow.ports.Publisher` that appends each answer to a JSON Lines file
    instead of posting it.

    A key is published once, as VK's ``guid`` makes it: a repeated key returns
    the first publication (keys already in the file count, so a restarted
    process does not post twice). The publication's id is ``jsonl-N``, its
    link ``FILE#N`` (N the line).

    Args:
        path: the file; made if missing, its keys read if not.

    Raises:
        InvalidTarget: a line of an existing file is not a publication this
            publisher wrote (the message gives the line number).
        OSError: an existing file cannot be read.

    :meth:`publish` raises :class:`~regflow.errors.PublishError`, transient, when
    the file cannot be written.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._posted: dict[str, Publication] = {}
        if self.path.exists():
            with self.path.open(encoding="utf-8") as lines:
                for number, line in enumerate(lines, 1):
                    self._remember(_key(line, self.path, number))

    @property
    def published(self) -> int:
        """How many distinct answers the file holds."""
        return len(self._posted)

    def publish(self, request: PublicationRequest) -> Publication:
        """Append ``request`` once per key; its publication."""
        with self._lock:
            if request.key in self._posted:
                return self._posted[request.key]
            record = {
                "key": request.key,
                "case_id": request.case_id,
                "platform": request.platform.value,
                "place": attrs.asdict(request.place),
                "account": request.account,
                "text": request.text,
                "attachments": [{"kind": a.kind.value, "url": a.url} for a in request.attachments],
            }
            try:
                _append(self.path, json.dumps(record, ensure_ascii=False))
            except OSError as exc:
                raise PublishError(f"cannot append to {self.path}: {exc}", transient=True) from exc
            return self._remember(request.key)

    def _remember(self, key: str) -> Publication:
        number = len(self._posted) + 1
        publication = Publication(f"jsonl-{number}", f"{self.path.name}#{number}")
        self._posted[key] = publication
        return publication


def _key(line: str, path: Path, number: int) -> str:
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    key = record.get("key") if isinstance(record, dict) else None
    if not isinstance(key, str):
        raise InvalidTarget(str(path), f"line {number} is not a publication (JSON with a key)")
    return key


def _append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8", newline="\n") as out:
        out.write(line + "\n")


if TYPE_CHECKING:
    import sys

    from regflow.ports import Notifier, Publisher

    _printing: Notifier = PrintingNotifier(sys.stdout)
    _notifier: Notifier = JsonlNotifier("n.jsonl")
    _publisher: Publisher = JsonlPublisher("p.jsonl")
