"""Adjacent paragraphs of one article that both rank near the top become one excerpt.

News paragraphs are short, and one thought often runs over two of them: a lede names
the event ("a large majority of members voted for a … General Assembly resolution")
and the next paragraph gives its figures ("122 votes in favor and 13 against"). A
question matches the lede best; the answer is in the paragraph after it. When both
are among the first results they are quoted together, in reading order, as one
result: the reader gets the answer with its context in the first place, and the
article does not spend two of the five places on one thought. This is the
"auto-merging" idea of LlamaIndex's retriever, applied to retrieved neighbours only,
so an excerpt never grows beyond what the question reached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from qa_bot.models import Hit, Passage

JOIN_WINDOW = 5  # only results that would be shown first are joined
JOIN_CHARS = 900  # an excerpt stays quotable: about two news paragraphs
SEPARATOR = "\n\n"
GAP = "\n\n[…]\n\n"  # between two paragraphs of one article that are not neighbours


def join_adjacent(hits: list[Hit], window: int = JOIN_WINDOW, limit: int = JOIN_CHARS,
                  photos_between: Callable[[Passage, Passage], bool] = lambda _a, _b: False) -> list[Hit]:
    """The hits, with each paragraph among the first `window` folded into a better-ranked
    hit of its article that it directly precedes or follows (while the excerpt stays
    under `limit` characters). A photo set between two paragraphs does not part them
    (`photos_between(earlier, later)`: only captions lie between): the page reads on
    across it. Order and scores are those of the better-ranked part."""
    joined: list[Hit] = []
    for hit in hits[:window]:
        at = next((i for i, run in enumerate(joined) if _continues(run, hit.passage, limit, photos_between)), None)
        if at is None:
            joined.append(hit)
        else:
            joined[at] = _absorb(joined[at], hit)
    return joined + hits[window:]


def parts(hit: Hit) -> list[Passage]:
    """The corpus passages a hit quotes, in reading order."""
    return hit.parts or [hit.passage]


def joined_passage(pieces: list[Passage], cut: bool = False) -> Passage:
    """One passage quoting `pieces` (paragraphs of one article) in reading order, with
    "[…]" where text between them is left out (paragraphs; after the first piece too
    when it is `cut` from its paragraph); it keeps the first piece's id and position,
    and every piece's sentences and dates."""
    first = pieces[0]
    sentences: list[tuple[int, int]] = []
    text = ""
    for i, (before, piece) in enumerate(zip([None, *pieces], pieces)):
        if before is not None:
            whole = piece.position == before.position + 1 and not (cut and i == 1)
            text += SEPARATOR if whole else GAP
        sentences += [(a + len(text), b + len(text)) for a, b in piece.sentences]
        text += piece.text
    return replace(
        first,
        text=text,
        sentences=sentences,
        dates=sorted({d for p in pieces for d in p.dates}),
    )


def _continues(run: Hit, passage: Passage, limit: int, photos_between: Callable[[Passage, Passage], bool]) -> bool:
    pieces = parts(run)
    if passage.kind != "paragraph" or pieces[0].kind != "paragraph" or passage.document != pieces[0].document:
        return False
    before = passage.position == pieces[0].position - 1 or (
        passage.position < pieces[0].position and photos_between(passage, pieces[0]))
    after = passage.position == pieces[-1].position + 1 or (
        passage.position > pieces[-1].position and photos_between(pieces[-1], passage))
    if not (before or after):
        return False
    return sum(len(p.text) + len(SEPARATOR) for p in pieces) + len(passage.text) <= limit


def _absorb(run: Hit, hit: Hit) -> Hit:
    """A new hit (the ranked hits are left as they were) quoting both, in order."""
    pieces = sorted([*parts(run), *parts(hit)], key=lambda p: p.position)
    also_in = list(run.also_in)
    known = {p.document for p in also_in} | {run.passage.document}
    for other in hit.also_in:
        if other.document not in known:
            also_in.append(other)
            known.add(other.document)
    return replace(run, passage=joined_passage(pieces), parts=pieces, also_in=also_in)
