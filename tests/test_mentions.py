"""A question asking what the terms were is answered by a passage that tells them."""

from __future__ import annotations

import pytest

from qa_bot.mentions import untold_contents
from tests.test_when import told

RYABKOV = told("'This agreement has not yet been reached, largely because the United States insists on unacceptable "
               "terms,' RIA quoted him as saying.")
TOLD = told("The terms of the deal were that rebels leave with light arms for Idlib.")


@pytest.mark.parametrize("question", [
    "What exactly were the terms the United States insisted on in its talks with Russia?",
    "What were the unacceptable terms the United States insisted on, according to Ryabkov?",
    "Why did the United States' terms seem unacceptable to Russia — what exactly were they?",
    "What exactly were the 'unacceptable terms' the United States was insisting on?",  # quoted back
])
def test_a_passage_that_only_names_the_terms_does_not_tell_them(question: str) -> None:
    assert untold_contents(question, [RYABKOV]) == "terms"
    assert untold_contents(question, [RYABKOV, TOLD]) is None  # one of the first results tells them


@pytest.mark.parametrize(("word", "text", "untold"), [
    ("demands", "Their demands: a ceasefire and safe passage.", None),
    ("details", "Details of the plan, which included a corridor to Idlib, were not released.", None),
    ("conditions", "Under conditions that both sides accepted, fighters would leave by bus.", None),
    ("conditions", "Fighters would leave under the agreed conditions, officials said.", "conditions"),
])
def test_a_word_told_with_its_contents_answers(word: str, text: str, untold: str | None) -> None:
    assert untold_contents(f"What were the {word} of the plan?", [told(text)]) == untold


def test_passages_without_the_word_and_other_questions_are_left_alone() -> None:
    assert untold_contents("What were the terms of the deal?", [told("Rebels will leave with light arms.")]) is None
    assert untold_contents("Who said the United States insists on unacceptable terms?", [RYABKOV]) is None
