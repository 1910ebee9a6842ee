"""A body called by its short name opens with the sentence that gives its full name.

News names an organisation in full once ("The Syrian Observatory for Human Rights
said …") and afterwards by its head word, capitalised ("the Britain-based Observatory
said", "Observatory head Rami Abdel Rahman"). A question asking which group or agency
finds the later paragraph, and the name it asks for sits paragraphs earlier. As for a
speaker named by surname (`speakers.py`), the excerpt then opens with the earlier
sentence that gives the full name, marked as a gap in the quotation.
"""

from __future__ import annotations

import re

from qa_bot.joining import parts
from qa_bot.models import Hit, Passage
from qa_bot.query import common_english
from qa_bot.speakers import EarlierParagraphs, opened_with

ASKS_BODY = re.compile(
    r"\b(?:which|what|name\s+(?:of\s+)?the)\s+(?:[\w'’-]+\s+){0,3}(?:group|organi[sz]ation|monitor|outfit|agency"
    r"|body|ngo|watchdog|charity|network|institute|office|observatory)s?\b", re.IGNORECASE)
_LINK = r"(?:for|of|on|and|the)"
# A run of capitalised words, linked by "for", "of" …: "Syrian Observatory for Human Rights".
FULL_NAME = re.compile(rf"\b[A-Z][\w'’-]*(?:\s+(?:{_LINK}\s+)*[A-Z][\w'’-]*)+")
# A capitalised word inside a sentence, after a lower-case word or punctuation: a short name.
SHORT_NAME = re.compile(r"(?<=[a-z,;:\"”-] )([A-Z][a-z]+)\b")


def asks_body(question: str) -> bool:
    return bool(ASKS_BODY.search(question))


def head_word(name: str) -> str:
    """ "Syrian Observatory for Human Rights" → "Observatory": the last word before a link."""
    words = re.split(r"\s+", re.sub(r"^The\s+", "", name))
    linked = next((i for i, word in enumerate(words) if re.fullmatch(_LINK, word)), len(words))
    return words[max(linked - 1, 0)]


def short_names(text: str) -> set[str]:
    """Common words capitalised mid-sentence ("the Britain-based Observatory said")."""
    return {word for word in SHORT_NAME.findall(text) if word.lower() in common_english()}


def introduce_body(hit: Hit, earlier: list[Passage]) -> Hit:
    """The hit opening with the sentence of `earlier` (nearest first) that gives the full
    name of a body the hit calls by its head word alone; the hit itself otherwise."""
    text = hit.passage.text
    for short in sorted(short_names(text)):
        for passage in earlier:
            for start, end in passage.sentences:
                sentence = passage.text[start:end]
                full = next((m.group(0) for m in FULL_NAME.finditer(sentence) if head_word(m.group(0)) == short), None)
                if full and re.sub(r"^The\s+", "", full) not in text:
                    return opened_with(hit, passage, start, end)
    return hit


def introduce_bodies(hits: list[Hit], earlier: EarlierParagraphs) -> list[Hit]:
    return [introduce_body(hit, earlier(parts(hit)[0])) if hit.passage.kind == "paragraph" else hit for hit in hits]
