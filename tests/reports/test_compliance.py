"""The compliance report counts what the control department asks: messages, answers on
time, time to route and to answer, breaches with who answers for them, repeats,
exclusions, escalations and the daily load -- figures checked here by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable

import attrs
import pytest

from regflow.core import Case, Organization
from regflow.reports import (
    ComplianceReport,
    build_report,
    render_csv,
    render_json,
    render_markdown,
)
from regflow.reports.compliance import CSV_COLUMNS, Spread, Timing
from regflow.rules import Regulation
from tests.engine.conftest import ORG, REGULATION, CaseDriver, at

START = at("2025-11-10 00:00")
END = at("2025-11-15 00:00")
NOW = at("2025-11-14 18:00")


def minutes(n: float) -> dt.timedelta:
    return dt.timedelta(minutes=n)


@attrs.frozen
class Week:
    """Seven messages of Mon 10 -- Fri 14 November 2025 (no holidays; office hours 9-13,
    14-18, Asia/Yakutsk), and two outside the period."""

    on_time: Case
    """c1, improvement: Mon 10:00; routed 10:10, answered 10:35 (35 min)."""
    rework: Case
    """c2, improvement: Mon 16:00; routed 16:20; draft returned once, answered Tue 09:30:
    1050 min clock, 150 working (16-18 Mon, 9-9:30 Tue); due Tue 16:00, met."""
    late: Case
    """c3, housing: Tue 09:00; routed 09:20; draft 15:00 (due 14:00), approved 15:20,
    published Wed 10:00 (publish due 15:50, answer due Tue 18:00): 1500 min clock, 540
    working; three breaches, all ivanova's."""
    excluded: Case
    """c4: Wed 11:00, excluded 11:10 as obscene; never routed."""
    overdue: Case
    """c5, housing: Wed 14:00; routed 14:50 (route due 14:30: the curator's breach); no
    draft: draft due Thu 09:00 and answer due Thu 13:00 both passed by Fri 18:00."""
    repeat: Case
    """c6, improvement: Thu 10:00; repeats c1, escalated as significant; routed 10:10,
    answered 10:40."""
    pending: Case
    """c7, housing: Fri 15:00; routed 15:10; answer due Mon 17 Nov 15:00, not yet judged."""
    outside: tuple[Case, ...]
    """Detected Fri 7 Nov (before the period) and Sat 15 Nov 00:00 (its exclusive end)."""

    @property
    def cases(self) -> list[Case]:
        return [
            self.outside[0],
            self.on_time,
            self.rework,
            self.late,
            self.excluded,
            self.overdue,
            self.repeat,
            self.pending,
            self.outside[1],
        ]


def a_week() -> Week:
    c1 = CaseDriver.detected("2025-11-10 10:00").answer_in_full("10:05")
    c2 = CaseDriver.detected("2025-11-10 16:00")
    c2.classify("16:05").route("16:20", "improvement").assign("16:30", "improvement")
    c2.submit("17:00").rework("17:20").submit("17:50", text="Снег уберут к обеду")
    c2.approve("2025-11-11 09:10").request("09:15").publish("09:30")
    c3 = CaseDriver.detected("2025-11-11 09:00")
    c3.classify("09:05", topics=("heating",)).route("09:20", "housing").assign("09:40", "housing")
    c3.submit("15:00").approve("15:20").request("15:25").publish("2025-11-12 10:00")
    c4 = CaseDriver.detected("2025-11-12 11:00").exclude("11:10", "obscene")
    c5 = CaseDriver.detected("2025-11-12 14:00")
    c5.classify("14:10", topics=("heating",)).route("14:50", "housing").assign("15:00", "housing")
    c6 = CaseDriver.detected("2025-11-13 10:00")
    c6.link_repeat("10:02", c1.case.id).classify("10:05", significant=True).escalate("10:06")
    c6.route("10:10", "improvement").assign("10:15", "improvement")
    c6.submit("10:20", measures="Снег вывезен 11.11").approve("10:25").request("10:30")
    c6.publish("10:40")
    c7 = CaseDriver.detected("2025-11-14 15:00")
    c7.classify("15:05", topics=("heating",)).route("15:10", "housing").assign("15:20", "housing")
    before = CaseDriver.detected("2025-11-07 12:00").answer_in_full("12:05")
    at_end = CaseDriver.detected("2025-11-15 00:00")
    return Week(
        c1.case, c2.case, c3.case, c4.case, c5.case, c6.case, c7.case, (before.case, at_end.case)
    )


