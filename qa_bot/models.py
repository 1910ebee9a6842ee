"""The plain records that flow through the pipeline: corpus → passages → hits → answers.

They carry no behaviour beyond (de)serialisation so that every stage, and every
transport, can agree on them without importing each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

PassageKind = Literal["paragraph", "caption"]


@dataclass(frozen=True)
class Document:
    """One manifest entry: what is known of a file in the corpus."""

    file: str
    outlet: str
    title: str
    published: str | None  # ISO date, or None when unknown
    date_inferred: bool = False
    authors: tuple[str, ...] = ()
    url: str | None = None


@dataclass
class Passage:
    """A quotable unit of text (a paragraph or a photo caption) with its attribution."""

    id: int
    text: str
    document: str
    outlet: str
    published: str | None
    title: str
    url: str | None
    authors: list[str]
    position: int
    kind: PassageKind
    date_inferred: bool = False
    # Character spans of the sentences of `text`: the unit of highlighting.
    sentences: list[tuple[int, int]] = field(default_factory=list)
    # ISO dates written in the text ("on Dec. 13"), resolved against `published`.
    dates: list[str] = field(default_factory=list)

    def sentence_texts(self) -> list[str]:
        """The text sentence by sentence; the whole text when it was stored without spans."""
        return [self.text[start:end] for start, end in self.sentences] or [self.text]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Passage:
        data = dict(data)
        data["sentences"] = [tuple(span) for span in data.get("sentences", [])]
        return cls(**data)


@dataclass
class Hit:
    """A passage retrieved for a question, with everything needed to show it."""

    passage: Passage
    score: float
    highlight: tuple[int, int] | None = None
    # Other passages that say the same thing (same caption in another outlet, a repeat).
    also_in: list[Passage] = field(default_factory=list)
    # When adjacent paragraphs were joined into one excerpt (`passage`), the corpus
    # passages it quotes, in reading order; empty for a single passage.
    parts: list[Passage] = field(default_factory=list)


@dataclass(frozen=True)
class Coverage:
    """What the corpus spans, to tell a user what can be asked (one, shared by every answer)."""

    outlets: list[str]
    first: str | None
    last: str | None
    documents: int
    passages: int


@dataclass
class Answer:
    """The answering core's reply to one question: results, or a reason for none."""

    question: str
    abstained: bool
    hits: list[Hit]
    # Set when there are no hits: why (bad question, not covered), for the user.
    notice: str | None = None
    coverage: Coverage | None = None
    # Answered, but only just: the passages may touch the question without answering it.
    tentative: bool = False
    # For a question about the coverage itself ("what sources do you have?"): the articles
    # it asks for, listed instead of passages.
    articles: list[Document] = field(default_factory=list)
