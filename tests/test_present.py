"""Questions about today or what comes next, put to coverage that has ended."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qa_bot.answer import Answerer
from qa_bot.embed import HashingEmbedder
from qa_bot.present import asks_after, asks_later
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


DECEMBER = ["2016-12-13", "2016-12-16", "2016-12-12"]


@pytest.mark.parametrize("question", [
    "Did rebels ever manage to take the Sheikh Saeed district back?",
    "In which town did the evacuated rebels eventually settle?",
    "Did the Security Council later pass a resolution on monitors?",
    "What did UNESCO decide about the Old City after the fighting ended?",
    "What was the final toll once the battle was over?", "How many hospitals were rebuilt after 2016?",
    "What happened to the families in the end?", "Has Aleppo been rebuilt since then?",
    "How many of the missing men were later released?",
])
def test_what_came_later_is_beyond_first_results_that_span_days(question: str) -> None:
    assert asks_later(question, DECEMBER)


@pytest.mark.parametrize("question", [
    "Which areas did the army take afterwards?", "When did the army finally take Sheikh Saeed?",
    "What did the UN say later that day?", "Who later told Reuters about it?",
    "What did the monitor say about the offensive?", "Where did people fleeing Bustan al-Qasr end up?",
])
def test_questions_that_order_events_inside_the_coverage_are_left_alone(question: str) -> None:
    assert not asks_later(question, DECEMBER)


def test_first_results_spanning_months_may_tell_what_came_later() -> None:
    question = "Did the rebels ever retake Sheikh Saeed?"
    assert not asks_later(question, ["2016-12-13", "2017-06-01", "2016-12-12"])
    assert not asks_later(question, [None, "not a date"])


def test_the_answerer_says_the_coverage_ends_too_soon_after(hashing_index_dir: Path) -> None:
    answerer = Answerer.load(Settings(corpus_dir=CORPUS, index_dir=hashing_index_dir), HashingEmbedder(64))
    answer = answerer.ask("Did the rebels ever take the Sheikh Saeed district back?")
    assert answer.abstained and answer.hits == [] and "what came of it later" in answer.notice
    assert "later" not in (answerer.ask("Did the rebels take the Sheikh Saeed district back?").notice or "")
