"""Shared helpers for engine tests: the example organisation, a case driver, domain assertions.

Tests read as the regulation::

    case = CaseDriver.detected("2025-10-31 17:45")
    case.classify("17:50").route("17:55", "improvement")
    assert_deadline(case, "answer", due="2025-11-05 09:45", status="pending")
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest

from regflow.core import (
    ApproveDraft,
    AssignExecutor,
    Case,
    Classify,
    Close,
    Command,
    DeadlineState,
    Detect,
    Escalate,
    Exclude,
    LinkRepeat,
    Organization,
    RecordClarification,
    RecordPublication,
    RecordPublicationFailure,
    RequestPublication,
    ReturnForRework,
    ReturnToCurator,
    Route,
    SubmitContribution,
    SubmitDraft,
    deadlines,
    handle,
)
from regflow.errors import CommandRefused
from regflow.rules import DraftKind, Period, Regulation, blagoveshchensk_2020
from regflow.testing.sample import ZONE, at, message

ROOT = Path(__file__).resolve().parents[2]
ORG = Organization.from_toml_file(ROOT / "examples" / "blagoveshchensk" / "organization.toml")
REGULATION = blagoveshchensk_2020()
CURATOR = "sokolova"
HEADS = {d.id: d.head for d in ORG.departments}
EXECUTORS = {d.id: d.executors[0] for d in ORG.departments}
_ids = itertools.count(1)


@attrs.define
class CaseDriver:
    """Issues commands to one case with sensible defaults; times are 'HH:MM' on the
    current day or full 'YYYY-MM-DD HH:MM'."""

    case: Case
    regulation: Regulation = REGULATION
    org: Organization = ORG

    @classmethod
    def detected(
        cls, when: str, regulation: Regulation = REGULATION, **message_changes: Any
    ) -> CaseDriver:
        instant = at(when)
        command = Detect(
            case_id=f"case-{next(_ids)}",
            actor=CURATOR,
            at=instant,
            message=message(instant, **message_changes),
        )
        case, _events = handle(regulation, ORG, None, command)
        return cls(case, regulation)

    def when(self, text: str) -> dt.datetime:
        if len(text) <= 5:
            day = self.case.events[-1].at.astimezone(ZONE).date()
            return at(f"{day.isoformat()} {text}")
        return at(text)

    def do(self, command: Command) -> CaseDriver:
        self.case, _events = handle(self.regulation, self.org, self.case, command)
        return self

    def _base(self, when: str, actor: str) -> dict[str, Any]:
        return {"case_id": self.case.id, "actor": actor, "at": self.when(when)}

    def classify(
        self,
        when: str,
        topics: tuple[str, ...] = ("snow-removal",),
        importance: str | None = "normal",
        answer_limit: str | None = None,
        location: str | None = "ул. Ленина",
        **more: Any,
    ) -> CaseDriver:
        limit = Period.parse(answer_limit) if answer_limit else None
        return self.do(
            Classify(
                **self._base(when, CURATOR),
                topics=topics,
                location=location,
                importance=importance,
                answer_limit=limit,
                **more,
            )
        )

    def route(
        self,
        when: str,
        *departments: str,
        order: tuple[tuple[str, ...], ...] = (),
        lead: str | None = None,
    ) -> CaseDriver:
        return self.do(
            Route(**self._base(when, CURATOR), departments=departments, order=order, lead=lead)
        )

    def return_to_curator(self, when: str, department: str, reason: str = "не наш вопрос"):
        return self.do(
            ReturnToCurator(
                **self._base(when, HEADS[department]), department=department, reason=reason
            )
        )

    def assign(self, when: str, department: str, executor: str | None = None) -> CaseDriver:
        return self.do(
            AssignExecutor(
                **self._base(when, HEADS[department]),
                department=department,
                executor=executor or EXECUTORS[department],
            )
        )

    def contribute(self, when: str, department: str, text: str = "Наша часть ответа"):
        actor = self.case.executors[department]
        return self.do(
            SubmitContribution(**self._base(when, actor), department=department, text=text)
        )

    def submit(
        self,
        when: str,
        kind: DraftKind = DraftKind.ANSWER,
        text: str = "Снег уберут до вечера",
        measures: str | None = None,
        actor: str | None = None,
    ) -> CaseDriver:
        who = actor or self.case.lead_executor
        assert who is not None
        return self.do(
            SubmitDraft(**self._base(when, who), kind=kind, text=text, measures=measures)
        )

    def approve(self, when: str) -> CaseDriver:
        return self.do(ApproveDraft(**self._base(when, CURATOR)))

    def rework(self, when: str, remarks: str = "Уточните сроки") -> CaseDriver:
        return self.do(ReturnForRework(**self._base(when, CURATOR), remarks=remarks))

    def request(self, when: str) -> CaseDriver:
        who = self.case.lead_executor
        assert who is not None
        return self.do(RequestPublication(**self._base(when, who)))

    def publish(self, when: str, external_id: str = "77") -> CaseDriver:
        who = self.case.lead_executor
        assert who is not None
        return self.do(RecordPublication(**self._base(when, who), external_id=external_id))

    def fail(self, when: str, reason: str = "comments closed", permanent: bool = True):
        who = self.case.lead_executor
        assert who is not None
        return self.do(
            RecordPublicationFailure(**self._base(when, who), reason=reason, permanent=permanent)
        )

    def clarified(self, when: str, text: str = "Улица Ленина, 5") -> CaseDriver:
        return self.do(RecordClarification(**self._base(when, CURATOR), text=text))

    def exclude(self, when: str, category: str = "obscene", evidence: str = "***"):
        return self.do(Exclude(**self._base(when, CURATOR), category=category, evidence=evidence))

    def escalate(self, when: str, reason: str = "significant") -> CaseDriver:
        return self.do(Escalate(**self._base(when, CURATOR), reason=reason))

    def link_repeat(self, when: str, previous: str) -> CaseDriver:
        return self.do(LinkRepeat(**self._base(when, CURATOR), previous_case_id=previous))

    def close(self, when: str, reason: str = "", note: str = "") -> CaseDriver:
        return self.do(Close(**self._base(when, CURATOR), reason=reason, note=note))

    def answer_in_full(self, start: str) -> CaseDriver:
        """Classify, route to improvement, assign, draft, approve, publish: from ``start``
        ('HH:MM' or 'YYYY-MM-DD HH:MM') on, five minutes apart."""
        first = self.when(start)
        times = [(first + dt.timedelta(minutes=5 * i)).strftime("%Y-%m-%d %H:%M") for i in range(7)]
        return (
            self.classify(times[0])
            .route(times[1], "improvement")
            .assign(times[2], "improvement")
            .submit(times[3])
            .approve(times[4])
            .request(times[5])
            .publish(times[6])
        )

    def deadlines(self, now: str | None = None, **kwargs: Any) -> tuple[DeadlineState, ...]:
        instant = self.when(now) if now else None
        return deadlines(self.case, self.regulation, now=instant, organization=self.org, **kwargs)


def find_deadline(
    driver: CaseDriver,
    ident: str,
    *,
    department: str | None = None,
    index: int = -1,
    now: str | None = None,
    **kwargs: Any,
) -> DeadlineState:
    """The ``index``-th (default: last) instance of deadline ``ident``."""
    found = [
        d
        for d in driver.deadlines(now, **kwargs)
        if d.id == ident and (department is None or d.department == department)
    ]
    assert found, f"no deadline {ident!r} (department={department}) in case {driver.case.id}"
    return found[index]


def assert_deadline(
    driver: CaseDriver,
    ident: str,
    *,
    due: str | None = None,
    status: str | None = None,
    met_at: str | None = None,
    responsible: str | None = None,
    department: str | None = None,
    index: int = -1,
    now: str | None = None,
    **kwargs: Any,
) -> DeadlineState:
    """Assert one deadline's due instant, status, met time or responsible person."""
    state = find_deadline(driver, ident, department=department, index=index, now=now, **kwargs)
    if due is not None:
        assert state.due == at(due), f"{ident}: due {state.due:%Y-%m-%d %H:%M}, expected {due}"
    if status is not None:
        assert state.status.value == status, f"{ident}: {state.status.value}, expected {status}"
    if met_at is not None:
        assert state.met_at == at(met_at), f"{ident}: met at {state.met_at}, expected {met_at}"
    if responsible is not None:
        assert state.responsible == responsible, (
            f"{ident}: responsible {state.responsible}, expected {responsible}"
        )
    return state


def refused(
    driver: CaseDriver, error: type[CommandRefused], clause: str, action: Callable[[], object]
) -> str:
    """Run ``action``; it must raise ``error`` citing ``clause`` and leave the case as it was."""
    before = driver.case
    with pytest.raises(error) as info:
        action()
    assert info.value.clause == clause, f"cites {info.value.clause}, expected {clause}"
    assert driver.case is before
    return str(info.value)
