"""A "when" question is answered only if the passages that tell of its event say when."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa_bot.chunking import sentence_spans
from qa_bot.models import Hit
from qa_bot.when import says_when, untold_time
from tests.test_quotes import hit


def told(text: str, position: int = 0) -> Hit:
    """A paragraph with its sentences marked, as the index stores it."""
    plain = hit(text, position)
    return replace(plain, passage=replace(plain.passage, sentences=sentence_spans(text)))


SHADI = told("Shadi, a teacher, said his friend was killed while crossing the corridors and that his father had "
             "been arrested. The Russians, he said, were trapping people.")
ARRESTS = told("Several residents said family members were detained or arrested after crossing into government-held "
               "areas.")
HANANO = told("On Nov. 26, government forces stormed the Hanano district, their deepest incursion in four years.")
ALABDALLAH = told('Aleppo citizen journalist Hadi Alabdallah called on rebel soldiers to desert. "We have corpses in '
                  'the streets," he said in a video message posted on Twitter.')


@pytest.mark.parametrize(("question", "passages", "untold"), [
    ("When was Shadi's father arrested?", [SHADI], True),  # the arrest is told, and no day
    ("When was Shadi's father arrested?", [ARRESTS], False),  # others' arrests: not the event asked about
    ("When was Shadi's father arrested?", [SHADI, HANANO, ARRESTS, told("His father was arrested on Monday.")],
     True),  # only the first three results are read
    ("When did government forces storm Hanano?", [HANANO], False),
    ("When did the regime's soldiers break into the Hanano quarter?", [HANANO], False),  # reworded: not judged
    ("When did Hadi Alabdallah post his video message?", [ALABDALLAH], True),
    ("When did Hadi Alabdallah post his video message?", [ALABDALLAH, told("Alabdallah posted the video late "
                                                                            "on Monday.", 1)], False),
    ("Who arrested Shadi's father?", [SHADI], False),  # not a "when" question
    ("WHEN WAS SHADI'S FATHER ARRESTED", [SHADI], True),  # typed in capitals
    ("On what date was Shadi's father arrested?", [SHADI], True),
])
def test_a_when_question_needs_a_time_where_its_event_is_told(question: str, passages: list[Hit], untold: bool) -> None:
    assert untold_time(question, passages) is untold


GENEVA = told('Talks between Russian and US experts will continue in Geneva, he said, adding: "There is some '
              'progress, but no agreement."')


@pytest.mark.parametrize(("question", "passages", "focus", "untold"), [
    # "began" is told nowhere: the sentence naming Geneva, the question's rarest name, stands for it
    ("What was the date the Russian-US talks in Geneva on Aleppo began?", [GENEVA], "Geneva", True),
    ("When did the Geneva talks begin?", [GENEVA, told("The Geneva talks opened on Dec. 10.", 1)], "Geneva", False),
    ("What was the date the Russian-US talks in Geneva on Aleppo began?", [GENEVA], None, False),  # no focus
    ("When did the Geneva talks begin?", [HANANO], "Geneva", False),  # Geneva named nowhere: not judged
    # standing for the event by a name only, a sentence must date something: "during" places nothing
    ("When was Kassa appointed deputy governor?", [told("Abdul-Ghani Kassa, the deputy governor, said 750 "
                                                        "families returned during the shelling.")], "Kassa", True),
    ("When was Kassa appointed deputy governor?", [told("Kassa, named deputy governor in March 2015, said 750 "
                                                        "families returned.")], "Kassa", False),
])
def test_without_its_event_the_sentences_naming_the_focus_must_say_when(question: str, passages: list[Hit],
                                                                      focus: str | None, untold: bool) -> None:
    assert untold_time(question, passages, focus) is untold


PALMYRA = told("It came a day after the Islamic State group's recapture of the ancient city of Palmyra on Sunday.")
ERUPTED = told("More than 300,000 people have been killed since Syria's conflict erupted in March 2011.")


@pytest.mark.parametrize(("question", "passages", "untold"), [
    ("When did Palmyra first fall to the Islamic State?", [PALMYRA], True),  # its recapture is dated, by a weekday
    ("When did Syria's conflict first break out?", [ERUPTED], False),  # a year dates a first time
    ("When did government forces first lay siege to eastern Aleppo?",  # a photo's day is no first time's year
     [told("Syrians evacuated from Fuaa arrive in Jibrin, on the outskirts of Aleppo, on December 19, 2016.")], True),
    ("When did the Islamic State recapture Palmyra?", [PALMYRA], False),
    ("When did Kefa Jawish go back to her house for the first time in four years?",
     [told("Kefa Jawish went back to her house in Haydariya on Dec. 4.")], False),  # "first time": not a start
])
def test_the_first_time_something_happened_is_dated_by_a_year(question: str, passages: list[Hit], untold: bool) -> None:
    assert untold_time(question, passages) is untold


EVACUATION = told("The first buses began leaving east Aleppo with evacuees on Thursday, state television said.")


@pytest.mark.parametrize(("question", "passages", "untold"), [
    ("On what date did the Syrian army announce it had retaken all of Aleppo?",
     [told("The army now holds 93 percent of Aleppo, a military source said on Monday."),
      told('"The army is now in full control of Sheikh Saeed," the Observatory said on Dec. 12.')], True),
    ("When did the government announce full control of Aleppo?",
     [told("On Dec. 22 the army announced it had taken full control of Aleppo.")], False),
    ("When did the army take full control of Sheikh Saeed?",
     [told('"The army is now in full control of Sheikh Saeed," the Observatory said on Dec. 12.')], False),
])
def test_a_whole_is_dated_where_it_is_told_as_a_whole(question: str, passages: list[Hit], untold: bool) -> None:
    assert untold_time(question, passages) is untold


@pytest.mark.parametrize(("question", "passages", "untold"), [
    ("When did the evacuation buses finally leave east Aleppo?", [EVACUATION], True),  # its start is no end
    ("When did the last evacuation buses leave east Aleppo?", [EVACUATION], True),
    ("When did the last evacuation buses leave east Aleppo?",
     [told("The last evacuation buses left east Aleppo on Dec. 22.")], False),
    ("When did the evacuation buses leave east Aleppo?", [EVACUATION], False),
    ("When did buses leave east Aleppo in the last two days?", [EVACUATION], False),  # a span, not an end
    # Its verb told nowhere, the sentences about all its nouns must date an end.
    ("When was the evacuation of east Aleppo finally completed?",
     [told("After weeks of fighting, the evacuation of east Aleppo began. The last rebels were days away.")], True),
    ("When was the evacuation of east Aleppo finally completed?",
     [told("The evacuation of east Aleppo ended on Dec. 22, when the last buses left.")], False),
    # Most of its nouns will do ("rebels and civilians" need not both be there); "what
    # date" frames the question and is none of them.
    ("On what date was the evacuation of rebels and civilians from east Aleppo finally completed?",
     [told("After weeks of fighting, thousands of civilians were evacuated from east Aleppo.")], True),
    # Its verbs name no event ("get out"): the end is still asked for and must be dated.
    ("On what date did the last rebels and civilians finally get out of east Aleppo?",
     [told("On Dec. 12, rebels and civilians in east Aleppo were cornered in a few districts.")], True),
    ("On what date did the last rebels and civilians finally get out of east Aleppo?",
     [told("The last rebels and civilians left east Aleppo on Dec. 22, ending the evacuation.")], False),
    ("When did it happen in east Aleppo?", [told("Rebels and civilians fled east Aleppo.")], False),  # no event
])
def test_the_end_of_a_story_is_dated_where_it_is_told_as_an_end(question: str, passages: list[Hit],
                                                                untold: bool) -> None:
    assert untold_time(question, passages) is untold



@pytest.mark.parametrize(("sentence", "timed"), [
    ("Government forces stormed Hanano on Nov. 26.", True),
    ("The army took the district on Monday.", True),
    ("Aleppo has been divided since 2012.", True),
    ("The army is now holding 99 percent of the east.", True),
    ("His father was arrested four years ago.", True),
    ("People in the last few rebel-held neighborhoods wondered whether they were posting their final words.", False),
    ("His father had been arrested.", False),
])
def test_what_counts_as_saying_when(sentence: str, timed: bool) -> None:
    assert says_when(sentence) is timed


def test_without_its_parser_the_check_is_off(without_parser) -> None:
    assert untold_time("When was Shadi's father arrested?", [SHADI]) is False
