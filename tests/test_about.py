"""Questions about the coverage itself are told from questions about what it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_bot.about import asks_about_coverage, asks_about_piece
from qa_bot.answer import Answerer
from qa_bot.embed import HashingEmbedder
from qa_bot.settings import Settings

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


@pytest.fixture(scope="module")
def answerer(hashing_index_dir: Path) -> Answerer:
    return Answerer.load(Settings(corpus_dir=CORPUS, index_dir=hashing_index_dir), HashingEmbedder(64))


@pytest.mark.parametrize("question", [
    "What sources do you have?", "which outlets do you cover", "wat articles r u using",
    "How many articles do you have?", "what do you cover?", "What's your coverage?",
    "list your sources", "where do you get your news from?",
])
def test_questions_about_the_coverage(question: str) -> None:
    assert asks_about_coverage(question)


@pytest.mark.parametrize("question", [
    "Which outlets reported the fall of Palmyra?", "Which outlets covered the evacuation?",
    "What sources did the Post cite for the death toll?", "what do you know about hanano",
    "How many articles of the resolution were agreed?", "What did the sources tell Reuters?",
])
def test_questions_about_what_it_reports(question: str) -> None:
    assert not asks_about_coverage(question)


@pytest.mark.parametrize(("question", "piece"), [
    ("when was the NBC gallery published?", True), ("What is the headline of the Washington Post article?", True),
    ("link to the nyt story pls", True), ("When did the Post publish its story?", True),
    ("What photos did NBC News publish?", False), ("Who wrote the NYT article?", False),
    ("what did the nyt report about hanano", False), ("When was the article published?", False),  # no outlet
])
def test_questions_about_a_piece_name_an_outlet_and_ask_only_for_its_record(answerer: Answerer, question: str,
                                                                            piece: bool) -> None:
    assert asks_about_piece(answerer.retriever.parser.parse(question)) is piece


def test_the_coverage_question_lists_every_article_and_quotes_nothing(answerer: Answerer) -> None:
    answer = answerer.ask("What sources do you have?")
    assert answer.hits == [] and answer.articles == answerer.documents()
    assert answer.notice == "These are the 5 articles I answer from:"


def test_a_piece_question_lists_that_outlets_article(answerer: Answerer) -> None:
    answer = answerer.ask("link to the nyt story pls")
    assert [d.outlet for d in answer.articles] == ["The New York Times"] and answer.hits == []
    assert "The New York Times" in answer.notice
