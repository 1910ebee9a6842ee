"""A speaker asked for by description is answered only where the coverage names them."""

from __future__ import annotations

import pytest

from qa_bot.anonymous import described_speaker, unnamed_speaker
from tests.test_quotes import hit

GENERAL = hit('The Syrian army is in the "final stages" of recapturing Aleppo after a sudden advance that has '
              'pushed rebels to the brink of collapse, a Syrian general said.')
OFFICIAL = hit('"This area is very important because it facilitates access to al-Amariya," a Syrian official '
               "told Reuters.")
SOURCE = hit("A military source told Reuters that pro-Assad forces have made several more advances in east Aleppo.")
BAN = hit("UN Secretary-General Ban Ki-moon said on Monday he is alarmed by unverified reports of atrocities "
          "against civilians.")
EGELAND = hit("Jan Egeland, the United Nations' humanitarian chief, on Thursday described the two countries as "
              'being "poles apart."')
PRONOUN = hit('"Communications could be cut off at any time," he told MEE.')
TOLL = hit("At least 413 civilians have been killed in east Aleppo since the offensive began.")


@pytest.mark.parametrize(("question", "passages", "unnamed"), [
    ("Which Syrian general said the army was in the final stages of recapturing Aleppo?", [GENERAL],
     "the Syrian general"),
    ("Who was the Syrian general that said the army was in its final stages?", [TOLL, GENERAL],
     "the Syrian general"),
    ("Which Syrian official told Reuters that Sheikh Saeed gives access to al-Amariya?", [OFFICIAL],
     "the Syrian official"),
    ("Which military source told Reuters that pro-Assad forces made more advances in east Aleppo?", [SOURCE],
     "the military source"),
    ("Which UN official said he was alarmed by reports of atrocities against civilians?", [BAN], None),
    ("Which UN official described Russia and the United States as poles apart?", [GENERAL, EGELAND], None),
    ("Which journalist said communications could be cut off at any time?", [PRONOUN], None),  # "he": named before?
    ("Which Syrian general said the army was in the final stages?", [TOLL], None),  # not the sentence asked about
    ("Which Syrian general said the army was in the final stages?", [TOLL] * 3 + [GENERAL], None),  # first three only
    ("What did the Syrian general say about Aleppo?", [GENERAL], None),  # asks what, not who
])
def test_a_described_speaker_is_answered_only_where_named(question: str, passages, unnamed: str | None) -> None:
    assert unnamed_speaker(question, passages) == unnamed


@pytest.mark.parametrize(("question", "described"), [
    ("Which Syrian general said the army was in the final stages of recapturing Aleppo?", "the Syrian general"),
    ("Which UN secretary-general said he was alarmed by reports of atrocities?", "the UN secretary-general"),
    ("Who was the Syrian general that said the army was in the final stages?", "the Syrian general"),
    ("which mother said she would not go to the regime", "the mother"),
])
def test_the_described_speaker_is_read_from_the_question(question: str, described: str) -> None:
    asked = described_speaker(question)
    assert asked is not None and asked.phrase == described and len(asked.said) >= 2


@pytest.mark.parametrize("question", [
    "What did the UN say about Aleppo?",
    "Which district did the army take?",  # no one speaks
    "Which country said nothing?",  # not a person: too little said to find the sentence
    "Who said the army was in the final stages?",  # asks for whoever said it: any answer names or describes them
    "what the % russian officials said the syrian army had captured on fri",  # asks for the figure ("whats the %")
])
def test_questions_that_ask_for_no_described_speaker(question: str) -> None:
    assert described_speaker(question) is None


def test_without_its_parser_the_check_is_off(without_parser) -> None:
    assert unnamed_speaker("Which Syrian general said the army was in the final stages?", [GENERAL]) is None
