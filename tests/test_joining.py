"""Adjacent paragraphs of one article that both rank near the top are quoted as one excerpt."""

from __future__ import annotations

import re

import pytest

from qa_bot.joining import SEPARATOR, join_adjacent, joined_passage, parts
from qa_bot.models import Hit, Passage
from qa_bot.render import hit_json

LEDE = "At the United Nations on Friday, a large majority voted for a resolution. It calls for a pause."
FIGURES = "The resolution, advanced by Canada, received 122 votes in favor. Thirty-six members abstained."


def paragraph(position: int, text: str, document: str = "a.txt", kind: str = "paragraph",
              dates: list[str] | None = None) -> Passage:
    sentences = [(m.start(), m.end()) for m in re.finditer(r"\S[^.]*\.", text)]
    return Passage(id=100 + position, text=text, document=document, outlet="The Outlet", published="2016-12-09",
                   title="A title", url="https://example.com/a", authors=["A. Writer"], position=position,
                   kind=kind, sentences=sentences, dates=dates or [])  # type: ignore[arg-type]


def hit(passage: Passage, score: float, also: list[Passage] | None = None) -> Hit:
    return Hit(passage, score, also_in=also or [])


def test_the_paragraph_after_the_best_one_joins_it_in_reading_order() -> None:
    hits = join_adjacent([hit(paragraph(26, FIGURES), 0.9), hit(paragraph(3, "Elsewhere."), 0.8),
                          hit(paragraph(25, LEDE), 0.7)])
    assert len(hits) == 2
    first = hits[0]
    assert first.passage.text == LEDE + SEPARATOR + FIGURES  # the lede first, though it ranked lower
    assert [p.position for p in parts(first)] == [25, 26]
    assert first.score == 0.9 and first.passage.position == 25
    assert hits[1].passage.text == "Elsewhere."


def test_joined_sentences_point_at_the_same_words() -> None:
    pieces = [paragraph(25, LEDE, dates=["2016-12-09"]), paragraph(26, FIGURES, dates=["2016-12-08"])]
    joined = joined_passage(pieces)
    expected = [piece.text[a:b] for piece in pieces for a, b in piece.sentences]
    assert [joined.text[a:b] for a, b in joined.sentences] == expected
    assert joined.dates == ["2016-12-08", "2016-12-09"]
    assert (joined.outlet, joined.published, joined.url, joined.document) == ("The Outlet", "2016-12-09",
                                                                             "https://example.com/a", "a.txt")


@pytest.mark.parametrize("other", [
    paragraph(27, FIGURES),  # not adjacent: one paragraph between
    paragraph(26, FIGURES, document="b.txt"),  # another article
    paragraph(26, FIGURES, kind="caption"),  # photo captions each describe their own picture
])
def test_only_adjacent_paragraphs_of_one_article_join(other: Passage) -> None:
    hits = join_adjacent([hit(paragraph(25, LEDE), 0.9), hit(other, 0.8)])
    assert [h.passage.text for h in hits] == [LEDE, FIGURES]
    assert all(not h.parts for h in hits)


@pytest.mark.parametrize("later_first", [False, True])
def test_a_photo_between_two_paragraphs_does_not_part_them(later_first: bool) -> None:
    """The page reads on across a photo set between paragraphs; the caption is left out,
    and the gap is marked."""
    lede, figures = paragraph(25, LEDE), paragraph(27, FIGURES)
    ranked = [hit(figures, 0.9), hit(lede, 0.8)] if later_first else [hit(lede, 0.9), hit(figures, 0.8)]
    photo_between = lambda a, b: (a.position, b.position) == (25, 27)  # noqa: E731
    (joined,) = join_adjacent(ranked, photos_between=photo_between)
    assert joined.passage.text == LEDE + "\n\n[…]\n\n" + FIGURES
    assert join_adjacent(ranked) == ranked  # without a photo between: a paragraph is left out, no join