def report_of(
    week: Week,
    *,
    regulation_for: Callable[[Case], Regulation] = lambda case: REGULATION,
    organization: Organization = ORG,
    start: dt.datetime = START,
    end: dt.datetime = END,
    now: dt.datetime = NOW,
) -> ComplianceReport:
    return build_report(
        week.cases,
        regulation_for=regulation_for,
        organization=organization,
        start=start,
        end=end,
        now=now,
    )


@pytest.fixture(scope="module")
def week() -> Week:
    return a_week()


@pytest.fixture(scope="module")
def report(week: Week) -> ComplianceReport:
    return report_of(week)


def test_the_header_names_the_organisation_the_period_and_the_regulation(
    report: ComplianceReport,
) -> None:
    assert (report.organization_id, report.timezone) == ("blagoveshchensk", "Asia/Yakutsk")
    assert report.organization_name == "Администрация города Благовещенска (пример)"
    assert (report.start, report.end, report.now) == (START, END, NOW)
    assert report.regulations == ("blagoveshchensk-2180@2020-07-13",)
    assert report.main_deadlines == ("answer",)


def test_the_totals_count_messages_answers_and_the_share_on_time(
    report: ComplianceReport,
) -> None:
    totals = report.totals
    # c1..c7; the cases of 7 Nov and of 15 Nov 00:00 are outside [start, end)
    assert totals.messages == 7
    # final answers: c1, c2, c3, c6 (c5 and c7 are in work, c4 excluded)
    assert totals.answered == 4
    # п. 9 met: c1, c2, c6; breached: c3 (late), c5 (overdue); c4 cancelled, c7 pending
    assert (totals.on_time, totals.late, totals.judged) == (3, 2, 5)
    assert totals.share_on_time == pytest.approx(0.6)
    # c3: draft, publish, answer; c5: route, draft, answer
    assert totals.breaches == 6
    assert (totals.repeats, totals.excluded, totals.escalations) == (1, 1, 1)


def test_time_to_route_is_the_median_and_90th_percentile_of_detection_to_routing(
    report: ComplianceReport,
) -> None:
    # routed: c1 10, c2 20, c3 20, c5 50, c6 10, c7 10 minutes, all inside office hours
    # sorted 10 10 10 20 20 50: median (10 + 20) / 2 = 15; p90 at rank 0.9 * 5 = 4.5:
    # 20 + 0.5 * (50 - 20) = 35
    same = Spread(minutes(15), minutes(35))
    assert report.totals.to_route == Timing(6, same, same)


def test_time_to_answer_counts_working_time_and_clock_time_apart(
    report: ComplianceReport,
) -> None:
    # answered: c1 35/35, c2 150/1050, c3 540/1500, c6 40/40 (working/clock minutes)
    # working sorted 35 40 150 540: median 95; p90 rank 2.7: 150 + 0.7 * 390 = 423
    # clock sorted 35 40 1050 1500: median 545; p90: 1050 + 0.7 * 450 = 1365
    assert report.totals.to_answer == Timing(
        4, Spread(minutes(95), minutes(423)), Spread(minutes(545), minutes(1365))
    )


