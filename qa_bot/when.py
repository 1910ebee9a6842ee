"""A "when" question is answered only if the passages that tell of its event say when.

"When was Shadi's father arrested?" finds the paragraph where Shadi says his father
had been arrested: the right words, the right people, and no day. The first results
are read sentence by sentence for the question's event (one of its verbs, in a
sentence with one of its nouns); when some sentence tells of it and none of those
that do carries a time ("on Monday", "Dec. 13", "in 2012", "four years ago", "since",
"after"), the coverage tells of the event but not when.

When no sentence tells of the event, the sentences that name the question's most
specific name (`Query.focus`, the one the corpus writes least: "Geneva" in "When did
the Russian-US talks in Geneva begin?") stand for it, and must say when. With neither,
this check says nothing: a reworded question ("When did the regime's soldiers force
their way into Hanano?" for "government forces stormed") must not be declined because
its verb is not the article's. Declining a "when" question whose event is simply absent
was measured and dropped (docs/quality.md).

Three kinds of "when" reach outside the coverage's week: the first time something
happened ("When did Palmyra first fall?"), which is dated by a year; the end of a
story ("When did the buses finally leave?"), which a sentence must tell as an end
("the last buses left …") to date it; and a whole ("When did the army announce it
had all of Aleppo?"), which a sentence must tell as a whole, of that place, and date.
"""
from __future__ import annotations

import re

from qa_bot.answer_types import CLOCK, MONTH, YEAR, without_days
from qa_bot.dates import DAY_MONTH, MONTH_DAY, MONTHS, WEEKDAY
from qa_bot.lexical import tokenize
from qa_bot.models import Hit
from qa_bot.parsing import carries, parse

CHECKED = 3  # how many of the first results are read
ASKS_WHEN = re.compile(r"^\W*(?:when|wen)\b|\b(?:what|which)\s+(?:(?:is|was)\s+the\s+)?(?:date|day)\b", re.IGNORECASE)
# Verbs that name no event of their own ("When did it happen?", "When was it taken?").
LIGHT_VERBS = {"be", "do", "have", "happen", "take", "make", "get", "go", "come", "say", "tell", "report"}
MONTH_NAME = re.compile(r"\b(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b", re.IGNORECASE)
# Generous on purpose: any word that places a sentence in time lets the answer through.
# ("the last few neighborhoods" is no time; "last week" counts, by its "week".)
RELATIVE = re.compile(r"\b(?:yesterday|today|tonight|tomorrow|ago|recently|earlier|later|since|until|after|before"
                      r"|during|now|then|days?|weeks?|months?|years?|hours?|nights?|mornings?|weekend)\b",
                      re.IGNORECASE)
TIMES = (MONTH_DAY, DAY_MONTH, WEEKDAY, MONTH_NAME, YEAR, CLOCK, RELATIVE)
# A sentence that stands for the event only by naming its place or people must date
# something: "during the shelling" or "years of fighting" place nothing asked about.
DATING = re.compile(r"\b(?:ago|yesterday|today|tonight|(?:last|this|next)\s+(?:week|month|year|night))\b")
# "When did Palmyra first fall?", "when was Assad first elected": the start of a story
# told before the coverage's week ("for the first time in four years" is no such start).
FIRST_TIME = re.compile(r"\b(?:first|originally|initially)\b(?!\s+time)", re.IGNORECASE)
# "When did the evacuation buses finally leave?": the end of a story told after the
# coverage's week; a sentence that dates its end says it ends.
AN_END = re.compile(r"\b(?:finally|eventually|complet\w*|finish\w*)\b"
                    r"|\bthe\s+last\s+(?!(?:\w+\s+)?(?:days?|weeks?|months?|years?|hours?|nights?)\b)", re.IGNORECASE)
