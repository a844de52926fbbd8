"""``regflow demo``: a simulated week that finishes in time, within memory, the same
for the same seed, and whose report shows breaches."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import attrs
import pytest

from regflow.cli import main

SECONDS = 30
MEGABYTES = 200


@attrs.frozen
class Run:
    code: int
    out: str
    err: str
    seconds: float
    peak_bytes: int


def demo(*argv: str) -> Run:
    """``regflow demo ...`` in this process, timed, with Python's allocations traced."""
    out, err = io.StringIO(), io.StringIO()
    tracemalloc.start()
    started = time.monotonic()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["demo", *argv])
        seconds = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return Run(code, out.getvalue(), err.getvalue(), seconds, peak)


_CHILD = """
import resource, sys
from regflow.cli import main
code = main(sys.argv[1:])
# VmHWM is this process's own peak: Linux carries ru_maxrss over from the parent at fork,
# so under a large pytest process it would report the parent's size.
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"maxrss_kb={peak}", file=sys.stderr)
sys.exit(code)
"""


def demo_in_child(
    *argv: str, hash_seed: str
) -> tuple[subprocess.CompletedProcess[str], float, int]:
    """``regflow demo ...`` in a fresh interpreter: output, wall time, peak RSS in MB."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, "demo", *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    seconds = time.monotonic() - started
    match = re.search(r"maxrss_kb=(\d+)", done.stderr)
    assert match, done.stderr
    return done, seconds, int(match.group(1)) // 1024


def row(summary: str, label: str) -> int:
    """A count from the demo's summary table."""
    match = re.search(rf"^\| {re.escape(label)} \| (\d+) \|$", summary, re.MULTILINE)
    assert match, label
    return int(match.group(1))


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Path]:
    out = tmp_path_factory.mktemp("demo") / "week"
    return demo("--seed", "1", "--messages", "120", "--out", str(out)), out


def test_the_week_runs_in_time_and_memory(week: tuple[Run, Path]) -> None:
    run, _ = week
    assert run.code == 0, run.err
    assert run.seconds < SECONDS
    assert run.peak_bytes < MEGABYTES * 2**20


def test_the_week_is_busy_and_its_report_shows_breaches(week: tuple[Run, Path]) -> None:
    run, _ = week
    summary, report = run.out.split("\n# Отчёт о соблюдении регламента", 1)
    assert row(summary, "messages detected") == 120
    assert row(summary, "cases opened (the same post found twice opens one)") == 120 - row(
        summary, "posts found twice"
    )
    for label in (
        "posts found twice",
        "excluded as abusive (п. 18)",
        "linked as repeats (п. 16)",
        "routed to several departments (п. 15)",
        "returned as not the department's and re-routed (п. 8)",
        "interim answer first (п. 14)",
        "drafts returned for rework (п. 11, 12)",
        "answers published (recorded; none sent anywhere)",
        "– of them noticed by the worker with the step undone (breach notices)",
        "– notices they sent (one for each deputy told)",
        "notifications delivered (recorded)",
    ):
        assert row(summary, label) > 0, label
    assert "## Нарушения сроков (п. 19)" in report
    # the staff play by the rules: a few refusals show them, more mean the week broke
    # (as when answers on forums and review sites had no official account to go from)
    assert row(summary, "commands refused by the rules, each citing its clause") <= 5
    opened = row(summary, "cases opened (the same post found twice opens one)")
    assert row(summary, "cases still open") <= opened // 10


def test_the_week_s_figures_are_the_report_s(week: tuple[Run, Path]) -> None:
    run, _ = week
    summary, report = run.out.split("\n# Отчёт о соблюдении регламента", 1)
    breaches = re.search(r"^- Нарушений сроков: (\d+)$", report, re.MULTILINE)
    escalations = re.search(r"^- Доведено до заместителей мэра \(п. 20\): (\d+)$", report, re.M)
    assert breaches
    assert escalations
    total = row(summary, "deadlines breached (п. 19), as the report counts them †")
    assert total == int(breaches.group(1)) > 0
    noticed = row(summary, "– of them noticed by the worker with the step undone (breach notices)")
    late = row(summary, "– of them done late before the worker's next round, or ended undone")
    assert noticed + late == total
    assert late >= 0
    assert row(summary, "escalations to deputy mayors (п. 20), in the cases' histories †") == int(
        escalations.group(1)
    )
    assert "† The compliance report's figures (below): one set of figures." in summary


