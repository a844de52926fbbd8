"""The rendered regulation is a readable, complete and current spec."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

import regflow.reports
from regflow.reports import render_regulation
from regflow.reports.spec import main
from regflow.rules import blagoveshchensk_2020

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "regulation.md"
REGULATION = blagoveshchensk_2020()
SPEC = render_regulation(REGULATION)
BY_IMPORTANCE = REGULATION.choose(**{"shortened-deadline": "by-importance"})


def section(text: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    level = heading.split(" ")[0]
    start = text.index(f"\n{heading}\n")
    rest = text[start + len(heading) + 2 :]
    ends = [rest.find(f"\n{'#' * n} ") for n in range(1, len(level) + 1)]
    ends = [e for e in ends if e >= 0]
    return rest[: min(ends)] if ends else rest


def test_the_package_exports_the_renderers() -> None:
    assert regflow.reports.__all__ == sorted(regflow.reports.__all__)
    assert regflow.reports.__all__ == [
        "ComplianceReport",
        "build_report",
        "render_case",
        "render_csv",
        "render_html",
        "render_json",
        "render_markdown",
        "render_regulation",
    ]
    for name in regflow.reports.__all__:
        assert callable(getattr(regflow.reports, name))
    with pytest.raises(AttributeError):
        regflow.reports.render_nothing  # noqa: B018


def test_the_header_names_title_version_dates_and_legal_basis() -> None:
    head = SPEC.split("\n## ", 1)[0]
    assert head.startswith(f"# {REGULATION.title}\n")
    assert "version `2020-07-13`" in head
    assert "from 2020-07-13, with no end date" in head
    assert REGULATION.legal_basis in head


def test_the_working_time_is_stated() -> None:
    text = section(SPEC, "## Working time")
    assert "`Asia/Yakutsk`" in text
    assert "mon-fri: 09:00-13:00, 14:00-18:00" in text
    assert "1 hour shorter (Labour Code art. 95)" in text
    assert "`working-hours` = `standard`" in text


def test_every_clause_is_quoted_in_its_original_words_in_numeric_order() -> None:
    positions = []
    for clause, text in REGULATION.clauses.items():
        positions.append((int(clause.removeprefix("п. ")), SPEC.index(f"\n### {clause}\n")))
        for paragraph in text.split("\n"):
            if paragraph:
                assert f"\n> {paragraph}\n" in section(SPEC, f"### {clause}"), clause
    assert [p for _n, p in sorted(positions)] == sorted(p for _n, p in positions)
    assert SPEC.index("### п. 2\n") < SPEC.index("### п. 10\n") < SPEC.index("### п. 20\n")


def test_every_deadline_is_under_its_clause_and_in_the_table() -> None:
    table = section(SPEC, "## Deadlines")
    for deadline in REGULATION.effective.deadlines:
        clause = section(SPEC, f"### {deadline.citation.clause}")
        assert f"**Deadline `{deadline.id}`.** {deadline.describe()}." in clause
        assert f"\n| {deadline.id} | {deadline.citation.clause} | " in table
    assert (
        "| route | п. 7 | 30 working minutes | working time | `detected`, `returned_to_curator` "
        "| `routed` | curator |" in table
    )
    assert "| draft | п. 10 | 4 working hours before `answer` |" in table
    assert "| final | п. 14 | 7 working days (counted civil-code) |" in table


def test_a_deadline_says_which_interpretation_shaped_it() -> None:
    route = section(SPEC, "### п. 7")
    assert "interpretation `short-limits` = `working` sets basis: working" in route
    assert "interpretation `re-routing` = `fresh-limit` sets starts_on" in route
    answer = section(SPEC, "### п. 9")
    assert "`shortened-deadline` = `explicit-only` sets by_importance: none" in answer
    assert "`tight-limit` = `refuse` sets too_short: refuse" in answer
    other = section(render_regulation(BY_IMPORTANCE), "### п. 9")
    assert "`shortened-deadline` = `by-importance` sets by_importance: high: 5 working hours" in (
        other
    )


def test_the_other_rule_kinds_are_in_plain_words() -> None:
    assert (
        "**Permission `route`.** The curator may send the message to the competent "
        "department(s) when the case is at `classified`; the case moves to `routed` or `in_work`."
    ) in section(SPEC, "### п. 7")
    assert (
        "**Permission `route`.** The curator may send the message to the competent "
        "department(s) when the case is at `routed`, `in_work`; the case stays at its stage."
    ) in section(SPEC, "### п. 7")
    p15 = section(SPEC, "### п. 15")
    assert "**Several executors.**" in p15
    assert "within the `contribute` deadline (2 working hours)" in p15
    p18 = section(SPEC, "### п. 18")
    assert "`intent-to-harm`, `obscene`, `insult`, `threat-to-official`" in p18
    assert "`telegram` 4096 characters" in section(SPEC, "### п. 17")
    assert "measures taken or the progress" in section(SPEC, "### п. 16")
    p20 = section(SPEC, "### п. 20")
    assert "5 or more messages on one topic and location within 1 day" in p20
    assert "3 or more breached deadlines of one department within 30 days" in p20
    assert "**Note.** Responsibility" in section(SPEC, "### п. 19")


def test_a_clause_no_rule_carries_says_so() -> None:
    extra = attrs.evolve(REGULATION, clauses={**REGULATION.clauses, "п. 21": "21. Иное."})
    text = render_regulation(extra)
    assert "### п. 21\n\n> 21. Иное.\n\n_No rule carries this clause._" in text
    assert text.index("### п. 20\n") < text.index("### п. 21\n")


def test_every_interpretation_has_its_question_choices_default_and_reading_in_force() -> None:
    text = section(SPEC, "## Interpretations")
    for interp in REGULATION.interpretations:
        part = section(text, f"### `{interp.id}` ({interp.citation.clause})")
        assert interp.question in part
        for name, meaning in interp.choices.items():
            assert f"**`{name}`**" in part
            assert meaning in part
        assert f"Default: `{interp.default}`. In force: `{interp.default}`." in part
        assert f"**`{interp.default}`** (default, in force)" in part
    assert '`deadlines.route.basis` = `"clock"`' in text


def test_the_case_diagram_is_drawn_from_the_permissions() -> None:
    diagram = SPEC.split("```mermaid\n", 1)[1].split("```", 1)[0]
    lines = diagram.splitlines()
    assert lines[0] == "stateDiagram-v2"
    for edge in (
        "[*] --> detected : detect",
        "detected --> classified : classify",
        "classified --> routed : route",
        "routed --> in_work : return_to_curator, assign_executor",
        "awaiting_approval --> rework : return_for_rework",
        "rework --> awaiting_approval : submit_draft",
        "approved --> answered : record_publication",
        "detected --> excluded : exclude",
        "answered --> [*]",
        "excluded --> [*]",
        "closed --> [*]",
    ):
        assert f"    {edge}" in lines, edge
    assert len(lines) == len(set(lines)), "edges are drawn once"
    assert not any(" --> " in line and line.split()[0] == line.split()[2] for line in lines)
    assert "- `escalate` at `detected`, `classified`" in SPEC  # stage-keeping, listed


def test_the_spec_is_deterministic() -> None:
    assert render_regulation(blagoveshchensk_2020()) == SPEC
    assert SPEC.endswith("\n")
    assert not SPEC.endswith("\n\n")


def test_another_reading_shows_at_once() -> None:
    clock = render_regulation(REGULATION.choose(**{"short-limits": "clock"}))
    route = section(clock, "### п. 7")
    assert (
        "Classify the message and send it to the competent department(s): within 30 minutes;"
        in (route)
    )
    assert "interpretation `short-limits` = `clock` sets basis: clock" in route
    assert "| route | п. 7 | 30 minutes | clock time |" in clock
    assert "| answer | п. 9 | 8 working hours;" in clock  # п. 9 says 'working' itself
    assert "Default: `working`. In force: `clock`." in clock
    assert "**`clock`** (in force)" in clock
    assert "`short-limits=clock`" in clock.split("\n## ", 1)[0]


def test_docs_regulation_md_is_the_rendered_builtin_regulation() -> None:
    assert DOC.read_text(encoding="utf-8") == SPEC, (
        "docs/regulation.md is out of date; regenerate it with "
        "`python -m regflow.reports.spec > docs/regulation.md`"
    )


def test_the_command_prints_the_spec(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main([]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == SPEC


def test_the_command_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "regulation.md"
    assert main(["--output", str(target)]) == 0
    assert target.read_bytes() == SPEC.encode("utf-8")


def test_the_command_renders_a_regulation_from_toml(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    from regflow.rules import toml

    source = tmp_path / "other.toml"
    other = REGULATION.choose(**{"short-limits": "clock"})
    source.write_text(toml.dump_regulation(other), encoding="utf-8")
    assert main(["--regulation", str(source)]) == 0
    assert capsysbinary.readouterr().out.decode("utf-8") == render_regulation(other)


def test_p07_the_classification_and_the_shortened_deadline_in_plain_words() -> None:
    p07 = section(SPEC, "### п. 7")
    assert (
        "**Classification.** The curator names the topics, the location, the importance "
        "category; a classification without them is refused."
    ) in p07
    assert "may only shorten the deadline, never lengthen it" in p07
    p09 = section(SPEC, "### п. 9")
    assert "a shorter limit that puts `draft` at or before the moment it is set: the shorter " in (
        p09
    )
    waive = section(render_regulation(REGULATION.choose(**{"tight-limit": "waive"})), "### п. 9")
    assert "the curator may confirm it, and `draft` is then not owed" in waive
    assert "The 5 hours are the library's choice, not the text's" in SPEC


def test_p15_the_lead_part_reading_shows_in_the_rule() -> None:
    p15 = section(SPEC, "### п. 15")
    assert "so an order naming the lead is refused" in p15
    assert "appoint the person who prepares the joint draft" in p15
    assert "Interpretation `lead-part`" in p15
    other = section(render_regulation(REGULATION.choose(**{"lead-part": "in-order"})), "### п. 15")
    assert "the lead department sends its own part in its turn of the order too" in other
