"""The private cattrs converter for rules: TOML-shaped data in and out.

One factory builds a fresh strict converter (see :mod:`regflow._strict`) and
adds the rules' own types; nothing is registered on cattrs' global converter.
Citations travel as their clause number (``"п. 9"``) and are joined to the
clause texts of the regulation when loaded; whether the clause exists is the
regulation's own check. Paths write a key TOML writes bare after a dot.
:func:`problems_of` turns a structuring failure into every
:class:`~regflow.errors.Problem` it holds, each with its path.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs

from regflow import _strict
from regflow._strict import Rejected, describe_value
from regflow.calendar import DayCounting, DayKind
from regflow.errors import Problem
from regflow.rules import kinds
from regflow.rules.kinds import (
    Basis,
    Citation,
    DetectionMoment,
    EscalationTrigger,
    EscalationWindow,
    Period,
    Scope,
    Setting,
    TooShort,
)
from regflow.rules.vocabulary import Platform, structure_platform

__all__ = ["Rejected", "describe_value", "key_path", "make_converter", "problems_of"]

for _cls in (
    kinds.AnswerForm,
    kinds.Classification,
    kinds.CloseReason,
    kinds.Closing,
    kinds.ClauseNote,
    kinds.CoExecution,
    kinds.Deadline,
    kinds.Escalation,
    kinds.Exclusion,
    kinds.Intake,
    kinds.Interpretation,
    kinds.Permission,
    kinds.Setting,
):
    attrs.resolve_types(_cls)

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def key_path(base: str, key: str) -> str:
    """The path of ``key`` inside the table at ``base``: ``$.a.b-c`` or ``$.a['п. 9']``.

    A key TOML writes bare follows a dot, as in the paths of :class:`Regulation`'s checks.
    """
    return _strict.key_path(base, key, bare=_BARE_KEY)


def make_converter(clauses: Mapping[str, str] | None = None) -> cattrs.Converter:
    """A converter for rule objects; ``clauses`` maps clause numbers to their texts.

    Unstructuring checks that every citation quotes its clause's text in
    ``clauses`` (a TOML file keeps one text per clause) and raises
    :class:`ValueError` otherwise.
    """
    converter = _strict.strict_converter(
        omit_if_default=True,
        date_example="2020-07-13",
        fields_name="a table of fields",
        table_name="a table",
    )
    texts = dict(clauses or {})

    def structure_citation(value: Any, _type: type) -> Citation:
        if isinstance(value, Citation):
            return value
        if not isinstance(value, str):
            raise Rejected(f"expected a clause number like 'п. 9', got {describe_value(value)}")
        return Citation(value, texts.get(value, ""))

    def unstructure_citation(citation: Citation) -> str:
        if texts and texts.get(citation.clause, citation.text) != citation.text:
            raise ValueError(
                f"a citation of {citation.clause!r} quotes a text other than the clauses "
                "table's; a TOML file keeps one text per clause"
            )
        return citation.clause

    converter.register_structure_hook(Citation, structure_citation)
    converter.register_unstructure_hook(Citation, unstructure_citation)

    def structure_period(value: Any, _type: type) -> Period:
        if isinstance(value, Period):
            return value
        if not isinstance(value, str):
            raise Rejected(
                f"expected a period like '30m', '8h', '1h30m' or '7d', got {describe_value(value)}"
            )
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise Rejected(str(exc)) from None

    converter.register_structure_hook(Period, structure_period)
    converter.register_unstructure_hook(Period, str)

    converter.register_structure_hook(Platform, structure_platform)
    converter.register_unstructure_hook(Platform, lambda p: p.value)
    for enum_type in (
        Basis,
        Scope,
        EscalationTrigger,
        EscalationWindow,
        DayCounting,
        DayKind,
        DetectionMoment,
        TooShort,
    ):
        converter.register_unstructure_hook(enum_type, lambda e: e.value)

    def structure_setting(value: Any, _type: type) -> Setting:
        if isinstance(value, Setting):
            return value
        if not isinstance(value, Mapping) or set(value) != {"path", "value"}:
            raise Rejected(f"expected {{path = ..., value = ...}}, got {describe_value(value)}")
        if not isinstance(value["path"], str):
            raise Rejected(f"expected a path like 'deadlines.answer.limit', got {value['path']!r}")
        return Setting(value["path"], value["value"])

    converter.register_structure_hook(Setting, structure_setting)
    # A value may be a rule's own type (Period, Basis, a tuple): written as TOML holds it;
    # Regulation structures it into the field's type when the choice is applied.
    converter.register_unstructure_hook(
        Setting, lambda s: {"path": s.path, "value": converter.unstructure(s.value)}
    )
    return converter


def problems_of(exc: BaseException, root: str) -> tuple[Problem, ...]:
    """Every problem a structuring failure holds, with its path under ``root``."""
    return _strict.problems_of(exc, root, bare=_BARE_KEY)
