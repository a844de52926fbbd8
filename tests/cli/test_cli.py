"""The ``regflow`` command, run in-process on temporary stores (one subprocess test
runs the installed script)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from regflow.adapters.memory import MemoryStore
from regflow.adapters.screener_ru import RussianScreener
from regflow.cli import build_parser, main
from regflow.cli._context import Context
from regflow.core.organization import Organization
from regflow.demo import example_organization
from regflow.rules import dump_regulation
from tests.engine.conftest import REGULATION
from tests.engine.conftest import at as local
from tests.service.test_detection import MONITORING_READING, answer_due

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "sample_messages.jsonl"
SNOW = "13114ddef9002d2e"
"""The end of the id of the sample's first case (a VK comment about snow on Zeyskaya)."""
INSULT = "bd5895c3cdd6a4c6"
"""The sample's message with an insult."""

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "regflow.sqlite3")


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``run("cases", "--all")`` -> (exit code, stdout, stderr)."""

    def call(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call


@pytest.fixture
def ingested(run: Run, store: str, tmp_path: Path) -> str:
    """A store with the sample messages taken in, each as it reached the curator (at its
    ``detected_at``, as a portal feeding ``regflow ingest`` line by line would)."""
    assert run("init", "--store", store)[0] == 0
    for number, line in enumerate(SAMPLE.read_text(encoding="utf-8").splitlines()):
        single = tmp_path / f"record-{number}.jsonl"
        single.write_text(line + "\n", encoding="utf-8")
        received = dt.datetime.fromisoformat(json.loads(line)["detected_at"])
        assert (
            run(
                "ingest",
                "--store",
                store,
                str(single),
                "--import",
                "--received",
                f"{received:%Y-%m-%d %H:%M}",
            )[0]
            == 0
        )
    return store


def case_ids(run: Run, store: str) -> list[str]:
    code, out, _ = run("cases", "--store", store, "--all", "--format", "json")
    assert code == 0
    return sorted(entry["case_id"] for entry in json.loads(out))


def events(run: Run, store: str, case: str) -> list[dict[str, object]]:
    code, out, _ = run("show", "--store", store, case, "--format", "json")
    assert code == 0
    return list(json.loads(out)["events"])


# -- help and entry points ----------------------------------------------------------------


def subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "==SUPPRESS==" and a.choices)
    assert isinstance(action.choices, dict)
    return sorted(action.choices)


@pytest.mark.parametrize("command", subcommands())
def test_every_subcommand_has_help(command: str, run: Run) -> None:
    code, out, _ = run(command, "--help")
    assert code == 0
    assert out.startswith(f"usage: regflow {command}")


def test_bad_usage_exits_2_with_argparse_s_message(run: Run) -> None:
    code, out, err = run("deadline")
    assert (code, out) == (2, "")
    assert err.endswith("regflow deadline: error: the following arguments are required: PERIOD\n")


def test_act_has_a_subcommand_per_command(run: Run) -> None:
    out = run("act", "c-1", "--help")[1]
    for name in ("classify", "route", "return-to-curator", "submit-draft", "approve", "exclude"):
        assert name in out


def test_the_installed_script_and_python_m_regflow_run() -> None:
    script = Path(sys.executable).parent / "regflow"
    assert script.exists(), "pip install -e . installs the regflow script"
    for argv in ([str(script), "--help"], [sys.executable, "-m", "regflow", "--help"]):
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert "usage: regflow" in done.stdout
        assert "deadline" in done.stdout


def test_the_bundled_organisation_is_the_example() -> None:
    example = Organization.from_toml_file(
        ROOT / "examples" / "blagoveshchensk" / "organization.toml"
    )
    assert example_organization() == example


# -- the store ----------------------------------------------------------------------------


def test_commands_need_an_initialised_store(run: Run, store: str) -> None:
    code, out, err = run("cases", "--store", store)
    assert code == 1
    assert out == ""
    assert (
        err
        == f"regflow: error: no store at {store}; create one with: regflow init --store {store}\n"
    )
    assert not Path(store).exists()


def test_init_is_safe_to_repeat(run: Run, store: str) -> None:
    assert run("init", "--store", store) == (0, f"store ready: {store}\n", "")
    assert run("init", "--store", store) == (0, f"store ready: {store}\n", "")
    assert run("cases", "--store", store) == (0, "no cases\n", "")


def test_options_go_before_or_after_the_subcommand(run: Run, ingested: str) -> None:
    before = run("--store", ingested, "cases", "--format", "json")
    after = run("cases", "--format", "json", "--store", ingested)
    assert before == after
    assert len(json.loads(before[1])) == 7


# -- ingest -------------------------------------------------------------------------------


def test_ingesting_the_same_file_twice_opens_no_new_cases(run: Run, store: str) -> None:
    run("init", "--store", store)
    first = run("ingest", "--store", store, str(SAMPLE))
    assert first == (0, f"{SAMPLE}: 8 records ingested: 7 new cases, 1 already known; 0 bad\n", "")
    cases = case_ids(run, store)
    assert len(cases) == 7  # the sample has one post found twice
    second = run("ingest", "--store", store, str(SAMPLE))
    assert second == (0, f"{SAMPLE}: 8 records ingested: 0 new cases, 8 already known; 0 bad\n", "")
    assert case_ids(run, store) == cases


def test_a_bad_line_is_reported_with_its_number_and_changes_nothing(
    run: Run, store: str, tmp_path: Path
) -> None:
    good = SAMPLE.read_text(encoding="utf-8").splitlines()
    naive = json.loads(good[1])
    naive["published_at"] = "2025-11-24T08:40:00"  # no offset
    path = tmp_path / "batch.jsonl"
    path.write_text(
        "\n".join([good[0], json.dumps(naive, ensure_ascii=False), "{not json", good[2]]) + "\n",
        encoding="utf-8",
    )
    run("init", "--store", store)
    code, out, err = run("ingest", "--store", store, str(path), "--format", "text")
    assert code == 1
    assert out == f"{path}: 4 records ingested: 2 new cases, 0 already known; 2 bad\n"
    first, second = err.splitlines()
    assert first.startswith(f"{path}:2: $.published_at: 2025-11-24T08:40:00 has no time zone")
    assert (
        second
        == f"{path}:3: not JSON: Expecting property name enclosed in double quotes at column 2"
    )
    # exactly the good lines' cases; the bad line left no trace
    run("init", "--store", store + ".clean")
    run("ingest", "--store", store + ".clean", str(SAMPLE))
    reference = case_ids(run, store + ".clean")
    heating = reference[[c.endswith("b20907d8fca7029c") for c in reference].index(True)]
    assert heating not in case_ids(run, store)
    assert len(case_ids(run, store)) == 2


def test_a_message_the_regulation_does_not_cover_is_refused_with_its_clause(
    run: Run, store: str, tmp_path: Path
) -> None:
    record = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])
    record.update(platform="dzen", place={"post_id": "7"})
    path = tmp_path / "dzen.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    run("init", "--store", store)
    code, out, err = run("ingest", "--store", store, str(path))
    assert (code, out) == (1, f"{path}: 1 records ingested: 0 new cases, 0 already known; 1 bad\n")
    assert err.startswith(f"{path}:1: case blagoveshchensk-")
    assert "platform 'dzen' is not among the sources this regulation covers" in err
    assert err.endswith("(п. 3)\n")
    assert case_ids(run, store) == []


def test_check_stores_nothing(run: Run, store: str) -> None:
    run("init", "--store", store)
    code, out, _ = run("ingest", "--store", store, str(SAMPLE), "--check")
    assert (code, out) == (0, f"{SAMPLE}: 8 records checked; 0 bad\n")
    assert case_ids(run, store) == []


def test_the_detector_must_be_a_curator(run: Run, store: str) -> None:
    run("init", "--store", store)
    code, _, err = run("ingest", "--store", store, str(SAMPLE), "--actor", "ivanova")
    assert code == 1
    assert (
        err == "regflow: error: --actor ivanova is not a curator of blagoveshchensk "
        "(curators: sokolova)\n"
    )
    assert case_ids(run, store) == []


def test_the_screener_flags_the_insult_for_the_curator(run: Run, ingested: str) -> None:
    detected = events(run, ingested, INSULT)[0]
    assert detected["data"]["screening"] == ["insult"]  # type: ignore[index]


# -- act ---------------------------------------------------------------------------------


def test_act_runs_a_case_to_its_answer(run: Run, ingested: str) -> None:
    text = "Тротуар на Зейской очистят сегодня до 15:00."
    steps = [
        (
            "classified",
            "classify",
            "sokolova",
            "09:12",
            "--topics",
            "snow-removal",
            "--location",
            "ул. Зейская",
            "--importance",
            "normal",
        ),
        ("routed", "route", "sokolova", "09:14", "--departments", "improvement"),
        (
            "in_work",
            "assign-executor",
            "morozov",
            "09:30",
            "--department",
            "improvement",
            "--executor",
            "volkova",
        ),
        ("awaiting_approval", "submit-draft", "zaitsev", "09:55", "--text", text),
        ("approved", "approve", "sokolova", "10:05"),
        ("approved", "request-publication", "zaitsev", "10:10"),
    ]
    for stage, name, who, at, *fields in steps:
        code, out, err = run(
            "act",
            SNOW,
            name,
            "--as",
            who,
            "--import",
            "--at",
            f"2025-11-24 {at}",
            "--store",
            ingested,
            *fields,
        )
        assert (code, err) == (0, ""), name
        assert out.endswith(f"\nstage: {stage}\n"), name
    # volkova is ill: her substitute zaitsev was designated (п. 6)
    assigned = [e for e in events(run, ingested, SNOW) if e["type"] == "executor_assigned"]
    assert assigned[0]["data"]["executor"] == "zaitsev"  # type: ignore[index]
    # the manual publisher hands the answer to a person; the curator is told
    code, out, _ = run("dispatch", "--store", ingested, "--now", "2025-11-24 10:12")
    assert code == 0
    assert "notify [failed] sokolova <curator@example.org>" in out
    assert out.endswith("delivered, 0 to retry, 1 failed\n")
    code, out, _ = run(
        "act",
        SNOW,
        "record-publication",
        "--as",
        "zaitsev",
        "--import",
        "--at",
        "2025-11-24 10:20",
        "--external-id",
        "wall-100000001_4512?reply=88130",
        "--store",
        ingested,
    )
    assert code == 0
    assert out.endswith("stage: answered\n")
    code, out, _ = run("show", SNOW, "--store", ingested, "--now", "2025-11-24 12:00")
    assert "| `answer` | п. 9 | — | 2025-11-24 18:00 | 2025-11-24 10:20 | met |" in out
    assert "**History:** the hash chain of all 9 events verifies." in out


def test_a_refused_command_exits_2_citing_the_clause_and_changes_nothing(
    run: Run, ingested: str
) -> None:
    before = events(run, ingested, SNOW)
    code, out, err = run(
        "act",
        SNOW,
        "submit-draft",
        "--as",
        "ivanova",
        "--import",
        "--at",
        "2025-11-24 09:00",
        "--text",
        "Очистим",
        "--store",
        ingested,
    )
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith(f"regflow: refused: case blagoveshchensk-{SNOW}: submit_draft: ")
    assert err.endswith("(п. 10)\n")
    assert events(run, ingested, SNOW) == before


def test_act_refuses_an_unknown_person_or_case(run: Run, ingested: str) -> None:
    code, _, err = run("act", SNOW, "approve", "--as", "nobody", "--store", ingested)
    assert (code, err) == (1, "regflow: error: --as nobody: no such person in blagoveshchensk\n")
    code, _, err = run("act", "c-404", "approve", "--as", "sokolova", "--store", ingested)
    assert (code, err) == (1, f"regflow: error: no case 'c-404' in {ingested}\n")
    code, _, err = run("act", SNOW, "approve", "--store", ingested)
    assert (code, err) == (2, "regflow: error: say who acts: --as PERSON\n")


def test_act_reads_lists_groups_and_periods(run: Run, ingested: str) -> None:
    at = ("--import", "--at", "2025-11-24 09:12", "--store", ingested)
    classify = (
        "--topics",
        "snow-removal",
        "--topics",
        "public-transport",
        "--location",
        "ул. Зейская",
        "--importance",
        "high",
        "--significant",
    )
    code, out, _ = run(
        "act", SNOW, "classify", "--as", "sokolova", *classify, *at, "--format", "json"
    )
    classified = json.loads(out)["events"][0]["data"]
    assert (classified["topics"], classified["significant"]) == (
        ["snow-removal", "public-transport"],
        True,
    )
    route = ("--departments", "improvement,transport,education", "--lead", "improvement")
    order = ("--order", "transport", "--order", "education")
    code, out, err = run(
        "act", SNOW, "route", "--as", "sokolova", *route, *order, *at, "--format", "json"
    )
    assert (code, err) == (0, "")
    routed = json.loads(out)["events"][0]["data"]
    assert routed["order"] == [["transport"], ["education"]]
    code, _, err = run(
        "act", SNOW, "classify", "--as", "sokolova", "--topics", "x", "--answer-limit", "soon", *at
    )
    assert code == 2
    assert "argument --answer-limit: expected a period like '30m'" in err


# -- time ----------------------------------------------------------------------------------


def test_tick_records_warnings_and_breaches_once_and_dispatch_sends_them(
    run: Run, ingested: str
) -> None:
    def tick(at: str) -> tuple[int, int]:
        code, out, _ = run(
            "tick", "--store", ingested, "--now", f"2025-11-24 {at}", "--format", "json"
        )
        assert code == 0
        report = json.loads(out)
        return report["warnings"], report["breaches"]

    # the snow message (detected 08:10) must be routed by 09:30, warned at 09:20 (п. 7)
    assert tick("09:21") == (1, 0)
    # ... and the heating one (09:05) by 09:35: both have passed by 09:45
    assert tick("09:45") == (0, 2)
    assert tick("09:46") == (0, 0)
    out = run("dispatch", "--store", ingested, "--now", "2025-11-24 09:47")[1]
    assert out.count("notify [warning] sokolova <curator@example.org>") == 1
    assert out.count("notify [breach] sokolova <curator@example.org>") == 2
    assert out.endswith("dispatch 24.11.2025 09:47: 3 delivered, 0 to retry, 0 failed\n")


def test_worker_once_ticks_and_dispatches(run: Run, ingested: str) -> None:
    code, out, _ = run("worker", "--once", "--store", ingested)
    assert code == 0
    assert " breaches, " in out.splitlines()[-1]
    assert " delivered, " in out.splitlines()[-1]
    assert run("worker", "--once", "--store", ingested)[1].count("notify") == 0


@pytest.mark.parametrize(
    ("option", "error"),
    [
        ("--notify=smtp://mail.example.org", "expected smtp://HOST:PORT?sender=ADDRESS"),
        ("--notify=carrier-pigeon", "use log, jsonl:FILE, smtp://, smtps:// or webhook+https://"),
        ("--notify=webhook+https://hooks.example.org/x", "set REGFLOW_WEBHOOK_SECRET"),
        ("--publish=myspace", "use manual, jsonl:FILE, vk:GROUP_ID or telegram:SENT_LOG_FILE"),
        ("--publish=vk:-5", "the VK community id is a positive number"),
    ],
)
def test_delivery_options_are_checked(
    run: Run, ingested: str, option: str, error: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REGFLOW_WEBHOOK_SECRET", raising=False)
    code, _, err = run("dispatch", "--store", ingested, option)
    assert code == 1
    assert err.startswith("regflow: error: ")
    assert err.rstrip().endswith(error)


# -- reading ---------------------------------------------------------------------------------


def test_cases_lists_open_cases_soonest_first(run: Run, ingested: str) -> None:
    run(
        "act",
        INSULT,
        "exclude",
        "--as",
        "sokolova",
        "--category",
        "insult",
        "--evidence",
        "идиоты",
        "--import",
        "--at",
        "2025-11-24 11:00",
        "--store",
        ingested,
    )
    lines = run("cases", "--store", ingested)[1].splitlines()
    assert lines[0].split() == [
        "CASE",
        "STAGE",
        "DETECTED",
        "NEXT",
        "DUE",
        "DEPARTMENTS",
        "EXECUTORS",
        "TOPICS",
    ]
    assert len(lines) == 1 + 6  # the excluded one is not open
    assert lines[1].startswith(
        f"blagoveshchensk-{SNOW}  detected  24.11.2025 08:10  24.11.2025 09:20"
    )
    assert len(run("cases", "--all", "--store", ingested)[1].splitlines()) == 1 + 7
    assert run("cases", "--department", "housing", "--store", ingested)[1] == "no cases\n"


def test_verify_finds_a_tampered_event(run: Run, ingested: str) -> None:
    assert run("verify", "--store", ingested) == (
        0,
        "7 cases, 7 events, 0 outbox items, the store-wide chain: every history verifies\n"
        "flagged: 7 events were imported from another system's history (their times are "
        "that system's word)\n",
        "",
    )
    with sqlite3.connect(ingested) as db:
        case_id, record = db.execute(
            "SELECT case_id, record FROM events WHERE case_id LIKE ?", (f"%{SNOW}",)
        ).fetchone()
        edited = json.loads(record)
        edited["data"]["message"]["text"] = "Спасибо, всё почистили!"
        db.execute("UPDATE events SET record = ? WHERE case_id = ?", (json.dumps(edited), case_id))
    code, out, err = run("verify", "--store", ingested)
    assert code == 1
    assert out.startswith("1 problem found in 7 cases\n")
    assert err == (
        f"regflow: tampered: case {case_id}, event 1: "
        "its content does not match its hash (edited)\n"
    )


CLASSIFY_AND_ROUTE = (
    ("classify", "sokolova", "09:12", "--topics", "snow-removal", "--location", "ул. Зейская",
     "--importance", "normal"),
    ("route", "sokolova", "09:14", "--departments", "improvement"),
)  # fmt: skip
"""The curator's first two steps on the snow message, on 24 November."""


