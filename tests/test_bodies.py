"""A body called by its head word alone opens with the earlier sentence that names it in full."""

from __future__ import annotations

import pytest

from qa_bot.bodies import asks_body, head_word, introduce_body, short_names
from qa_bot.models import Hit
from tests.test_joining import paragraph


INTRODUCED = paragraph(1, "Syria's army seized a major district on Monday. The Syrian Observatory for Human Rights "
                          "said forces loyal to Assad took the Sheikh Saeed district.")
SHORT = paragraph(4, "Air strikes pounded the remaining districts through the night, the Britain-based Observatory said.")


@pytest.mark.parametrize(("question", "asks"), [
    ("Which monitoring group is headed by Rami Abdel Rahman?", True),
    ("Name the monitoring outfit headquartered in Britain that was tallying the dead.", True),
    ("what organisation counts the dead", True),
    ("Who is the head of the monitoring group?", False),  # asks for a person
    ("Which districts fell on Monday?", False),
])
def test_questions_asking_which_body(question: str, asks: bool) -> None:
    assert asks_body(question) is asks


def test_the_head_word_is_the_last_before_a_link() -> None:
    assert head_word("The Syrian Observatory for Human Rights") == "Observatory"
    assert head_word("Security Council") == "Council"
    assert "Observatory" in short_names(SHORT.text)


def test_the_excerpt_opens_with_the_sentence_that_names_the_body_in_full() -> None:
    hit = introduce_body(Hit(SHORT, 1.0), [paragraph(3, "Nothing here."), INTRODUCED])
    assert hit.passage.text.startswith("The Syrian Observatory for Human Rights said forces loyal to Assad")
    assert hit.passage.text.endswith(SHORT.text)
    assert "[…]" in hit.passage.text  # the rest of that paragraph is left out


@pytest.mark.parametrize("text", [
    "The Syrian Observatory for Human Rights said air strikes pounded the districts.",  # already in full
    "Air strikes pounded the districts through the night, monitors said.",  # no short name
])
def test_a_passage_that_needs_no_introduction_is_left_as_it_is(text: str) -> None:
    hit = Hit(paragraph(4, text), 1.0)
    assert introduce_body(hit, [INTRODUCED]) is hit


@pytest.mark.slow
def test_the_real_answer_names_the_observatory_in_full(real_answerer) -> None:
    hit = real_answerer.ask("Which monitoring group is headed by Rami Abdel Rahman?").hits[0]
    assert "Syrian Observatory for Human Rights" in hit.passage.text and "Rami Abdel Rahman" in hit.passage.text