def test_what_the_week_sent_is_in_its_files_and_nothing_left_the_machine(
    week: tuple[Run, Path],
) -> None:
    run, out = week
    summary = run.out.split("\n# Отчёт о соблюдении регламента", 1)[0]
    sent = [json.loads(n) for n in (out / "notifications.jsonl").read_text("utf-8").splitlines()]
    assert len(sent) == row(summary, "notifications delivered (recorded)")
    assert sum(n["kind"] == "escalation" for n in sent) == row(
        summary, "– notices they sent (one for each deputy told)"
    )
    posted = [json.loads(p) for p in (out / "publications.jsonl").read_text("utf-8").splitlines()]
    published = row(summary, "answers published (recorded; none sent anywhere)")
    by_hand = row(summary, "of them posted by hand after comments were closed (п. 13)")
    assert len(posted) == published - by_hand > 0  # those by hand never reach the publisher
    assert len({p["key"] for p in posted}) == len(posted)  # each answer once
    sent_line = f"  sent:        {out / 'notifications.jsonl'}, {out / 'publications.jsonl'}\n"
    assert sent_line in run.err


def test_progress_is_a_plain_line_a_day_when_not_a_terminal(week: tuple[Run, Path]) -> None:
    run, out = week
    days = [line for line in run.err.splitlines() if re.match(r"^\w{3} \d\d\.\d\d 00:00  ", line)]
    assert [d[:9] for d in days] == [
        "Tue 25.11",
        "Wed 26.11",
        "Thu 27.11",
        "Fri 28.11",
        "Sat 29.11",
        "Sun 30.11",
        "Mon 01.12",
        "Tue 02.12",
        "Wed 03.12",
    ]
    assert f"  store:       {out / 'regflow.sqlite3'}\n" in run.err
    assert f"  HTML report: {out / 'report.html'}\n" in run.err


def test_the_week_leaves_a_store_to_explore_and_an_html_report(
    week: tuple[Run, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = week
    assert (out / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    store = str(out / "regflow.sqlite3")
    capsys.readouterr()
    assert main(["verify", "--store", store]) == 0
    assert capsys.readouterr().out.endswith("every history verifies\n")
    assert main(["cases", "--store", store, "--all", "--limit", "500", "--format", "json"]) == 0
    cases = json.loads(capsys.readouterr().out)
    assert len(cases) == 115
    assert main(["show", cases[0]["case_id"], "--store", store]) == 0
    assert "## Events" in capsys.readouterr().out


def test_the_same_seed_gives_the_same_week_in_another_process(
    week: tuple[Run, Path], tmp_path: Path
) -> None:
    run, _ = week
    done, _seconds, rss = demo_in_child(
        "--seed", "1", "--messages", "120", "--out", str(tmp_path), hash_seed="4242"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == run.out
    assert rss < MEGABYTES


def test_another_seed_gives_another_week(tmp_path: Path) -> None:
    one = demo("--seed", "1", "--messages", "40", "--out", str(tmp_path / "one"))
    two = demo("--seed", "2", "--messages", "40", "--out", str(tmp_path / "two"))
    again = demo("--seed", "2", "--messages", "40", "--out", str(tmp_path / "one"))
    assert one.out != two.out
    assert again.out == two.out  # and an earlier demo's store in --out is replaced


def test_the_default_week_of_300_messages_in_time_and_memory(tmp_path: Path) -> None:
    done, seconds, rss = demo_in_child("--out", str(tmp_path), hash_seed="0")
    assert done.returncode == 0, done.stderr
    assert row(done.stdout, "messages detected") == 300
    assert seconds < SECONDS
    assert rss < MEGABYTES


def test_the_demo_refuses_what_it_cannot_do(tmp_path: Path) -> None:
    afile = tmp_path / "a-file"
    afile.write_text("", encoding="utf-8")
    assert (
        demo("--out", str(afile)).err
        == f"regflow: error: --out {afile} is a file; give a directory\n"
    )
    org = demo("--organization", "x.toml", "--out", str(tmp_path))
    assert org.code == 1
    assert org.err.endswith(
        "the demo simulates the bundled example organisation; drop --organization\n"
    )
    assert demo("--messages", "0").code == 1
