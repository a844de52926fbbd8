"""The Russian screener suggests п. 18 categories with the passages behind them."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regflow.adapters.screener_ru import RussianScreener
from regflow.ports import Finding, Screener
from regflow.rules import blagoveshchensk_2020
from tests.adapters import corpus_ru as corpus

CATEGORIES = {"intent-to-harm", "obscene", "insult", "threat-to-official"}
POSITIVES = {
    "obscene": corpus.OBSCENE,
    "insult": corpus.INSULT,
    "threat-to-official": corpus.THREAT_TO_OFFICIAL,
    "intent-to-harm": corpus.INTENT_TO_HARM,
}
SERVICE_DOC = Path(__file__).resolve().parents[2] / "docs" / "service.md"


@pytest.fixture(scope="module")
def screener() -> Screener:
    return RussianScreener()


def assert_flagged(screener: Screener, message: str, category: str, word: str) -> None:
    """``message`` is flagged under ``category`` with a passage that holds ``word``."""
    assert word in message, "the corpus entry names a word of its message"
    findings = screener.screen(message)
    passages = [f.text for f in findings if f.category == category]
    assert any(word in p for p in passages), (message, findings)


def assert_clean(screener: Screener, message: str) -> None:
    assert screener.screen(message) == (), message


def positives(category: str, entries: tuple[tuple[str, str], ...]) -> list[object]:
    return [pytest.param(m, category, w, id=m[:40]) for m, w in entries]


@pytest.mark.parametrize(
    ("message", "category", "word"),
    positives("obscene", corpus.OBSCENE)
    + positives("insult", corpus.INSULT)
    + positives("threat-to-official", corpus.THREAT_TO_OFFICIAL)
    + positives("intent-to-harm", corpus.INTENT_TO_HARM),
)
def test_offending_messages_are_flagged(
    screener: Screener, message: str, category: str, word: str
) -> None:
    assert_flagged(screener, message, category, word)


@pytest.mark.parametrize("word", corpus.ORDINARY_WORDS)
def test_ordinary_words_that_naive_filters_take_are_left_alone(
    screener: Screener, word: str
) -> None:
    assert_clean(screener, word)
    assert_clean(screener, f"Во дворе {word} и {word.upper()}, {word.capitalize()}!")


@pytest.mark.parametrize("message", corpus.ORDINARY_SENTENCES, ids=lambda m: m[:40])
def test_ordinary_sentences_are_left_alone(screener: Screener, message: str) -> None:
    assert_clean(screener, message)


@pytest.mark.parametrize("message", corpus.COMPLAINTS, ids=lambda m: m[:40])
def test_polite_complaints_produce_no_finding(screener: Screener, message: str) -> None:
    assert_clean(screener, message)


def test_the_complaints_together_produce_no_finding(screener: Screener) -> None:
    assert_clean(screener, "\n".join(corpus.COMPLAINTS + corpus.ORDINARY_SENTENCES))


def flagged_as(screener: Screener, message: str, category: str, word: str) -> bool:
    return any(f.category == category and word in f.text for f in screener.screen(message))


def disguised_misses(screener: Screener, message: str, category: str, word: str) -> list[str]:
    """The disguised forms of ``message`` that are not flagged under ``category``."""
    return [
        disguised
        for _kind, variant in corpus.disguises(word)
        if not flagged_as(
            screener, disguised := message.replace(word, variant, 1), category, variant
        )
    ]


@pytest.mark.parametrize(
    ("message", "category", "word"),
    [
        pytest.param(m, category, w, id=m[:40])
        for category, entries in POSITIVES.items()
        for m, w in corpus.disguisable(entries)
    ],
)
def test_p18_offences_stay_flagged_in_every_disguise(
    screener: Screener, message: str, category: str, word: str
) -> None:
    # the passage holds the disguised word as typed: offsets point at the original text
    assert disguised_misses(screener, message, category, word) == []


@pytest.mark.parametrize("word", corpus.DISGUISABLE_WORDS)
def test_p18_ordinary_words_stay_clean_in_every_disguise(screener: Screener, word: str) -> None:
    flagged = [(v, screener.screen(v)) for _kind, v in corpus.disguises(word) if screener.screen(v)]
    assert flagged == []


@pytest.mark.parametrize(
    ("message", "categories", "why"), corpus.AMBIGUOUS, ids=[m[:40] for m, _, _ in corpus.AMBIGUOUS]
)
def test_p18_ambiguous_messages_get_the_documented_reading(
    screener: Screener, message: str, categories: tuple[str, ...], why: str
) -> None:
    assert tuple(f.category for f in screener.screen(message)) == categories, why


def corpus_figures(screener: Screener) -> str:
    """The corpus measured: a Markdown table of what is flagged, as docs/service.md shows it."""
    rows = [
        "| list | messages | flagged | disguised forms | flagged |",
        "|---|---:|---:|---:|---:|",
    ]
    for category, entries in POSITIVES.items():
        found = sum(flagged_as(screener, m, category, w) for m, w in entries)
        forms = sum(len(corpus.disguises(w)) for _m, w in corpus.disguisable(entries))
        missed = sum(
            len(disguised_misses(screener, m, category, w)) for m, w in corpus.disguisable(entries)
        )
        rows.append(f"| {category} | {len(entries)} | {found} | {forms} | {forms - missed} |")
    ordinary = (
        [f"Во дворе {w} и {w.upper()}, {w.capitalize()}!" for w in corpus.ORDINARY_WORDS]
        + list(corpus.ORDINARY_WORDS)
        + list(corpus.ORDINARY_SENTENCES)
        + list(corpus.COMPLAINTS)
    )
    forms = [v for w in corpus.DISGUISABLE_WORDS for _kind, v in corpus.disguises(w)]
    wrong = sum(bool(screener.screen(m)) for m in ordinary)
    wrong_forms = sum(bool(screener.screen(v)) for v in forms)
    rows.append(
        f"| ordinary (must stay clean) | {len(ordinary)} | {wrong} | {len(forms)} | {wrong_forms} |"
    )
    return "\n".join(rows)


def test_p18_the_corpus_figures_are_the_documented_ones(screener: Screener) -> None:
    figures = corpus_figures(screener)
    print(figures)  # pytest -s shows them
    assert figures in SERVICE_DOC.read_text(encoding="utf-8"), figures


@pytest.mark.parametrize(("message", "category", "passage"), corpus.SPANS)
def test_a_finding_points_at_the_original_text(
    screener: Screener, message: str, category: str, passage: str
) -> None:
    start = message.index(passage)
    expected = Finding(category, start, start + len(passage), passage)
    assert screener.screen(message) == (expected,)


def test_findings_are_sorted_and_keep_their_categories(screener: Screener) -> None:
    message = "Мэр, вы идиоты, я вас всех убью, бля"
    findings = screener.screen(message)
    assert [f.category for f in findings] == ["insult", "threat-to-official", "obscene"]
    assert [f.text for f in findings] == ["идиоты", "вас всех убью", "бля"]


def test_overlapping_passages_of_one_category_are_merged(screener: Screener) -> None:
    (finding,) = screener.screen("Найду тебя и прибью")
    assert finding == Finding("intent-to-harm", 0, 19, "Найду тебя и прибью")


def test_a_threat_is_against_an_official_only_where_the_message_says_so(
    screener: Screener,
) -> None:
    assert [f.category for f in screener.screen("Я тебя убью")] == ["intent-to-harm"]
    assert [f.category for f in screener.screen("Мэр, я тебя убью")] == ["threat-to-official"]
    # a threat in the second person in a message to the administration
    assert [f.category for f in screener.screen("Администрация! Я вас убью")] == [
        "threat-to-official"
    ]
    # officials named elsewhere, a third party threatened
    assert [f.category for f in screener.screen("Мэр обещал дорогу. Соседа убью")] == [
        "intent-to-harm"
    ]


def test_a_context_insult_needs_a_person_it_is_said_of(screener: Screener) -> None:
    assert_clean(screener, "Во дворе соседа живут козлы и куры")
    assert_flagged(screener, "Соседи — козлы", "insult", "козлы")
    assert_clean(screener, "Вот. Козлы во дворе")


def test_the_integrator_can_whitelist_words(screener: Screener) -> None:
    assert_flagged(screener, "Улица Мудакова не освещена", "obscene", "Мудакова")
    custom = RussianScreener(extra_whitelist=["Мудакова", "МУДАКОВОЙ"])
    assert_clean(custom, "Улица Мудакова не освещена")
    assert_clean(custom, "На улице Мудаковой темно")


def test_the_integrator_can_add_roots(screener: Screener) -> None:
    assert_clean(screener, "Бюрократы опять потеряли заявление")
    custom = RussianScreener(extra_roots={"insult": [r"бюрократ[а-я]*"]})
    assert_flagged(custom, "Бюрократы опять потеряли заявление", "insult", "Бюрократы")
    assert_flagged(custom, "Бюрррократы опять", "insult", "Бюрррократы")


def test_added_roots_must_name_a_word_category() -> None:
    with pytest.raises(ValueError, match="threat-to-official"):
        RussianScreener(extra_roots={"threat-to-official": [r"убью"]})


def test_p18_the_categories_are_the_rulesets_exclusion_categories(screener: Screener) -> None:
    assert set(blagoveshchensk_2020().exclusion.categories) == CATEGORIES == set(POSITIVES)
    found = {
        f.category for entries in POSITIVES.values() for m, _ in entries for f in screener.screen(m)
    }
    assert found == CATEGORIES


def test_an_empty_message_has_no_findings(screener: Screener) -> None:
    assert screener.screen("") == ()


# Text the screener must survive: corpus words, look-alikes, separators, odd Unicode.
_VOCABULARY = sorted(
    {w for m, _ in corpus.OBSCENE + corpus.INSULT for w in m.split()}
    | {w for m, _ in corpus.THREAT_TO_OFFICIAL + corpus.INTENT_TO_HARM for w in m.split()}
    | set(corpus.ORDINARY_WORDS)
)
_PIECES = (
    st.sampled_from(_VOCABULARY)
    | st.sampled_from(
        [" ", "  ", "\n", ".", "-", "*", "_", "!", ",", "@", "3", "ё", "x", "y", "İ", "ß", "\u0301"]
    )
    | st.sampled_from(["\u200b", "\u00ad", "}{", "|/|", "|", "}", "<", ">"])
)
_MESSAGES = (
    st.lists(_PIECES, max_size=40).map("".join)
    | st.text(alphabet="хуйпизделбяьъоаумнкр *_.-@036xyaeop!?,\n}{|/<>\u200b\u0301", max_size=80)
    | st.text(max_size=80)
)


@given(_MESSAGES)
def test_screening_never_fails_and_every_finding_is_a_slice_of_the_text(text: str) -> None:
    findings = RussianScreener().screen(text)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
    for finding in findings:
        assert finding.category in CATEGORIES
        assert 0 <= finding.start < finding.end <= len(text)
        assert text[finding.start : finding.end] == finding.text
    for category in CATEGORIES:
        spans = [(f.start, f.end) for f in findings if f.category == category]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
