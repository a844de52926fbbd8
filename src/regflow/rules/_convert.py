"""The private cattrs converter for rules: TOML-shaped data in and out.

One factory builds a fresh converter; nothing is registered on cattrs' global
converter. Citations travel as their clause number (``"п. 9"``) and are joined
to the clause texts of the regulation when loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import cattrs

from regflow.calendar import DayCounting
from regflow.rules.kinds import (
    AnswerForm,
    Basis,
    Citation,
    ClauseNote,
    CoExecution,
    Deadline,
    Escalation,
    EscalationTrigger,
    Exclusion,
    Interpretation,
    Period,
    Permission,
    Scope,
    Setting,
)

__all__ = ["make_converter"]

for _cls in (
    AnswerForm,
    ClauseNote,
    CoExecution,
    Deadline,
    Escalation,
    Exclusion,
    Interpretation,
    Permission,
    Setting,
):
    attrs.resolve_types(_cls)


def make_converter(clauses: Mapping[str, str] | None = None) -> cattrs.Converter:
    """A converter for rule objects; ``clauses`` maps clause numbers to their texts."""
    converter = cattrs.Converter(forbid_extra_keys=True, omit_if_default=True)
    texts = dict(clauses or {})

    def structure_citation(value: Any, _type: type) -> Citation:
        if isinstance(value, Citation):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a clause number like 'п. 9', got {value!r}")
        if texts and value not in texts:
            raise ValueError(f"unknown clause {value!r}; the [clauses] table has no such entry")
        return Citation(value, texts.get(value, ""))

    converter.register_structure_hook(Citation, structure_citation)
    converter.register_unstructure_hook(Citation, lambda c: c.clause)

    def structure_period(value: Any, _type: type) -> Period:
        if isinstance(value, Period):
            return value
        if not isinstance(value, str):
            raise ValueError(f"expected a period like '30m', '8h' or '7d', got {value!r}")
        return Period.parse(value)

    converter.register_structure_hook(Period, structure_period)
    converter.register_unstructure_hook(Period, str)

    def structure_date(value: Any, _type: type) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date | str):
            raise ValueError(f"expected a date (YYYY-MM-DD), got {value!r}")
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)

    converter.register_structure_hook(dt.date, structure_date)
    converter.register_unstructure_hook(dt.date, lambda d: d)

    for enum_type in (Basis, Scope, EscalationTrigger, DayCounting):
        converter.register_unstructure_hook(enum_type, lambda e: e.value)

    def structure_setting(value: Any, _type: type) -> Setting:
        if not isinstance(value, Mapping) or set(value) != {"path", "value"}:
            raise ValueError(f"expected {{path = ..., value = ...}}, got {value!r}")
        return Setting(str(value["path"]), value["value"])

    converter.register_structure_hook(Setting, structure_setting)
    converter.register_unstructure_hook(Setting, lambda s: {"path": s.path, "value": s.value})
    return converter
