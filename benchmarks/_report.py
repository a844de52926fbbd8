"""What the benchmarks share in their reports: the machine's name, the table of figures
with their targets, and profiles of missed targets."""

from __future__ import annotations

import cProfile
import io
import platform
import pstats
from collections.abc import Callable, Iterable
from dataclasses import dataclass

TABLE_HEAD = ["| Measure | Figure | Target | |", "|---|---:|---|---|"]


@dataclass
class Row:
    """One figure of a report, with its target if it has one."""

    measure: str
    figure: str
    target: str = "—"
    met: bool | None = None


def table(rows: Iterable[Row]) -> list[str]:
    """The Markdown rows of :data:`TABLE_HEAD`'s table: *met* or **not met** by target."""
    lines = []
    for row in rows:
        verdict = "" if row.met is None else ("met" if row.met else "**not met**")
        lines.append(f"| {row.measure} | {row.figure} | {row.target} | {verdict} |")
    return lines


def cpu_name() -> str:
    """The processor's model name (from ``/proc/cpuinfo`` where there is one)."""
    name = platform.processor()
    if name and name != platform.machine():
        return name
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return name or platform.machine()


def profile(
    title: str, work: Callable[[], object], key: str = "tottime", top: int = 15
) -> list[str]:
    """A Markdown section with the ``top`` functions of ``work()``'s profile by ``key``."""
    profiler = cProfile.Profile()
    profiler.runcall(work)
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(key)
    stats.print_stats(top)
    by = "own time" if key == "tottime" else f"{key} time"
    return ["", f"## Profile: {title} (top {top} by {by})", "", "```", out.getvalue(), "```"]
