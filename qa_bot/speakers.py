"""A quote attributed by surname or pronoun opens with the sentence that names its speaker.

News names a speaker in full once ("Rupert Colville, a spokesman for the UN human
rights office, said …") and afterwards by surname ("Mr. Colville said") or pronoun
("RIA quoted him as saying"). A who-said question finds the quote, and the answer to
"who" sits paragraphs earlier. For such questions the excerpt then opens with the
earlier sentence that names the speaker in full, marked as a gap in the quotation
("[…]"), so the reader learns who spoke without opening the article.

The other way round, a question asking what someone said ("What did Assad say in his
speech?") is answered only when one of the first results has that person speaking:
passages about Assad in which others speak are not what he said (`unheard_speaker`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qa_bot.joining import joined_passage, parts
from qa_bot.models import Hit, Passage
from qa_bot.parsing import PARTICLES, carries, outside_clauses, parse, parsed
from qa_bot.query import common_english, everyday
from qa_bot.roles import PERSON_ROLES, is_person, role_words

if TYPE_CHECKING:
    from spacy.tokens import Doc

LOOK_BACK = 40  # paragraphs searched before the quote: news names a speaker in full once, often far above
_SAYS = r"(?:said|says|told|added|wrote|warned|stated|explained|insisted|argued)"
_TITLE = r"(?:(?:Mr|Ms|Mrs|Dr|Gen|Col|Sgt)\.\s+)?"
# "Colville said", "said Ms. Hadid", "Rania, a mother of four, said".
SURNAME_SAYS = re.compile(rf"\b{_TITLE}([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:,\s[^,.;]{{1,60}},)?\s+{_SAYS}\b"
                          rf"|\b{_SAYS}\s+{_TITLE}([A-Z][a-z]+)\b")
PRONOUN_SAYS = re.compile(rf"\b(?:he|she)\s+{_SAYS}\b|\b{_SAYS}\s+(?:he|she)\b|\bquot(?:ed|ing)\s+(?:him|her)\b",
                          re.IGNORECASE)
# Words that come before a surname without being a first name ("Minister Lavrov").
NOT_FIRST_NAMES = {"Minister", "President", "Secretary", "General", "Spokesman", "Spokeswoman", "Ambassador",
                   "Envoy", "Governor", "Director", "Chief", "Commander", "Deputy", "Foreign", "Prime", "The"}


def full_name(surname: str, text: str) -> re.Match[str] | None:
    """"Rupert Colville", "Ahmed al-Shaer": a first name, then the surname (with its particle)."""
    pattern = rf"\b([A-Z][a-z]+)\s+(?:(?:al|el|bin|ibn|abu|abdul|abdel|de|van|von)[- ])?{re.escape(surname)}\b"
    return next((m for m in re.finditer(pattern, text)
                 if m.group(1) not in NOT_FIRST_NAMES), None)


def speaking(text: str) -> list[str]:
    """The names a text has saying something, in order ("Colville", "Rania"); words that
    merely start a sentence ("Residents said") are English, not names."""
    found = (m.group(1) or m.group(2) for m in SURNAME_SAYS.finditer(text))
    return [name for name in found if name.lower() not in common_english()]


def quoted_surname(text: str) -> str | None:
    """The surname a passage attributes words to, when it never gives the full name."""
    return next((name for name in speaking(text) if not full_name(name, text)), None)


def attributes_by_pronoun(text: str) -> bool:
    """Words put in a "he" or "she"'s mouth, with nobody named saying anything."""
    return bool(PRONOUN_SAYS.search(text)) and not speaking(text)  # "He said" starting a sentence is no name


def introduce_speaker(hit: Hit, earlier: list[Passage]) -> Hit:
    """The hit opening with the sentence that names its speaker in full, found in
    `earlier` (the paragraphs before it, nearest first); the hit itself when its
    speaker is named in it, or cannot be found. A pronoun is followed back to the last
    person the article has speaking; when the article never gives that person a full
    name ("Rania, a mother of four, said"), the sentence where they speak names them."""
    text = hit.passage.text
    surname, where = quoted_surname(text), None
    if surname is None and attributes_by_pronoun(text):
        surname, where = last_speaker(earlier[:2]) or (None, None)
    if surname is None:
        return hit
    named = next(((p, a, b) for p in earlier for a, b in p.sentences if full_name(surname, p.text[a:b])), where)
    return hit if named is None else opened_with(hit, *named)


