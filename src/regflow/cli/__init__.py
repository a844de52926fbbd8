"""The ``regflow`` command: run the regulation on a store from a shell.

``regflow demo`` simulates a working week and prints its compliance report;
the other subcommands work on a SQLite file (``--store PATH``, by default
``regflow.sqlite3`` here) or a PostgreSQL database (``--store
postgresql://...``). ``regflow SUBCOMMAND --help`` says more. User errors are
one line on stderr and a non-zero exit code: 1 for a bad input or a failed
check, 2 for a command the regulation refuses (and for bad usage).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from typing import IO

from regflow.cli import _act, _deadline, _docs, _outbox, _records, _run
from regflow.cli._context import CLIError, Context, add_common_options
from regflow.errors import CommandRefused, RegflowError

__all__ = ["build_parser", "main"]

_REFUSED = 2


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``regflow`` and all its subcommands."""
    parser = argparse.ArgumentParser(
        prog="regflow",
        description="Answer citizens' social-media messages by a municipal regulation: "
        "deadlines in Russian working time, routing, approval, audit.",
        epilog="Start with: regflow demo",
    )
    add_common_options(parser)
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log what the service does, on stderr"
    )
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    for module in (_docs, _records, _act, _run, _outbox, _deadline):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``regflow`` with ``argv`` (the process's arguments by default).

    Returns:
        The exit code: 0 on success, 1 for a user error or a failed check, 2 for
        a command the regulation refused or bad usage, 130 when interrupted.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or bad usage (argparse has printed why)
        return exc.code if isinstance(exc.code, int) else 2
    context = Context(args)
    try:
        with _logging(context.err, verbose=args.verbose):
            code: int = args.handler(context)
    except CLIError as exc:
        return _fail(context, str(exc), exc.code)
    except CommandRefused as exc:
        return _fail(context, f"refused: {exc}", _REFUSED, prefix="regflow")
    except RegflowError as exc:
        return _fail(context, str(exc), 1)
    except KeyboardInterrupt:
        context.err.write("\nregflow: interrupted\n")
        return 130
    except BrokenPipeError:
        # the reader went away (regflow cases | head): not an error of ours
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        context.close()
    return code


@contextlib.contextmanager
def _logging(err: IO[str], *, verbose: bool) -> Iterator[None]:
    """The service's log on stderr with ``--verbose``; otherwise only our own error
    line is printed (a refusal is logged by the service and reported by us)."""
    logger = logging.getLogger("regflow")
    handler: logging.Handler = logging.NullHandler()
    if verbose:
        handler = logging.StreamHandler(err)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else level)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _fail(context: Context, message: str, code: int, *, prefix: str = "regflow: error") -> int:
    lines = message.strip().splitlines() or ["failed"]
    context.err.write(f"{prefix}: {lines[0]}\n")
    for line in lines[1:]:
        context.err.write(f"  {line.strip()}\n")
    return code
