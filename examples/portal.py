"""How a web portal's handlers call regflow's service: a framework-free sketch.

A portal has three entry points into regflow:

- ``on_detected(record)``: the monitoring system (or the curator's "add a
  message" form) reports a post, as a JSON record;
- ``on_staff_action(user, form)``: a member of staff submits a form;
- ``cron_every_minute()``: the scheduler's job: record due warnings and
  breaches, deliver the outbox.

Each handler returns what a web framework would turn into a response (a
status code and a JSON body). ``start()`` is the composition root: the one
place where adapters are chosen. Here they are fakes (a settable clock,
recording notifier and publisher) over SQLite in a temporary directory, or
over the in-memory store if the SQLite adapter is not there; a real portal
passes SystemClock, SMTPNotifier or WebhookNotifier, VKPublisher...

Run from the repository root: ``python examples/portal.py``. It plays one
working morning and prints what happened.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from regflow.adapters.memory import MemoryStore
from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Classify,
    Command,
    Organization,
    RequestPublication,
    Route,
    SubmitDraft,
)
from regflow.errors import CommandRefused, InvalidMessage, PermissionDenied
from regflow.ports import Store
from regflow.rules import DraftKind, blagoveshchensk_2020
from regflow.service import Municipality, Service, open_service
from regflow.testing import FixedClock, KeywordScreener, RecordingNotifier, RecordingPublisher

ROOT = Path(__file__).resolve().parent
ORG = Organization.from_toml_file(ROOT / "blagoveshchensk" / "organization.toml")
ZONE = ZoneInfo(ORG.timezone)
CURATOR = ORG.curators[0]  # monitoring systems detect messages on the curator's behalf (п. 5)
Response = tuple[int, dict[str, Any]]

# -- the composition root -------------------------------------------------------------

clock = FixedClock(dt.datetime(2025, 12, 2, 9, 0, tzinfo=ZONE))  # a Tuesday
notifier = RecordingNotifier()
publisher = RecordingPublisher()
service: Service  # built once, at start-up, by start()


def start(store: Store) -> Service:
    """Build the service the handlers use. Called once when the portal starts."""
    global service
    service = open_service(
        store=store,
        municipalities=[Municipality(ORG, (blagoveshchensk_2020(),))],
        notifier=notifier,
        publisher=publisher,
        screener=KeywordScreener({"дурак": "insult"}),
        clock=clock,
        tolerance=None,  # a simulated clock: commands declare the times
    )
    return service


@contextlib.contextmanager
def open_store() -> Iterator[Store]:
    """SQLite in a temporary directory if the adapter is installed, else memory."""
    try:
        from regflow.adapters.sqlite import SQLiteStore
    except ImportError:
        yield MemoryStore()
        return
    with tempfile.TemporaryDirectory() as directory, SQLiteStore(Path(directory) / "db") as store:
        yield store


# -- the handlers ---------------------------------------------------------------------


def on_detected(record: Mapping[str, object]) -> Response:
    """POST /messages: a detected message as JSON (``Message.to_record``'s layout)."""
    try:
        case_id, opened = service.intake_record(record, organization=ORG.id, actor=CURATOR)
    except InvalidMessage as error:
        return 400, {"problems": [str(p) for p in error.problems]}
    return (201 if opened else 200), {"case": case_id, "opened": opened}


def _classify(user: str, form: Mapping[str, str]) -> Command:
    return Classify(
        case_id=form["case"],
        actor=user,
        at=clock.now(),
        topics=tuple(form["topics"].split(",")),
        location=form.get("location") or None,
        importance=form.get("importance") or None,
    )


def _route(user: str, form: Mapping[str, str]) -> Command:
    departments = tuple(form["departments"].split(","))
    return Route(case_id=form["case"], actor=user, at=clock.now(), departments=departments)


def _assign(user: str, form: Mapping[str, str]) -> Command:
    return AssignExecutor(
        case_id=form["case"],
        actor=user,
        at=clock.now(),
        department=form["department"],
        executor=form["executor"],
    )


def _submit(user: str, form: Mapping[str, str]) -> Command:
    kind = DraftKind(form.get("kind", "answer"))
    text = form["text"]
    return SubmitDraft(case_id=form["case"], actor=user, at=clock.now(), kind=kind, text=text)


def _approve(user: str, form: Mapping[str, str]) -> Command:
    return ApproveDraft(case_id=form["case"], actor=user, at=clock.now())


def _publish(user: str, form: Mapping[str, str]) -> Command:
    return RequestPublication(case_id=form["case"], actor=user, at=clock.now())


ACTIONS: dict[str, Callable[[str, Mapping[str, str]], Command]] = {
    "classify": _classify,
    "route": _route,
    "assign": _assign,
    "submit": _submit,
    "approve": _approve,
    "publish": _publish,
}


def on_staff_action(user: str, form: Mapping[str, str]) -> Response:
    """POST /cases/<id>/<action>: ``user`` is the signed-in person's id in the organisation.

    A refusal changes nothing; its text names the rule and the clause, which
    is what the person needs to see.
    """
    build = ACTIONS.get(form.get("action", ""))
    if build is None:
        return 400, {"error": f"unknown action {form.get('action')!r}"}
    try:
        command = build(user, form)
    except (KeyError, ValueError) as error:  # a field missing or malformed
        return 400, {"error": f"bad form: {error}"}
    try:
        events = service.handle(command)
    except PermissionDenied as refusal:
        return 403, {"error": refusal.reason, "clause": refusal.clause}
    except CommandRefused as refusal:  # RuleViolation: wrong step, stage or content
        return 409, {"error": refusal.reason, "clause": refusal.clause}
    except LookupError:  # no stored case with that id
        return 404, {"error": f"no case {command.case_id}"}
    return 200, {"events": [e.type for e in events]}


def cron_every_minute() -> dict[str, int]:
    """The scheduler's job: due warnings and breaches (each once), then the outbox."""
    ticked = service.tick()
    sent = service.dispatch()
    return {
        "warnings": ticked.warnings,
        "breaches": ticked.breaches,
        "delivered": sent.delivered,
        "retried": sent.retried,
    }


# -- one working morning --------------------------------------------------------------


def record(post: str, text: str, minutes_ago: int = 4) -> dict[str, object]:
    """What a monitoring system posts: a VK comment found just now."""
    now = clock.now()
    return {
        "platform": "vk",
        "place": {"owner_id": "-100000001", "post_id": post, "comment_id": "1"},
        "url": f"https://vk.com/wall-100000001_{post}?reply=1",
        "author": {"id": "5150", "name": "Житель"},
        "text": text,
        "published_at": (now - dt.timedelta(minutes=minutes_ago)).isoformat(),
        "detected_at": now.isoformat(),
        "source_system": "monitoring",
        "source_event_id": f"m-{post}",
    }


def at(hhmm: str) -> None:
    """Let time pass until ``hhmm`` today; the scheduler fires every minute, half a
    minute past it, and what it did is printed."""
    hour, minute = map(int, hhmm.split(":"))
    until = clock.now().replace(hour=hour, minute=minute, second=0)
    fire = clock.now().replace(second=30)
    if fire <= clock.now():
        fire += dt.timedelta(minutes=1)
    while fire < until:
        clock.instant = fire
        notices, posts = len(notifier.sent), len(publisher.posts)
        done = cron_every_minute()
        if any(done.values()):
            print(f"{fire:%H:%M} cron: " + ", ".join(f"{v} {k}" for k, v in done.items() if v))
            for notice in notifier.sent[notices:]:
                print(f"        -> {notice.recipient}: {notice.subject}")
            for post in list(publisher.posts.values())[posts:]:
                print(f"        -> published: {post.url}")
        fire += dt.timedelta(minutes=1)
    clock.instant = until


def say(who: str, what: str, response: Response) -> None:
    status, body = response
    print(f"{clock.now():%H:%M} {who} {what}: {status} {body}")


def act(user: str, what: str, action: str, case: str, **fields: str) -> None:
    """``user`` submits the form of ``action`` on ``case``."""
    say(user, what, on_staff_action(user, {"action": action, "case": case, **fields}))


def main() -> None:
    logging.basicConfig(  # refusals and given-up deliveries are logged by regflow.service
        stream=sys.stdout, format="        log %(name)s %(levelname)s: %(message)s"
    )
    with open_store() as store:
        start(store)
        print(f"store: {type(store).__name__}")
        comment = record("901", "На ул. Мухина во дворе не горит ни один фонарь")
        status, body = on_detected(comment)
        say("monitoring", "reports a comment", (status, body))
        lights = body["case"]
        say("monitoring", "reports it again", on_detected(comment))
        naive = record("902", "Где уборка?") | {"published_at": "2025-12-02T09:00:00"}
        say("monitoring", "reports a record without a time zone", on_detected(naive))

        at("09:05")
        act(
            "sokolova",
            "classifies",
            "classify",
            lights,
            topics="lighting",
            location="Северный",
            importance="normal",
        )
        at("09:10")
        act("sokolova", "routes", "route", lights, departments="severny")
        at("09:20")
        act("titov", "submits before he is assigned", "submit", lights, text="Заменим фонари")
        at("09:25")
        act("kiseleva", "assigns", "assign", lights, department="severny", executor="titov")
        status, body = on_detected(record("903", "Когда починят остановку на Игнатьевском шоссе?"))
        say("monitoring", "reports another comment", (status, body))
        stop = body["case"]  # nobody routes this one

        at("11:00")
        answer = "Фонари во дворе на ул. Мухина заменят сегодня до 17:00."
        act("titov", "submits the draft", "submit", lights, text=answer)
        at("11:10")
        act("sokolova", "approves", "approve", lights)
        at("11:15")
        act("titov", "asks to publish", "publish", lights)
        at("11:20")

        print()
        for case in (lights, stop):
            print(f"case {case}: {service.case(case).stage}")
            for state in service.deadlines(case):
                print(
                    f"  {state.id:<8}{state.clause:<7}due {state.due:%d.%m %H:%M}  "
                    f"{state.status.value:<9}{state.responsible}"
                )
        print(f"published: {[p.url for p in publisher.posts.values()]}")
        assert service.case(lights).stage == "answered"
        assert len(publisher.posts) == 1
        assert [d.status.value for d in service.deadlines(stop) if d.id == "route"] == ["breached"]


if __name__ == "__main__":
    main()
