"""TOML in and out: :mod:`tomllib` to read, `tomli-w <https://pypi.org/project/tomli-w/>`_
to write (the standard library has no writer). What :func:`dumps` writes,
:func:`loads` reads back equal:

>>> text = dumps({"id": "city", "people": [{"id": "ivanov", "name": "Иванов И. И."}]})
>>> print(text)
id = "city"
people = [
    { id = "ivanov", name = "Иванов И. И." },
]
<BLANKLINE>
>>> loads(text)["people"][0]["name"]
'Иванов И. И.'
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

import tomli_w

from regflow.errors import Problem

__all__ = ["dumps", "loads", "syntax_problem"]

_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)")


def loads(text: str, *, source: str = "<string>") -> dict[str, Any]:
    """The TOML document ``text`` as a dict (tables as dicts, arrays as lists).

    Any: TOML values are of several types; the caller structures them.

    Raises:
        tomllib.TOMLDecodeError: ``text`` is not TOML; its message has the line
            and column, and a note names ``source``. :func:`syntax_problem`
            turns it into a :class:`~regflow.errors.Problem` for a caller's error.
    """
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        exc.add_note(f"while reading {source}")
        raise


def syntax_problem(exc: tomllib.TOMLDecodeError, source: str = "<string>") -> Problem:
    """A TOML syntax error as a problem at ``$``, naming the source, line and column.

    >>> try:
    ...     loads('id = "x"\\nname = \\ncurators = []', source="org.toml")
    ... except tomllib.TOMLDecodeError as exc:
    ...     print(syntax_problem(exc, "org.toml"))
    $: org.toml, line 2, column 8: not valid TOML: Invalid value
    """
    message = str(exc)
    found = _POSITION.search(message)
    reason = _POSITION.sub("", message).strip()
    if found is None:
        where = source
    elif found.group(1) is None:
        where = f"{source}, at the end"
    else:
        where = f"{source}, line {found.group(1)}, column {found.group(2)}"
    return Problem("$", f"{where}: not valid TOML: {reason}")


def dumps(data: Mapping[str, object]) -> str:
    """``data`` as a TOML document; ``loads(dumps(data)) == data``.

    Mappings become tables, arrays of mappings arrays of tables (or of inline
    tables, where they are short); a string with line breaks is written as a
    multi-line string, so a clause's text reads as it is printed.

    Raises:
        TypeError: a value TOML cannot hold (``None``, a set, an object).
    """
    # tomli-w writes "\r\n" in a multi-line string as a plain line break, and a reader
    # may normalise a line break in one: a document with a carriage return anywhere is
    # written with one-line strings, so that it reads back equal.
    return tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))


def _has_carriage_return(value: object) -> bool:
    if isinstance(value, str):
        return "\r" in value
    if isinstance(value, Mapping):
        return any(_has_carriage_return(k) or _has_carriage_return(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_carriage_return(item) for item in value)
    return False
