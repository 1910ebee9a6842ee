"""Quotes a question pastes: the coverage must contain them before anyone is named as saying them.

"Who said 'Aleppo will be remembered as the graveyard of the revolution'?" finds
passages about Aleppo's fall, and answering would attribute words nobody in the
coverage said: the worst mistake a news bot can make. So a question that quotes a
saying (three content words or more: shorter quotes are terms such as "total
collapse") is answered only when one of the first results holds most of its words;
a quote remembered loosely ("life in aleppo is a slow death" for "has become a slow
death") still counts.
"""

from __future__ import annotations

import re

from qa_bot.lexical import tokenize
from qa_bot.models import Hit

QUOTED = re.compile(r'"([^"]+)"|“([^”]+)”|‘([^’]+)’|«([^»]+)»|„([^“”]+)[“”]')
MIN_WORDS = 3  # content words for a quote to be a saying worth checking
FOUND = 0.6  # share of the quote's content words one result must hold
CHECKED = 3  # how many of the first results may hold it


def sayings(question: str) -> list[set[str]]:
    """The content-word stems of each saying the question quotes."""
    quoted = [next(g for g in m.groups() if g is not None) for m in QUOTED.finditer(question)]
    return [set(tokens) for tokens in tokenize(quoted) if len(set(tokens)) >= MIN_WORDS] if quoted else []


def missing_quote(question: str, hits: list[Hit]) -> bool:
    """True when the question quotes a saying none of the first results contains."""
    quotes = sayings(question)
    if not quotes:
        return False
    held = [set(tokens) for tokens in tokenize([hit.passage.text for hit in hits[:CHECKED]])]
    return any(all(len(quote & text) < FOUND * len(quote) for text in held) for quote in quotes)