def imported_steps(run: Run, store: str, *steps: tuple[str, ...]) -> None:
    """``regflow act`` each ``(command, actor, HH:MM, *options)`` on the snow message, as
    history taken in (``--import``: the times are 24 November's, not now)."""
    for name, who, when, *fields in steps:
        code, _out, err = run(
            "act", SNOW, name, "--as", who, "--import", "--at", f"2025-11-24 {when}",
            "--store", store, *fields,
        )  # fmt: skip
        assert (code, err) == (0, ""), name


def test_p13_verify_finds_an_outbox_text_that_is_not_the_approved_one(
    run: Run, ingested: str
) -> None:
    imported_steps(
        run,
        ingested,
        *CLASSIFY_AND_ROUTE,
        ("assign-executor", "morozov", "09:30", "--department", "improvement",
         "--executor", "volkova"),
        ("submit-draft", "zaitsev", "09:55", "--text", "Тротуар очистят сегодня."),
        ("approve", "sokolova", "10:05"),
        ("request-publication", "zaitsev", "10:10"),
    )  # fmt: skip
    assert run("verify", "--store", ingested)[0] == 0
    with sqlite3.connect(ingested) as db:
        key, raw = db.execute("SELECT key, payload FROM outbox WHERE kind = 'publish'").fetchone()
        payload = json.loads(raw)
        payload["request"]["text"] = "Тротуар чистить не будут."
        db.execute("UPDATE outbox SET payload = ? WHERE key = ?", (json.dumps(payload), key))
    code, out, err = run("verify", "--store", ingested)
    assert code == 1
    assert out.startswith("1 problem found in 7 cases\n")
    # the store-wide chain finds the edited row (and the history would: not the approved text)
    assert err == (
        f"regflow: tampered: outbox item {key} (chain 18) was edited: its kind, payload, "
        "creation time or case differ from what was enqueued\n"
    )


