"""The simulated staff: each case's life as a generator that acts and then says
when it acts next; a scheduler runs them on a simulated clock, with the
service's ``tick`` and ``dispatch`` as time passes.

People act in working time mostly (delays are counted with the regulation's
working time), sometimes in the evening, and sometimes late.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import random
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from regflow.adapters.clock import FixedClock
from regflow.calendar import Working, WorkingTime
from regflow.core import commands as c
from regflow.core.case import Case
from regflow.core.organization import DepartmentKind, Organization
from regflow.demo._messages import Plan
from regflow.errors import CommandRefused, PublishError
from regflow.ports.effects import Publication, PublicationRequest, Publisher, Screener
from regflow.rules.vocabulary import DraftKind
from regflow.service import Service

__all__ = ["DemoPublisher", "Week"]

Life = Iterator[dt.datetime]
"""A case's (or a person's) life: each step acts, then yields when to go on."""

_STEP = dt.timedelta(minutes=10)
"""How often the clock ticks and the outbox is dispatched."""


@attrs.define
class DemoPublisher:
    """Hands answers to ``inner`` (which posts nothing in the demo); a few places have
    comments closed (permanent failure) and a few first attempts hit a rate limit
    (transient)."""

    inner: Publisher
    closed: set[str] = attrs.Factory(set)
    limited: set[str] = attrs.Factory(set)

    def publish(self, request: PublicationRequest) -> Publication:
        """Publish, or fail as the place's comments say."""
        if request.case_id in self.closed:
            raise PublishError("comments are closed", transient=False, code="closed")
        if request.key in self.limited:
            self.limited.discard(request.key)
            raise PublishError("too many requests", transient=True, retry_after=300, code="6")
        return self.inner.publish(request)


