"""Requests for advice, recipes, recommendations or instructions: not what news reports.

"What's a good recipe for banana bread?", "How do I reset my iPhone?", "How long should
I boil an egg?", "best pizza place near me": a person asks the bot to do something for
them, not what the coverage says. With a few hundred articles on other subjects in the
corpus, retrieval finds one that says "bread" or "eggs" (a story on bread prices), and
quoting it would be noise. Such a request is told what the bot does instead, before any
search. A question about what the coverage reports keeps its own words ("How do I know
what the UN said?" is rare; "Can you tell me who …" and "Do you know …" ask for facts and
are not matched, nor is "What is the best estimate of the toll?").
"""
from __future__ import annotations

import re

ADVICE = re.compile(
    r"^\W*(?:(?:so|and|ok|okay)\s+)?(?:how\s+(?:do|can|should|could|would)\s+(?:i|we|one)\b(?!\s+(?:know|tell|find\s+out))"
    r"|how\s+to\b"
    r"|how\s+(?:long|much|often|many\s+\w+)\s+should\s+(?:i|we)\b"
    r"|(?:(?:what(?:['’]s|s|\s+is|\s+are)\s+(?:a|an|some))|(?:got|any|give\s+me|can\s+you\s+(?:give|suggest|recommend)"
    r"(?:\s+me)?)(?:\s+(?:a|an|the|some))?)\s+(?:good|best|great|easy|simple|quick|nice|decent)\b"
    r"|(?:should|can|could)\s+i\b|where\s+(?:can|should|do)\s+i\b)"
    r"|\b(?:recipes?|near\s+me|tips\s+for)\b", re.IGNORECASE)
REPLY = ("I answer questions about what the news coverage I hold reports, quoting the articles; "
         "I can't give advice, recipes or instructions.")


def asks_advice(question: str) -> bool:
    return bool(ADVICE.search(question))
