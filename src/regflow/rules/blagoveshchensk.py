"""The built-in ruleset: Blagoveshchensk decree No. 2180 of 13.07.2020.

Every clause 2-20 of the order is carried by at least one rule object or by
a note saying why it has no executable rule; all ten deadlines of the table
in ``regulation/clauses.md``; the seven ambiguities as interpretations, and
the readings the rules once made silently (the moment of detection, the
presidential non-working days, interim answers and п. 9, clarification
requests and п. 13, the numbers of п. 20, a shortened limit that leaves no
time, the lead's own part in п. 15) as interpretations too; closing a case
without an answer, which no clause provides, as the library's addition.
"""

from __future__ import annotations

import datetime as dt

from regflow.rules._text_2180 import CLAUSES
from regflow.rules.kinds import (
    AnswerForm,
    Attribution,
    Citation,
    Classification,
    ClauseNote,
    CloseReason,
    Closing,
    CoExecution,
    Deadline,
    Escalation,
    EscalationTrigger,
    Exclusion,
    Interpretation,
    Period,
    Permission,
    Scope,
    Setting,
)
from regflow.rules.regulation import Regulation, WorkingTimeSpec
from regflow.rules.vocabulary import KNOWN_PLATFORMS, Platform

__all__ = ["blagoveshchensk_2020"]

_P3_PLATFORMS = tuple(p for p in KNOWN_PLATFORMS if p != Platform.OTHER)
"""п. 3: Odnoklassniki, VKontakte, Facebook, Instagram, blogs and microblogs, video hosting,
forums, messengers (Telegram and MAX are messengers, so the text covers them) and review
sites; only a source the text does not name ("other") is left out."""

_BLOCKED_SINCE_2022 = (
    "Facebook and Instagram stay in the 2020 text, but both are blocked in Russia: "
    "Roskomnadzor restricted access to Facebook on 4 March 2022 "
    "(https://ria24.today/news/rkn-v-rossii-zablokirovali-facebook-russkaya/12164062) and "
    "to Instagram from 00:00 on 14 March 2022 (announced 11 March: "
    "https://sputnik-abkhazia.ru/amp/20220311/instagram-budet-zablokirovan-v-rossii-s-"
    "ponedelnika-1038059997.html); on 21 March 2022 the Tverskoy District Court of Moscow "
    "declared Meta Platforms Inc. extremist and banned its activity "
    "(https://rbc.ua/rus/news/facebook-instagram-okonchatelno-zapretili-1647871885.html). "
    "An administration keeps no official account there, so п. 13 cannot be carried out: "
    "such a message is accepted at detection (the text lists the platform), but a "
    "publication request is refused for want of an official account (п. 13) and the "
    "curator answers elsewhere or closes the case."
)

_SHORT_LIMITS = ("route", "return", "draft", "approve", "rework", "publish", "contribute")
"""The deadlines whose text does not say "working" (ambiguity 1)."""


def _c(number: int) -> Citation:
    clause = f"п. {number}"
    return Citation(clause, CLAUSES[clause])