def test_each_department_counts_the_cases_it_leads_and_the_breaches_it_answers_for(
    report: ComplianceReport,
) -> None:
    housing, improvement, nobody = report.departments
    assert (housing.id, improvement.id, nobody.id) == ("housing", "improvement", None)
    assert housing.name == "Управление жилищно-коммунального хозяйства (пример)"
    # housing: c3, c5, c7; only c3 answered, late; c5 overdue; c7 pending
    h = housing.metrics
    assert (h.messages, h.answered, h.on_time, h.late, h.share_on_time) == (3, 1, 0, 2, 0.0)
    # c3's three and c5's draft and answer; c5's late routing is the curator's
    assert h.breaches == 5
    # routing 10 20 50: median 20; p90 rank 1.8: 20 + 0.8 * 30 = 44
    assert h.to_route.working == Spread(minutes(20), minutes(44))
    assert h.to_answer == Timing(
        1, Spread(minutes(540), minutes(540)), Spread(minutes(1500), minutes(1500))
    )
    # improvement: c1, c2, c6, all on time; c6 is the repeat and the escalation
    i = improvement.metrics
    assert (i.messages, i.answered, i.on_time, i.late, i.share_on_time) == (3, 3, 3, 0, 1.0)
    assert (i.breaches, i.repeats, i.excluded, i.escalations) == (0, 1, 0, 1)
    # routing 10 10 20: median 10, p90 10 + 0.8 * 10 = 18
    assert i.to_route.clock == Spread(minutes(10), minutes(18))
    # answers 35 40 150 working, 35 40 1050 clock: p90 40 + 0.8 * 110 = 128, 40 + 0.8 * 1010 = 848
    assert i.to_answer == Timing(
        3, Spread(minutes(40), minutes(128)), Spread(minutes(40), minutes(848))
    )
    # no department: the excluded c4 and the curator's breach
    n = nobody.metrics
    assert (n.messages, n.excluded, n.breaches, n.judged, n.to_route.count) == (1, 1, 1, 0, 0)
    assert nobody.name.startswith("Без органа")
    assert sum(r.metrics.messages for r in report.departments) == report.totals.messages
    assert sum(r.metrics.breaches for r in report.departments) == report.totals.breaches


def test_each_executor_counts_the_cases_he_leads_and_the_breaches_he_answers_for(
    report: ComplianceReport,
) -> None:
    assert [(r.id, r.name) for r in report.executors] == [
        ("volkova", "Волкова Наталья Юрьевна"),
        ("ivanova", "Иванова Мария Сергеевна"),
    ]
    volkova, ivanova = report.executors
    assert volkova.metrics == report.departments[1].metrics
    assert (ivanova.metrics.messages, ivanova.metrics.late, ivanova.metrics.breaches) == (3, 2, 5)


def test_every_breach_names_its_clause_and_the_person_who_answers_for_it(
    week: Week, report: ComplianceReport
) -> None:
    found = [
        (
            b.case_id,
            b.deadline,
            b.clause,
            b.department.id if b.department else None,
            b.due,
            b.done_at,
            b.late_by,
            b.responsible_role,
            b.responsible.id if b.responsible else None,
        )
        for b in report.breaches
    ]
    late, overdue = week.late.id, week.overdue.id
    assert found == [
        # answer due Tue 18:00 - 4 working hours = 14:00
        (late, "draft", "п. 10", "housing", at("2025-11-11 14:00"), at("2025-11-11 15:00"),
         minutes(60), "executor", "ivanova"),
        # approved 15:20 + 30 min
        (late, "publish", "п. 13", "housing", at("2025-11-11 15:50"), at("2025-11-12 10:00"),
         minutes(18 * 60 + 10), "executor", "ivanova"),
        (late, "answer", "п. 9", "housing", at("2025-11-11 18:00"), at("2025-11-12 10:00"),
         minutes(16 * 60), "executor", "ivanova"),
        (overdue, "route", "п. 7", None, at("2025-11-12 14:30"), at("2025-11-12 14:50"),
         minutes(20), "curator", "sokolova"),
        # not done: late by now (Fri 18:00) - due
        (overdue, "draft", "п. 10", "housing", at("2025-11-13 09:00"), None,
         minutes(33 * 60), "executor", "ivanova"),
        (overdue, "answer", "п. 9", "housing", at("2025-11-13 13:00"), None,
         minutes(29 * 60), "executor", "ivanova"),
    ]  # fmt: skip
    assert report.breaches[3].responsible is not None
    assert report.breaches[3].responsible.name == "Соколова Анна Викторовна"


