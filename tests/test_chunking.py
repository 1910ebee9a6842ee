"""Chunking: blocks → sentence-aligned passages of at most ~120 words, each text said once."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from qa_bot.chunking import INNER_STOP, MAX_WORDS, dedupe, passages_for, pysbd_spans, sentence_spans, split_long
from qa_bot.ingest import Block
from qa_bot.models import Document

SENTENCES = [
    f"Residents of district number {i} said they had waited for buses in the cold rain for {i + 2} days."
    for i in range(17)
]
LONG = " ".join(SENTENCES)  # 17 sentences of 18 words: 306 words


def test_long_paragraph_is_split_at_sentence_boundaries() -> None:
    assert len(LONG.split()) >= 300
    parts = split_long(LONG)
    assert len(parts) >= 3
    assert all(len(p.split()) <= 120 for p in parts)
    # Nothing lost, nothing reordered, and every cut falls between two sentences.
    assert " ".join(parts) == LONG
    for part in parts:
        assert part.startswith("Residents of district") and part.endswith("days.")
        assert set(re.split(r"(?<=\.) ", part)) <= set(SENTENCES)


def test_parts_are_balanced() -> None:
    sizes = [len(p.split()) for p in split_long(LONG)]
    assert min(sizes) >= 0.25 * max(sizes), sizes


def test_short_text_is_one_part() -> None:
    text = " ".join(SENTENCES[:3])
    assert split_long(text) == [text]
    assert split_long(LONG, max_words=1000) == [LONG]


def test_smaller_limit_gives_more_parts() -> None:
    parts = split_long(LONG, max_words=40)
    assert all(len(p.split()) <= 40 for p in parts)
    assert " ".join(parts) == LONG


def test_sentence_spans_keep_a_credit_with_its_sentence_and_respect_abbreviations() -> None:
    text = "Mr. Assad's forces entered the city on Dec. 13. Residents fled. (Hassan Ammar / AP)"
    pieces = [text[a:b] for a, b in sentence_spans(text)]
    assert pieces == ["Mr. Assad's forces entered the city on Dec. 13.", "Residents fled. (Hassan Ammar / AP)"]


def test_dedupe_keeps_one_of_two_identical_captions() -> None:
    blocks = [
        Block("Syrian residents arrive in Fardos on Dec. 13. (AFP/Getty Images)", "caption"),
        Block("A man walks past a destroyed building.", "paragraph"),
        Block("Syrian residents arrive in Fardos on Dec. 13. (George Ourfalian/AFP)", "caption"),
    ]
    assert dedupe(blocks) == blocks[:2]


def test_dedupe_drops_a_pull_quote_contained_in_a_longer_paragraph() -> None:
    quote = Block("‘This agreement has not yet been reached, largely because the United States insists'", "paragraph")
    paragraph = Block(
        "Russia said: “This agreement has not yet been reached, largely because the United States insists on "
        "unacceptable terms,” the deputy foreign minister told reporters.", "paragraph")
    other = Block("Talks will continue in Geneva.", "paragraph")
    assert dedupe([quote, other, paragraph]) == [other, paragraph]
    assert dedupe([paragraph, quote]) == [paragraph]


def test_dedupe_keeps_different_texts_and_order() -> None:
    blocks = [Block(f"Caption number {n} shows a different street.", "caption") for n in ("one", "two", "three")]
    assert dedupe(blocks) == blocks


def test_passages_for_numbers_attributes_and_dates() -> None:
    doc = Document(file="x.txt", outlet="Example News", title="A title", published="2016-12-13",
                   date_inferred=True, authors=("A. Writer",), url="https://example.com/a")
    blocks = [
        Block("Forces retook the district on Dec. 12. (AP)", "caption"),
        Block(LONG, "paragraph"),
        Block("The army said on Monday it controlled the city.", "paragraph"),
    ]
    passages = passages_for(doc, blocks, first_id=40)
    assert len(passages) == 2 + len(split_long(LONG))
    assert [p.id for p in passages] == list(range(40, 40 + len(passages)))
    assert [p.position for p in passages] == list(range(len(passages)))
    assert {p.kind for p in passages[1:-1]} == {"paragraph"} and passages[0].kind == "caption"
    for p in passages:
        assert (p.document, p.outlet, p.published, p.title, p.url, p.authors, p.date_inferred) == (
            "x.txt", "Example News", "2016-12-13", "A title", "https://example.com/a", ["A. Writer"], True)
        assert len(p.text.split()) <= MAX_WORDS
    assert passages[0].dates == ["2016-12-12"]
    assert passages[-1].dates == ["2016-12-12"]  # "on Monday" before Tuesday 13 Dec 2016


def test_passages_for_without_a_date_resolves_no_yearless_dates() -> None:
    doc = Document(file="x.txt", outlet="Example", title="T", published=None)
    (passage,) = passages_for(doc, [Block("Forces retook the district on Dec. 12 and on Monday.", "paragraph")])
    assert passage.dates == []


ONE_SENTENCE_ENDINGS = ["Really?!", "Wait...", "He left…", 'She said "no!"', "Why?)", "No!!", "Dec. 13.",
                        "Photo (Reuters).", "ok .", "no stop at all", "The end. ", "", " "]
SEVERAL = ["It was 3 p.m. on Dec. 13. Buses came.", "U.N. officials said so.", "A.B.C", "Go!Now", "x.y", "Done.)Next"]


@pytest.mark.parametrize("text", ONE_SENTENCE_ENDINGS + SEVERAL)
def test_the_one_sentence_shortcut_agrees_with_pysbd(text: str) -> None:
    assert sentence_spans(text) == pysbd_spans(text)


def test_the_one_sentence_shortcut_agrees_with_pysbd_on_every_corpus_paragraph() -> None:
    """The shortcut skips pysbd for text with no inner stop; on real text it must not
    change a single boundary, or the index would differ from what pysbd builds."""
    folders = [Path(__file__).resolve().parents[1] / "corpus", Path(__file__).parent / "data" / "distractors"]
    paragraphs = {" ".join(p.split()) for folder in folders for f in folder.glob("*.txt")
                  for p in re.split(r"\n\s*\n", f.read_text(encoding="utf-8"))}
    shortcut = [p for p in paragraphs if not INNER_STOP.search(p)]
    assert len(shortcut) > 50  # the shortcut is exercised, not just the pysbd path
    assert [p for p in paragraphs if sentence_spans(p) != pysbd_spans(p)] == []


def test_short_paragraphs_are_joined_with_their_neighbours() -> None:
    from qa_bot.chunking import JOINED_WORDS, join_short

    lead = Block("At the United Nations on Friday, Russia suffered a sharp diplomatic blow.", "paragraph")
    short = Block("The resolution, advanced by Canada, received 122 votes in favor and 13 against.", "paragraph")
    also = Block("Thirty-six members abstained.", "paragraph")
    assert join_short([lead, short, also]) == [[lead, short, also]]
    long = Block(" ".join(["word"] * (JOINED_WORDS - 3)) + ".", "paragraph")
    assert join_short([long, short]) == [[long], [short]]  # would pass the limit


def test_joined_paragraphs_keep_each_paragraphs_sentences() -> None:
    """A paragraph ends a sentence: spans are found paragraph by paragraph and shifted."""
    from qa_bot.chunking import texts_and_sentences

    first = Block("Rebels said they would fight on. Residents fled.", "paragraph")
    second = Block("Thirty-six members abstained.", "paragraph")
    [(text, spans)] = texts_and_sentences([first, second])
    assert [text[s:e] for s, e in spans] == ["Rebels said they would fight on.", "Residents fled.",
                                            "Thirty-six members abstained."]


def test_captions_bylines_and_contributor_lines_are_never_joined() -> None:
    from qa_bot.chunking import join_short

    short = Block("Rebels said they would fight on.", "paragraph")
    caption = Block("A boy rides a bike in Hanano. (Reuters)", "caption")
    byline = Block("By Anne Barnard and Nick Cumming-Bruce", "paragraph")
    contributors = Block("Liz Sly in Beirut contributed to this report.", "paragraph")
    blocks = [byline, short, caption, short, contributors]
    assert join_short(blocks, authors=("Liz Sly",)) == [[b] for b in blocks]
