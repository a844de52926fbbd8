"""TOML in and out: :mod:`tomllib` to read, and a small writer, since the stdlib has none.

The writer covers what regflow's documents need, and a little more: nested
tables, arrays of tables, inline tables inside arrays, strings (escaped),
integers, floats (``inf``, ``nan``), booleans, dates, times, datetimes (local
or with an offset) and arrays. Whatever it writes, :func:`loads` reads back
equal:

>>> text = dumps({"id": "city", "people": [{"id": "ivanov", "name": "Иванов И. И."}]})
>>> print(text)
id = "city"
<BLANKLINE>
[[people]]
id = "ivanov"
name = "Иванов И. И."
<BLANKLINE>
>>> loads(text)["people"][0]["name"]
'Иванов И. И.'
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from collections.abc import Mapping, Sequence
from typing import Any

from regflow.errors import Problem

__all__ = ["dumps", "loads", "syntax_problem"]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
_POSITION = re.compile(r"\s*\(at (?:line (\d+), column (\d+)|end of document)\)")
_INT64 = range(-(2**63), 2**63)


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

    Mappings become tables, a non-empty array of mappings becomes an array of
    tables, other sequences (not strings) become arrays. Scalars are written
    before sub-tables, as TOML requires; key order is kept otherwise.

    Raises:
        TypeError: a value TOML cannot hold (``None``, a set, an object), or a
            key that is not a string; the message gives its path.
        ValueError: an integer outside 64 bits, a string with a lone surrogate,
            an offset with seconds.
    """
    lines: list[str] = []
    _table(data, (), lines, "$")
    while lines and not lines[0]:
        del lines[0]
    return "\n".join(lines) + "\n"


def _table(data: Mapping[str, object], prefix: tuple[str, ...], out: list[str], path: str) -> None:
    deferred: list[tuple[str, object]] = []
    for key, value in data.items():
        if not isinstance(key, str):
            raise TypeError(f"{path}: TOML keys are strings, got {key!r}")
        if isinstance(value, Mapping) or _is_table_array(value):
            deferred.append((key, value))
        else:
            out.append(f"{_key(key)} = {_value(value, f'{path}.{key}')}")
    for key, value in deferred:
        inner = (*prefix, key)
        header = ".".join(_key(part) for part in inner)
        if isinstance(value, Mapping):
            out.extend(("", f"[{header}]"))
            _table(value, inner, out, f"{path}.{key}")
        else:
            assert isinstance(value, Sequence)
            for index, item in enumerate(value):
                out.extend(("", f"[[{header}]]"))
                _table(item, inner, out, f"{path}.{key}[{index}]")


def _is_table_array(value: object) -> bool:
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str | bytes)
        and bool(value)
        and all(isinstance(item, Mapping) for item in value)
    )


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _value(value: object, path: str) -> str:
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if value not in _INT64:
            raise ValueError(f"{path}: TOML integers are 64-bit, got {value}")
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, dt.datetime):
        offset = value.utcoffset()
        if offset is not None and offset % dt.timedelta(minutes=1):
            raise ValueError(f"{path}: TOML offsets are whole minutes, got {offset}")
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        if isinstance(value, dt.time) and value.tzinfo is not None:
            raise ValueError(f"{path}: TOML times have no time zone, got {value}")
        return value.isoformat()
    if isinstance(value, Mapping):
        items = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: TOML keys are strings, got {key!r}")
            items.append(f"{_key(key)} = {_value(item, f'{path}.{key}')}")
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, Sequence) and not isinstance(value, bytes):
        return "[" + ", ".join(_value(v, f"{path}[{i}]") for i, v in enumerate(value)) + "]"
    kind = "null" if value is None else type(value).__name__
    raise TypeError(f"{path}: TOML cannot hold {kind} ({value!r})")


def _string(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"not valid Unicode text: {text!r}") from None
    escaped = []
    for char in text:
        if char in _ESCAPES:
            escaped.append(_ESCAPES[char])
        elif char < " " or char == "\x7f":
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'
