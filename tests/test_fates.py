"""A question about what became of someone is answered only by a passage that tells it."""

from __future__ import annotations

import pytest

from qa_bot.fates import ASKS_FATE, untold_fate
from tests.test_when import SHADI, told

HALABI = told("“I am waiting to die or be captured by the Assad regime,” wrote Ameen al-Halabi, a photographer. "
              "“Pray for me and always remember us.”")
KAREEM = told("Bilal Abdul Kareem, a journalist trapped in eastern Aleppo, told MEE that communications could be cut "
              "off at any time.")
COUPLE = told("Tajeddin Ahmed takes a picture of his wife, Kefa Jawish, walking past burnt-out cars as they head to "
              "check their house for the first time in four years.")


@pytest.mark.parametrize("question, hits, who", [
    ("Did Ameen al-Halabi survive the fall of Aleppo?", [HALABI], "Ameen al-Halabi"),
    ("Did the photographer Ameen al-Halabi make it out of Aleppo alive?", [HALABI], "the photographer Ameen al-Halabi"),
    ("What happened to Ameen al-Halabi after he posted that he was waiting to die?", [HALABI], "Ameen al-Halabi"),
    ("Did Bilal Abdul Kareem manage to get out of eastern Aleppo?", [KAREEM], "Bilal Abdul Kareem"),
    ("Was Shadi's father released after he was arrested?", [SHADI], "Shadi's father"),
    ("What happened to Shadi's father after he was arrested?", [SHADI], "Shadi's father"),
    ("Did Tajeddin Ahmed and Kefa Jawish find their house still standing?", [COUPLE], "Tajeddin Ahmed and Kefa Jawish"),
    ("Did all of Shadi's children survive the siege?", [SHADI], "Shadi's children"),  # a quantifier before the name
    # "waiting to die or be captured" is no capture; "after his arrest" takes the arrest as given.
    ("Was Ameen al-Halabi captured by government forces?", [HALABI], "Ameen al-Halabi"),
    ("What happened to Shadi's father after his arrest?", [SHADI], "Shadi's father"),
    ("Did Bilal Abdul Kareem and his crew make it out of eastern Aleppo alive?", [KAREEM],
     "Bilal Abdul Kareem and his crew"),  # a longer description
])
def test_a_passage_that_meets_the_person_before_the_outcome_does_not_answer(question: str, hits: list,
                                                                          who: str) -> None:
    assert untold_fate(question, hits) == who


def test_a_question_typed_in_lower_case_finds_its_person_through_the_names_it_holds() -> None:
    question = "did ameen al halabi make it out alive"
    assert untold_fate(question, [HALABI]) is None  # no capitals: no person without the query's names
    assert untold_fate(question, [HALABI], names=["ameen", "halabi"]) == "ameen al halabi"


@pytest.mark.parametrize("question, text", [
    ("Did Ameen al-Halabi survive the fall of Aleppo?", "Ameen al-Halabi, a photographer, survived and reached Idlib."),
    ("Was Shadi's father released?", "Shadi said his father was released on Sunday after two weeks."),
    # The premise is no outcome, but another outcome near the person is.
    ("What happened to Shadi's father after he was arrested?", "Shadi's father was arrested and later died in custody."),
    ("Did Bilal Abdul Kareem get out of eastern Aleppo?", "Bilal Abdul Kareem was evacuated to Idlib on Thursday."),
])
def test_a_passage_that_tells_the_outcome_answers(question: str, text: str) -> None:
    assert untold_fate(question, [told(text)]) is None


def test_an_outcome_far_from_the_person_is_someone_elses() -> None:
    # SHADI: "his friend was killed …" is the friend's fate, many words from the father.
    assert untold_fate("Was Shadi's father released?", [SHADI]) == "Shadi's father"
    near = told("Shadi said his father was killed while crossing the corridors.")
    assert untold_fate("Was Shadi's father released?", [near]) is None


def test_passages_that_do_not_name_the_person_leave_the_question_to_the_other_checks() -> None:
    assert untold_fate("Did Ameen al-Halabi survive the fall of Aleppo?", [KAREEM]) is None


@pytest.mark.parametrize("question", [
    "Did Moscow and Washington manage to strike a deal letting rebel fighters leave Aleppo safely?",
    "What happened to the phones of civilians the Washington Post had contacted?",
    "Did the ceasefire survive the weekend?",  # no person
    "What happened to civilians fleeing Aleppo?",  # people unnamed: the coverage's own story
    "Was Shadi's friend killed?",  # a fate the coverage may well tell: not this check's
    "How does Rania try to keep at least one of her sons alive?",
])
def test_other_questions_are_not_read_as_asking_for_a_fate(question: str) -> None:
    asked = ASKS_FATE.search(question)
    assert asked is None or untold_fate(question, [HALABI, SHADI, KAREEM]) is None
