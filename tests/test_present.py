"""Questions about today or what comes next, put to coverage that has ended."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qa_bot.answer import Answerer
from qa_bot.embed import HashingEmbedder
from qa_bot.present import asks_after
from qa_bot.settings import Settings
from tests.conftest import CORPUS

LATER = date(2026, 12, 3)


@pytest.mark.parametrize("question", [
    "Will it rain in London tomorrow?", "What time is sunrise in Damascus today?",
    "What will the weather be like in Boston this weekend?", "What's the weather forecast for Berlin?",
    "How many people live in Idlib province nowadays?", "Who will win the election next year?",
])
def test_a_question_about_today_or_later_is_beyond_coverage_that_has_ended(question: str) -> None:
    assert asks_after(question, "2016-12-13", LATER)


@pytest.mark.parametrize("newest, today", [("2026-12-03", LATER), ("2026-12-02", LATER), (None, LATER),
                                           ("not a date", LATER)])
def test_coverage_kept_up_to_date_or_undated_answers_such_questions(newest: str | None, today: date) -> None:
    assert not asks_after("What happened in Aleppo today?", newest, today)


@pytest.mark.parametrize("question", [
    "What did the Post say was happening in Aleppo on Monday?", "Where are the rebels now?",
    "Who told residents they would be safe this week?", "When will the talks in Geneva continue?",
])
def test_questions_that_do_not_place_themselves_in_the_present_are_left_alone(question: str) -> None:
    assert not asks_after(question, "2016-12-13", LATER)


def test_the_answerer_tells_what_the_coverage_spans_instead(hashing_index_dir: Path) -> None:
    answerer = Answerer.load(Settings(corpus_dir=CORPUS, index_dir=hashing_index_dir), HashingEmbedder(64))
    stale = Answerer(answerer.index, answerer.embedder, today=lambda: LATER)
    answer = stale.ask("Will it rain in Aleppo tomorrow?")
    assert answer.abstained and answer.hits == [] and "ends before today" in answer.notice
    newest = max(d.published for d in answerer.documents() if d.published)
    current = Answerer(answerer.index, answerer.embedder, today=lambda: date.fromisoformat(newest))
    assert "ends before today" not in (current.ask("Will it rain in Aleppo tomorrow?").notice or "")
