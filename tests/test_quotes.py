"""A quote pasted into a question must be in the coverage before anyone is named as saying it."""

from __future__ import annotations

import pytest

from qa_bot.models import Hit, Passage
from qa_bot.quotes import CHECKED, missing_quote, sayings

SLOW_DEATH = "“Life in Aleppo has become a slow death,” said Ahmed al-Shaer, a resident of the east."


def hit(text: str, position: int = 0) -> Hit:
    return Hit(Passage(id=position, text=text, document="a.txt", outlet="The Outlet", published="2016-12-12",
                       title="A title", url=None, authors=[], position=position, kind="paragraph"), 1.0)


OTHERS = [hit("Rebels pulled out of district after district.", 1), hit("The army took Sheikh Saeed.", 2)]


@pytest.mark.parametrize("question", [
    'Who said "life in Aleppo has become a slow death"?',
    "who said “Life in Aleppo has become a slow death”",
    "‘life in aleppo is a slow death’ – who was it?",  # remembered loosely
    "«Life in Aleppo has become a slow death» source?",
])
def test_a_quote_the_coverage_holds_is_found_in_any_form(question: str) -> None:
    assert len(sayings(question)) == 1
    assert not missing_quote(question, [OTHERS[0], hit(SLOW_DEATH, 3)])


def test_a_quote_nobody_in_the_coverage_said_is_missing() -> None:
    question = 'who said "Aleppo will be remembered as the graveyard of the revolution"?'
    assert missing_quote(question, [hit(SLOW_DEATH), *OTHERS])


def test_the_quote_must_be_among_the_first_results() -> None:
    question = 'Who said "life in Aleppo has become a slow death"?'
    late = [*OTHERS, hit("Unrelated.", 5)][:CHECKED] + [hit(SLOW_DEATH, 9)]
    assert missing_quote(question, late)


@pytest.mark.parametrize("question", [
    'Who described Russia and the US as "poles apart"?',  # a term, not a saying
    "What did Assad's forces take on Monday?",  # apostrophes are not quotes
    "Who said the situation was a total collapse?",
])
def test_short_quotes_and_plain_questions_are_not_checked(question: str) -> None:
    assert sayings(question) == [] and not missing_quote(question, OTHERS)


@pytest.mark.slow
def test_the_bot_declines_to_attribute_a_quote_it_cannot_find(real_answerer) -> None:
    from qa_bot.answer import QUOTE_NOT_FOUND

    made_up = real_answerer.ask('who said "Aleppo will be remembered as the graveyard of the revolution"?')
    assert made_up.abstained and made_up.notice == QUOTE_NOT_FOUND and made_up.hits == []
    real = real_answerer.ask('Who said "All sides are deeply culpable"?')
    assert not real.abstained and "Colville" in real.hits[0].passage.text
