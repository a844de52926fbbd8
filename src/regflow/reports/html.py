"""A compliance report as one self-contained HTML page with SVG charts.

:func:`render_html` writes a page that needs nothing else: the CSS is inline,
the charts are inline SVG, there is no JavaScript and no reference to the
network (no fonts, images or links to the messages), so it can be mailed,
archived or printed as it is. Three charts: the share answered on time per
department, the breaches per clause, and the messages detected per day. Each
chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>``, and each
bar has its own ``<title>`` with the exact figures. All text is escaped.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from html import escape

from regflow.reports.compliance import (
    _CATEGORIES,
    _REASONS,
    _ROLES,
    Breach,
    ComplianceReport,
    Row,
    _deadline_label,
    _duration,
    _held_words,
    _local,
    _main_label,
    _percent,
    _spread_cells,
    _timing_words,
)

__all__ = ["render_html"]

_WIDTH = 760
_STYLE = """
body { font-family: "PT Sans", "Segoe UI", Arial, sans-serif; margin: 2rem auto;
  max-width: 1100px; padding: 0 1rem; color: #1f2933; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #cbd2d9; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; }
ul.tiles { display: flex; flex-wrap: wrap; gap: .8rem; list-style: none; padding: 0; }
ul.tiles li { border: 1px solid #cbd2d9; border-radius: 6px; padding: .6rem .9rem;
  min-width: 9rem; }
ul.tiles strong { display: block; font-size: 1.5rem; }
figure { margin: 1rem 0; }
svg { max-width: 100%; height: auto; font-family: inherit; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #cbd2d9; padding: .3rem .5rem; text-align: left;
  vertical-align: top; }
th { background: #f0f4f8; }
td.n { text-align: right; white-space: nowrap; }
div.wide { overflow-x: auto; }
code { font-size: .85em; }
.muted { color: #616e7c; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
""".strip()


def render_html(report: ComplianceReport) -> str:
    """The report as a self-contained HTML page (Russian), ending with a newline.

    The page has inline CSS and three inline SVG charts (on-time share per
    department, breaches per clause, daily load); no scripts, no external
    resources. Every name and other text from the data is HTML-escaped.
    """
    tz = report.timezone
    title = f"Отчёт о соблюдении регламента: {report.organization_name}"
    main = ", ".join(_main_label(report, i) for i in report.main_deadlines) or "—"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="ru">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title>",
        f"<style>\n{_STYLE}\n</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>Отчёт о соблюдении регламента</h1>",
        f"<p>{_e(report.organization_name)}</p>",
        '<dl class="meta">',
        f"<dt>Период</dt><dd>{_e(_local(report.start, tz))} — {_e(_local(report.end, tz))} "
        f'<span class="muted">(по дате обнаружения; конец не включается; время '
        f"{_e(tz)})</span></dd>",
        f"<dt>По состоянию на</dt><dd>{_e(_local(report.now, tz))}</dd>",
        f"<dt>Регламент</dt><dd>{_e(', '.join(report.regulations) or '—')}</dd>",
        f"<dt>Основной срок</dt><dd>{_e(main)}</dd>",
        "</dl>",
        "</header>",
        "<main>",
        *_summary(report),
        "<h2>Доля ответов в срок по органам</h2>",
        _figure(_share_chart(report), "chart-share"),
        "<h2>Нарушения сроков по пунктам регламента</h2>",
        _figure(_clause_chart(report), "chart-clauses"),
        "<h2>Нагрузка по дням</h2>",
        _figure(_daily_chart(report), "chart-daily"),
        "<h2>По органам</h2>",
        _rows_table("Орган", report.departments),
        "<h2>По исполнителям</h2>",
        _rows_table("Исполнитель", report.executors),
        "<h2>Нарушения сроков (п. 19)</h2>",
        *_breaches(report),
        "<h2>Повторные сообщения (п. 16)</h2>",
        *_repeats(report),
        "<h2>Исключённые сообщения (п. 18)</h2>",
        _tally_table(
            "Категория",
            [(_CATEGORIES.get(t.key, t.key), t.key, t.count) for t in report.exclusions],
        ),
        "<h3>Отмечены фильтром, но не исключены куратором</h3>",
        _flagged(report),
        *_skipped(report),
        "<h2>Доведено до заместителей мэра (п. 20)</h2>",
        _tally_table(
            "Основание", [(_REASONS.get(t.key, t.key), t.key, t.count) for t in report.escalations]
        ),
        "<h2>Время событий: заявленное и полученное сервером</h2>",
        _timed(report),
        "</main>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _summary(report: ComplianceReport) -> list[str]:
    m = report.totals
    tiles = [
        ("Сообщений", str(m.messages)),
        ("Дан окончательный ответ", str(m.answered)),
        ("Ответ в срок", f"{_percent(m.on_time, m.judged)}"),
        ("Нарушений сроков", str(m.breaches)),
        ("Повторных (п. 16)", str(m.repeats)),
        ("Исключено (п. 18)", str(m.excluded)),
        ("Закрыто без ответа", str(m.closed_unanswered)),
        ("Доведено до заместителей (п. 20)", str(m.escalations)),
    ]
    items = [f"<li><strong>{_e(value)}</strong>{_e(label)}</li>" for label, value in tiles]
    return [
        "<h2>Итоги</h2>",
        '<ul class="tiles">',
        *items,
        "</ul>",
        f"<p>Ответ в срок: {m.on_time} из {m.judged} оценённых сообщений "
        '<span class="muted">(не оценены сообщения, срок ответа по которым ещё не истёк, '
        "исключённые и закрытые без ответа до истечения срока"
        f"{f': {m.closed_not_judged}' if m.closed_not_judged else ''}; закрытые позже "
        "учтены как нарушившие срок)</span>.</p>",
        f"<p>Время до направления в орган: {_e(_timing_words(m.to_route))}.</p>",
        f"<p>Время до ответа: {_e(_timing_words(m.to_answer))}.</p>",
    ]


# -- tables --------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[tuple[str, bool]]]) -> str:
    """``rows`` of (already escaped HTML, is a number) cells."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    body = [
        "<tr>"
        + "".join(f'<td class="n">{c}</td>' if n else f"<td>{c}</td>" for c, n in row)
        + "</tr>"
        for row in rows
    ]
    if not rows:
        body = [f'<tr><td colspan="{len(headers)}" class="muted">Нет.</td></tr>']
    return "\n".join(
        [
            '<div class="wide"><table>',
            f"<thead><tr>{head}</tr></thead>",
            "<tbody>",
            *body,
            "</tbody>",
            "</table></div>",
        ]
    )


def _rows_table(title: str, rows: Sequence[Row]) -> str:
    headers = [
        title,
        "Сообщений",
        "Дан ответ",
        "В срок",
        "Нарушен основной срок",
        "Доля в срок",
        "Нарушений сроков",
        "Повторных",
        "Исключено",
        "П. 20",
        "Направление: медиана, раб. / кал.",
        "Направление: 90 %",
        "Ответ: медиана, раб. / кал.",
        "Ответ: 90 %",
    ]
    cells = []
    for row in rows:
        m = row.metrics
        name = _e(row.name) + (f' <code class="muted">{_e(row.id)}</code>' if row.id else "")
        numbers = [m.messages, m.answered, m.on_time, m.late]
        cells.append(
            [
                (name, False),
                *((str(n), True) for n in numbers),
                (_e(_percent(m.on_time, m.judged)), True),
                *((str(n), True) for n in (m.breaches, m.repeats, m.excluded, m.escalations)),
                *((_e(c), True) for c in _spread_cells(m.to_route)),
                *((_e(c), True) for c in _spread_cells(m.to_answer)),
            ]
        )
    return _table(headers, cells)


def _breaches(report: ComplianceReport) -> list[str]:
    tz = report.timezone
    by_deadline = _table(
        ["Срок", "Пункт", "Нарушений"],
        [
            [
                (
                    f"{_e(_deadline_label(d.deadline, d.title))} <code>{_e(d.deadline)}</code>",
                    False,
                ),
                (_e(d.clause), False),
                (str(d.count), True),
            ]
            for d in report.breaches_by_deadline
        ],
    )
    listed = _table(
        ["Сообщение", "Срок", "Пункт", "Орган", "Истёк", "Выполнено", "Просрочка", "Ответственный"],
        [
            [
                (f"<code>{_e(b.case_id)}</code>", False),
                (f"<code>{_e(b.deadline)}</code>", False),
                (_e(b.clause), False),
                (_e(b.department.name) if b.department else "—", False),
                (_e(_local(b.due, tz)), True),
                (_e(_local(b.done_at, tz)) if b.done_at else "не выполнено", True),
                (_e(_duration(b.late_by)), True),
                (_responsible(b), False),
            ]
            for b in report.breaches
        ],
    )
    return [by_deadline, "<h3>Перечень нарушений</h3>", listed]


def _responsible(breach: Breach) -> str:
    role = _e(_ROLES.get(breach.responsible_role, breach.responsible_role))
    held = _e(_held_words(breach))
    if breach.responsible is None:
        return f"{role} —{held}"
    return f"{role} {_e(breach.responsible.name)} <code>{_e(breach.responsible.id)}</code>{held}"


def _repeats(report: ComplianceReport) -> list[str]:
    return [
        _table(
            ["Сообщение", "Повторяет", "Орган"],
            [
                [
                    (f"<code>{_e(r.case_id)}</code>", False),
                    (f"<code>{_e(r.repeat_of)}</code>", False),
                    (_e(r.department.name) if r.department else "—", False),
                ]
                for r in report.repeats
            ],
        )
    ]


def _timed(report: ComplianceReport) -> str:
    tz = report.timezone
    return _table(
        ["Сообщение", "Событие", "Заявлено", "Получено сервером", "Перенесено"],
        [
            [
                (f"<code>{_e(t.case_id)}</code>", False),
                (f"№ {t.seq} <code>{_e(t.type)}</code>", False),
                (_e(_local(t.declared, tz)), True),
                (_e(_local(t.received, tz)) if t.received else "не записано", True),
                ("да" if t.imported else "нет", False),
            ]
            for t in report.timed
        ],
    )


def _flagged(report: ComplianceReport) -> str:
    return _table(
        ["Сообщение", "Отмечено фильтром", "Орган", "Ответ"],
        [
            [
                (f"<code>{_e(f.case_id)}</code>", False),
                (_e(", ".join(_CATEGORIES.get(c, c) for c in f.categories)), False),
                (_e(f.department.name) if f.department else "—", False),
                ("размещён" if f.answered else "не размещён", False),
            ]
            for f in report.flagged
        ],
    )


def _skipped(report: ComplianceReport) -> list[str]:
    if not report.skipped:
        return []
    return [
        "<h2>Не учтённые дела</h2>",
        "<p>Эти дела не удалось прочитать, и их сроки в отчёт не вошли "
        "(подробнее: <code>regflow verify</code>).</p>",
        _table(
            ["Дело", "Что не так"],
            [
                [(f"<code>{_e(s.case_id)}</code>", False), (_e(s.reason), False)]
                for s in report.skipped
            ],
        ),
    ]


def _tally_table(title: str, rows: Sequence[tuple[str, str, int]]) -> str:
    return _table(
        [title, "Сообщений"],
        [
            [(f"{_e(label)} <code>{_e(key)}</code>", False), (str(count), True)]
            for label, key, count in rows
        ],
    )


# -- charts --------------------------------------------------------------------


def _figure(svg: str, ident: str) -> str:
    return f'<figure id="{ident}">\n{svg}\n</figure>'


def _n(value: float) -> str:
    """A coordinate: at most one decimal."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(ident: str, title: str, desc: str, height: float, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg id="{ident}" role="img" width="{_WIDTH}" height="{_n(height)}" '
            f'viewBox="0 0 {_WIDTH} {_n(height)}" aria-labelledby="{ident}-title {ident}-desc">',
            f'<title id="{ident}-title">{_e(title)}</title>',
            f'<desc id="{ident}-desc">{_e(desc)}</desc>',
            f'<text x="{_WIDTH / 2}" y="20" text-anchor="middle" font-size="15" '
            f'font-weight="bold">{_e(title)}</text>',
            *body,
            "</svg>",
        ]
    )


def _cut(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _plural(count: int, one: str, few: str, many: str) -> str:
    """Russian agreement: 1 нарушение, 2 нарушения, 5 нарушений."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def _ticks(top: int) -> tuple[int, list[int]]:
    """A rounded axis maximum for counts up to ``top``, with at most 5 steps of 1, 2, 5 x 10^k."""
    if top <= 0:
        return 1, [0, 1]
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if math.ceil(top / step) <= 5:
                last = step * math.ceil(top / step)
                return last, list(range(0, last + 1, step))
        magnitude *= 10


def _share_chart(report: ComplianceReport) -> str:
    rows = list(report.departments)
    left, right, top, bar, gap = 320.0, 70.0, 44.0, 18.0, 12.0
    plot = _WIDTH - left - right
    height = top + max(len(rows), 1) * (bar + gap) + 56
    axis_y = height - 50
    body = []
    for value in (0, 25, 50, 75, 100):
        x = left + plot * value / 100
        body += [
            f'<line x1="{_n(x)}" y1="{_n(top - 6)}" x2="{_n(x)}" y2="{_n(axis_y)}" '
            'stroke="#d9e2ec" />',
            f'<text x="{_n(x)}" y="{_n(axis_y + 16)}" text-anchor="middle" '
            f'font-size="11">{value} %</text>',
        ]
    body += [
        f'<line x1="{_n(left)}" y1="{_n(axis_y)}" x2="{_n(left + plot)}" y2="{_n(axis_y)}" '
        'stroke="#52606d" />',
        f'<text x="{_n(left + plot / 2)}" y="{_n(axis_y + 36)}" text-anchor="middle" '
        f'font-size="12">{_e(_share_axis(report))}</text>',
        f'<text transform="translate(14 {_n((top + axis_y) / 2)}) rotate(-90)" '
        'text-anchor="middle" font-size="12">Орган</text>',
    ]
    if not rows:
        body.append(_no_data(left + plot / 2, top + bar))
    for index, row in enumerate(rows):
        m = row.metrics
        y = top + index * (bar + gap)
        label = _e(_cut(row.name, 40))
        share = _percent(m.on_time, m.judged)
        if m.judged:
            width = plot * m.on_time / m.judged
            tip = f"{row.name}: {share} в срок ({m.on_time} из {m.judged})"
            mark = (
                f'<rect x="{_n(left)}" y="{_n(y)}" width="{_n(width)}" height="{_n(bar)}" '
                f'fill="#2f80c1" /><text x="{_n(left + width + 6)}" y="{_n(y + 13)}" '
                f'font-size="12">{_e(share)}</text>'
            )
        else:
            tip = f"{row.name}: нет сообщений с истёкшим или соблюдённым сроком ответа"
            mark = (
                f'<text x="{_n(left + 6)}" y="{_n(y + 13)}" font-size="12" '
                'fill="#616e7c">нет данных</text>'
            )
        body.append(
            f"<g><title>{_e(tip)}</title>"
            f'<text x="{_n(left - 8)}" y="{_n(y + 13)}" text-anchor="end" '
            f'font-size="12">{label}</text>{mark}</g>'
        )
    return _svg(
        "share",
        "Доля ответов, данных в срок, по органам",
        "Горизонтальные столбцы: для каждого органа доля сообщений, ответ на которые "
        "размещён в основной срок, среди сообщений, срок по которым истёк или соблюдён.",
        height,
        body,
    )


def _share_axis(report: ComplianceReport) -> str:
    clauses = {d.deadline: d.clause for d in report.breaches_by_deadline}
    main = ", ".join(dict.fromkeys(clauses.get(i, i) for i in report.main_deadlines))
    return f"Доля ответов в срок ({main}), %" if main else "Доля ответов в срок, %"


def _no_data(x: float, y: float) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="middle" font-size="13" '
        'fill="#616e7c">Нет данных</text>'
    )


def _columns(
    ident: str,
    title: str,
    desc: str,
    bars: Sequence[tuple[str, int, str]],
    x_label: str,
    y_label: str,
    label_every: int = 1,
) -> str:
    """A column chart: ``bars`` of (axis label, value, tooltip)."""
    left, right, top, bottom = 64.0, 20.0, 44.0, 64.0
    plot_h = 240.0
    plot_w = _WIDTH - left - right
    height = top + plot_h + bottom
    base = top + plot_h
    last, ticks = _ticks(max((value for _label, value, _tip in bars), default=0))
    body = []
    for tick in ticks:
        y = base - plot_h * tick / last
        body += [
            f'<line x1="{_n(left)}" y1="{_n(y)}" x2="{_n(left + plot_w)}" y2="{_n(y)}" '
            'stroke="#d9e2ec" />',
            f'<text x="{_n(left - 6)}" y="{_n(y + 4)}" text-anchor="end" '
            f'font-size="11">{tick}</text>',
        ]
    slot = plot_w / max(len(bars), 1)
    width = max(min(slot * 0.7, 60.0), 1.0)
    for index, (label, value, tip) in enumerate(bars):
        x = left + slot * index + (slot - width) / 2
        h = plot_h * value / last
        text = ""
        if index % label_every == 0:
            text = (
                f'<text x="{_n(x + width / 2)}" y="{_n(base + 16)}" text-anchor="middle" '
                f'font-size="11">{_e(label)}</text>'
            )
        count = (
            f'<text x="{_n(x + width / 2)}" y="{_n(base - h - 4)}" text-anchor="middle" '
            f'font-size="11">{value}</text>'
            if value and slot >= 18
            else ""
        )
        body.append(
            f"<g><title>{_e(tip)}</title>"
            f'<rect x="{_n(x)}" y="{_n(base - h)}" width="{_n(width)}" height="{_n(h)}" '
            f'fill="#2f80c1" />{count}{text}</g>'
        )
    if not bars:
        body.append(_no_data(left + plot_w / 2, top + plot_h / 2))
    body += [
        f'<line x1="{_n(left)}" y1="{_n(base)}" x2="{_n(left + plot_w)}" y2="{_n(base)}" '
        'stroke="#52606d" />',
        f'<line x1="{_n(left)}" y1="{_n(top)}" x2="{_n(left)}" y2="{_n(base)}" stroke="#52606d" />',
        f'<text x="{_n(left + plot_w / 2)}" y="{_n(base + 44)}" text-anchor="middle" '
        f'font-size="12">{_e(x_label)}</text>',
        f'<text transform="translate(16 {_n(top + plot_h / 2)}) rotate(-90)" '
        f'text-anchor="middle" font-size="12">{_e(y_label)}</text>',
    ]
    return _svg(ident, title, desc, height, body)


def _clause_chart(report: ComplianceReport) -> str:
    by_clause: dict[str, list[tuple[str, int]]] = {}
    for item in report.breaches_by_deadline:
        by_clause.setdefault(item.clause, []).append((item.deadline, item.count))
    bars = []
    for clause, items in sorted(by_clause.items(), key=lambda kv: _clause_key(kv[0])):
        total = sum(count for _deadline, count in items)
        parts = ", ".join(f"{deadline}: {count}" for deadline, count in items)
        word = _plural(total, "нарушение", "нарушения", "нарушений")
        bars.append((clause, total, f"{clause}: {total} {word} ({parts})"))
    return _columns(
        "clauses",
        "Нарушения сроков по пунктам регламента",
        "Столбцы: число нарушенных сроков по каждому пункту регламента, который "
        "устанавливает срок.",
        bars,
        "Пункт регламента",
        "Число нарушений",
    )


def _clause_key(clause: str) -> tuple[int, str]:
    digits = "".join(c for c in clause if c.isdigit())
    return (int(digits) if digits else 10**6, clause)


def _daily_chart(report: ComplianceReport) -> str:
    days = report.daily
    bars = [
        (
            d.day.strftime("%d.%m"),
            d.messages,
            f"{d.day.strftime('%d.%m.%Y')}, {_weekday(d.day)}: {d.messages} "
            + _plural(d.messages, "сообщение", "сообщения", "сообщений"),
        )
        for d in days
    ]
    return _columns(
        "daily",
        "Нагрузка: сообщения по дням обнаружения",
        f"Столбцы: число сообщений, обнаруженных за каждый день периода (время {report.timezone}).",
        bars,
        "День (местное время)",
        "Сообщений",
        label_every=max(1, math.ceil(len(bars) / 16)),
    )


def _weekday(day: dt.date) -> str:
    return ("пн", "вт", "ср", "чт", "пт", "сб", "вс")[day.weekday()]
