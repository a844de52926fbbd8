"""What every subcommand shares: the common options, the store, the organisation,
the regulation, the service, instants typed by people, and output.

Adapters are chosen by :mod:`regflow.bootstrap` (shared with the worker and
the demo), from the options; this module turns its errors into the command's.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import enum
import functools
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, TypeAlias

import attrs

from regflow import bootstrap
from regflow.bootstrap import ClosableStore, redact
from regflow.calendar import parse_instant
from regflow.core.case import Case
from regflow.core.organization import Organization
from regflow.demo import example_organization
from regflow.errors import CalendarError, InvalidOrganization, InvalidRegulation, InvalidTarget
from regflow.ports.effects import Clock, Notifier, Publisher, Screener
from regflow.ports.store import CaseEntry, Store
from regflow.rules import blagoveshchensk_2020
from regflow.rules.regulation import Regulation
from regflow.rules.toml import load_regulation_file
from regflow.service import Municipality, Service

__all__ = [
    "DEFAULT_STORE",
    "CLIError",
    "ClosableStore",
    "Context",
    "add_common_options",
    "dump_json",
    "open_store",
    "redact",
    "subcommand",
]

DEFAULT_STORE = "regflow.sqlite3"
_EVERY_CASE = 1_000_000_000
"""A limit no store reaches: ``query(stage="any")`` lists every case."""


class CLIError(Exception):
    """A user's mistake or an unmet precondition: one line on stderr, exit ``code``."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


if TYPE_CHECKING:
    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]
    """The subcommands of the parser, to which each module adds its own."""


def subcommand(
    commands: Commands, name: str, summary: str, description: str
) -> argparse.ArgumentParser:
    """A subcommand's parser, with the common options and a help text that keeps
    the description's line breaks."""
    parser = commands.add_parser(
        name,
        help=summary,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_options(parser)
    return parser


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """``--store``, ``--organization``, ``--regulation``, accepted before or after
    the subcommand (so their defaults are filled in by :class:`Context`)."""
    group = parser.add_argument_group("where the data lives")
    group.add_argument(
        "--store",
        metavar="PATH|URL",
        default=argparse.SUPPRESS,
        help=f"a SQLite file (default: ./{DEFAULT_STORE}) or postgresql://user@host/db",
    )
    group.add_argument(
        "--organization",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="the organisation's TOML file (default: the bundled ILLUSTRATIVE Blagoveshchensk "
        "example)",
    )
    group.add_argument(
        "--regulation",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="a regulation in TOML (default: the built-in Blagoveshchensk decree No. 2180)",
    )


def open_store(target: str, *, create: bool = False) -> ClosableStore:
    """The store at ``target`` (:func:`regflow.bootstrap.open_store`): a SQLite file, or
    a PostgreSQL database by URL. A SQLite file must exist unless ``create``.

    Raises:
        CLIError: no such file, a directory, a missing parent directory.
        MissingExtra: PostgreSQL without the ``postgres`` extra.
        StorageError: the database cannot be opened.
    """
    if not bootstrap.is_postgres(target):
        path = Path(target)
        if not create and not path.exists():
            raise CLIError(f"no store at {target}; create one with: regflow init --store {target}")
        if path.is_dir():
            raise CLIError(f"--store {target} is a directory; give a file name")
        if create and not path.parent.exists():
            raise CLIError(f"cannot create {target}: the directory {path.parent} does not exist")
    return bootstrap.open_store(target)


def dump_json(value: object, out: IO[str]) -> None:
    """``value`` as indented UTF-8 JSON; instants in ISO 8601."""
    json.dump(value, out, ensure_ascii=False, indent=2, default=_json_default)
    out.write("\n")


def _json_default(value: object) -> object:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | frozenset | set):
        return sorted(value) if isinstance(value, frozenset | set) else list(value)
    raise TypeError(f"not JSON: {value!r}")


