"""One bad line stops nothing (issue 15, part 4): ``regflow ingest`` judges every line on
its own, lists the bad ones with their number and reason and stores the good ones; no
input gives a traceback (the line reader is fuzzed); numbers people type are bounded."""

from __future__ import annotations

import contextlib
import io
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regflow.cli import main
from regflow.cli._records import _read
from regflow.errors import InvalidMessage
from regflow.rules import dump_regulation
from tests.cli.test_cli import SAMPLE, Run, run, store  # noqa: F401 (fixtures)
from tests.service.test_detection import MONITORING_READING

FIRST = json.loads(SAMPLE.read_text(encoding="utf-8").splitlines()[0])


def record(number: int, **changes: object) -> str:
    """The sample's first record as a post of its own (``number``), with ``changes``."""
    fields = {**FIRST, "place": {**FIRST["place"], "comment_id": str(number)}, **changes}
    return json.dumps(fields, ensure_ascii=False)


def at(day: str) -> dict[str, str]:
    return {"published_at": f"{day}T07:52:00+09:00", "detected_at": f"{day}T08:10:00+09:00"}


FATAL = {
    "a huge integer": (record(2).replace('"reach": 1840', '"reach": 1' + "0" * 5000), "too long"),
    "an integer past I-JSON's": (
        record(3).replace('"reach": 1840', '"reach": 99999999999999999999'),
        "$.reach: an integer out of range",
    ),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "nesting that parses": (
        record(4)[:-1] + ', "raw": ' + '{"a": ' * 200 + "1" + "}" * 200 + "}",
        "nested deeper than 32 levels",
    ),
    "a lone surrogate": (
        record(5, text="снег X").replace("снег X", "снег \\ud800"),
        "$.text: a lone surrogate U+D800 at character 6 is not text",
    ),
    "an instant with no UTC": (
        record(
            8, published_at="0001-01-01T00:01:00+09:00", detected_at="0001-01-01T00:10:00+09:00"
        ),
        "$.published_at: 0001-01-01T00:01:00+09:00 is out of range: it has no instant in UTC",
    ),
    "a date past the calendar": (record(6, **at("2150-11-24")), "outside calendar 'Russia'"),
    "a date before the regulation": (
        record(7, **at("2019-11-25")),
        "no regulation version is in force on 2019-11-25",
    ),
}


def test_every_line_is_judged_on_its_own(run: Run, store: str, tmp_path: Path) -> None:  # noqa: F811
    """Fatal lines between good ones: each bad one is listed with its number and reason,
    each good one is stored; under the monitoring reading the record's own date counts."""
    regulation = tmp_path / "regulation.toml"
    regulation.write_text(dump_regulation(MONITORING_READING), encoding="utf-8")
    lines = [record(1)]
    for text, _reason in FATAL.values():
        lines += [text, record(100 + len(lines))]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run("init", "--store", store)[0] == 0
    code, out, err = run("ingest", "--store", store, "--regulation", str(regulation), str(path))
    assert code == 1
    assert "Traceback" not in err
    assert out == f"{path}: 17 records ingested: 9 new cases, 0 already known; 8 bad\n"
    reported = err.splitlines()
    for number, (name, (_text, reason)) in enumerate(FATAL.items()):
        line = f"{path}:{2 + 2 * number}: "
        assert [r for r in reported if r.startswith(line) and reason in r], (name, reported)
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*) FROM cases").fetchone() == (9,)


def test_the_service_refuses_what_the_store_cannot_hold_as_invalid_messages() -> None:
    """A record from a portal (not JSON text): the same checks, a typed error."""
    from regflow.core.message import Message

    for changes, path in (
        ({"text": "снег \ud800"}, "$.text"),
        ({"reach": 10**5000}, "$.reach"),
        ({"raw": {"\udfff": 1}}, "$.raw"),
    ):
        fields = {**FIRST, **changes}
        with pytest.raises(InvalidMessage) as raised:
            Message.from_record(fields)
        assert raised.value.path == path


TEXT = st.text(st.characters(exclude_categories=()))
"""Any text, lone surrogates included (JSON escapes them as ``\\ud800``)."""


def _nest(inner: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4)


JSON_ISH: st.SearchStrategy[object] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT, _nest, max_leaves=20
)


def _as_line(value: object) -> str:
    return json.dumps(value, ensure_ascii=True) + "\n"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        TEXT
        | JSON_ISH.map(_as_line)
        | st.dictionaries(st.sampled_from(sorted(FIRST)), JSON_ISH).map(
            lambda changes: _as_line({**FIRST, **changes})
        ),
        max_size=6,
    )
)
def test_the_line_reader_never_fails_on_any_input(texts: list[str]) -> None:
    """Whatever the lines hold, each is a message or a list of problems, never an error."""
    text = "".join(t if t.endswith("\n") else t + "\n" for t in texts)
    for line in _read(io.StringIO(text)):
        assert (line.message is None) == bool(line.problems)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.dictionaries(st.sampled_from(sorted(FIRST)), JSON_ISH).map(
            lambda changes: _as_line({**FIRST, **changes})
        ),
        min_size=1,
        max_size=3,
    )
)
def test_ingest_check_never_tracebacks(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "lines.jsonl"
    path.write_text("".join(lines), encoding="utf-8", errors="surrogatepass")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["ingest", "--check", str(path)])
    assert code in (0, 1), err.getvalue()
    assert f"{len(lines)} records checked" in out.getvalue()


@pytest.mark.parametrize(
    "limit", ["99999999999999999999", "-5", "0", "1e3", "ten", "1" * 5000, "1000000001"]
)
def test_cases_refuses_a_limit_out_of_range(run: Run, store: str, limit: str) -> None:  # noqa: F811
    assert run("init", "--store", store)[0] == 0
    code, out, err = run("cases", "--store", store, "--limit", limit)
    assert (code, out) == (2, "")
    assert "argument --limit: expected a whole number from 1 to 1000000000, got " in err
    assert "Traceback" not in err


@pytest.mark.parametrize("interval", ["nan", "inf", "-1", "1e300"])
def test_worker_refuses_an_interval_out_of_range(run: Run, store: str, interval: str) -> None:  # noqa: F811
    assert run("init", "--store", store)[0] == 0
    code, _, err = run("worker", "--store", store, "--interval", interval)
    assert code == 1
    assert err == "regflow: error: --interval must be a number of seconds from 0 to 86400\n"