def last_speaker(paragraphs: list[Passage]) -> tuple[str, tuple[Passage, int, int]] | None:
    """The name of the last person the paragraphs (nearest first) have saying something,
    and the sentence where they do."""
    for passage in paragraphs:
        for start, end in reversed(passage.sentences):
            if names := speaking(passage.text[start:end]):
                return names[-1], (passage, start, end)
    return None


def opened_with(hit: Hit, passage: Passage, start: int, end: int) -> Hit:
    """The hit's excerpt preceded by one sentence of an earlier paragraph."""
    sentence = replace(passage, text=passage.text[start:end], sentences=[(0, end - start)])
    pieces = [sentence, *parts(hit)]
    joined = joined_passage(pieces, cut=passage.text[end:].strip() != "")
    shift = len(joined.text) - len(hit.passage.text)  # the hit's own text ends the excerpt
    highlight = hit.highlight and (hit.highlight[0] + shift, hit.highlight[1] + shift)
    return replace(hit, passage=joined, parts=pieces, highlight=highlight)


EarlierParagraphs = Callable[[Passage], list[Passage]]


def introduce_speakers(hits: list[Hit], earlier: EarlierParagraphs) -> list[Hit]:
    return [introduce_speaker(hit, earlier(parts(hit)[0])) if hit.passage.kind == "paragraph" else hit
            for hit in hits]


# "What did Assad say in his speech?" finds passages about Assad in which others speak.
# A question asking what someone said is answered only when one of the first results
# has that person saying something: the subject of a verb of speech ("Lavrov said",
# "said Rami Abdel Rahman", "RIA quoted Ryabkov") or the source after "according to".
CHECKED = 3
ASKS_SAID = re.compile(r"\b(?:what|wat|wht)\s+(?:did|does|do|has|have|had)\b.*\b(?:say|said|tell|told|claim|announce"
                       r"|tweet|write|warn|think)\b"
                       r"|\bwhat\s+(?:reasons?|explanation|justification|excuse|rationale)\s+(?:did|does|do|has|have|had)\b"
                       r"[^?]*\b(?:give|offer|cite|provide)\b"
                       r"|\bhow\s+(?:did|does|do|has|have|had)\b.*\b(?:react|respond|reply|feel|felt|view)\b"
                       r"|^\W*(?:did|has|have|had)\b[^?]*\b(?:say|said|speak|spoken|comment|commented)\s+(?:anything"
                       r"|something|publicly|in\s+public)\b", re.IGNORECASE)
# "what did trump say": the parser reads a lower-case name as anything; one word, neither
# everyday English nor a person's description, in the speaker's place is a name.
BARE_SPEAKER = re.compile(r"\b(?:what|wat|wht)\s+(?:did|does|has|had)\s+([a-z][a-z-]+)\s+(?:say|said|tell|told|think"
                          r"|write|tweet|claim|announce|warn)\b")
# A reaction or a feeling is told in what its holder says: "How did Iran respond?"
REACTION = {"react", "respond", "reply", "feel", "think", "view"}
SPEECH = {"say", "tell", "claim", "report", "announce", "tweet", "write", "warn", "add", "state", "declare",
          "describe", "call", "urge", "ask", "quote", "accuse", "insist", "argue", "explain", "post", "deny", "note",
          "confirm", "vow", "plead", "allege", "estimate", "predict", "promise", "threaten", "acknowledge",
          "react", "respond", "reply"}
# The verbs a question asks of someone ("what reason did X give", "did X comment").
ASKED = SPEECH | REACTION | {"give", "offer", "cite", "provide", "speak", "comment"}
SPEAKING_ROLES = {"nsubj", "agent"}  # "Lavrov said", "was said by"
# Who is quoted speaks, whoever does the quoting: "RIA quoted Ryabkov", "Lavrov was quoted".
# (Who is accused or told does not: "the UN accused Assad forces".)
QUOTED_ROLES = {"dobj", "nsubjpass"}
QUOTING = {"quote", "cite"}


