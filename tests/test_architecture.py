"""The import rules of docs/architecture.md: the check there names each kind of bad
import planted in a copy of the package, and passes on the package as it is."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import regflow
from tests.test_docs import ROOT, blocks

Check = Callable[[Path], list[str]]


@pytest.fixture(scope="module")
def import_problems() -> Check:
    """The check, as the architecture page defines it (running the page's block)."""
    [code] = [
        c for _, _, c, _ in blocks(ROOT / "docs" / "architecture.md") if "import_problems" in c
    ]
    namespace: dict[str, object] = {"__name__": "docs_architecture"}
    exec(compile(code, "architecture.md", "exec"), namespace)
    check = namespace["import_problems"]
    assert callable(check)
    return check  # type: ignore[return-value]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    copy = tmp_path / "regflow"
    shutil.copytree(
        Path(regflow.__file__).parent, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


def test_the_package_as_it_is_passes(import_problems: Check, package: Path) -> None:
    assert import_problems(package) == []


@pytest.mark.parametrize(
    ("module", "line", "found"),
    [
        (
            "adapters/webhook.py",
            "from regflow.adapters.clock import SystemClock",
            "adapters/webhook.py imports another adapter (regflow.adapters.clock)",
        ),
        (
            "adapters/memory.py",
            "from .sqlite import SQLiteStore",
            "adapters/memory.py imports another adapter (regflow.adapters.sqlite)",
        ),
        (
            "adapters/telegram.py",
            "from regflow.adapters import vk",
            "adapters/telegram.py imports another adapter (regflow.adapters.vk)",
        ),
        (
            "adapters/smtp.py",
            "from regflow import __version__",
            "adapters/smtp.py imports the package root (regflow)",
        ),
        ("adapters/vk.py", "import regflow", "adapters/vk.py imports the package root (regflow)"),
        (
            "demo/_staff.py",
            "from regflow.testing import FixedClock",
            "demo/_staff.py imports the test kit (regflow.testing)",
        ),
        (
            "cli/_run.py",
            "from regflow.testing.fakes import RecordingNotifier",
            "cli/_run.py imports the test kit (regflow.testing.fakes)",
        ),
        (
            "bootstrap.py",
            "import regflow.testing",
            "bootstrap.py imports the test kit (regflow.testing)",
        ),
        (
            "core/case.py",
            "from regflow.ports import Store",
            "core/case.py imports regflow.ports, a layer above or beside it",
        ),
        (
            "adapters/sqlite.py",
            "from regflow.bootstrap import open_store",
            "adapters/sqlite.py imports regflow.bootstrap, a layer above or beside it",
        ),
    ],
)
def test_a_planted_bad_import_is_named(
    import_problems: Check, package: Path, module: str, line: str, found: str
) -> None:
    path = package / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    assert found in import_problems(package)


@pytest.mark.parametrize(
    ("module", "line"),
    [
        ("adapters/postgres.py", "from regflow.adapters._sql import migrate"),  # its own helper
        ("adapters/screener_ru.py", "from regflow.adapters import _lexicon_ru"),
        ("core/case.py", "from regflow import _strict"),  # a private leaf module
        ("adapters/webhook.py", "from regflow._version import __version__"),
        ("cli/_run.py", "from regflow import bootstrap"),  # a module, through the root
    ],
)
def test_what_the_rules_allow(
    import_problems: Check, package: Path, module: str, line: str
) -> None:
    path = package / module
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    assert import_problems(package) == []