def _deadlines() -> tuple[Deadline, ...]:
    return (
        Deadline(
            "route",
            _c(7),
            "Classify the message and send it to the competent department(s)",
            starts_on=("detected", "returned_to_curator"),
            stops_on=("routed",),
            limit=Period.parse("30m"),
            responsible="curator",
            warn_before=(Period.parse("10m"),),
        ),
        Deadline(
            "return",
            _c(8),
            "Return a message outside the department's competence to the curator",
            starts_on=("routed",),
            stops_on=("returned_to_curator",),
            limit=Period.parse("2h"),
            responsible="department_head",
            scope=Scope.DEPARTMENT,
            optional=True,
        ),
        Deadline(
            "answer",
            _c(9),
            "Prepare and publish the answer",
            starts_on=("detected",),
            stops_on=("published:answer", "published:interim"),
            limit=Period.parse("8h"),
            responsible="executor",
            warn_before=(Period.parse("2h"), Period.parse("30m")),
            once=True,
            per_message=True,
            attribution=Attribution.HOLDER,
        ),
        Deadline(
            "draft",
            _c(10),
            "Send the draft answer (or interim answer, or clarification request) to the curator",
            starts_on=("detected",),
            stops_on=("draft_submitted",),
            limit=Period.parse("4h"),
            before="answer",
            responsible="executor",
            warn_before=(Period.parse("1h"),),
            once=True,
        ),
        Deadline(
            "final-draft",
            _c(10),
            "Send the final draft after an interim answer to the curator",
            starts_on=("published:interim",),
            stops_on=("draft_submitted:answer",),
            limit=Period.parse("1d"),
            before="final",
            responsible="executor",
            warn_before=(Period.parse("4h"),),
        ),
        Deadline(
            "approve",
            _c(11),
            "Approve the draft or return it for rework",
            starts_on=("draft_submitted",),
            stops_on=("approved", "returned_for_rework"),
            limit=Period.parse("30m"),
            responsible="curator",
            warn_before=(Period.parse("10m"),),
        ),
        Deadline(
            "rework",
            _c(12),
            "Rework the returned draft and send it again",
            starts_on=("returned_for_rework",),
            stops_on=("draft_submitted",),
            limit=Period.parse("1h"),
            responsible="executor",
            warn_before=(Period.parse("15m"),),
        ),
        Deadline(
            "publish",
            _c(13),
            "Publish the approved answer where the message appeared, from the official account",
            starts_on=("approved:answer", "approved:interim", "approved:clarification"),
            stops_on=("published",),
            limit=Period.parse("30m"),
            responsible="executor",
            warn_before=(Period.parse("10m"),),
        ),
        Deadline(
            "final",
            _c(14),
            "Publish the final answer after an interim one",
            starts_on=("published:interim",),
            stops_on=("published:answer",),
            limit=Period.parse("7d"),
            responsible="executor",
            warn_before=(Period.parse("1d"),),
            attribution=Attribution.HOLDER,
        ),
        Deadline(
            "contribute",
            Citation("п. 15", CLAUSES["п. 15"]),
            "Send this executor's part of a joint answer to the curator",
            starts_on=("contribution_opened",),
            stops_on=("contribution_submitted",),
            cancelled_on=("contribution_cancelled",),
            limit=Period.parse("2h"),
            responsible="co_executor",
            scope=Scope.DEPARTMENT,
            warn_before=(Period.parse("30m"),),
        ),
    )


_AFTER_ROUTING = (
    "routed",
    "in_work",
    "awaiting_approval",
    "rework",
    "approved",
    "interim_published",
)
"""A co-executor's part may arrive at any time after routing (п. 15(2), (3))."""


