"""Questions that ask for a name: answered only when a passage names whoever holds the role.

"Who is Russia's defence minister?" and "What is the name of the UN special envoy for
Syria?" find passages about the ministry and the envoy, close in words and meaning,
that never name either; retrieval signals cannot tell them from an answer, and news
passages name so many people that "does it name anyone?" passes nearly all of them.
What an answer has is a name joined to the role: in apposition ("Rupert Colville, a
spokesman for the U.N. high commissioner") or as a title ("Observatory director
Rahman", "Syria's President Bashar al-Assad"), in a passage that also carries what
qualifies the role ("Russia", "defence"). spaCy's small English pipeline (`parsing`)
parses the question and finds the names in the passages.

Like the answer types, this is a check on structure, not a reader: it declines only
what retrieval had answered, and it passes a passage that names the wrong holder.
"""
from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from qa_bot.models import Hit
from qa_bot.parsing import PARTICLES, carries, fold, parse, parsed, phrase
from qa_bot.query import common_english

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

CHECKED = 3  # how many of the first results may name it

ASKS_NAME = re.compile(r"\bwho\b|\bnames?\s+of\b|^name\s+the\b|['’]s\s+(?:\w+\s+)?name\b|\bcalled\W*$",
                       re.IGNORECASE)
SURNAME = {"last", "family", "full", "sur"}
GOES_BY = re.compile(r"\b(?:pseudonym|alias|nickname|nom\s+de\s+guerre|goes\s+by|calls\s+himself|calls\s+herself)"
                     r"\s+(?:of\s+)?((?:[A-Z][\w-]*\s*){1,4})")
NAMING = re.compile(r"\breal\s+name|\bborn\b|\bknown\s+as\b|\bgoes\s+by\b|\balias\b|\bpseudonym\b|\bname\s+is\b"
                    r"|\bnamed\b", re.IGNORECASE)
SURNAMED = re.compile(r"\bsurname\b", re.IGNORECASE)  # "the last name of Shadi" is a longer name holding "Shadi"
# Titles, which news writes beside their holder's name ("Observatory director Rahman"):
# a passage that never uses the title does not name its holder.
PERSON_ROLES = {
    "ambassador", "boss", "chairman", "chancellor", "chief", "colonel", "commander", "commissioner", "coordinator",
    "deputy", "director", "emir", "envoy", "founder", "general", "governor", "head", "king", "leader",
    "mayor", "mediator", "minister", "negotiator", "owner", "president", "queen", "representative",
    "secretary", "spokesman", "spokesperson", "spokeswoman",
}
# Kin are named from either side ("his wife, Kefa Jawish" names Tajeddin Ahmed's wife and,
# in the same words, Kefa Jawish's husband): not titles.
KIN = {"wife", "husband", "spouse", "son", "daughter", "father", "mother", "parent", "brother", "sister", "sibling",
       "child", "children", "mom", "dad", "uncle", "aunt", "cousin", "nephew", "niece", "grandson", "granddaughter",
       "friend", "neighbor", "neighbour"}
WINDOW = 8  # tokens either side of the role within which its qualifiers must stand
# People described rather than titled: "the boy riding a bike", "the activist who …".
# Only a person's name answers for them.
PEOPLE_NOUNS = {
    "man", "woman", "boy", "girl", "child", "kid", "baby", "person", "guy", "lady", "individual", "resident",
    "civilian", "citizen", "medic", "doctor", "nurse", "surgeon", "fighter", "rebel", "soldier", "officer",
    "volunteer", "worker", "teacher", "student", "victim", "survivor", "refugee", "evacuee", "witness",
    "militant", "cleric", "imam", "driver", "poet", "singer", "blogger", "engineer",
    "official", "diplomat", "politician", "activist",  # any title: "the number-two official" is a deputy governor
}
ALIASES = {"pseudonym", "name", "alias", "nickname"}
# A role news calls by several names: asked as one, stated as another.
SAME_ROLE = [
    {"head", "director", "chief", "leader", "boss", "chairman"},
    {"spokesman", "spokeswoman", "spokesperson"},
    {"envoy", "emissary", "representative", "mediator"},
]
# A word for either of two roles: a spouse is a wife or a husband (but a husband is not a wife).
EITHER = {"spouse": {"wife", "husband"}, "parent": {"father", "mother"}, "sibling": {"brother", "sister"}}
# Words that make another role of the same noun: the deputy governor is not the governor.
RANKS = {"deputy", "vice", "assistant", "acting", "former", "ex", "late", "interim"}
# Words that narrow nothing: "the current president" is the president.
VAGUE = {"current", "real", "full", "actual", "then", "present", "main", "top", "official", "exact"}
# Bylines and photo credits name these, outside any sentence that names the role.
CREDITED = {"author", "writer", "reporter", "journalist", "photographer", "correspondent", "byline"}
NAMES = {"PERSON", "ORG", "FAC", "GPE", "LOC", "WORK_OF_ART", "EVENT", "PRODUCT", "NORP"}
PEOPLE = {"PERSON", "ORG"}  # the small model often calls a foreign name an organisation
PLACES = {"GPE", "LOC", "FAC"}
# Groups, militias, agencies: the small model calls many a person; "Shia" names none.
BODIES = NAMES - PLACES - {"NORP"}
PLACE_NOUNS = {"village", "town", "city", "district", "neighborhood", "neighbourhood", "area", "country", "region",
               "province", "suburb", "camp", "street", "road", "quarter"}