def test_outbox_list_shows_failed_items_and_retry_requeues_them_by_filter(
    run: Run, ingested: str
) -> None:
    imported_steps(run, ingested, *CLASSIFY_AND_ROUTE)
    with sqlite3.connect(ingested) as db:  # an SMTP server refused them all for good
        keys = [k for (k,) in db.execute("SELECT key FROM outbox ORDER BY created_at, key")]
        db.execute(
            "UPDATE outbox SET state = 'failed', attempts = 1, "
            "last_error = 'SMTP server refused the message: 554 no'"
        )
    assert keys
    code, out, _ = run("outbox", "list", "--store", ingested)
    assert code == 0
    assert out.splitlines()[-1] == f"{len(keys)} items"
    assert f"{keys[0]}  notify  failed  " in out
    code, out, _ = run("outbox", "list", "--state", "pending", "--store", ingested)
    assert out == "0 items\n"
    code, out, _ = run("outbox", "retry", "--error", "535", "--store", ingested)
    assert (code, out) == (0, "requeued 0 failed items\n")
    code, out, _ = run(
        "outbox",
        "retry",
        "--kind",
        "notify",
        "--error",
        "554",
        "--now",
        "2025-11-24 10:00",
        "--store",
        ingested,
    )
    assert (code, out) == (0, f"requeued {len(keys)} failed items\n")
    code, out, _ = run(
        "outbox", "list", "--state", "pending", "--format", "json", "--store", ingested
    )
    listed = json.loads(out)
    assert [i["key"] for i in listed] == keys
    assert {i["attempts"] for i in listed} == {0}
    code, out, _ = run("dispatch", "--store", ingested, "--now", "2025-11-24 10:01")
    assert out.endswith(f"{len(keys)} delivered, 0 to retry, 0 failed\n")