def _permissions() -> tuple[Permission, ...]:
    open_stages = (
        "detected",
        "classified",
        "routed",
        "in_work",
        "awaiting_approval",
        "rework",
        "approved",
        "interim_published",
    )
    return (
        Permission("detect", ("curator",), ("new",), ("detected",), _c(7)),
        Permission("classify", ("curator",), ("detected", "classified"), ("classified",), _c(7)),
        # in work at once when the curator appoints the person who prepares the answer
        Permission("route", ("curator",), ("classified",), ("routed", "in_work"), _c(7)),
        # routing again adds departments (a part returned under п. 8); the lead's stage stays
        Permission("route", ("curator",), ("routed", "in_work"), ("routed", "in_work"), _c(7)),
        Permission(
            "return_to_curator",
            ("department_head",),
            ("routed", "in_work"),
            ("classified", "routed", "in_work"),
            _c(8),
        ),
        # a co-executor's designation leaves the case routed until the lead's executor is named
        Permission(
            "assign_executor", ("department_head",), ("routed",), ("routed", "in_work"), _c(6)
        ),
        Permission("assign_executor", ("department_head",), ("in_work",), ("in_work",), _c(6)),
        Permission("submit_contribution", ("co_executor",), _AFTER_ROUTING, _AFTER_ROUTING, _c(15)),
        Permission("submit_draft", ("executor",), ("in_work",), ("awaiting_approval",), _c(10)),
        Permission("submit_draft", ("executor",), ("rework",), ("awaiting_approval",), _c(12)),
        Permission(
            "submit_draft", ("executor",), ("interim_published",), ("awaiting_approval",), _c(14)
        ),
        Permission("approve", ("curator",), ("awaiting_approval",), ("approved",), _c(11)),
        Permission("return_for_rework", ("curator",), ("awaiting_approval",), ("rework",), _c(11)),
        Permission("request_publication", ("executor",), ("approved",), ("approved",), _c(13)),
        Permission(
            "record_publication",
            ("executor",),
            ("approved",),
            ("answered", "interim_published", "in_work"),
            _c(13),
        ),
        Permission(
            "record_publication_failure", ("executor",), ("approved",), ("approved",), _c(13)
        ),
        Permission(
            "record_clarification",
            ("curator", "executor"),
            ("in_work", "awaiting_approval", "rework", "approved"),
            ("in_work", "awaiting_approval", "rework", "approved"),
            _c(10),
        ),
        Permission(
            "exclude",
            ("curator",),
            ("detected", "classified", "routed", "in_work"),
            ("excluded",),
            _c(18),
        ),
        Permission(
            "escalate",
            ("curator",),
            (*open_stages, "answered"),
            (*open_stages, "answered"),
            _c(20),
        ),
        Permission(
            "link_repeat",
            ("curator",),
            ("detected", "classified"),
            ("detected", "classified"),
            _c(16),
        ),
        # no clause closes a case (see Regulation.closing): the library's addition
        Permission("close", ("curator",), (*open_stages, "answered"), ("closed",)),
    )