def test_breaches_are_counted_for_every_deadline_of_the_regulation(
    report: ComplianceReport,
) -> None:
    assert [(d.deadline, d.clause, d.count) for d in report.breaches_by_deadline] == [
        ("route", "п. 7", 1),
        ("return", "п. 8", 0),
        ("answer", "п. 9", 2),
        ("draft", "п. 10", 2),
        ("final-draft", "п. 10", 0),
        ("approve", "п. 11", 0),
        ("rework", "п. 12", 0),
        ("publish", "п. 13", 1),
        ("final", "п. 14", 0),
        ("contribute", "п. 15", 0),
    ]


def test_repeats_exclusions_and_escalations_are_listed(
    week: Week, report: ComplianceReport
) -> None:
    assert [(r.case_id, r.repeat_of) for r in report.repeats] == [(week.repeat.id, week.on_time.id)]
    assert report.repeats[0].department is not None
    assert report.repeats[0].department.id == "improvement"
    assert [(t.key, t.count) for t in report.exclusions] == [
        ("intent-to-harm", 0),
        ("obscene", 1),
        ("insult", 0),
        ("threat-to-official", 0),
    ]
    assert [(t.key, t.count) for t in report.escalations] == [
        ("significant", 1),
        ("surge", 0),
        ("department-breaches", 0),
    ]


def test_the_daily_load_counts_messages_per_local_day_of_the_period(
    report: ComplianceReport,
) -> None:
    assert [(d.day.isoformat(), d.messages) for d in report.daily] == [
        ("2025-11-10", 2),
        ("2025-11-11", 1),
        ("2025-11-12", 2),
        ("2025-11-13", 1),
        ("2025-11-14", 1),
    ]


def test_the_end_of_the_period_is_excluded(week: Week) -> None:
    longer = report_of(week, end=END + dt.timedelta(seconds=1))
    assert longer.totals.messages == 8
    assert [(d.day.isoformat(), d.messages) for d in longer.daily][-1] == ("2025-11-15", 1)
    earlier = report_of(week, start=at("2025-11-07 12:00"))
    assert earlier.totals.messages == 8


def test_deadlines_are_judged_as_of_now(week: Week) -> None:
    # Wed 16:00, period Mon-Wed: c5's answer (due Thu 13:00) is still pending
    report = report_of(week, end=at("2025-11-13 00:00"), now=at("2025-11-12 16:00"))
    totals = report.totals
    assert (totals.messages, totals.on_time, totals.late) == (5, 2, 1)
    assert sorted(b.deadline for b in report.breaches) == ["answer", "draft", "publish", "route"]


def test_the_main_deadline_is_the_one_set_per_message_or_else_answer(week: Week) -> None:
    answer = REGULATION.effective.deadline["answer"]
    assert answer.per_message
    plain = attrs.evolve(
        REGULATION,
        deadlines=tuple(
            attrs.evolve(d, per_message=False) if d.id == "answer" else d
            for d in REGULATION.deadlines
        ),
    )
    report = report_of(week, regulation_for=lambda case: plain)
    assert report.main_deadlines == ("answer",)
    assert (report.totals.on_time, report.totals.late) == (3, 2)
    # another deadline set per message becomes the measure of "on time"
    publish_is_main = attrs.evolve(
        REGULATION,
        deadlines=tuple(
            attrs.evolve(d, per_message=d.id == "publish") for d in REGULATION.deadlines
        ),
    )
    report = report_of(week, regulation_for=lambda case: publish_is_main)
    assert report.main_deadlines == ("publish",)
    # publish met: c1, c2, c6; breached: c3; c5 and c7 never approved
    assert (report.totals.on_time, report.totals.late) == (3, 1)


def test_bad_arguments_are_refused(week: Week) -> None:
    with pytest.raises(ValueError, match="aware"):
        report_of(week, now=dt.datetime(2025, 11, 14, 18))
    with pytest.raises(ValueError, match="empty"):
        report_of(week, end=START)
    other = attrs.evolve(ORG, id="tynda")
    with pytest.raises(ValueError, match="belongs to 'blagoveshchensk'"):
        report_of(week, organization=other)


