"""Questions about the coverage itself, answered from the manifest rather than the text.

"What sources do you have?" is often the first thing a user asks, and "when was the
NBC gallery published?" or "link to the NYT story" ask for what the manifest records,
not for anything an article says: searching the text for them quotes whichever
passage mentions "sources" or "story". Both get the list of articles instead (all of
them, or the named outlet's), which `render` formats like the /sources command.
"""

from __future__ import annotations

import re

from qa_bot.query import Query

_NOUNS = r"(?:news\s+)?(?:sources?|outlets?|articles?|papers?|newspapers?|publications?|stories|documents?|sites?|websites?)"
COVERAGE = re.compile(
    r"\b(?:what|which|wat|wht)\s+" + _NOUNS + r"\s+(?:\w+\s+){0,2}?(?:you|u|ya)\b"  # "what sources do you have"
    r"|\bhow\s+many\s+" + _NOUNS + r"\s+(?:\w+\s+){0,2}?(?:you|u)\b"  # "how many articles do you have"
    r"|^(?:what|which)\s+(?:do|can)\s+(?:you|u)\s+(?:cover|know|answer)(?:\s+about)?$"  # "what do you cover"
    r"|\bwhat(?:\s+is|'s|s)\s+your\s+(?:coverage|sources?|corpus|data)\b"
    r"|\b(?:list|show)\s+(?:me\s+)?(?:your|all)\s+" + _NOUNS +
    r"|\bwhere\s+do\s+(?:you|u)\s+get\s+(?:your\s+)?(?:news|information|info|data)\b",
    re.IGNORECASE)
# What a question about a piece may ask for, and the words around it; any other word is content.
ASKS = {"published", "publish", "publication", "date", "dated", "headline", "title", "titled", "link", "url",
        "address"}
AROUND = {"when", "its", "their", "pls", "please", "send", "give", "share", "article", "articles", "story",
          "stories", "piece", "gallery", "slideshow", "report", "web", "page", "called", "named"}


def asks_about_coverage(question: str) -> bool:
    return bool(COVERAGE.search(" ".join(question.split()).rstrip("?!. ")))


def asks_about_piece(query: Query) -> bool:
    """Names an outlet and asks only for its piece's date, headline or address."""
    asked = set(query.content_words)
    return bool(query.outlets) and bool(asked & ASKS) and asked <= ASKS | AROUND