def _interpretations() -> tuple[Interpretation, ...]:
    def basis(value: str) -> tuple[Setting, ...]:
        return tuple(Setting(f"deadlines.{d}.basis", value) for d in _SHORT_LIMITS)

    return (
        Interpretation(
            "short-limits",
            _c(7),
            "Are the 30-minute, 1-, 2- and 4-hour limits (п. 7, 8, 10-13, 15) working or "
            "clock time? Only п. 9 and п. 14 say 'working'.",
            default="working",
            choices={
                "working": "working time: a message detected at 17:50 is routed by 9:20 of the "
                "next working day, because the staff who act work office hours",
                "clock": "clock time: the limits run through nights, weekends and holidays",
            },
            settings={"working": basis("working"), "clock": basis("clock")},
        ),
        Interpretation(
            "day-counting",
            _c(14),
            "How are '7 working days from the day the interim answer was sent' counted?",
            default="civil-code",
            choices={
                "civil-code": "Civil Code arts. 191, 193: counting starts the next day and "
                "the period ends at the close of the last working day",
                "from-instant": "7 times the working day's length, from the moment of sending",
            },
            settings={
                "civil-code": (
                    Setting("deadlines.final.counting", "civil-code"),
                    Setting("deadlines.final-draft.counting", "civil-code"),
                ),
                "from-instant": (
                    Setting("deadlines.final.counting", "from-instant"),
                    Setting("deadlines.final-draft.counting", "from-instant"),
                ),
            },
        ),
        Interpretation(
            "shortened-deadline",
            _c(7),
            "п. 7: on the basis of the topic, location and importance the curator 'may decide' "
            "to respond in a shortened time, but the text gives no numbers. Does the category "
            "shorten the deadline by itself, or only the curator's decision for a message?",
            default="explicit-only",
            choices={
                "explicit-only": "only the curator's decision for the message shortens it "
                "(answer_limit when classifying): 'may decide' is a decision per message, and "
                "the text sets no shorter limit by category",
                "by-importance": "a 'high' importance message is answered within 5 working "
                "hours without a decision; the curator may also set a shorter limit per "
                "message. The 5 hours are the library's choice, not the text's",
            },
            settings={
                "explicit-only": (Setting("deadlines.answer.by_importance", {}),),
                "by-importance": (Setting("deadlines.answer.by_importance", {"high": "5h"}),),
            },
        ),
        Interpretation(
            "clarification",
            _c(10),
            "Does the answer clock pause while the author is asked for clarification?",
            default="runs",
            choices={
                "runs": "it does not pause: the text does not say it does",
                "pauses": "it pauses from the publication of the request until the author's "
                "reply is recorded",
            },
            settings={
                "runs": (
                    Setting("deadlines.answer.pause_on", []),
                    Setting("deadlines.answer.resume_on", []),
                ),
                "pauses": (
                    Setting("deadlines.answer.pause_on", ["published:clarification"]),
                    Setting("deadlines.answer.resume_on", ["clarification_received"]),
                ),
            },
        ),
        Interpretation(
            "re-routing",
            _c(8),
            "After a п. 8 return, how long does the curator have to re-route?",
            default="fresh-limit",
            choices={
                "fresh-limit": "a fresh 30-minute route limit from the return; the answer "
                "clock keeps running from the original detection",
                "untimed": "no route limit of its own; only the answer clock binds",
            },
            settings={
                "fresh-limit": (
                    Setting("deadlines.route.starts_on", ["detected", "returned_to_curator"]),
                ),
                "untimed": (Setting("deadlines.route.starts_on", ["detected"]),),
            },
        ),
        Interpretation(
            "working-hours",
            _c(9),
            "The order does not state office hours.",
            default="standard",
            choices={
                "standard": "9:00-18:00 with a 13:00-14:00 break, Monday to Friday, the day "
                "before a public holiday one hour shorter (Labour Code art. 95), the Russian "
                "production calendar, Asia/Yakutsk (UTC+9)",
                "short-friday": "Monday to Thursday 9:00-18:00, Friday 9:00-16:45, break "
                "13:00-14:00 (a common municipal schedule)",
            },
            settings={
                "standard": (
                    Setting("working_time.hours", {"mon-fri": "09:00-13:00, 14:00-18:00"}),
                ),
                "short-friday": (
                    Setting(
                        "working_time.hours",
                        {"mon-thu": "09:00-13:00, 14:00-18:00", "fri": "09:00-13:00, 14:00-16:45"},
                    ),
                ),
            },
        ),
        Interpretation(
            "final-bounds",
            _c(14),
            "What do the 7 working days of п. 14 bound: the final answer's publication or the "
            "sending of the final draft?",
            default="publication",
            choices={
                "publication": "the final answer's publication, as п. 9 bounds the first "
                "answer's; the final draft is due at the curator 1 working day earlier (п. 10)",
                "draft": "the sending of the final draft itself",
            },
            settings={
                "publication": (
                    Setting("deadlines.final.stops_on", ["published:answer"]),
                    Setting("deadlines.final-draft.limit", "1d"),
                ),
                "draft": (
                    Setting("deadlines.final.stops_on", ["draft_submitted:answer"]),
                    Setting("deadlines.final-draft.stops_on", ["draft_submitted:answer"]),
                ),
            },
        ),
        Interpretation(
            "tight-limit",
            _c(10),
            "п. 10 wants the draft 4 hours before the п. 9 deadline. What if the curator "
            "shortens that deadline (п. 7) so much that the draft deadline falls at or before "
            "the moment the limit is set?",
            default="refuse",
            choices={
                "refuse": "the limit is refused: a deadline no one could meet is not set, and "
                "nobody is charged with its breach",
                "waive": "the curator may confirm it (confirm_tight); the draft deadline is "
                "then not owed and the shortened answer deadline alone binds the executor",
            },
            settings={
                "refuse": (Setting("deadlines.answer.too_short", "refuse"),),
                "waive": (Setting("deadlines.answer.too_short", "waive"),),
            },
        ),
        Interpretation(
            "lead-part",
            _c(15),
            "п. 15(3) gives 'each executor' 2 hours to send its information; п. 15(4) has the "
            "appointed executor prepare the joint draft 'taking into account the information "
            "of the co-executors'. Does the lead department send its own part in the "
            "curator's order too?",
            default="in-joint-draft",
            choices={
                "in-joint-draft": "no: the lead's own information goes into the joint draft it "
                "prepares; an order that names the lead is refused (it would be a part nobody "
                "sends)",
                "in-order": "yes: the curator's order names the lead too; it sends its part "
                "in its turn within 2 hours, like every executor, then prepares the joint draft",
            },
            settings={
                "in-joint-draft": (Setting("co_execution.lead_contributes", False),),
                "in-order": (Setting("co_execution.lead_contributes", True),),
            },
        ),
        Interpretation(
            "return-window",
            _c(8),
            "Does the 2-hour limit of п. 8 bind the department head's return only, or also "
            "the designation of an executor?",
            default="returns-only",
            choices={
                "returns-only": "the text: a message outside the department's competence goes "
                "back within 2 hours; a return after that is late even if an executor was "
                "designated meanwhile, and a department that keeps the message (designates an "
                "executor, late or not) breaches nothing under п. 8",
                "designation-meets": "the department answers within 2 hours either way: a "
                "return or the designation of an executor meets the limit, and neither after "
                "it does; the head is warned 30 minutes before",
            },
            settings={
                "returns-only": (
                    Setting("deadlines.return.stops_on", ["returned_to_curator"]),
                    Setting("deadlines.return.optional", True),
                    Setting("deadlines.return.warn_before", []),
                ),
                "designation-meets": (
                    Setting(
                        "deadlines.return.stops_on", ["returned_to_curator", "executor_assigned"]
                    ),
                    Setting("deadlines.return.optional", False),
                    Setting("deadlines.return.warn_before", ["30m"]),
                ),
            },
        ),
        Interpretation(
            "attribution",
            _c(19),
            "п. 19 makes the executor answer for the draft and for handing it to the curator "
            "on time. When the case-wide limits of п. 9 and п. 14 are missed while someone "
            "else held the case (the curator's approval, п. 11; the head's designation, п. 6), "
            "whom is the breach charged to?",
            default="holder",
            choices={
                "holder": "whoever held the case when the limit fell due: the curator while "
                "the message waited for routing or the draft for approval, the department head "
                "while no executor was designated, the executor otherwise; the report shows the "
                "stage the case was in",
                "executor": "always the executor of the lead department (the substitute on "
                "duty, п. 6), whatever step was overdue",
            },
            settings={
                "holder": (
                    Setting("deadlines.answer.attribution", "holder"),
                    Setting("deadlines.final.attribution", "holder"),
                ),
                "executor": (
                    Setting("deadlines.answer.attribution", "role"),
                    Setting("deadlines.final.attribution", "role"),
                ),
            },
        ),
    )