def test_no_cases_make_an_empty_report() -> None:
    report = build_report(
        [], regulation_for=lambda case: REGULATION, organization=ORG, start=START, end=END,
        now=NOW,
    )  # fmt: skip
    assert report.totals.messages == 0
    assert report.totals.share_on_time is None
    assert report.totals.to_answer == Timing(0, None, None)
    assert (report.departments, report.executors, report.breaches) == ((), (), ())
    assert [d.messages for d in report.daily] == [0] * 5
    assert "Ответ в срок: 0 из 0 (—)" in render_markdown(report)
    assert len(list(csv.reader(io.StringIO(render_csv(report))))) == 2
    assert json.loads(render_json(report))["totals"]["share_on_time"] is None


# -- renderers --------------------------------------------------------------------


def test_the_markdown_report_has_russian_headings_and_formatted_numbers(
    report: ComplianceReport,
) -> None:
    text = render_markdown(report)
    assert text.startswith(
        "# Отчёт о соблюдении регламента: Администрация города Благовещенска (пример)\n"
    )
    for heading in (
        "## Итоги",
        "## По органам",
        "## По исполнителям",
        "## Нарушения сроков (п. 19)",
        "## Повторные сообщения (п. 16)",
        "## Исключённые сообщения (п. 18)",
        "## Доведено до заместителей мэра (п. 20)",
        "## Нагрузка по дням",
    ):
        assert f"\n{heading}\n" in text
    assert "- **Период:** 10.11.2025 00:00 — 15.11.2025 00:00 " in text
    assert "- Ответ в срок: 3 из 5 (60 %)\n" in text
    assert (
        "- Время до ответа: медиана 1 ч 35 мин рабочего времени (9 ч 05 мин календарного), "
        "90-й процентиль 7 ч 03 мин (22 ч 45 мин); сообщений: 4\n"
    ) in text
    assert (
        "| Управление благоустройства и дорожного хозяйства (пример) | 3 | 3 | 3 | 0 | 100 % "
        "| 0 | 1 | 0 | 0 | 1 | 10 мин / 10 мин | 18 мин / 18 мин | 40 мин / 40 мин "
        "| 2 ч 08 мин / 14 ч 08 мин |"
    ) in text
    assert "| подготовка и размещение ответа (`answer`) | п. 9 | 2 |" in text
    assert (
        "| не выполнено | 29 ч 00 мин | исполнитель Иванова Мария Сергеевна (`ivanova`); "
        "этап на момент истечения: подготовка проекта ответа (п. 10) |" in text
    )
    assert "- нецензурная брань (`obscene`): 1" in text
    assert "| 12.11.2025 | 2 |" in text


def test_the_markdown_report_keeps_names_inert() -> None:
    week = a_week()
    departments = tuple(
        attrs.evolve(d, name='Управление <b>&" | ЖКХ') if d.id == "housing" else d
        for d in ORG.departments
    )
    text = render_markdown(report_of(week, organization=attrs.evolve(ORG, departments=departments)))
    assert '| Управление &lt;b&gt;&amp;" \\| ЖКХ | 3 |' in text
    assert "<b>" not in text


def test_the_csv_has_the_totals_then_a_row_per_department_and_per_executor(
    report: ComplianceReport,
) -> None:
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["level"], r["id"]) for r in rows] == [
        ("total", ""),
        ("department", "housing"),
        ("department", "improvement"),
        ("department", ""),
        ("executor", "volkova"),
        ("executor", "ivanova"),
    ]
    total = rows[0]
    assert total["name"] == "Администрация города Благовещенска (пример)"
    assert {k: total[k] for k in ("messages", "answered", "on_time", "late", "share_on_time")} == {
        "messages": "7",
        "answered": "4",
        "on_time": "3",
        "late": "2",
        "share_on_time": "0.6",
    }
    assert [
        total[f"answer_{basis}_{stat}_min"]
        for basis in ("working", "clock")
        for stat in ("median", "p90")
    ] == ["95", "423", "545", "1365"]
    housing = rows[1]
    assert (housing["share_on_time"], housing["breaches"], housing["route_working_p90_min"]) == (
        "0",
        "5",
        "44",
    )
    nobody = rows[3]
    assert (nobody["share_on_time"], nobody["route_count"], nobody["route_clock_median_min"]) == (
        "",
        "0",
        "",
    )