def test_report_in_every_format(run: Run, ingested: str, tmp_path: Path) -> None:
    now = ("--now", "2025-11-25 18:00", "--store", ingested)
    code, out, _ = run("report", "--format", "json", *now)
    assert code == 0
    report = json.loads(out)
    assert json.dumps(report, ensure_ascii=False).count("blagoveshchensk") > 0
    assert run("report", *now)[1].startswith("# Отчёт о соблюдении регламента")
    assert run("report", "--format", "csv", *now)[1].startswith("level,id,name,messages")
    page = tmp_path / "report.html"
    code, out, err = run("report", "--output", str(page), *now)
    assert (code, out, err) == (0, "", f"report written to {page}\n")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, err = run("report", "--from", "2025-11-30", "--to", "2025-11-01", *now)
    assert (code, err) == (1, "regflow: error: --to 2025-11-01 is before --from 2025-11-30\n")


def test_report_reads_only_the_period_s_cases_page_by_page(
    run: Run, ingested: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import regflow.cli._docs as docs

    # the sample's last message was detected on 25 November; break its history in the file:
    # a report of 24 November must not read it (one that replays every case would fail)
    with sqlite3.connect(ingested) as db:
        (late,) = db.execute(
            "SELECT case_id FROM cases ORDER BY detected_at DESC LIMIT 1"
        ).fetchone()
        db.execute("UPDATE events SET record = 'not json' WHERE case_id = ?", (late,))
    monkeypatch.setattr(docs, "_PAGE", 2)
    monkeypatch.setattr(docs, "_PROGRESS_EVERY", 2)
    now = ("--now", "2025-11-25 18:00", "--store", ingested, "--format", "json")
    code, out, err = run("report", "--from", "2025-11-24", "--to", "2025-11-24", *now)
    assert code == 0, err
    assert json.loads(out)["totals"]["messages"] == 6  # 7 records of the 24th, one post twice
    assert err == "report: 2 cases read\nreport: 4 cases read\nreport: 6 cases read\n"
    assert late not in out


def test_explain_renders_the_regulation(run: Run) -> None:
    code, out, _ = run("explain")
    assert code == 0
    assert "`blagoveshchensk-2180`" in out
    assert "- **Deadline `answer`.** Prepare and publish the answer: within 8 working hours" in out


def test_a_bad_organisation_or_regulation_file_is_one_line(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "org.toml"
    bad.write_text('id = "x"\n', encoding="utf-8")
    store = str(tmp_path / "regflow.sqlite3")
    run("init", "--store", store)
    code, _, err = run("cases", "--organization", str(bad), "--store", store)
    assert code == 1
    assert err.startswith(f"regflow: error: {bad} is not a valid organisation: $")
    assert err.count("\n") == 1
    code, _, err = run("explain", "--regulation", str(tmp_path / "missing.toml"))
    assert (code, err.count("\n")) == (1, 1)
    assert "cannot read the regulation" in err


# -- deadline ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "extra", "due"),
    [
        # Fri 17:45 +15 min; Sat 01.11 a shortened working Saturday, 7 h; Mon 03.11 a moved
        # day off; Tue 04.11 a holiday; Wed 05.11 +45 min (the README's п. 9 example)
        ("8 working hours", "2025-10-31 17:45", (), "2025-11-05T09:45:00+09:00"),
        ("8 рабочих часов", "2025-10-31 17:45", (), "2025-11-05T09:45:00+09:00"),
        # back from Wed 09:45: 45 min on Wed, then Sat 01.11 17:00 -> 13:00 (3 h) -> 12:45
        ("4 working hours", "2025-11-05 09:45", ("--subtract",), "2025-11-01T12:45:00+09:00"),
        # Civil Code: from Thu 06.11, seven working days end at the close of Fri 14.11
        ("7 working days", "2025-11-05 09:45", (), "2025-11-14T18:00:00+09:00"),
        ("7 рабочих дней", "2025-11-05 09:45", (), "2025-11-14T18:00:00+09:00"),
        # 10 min before closing, 20 min the next morning
        ("30 minutes", "2025-11-05 17:50", (), "2025-11-06T09:20:00+09:00"),
        # 30 min before lunch, an hour after it
        ("1 час 30 минут", "2025-11-24 12:30", (), "2025-11-24T15:00:00+09:00"),
        ("2 clock hours", "2025-11-05 17:45", (), "2025-11-05T19:45:00+09:00"),
        ("2 астрономических часа", "2025-11-30 23:00", (), "2025-12-01T01:00:00+09:00"),
    ],
)
def test_deadline_examples(
    run: Run, period: str, start: str, extra: tuple[str, ...], due: str
) -> None:
    code, out, err = run("deadline", period, "--from", start, "--format", "json", *extra)
    assert (code, err) == (0, "")
    assert json.loads(out)["due"] == due


def test_deadline_shows_the_days_and_why(run: Run) -> None:
    code, out, _ = run("deadline", "8 working hours", "--from", "2025-10-31 17:45")
    assert code == 0
    lines = out.splitlines()
    assert lines[:3] == [
        "from  Fri 31.10.2025 17:45 (Asia/Yakutsk)",
        "+     8 working hours",
        "due   Wed 05.11.2025 09:45",
    ]
    assert "  Mon 03.11.2025  -  " in out
    assert "moved-day-off: Выходной (перенесён с 01.11.2025)" in out
    assert "public-holiday: День народного единства" in out
    assert lines[-1] == "  working time between them: 8:00"


@pytest.mark.parametrize(
    ("period", "error"),
    [
        ("7 days", "'7 days': say 'working days' or 'calendar days'"),
        ("eight hours", "expected a number at 'eight' in 'eight hours'"),
        ("2 working clock hours", "'2 working clock hours' mixes working and clock time"),
        ("", "give a period, e.g. '8 working hours' or '7 рабочих дней'"),
    ],
)
def test_deadline_refuses_unclear_periods(run: Run, period: str, error: str) -> None:
    assert run("deadline", period, "--from", "2025-11-05 09:00") == (
        1,
        "",
        f"regflow: error: {error}\n",
    )


def test_deadline_refuses_a_bad_start(run: Run) -> None:
    code, _, err = run("deadline", "8 working hours", "--from", "tomorrowish")
    assert (code, err) == (1, "regflow: error: --from 'tomorrowish' is not a date and time\n")


# -- PostgreSQL ---------------------------------------------------------------------------------

DSN = os.environ.get("REGFLOW_TEST_POSTGRES_DSN", "")


@pytest.mark.skipif(not DSN.startswith("postgresql://"), reason="set REGFLOW_TEST_POSTGRES_DSN")
def test_the_same_commands_on_postgresql(run: Run) -> None:
    psycopg = pytest.importorskip("psycopg")
    schema = f"regflow_cli_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(DSN, autocommit=True) as db:
        db.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in DSN else "?"
    url = f"{DSN}{separator}options=-csearch_path%3D{schema}"
    try:
        assert run("init", "--store", url)[0] == 0
        assert run("ingest", "--store", url, str(SAMPLE))[0] == 0
        assert run("ingest", "--store", url, str(SAMPLE))[1].endswith(
            "0 new cases, 8 already known; 0 bad\n"
        )
        assert len(case_ids(run, url)) == 7
        assert run("worker", "--once", "--store", url)[0] == 0
        assert run("verify", "--store", url)[0] == 0
    finally:
        with psycopg.connect(DSN, autocommit=True) as db:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


# -- п. 9: the instant of detection, as the service takes it ----------------------------


def test_p09_the_cli_and_the_service_start_the_same_message_at_the_same_instant(
    run: Run,
    store: str,
) -> None:
    assert run("init", "--store", store)[0] == 0
    code, _, err = run(
        "ingest", "--store", store, str(SAMPLE), "--received", "2025-11-24 10:00", "--import"
    )
    assert code == 0, err
    code, out, _ = run("show", SNOW, "--store", store, "--format", "json")
    assert code == 0
    shown = json.loads(out)
    detected = dt.datetime.fromisoformat(str(shown["events"][0]["at"]))
    service_detected, _ = answer_due(REGULATION, local("2025-11-24 10:00"))
    assert detected == service_detected == local("2025-11-24 10:00")


def test_p09_the_cli_without_received_starts_the_clock_at_ingest(run: Run, store: str) -> None:
    assert run("init", "--store", store)[0] == 0
    before = dt.datetime.now(dt.UTC)
    code, _, err = run("ingest", "--store", store, str(SAMPLE))
    after = dt.datetime.now(dt.UTC)
    assert code == 0, err
    code, out, _ = run("show", SNOW, "--store", store, "--format", "json")
    assert code == 0
    detected = dt.datetime.fromisoformat(str(json.loads(out)["events"][0]["at"]))
    assert before - dt.timedelta(seconds=1) <= detected <= after + dt.timedelta(seconds=1)


def test_p09_the_cli_under_the_monitoring_reading_starts_the_clock_at_detected_at(
    run: Run,
    store: str,
    tmp_path: Path,
) -> None:
    regulation = tmp_path / "regulation.toml"
    regulation.write_text(dump_regulation(MONITORING_READING), encoding="utf-8")
    assert run("init", "--store", store)[0] == 0
    code, _, err = run("ingest", "--store", store, "--regulation", str(regulation), str(SAMPLE))
    assert code == 0, err
    code, out, _ = run(
        "show", SNOW, "--store", store, "--regulation", str(regulation), "--format", "json"
    )
    assert code == 0
    detected = dt.datetime.fromisoformat(str(json.loads(out)["events"][0]["at"]))
    service_detected, _ = answer_due(MONITORING_READING, local("2025-11-24 10:00"))
    assert detected == service_detected == local("2025-11-24 08:10")


def test_the_command_screens_with_the_russian_screener_not_a_test_fake() -> None:
    service = Context(build_parser().parse_args(["cases"])).service(MemoryStore())
    assert isinstance(service.screener, RussianScreener)


# -- issue 15: declared times, anchors ------------------------------------------------------


def test_act_refuses_a_backdated_command_unless_imported(run: Run, ingested: str) -> None:
    command = ("act", SNOW, "classify", "--as", "sokolova", "--topics", "roads")
    command += ("--location", "ул. Зейская", "--importance", "normal")
    code, out, err = run(*command, "--at", "2025-11-24 09:05", "--store", ingested)
    assert (code, out) == (1, "")
    assert "the declared time 2025-11-24T09:05:00+09:00 is" in err
    assert "before the time the service received the command" in err
    assert "regflow act --import" in err
    code, out, err = run(*command, "--import", "--at", "2025-11-24 09:05", "--store", ingested)
    assert code == 0, err
    assert (
        run(
            "act",
            SNOW,
            "route",
            "--as",
            "sokolova",
            "--departments",
            "improvement",
            "--store",
            ingested,
        )[0]
        == 0
    )  # now, no --at: within the tolerance


def test_verify_against_an_anchor_finds_a_history_cut_short(
    run: Run, ingested: str, tmp_path: Path
) -> None:
    anchor = tmp_path / "anchor.json"
    assert run("anchor", "--store", ingested, "--output", str(anchor))[0] == 0
    document = json.loads(anchor.read_text(encoding="utf-8"))
    assert (document["format"], document["position"], document["events"]) == (
        "regflow-anchor/1",
        7,
        7,
    )
    code, out, _ = run("verify", "--store", ingested, "--anchor", str(anchor))
    assert code == 0
    assert out.startswith("7 cases, 7 events, 0 outbox items, the store-wide chain through ")
    with sqlite3.connect(ingested) as db:  # the newest case removed, chain and all
        (case_id,) = db.execute("SELECT ref FROM chain WHERE position = 7").fetchone()
        for table, column in (("events", "case_id"), ("cases", "case_id"), ("chain", "ref")):
            db.execute(f"DELETE FROM {table} WHERE {column} = ?", (case_id,))
    assert run("verify", "--store", ingested)[0] == 0  # the store alone cannot tell
    code, out, _err = run(
        "verify", "--store", ingested, "--anchor", str(anchor), "--format", "json"
    )
    assert code == 1
    assert [f["kind"] for f in json.loads(out)["failures"]] == ["anchor-truncated"]


def test_a_signed_anchor_checks_its_key_and_its_content(
    run: Run, ingested: str, tmp_path: Path
) -> None:
    key, other, anchor = tmp_path / "key", tmp_path / "other", tmp_path / "anchor.json"
    key.write_bytes(os.urandom(32))
    other.write_bytes(os.urandom(32))
    assert run("anchor", "--store", ingested, "--key", str(key), "--output", str(anchor))[0] == 0
    verify = ("verify", "--store", ingested, "--anchor", str(anchor))
    assert run(*verify, "--key", str(key))[0] == 0
    code, _, err = run(*verify)
    assert (code, err) == (
        1,
        f"regflow: error: {anchor}: the anchor is signed: give the key to check it\n",
    )
    code, _, err = run(*verify, "--key", str(other))
    assert code == 1
    assert "its signature does not hold under this key" in err
    document = json.loads(anchor.read_text(encoding="utf-8"))
    document["position"] = 6  # an older head passed off as this one
    anchor.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = run(*verify, "--key", str(key))
    assert code == 1
    assert "its signature does not hold" in err
    short = tmp_path / "short"
    short.write_bytes(b"123")
    code, _, err = run("anchor", "--store", ingested, "--key", str(short))
    assert (code, err) == (1, "regflow: error: the key has 3 bytes; use at least 16\n")