_PRESIDENTIAL_DECREES = (
    "Указы Президента РФ от 23.04.2021 № 242 (4-7 мая 2021 г.) и от 20.10.2021 № 595 "
    "(30 октября - 7 ноября 2021 г.); п. 2 Указа № 242: «Органам публичной власти, иным "
    "органам и организациям определить количество служащих и работников, обеспечивающих ... "
    "функционирование этих органов и организаций»"
)

_P20_SOURCE = (
    "regflow's default, not the text: п. 20 names surges of activity and shortcomings of a "
    "department's work but gives no number"
)


def _readings_of_the_text() -> tuple[Interpretation, ...]:
    """Readings issue 9 named: each was a choice made silently in the rules before."""
    return (
        Interpretation(
            "detection-moment",
            _c(9),
            "п. 9 counts the 8 working hours 'from the moment the curator detected the "
            "message'. Is that when the monitoring system registered it (the record's "
            "detected_at) or when the curator's portal took the record in?",
            default="curator",
            choices={
                "curator": "the text: when the curator detected it, that is when the record "
                "came into the curator's hands (the instant of intake, the Detect command's "
                "time); a system's registration is not the curator's detection",
                "monitoring": "when the monitoring system registered it (Message.detected_at): "
                "the curator detects through that system (п. 5, 7), and the deadline does "
                "not move later when a record is imported late or in a batch",
            },
            settings={
                "monitoring": (Setting("intake.detection", "monitoring"),),
                "curator": (Setting("intake.detection", "curator"),),
            },
        ),
        Interpretation(
            "presidential-days",
            _c(9),
            "Do the 2020-2021 non-working days the President declared stop the municipal "
            f"clock? They are not public holidays, and the decrees let public bodies keep "
            f"working with the staff they named ({_PRESIDENTIAL_DECREES}); those of 2020 "
            "precede this order.",
            default="non-working",
            choices={
                "non-working": "they are non-working days: the working-hour and working-day "
                "limits do not run on them",
                "working": "the administration kept working: they count as ordinary working days",
            },
            settings={
                "non-working": (Setting("working_time.presidential_non_working_days", True),),
                "working": (Setting("working_time.presidential_non_working_days", False),),
            },
        ),
        Interpretation(
            "interim-meets-p9",
            _c(9),
            "Does a published interim answer meet the 8 working hours of п. 9? п. 10 lets the "
            "executor prepare 'if needed, an interim answer' within п. 9's time, and п. 14 "
            "gives the final answer its own period.",
            default="meets",
            choices={
                "meets": "yes: п. 9 is met by the first answer published, interim or final; "
                "the final answer is then bound by п. 14",
                "final-only": "no: only the final answer meets п. 9; an interim answer "
                "starts п. 14's period but does not stop п. 9's clock",
            },
            settings={
                "meets": (
                    Setting("deadlines.answer.stops_on", ["published:answer", "published:interim"]),
                ),
                "final-only": (Setting("deadlines.answer.stops_on", ["published:answer"]),),
            },
        ),
        Interpretation(
            "publish-requests",
            _c(13),
            "Do п. 13's 30 minutes apply to a clarification request? п. 13 speaks of the "
            "approved 'answer'; п. 10 and 11 treat a request (уточнение) like a draft answer.",
            default="applies",
            choices={
                "applies": "yes: an approved clarification request is published within 30 "
                "minutes like an answer, since the author must receive it to reply",
                "answers-only": "no: the 30 minutes bind answers and interim answers only",
            },
            settings={
                "applies": (
                    Setting(
                        "deadlines.publish.starts_on",
                        ["approved:answer", "approved:interim", "approved:clarification"],
                    ),
                ),
                "answers-only": (
                    Setting("deadlines.publish.starts_on", ["approved:answer", "approved:interim"]),
                ),
            },
        ),
        Interpretation(
            "p20-thresholds",
            _c(20),
            "п. 20 has the curator report surges of public activity and shortcomings of a "
            "department's work, but gives no number. What counts as either? The numbers are "
            "the library's.",
            default="library",
            choices={
                "library": "a surge is 5 messages on one topic and location within 24 hours; "
                "shortcomings are 3 breached deadlines of one department within 30 days "
                "(720 hours) -- regflow's numbers, not the text's",
                "every-breach": "a surge as above; every breached deadline of a department is "
                "a shortcoming reported at once",
            },
            settings={
                "library": (
                    Setting("escalations.surge.threshold", 5),
                    Setting("escalations.surge.window", "24h"),
                    Setting("escalations.department-breaches.threshold", 3),
                    Setting("escalations.department-breaches.window", "720h"),
                ),
                "every-breach": (
                    Setting("escalations.surge.threshold", 5),
                    Setting("escalations.surge.window", "24h"),
                    Setting("escalations.department-breaches.threshold", 1),
                    Setting("escalations.department-breaches.window", "720h"),
                ),
            },
        ),
    )