def test_the_json_round_trips_with_stable_keys_iso_times_and_numbers(
    report: ComplianceReport,
) -> None:
    data = json.loads(render_json(report))
    assert list(data) == [
        "format",
        "organization",
        "period",
        "now",
        "regulations",
        "main_deadlines",
        "totals",
        "departments",
        "executors",
        "breaches_by_deadline",
        "breaches",
        "repeats",
        "flagged",
        "skipped",
        "exclusions",
        "escalations",
        "daily",
        "timed",
    ]
    assert data["period"] == {
        "start": "2025-11-10T00:00:00+09:00",
        "end": "2025-11-15T00:00:00+09:00",
    }
    totals = data["totals"]
    assert totals["share_on_time"] == 0.6
    assert totals["to_answer"] == {
        "count": 4,
        "working": {"median_minutes": 95.0, "p90_minutes": 423.0},
        "clock": {"median_minutes": 545.0, "p90_minutes": 1365.0},
    }
    assert [(d["id"], d["messages"]) for d in data["departments"]] == [
        ("housing", 3),
        ("improvement", 3),
        (None, 1),
    ]
    breach = data["breaches"][-1]
    assert breach["deadline"] == "answer"
    assert breach["due"] == "2025-11-13T13:00:00+09:00"
    assert breach["done_at"] is None
    assert breach["late_by_minutes"] == 29 * 60
    assert breach["responsible"] == {"id": "ivanova", "name": "Иванова Мария Сергеевна"}
    assert data["daily"][0] == {"date": "2025-11-10", "messages": 2}
    assert data["exclusions"][1] == {"category": "obscene", "count": 1}


def test_the_same_cases_give_the_same_report_and_text(week: Week, report: ComplianceReport) -> None:
    again = report_of(week)
    assert again == report
    assert render_json(again) == render_json(report)
    assert render_csv(again) == render_csv(report)
    assert render_markdown(again) == render_markdown(report)


def test_every_regulation_version_judging_a_case_is_named(week: Week) -> None:
    later: Regulation = attrs.evolve(REGULATION, version="2024-01-01")
    report = report_of(
        week, regulation_for=lambda case: later if case.id == week.pending.id else REGULATION
    )
    assert report.regulations == (
        "blagoveshchensk-2180@2020-07-13",
        "blagoveshchensk-2180@2024-01-01",
    )


def test_p18_a_message_the_screener_flagged_but_the_curator_answered_is_on_the_record() -> None:
    from regflow.core import Detect, handle
    from tests.engine.conftest import message

    detected = at("2025-11-10 09:00")
    flagged, _ = handle(
        REGULATION,
        ORG,
        None,
        Detect(
            case_id="flagged-1",
            actor="sokolova",
            at=detected,
            message=message(detected),
            screening=("insult",),
        ),
    )
    answered = CaseDriver(flagged).answer_in_full("2025-11-10 09:05")
    excluded = CaseDriver.detected("2025-11-10 10:00").exclude("10:05", category="insult")
    plain = CaseDriver.detected("2025-11-10 11:00").answer_in_full("11:05")
    report = build_report(
        [answered.case, excluded.case, plain.case],
        regulation_for=lambda case: REGULATION,
        organization=ORG,
        start=START,
        end=END,
        now=NOW,
    )
    (entry,) = report.flagged
    assert (entry.case_id, entry.categories, entry.answered) == ("flagged-1", ("insult",), True)
    assert entry.department is not None
    assert entry.department.id == "improvement"
    text = render_markdown(report)
    assert "- `flagged-1`: оскорбления; ответ размещён; Управление благоустройства" in text
    assert json.loads(render_json(report))["flagged"][0]["answered"] is True