@attrs.define
class Context:
    """One run of the command: its options and the things opened from them."""

    args: argparse.Namespace
    out: IO[str] = attrs.field(factory=lambda: sys.stdout)
    err: IO[str] = attrs.field(factory=lambda: sys.stderr)
    _stack: contextlib.ExitStack = attrs.field(factory=contextlib.ExitStack, init=False)

    @property
    def store_target(self) -> str:
        """``--store``, or ``regflow.sqlite3`` in the current directory."""
        return str(getattr(self.args, "store", None) or DEFAULT_STORE)

    @functools.cached_property
    def organization(self) -> Organization:
        """``--organization``, or the bundled example.

        Raises:
            CLIError: the file cannot be read or is not a valid organisation.
        """
        path = getattr(self.args, "organization", None)
        if path is None:
            return example_organization()
        try:
            return Organization.from_toml_file(path)
        except OSError as exc:
            raise CLIError(f"cannot read the organisation {path}: {exc.strerror or exc}") from exc
        except InvalidOrganization as exc:
            raise CLIError(f"{path} is not a valid organisation: {_problems(exc)}") from exc

    @functools.cached_property
    def regulation(self) -> Regulation:
        """``--regulation``, or the built-in Blagoveshchensk decree.

        Raises:
            CLIError: the file cannot be read or is not a valid regulation.
        """
        path = getattr(self.args, "regulation", None)
        if path is None:
            return blagoveshchensk_2020()
        try:
            return load_regulation_file(path)
        except OSError as exc:
            raise CLIError(f"cannot read the regulation {path}: {exc.strerror or exc}") from exc
        except InvalidRegulation as exc:
            raise CLIError(f"{path}: {_problems(exc)}") from exc

    @property
    def municipality(self) -> Municipality:
        """The organisation with its regulation."""
        return Municipality(self.organization, (self.regulation,))

    def regulation_of(self, case: Case) -> Regulation:
        """The regulation version ``case`` is bound to.

        Raises:
            CLIError: the case is bound to another regulation than ``--regulation``.
        """
        try:
            return self.municipality.regulation(case.regulation, case.detected_at.date())
        except LookupError as exc:
            raise CLIError(
                f"case {case.id} is bound to regulation {case.regulation}; pass that "
                "regulation's file with --regulation"
            ) from exc

    def store(self, *, create: bool = False) -> ClosableStore:
        """The store, opened once and closed when the command ends."""
        store = open_store(self.store_target, create=create)
        self._stack.callback(store.close)
        return store

    def service(
        self,
        store: Store,
        *,
        clock: Clock | None = None,
        notifier: Notifier | None = None,
        publisher: Publisher | None = None,
        screener: Screener | None = None,
    ) -> Service:
        """The service over ``store`` (:func:`regflow.bootstrap.service`); adapters not
        given are those of a command that delivers nothing: a notifier that refuses to
        send, the manual publisher, the Russian screener, the system clock."""
        return bootstrap.service(
            store,
            [self.municipality],
            clock=clock or bootstrap.system_clock(),
            notifier=notifier,
            publisher=publisher,
            screener=screener,
        )

    def notifier(self, target: str, clock: Clock) -> Notifier:
        """The notifier ``--notify`` names (:func:`regflow.bootstrap.notifier`).

        Raises:
            CLIError: an unknown target, a missing part or secret.
            MissingExtra: the target's adapter needs an extra.
        """
        try:
            return bootstrap.notifier(target, clock=clock, out=self.out, on_close=self.on_close)
        except InvalidTarget as exc:
            raise CLIError(f"--notify {exc}") from exc

    def publisher(
        self, targets: Sequence[str], *, store: Store | None = None, clock: Clock | None = None
    ) -> Publisher:
        """The publisher the ``--publish`` options name (:func:`regflow.bootstrap.publishers`:
        each network's answers to its own publisher).

        Raises:
            CLIError: an unknown target, a bad id, a missing token, two for one network.
            MissingExtra: the target's adapter needs an extra.
        """
        try:
            return bootstrap.publishers(targets, on_close=self.on_close, store=store, clock=clock)
        except InvalidTarget as exc:
            raise CLIError(f"--publish {exc}") from exc

    def instant(self, text: str | None, option: str) -> dt.datetime:
        """An instant typed by a person, local to the organisation; now if ``None``.

        Raises:
            CLIError: not a date and time.
        """
        if text is None:
            return bootstrap.system_clock().now().astimezone(self.organization.zone)
        try:
            return parse_instant(text, self.organization.timezone)
        except CalendarError as exc:
            raise CLIError(f"{option} {text!r} is not a date and time (2025-11-24 09:30)") from exc

    def find_case(self, store: Store, text: str) -> CaseEntry:
        """The case whose id is ``text``, or the one case whose id ends with it or
        whose hash part starts with it (``13114d`` for ``blagoveshchensk-13114ddef9002d2e``).

        Raises:
            CLIError: no such case, or several match.
        """
        with store.unit_of_work() as uow:
            entry = uow.cases.get(text)
            if entry is not None:
                return entry
            found = [
                e
                for e in uow.cases.query(stage="any", limit=_EVERY_CASE)
                if e.case_id.endswith(text) or e.case_id.split("-")[-1].startswith(text)
            ]
        if len(found) == 1:
            return found[0]
        if not found:
            raise CLIError(f"no case {text!r} in {redact(self.store_target)}")
        names = ", ".join(e.case_id for e in found[:5])
        raise CLIError(f"{text!r} matches {len(found)} cases ({names}...); give more of the id")

    def every_case(self, store: Store) -> list[CaseEntry]:
        """Every case of the organisation, whatever its stage, by id."""
        with store.unit_of_work() as uow:
            entries = uow.cases.query(
                organization=self.organization.id, stage="any", limit=_EVERY_CASE
            )
        return sorted(entries, key=lambda e: e.case_id)

    def on_close(self, callback: Callable[[], object]) -> None:
        """Call ``callback`` when the command ends (to close an adapter)."""
        self._stack.callback(callback)

    def close(self) -> None:
        """Close what the command opened."""
        self._stack.close()

    @contextlib.contextmanager
    def output(self, path: str | None) -> Iterator[IO[str]]:
        """``path`` opened for writing (UTF-8), or stdout if ``None`` or ``-``."""
        if path is None or path == "-":
            yield self.out
            return
        try:
            with open(path, "w", encoding="utf-8", newline="") as handle:
                yield handle
        except OSError as exc:
            raise CLIError(f"cannot write {path}: {exc.strerror or exc}") from exc


def _problems(error: InvalidOrganization | InvalidRegulation) -> str:
    problems = error.problems
    shown = "; ".join(str(p) for p in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return f"{shown}{more}"