class Week:
    """A week of work on one service, with a simulated clock."""

    def __init__(
        self,
        service: Service,
        organization: Organization,
        clock: FixedClock,
        wt: WorkingTime,
        rng: random.Random,
        screener: Screener,
        publisher: DemoPublisher,
    ) -> None:
        self.service = service
        self.org = organization
        self.clock = clock
        self.wt = wt
        self.rng = rng
        self.screener = screener
        self.publisher = publisher
        self.curator = organization.curators[0]
        self.cases: dict[int, str] = {}
        self.counts: Counter[str] = Counter()
        self._agenda: list[tuple[dt.datetime, int, Life]] = []
        self._serial = 0

    # -- the scheduler ----------------------------------------------------------------

    @property
    def now(self) -> dt.datetime:
        """The simulated instant."""
        return self.clock.instant

    def start(self, at: dt.datetime, life: Life) -> None:
        """Run ``life`` from ``at``."""
        self._serial += 1
        heapq.heappush(self._agenda, (at, self._serial, life))

    def run(self, end: dt.datetime, progress: Callable[[dt.datetime], None]) -> None:
        """Advance the clock to ``end`` in steps: lives act, then tick and dispatch."""
        while self.now < end:
            step_end = min(self.now + _STEP, end)
            while self._agenda and self._agenda[0][0] < step_end:
                at, _, life = heapq.heappop(self._agenda)
                self.clock.instant = max(at, self.now)
                resume = next(life, None)
                if resume is not None:
                    self.start(max(resume, self.now + dt.timedelta(minutes=1)), life)
            self.clock.instant = step_end
            ticked = self.service.tick(step_end)
            self.counts["warnings"] += ticked.warnings
            self.counts["breaches"] += ticked.breaches
            self.counts["escalations"] += ticked.escalations
            sent = self.service.dispatch(step_end)
            self.counts["retried"] += sent.retried
            if step_end.minute == 0:
                progress(step_end)

    # -- acting -------------------------------------------------------------------------

    def after(self, typical: float, late: float = 0.08, *, plan: Plan | None = None) -> dt.datetime:
        """When someone who usually needs ``typical`` working minutes gets to it
        (people hurry with a message of high importance)."""
        if plan is not None and plan.importance == "high":
            typical *= 0.4
        minutes = self.rng.lognormvariate(math.log(typical), 0.5)
        if self.rng.random() < late:
            minutes *= self.rng.uniform(2.5, 6.0)
        if self.rng.random() < 0.05:  # done from home in the evening, on the phone
            return self.now + dt.timedelta(minutes=minutes)
        return self.wt.add(self.now, Working(minutes=max(1, round(minutes))))

    def act(self, command: Any) -> bool:
        """Issue ``command`` (Any: every command class has the fields used here);
        a refusal is counted, and a shortened limit is confirmed if that is all."""
        try:
            self.service.handle(command)
        except CommandRefused as refusal:
            self.counts["refused"] += 1
            if "confirm_tight" in refusal.reason and not command.confirm_tight:
                return self.act(attrs.evolve(command, confirm_tight=True))
            return False
        return True

    def case(self, case_id: str) -> Case:
        """The case as stored now."""
        return self.service.case(case_id)

    def on_duty(self, case: Case, department: str) -> str:
        """Who holds the department's executor role in ``case`` today (п. 6)."""
        day = self.wt.to_local(self.now).date()
        return self.org.on_duty(department, case.executors[department], day)

    # -- lives ------------------------------------------------------------------------------

    def arrive(self, plan: Plan) -> Life:
        """A message is detected; the curator takes it from there."""
        case_id, opened = self.service.intake(
            plan.message, organization=self.org.id, actor=self.curator, at=self.now
        )
        self.counts["messages"] += 1
        if not opened:
            self.counts["duplicates"] += 1
            return
        self.cases[plan.id] = case_id
        self.counts["cases"] += 1
        if plan.closed_comments:
            self.publisher.closed.add(case_id)
        yield self.after(10, late=0.05, plan=plan)
        yield from self._curate(plan, case_id)

    def _curate(self, plan: Plan, case_id: str) -> Life:
        case = self.case(case_id)
        me, now = self.curator, self.now
        if plan.story == "abusive" and case.screening:
            found = self.screener.screen(plan.message.text)[0]
            if self.act(
                c.Exclude(
                    case_id=case_id, actor=me, at=now, category=found.category, evidence=found.text
                )
            ):
                self.counts["excluded"] += 1
            return
        earlier = self.cases.get(plan.repeat_of) if plan.repeat_of is not None else None
        if earlier and self.act(
            c.LinkRepeat(case_id=case_id, actor=me, at=now, previous_case_id=earlier)
        ):
            self.counts["repeats"] += 1
        if not self.act(
            c.Classify(
                case_id=case_id,
                actor=me,
                at=now,
                topics=plan.topics,
                # п. 7: a message that names no place is about the city as a whole
                location=plan.location or "весь город",
                importance=plan.importance,
                significant=plan.significant,
            )
        ):
            return
        if plan.significant and self.act(
            c.Escalate(
                case_id=case_id, actor=me, at=now, reason="significant", note="Резонансная тема"
            )
        ):
            self.counts["escalated"] += 1
        departments = self._competent(plan)
        if plan.story == "misrouted":
            wrong = [d.id for d in self.org.departments if d.id not in departments]
            departments = (self.rng.choice(wrong),)
        yield from self._route(plan, case_id, departments)

    def _competent(self, plan: Plan) -> tuple[str, ...]:
        """One department per topic: the district's own for its area, else the sectoral one."""
        chosen: list[str] = []
        for topic in plan.topics:
            found = self.org.competent_departments((topic,), plan.location)
            local = [d for d in found if self.org.department(d).kind is DepartmentKind.TERRITORIAL]
            pick = (local or list(found))[0]
            if pick not in chosen:
                chosen.append(pick)
        return tuple(chosen)

    def _route(self, plan: Plan, case_id: str, departments: tuple[str, ...]) -> Life:
        lead, others = departments[0], departments[1:]
        order: tuple[tuple[str, ...], ...] = ()
        if len(others) > 1 and self.rng.random() < 0.5:
            order = tuple((d,) for d in others)  # one after another
        elif others:
            order = (others,)
        if not self.act(
            c.Route(
                case_id=case_id,
                actor=self.curator,
                at=self.now,
                departments=departments,
                order=order,
                lead=lead,
            )
        ):
            return
        if others:
            self.counts["joint"] += 1
        for department in others:
            self.start(self.after(25, late=0.06, plan=plan), self._contribute(case_id, department))
        yield self.after(25, late=0.06, plan=plan)
        yield from self._lead(plan, case_id, lead)

    def _lead(self, plan: Plan, case_id: str, department: str) -> Life:
        head = self.org.department(department).head
        if plan.story == "misrouted" and department not in self._competent(plan):
            if self.act(
                c.ReturnToCurator(
                    case_id=case_id,
                    actor=head,
                    at=self.now,
                    department=department,
                    reason="Вопрос не относится к компетенции управления",
                )
            ):
                self.counts["returned"] += 1
                yield self.after(12, plan=plan)
                yield from self._route(plan, case_id, self._competent(plan))
            return
        executors = self.org.department(department).executors
        wanted = executors[0] if self.rng.random() < 0.75 else self.rng.choice(executors)
        if not self.act(
            c.AssignExecutor(
                case_id=case_id, actor=head, at=self.now, department=department, executor=wanted
            )
        ):
            return
        yield self.after(75, late=0.06, plan=plan)
        yield from self._answer(plan, case_id, department)

    def _contribute(self, case_id: str, department: str) -> Life:
        head = self.org.department(department).head
        executors = self.org.department(department).executors
        if not self.act(
            c.AssignExecutor(
                case_id=case_id,
                actor=head,
                at=self.now,
                department=department,
                executor=executors[0],
            )
        ):
            return
        for _ in range(60):
            yield self.after(70, late=0.1)
            case = self.case(case_id)
            if not case.is_open or department not in case.departments:
                return
            if department in case.opened:
                self.act(
                    c.SubmitContribution(
                        case_id=case_id,
                        actor=self.on_duty(case, department),
                        at=self.now,
                        department=department,
                        text=f"Часть ответа ({department}): работы запланированы на этой неделе.",
                    )
                )
                return

    def _answer(self, plan: Plan, case_id: str, department: str) -> Life:
        case = self.case(case_id)
        for _ in range(40):  # the joint answer waits for every part (п. 15)
            if not set(case.departments) - {case.lead} - case.contributed:
                break
            if self.rng.random() < 0.1:  # tries too early: refused, citing п. 15
                self._draft(case, department, DraftKind.ANSWER)
            yield self.after(60, plan=plan)
            case = self.case(case_id)
        first = {"interim": DraftKind.INTERIM, "clarification": DraftKind.CLARIFICATION}
        kind = first.get(plan.story, DraftKind.ANSWER)
        yield from self._publish(plan, case_id, department, kind)
        if kind is DraftKind.CLARIFICATION:
            yield self.now + dt.timedelta(hours=self.rng.uniform(1, 20))  # the author answers
            self.act(
                c.RecordClarification(
                    case_id=case_id, actor=self.curator, at=self.now, text="Дом 12, подъезд 3."
                )
            )
            yield self.after(120, late=0.1, plan=plan)
            yield from self._publish(plan, case_id, department, DraftKind.ANSWER)
        elif kind is DraftKind.INTERIM:
            self.counts["interim"] += 1
            yield self.wt.add(self.now, Working(hours=self.rng.randint(6, 40)))
            yield from self._publish(plan, case_id, department, DraftKind.ANSWER)

    def _draft(self, case: Case, department: str, kind: DraftKind) -> bool:
        text = {
            DraftKind.ANSWER: "Здравствуйте! Работы выполнены, спасибо за обращение.",
            DraftKind.INTERIM: "Здравствуйте! Информация передана, ответ дадим в течение недели.",
            DraftKind.CLARIFICATION: "Здравствуйте! Уточните, пожалуйста, адрес дома.",
        }[kind]
        return self.act(
            c.SubmitDraft(
                case_id=case.id,
                actor=self.on_duty(case, department),
                at=self.now,
                kind=kind,
                text=text,
                measures="Подрядчик выполнил работы." if case.repeat_of else None,
            )
        )

    def _publish(self, plan: Plan, case_id: str, department: str, kind: DraftKind) -> Life:
        """Draft, approval (after rework if it comes to that), publication (п. 10-13)."""
        case = self.case(case_id)
        if not case.is_open or not self._draft(case, department, kind):
            return
        yield self.after(10, late=0.05, plan=plan)
        if plan.rework and kind is DraftKind.ANSWER and case.drafts < 2:
            remarks = "Укажите сроки выполнения работ"
            self.act(
                c.ReturnForRework(case_id=case_id, actor=self.curator, at=self.now, remarks=remarks)
            )
            self.counts["reworked"] += 1
            yield self.after(35, late=0.1, plan=plan)
            if not self._draft(self.case(case_id), department, kind):
                return
            yield self.after(10, late=0.05, plan=plan)
        if not self.act(c.ApproveDraft(case_id=case_id, actor=self.curator, at=self.now)):
            return
        yield self.after(8, late=0.05, plan=plan)
        if kind is DraftKind.ANSWER and self.rng.random() < 0.02:
            self.publisher.limited.add(f"{case_id}/draft-{self.case(case_id).drafts}")
        executor = self.on_duty(self.case(case_id), department)
        if not self.act(c.RequestPublication(case_id=case_id, actor=executor, at=self.now)):
            return
        for _ in range(40):
            yield self.now + _STEP
            case = self.case(case_id)
            draft = case.draft
            if draft is not None and draft.state == "published":
                self.counts["published"] += 1
                return
            if case.failure is not None:  # comments closed: posted by hand, link recorded
                yield self.after(40, plan=plan)
                if self.act(
                    c.RecordPublication(
                        case_id=case_id,
                        actor=self.on_duty(case, department),
                        at=self.now,
                        external_id=f"manual-{case_id[-6:]}",
                        url=f"{case.message.url}#manual",
                    )
                ):
                    self.counts["published"] += 1
                    self.counts["by hand"] += 1
                return
