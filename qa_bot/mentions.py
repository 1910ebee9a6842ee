""""What exactly were the terms?": answered by a passage that tells them, not one that names them.

Russia said a deal "has not yet been reached, largely because the United States
insists on unacceptable terms". Three pens asked next what those terms were; the
passage that says "terms" is the best match for the question, and it tells nothing
of them. A question that asks for the contents of terms, conditions, demands or
details is answered only when a first result says more than the word: "terms of the
deal", "conditions under which …", "demands: …", "details that …". When none of the
first results uses the word at all, the answer may be worded otherwise, and this
check says nothing.
"""
from __future__ import annotations

import re

from qa_bot.models import Hit

CHECKED = 3  # how many of the first results may tell them
CONTENTS = r"(?:terms|conditions|demands|details)"
QUOTE = "['\"‘“]"  # the words quoted back: "what were the 'unacceptable terms'"
ASKS_CONTENTS = re.compile(
    r"\bwhat\s+(?:exactly\s+)?(?:were|are|was|is)\s+(?:the\s+|their\s+|its\s+)?" + QUOTE
    + r"?(?:[\w-]+\s+)?(" + CONTENTS + r")\b"
    r"|\b(" + CONTENTS + r")\b.*\bwhat\s+(?:exactly\s+)?(?:were|are)\s+they\b", re.IGNORECASE)
# What follows a word that is told, not only named: "terms of the deal", "terms: a …".
TOLD_AFTER = re.compile(r"\s*(?::|—|–|-\s|\bof\b|\bthat\b|\bwhich\b|\bunder\b|\bincluding\b|\binclude[ds]?\b"
                        r"|\bwere\b|\bare\b|\bsuch\s+as\b|\bfor\b)", re.IGNORECASE)


def untold_contents(question: str, hits: list[Hit]) -> str | None:
    """The word ("terms") when the first results use it only as a name for what the
    question asks them to tell; None otherwise."""
    if not (asked := ASKS_CONTENTS.search(question)):
        return None
    word = (asked.group(1) or asked.group(2)).lower()
    uses = [m for hit in hits[:CHECKED] for m in re.finditer(rf"\b{word}\b", hit.passage.text, re.IGNORECASE)]
    if not uses or any(TOLD_AFTER.match(m.string, m.end()) for m in uses):
        return None
    return word
