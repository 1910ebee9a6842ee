"""Content blocks → passages: sentence-aligned, at most ~120 words, each said once.

A passage is what the bot quotes, so it must read as the outlet wrote it: whole
sentences, never cut mid-sentence, a caption kept with its credit, and a text
that a page repeats (pull quotes, standfirsts, a repeated gallery caption) kept
once, where it is fullest.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from functools import lru_cache

import pysbd

from qa_bot.dates import find_dates
from qa_bot.ingest import ATTRIBUTED, Block
from qa_bot.models import Document, Passage

MAX_WORDS = 120
CREDIT_TAIL = re.compile(r"\s*\([^()]{0,120}\)$")
# A stop, question or exclamation mark before the closing ones: where pysbd may end a
# sentence. Text without one is a single sentence (for pysbd too; tests compare).
INNER_STOP = re.compile(r"[.!?…](?![.!?…'\"”’)\]\s]*$)")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentence boundaries as character spans; a photo credit stays with its sentence."""
    if not INNER_STOP.search(text):  # one sentence: skipping pysbd halves reading the corpus
        return [(0, len(text.rstrip()))] if text.strip() else [(0, len(text))]
    return pysbd_spans(text)


def pysbd_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    # pysbd's segment() re-finds every sentence with a fresh regex to get its span (and
    # thrashes re's cache): ~40% of segmentation. Its processor returns the sentences in
    # order, so a find from a cursor gives the same spans.
    cursor = 0
    for sent in _segmenter().processor(text).process():
        start = text.find(sent, cursor)
        if start < 0:
            continue
        cursor = start + len(sent)
        end = start + len(sent.rstrip())
        if start >= end:
            continue
        piece = text[start:end]
        if spans and (piece.startswith("(") or len(re.findall(r"[A-Za-z]", piece)) < 3):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans or [(0, len(text))]


def split_long(text: str, max_words: int = MAX_WORDS) -> list[str]:
    """Split at sentence boundaries into near-equal parts of at most `max_words` words."""
    words = len(text.split())
    if words <= max_words:
        return [text]
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    parts = -(-words // max_words)
    target = words / parts
    chunks: list[str] = []
    current: list[str] = []
    for sentence in sentences:
        count = sum(len(s.split()) for s in current)
        if current and count + len(sentence.split()) > max_words or current and count >= target:
            chunks.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        chunks.append(" ".join(current))
    return chunks


def without_credit(text: str) -> str:
    """The text a passage says, without its trailing photo credit: credits name
    agencies ("Agence France-Presse"), which must not make "France" look covered."""
    return CREDIT_TAIL.sub("", text)


def _key(text: str) -> str:
    """Comparison form: no credit or attribution, no quotes or punctuation, case-folded.
    A pull quote repeated in full further down goes, attribution and all: the full
    paragraph says who spoke."""
    text = ATTRIBUTED.sub("", CREDIT_TAIL.sub("", text))
    return " ".join(re.sub(r"[^\w\s]", " ", text).casefold().split())


def dedupe(blocks: list[Block]) -> list[Block]:
    """Keep each text once: drop a block whose words are contained in another block's."""
    keys = [_key(b.text) for b in blocks]
    kept: list[Block] = []
    for i, block in enumerate(blocks):
        key = keys[i]
        if not key:
            continue
        repeated_earlier = key in keys[:i]
        contained = any(j != i and key != other and key in other for j, other in enumerate(keys))
        if not repeated_earlier and not contained:
            kept.append(block)
    return kept


SHORT_WORDS = 30  # a paragraph this short says little alone ("Thirty-six members abstained.")
JOINED_WORDS = 90  # ... and is joined with its neighbour up to this many words


def join_short(blocks: list[Block], authors: tuple[str, ...] = ()) -> list[list[Block]]:
    """Group consecutive short paragraphs into one passage each: news paragraphs are
    often one sentence, and a sentence whose subject is in the paragraph before ("The
    resolution, advanced by Canada, …") cannot be found or quoted alone. Captions,
    bylines and contributor lines stay alone."""
    def size(group: list[Block]) -> int:
        return sum(len(b.text.split()) for b in group)

    def joinable(block: Block) -> bool:
        return block.kind == "paragraph" and not names_authors(block.text, authors)

    groups: list[list[Block]] = []
    for block in blocks:
        last = groups[-1] if groups else None
        if (last and joinable(last[-1]) and joinable(block) and min(size(last), size([block])) < SHORT_WORDS
                and size(last) + size([block]) <= JOINED_WORDS):
            last.append(block)
        else:
            groups.append([block])
    return groups


def texts_and_sentences(group: list[Block]) -> list[tuple[str, list[tuple[int, int]]]]:
    """The passage texts of a group and their sentence spans. Joined paragraphs are
    segmented one by one: a paragraph ends a sentence, and one-sentence paragraphs
    need no pysbd."""
    if len(group) == 1:
        return [(text, sentence_spans(text)) for text in split_long(group[0].text)]
    spans: list[tuple[int, int]] = []
    start = 0
    for block in group:
        spans += [(start + s, start + e) for s, e in sentence_spans(block.text)]
        start += len(block.text) + 1
    return [(" ".join(b.text for b in group), spans)]


def passages_for(document: Document, blocks: list[Block], first_id: int = 0) -> list[Passage]:
    """The passages of one document, numbered from `first_id`, with its attribution."""
    reference = dt.date.fromisoformat(document.published) if document.published else None
    passages: list[Passage] = []
    for group in join_short(dedupe(blocks), document.authors):
        for text, sentences in texts_and_sentences(group):
            passages.append(
                Passage(
                    id=first_id + len(passages),
                    text=text,
                    document=document.file,
                    outlet=document.outlet,
                    published=document.published,
                    title=document.title,
                    url=document.url,
                    authors=list(document.authors),
                    position=len(passages),
                    kind=group[0].kind,
                    date_inferred=document.date_inferred,
                    sentences=sentences,
                    dates=[d.isoformat() for d in find_dates(text, reference)],
                )
            )
    return passages


BYLINE = re.compile(r"^\s*By\s+[A-Z]")
# "BEIRUT, Lebanon — …", "ALEPPO, Syria (Reuters) - …", "GENEVA — …": where a story was filed.
DATELINE = re.compile(r"^[A-Z][A-Z.'\-]{2,}(?: [A-Z][A-Z.'\-]+)*(?:, [A-Z][\w.']*(?: [A-Z][\w.']*)*)?\s*(?:\([^()]{1,40}\)\s*)?[—–-]")


def names_authors(text: str, authors: Sequence[str]) -> bool:
    """A byline or contributor line: it names the document's authors, or reads "By …"."""
    if BYLINE.match(text) and len(text.split()) <= 25:
        return True
    folded = text.casefold()
    return any(author.casefold() in folded for author in authors)