# "When did the army announce it had retaken all of Aleppo?": a whole, which a sentence
# must tell as one ("full control of Aleppo") and date; "93 percent" of it, or one of its
# districts in full, is not it.
WHOLE = re.compile(r"\b(?i:(?:full|complete|total)\s+control\s+of|all\s+of|the\s+whole\s+of|the\s+entire(?:ty\s+of)?)"
                   r"\s+(?:the\s+)?(?:(?i:city)\s+of\s+)?([A-Z][\w-]+)")
ENDING = re.compile(r"\b(?:last|final|finally|complet\w*|finish\w*|ended|end)\b", re.IGNORECASE)
FRAME = {stem for stems in tokenize(["date", "day", "time", "year", "month"]) for stem in stems}
DATES = (MONTH_DAY, DAY_MONTH, WEEKDAY, MONTH, DATING, YEAR, CLOCK)  # MONTH: capitalised, "may" is a verb


def says_when(sentence: str, patterns: tuple[re.Pattern[str], ...] = TIMES) -> bool:
    return any(pattern.search(sentence) for pattern in patterns)


def event_words(question: str) -> tuple[set[str], set[str]] | None:
    """The stems of the question's event verbs (none for "when did they finally get out")
    and of its nouns; None when it names nothing or the parser cannot load."""
    doc = parse(question)
    if doc is None:
        return None
    verbs = [t.lemma_.lower() for t in doc if t.pos_ == "VERB" and t.lemma_.lower() not in LIGHT_VERBS]
    nouns = [t.text.lower() for t in doc if t.pos_ in ("NOUN", "PROPN")]
    event = {stem for stems in tokenize(verbs) for stem in stems}
    about = {stem for stems in tokenize(nouns) for stem in stems} - event
    return (event, about) if about else None


def untold_time(question: str, hits: list[Hit], focus: str | None = None) -> bool:
    """True when one of the first results tells of the question's event and no sentence
    that does says when."""
    if not ASKS_WHEN.search(question) or not (words := event_words(question)):
        return False
    event, about = words
    if not event and not AN_END.search(question):
        return False  # "When did it happen in Hanano?": no event to look for
    sentences = [s for hit in hits[:CHECKED] for s in hit.passage.sentence_texts()]
    if FIRST_TIME.search(question) and not any(YEAR.search(without_days(s)) for s in sentences):
        # The first time something happened is dated by its year, not "on Sunday", nor by a
        # photo's "December 19, 2016" (the coverage's own week).
        return True
    if whole := WHOLE.search(question):
        place = whole.group(1).lower()
        wholes = [s for s in sentences if any(m.group(1).lower() == place for m in WHOLE.finditer(s))]
        return not any(says_when(s, DATES) for s in wholes)
    stems = [set(tokens) for tokens in tokenize(sentences)]
    telling = [s for s, held in zip(sentences, stems) if held & event and held & about]
    if telling:
        if AN_END.search(question):  # the end of a story is told as one
            telling = [s for s in telling if ENDING.search(s)]
        return not any(map(says_when, telling))
    if AN_END.search(question) and (about_it := _about(sentences, stems, about)):
        # "When did the last rebels finally get out?" too: its verbs name no event.
        # "When was the evacuation finally completed?", its verb told nowhere: the sentences
        # about its nouns must date an end ("the last buses left on Thursday").
        return not any(ENDING.search(s) and says_when(s, DATES) for s in about_it)
    # The event in other words ("talks will continue in Geneva" for "the talks began"): the
    # sentences that name the question's most specific name stand for it, and must date it.
    naming = [s for s in sentences if event and focus and carries(s, focus)]
    return bool(naming) and not any(says_when(s, DATES) for s in naming)


def _about(sentences: list[str], stems: list[set[str]], nouns: set[str]) -> list[str]:
    """The sentences (with their stems) holding most of the question's nouns (at least
    two of them, when it has two), less the words that frame the question ("what date")."""
    nouns = nouns - FRAME
    needed = max(min(2, len(nouns)), (len(nouns) + 1) // 2)
    return [s for s, held in zip(sentences, stems) if nouns and len(nouns & held) >= needed]
