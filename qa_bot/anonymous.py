"""A speaker asked for by description is answered only where the coverage names them.

"Which Syrian general said the army was in the final stages of recapturing Aleppo?"
finds the very sentence, word for word: "… a Syrian general said." Retrieval cannot
do better, and the answer is right there, except that news often quotes sources it
does not name ("a Syrian official told Reuters", "a military source said"). So the
first results are read for the sentence that carries what the question says was said,
and its speakers: when every speaker there is a description with no name in it, the
coverage does not say who. A pronoun ("he said") may stand for a name given earlier,
and a sentence that is not clearly the one asked about proves nothing: either way this
check says nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa_bot.lexical import tokenize
from qa_bot.models import Hit
from qa_bot.parsing import parse, parsed
from qa_bot.roles import is_person
from qa_bot.speakers import SPEECH

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

CHECKED = 3  # how many of the first results are read
ASKS_WHICH = re.compile(r"\b(?:which|what)\b|\bwho\s+(?:is|was|'s)\b", re.IGNORECASE)
CONTENT = {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
MATCHED = 0.5  # share of what was said that the sentence must carry to be the one asked about
NAMES = {"PERSON", "ORG"}
WH = ("which", "what")
# News quotes people it will not name under these words too ("a military source said").
UNNAMED_SOURCES = {"source", "insider", "analyst", "expert", "observer", "aide", "adviser", "advisor"}


@dataclass(frozen=True)
class DescribedSpeaker:
    """"the Syrian general", and the stems of what the question says they said."""

    phrase: str
    said: frozenset[str]


def described_speaker(question: str) -> DescribedSpeaker | None:
    """The described speaker a question asks for ("which official told …", "who was the
    general that said …"), or None when it asks for none."""
    if not ASKS_WHICH.search(question) or (doc := parse(question)) is None:
        return None
    for verb in (t for t in doc if t.lemma_.lower() in SPEECH and t.pos_ == "VERB"):
        person = _described_person(verb)
        if person is None:
            continue
        subject = {t.i for c in verb.children if c.dep_ == "nsubj" for t in c.subtree}
        said = [t.text.lower() for t in verb.subtree if t.i not in subject and t.i != verb.i and t.pos_ in CONTENT]
        stems = frozenset(stem for stems in tokenize(said) for stem in stems)
        kept = [t for t in person.subtree if t.i <= person.i and t.lower_ not in (*WH, "the", "a", "an")]
        described = doc.text[kept[0].idx:person.idx + len(person.text)]
        return DescribedSpeaker(f"the {described}", stems) if len(stems) >= 2 else None
    return None


def _described_person(verb: Token) -> Token | None:
    """The person noun the question asks to have identified: the subject of the verb of
    speech, asked with "which" ("which general said"), or the noun a "who said" clause
    hangs on ("the general who said", "who was the general that said")."""
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if not subjects:
        return None
    subject = subjects[0]
    if subject.lower_ in ("who", "that") and verb.dep_ == "relcl":
        noun = verb.head
        asked = any(t.lower_ == "who" for t in noun.doc if t.i < noun.i) or any(
            c.lower_ in WH for c in noun.children)
        return noun if asked and _person(noun) else None
    edge = subject.left_edge.i  # "which" may parse as anything: it is the word before the subject
    # ... but not before "the": "what [is] the % Russian officials said" asks for the figure.
    before = edge > 0 and subject.doc[edge - 1].lower_ in WH and subject.doc[edge].pos_ != "DET"
    if subject.doc[edge].lower_ in WH or before:
        return subject if _person(subject) else None
    return None


def _person(noun: Token) -> bool:
    return is_person(noun.lemma_.lower()) or noun.lemma_.lower() in UNNAMED_SOURCES


def _speakers(sentence: Span) -> list[Token]:
    return [c for t in sentence if t.lemma_.lower() in SPEECH for c in t.children if c.dep_ in ("nsubj", "agent")]


def _named(speaker: Token) -> bool | None:
    """Whether a speaker is named: None for a pronoun, who may have been named before."""
    words = list(speaker.subtree)
    if any(t.pos_ == "PRON" for t in words if t.dep_ in ("nsubj", "agent") or t.i == speaker.i):
        return None
    return any(t.ent_type_ in NAMES or (t.pos_ == "PROPN" and t.ent_type_ != "NORP") for t in words)


def unnamed_speaker(question: str, hits: list[Hit]) -> str | None:
    """The described speaker the question asks for ("the Syrian general") when the
    sentence of the first results that carries what they said names no speaker; None
    when it names one, or no such sentence is found, or no such speaker is asked for."""
    asked = described_speaker(question)
    if asked is None:
        return None
    sentences = [s for doc in parsed([hit.passage.text for hit in hits[:CHECKED]]) for s in doc.sents]
    if not sentences:
        return None
    carried = [len(asked.said & set(stems)) for stems in tokenize([s.text for s in sentences])]
    best = max(range(len(sentences)), key=carried.__getitem__)
    if carried[best] < MATCHED * len(asked.said):
        return None
    verdicts = [_named(speaker) for speaker in _speakers(sentences[best])]
    return asked.phrase if verdicts and not any(v is None or v for v in verdicts) else None
