"""How the Russian screener cuts a message into words and reads each word (п. 18).

The screener (:mod:`regflow.adapters.screener_ru`) matches what this module
gives it: tokens that keep their offsets in the original text, and for each
token its readings, with the disguises undone (look-alike letters, signs that
draw a letter, separators and invisible characters inside a word, stars, repeated
letters). Which glued words are worth reading is the screener's call, passed in
as ``gluable``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator

import attrs

from regflow.adapters import _lexicon_ru as lex

__all__ = ["CYRILLIC", "Token", "primary", "readings", "tokens", "translit"]

_LOOKALIKE = str.maketrans(lex.LOOKALIKES)
_SYMBOLS = sorted(lex.SYMBOL_LETTERS, key=len, reverse=True)
_LETTER = r"(?:[^\W_]|[@$]|" + "|".join(map(re.escape, _SYMBOLS)) + ")"
_MARKS = "\u0300-\u036f"  # combining accents, kept in the word they mark
_PIECE = re.compile(f"{_LETTER}(?:{_LETTER}|[{_MARKS}])*")
_INVISIBLE = re.compile(f"[{lex.INVISIBLE}]")
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[a-z]+")
_TRANSLIT = re.compile("|".join(re.escape(latin) for latin, _ in lex.TRANSLIT) + "|y")
_TRANSLIT_TABLE = dict(lex.TRANSLIT)
_HIDDEN_LETTERS = "уиеяаобздлхй"  # what a "*" hides in obscene words
_MAX_FILLINGS = len(_HIDDEN_LETTERS) ** 3
_MAX_AMBIGUOUS = 4  # Latin letters read two ways in one word at most
_MAX_CHAIN = 16  # pieces glued at most: "п.о.в.ы.ё.б.ы.в.а.л.и.с.ь" has 13


@attrs.frozen
class Token:
    """A word of the message: where it is in the original text, and what it says."""

    start: int
    end: int
    raw: str
    """Lower case, separators dropped, a ``*`` left where it hid letters."""


def translit(word: str) -> str:
    """A Latin ``word`` in Cyrillic letters ("nahuy" -> "нахуй")."""

    def one(match: re.Match[str]) -> str:
        latin = match.group()
        if latin == "y":  # "й" after a vowel ("huy"), "ы" elsewhere ("ty")
            before = word[match.start() - 1 : match.start()]
            return "й" if before and before in "aeiouy" else "ы"
        return _TRANSLIT_TABLE[latin]

    return _TRANSLIT.sub(one, word)


@functools.lru_cache(maxsize=1 << 16)
def primary(raw: str, russian: bool) -> str:
    """The one reading of a word used for context and threats."""
    word = raw.replace("*", "")
    if CYRILLIC.search(word):
        # look-alikes first ("xуй"); a Latin letter with no look-alike is transliterated
        return lex.squeeze(translit(word.translate(_LOOKALIKE)))
    if russian and word.isalpha():
        mapped = word.translate(_LOOKALIKE)
        if not _LATIN_WORD.search(mapped):  # "XYЙ" typed all in Latin look-alikes, no digits
            return lex.squeeze(mapped)
    return lex.squeeze(word)


def readings(raw: str) -> Iterator[str]:
    """Other readings of a word than its primary one."""
    word = raw.replace("*", "")
    if CYRILLIC.search(word) and _LATIN_WORD.search(word):
        yield from _ambiguous(word)  # "hуй", "hyйня": h for х, not for н
    pieces = raw.split("*")
    if len(pieces) > 2 and all(len(piece) == 1 for piece in pieces):
        return  # "с*у*к*и": stars between letters part them, they hide none
    if "*" in raw and CYRILLIC.search(raw):
        yield from (lex.squeeze(f) for f in _fillings(raw.translate(_LOOKALIKE)))


def _ambiguous(word: str) -> Iterator[str]:
    """Readings of a mixed word with each Latin letter that passes for two Cyrillic ones
    read either way (bounded), the other Latin letters as look-alikes."""
    slots = [i for i, ch in enumerate(word) if ch in lex.AMBIGUOUS_LOOKALIKES]
    if not slots or len(slots) > _MAX_AMBIGUOUS:
        return
    letters = list(word)
    for choice in itertools.product(*(lex.AMBIGUOUS_LOOKALIKES[word[i]] for i in slots)):
        for i, letter in zip(slots, choice, strict=True):
            letters[i] = letter
        yield lex.squeeze(translit("".join(letters).translate(_LOOKALIKE)))


def _fillings(template: str) -> Iterator[str]:
    """``template`` with each ``*`` replaced by a letter, every way (bounded)."""
    holes = template.count("*")
    if not holes or len(_HIDDEN_LETTERS) ** holes > _MAX_FILLINGS:
        return
    parts = template.split("*")
    for letters in itertools.product(_HIDDEN_LETTERS, repeat=holes):
        yield "".join(itertools.chain.from_iterable(zip(parts, (*letters, ""), strict=True)))


def tokens(low: str, gluable: Callable[[str], bool]) -> list[Token]:
    """The words of ``low`` (the message in lower case, ``ё`` as ``е``), in order.

    Pieces split by ``*``, ``_`` or an invisible character are always one word;
    pieces split by dots, hyphens or spaces are glued where ``gluable`` takes the
    glued word, or where letters were spelled out one by one.
    """
    units: list[Token] = []
    for match in _PIECE.finditer(low):
        start, end = match.span()
        piece = _symbol_letters(match.group())
        if units and _glues(low[units[-1].end : start]):
            last = units[-1]
            hidden = _INVISIBLE.sub("", low[last.end : start]).replace("_", "")
            units[-1] = Token(last.start, end, last.raw + hidden + piece)
        else:
            units.append(Token(start, end, piece))
    found: list[Token] = []
    chain: list[Token] = []
    for unit in units:
        if chain and _links(low[chain[-1].end : unit.start], chain[-1], unit):
            chain.append(unit)
            continue
        found.extend(_unchained(chain, low, gluable))
        chain = [unit]
    found.extend(_unchained(chain, low, gluable))
    return found


def _unchained(chain: list[Token], low: str, gluable: Callable[[str], bool]) -> Iterator[Token]:
    """The chain's units, glued into the words they were split from.

    Where letters stand one by one, a word runs from a boundary to a boundary:
    the chain's ends, a piece of two letters or more, a change of separator
    ("х у й  в а м"); a word the screener acts on may also end before a
    one-letter word ("в о р ю г и в мэрии"), and one may begin after "а", "и",
    "о", "я" ("и б л я т ь"). A run of single letters that holds no such word
    is read as one word ("з н а ю"), so a spelled-out "с а б л я" or
    "с.т.р.а.х.у.й" holds no "б л я" or "х.у.й".
    """
    if len(chain) < 2:
        yield from chain  # most words stand alone
        return
    gaps = [low[a.end : b.start] for a, b in itertools.pairwise(chain)]
    common = max(gaps, key=gaps.count)  # ties: the first, so the reading is stable
    n = len(chain)

    def split(k: int) -> bool:  # units k - 1 and k are apart anyway
        return (
            k in (0, n)
            or len(chain[k - 1].raw) > 1
            or len(chain[k].raw) > 1
            or gaps[k - 1] != common
        )

    # all in one pass from the end, so that a long chain costs what its length does
    ends = [True] * (n + 1)  # where a word may end
    runs = [n] * (n + 1)  # where the run of single letters from chain[k] (or it alone) ends
    changes = [n] * (n + 1)  # the first change of separator from k on
    for k in range(n - 1, -1, -1):
        ends[k] = split(k) or (ends[k + 1] and chain[k].raw in lex.WORD_AFTER)
        runs[k] = k + 1 if split(k + 1) else runs[k + 1]
        changes[k] = k if k and gaps[k - 1] != common else changes[k + 1]
    i = 0
    while i < n:
        run = runs[i]
        limit = changes[run]  # a glued word does not cross a change of separator
        j = _flagged_end(chain, i, ends, limit, gluable)
        if j is None and run - i > 1 and chain[i].raw not in lex.WORD_BEFORE:
            j = run  # a word spelled out letter by letter, read as one
        if j is None:
            yield chain[i]
            i += 1
        else:
            yield Token(chain[i].start, chain[j - 1].end, "".join(u.raw for u in chain[i:j]))
            i = j


def _flagged_end(
    chain: list[Token], i: int, ends: list[bool], limit: int, gluable: Callable[[str], bool]
) -> int | None:
    """Where the longest word the screener acts on, glued from ``chain[i]`` on to
    ``chain[limit - 1]`` at most, ends."""
    for j in range(min(limit, i + _MAX_CHAIN), i + 1, -1):
        raw = "".join(u.raw for u in chain[i:j])
        # a Cyrillic letter: "x.year" in code is no word
        if ends[j] and CYRILLIC.search(raw) and gluable(raw):
            return j
    return None


def _symbol_letters(piece: str) -> str:
    """``piece`` with the signs that draw a letter ("}{", "|/|") made that letter,
    accents dropped."""
    if piece.isalnum():
        return piece
    piece = _INVISIBLE.sub("", piece)
    for symbol in _SYMBOLS:
        piece = piece.replace(symbol, lex.SYMBOL_LETTERS[symbol])
    return piece


def _glues(gap: str) -> bool:
    """Pieces of one word split by ``*``, ``_`` or an invisible character ("х*й", "х_у_й")."""
    return 0 < len(gap) <= 3 and not _INVISIBLE.sub("", gap).strip("*_")


def _links(gap: str, left: Token, right: Token) -> bool:
    """Pieces that may be one word split by dots, hyphens or spaces ("х.у.й", "х у й")."""
    if 0 < len(gap) <= 2 and not gap.strip(".-'’"):
        return True
    return (
        len(left.raw) == 1
        and len(right.raw) == 1
        and 0 < len(gap) <= 3
        and not gap.strip(" \t.-*_")
    )
