"""Questions about today or what comes next, put to coverage that has ended.

"Will it rain in London tomorrow?", "What time is sunrise in Damascus today?", "How
many people live in Idlib province today?": news from a week in December 2016 cannot
tell. Retrieval still finds passages that say "rain" and "today" ("families staying in
the streets under the rain"), and on words and meaning alone they pass. So when the
newest piece is older than yesterday, a question that places itself in the present
or the future is told what the coverage spans instead. A corpus kept up to date
(its newest piece from today or yesterday) answers such questions as any other.
"""
from __future__ import annotations

import re
from datetime import date

# "this week" and "now" are left out: a reader of the archive may mean the coverage's.
PRESENT = re.compile(r"\b(?:today|tonight|tomorrow|right\s+now|these\s+days|nowadays|at\s+the\s+moment"
                     r"|this\s+weekend|next\s+(?:week|weekend|month|year)|forecast)\b", re.IGNORECASE)
FRESH_DAYS = 1  # a newest piece from yesterday still tells of today


def asks_after(question: str, newest: str | None, today: date) -> bool:
    """The question asks about today or later, and the coverage ended before that."""
    if not newest or not PRESENT.search(question):
        return False
    try:
        return (today - date.fromisoformat(newest)).days > FRESH_DAYS
    except ValueError:
        return False