def test_closed_without_an_answer_is_its_own_figure_and_never_silently_out_of_the_share() -> None:
    # Mon 10 Nov. d1: closed as deleted at 10:10, before its answer deadline (Mon 18:00):
    # not judged, and said so. d2: detected Mon 09:00, routed, nobody answered; closed as
    # withdrawn on Tue at 12:00, after the answer deadline (Mon 17:00): judged late.
    # d3: answered on time, then closed: not "closed without an answer".
    d1 = CaseDriver.detected("2025-11-10 10:00").close("10:10", reason="deleted")
    d2 = CaseDriver.detected("2025-11-10 09:00")
    d2.classify("09:05").route("09:10", "improvement").assign("09:15", "improvement")
    d2.close("2025-11-11 12:00", reason="withdrawn")
    d3 = CaseDriver.detected("2025-11-10 11:00").answer_in_full("11:05").close("11:45")
    report = build_report(
        [d1.case, d2.case, d3.case],
        regulation_for=lambda case: REGULATION,
        organization=ORG,
        start=START,
        end=END,
        now=NOW,
    )
    totals = report.totals
    assert (totals.closed_unanswered, totals.closed_not_judged) == (2, 1)
    assert (totals.on_time, totals.late, totals.judged) == (1, 1, 2)
    text = render_markdown(report)
    assert "- Закрыто без ответа: 2\n" in text
    assert (
        "- Ответ в срок: 1 из 2 (50 %); не оценены 1 закрытых без ответа до истечения срока "
        "(закрытые после истечения срока учтены как нарушившие срок)\n"
    ) in text
    document = json.loads(render_json(report))
    assert document["totals"]["closed_unanswered"] == 2
    assert document["totals"]["closed_not_judged"] == 1
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    assert (rows[0]["closed_unanswered"], rows[0]["closed_not_judged"]) == ("2", "1")


def test_imported_events_and_times_far_from_their_receipt_are_listed(week: Week) -> None:
    # issue 15: the deadlines are judged by the declared times; the report shows which
    # of them the server did not see happen
    case = week.on_time
    events = list(case.events)
    events[1] = attrs.evolve(events[1], received_at=events[1].at + minutes(2))  # typed late
    events[2] = attrs.evolve(events[2], received_at=events[2].at + minutes(1))  # within a minute
    events[3] = attrs.evolve(events[3], imported=True)
    stamped = attrs.evolve(case, events=tuple(events))
    cases = tuple(stamped if c is case else c for c in week.cases)
    found = build_report(
        cases, regulation_for=lambda _c: REGULATION, organization=ORG, start=START, end=END, now=NOW
    )
    assert [(t.case_id, t.seq, t.imported, t.skew) for t in found.timed] == [
        (case.id, 2, False, -minutes(2)),
        (case.id, 4, True, None),
    ]
    text = render_markdown(found)
    assert "## Время событий: заявленное и полученное сервером" in text
    assert f"- `{case.id}` № 4 ({events[3].type}): заявлено" in text
    assert "перенесено из другой системы" in text
    assert json.loads(render_json(found))["timed"][0]["seq"] == 2
    assert report_of(week).timed == ()
    assert "\n## Время событий: заявленное и полученное сервером\n" in render_markdown(
        report_of(week)
    )


def test_the_html_report_lists_the_timed_events(week: Week) -> None:
    from regflow.reports import render_html

    case = week.on_time
    events = (*case.events[:3], attrs.evolve(case.events[3], imported=True), *case.events[4:])
    cases = tuple(attrs.evolve(case, events=events) if c is case else c for c in week.cases)
    found = build_report(
        cases, regulation_for=lambda _c: REGULATION, organization=ORG, start=START, end=END, now=NOW
    )
    page = render_html(found)
    assert "<h2>Время событий: заявленное и полученное сервером</h2>" in page
    assert f"<code>{case.id}</code>" in page.split("Время событий")[1]
