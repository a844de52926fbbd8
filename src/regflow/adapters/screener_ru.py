"""A Russian screener for п. 18: obscene and insulting words, threats, intent to harm.

Offline and rule-based. It suggests a category with the passage that made it do
so; the curator decides whether the message is excluded. The word lists are
data in :mod:`regflow.adapters._lexicon_ru`; how a message is cut into words
and each word read is :mod:`regflow.adapters._words_ru`.

How a message is read:

1. Lower case, ``ё`` as ``е``; the text keeps its length, so offsets stay valid.
2. Words are cut out, and pieces are glued back when a word was broken up to
   dodge filters: ``х*й``, ``х_у_й`` and a word parted by an invisible
   character (a soft hyphen, a zero-width space, a stress mark) always;
   ``х.у.й``, ``х-у-й``, ``х у й`` if the glued word is one the screener acts
   on (obscene, insulting, a word that insults a person, a threat word), so
   ``т.е.`` and ``кто-то`` stay as they are. Letters spelled out one by one
   are read from where a word may begin and end: the run's ends, a one-letter
   word (``и б л я т ь``), a change of separator (``х у й  в а м``); so
   ``с а б л я`` holds no ``б л я``. A spelled-out run that holds no such
   word is read as one word (``з н а ю``).
3. Signs that draw a letter become it (``}{уй``, ``п|/|здец``). In a word with
   a Cyrillic letter, Latin and digit look-alikes become Cyrillic
   (``xуй``, ``6ля``, ``3асранец``, ``Пи$дец``); a Latin letter that passes for
   two (``h`` for н or х) is read both ways (``hyйня``); a ``*`` is also tried
   as a hidden letter (``п*зда``), unless stars stand between single letters
   (``С*у*к*и``). In a Russian message a word all in Latin look-alikes is
   read as Cyrillic (``XYЙ``), and any Latin word is transliterated and matched
   against a narrower list (``nahuy``; not ``other``, which reads от-хер).
   Repeated letters are squeezed (``сууука``, ``ууубью``).
4. Words are matched whole against roots with their prefixes and endings
   (obscene), against insulting nouns, and, for words that insult only when
   said of a person (``козёл``), against the words around them.
5. Threat phrases are searched in the normalised text, threats to someone's
   family among them (п. 18: «а также членов его семьи»: ``твоим детям не
   жить``, ``сыну мэра ноги переломаю``). A threat is one against an official
   when its sentence names officials, the administration or "your" (``ваши``)
   family, or when it is in the second person and the message names them;
   otherwise it is an intent to harm.

The corpus in ``tests/adapters/corpus_ru.py`` measures this; the figures are
in docs/service.md, "Screening".

Every :class:`~regflow.ports.Finding` points at the original text: ``start`` and
``end`` are offsets in it and ``text`` is the slice.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

from regflow.adapters import _lexicon_ru as lex
from regflow.adapters import _words_ru as words
from regflow.ports.effects import Finding

__all__ = ["RussianScreener"]

_OBSCENE = "obscene"
_INSULT = "insult"
_INTENT = "intent-to-harm"
_THREAT = "threat-to-official"
_WORD_CATEGORIES = (_OBSCENE, _INSULT)

_YO = str.maketrans("ё", "е")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?;…\n]")


def _alternation(patterns: Iterable[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{lex.squeeze(p)})" for p in patterns))


_OBSCENE_RE = _alternation(p for p, _ in lex.OBSCENE)
_LATIN_OBSCENE_RE = _alternation(p for p, _ in lex.LATIN_OBSCENE)
_LATIN_WHITELIST_RE = re.compile(lex.LATIN_WHITELIST)
_INSULT_RE = _alternation(p for p, _ in lex.INSULTS)
_CONTEXT_INSULT_RE = _alternation(p for p, _ in lex.CONTEXT_INSULTS)
_ADDRESS_RE = _alternation([lex.ADDRESS])
_AFTER_ADDRESS_RE = _alternation([lex.AFTER_ADDRESS])
_BETWEEN_ADDRESS_RE = _alternation([lex.BETWEEN_ADDRESS])
_THREATS = tuple(
    (re.compile(lex.squeeze(p)), None if r is None else re.compile(lex.squeeze(r)))
    for p, _, r in lex.THREATS
)
_ANCHOR_RE = _alternation([lex.THREAT_ANCHORS])
_OFFICIALS_RE = re.compile(lex.squeeze(lex.OFFICIALS))
_SECOND_PERSON_RE = re.compile(lex.squeeze(lex.SECOND_PERSON))


@functools.lru_cache(maxsize=1 << 16)
def _is_anchor(word: str) -> bool:
    return _ANCHOR_RE.fullmatch(word) is not None


class RussianScreener:
    """A :class:`~regflow.ports.Screener` for Russian messages (п. 18), offline.

    Args:
        extra_whitelist: words never flagged as obscene or insulting (a street
            or a surname the lists would take); compared after normalisation.
        extra_roots: more word patterns by category, ``"obscene"`` or
            ``"insult"``: regular expressions a whole normalised word must match
            (lower case, ``е`` for ``ё``, no doubled letters; doubled letters in
            a pattern are folded).

    Raises:
        ValueError: ``extra_roots`` names another category.
        re.error: a pattern in ``extra_roots`` is not a regular expression.
    """

    def __init__(
        self,
        extra_whitelist: Iterable[str] = (),
        extra_roots: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._whitelist = frozenset(lex.WHITELIST) | {
            lex.squeeze(word.lower()) for word in extra_whitelist
        }
        self._extra: dict[str, re.Pattern[str]] = {}
        for category, patterns in (extra_roots or {}).items():
            if category not in _WORD_CATEGORIES:
                raise ValueError(
                    f"extra_roots: {category!r} is not one of {', '.join(_WORD_CATEGORIES)}"
                )
            patterns = tuple(patterns)
            if patterns:
                self._extra[category] = _alternation(patterns)
        self._word_category = functools.lru_cache(maxsize=1 << 16)(self._classify)

    def screen(self, text: str) -> tuple[Finding, ...]:
        """The flagged passages of ``text``, by start; overlaps within a category merged."""
        low = text.lower()
        if len(low) != len(text):  # a few letters lower to two characters ("İ")
            low = "".join(ch.lower()[0] for ch in text)
        low = low.translate(_YO)
        russian = words.CYRILLIC.search(low) is not None
        tokens = words.tokens(low, functools.partial(self._gluable, russian=russian))
        primaries = [words.primary(t.raw, russian) for t in tokens]
        found: list[Finding] = []
        for i, token in enumerate(tokens):
            category = self._word_category(token.raw, russian)
            if category is None and self._insults_in_context(i, tokens, primaries, low):
                category = _INSULT
            if category is not None:
                found.append(self._finding(text, category, token.start, token.end))
        if any(_is_anchor(word) for word in primaries):
            found.extend(self._threats(text, low, tokens, primaries))
        return _merged(text, found)

    # --- words ---------------------------------------------------------------

    def _gluable(self, raw: str, russian: bool) -> bool:
        """Whether pieces glued into ``raw`` make a word the screener acts on."""
        if self._word_category(raw, russian) is not None:
            return True
        word = words.primary(raw, russian)
        return _CONTEXT_INSULT_RE.fullmatch(word) is not None or _is_anchor(word)

    def _classify(self, raw: str, russian: bool) -> str | None:
        for reading in itertools.chain([words.primary(raw, russian)], words.readings(raw)):
            if reading in self._whitelist:
                return None
            if _OBSCENE_RE.fullmatch(reading):
                return _OBSCENE
            if _INSULT_RE.fullmatch(reading):
                return _INSULT
            for category, pattern in self._extra.items():
                if pattern.fullmatch(reading):
                    return category
        word = raw.replace("*", "")
        if (
            russian
            and word.isascii()
            and word.isalpha()
            and not _LATIN_WHITELIST_RE.fullmatch(word)
        ):
            # a Latin word in a Russian message, against the narrower Latin list
            reading = lex.squeeze(words.translit(word))
            if reading not in self._whitelist and _LATIN_OBSCENE_RE.fullmatch(reading):
                return _OBSCENE
        return None

    @staticmethod
    def _insults_in_context(i: int, tokens: list[words.Token], words: list[str], low: str) -> bool:
        """Whether a word that insults only a person is said of one here."""
        if not _CONTEXT_INSULT_RE.fullmatch(words[i]):
            return False

        def joined(j: int) -> bool:  # tokens j and j + 1 in one sentence
            return 0 <= j < len(tokens) - 1 and not _SENTENCE_END.search(
                low[tokens[j].end : tokens[j + 1].start]
            )

        after = low[tokens[i].end : tokens[i + 1].start if i + 1 < len(tokens) else len(low)]
        if after.lstrip().startswith("!"):  # "Козлы!"
            return True
        if joined(i) and _AFTER_ADDRESS_RE.fullmatch(words[i + 1]):  # "козёл ты"
            return True
        for j in range(i - 1, max(i - 4, -1), -1):  # "вы козлы", "ну вы же и лохи"
            if not joined(j):
                break
            if _ADDRESS_RE.fullmatch(words[j]):
                return True
            if not _BETWEEN_ADDRESS_RE.fullmatch(words[j]):
                break
        return False

    # --- threats -------------------------------------------------------------

    def _threats(
        self, text: str, low: str, tokens: list[words.Token], words: list[str]
    ) -> Iterator[Finding]:
        norm, offsets = _threat_text(low, tokens, words)
        spans: list[tuple[int, int]] = []
        for pattern, required in _THREATS:
            # overlapping matches too: "найду тебя" and "тебя и прибью" make one passage
            match = pattern.search(norm)
            while match is not None:
                if required is None or required.search(match.group()):
                    spans.append(match.span())
                match = pattern.search(norm, match.start() + 1)
        officials = _OFFICIALS_RE.search(norm) is not None
        stops = [m.start() for m in _SENTENCE_END.finditer(norm)]
        for start, end in _union(spans):
            category = _INTENT
            if officials:
                k = bisect.bisect_left(stops, start)
                sentence = (stops[k - 1] + 1 if k else 0, len(norm))
                k = bisect.bisect_left(stops, end)
                sentence = (sentence[0], stops[k] if k < len(stops) else len(norm))
                if _OFFICIALS_RE.search(norm, *sentence) or _SECOND_PERSON_RE.search(
                    norm, start, end
                ):
                    category = _THREAT
            first = tokens[max(0, bisect.bisect_right(offsets, start) - 1)]
            last = tokens[max(0, bisect.bisect_right(offsets, end - 1) - 1)]
            yield self._finding(text, category, first.start, last.end)

    @staticmethod
    def _finding(text: str, category: str, start: int, end: int) -> Finding:
        return Finding(category, start, end, text[start:end])


def _threat_text(low: str, tokens: list[words.Token], words: list[str]) -> tuple[str, list[int]]:
    """The message as normalised words and kept punctuation, spaces squeezed.

    Returns the text and where each word starts in it. Threat phrases begin
    and end with a word, so this is all it takes to map them back.
    """
    parts: list[str] = []
    offsets: list[int] = []
    length = 0
    position = 0
    for token, word in zip(tokens, words, strict=True):
        gap = _SPACES.sub(_one_space, low[position : token.start])
        parts.append(gap)
        length += len(gap)
        offsets.append(length)
        parts.append(word)
        length += len(word)
        position = token.end
    return "".join(parts), offsets


def _one_space(spaces: re.Match[str]) -> str:
    return "\n" if "\n" in spaces.group() else " "  # a line break ends a sentence


def _union(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    union: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if union and start < union[-1][1]:
            union[-1] = (union[-1][0], max(union[-1][1], end))
        else:
            union.append((start, end))
    return union


def _merged(text: str, findings: list[Finding]) -> tuple[Finding, ...]:
    """Sorted by start; overlapping findings of one category made one."""
    merged: list[Finding] = []
    last: dict[str, int] = {}
    for finding in sorted(findings, key=lambda f: (f.start, f.end, f.category)):
        k = last.get(finding.category)
        if k is not None and finding.start < merged[k].end:
            start, end = merged[k].start, max(merged[k].end, finding.end)
            merged[k] = Finding(finding.category, start, end, text[start:end])
            continue
        last[finding.category] = len(merged)
        merged.append(finding)
    return tuple(merged)


if TYPE_CHECKING:
    from regflow.ports import Screener

    _check: Screener = RussianScreener()
