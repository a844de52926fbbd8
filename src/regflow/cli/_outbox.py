"""``outbox list`` and ``outbox retry``: what waits, what failed, and sending it again.

A notification that failed for good (an SMTP server that refused it, a webhook that
answered 4xx) stays ``failed`` until an operator acts; once the cause is fixed,
``regflow outbox retry`` makes the failed items that match its filters pending again
and the next ``dispatch`` or ``worker`` round delivers them (their once-keys unchanged,
so a receiver that already has one drops the repeat).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from regflow.cli._context import Context, add_common_options, dump_json, subcommand
from regflow.cli._records import count
from regflow.ports.store import OutboxItem, OutboxState, UnitOfWork

if TYPE_CHECKING:
    from regflow.cli._context import Commands

__all__ = ["register"]

_ALL = 1_000_000
"""More items than one listing shows: ``--limit`` bounds it."""


def register(commands: Commands) -> None:
    """Add ``outbox list`` and ``outbox retry``."""
    parser = subcommand(
        commands,
        "outbox",
        "list queued and failed deliveries; requeue failed ones",
        "outbox list: the outbox's items (by default the failed ones) with their\n"
        "attempts and last error. outbox retry: make the failed items that match\n"
        "every filter pending again (attempts back to 0), for the next dispatch.",
    )
    actions = parser.add_subparsers(title="actions", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="the items that match the filters")
    _filters(listing)
    listing.add_argument(
        "--state",
        choices=[s.value for s in OutboxState] + ["any"],
        default=OutboxState.FAILED.value,
        help="the items' state (default failed)",
    )
    listing.add_argument("--format", choices=("text", "json"), default="text")
    listing.set_defaults(handler=_list)
    retry = actions.add_parser("retry", help="requeue the failed items that match the filters")
    _filters(retry)
    retry.add_argument("--now", metavar="TIME", help="when they become due again (default now)")
    retry.set_defaults(handler=_retry)


def _filters(parser: argparse.ArgumentParser) -> None:
    add_common_options(parser)  # --store and the rest, after the action too
    parser.add_argument("--kind", choices=("notify", "publish"), help="notifications or answers")
    parser.add_argument("--case", metavar="CASE", help="one case's items (its full id)")
    parser.add_argument("--since", metavar="TIME", help="items queued at or after TIME")
    parser.add_argument("--error", metavar="TEXT", help="whose last error contains TEXT")
    parser.add_argument(
        "--limit", type=count, default=_ALL, metavar="N", help="at most N items (all by default)"
    )


def _matching(ctx: Context, uow: UnitOfWork, state: OutboxState | None) -> list[OutboxItem]:
    args = ctx.args
    since = ctx.instant(args.since, "--since") if args.since is not None else None
    return uow.outbox.query(
        state=state,
        kind=args.kind,
        case_id=args.case,
        since=since,
        error=args.error,
        limit=min(args.limit, _ALL),
    )


def _list(ctx: Context) -> int:
    state = None if ctx.args.state == "any" else OutboxState(ctx.args.state)
    with ctx.store().unit_of_work() as uow:
        items = _matching(ctx, uow, state)
    if ctx.args.format == "json":
        dump_json(
            [
                {
                    "key": i.key,
                    "kind": i.kind,
                    "state": i.state,
                    "case": i.case_id,
                    "created_at": i.created_at,
                    "attempts": i.attempts,
                    "available_at": i.available_at,
                    "last_error": i.last_error,
                }
                for i in items
            ],
            ctx.out,
        )
        return 0
    zone = ctx.organization.zone
    for i in items:
        ctx.out.write(
            f"{i.key}  {i.kind}  {i.state.value}  {i.created_at.astimezone(zone):%d.%m.%Y %H:%M}"
            f"  attempts {i.attempts}  {i.last_error}\n"
        )
    ctx.out.write(f"{len(items)} items\n")
    return 0


def _retry(ctx: Context) -> int:
    now = ctx.instant(ctx.args.now, "--now")
    requeued = 0
    with ctx.store().unit_of_work() as uow:  # one transaction: all of them or none
        for item in _matching(ctx, uow, OutboxState.FAILED):
            requeued += uow.outbox.requeue(item.key, now)
    ctx.out.write(f"requeued {requeued} failed items\n")
    return 0