@dataclass(frozen=True)
class Role:
    """What the question wants named: the "defence minister" of "Russia"."""

    phrase: str  # as the question puts it, for the reply
    words: frozenset[str]  # the head noun and what news may call it instead
    qualifiers: tuple[str, ...]  # names that narrow it, near it in the passage: "Russia"
    kind: tuple[str, ...]  # words that narrow it, just before it: "defence" minister
    person: bool  # "who …", or a title: only a person's (or body's) name answers
    title: bool  # a title ("minister"), which news writes beside its holder's name
    rank: frozenset[str] = frozenset()  # "deputy" when the question asks for a deputy
    own_name: str | None = None  # "Monther's family name": a longer name holding this one
    real: bool = False  # asks for a real name: "the pseudonym of the director" does not give it


def role_words(head: str) -> frozenset[str]:
    return frozenset({head}.union(*(group for group in SAME_ROLE if head in group), EITHER.get(head, ())))


def is_person(noun: str) -> bool:
    return noun in PERSON_ROLES or noun in PEOPLE_NOUNS or noun in KIN or noun.endswith(("ist", "man", "woman", "person"))


def _qualifiers(role: Token) -> tuple[str, ...]:
    """The names that narrow the role, each as one run: "Russia" ('s minister), "Syrian
    Observatory" (the head of the), but not what narrows those ("for Human Rights")."""
    owners = [c for c in role.children if c.pos_ == "PROPN" and c.dep_ in ("poss", "compound", "nmod")]
    objects = [o for p in role.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj" and o.pos_ == "PROPN"]
    return tuple(" ".join(t.text for t in head.subtree if t.pos_ == "PROPN" and t.dep_ != "prep"
                          and (t.i == head.i or t.head.i == head.i)) for head in owners + objects)


def _kind(role: Token) -> tuple[str, ...]:
    return tuple(t.lower_ for t in role.children if t.dep_ in ("compound", "amod") and t.pos_ in ("NOUN", "ADJ")
                 and t.lower_ not in VAGUE | RANKS)


def _role_token(doc: Doc) -> tuple[Token, str] | None:
    """The noun the question wants named, and how it asks."""
    for token in doc:
        if token.lemma_.lower() == "name" and token.pos_ == "NOUN":
            of = [c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"]
            objects = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
            if objects:
                surname = any(c.lower_ in SURNAME for c in token.children)
                return objects[0], "own name" if surname and objects[0].pos_ == "PROPN" else "name of"
            owners = [c for c in token.children if c.dep_ == "poss" and c.pos_ in ("PROPN", "NOUN")]
            if owners:  # "Monther's family name", "Shadi's wife's name"
                return owners[0], "own name" if owners[0].pos_ == "PROPN" else "name of"
    if called := next((t for t in doc if t.lower_ == "called" and t.i >= len(doc) - 2), None):  # "what is X called?"
        named = called.head if called.dep_ == "acl" else next(
            (c for c in called.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if named is not None and named.pos_ == "NOUN":
            return named, "name of"
    if doc[0].lower_ == "name" and (objects := [c for c in doc[0].children if c.dep_ == "dobj"]):
        return objects[0], "name the"
    for who in (t for t in doc if t.lower_ == "who" and t.head.lemma_ == "be" and not _object_of(t)):
        # "(do you know) who the X is"
        chunks = [c for c in doc.noun_chunks if c.root.i != who.i and (
            c.root.head.i == who.head.i or c.start == who.head.i + 1)]  # the parse may hang it elsewhere
        if chunks and chunks[0].root.tag_ in ("NN", "NNP") and (
                chunks[0].root.pos_ == "NOUN" or chunks[0].root.lower_ in PERSON_ROLES):
            return chunks[0].root, "who is"
    return None


def _object_of(who: Token) -> bool:
    """ "Who is the soldier pushing?" asks whom he pushes, not his name: the question
    ends on a verb in -ing with nothing after it."""
    last = next((t for t in reversed(who.doc) if not t.is_punct), who)
    return last.tag_ == "VBG" and last.i > who.i and not any(c.i > last.i and not c.is_punct for c in last.children)


def asked_role(question: str, about_credits: bool = False) -> Role | None:
    """The role a question asks to have named, or None when it asks no such thing. A
    question about who wrote a piece or took a photo is answered by bylines and credits,
    which name no role."""
    question = SURNAMED.sub("last name", question)  # "the surname of Shadi" asks for a longer name
    if not ASKS_NAME.search(question):
        return None
    doc = parse(question)
    found = _role_token(doc) if doc is not None else None
    if found is None:
        return None
    token, how = found
    head = token.lemma_.lower()
    if how == "own name":  # a longer name than the one the coverage gives
        return Role(f"{token.text} by a full name", frozenset(), (), (), person=True, title=False, own_name=token.text)
    if head in CREDITED and about_credits:
        return None
    # "the official who said 750 families had returned" is told by what they did: news
    # may call them otherwise ("Aleppo's deputy governor"), so the title may be absent.
    described = any(c.dep_ in ("relcl", "acl", "appos") for c in token.children)
    return Role(phrase(token), role_words(head), _qualifiers(token),
                _kind(token), person=how == "who is" or is_person(head),
                title=head in PERSON_ROLES and not described,
                rank=frozenset(t.lower_ for t in token.children if t.lower_ in RANKS),
                real=bool(re.search(r"\breal\s+name\b", question, re.IGNORECASE)))


def _joined(role: Token, name: Span, person: bool, real: bool = False) -> bool:
    """The name is the role holder's, not a word qualifying the role ("UN spokesman") nor
    the one it serves ("a spokesman for Assad"); a place's name may follow "of"."""
    if name.end <= role.i:  # before: in apposition ("Rupert Colville, a spokesman"), or a place's
        between = role.doc[name.end:role.i]  # name as a place's ("the Umayyad mosque")
        return _in_apposition(role, name, real) or (0 < len(between) <= 4 and between[0].text == ","
                                                    and not any(t.is_quote for t in between)) or (
            not person and not between)
    between = role.doc[role.i + 1:name.start]  # after: a title ("adviser on Syria Jan Egeland")
    if not person and [t.lower_ for t in between] == ["of"]:
        return True  # "the ancient city of Palmyra"
    return len(between) <= 4 and all(t.is_punct or t.pos_ in ("PROPN", "DET", "ADP") for t in between) and (
        not between or between[-1].pos_ != "ADP")


def _in_apposition(role: Token, name: Span, real: bool = False) -> bool:
    """ "Rupert Colville, a spokesman" and, unless a real name is asked for, "Rami
    Abdulrahman, the pseudonym of the director"."""
    if role.dep_ == "pobj" and role.head.head.lower_ in ALIASES and not real:
        role = role.head.head
    return role.dep_ == "appos" and role.head.i in range(name.start, name.end)


def _mentions(doc: Doc, role: Role) -> list[Token]:
    """Where the passage speaks of the same role: same noun, same kind, same rank."""
    found = []
    for token in doc:
        if token.lemma_.lower() not in role.words and token.lower_ not in role.words or token.tag_ == "NNS":
            continue
        before = {t.lower_ for t in doc[max(token.i - 3, 0):token.i]}
        near = doc[max(token.i - WINDOW, 0):token.i + WINDOW + 1].text
        if set(role.kind) <= before and before & RANKS <= role.rank and all(carries(near, q) for q in role.qualifiers):
            found.append(token)
    return found


def _credited(doc: Doc, name: Span) -> bool:
    """In a photo credit: "(Omar Sanadiki / Reuters)"."""
    before = doc.text[:name.start_char]
    return before.count("(") > before.count(")") or "/" in name.text


def _names(doc: Doc) -> list[Span]:
    """What the small model recognises as names, and the runs of proper nouns it misses
    ("Monther", "SANA"), labelled NAME: of a person or of a place, nobody can say."""
    from spacy.tokens import Span

    names = list(doc.ents)
    taken = {i for e in names for i in range(e.start, e.end)}
    run: list[int] = []
    for token in [*doc, None]:
        if token is not None and token.pos_ == "PROPN" and token.i not in taken:
            run.append(token.i)
            continue
        if run and not all(doc[i].lower_ in common_english() and not doc[i].is_upper for i in run):  # "President"
            names.append(Span(doc, run[0], run[-1] + 1, label="NAME"))
        run = []
    return names


def _fresh_names(doc: Doc, labels: set[str], question_words: set[str]) -> list[Span]:
    return [e for e in _names(doc) if (e.label_ in labels or e.label_ == "NAME") and not _credited(doc, e)
            and not all(fold(t.text) in question_words for t in e)]


def _passage_names(doc: Doc, role: Role, question_words: set[str]) -> bool | None:
    """Whether the passage names the role: None when it never mentions it."""
    mentions = _mentions(doc, role)
    if not mentions:
        return None
    names = _fresh_names(doc, PEOPLE if role.person else NAMES, question_words)
    return any(_joined(m, e, role.person, role.real) for m in mentions for e in names if e.sent == m.sent)


def pseudonyms(docs: list[Doc]) -> set[str]:
    """The words of the names that a passage calls a pseudonym or alias ("Rami
    Abdulrahman, the pseudonym of the director"), each also without its particle
    ("rahman"), and the particles: "Observatory director Rami Abdel Rahman" elsewhere
    is the same pseudonym."""
    found = {fold(t.text) for doc in docs for alias in doc if alias.lemma_.lower() in ALIASES - {"name"}
             for e in alias.sent.ents if e.label_ in PEOPLE for t in e}
    return spellings(found)


def spellings(words: set[str]) -> set[str]:
    """Name words with and without their particle, and the particles: "Abdulrahman" is
    written "Abdel Rahman" elsewhere. Empty for none."""
    bare = {word[len(p):] for word in words for p in PARTICLES if word.startswith(p) and len(word) > len(p) + 2}
    return words | bare | (PARTICLES if words else set())


def names_role(docs: list[Doc], role: Role, question_words: set[str]) -> bool:
    """One of the passages joins a name the question lacks to the role. A title
    ("minister") is news's way to name its holder, so any of the passages must name it
    beside the title. A person or place described ("the woman in the photo", "the
    neighborhood where …") may be described in the passage in other words: one that
    never uses the question's word answers with any name the question lacks; the best
    passage that does use it decides."""
    if role.own_name:
        return any(role.own_name in e.text and len(e.text) > len(role.own_name)
                   for doc in docs for e in _fresh_names(doc, {"PERSON"}, question_words))
    if role.real:  # a pseudonym one passage gives away, or the question, is no real name in another
        question_words = question_words | pseudonyms(docs) | spellings(question_words - {""})
    verdicts = [_passage_names(doc, role, question_words) for doc in docs]
    if role.title:
        return any(verdicts)
    labels = {"PERSON"} if role.person else NAMES
    for verdict, doc in zip(verdicts, docs):  # best first: the first that speaks of it decides
        if verdict is None and _passage_names(doc, replace(role, qualifiers=()), question_words) is False:
            return False  # its qualifiers stand further off ("UN … his Special Envoy"), its name nowhere
        if verdict is not None:
            return verdict
        elsewhere = any(t.lemma_.lower() in role.words and t.pos_ in ("NOUN", "PROPN") for t in doc)
        if not elsewhere and _fresh_names(doc, labels, question_words) and all(
                carries(doc.text, q) for q in role.qualifiers):
            return True
    return False


def _joined_names(names: list[Span], nouns: list[Token]) -> list[Span]:
    """The names that name the things: joined to the noun in the parse ("militias such
    as …"), just before it ("Fuaa and Kafraya, two Shiite villages"), or listed with one
    that is. "The Gov'ts of Syria & Russia are accountable for … the victorious
    militias" names no militia."""
    def joined_to(e: Span, noun: Token) -> bool:
        return e.root.is_ancestor(noun) or noun.is_ancestor(e.root) or 0 <= noun.i - e.end < LISTED_BEFORE

    joined = [e for e in names if any(joined_to(e, noun) for noun in nouns)]
    listed = [e for e in names if e not in joined and any(
        (e.root.dep_ == "conj" and e.root.head in j) or (j.root.dep_ == "conj" and j.root.head in e) for j in joined)]
    return joined + listed


LISTED_BEFORE = 4  # tokens between a name and the noun that describes it: ", two Shiite"


def _question_words(question: str) -> set[str]:
    """The question's words, folded, as typed and split at hyphens: a name made of them
    is the question's own, not one a passage gives."""
    return {"", *map(fold, question.split()), *map(fold, re.findall(r"\w+", question))}


def unnamed_role(question: str, hits: list[Hit], about_credits: bool = False,
                 names: Collection[str] = ()) -> str | None:
    """The role the question asks to have named when none of the first results names
    it ("Russia's defence minister"); None when one does or no name is asked for. A
    "role" that is one of the question's `names` is a person asked about in lower case
    ("who is rupert colville"), not a role."""
    role = asked_role(question, about_credits)
    if role is None or _names_a_person(question, role, names):
        return None
    question_words = _question_words(question)
    docs = parsed([hit.passage.text for hit in hits[:CHECKED]])
    if role.real and (alias := GOES_BY.search(question)):
        # "the man who goes by the pseudonym Rami Abdulrahman": his real name stands in a
        # sentence with the pseudonym; elsewhere, any name is someone else's.
        known = question_words | spellings(question_words - {""}) | pseudonyms(docs)
        if any(carries(sent.text, alias.group(1)) and NAMING.search(sent.text)
               and _fresh_names(sent.as_doc(), {"PERSON"}, known) for doc in docs for sent in doc.sents):
            return None
        return f"{role.phrase} by a real name"
    if names_role(docs, role, question_words):
        return None
    return f"{role.phrase} by a real name" if role.real else role.phrase  # a pseudonym may be given


WHO_IS = re.compile(r"\W*who(?:\s+is|\s+was|['’]s)\s+(.+?)\W*", re.IGNORECASE)


def _names_a_person(question: str, role: Role, names: Collection[str]) -> bool:
    """"who is rupert colville": the whole question asks who a person of the question's
    names is; "What is Shadi's surname?" still asks for a name."""
    whole = WHO_IS.fullmatch(question)
    return bool(whole) and not role.title and whole.group(1).lower() == role.phrase.lower() \
        and role.words <= {n.lower() for n in names}


# "Which two armed opposition groups …?" asks for that many names.
PLURAL = r"([a-z]+s|men|women|children|people)"
COUNTED_NAMES = re.compile(r"\b(?:which|what|name\s+the|names?\s+of\s+(?:the|those|these))\s+(two|three|four|five)\s+"
                           r"((?:[\w-]+\s+){0,3}?)" + PLURAL + r"\b", re.IGNORECASE)
SINGULAR = {"men": "man", "women": "woman", "children": "child", "people": "person"}
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5}
# "Which Iran-backed militias, by name, fought …?", "… militia groups? Give their names.":
# a plural asked for by name is two names or more.
BY_NAME = re.compile(r"\b(?:which|what)\s+()((?:[\w-]+\s+){0,3}?)" + PLURAL
                     + r"\b(?=.*\b(?:by\s+name|their\s+names|name\s+them|names\s*(?:pls|plz|please)?\W*$))",
                     re.IGNORECASE)


def unnamed_members(question: str, hits: list[Hit]) -> str | None:
    """The things the question asks to have named by number ("the two armed opposition
    groups") when every sentence of the first results that speaks of them names fewer
    than that many (a person's name does not name groups or villages); None when one
    names enough, or none speaks of them in the question's word (a reworded answer must
    not be declined)."""
    asked = COUNTED_NAMES.search(question) or BY_NAME.search(question)
    if asked is None or parse(question) is None:  # no parser: the check steps aside
        return None
    count, noun = NUMBERS.get(asked.group(1).lower(), 2), asked.group(3).lower()
    singular = SINGULAR.get(noun, noun[:-1])
    labels = PEOPLE if is_person(singular) else PLACES if singular in PLACE_NOUNS else BODIES
    question_words = _question_words(question)
    telling = False
    for doc in parsed([hit.passage.text for hit in hits[:CHECKED]]):
        names = _fresh_names(doc, labels, question_words)
        for sentence in doc.sents:
            nouns = [t for t in sentence if t.lemma_.lower() in (singular, noun.rstrip("s")) or t.lower_ == noun]
            if nouns:
                telling = True
                if len({e.text for e in _joined_names([e for e in names if e.sent == sentence], nouns)}) >= count:
                    return None
    return " ".join(["the", *asked.group(1).split(), *asked.group(2).split(), asked.group(3)]) if telling else None
