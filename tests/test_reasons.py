""""Why did X …?" is not answered by a passage that names X only in passing."""

from __future__ import annotations

import pytest

from qa_bot.reasons import named_in_passing
from tests.test_when import told

ADVANCED = told("The resolution, advanced by Canada, received 122 votes in favor and 13 against.")


@pytest.mark.parametrize("question", [
    "Why did Canada decide to sponsor the General Assembly resolution on Syria?",
    "Why did Canada put forward the resolution?", "How come Canada backed the resolution?",
])
def test_a_doer_named_only_as_the_agent_of_a_passive_gives_no_reason(question: str) -> None:
    assert named_in_passing(question, [ADVANCED]) == "Canada"


def test_a_question_typed_in_lower_case_finds_its_doer_through_its_names() -> None:
    assert named_in_passing("why did canada sponsor the resolution", [ADVANCED]) is None
    assert named_in_passing("why did canada sponsor the resolution", [ADVANCED], names=["canada"]) == "Canada"


@pytest.mark.parametrize("passages", [
    [told("Canada said it advanced the resolution because the Security Council had failed.")],  # Canada acts
    [ADVANCED, told("Canadian diplomats said the vote sent a message to Moscow.")],  # Canada speaks too
    [told("The resolution passed with 122 votes.")],  # Canada unnamed: not this check's to decide
])
def test_a_doer_named_as_one_who_acts_or_speaks_is_left_to_the_passages(passages: list) -> None:
    assert named_in_passing("Why did Canada sponsor the resolution?", passages) is None


@pytest.mark.parametrize("question", [
    "Why did the army care so much about capturing Sheikh Saeed?",  # no named doer
    "Why is Aleppo's Old City considered internationally important?",  # not "why did"
    "Which country advanced the resolution?",
])
def test_other_questions_are_not_checked(question: str) -> None:
    assert named_in_passing(question, [ADVANCED, told("Government forces were backed by Russia.")]) is None