@pytest.mark.slow
def test_the_retriever_joins_paragraphs_across_a_photo_only(real_answerer) -> None:
    """In the NYT page, a photo stands between "escorted hundreds of the displaced back" and
    "officials have told families to move into any available abandoned apartments"."""
    retriever = real_answerer.retriever
    passages = retriever.passages
    back = next(p for p in passages if "escorted hundreds of the displaced back" in p.text)
    told = next(p for p in passages if "abandoned apartments" in p.text)
    assert retriever._photos_between(back, told)
    assert not retriever._photos_between(passages[back.id - 2], told)  # a paragraph between too
    hit = real_answerer.ask("Where were families sent back to wrecked, recaptured districts told to live?").hits[0]
    assert "escorted hundreds of the displaced back" in hit.passage.text and "abandoned apartments" in hit.passage.text


def test_a_run_of_three_joins_while_it_stays_short_enough() -> None:
    run = [hit(paragraph(5, "Middle one."), 0.9), hit(paragraph(4, "First one."), 0.8), hit(paragraph(6, "Last one."), 0.7)]
    (joined,) = join_adjacent(run)
    assert joined.passage.text == SEPARATOR.join(["First one.", "Middle one.", "Last one."])
    short = join_adjacent(run, limit=len("First one.Middle one.") + 2 * len(SEPARATOR))
    assert [h.passage.text for h in short] == ["First one." + SEPARATOR + "Middle one.", "Last one."]


def test_results_below_the_window_are_left_alone() -> None:
    hits = [hit(paragraph(25, LEDE), 0.9)] + [hit(paragraph(50 + i, f"Other {i}.", document=f"d{i}"), 0.8 - i / 100)
                                              for i in range(5)] + [hit(paragraph(26, FIGURES), 0.1)]
    assert len(join_adjacent(hits, window=5)) == len(hits)
    assert len(join_adjacent(hits, window=len(hits))) == len(hits) - 1


def test_joined_excerpt_lists_every_other_outlet_once() -> None:
    nbc, globe = paragraph(1, LEDE, document="nbc.txt"), paragraph(1, FIGURES, document="globe.txt")
    hits = join_adjacent([hit(paragraph(25, LEDE), 0.9, [nbc]), hit(paragraph(26, FIGURES), 0.8, [nbc, globe])])
    assert [p.document for p in hits[0].also_in] == ["nbc.txt", "globe.txt"]


def test_json_names_every_paragraph_an_excerpt_quotes() -> None:
    (joined,) = join_adjacent([hit(paragraph(26, FIGURES), 0.9), hit(paragraph(25, LEDE), 0.8)])
    data = hit_json(joined)
    assert data["positions"] == [25, 26] and data["position"] == 25
    assert hit_json(hit(paragraph(3, LEDE), 0.5))["positions"] == [3]


@pytest.mark.slow
def test_the_un_vote_figures_come_with_the_paragraph_the_question_matches(real_answerer) -> None:
    """The question matches the NYT lede on the vote; the count is in the next paragraph."""
    answer = real_answerer.ask("How many votes in favor did the UN General Assembly resolution on Syria receive?")
    first = answer.hits[0]
    assert "large majority of members voted" in first.passage.text and "122 votes in favor" in first.passage.text
    assert len(parts(first)) == 2 and first.passage.outlet == "The New York Times"
    start, end = first.highlight
    assert "122 votes in favor" in first.passage.text[start:end]
    others = [h.passage.text for h in answer.hits[1:]]
    assert not any("122 votes" in text for text in others)  # quoted once, not again below


def test_a_joined_excerpt_renders_with_its_highlight_in_the_second_paragraph() -> None:
    from qa_bot.models import Answer
    from qa_bot.render import answer_html, hit_text

    lede, figures = paragraph(25, "Members voted on <Friday> & more."), paragraph(26, FIGURES)
    (joined,) = join_adjacent([hit(figures, 0.9), hit(lede, 0.8)])
    start = joined.passage.text.index("The resolution")
    joined.highlight = (start, start + len("The resolution, advanced by Canada, received 122 votes in favor."))
    (message,) = answer_html(Answer("q?", abstained=False, hits=[joined]))
    assert "Members voted on &lt;Friday&gt; &amp; more.\n\n<b>The resolution, advanced by Canada," in message
    assert "122 votes in favor.</b> Thirty-six" in message
    assert "**The resolution" in hit_text(joined, 1)
