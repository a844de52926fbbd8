"""The docs are executable: code blocks in README.md and docs/ run, examples/ scripts run.

A ``python`` block runs in a namespace shared with the blocks before it in the
same file. A ``text`` block right after a ``python`` block is that block's
expected output. A block that needs an optional extra which is not installed
(``workalendar``) is left out, and the file's test is reported skipped after
its other blocks ran; CI installs every extra, so there all run.
"""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
EXTRAS = {"workalendar": "workalendar"}
"""A module a block may import -> the extra that brings it."""


def blocks(path: Path) -> list[tuple[int, str, str, str | None]]:
    """(line, language, code, expected output) for each python block of ``path``."""
    text = path.read_text(encoding="utf-8")
    found = [(m.start(), m.end(), m.group(1), m.group(2)) for m in FENCE.finditer(text)]
    result = []
    for index, (start, end, language, code) in enumerate(found):
        if language != "python":
            continue
        expected = None
        if index + 1 < len(found):
            next_start, _next_end, next_language, next_code = found[index + 1]
            if next_language == "text" and not text[end:next_start].strip():
                expected = next_code
        result.append((text.count("\n", 0, start) + 1, language, code, expected))
    return result


def test_the_docs_have_code_to_run() -> None:
    assert blocks(ROOT / "README.md")
    assert EXAMPLES


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_code_blocks_run(path: Path) -> None:
    namespace: dict[str, object] = {"__name__": f"docs_{path.stem}"}
    left_out = []
    for line, _language, code, expected in blocks(path):
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            try:
                exec(compile(code, f"{path.name}:{line}", "exec"), namespace)
            except ModuleNotFoundError as exc:
                extra = EXTRAS.get((exc.name or "").partition(".")[0])
                if extra is None:
                    raise AssertionError(f"{path.name}, block at line {line}: {exc!r}") from exc
                left_out.append(f"line {line} (the {extra} extra)")
                continue
            except Exception as exc:
                raise AssertionError(f"{path.name}, block at line {line} failed: {exc!r}") from exc
        if expected is not None:
            assert output.getvalue() == expected, f"{path.name}, block at line {line}"
    if left_out:
        pytest.skip(f"{path.name}: every block ran but {', '.join(left_out)}")


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_examples_run(script: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip(), f"{script.name} printed nothing"