@dataclass(frozen=True)
class AskedSpeaker:
    """Whom "what did X say" asks about: "Assad"; the subject as written; and the role
    when the subject is one ("China's UN ambassador": "ambassador")."""

    name: str
    subject: str
    role: str | None = None


def asked_speaker(question: str, names: Collection[str] = ()) -> AskedSpeaker | None:
    """The name a "what did X say" question asks about, as the last word of a proper name
    in the subject ("Bashar al-Assad" → "Assad"); None for "what did the residents say".
    Typed in lower case, a name is one of `names` (the question's names as the corpus
    writes them): the parser reads "assad" as an adverb."""
    if not ASKS_SAID.search(question) or (doc := parse(question)) is None:
        return None
    verb = next((t for t in doc if t.lemma_.lower() in ASKED and any(c.dep_ == "nsubj" for c in t.children)), None)
    if verb is None:
        return _bare_speaker(question)
    # A hyphenated name may parse as several subjects ("Bashar", "al", "-", "Assad"): take them all.
    heads = [c for c in verb.children if c.dep_ == "nsubj"]
    subject = sorted(t for c in heads for t in c.subtree)
    known = {name.lower() for name in names}
    cased = any(ch.isupper() for ch in doc.text)  # then a name is capitalised: "foreign ministry" is none
    # Not a name in a clause of the subject: "Twitter" in "the reporter who put out a video on Twitter".
    found = [t for t in subject if (t.pos_ == "PROPN" and (t.text[0].isupper() or not cased) or t.lower_ in known)
             and t.lower_ not in PARTICLES and t.is_alpha and outside_clauses(t, verb, ("relcl", "acl"))]
    start = subject[0].i
    while start > 0 and (doc[start - 1].pos_ == "PROPN" or doc[start - 1].text == "-"):
        start -= 1  # a first name the parse left out
    # A title the coverage would give its holder ("ambassador"), not a description ("diplomat").
    role = heads[-1].lemma_.lower() if heads[-1].pos_ == "NOUN" and heads[-1].lemma_.lower() in PERSON_ROLES else None
    return AskedSpeaker(found[-1].text, doc[start:subject[-1].i + 1].text, role) if found else _bare_speaker(question)


def _bare_speaker(question: str) -> AskedSpeaker | None:
    found = BARE_SPEAKER.search(question)
    word = found and found.group(1)
    if not word or word in PRONOUNS or everyday(word) or is_person(word) or word.endswith("s"):  # "residents"
        return None
    return AskedSpeaker(word, word)


PRONOUNS = {"i", "you", "he", "she", "it", "we", "they", "u", "ya", "everyone", "anyone", "someone", "nobody"}


def speakers(doc: Doc) -> list[str]:
    """The words of everyone a passage has saying something."""
    found = []
    for word in doc:
        lemma = word.lemma_.lower()
        if lemma in SPEECH or lemma in QUOTING:
            roles = SPEAKING_ROLES | QUOTED_ROLES if lemma in QUOTING else SPEAKING_ROLES
            found += [child for child in word.children if child.dep_ in roles]
        elif word.lower_ == "according":
            found.append(word)
    return [" ".join(t.text for t in who.subtree) for who in found]


def unheard_speaker(question: str, hits: list[Hit], names_outlet: bool, names: Collection[str] = ()) -> str | None:
    """Who a "what did X say" question asks about, when none of the first results has
    them saying anything; None otherwise. A question naming an outlet asks what the
    outlet reported ("What did the Post say Ban Ki-moon was alarmed by?"): not checked."""
    if names_outlet or (asked := asked_speaker(question, names)) is None:
        return None
    docs = parsed([hit.passage.text for hit in hits[:CHECKED]])
    titled = re.compile(r"\b(?:" + "|".join(role_words(asked.role)) + r")s?\b", re.IGNORECASE) if asked.role else None
    heard = (words for doc in docs for words in speakers(doc))
    return None if any(carries(words, asked.name) and (titled is None or titled.search(words)) for words in heard) \
        else asked.subject
