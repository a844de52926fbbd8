"""The public names are curated: sorted, complete, importable, documented."""

import importlib

import pytest

import regflow
import regflow.calendar
import regflow.core
import regflow.errors
import regflow.rules

MODULES = [regflow, regflow.calendar, regflow.core, regflow.errors, regflow.rules]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_all_is_sorted_and_importable(module: object) -> None:
    names = module.__all__  # type: ignore[attr-defined]
    # isort style, as ruff's RUF022 keeps it: CONSTANTS, then Classes, then functions
    assert names == sorted(
        names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    for name in names:
        assert hasattr(module, name), name


def test_the_design_names_are_public() -> None:
    for name in (
        "russia",
        "OfficeHours",
        "WorkingTime",
        "DayKind",
        "Working",
        "WorkingDays",
        "Clock",
    ):
        assert name in regflow.calendar.__all__


@pytest.mark.parametrize("name", regflow.calendar.__all__)
def test_public_calendar_names_have_docstrings(name: str) -> None:
    value = getattr(regflow.calendar, name)
    if callable(value):
        assert value.__doc__, name


def test_every_error_has_one_root() -> None:
    errors = importlib.import_module("regflow.errors")
    exceptions = [getattr(errors, n) for n in errors.__all__]
    exceptions = [e for e in exceptions if isinstance(e, type) and issubclass(e, BaseException)]
    assert len(exceptions) == len(errors.__all__) - 1  # all but Problem, a value
    for exception in exceptions:
        assert issubclass(exception, errors.RegflowError)


def test_the_version_is_written_once_and_the_licence_is_shipped() -> None:
    import importlib.metadata
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project  # hatch reads it from src/regflow/_version.py
    assert project["dynamic"] == ["version"]
    assert importlib.metadata.version("regflow") == regflow.__version__
    assert project["license"] == "MIT"
    licence = (root / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("MIT License\n")
    assert "regflow developers" in licence
