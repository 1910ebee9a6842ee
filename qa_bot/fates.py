""""Did Ameen al-Halabi survive?": answered only by a passage that tells what became of him.

News meets its people at one moment: "I am waiting to die or be captured," wrote a
photographer; a journalist "trapped in eastern Aleppo"; a teacher whose father "had
been arrested". What became of them is later news, and the next thing readers ask
("Did he make it out alive?", "Was Shadi's father released?", "What happened to …
after …?"). Retrieval finds the passage that names them, close in words and meaning,
and it answers nothing.

Such a question is answered only when a first result names the person and, a few
words from the name, tells an outcome in the past ("survived", "was released", "got
out", "killed", "still standing"). "To die or be captured" is no outcome, and nor is
the question's own premise ("after he was arrested": "his father had been arrested").
Like the other checks, this one declines only what retrieval had answered.
"""
from __future__ import annotations

import re
from collections.abc import Collection

from qa_bot.models import Hit
from qa_bot.parsing import carries
from qa_bot.query import COUNTRIES, DEMONYMS, name_forms
from qa_bot.roles import CREDITED, is_person

CHECKED = 3  # how many of the first results may tell it
AFTER, BEFORE = 8, 3  # words from the person to the outcome told of them ("X, a photographer, survived")
_OF_THEM = r"(?:all|both|any|each|either|none)\s+of\s+"  # "all of Rania's children"
_WHO = rf"(?:{_OF_THEM})?(?:[\w'’.-]+\s+){{0,6}}?[\w'’.-]+"
_CUE = (r"(?:surviv\w*|escaped?|(?:make|made|get|got)\s+(?:it\s+)?out|released|freed|rescued|(?:still\s+)?alive"
        r"|captured|arrested|detained|caught|killed|hurt|injured|wounded|evacuated|reunited"
        r"|find\s+.+?\s+still\s+(?:standing|intact|there))")
ASKS_FATE = re.compile(
    r"^\W*(?:did|was|were|has|have|had|is|are)\s+(?P<who>" + _WHO + ")" + r"\s+(?:(?:manage[ds]?|able|try|tried)\s+to\s+)?" + _CUE
    + r"|\bwhat\s+(?:happened\s+to|became\s+of)\s+(?P<whom>" + _WHO + ")" + r"\s*(?=\W*$|\s(?:after|when|once|since|following)\b)",
    re.IGNORECASE)
# What the question takes as given ("after he was arrested") is no outcome.
PREMISE = re.compile(r"\b(?:after|when|once|since|following)\b.*", re.IGNORECASE)
OUTCOME = re.compile(
    r"\b(?:surviv(?:ed|es|or|ors)|alive|escaped|fled|(?:made|got)\s+(?:it\s+)?out|evacuated|rescued|released|freed"
    r"|killed|died|dead|executed|captured|arrested|detained|missing|disappeared|reached|arrived|safe|safely"
    r"|standing|intact|destroyed|damaged|rubble|ruins|looted)\b", re.IGNORECASE)
# The premise as a noun: "after his arrest" takes as given that "he was arrested".
PREMISE_NOUNS = {"arrest": {"arrested"}, "capture": {"captured"}, "detention": {"detained"},
                 "disappearance": {"disappeared", "missing"}, "escape": {"escaped", "fled"},
                 "evacuation": {"evacuated"}, "release": {"released", "freed"}, "rescue": {"rescued"}}
# A release presupposes the arrest: "his father had been arrested" does not say he was freed.
HELD = {"arrested", "detained", "captured", "missing", "disappeared"}
# "waiting to die or be captured", "could be killed": not what happened.
UNREAL = re.compile(r"\b(?:to|be|could|would|might|may|will|shall|can)\s+$", re.IGNORECASE)
PARTICLES = {"the", "a", "an", "al", "el", "abu", "bin", "ibn", "of", "and"}


def untold_fate(question: str, hits: list[Hit], names: Collection[str] = ()) -> str | None:
    """Who a "what became of them" question asks about, when the first results name
    them and tell no outcome; None otherwise. `names`: the question's names, which
    tell them in a question typed in lower case."""
    if not (asked := ASKS_FATE.search(question)):
        return None
    who = re.sub(r"^\W+|\W+$", "", asked.group("who") or asked.group("whom"))
    who = re.sub(rf"^{_OF_THEM}", "", who, flags=re.IGNORECASE)
    words = [re.sub(r"['’]s$", "", w) for w in re.findall(r"[\w'’-]+", who) if w.lower() not in PARTICLES]
    known = {name.lower() for name in names}
    named = [w[:1].isupper() or "-" in w and w.split("-")[-1][:1].isupper() or w.lower() in known for w in words]
    # The person is named up front: "civilians fleeing Aleppo" are people, not Aleppo.
    lead = next((i for i, (w, n) in enumerate(zip(words, named)) if not n and not _personal(w)), len(words))
    names = [w for w, n in zip(words[:lead], named) if n and not _place(w)]
    nouns = [w.lower() for w in words[:lead] if _personal(w)]
    if not names:  # "What happened to civilians fleeing Aleppo?" is the coverage's story, not a fate it leaves
        return None
    given = PREMISE.search(question, asked.end())
    given_text = given.group() if given else ""
    premise = {m.group().lower() for m in OUTCOME.finditer(given_text)}
    premise |= {told for noun, said in PREMISE_NOUNS.items() if re.search(rf"\b{noun}\b", given_text, re.IGNORECASE)
                for told in said}
    if re.search(r"\b(?:released|freed)\b", asked.group(), re.IGNORECASE):
        premise |= HELD
    # "Shadi's father": the passage names Shadi, and tells the outcome beside "father".
    owned = [w.lower() for w in re.findall(r"(?<=['’]s\s)[\w-]+", who) if _personal(w)]
    sentences = [s for hit in hits[:CHECKED] for s in hit.passage.sentence_texts()
                 if any(carries(s, m) for m in names)]
    if not sentences or any(_tells_outcome(s, owned or names + nouns, premise) for s in sentences):
        return None
    return who


def _personal(word: str) -> bool:
    """A word for a person: "father", "teacher", and the credited "photographer"."""
    return is_person(word.lower()) or word.lower() in CREDITED


def _place(word: str) -> bool:
    lower = word.lower()
    return lower in COUNTRIES or lower in DEMONYMS or len(name_forms(lower)) > 1


def _tells_outcome(sentence: str, mentions: list[str], premise: set[str]) -> bool:
    """An outcome in the past, told within a few words of the person."""
    spans = [m.span() for m in re.finditer(r"[\w'’-]+", sentence)]
    at = [i for i, (start, end) in enumerate(spans) if any(carries(sentence[start:end], m) for m in mentions)]
    for outcome in OUTCOME.finditer(sentence):
        if outcome.group().lower() in premise or UNREAL.search(sentence[:outcome.start()]):
            continue
        word = next(i for i, (start, end) in enumerate(spans) if end > outcome.start())
        if any(-BEFORE <= word - i <= AFTER for i in at):
            return True
    return False