def _closing() -> Closing:
    return Closing(
        (
            CloseReason(
                "deleted",
                "автор удалил сообщение",
                "п. 13 has the answer posted where the message was published; once the author "
                "has deleted it there is no message to answer there",
            ),
            CloseReason(
                "duplicate",
                "то же сообщение уже рассматривается в другом деле",
                "the same message found twice (copied to another place) is answered once, in "
                "the other case (name it in the note); a new message on a question already "
                "handled is a repeat and is routed again (п. 16), not closed",
            ),
            CloseReason(
                "withdrawn",
                "автор отозвал сообщение: вопрос решён или снят",
                "п. 7 has the curator react to messages that need a reaction; one its author "
                "withdrew no longer does",
            ),
        ),
        note="Without it a post deleted within minutes would keep every deadline running to "
        "a breach no one could avoid.",
    )


def blagoveshchensk_2020() -> Regulation:
    """The order of Blagoveshchensk decree No. 2180 (13.07.2020) as executable rules.

    >>> regulation = blagoveshchensk_2020()
    >>> regulation.effective.deadline["answer"].limit
    Period(days=0, minutes=480)
    >>> regulation.choice("short-limits")
    'working'
    """
    return Regulation(
        id="blagoveshchensk-2180",
        title="Порядок организации работы администрации города Благовещенска с сообщениями "
        "из открытых источников",
        version="2020-07-13",
        effective_from=dt.date(2020, 7, 13),
        legal_basis="Постановление администрации города Благовещенска от 13.07.2020 № 2180. "
        "Федеральный закон № 59-ФЗ не применяется (п. 2).",
        clauses=dict(CLAUSES),
        platforms=_P3_PLATFORMS,
        importance=("high", "normal", "low"),
        deadlines=_deadlines(),
        permissions=_permissions(),
        co_execution=CoExecution(_c(15)),
        classification=Classification(_c(7)),
        exclusion=Exclusion(_c(18), ("intent-to-harm", "obscene", "insult", "threat-to-official")),
        closing=_closing(),
        answer_form=AnswerForm(
            _c(17),
            repeat_citation=_c(16),
            # Telegram Bot API, sendMessage: "text ... 1-4096 characters after entities parsing"
            max_length={"telegram": 4096},
        ),
        escalations=(
            Escalation("significant", EscalationTrigger.SIGNIFICANT, _c(20)),
            Escalation(
                "surge",
                EscalationTrigger.SURGE,
                _c(20),
                threshold=5,
                window=Period.parse("24h"),
                source=_P20_SOURCE,
            ),
            Escalation(
                "department-breaches",
                EscalationTrigger.REPEATED_BREACHES,
                _c(20),
                threshold=3,
                window=Period.parse("720h"),
                source=_P20_SOURCE,
            ),
        ),
        interpretations=(*_interpretations(), *_readings_of_the_text()),
        notes=(
            ClauseNote(_c(1), "Scope of the order; the regulation object as a whole carries it."),
            ClauseNote(
                _c(2),
                "Legal basis: 59-FZ (the 30-day procedure for citizens' appeals) does not "
                "apply; the library imposes none of its rules.",
            ),
            ClauseNote(
                _c(3),
                "Carried by the regulation's list of accepted platforms; a message from "
                "another platform is refused at detection.",
            ),
            ClauseNote(_c(3), _BLOCKED_SINCE_2022),
            ClauseNote(
                _c(4),
                "Official accounts are data of the organisation (Organization.accounts), "
                "from which answers are published (п. 13).",
            ),
            ClauseNote(
                _c(5),
                "The curator (the mayor's media adviser) is the role 'curator' of the "
                "organisation: the permissions to detect, classify, route (п. 7) and to "
                "approve or return drafts (п. 11) name it. It is not a ground to close a case; "
                "see Additions of the library.",
            ),
            ClauseNote(
                _c(19),
                "Responsibility: every deadline names its responsible role, resolved to a "
                "person in each case's deadlines and reports.",
            ),
        ),
        working_time=WorkingTimeSpec(),
        sources_clause="п. 3",
    )
