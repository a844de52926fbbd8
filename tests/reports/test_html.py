"""The HTML report is one self-contained page: well-formed, no scripts, nothing fetched
from the network, three charts with titles, every name escaped; and a browser draws it."""

from __future__ import annotations

import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pytest

from regflow.reports import ComplianceReport, build_report, render_html
from tests.engine.conftest import ORG, REGULATION
from tests.reports.test_compliance import END, NOW, START, a_week, report_of

CHROMIUM = Path("/usr/bin/chromium")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
NAME = 'Управление <b>&" ЖКХ'


class Page(HTMLParser):
    """Checks that tags nest and close; collects tags, attributes, text and SVG titles."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.problems: list[str] = []
        self.tags: Counter[str] = Counter()
        self.attributes: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.titles: list[str] = []
        self.feed(text)
        self.close()
        if self.open:
            self.problems.append(f"never closed: {self.open}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_startendtag(tag, attrs)
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        self.attributes += [(tag, name, value) for name, value in attrs]

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.open[-1:]}")
        else:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.open and self.open[-1] == "title" and "svg" in self.open:
            self.titles.append(data)


@pytest.fixture(scope="module")
def report() -> ComplianceReport:
    departments = tuple(
        attrs.evolve(d, name=NAME) if d.id == "housing" else d for d in ORG.departments
    )
    return report_of(a_week(), organization=attrs.evolve(ORG, departments=departments))


@pytest.fixture(scope="module")
def page(report: ComplianceReport) -> str:
    return render_html(report)


def test_the_page_is_well_formed_html_in_russian(page: str) -> None:
    parsed = Page(page)
    assert parsed.problems == []
    assert page.startswith('<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">')
    assert parsed.tags["html"] == parsed.tags["head"] == parsed.tags["body"] == 1
    assert "Отчёт о соблюдении регламента" in parsed.text


def test_the_page_is_self_contained(page: str) -> None:
    parsed = Page(page)
    assert "<script" not in page.lower()
    assert "http://" not in page
    assert "https://" not in page
    assert "url(" not in page
    assert "@import" not in page
    assert parsed.tags["link"] == parsed.tags["img"] == parsed.tags["script"] == 0
    assert not [a for a in parsed.attributes if a[1] in ("src", "href") or a[1].startswith("on")]
    assert parsed.tags["style"] == 1


def test_the_page_has_three_charts_with_titles_and_axis_labels(page: str) -> None:
    parsed = Page(page)
    assert page.count("<svg") == parsed.tags["svg"] == 3
    assert [value for tag, name, value in parsed.attributes if tag == "svg" and name == "role"] == [
        "img"
    ] * 3
    assert parsed.titles[0] == "Доля ответов, данных в срок, по органам"
    assert "Нарушения сроков по пунктам регламента" in parsed.titles
    assert "Нагрузка: сообщения по дням обнаружения" in parsed.titles
    text = "".join(parsed.text)
    for label in (
        "Доля ответов в срок (п. 9), %",
        "Орган",
        "Пункт регламента",
        "Число нарушений",
        "День (местное время)",
        "Сообщений",
    ):
        assert label in text


def test_each_bar_carries_its_exact_figures(page: str) -> None:
    titles = Page(page).titles
    # on time: improvement 3 of 3; housing 0 of 2 judged
    assert "Управление благоустройства и дорожного хозяйства (пример): 100 % в срок (3 из 3)" in (
        titles
    )
    assert f"{NAME}: 0 % в срок (0 из 2)" in titles
    # п. 10: the draft of c3 and of c5
    assert "п. 10: 2 нарушения (draft: 2, final-draft: 0)" in titles
    assert "п. 7: 1 нарушение (route: 1)" in titles
    assert "12.11.2025, ср: 2 сообщения" in titles
    assert "14.11.2025, пт: 1 сообщение" in titles


def test_names_are_escaped_everywhere(page: str) -> None:
    parsed = Page(page)
    assert parsed.tags["b"] == 0
    assert NAME not in page
    assert "Управление &lt;b&gt;&amp;&quot; ЖКХ" in page
    assert NAME in "".join(parsed.text)


def test_the_summary_shows_formatted_figures(page: str) -> None:
    text = " ".join(" ".join(Page(page).text).split())
    assert "60 % Ответ в срок" in text
    assert "Ответ в срок: 3 из 5 оценённых сообщений" in text
    assert "медиана 1 ч 35 мин рабочего времени (9 ч 05 мин календарного)" in text


def test_an_empty_report_still_draws_its_three_charts() -> None:
    report = build_report(
        [], regulation_for=lambda case: REGULATION, organization=ORG, start=START, end=END,
        now=NOW,
    )  # fmt: skip
    page = render_html(report)
    parsed = Page(page)
    assert parsed.problems == []
    assert parsed.tags["svg"] == 3
    assert "Нет данных" in parsed.text


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (CI installs it)")
def test_a_headless_browser_draws_the_page(page: str, tmp_path: Path) -> None:
    source = tmp_path / "report.html"
    source.write_text(page, encoding="utf-8")
    flags = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    picture = tmp_path / "r.png"
    subprocess.run(
        [*flags, f"--screenshot={picture}", "--window-size=1200,1600", source.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert picture.stat().st_size > 20_000
    dom = subprocess.run(
        [*flags, "--dump-dom", source.as_uri()],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    assert dom.count("<svg") == 3
    assert "Доля ответов, данных в срок, по органам" in dom
    assert "<rect" in dom
