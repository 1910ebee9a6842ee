""""Why did Canada sponsor the resolution?": not answered by a passage that names Canada in passing.

Six pens asked it; the New York Times says only "The resolution, advanced by Canada,
received 122 votes in favor". The passage holds the resolution, the vote and Canada,
and ranks first; it tells no reason. A passage that gives a doer's reasons names the
doer as one who acts or speaks ("Canada said it wanted …", "Russia blocked it
because …"), not only as the agent of a passive ("advanced by Canada"). So a "why did
X …" question whose doer (the name it opens with: "Why did Canada …") the first
results give only after "by" is declined. Reasons are too varied in form ("facilitates
access to …", "a Unesco World Heritage site") to require one; this asks only how the
doer is named.
"""
from __future__ import annotations

import re
from collections.abc import Collection

from qa_bot.models import Hit
from qa_bot.parsing import mentions

CHECKED = 3  # how many of the first results may name the doer
ASKS_WHY = re.compile(r"^\W*(?i:why\s+(?:did|does|do|has|have|had)|how\s+come(?:\s+(?:did|does|do|has|have|had))?)\s+(?:the\s+)?([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)")
ASKS_WHY_TYPED = re.compile(r"^\W*(?:(?:why|y)\s+(?:did|does|do|has|have|had)|how\s+come(?:\s+(?:did|does|do|has|have|had))?)"
                            r"\s+(?:the\s+)?(\w+)", re.IGNORECASE)
BY = re.compile(r"\bby\s+(?:the\s+)?$", re.IGNORECASE)


def named_in_passing(question: str, hits: list[Hit], names: Collection[str] = ()) -> str | None:
    """The doer of a "why did X …" question, when the first results name X only as the
    agent of a passive ("advanced by Canada"); None otherwise. `names`: the question's
    names, which tell the doer in a question typed in lower case."""
    typed = ASKS_WHY_TYPED.search(question)
    if asked := ASKS_WHY.search(question):
        doer = asked.group(1)
    elif typed and typed.group(1).lower() in {name.lower() for name in names}:
        doer = typed.group(1).capitalize()
    else:
        return None
    found = [(hit.passage.text, m.start()) for hit in hits[:CHECKED] for m in mentions(hit.passage.text, doer)]
    return doer if found and all(BY.search(text[max(0, at - 12):at]) for text, at in found) else None
