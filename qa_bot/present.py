"""Questions about today or what comes next, put to coverage that has ended.

"Will it rain in London tomorrow?", "What time is sunrise in Damascus today?", "How
many people live in Idlib province today?": news from a week in December 2016 cannot
tell. Retrieval still finds passages that say "rain" and "today" ("families staying in
the streets under the rain"), and on words and meaning alone they pass. So when the
newest piece is older than yesterday, a question that places itself in the present
or the future is told what the coverage spans instead. A corpus kept up to date
(its newest piece from today or yesterday) answers such questions as any other.

The same holds for what came of something later ("Did the rebels ever retake Sheikh
Saeed?", "In which town did the evacuees eventually settle?", "What did UNESCO decide
after the fighting ended?"): passages about the thing itself pass on words and meaning,
but tell of it as it stood. Unless the coverage runs on for weeks past the piece that
tells of it, there is nothing later to quote.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

# "this week" and "now" are left out: a reader of the archive may mean the coverage's.
PRESENT = re.compile(r"\b(?:today|tonight|tomorrow|right\s+now|these\s+days|nowadays|at\s+the\s+moment"
                     r"|this\s+weekend|next\s+(?:week|weekend|month|year)|forecast)\b", re.IGNORECASE)
FRESH_DAYS = 1  # a newest piece from yesterday still tells of today


def asks_after(question: str, newest: str | None, today: date) -> bool:
    """The question asks about today or later, and the coverage ended before that."""
    newest_day = _day(newest)
    if newest_day is None or not PRESENT.search(question):
        return False
    return (today - newest_day).days > FRESH_DAYS


# "afterwards", "finally" and "end up" are left out, and "later" counts only in a yes-no
# question, after "happened" or in a passive ("were later released"): they also order
# events inside the coverage ("which areas did they take afterwards?", "when did the army
# finally take it?", "who later told Reuters?", "where did people fleeing Bustan al-Qasr
# end up?").
LATER = re.compile(r"\b(?:eventually|ultimately|subsequently|in\s+the\s+end|since\s+then|(?:went|go)\s+on\s+to"
                   r"|(?:were|was|been)\s+later"
                   r"|(?:did|do|does|was|were|has|have|had|is|are)\b[^?]*\bever\b"
                   r"|^\W*(?:did|does|do|was|were|has|have|had|is|are)\b[^?]*\blater|\bhappened\b[^?]*\blater"
                   r"|(?:after|once)\s+the\s+(?:fighting|battle|war|siege|offensive|evacuations?)\s+(?:had\s+)?"
                   r"(?:ended|was\s+over|were\s+over|finished|stopped)"
                   r"|after\s+(?:(?:january|february|march|april|may|june|july|august|september|october|november"
                   r"|december|dec\.?)\s+)?(?:19|20)\d\d)\b", re.IGNORECASE)
FOLLOWED_FOR = timedelta(days=30)  # first results spanning this long may tell what came of it
SPAN_OF = 3  # how many first results


def asks_later(question: str, published: list[str | None]) -> bool:
    """The question asks what came of something later, and the pieces that tell of it
    (the first results, by their publication dates) span only weeks: none from long
    after could tell what came of it."""
    if not LATER.search(question):
        return False
    dates = [day for day in map(_day, published[:SPAN_OF]) if day]
    return bool(dates) and max(dates) - min(dates) < FOLLOWED_FOR


def _day(iso: str | None) -> date | None:
    try:
        return date.fromisoformat(iso) if iso else None
    except ValueError:
        return None
