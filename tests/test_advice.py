"""Requests for advice, recipes or instructions are told what the bot does, before any search."""

from __future__ import annotations

import pytest

from qa_bot.advice import asks_advice
from qa_bot.answer import question_problem


@pytest.mark.parametrize("question", [
    "What's a good recipe for banana bread?", "Got a good recipe for banana bread?",
    "Can you give me a good recipe for banana bread?", "How do I reset my iPhone to factory settings?",
    "how do i make a sourdough starter", "How long should I boil an egg to get a runny yolk?",
    "best pizza place near me thats open late lol", "any good python library for plotting charts?",
    "Should I travel to Syria this year?", "Where can I buy a cheap laptop?", "How to keep a sourdough starter alive",
    "can you recommend a good laptop for programming under $1000?",
])
def test_requests_for_advice_recipes_or_instructions_are_told_apart(question: str) -> None:
    assert asks_advice(question)
    assert "can't give advice" in question_problem(question)


@pytest.mark.parametrize("question", [
    "What were the children in Hanano waiting for?", "Can you tell me who said the battle had reached its end?",
    "Do you know where the evacuees from Fuaa were taken?", "What is the best estimate of the death toll?",
    "How did the army take Sheikh Saeed?", "What was the price of bread in east Aleppo?",
    "Which neighbourhood did people fleeing Bustan al-Qasr end up in?", "How many people fled, according to the Post?",
])
def test_questions_about_what_the_coverage_reports_are_searched(question: str) -> None:
    assert not asks_advice(question)
    assert question_problem(question) is None


def test_the_bot_declines_a_recipe_without_searching(real_answerer) -> None:
    answer = real_answerer.ask("What's a good recipe for banana bread?")
    assert answer.abstained and answer.hits == [] and "recipes" in answer.notice
