"""Reports: the regulation as a readable spec, and the timeline of a case.

- :func:`render_regulation` -- every clause with its original text and the
  rules that carry it, the deadlines, the interpretations, a case's diagram;
- :func:`render_case` -- a case's events, its deadlines (breaches marked, with
  who answers for them) and whether its history verifies.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from regflow.reports.compliance import (
        ComplianceReport,
        build_report,
        render_csv,
        render_json,
        render_markdown,
    )
    from regflow.reports.html import render_html
    from regflow.reports.spec import render_regulation
    from regflow.reports.timeline import render_case

__all__ = [
    "ComplianceReport",
    "build_report",
    "render_case",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_regulation",
]

# Imported on first use, so that `python -m regflow.reports.spec` (which
# regenerates docs/regulation.md) does not find its own module already
# imported by this package and warn about it.
_HOMES = {
    "ComplianceReport": "regflow.reports.compliance",
    "build_report": "regflow.reports.compliance",
    "render_case": "regflow.reports.timeline",
    "render_csv": "regflow.reports.compliance",
    "render_html": "regflow.reports.html",
    "render_json": "regflow.reports.compliance",
    "render_markdown": "regflow.reports.compliance",
    "render_regulation": "regflow.reports.spec",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
