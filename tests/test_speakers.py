"""A quote attributed by surname or pronoun opens with the sentence that names its speaker."""

from __future__ import annotations

import re

import pytest

from qa_bot.joining import GAP, SEPARATOR, joined_passage
from qa_bot.models import Hit, Passage
from qa_bot.speakers import attributes_by_pronoun, introduce_speaker, quoted_surname


def paragraph(position: int, text: str) -> Passage:
    sentences = [m.span() for m in re.finditer(r"[^.!?]+[.!?]+[”\"]?", text)]
    return Passage(id=position, text=text, document="nyt.txt", outlet="The New York Times", published="2016-12-09",
                   title="A title", url=None, authors=[], position=position, kind="paragraph", sentences=sentences)


INTRODUCED = paragraph(13, "Rupert Colville, a spokesman for the UN rights office, said men had vanished. "
                           "Families lost contact.")
QUOTE = paragraph(18, "“Civilians are caught between warring parties,” Mr. Colville said. “All sides are deeply culpable.”")
FULL = paragraph(26, "Russian Deputy Foreign Minister Sergei Ryabkov said on Sunday that no deal was reached.")
SURNAME = paragraph(27, "“Western agencies do not report reality,” Ryabkov said.")
PRONOUN = paragraph(28, "“The United States insists on unacceptable terms,” RIA quoted him as saying.")


@pytest.mark.parametrize(("text", "surname"), [
    (QUOTE.text, "Colville"),
    ("“Life here is a slow death,” Shaer said.", "Shaer"),
    ("“We will not leave,” said Ms. Hadid.", "Hadid"),
    ("Ahmed al-Shaer said life was hard. “A slow death,” Shaer said.", None),  # named in full already
    ("“We cannot leave,” residents said. Officials said nothing.", None),  # not names
])
def test_the_surname_a_quote_is_attributed_to(text: str, surname: str | None) -> None:
    assert quoted_surname(text) == surname


def test_a_pronoun_attribution_is_one_with_nobody_named_saying_anything() -> None:
    assert attributes_by_pronoun(PRONOUN.text)
    assert not attributes_by_pronoun(SURNAME.text) and not attributes_by_pronoun(INTRODUCED.text)
    # "He said" opening a sentence is the pronoun again, not a name saying something
    assert attributes_by_pronoun('"There are corpses in the streets," he said in a video. He said one bomb could '
                                 'cause a massacre.')


def test_a_quote_by_surname_opens_with_the_sentence_naming_the_speaker() -> None:
    quote = "“All sides are deeply culpable.”"
    start = QUOTE.text.index(quote)
    hit = introduce_speaker(Hit(QUOTE, 1.0, highlight=(start, start + len(quote))), [paragraph(17, "Other news."),
                                                                                      INTRODUCED])
    first_sentence = "Rupert Colville, a spokesman for the UN rights office, said men had vanished."
    assert hit.passage.text == first_sentence + GAP + QUOTE.text  # the rest of its paragraph is left out
    assert [p.position for p in hit.parts] == [13, 18]
    a, b = hit.highlight
    assert hit.passage.text[a:b] == quote  # the highlight moved with the text


def test_a_pronoun_is_followed_back_to_the_last_speaker_and_then_to_the_full_name() -> None:
    hit = introduce_speaker(Hit(PRONOUN, 1.0), [SURNAME, FULL])
    assert hit.passage.text.startswith("Russian Deputy Foreign Minister Sergei Ryabkov said on Sunday")
    assert hit.passage.text.endswith(PRONOUN.text) and [p.position for p in hit.parts] == [26, 28]


@pytest.mark.parametrize(("quote", "earlier"), [
    (QUOTE, [paragraph(17, "Other news.")]),  # the full name is not near
    (INTRODUCED, [FULL]),  # nobody is quoted by surname or pronoun
    (paragraph(5, "“We will stay,” he said."), []),  # nobody before to follow back to
])
def test_a_quote_whose_speaker_cannot_be_found_is_left_as_it_is(quote: Passage, earlier: list[Passage]) -> None:
    hit = Hit(quote, 1.0)
    assert introduce_speaker(hit, earlier) is hit


def test_joined_paragraphs_are_marked_where_text_is_left_out() -> None:
    assert joined_passage([SURNAME, PRONOUN]).text == SURNAME.text + SEPARATOR + PRONOUN.text
    assert joined_passage([FULL, PRONOUN]).text == FULL.text + GAP + PRONOUN.text
    joined = joined_passage([FULL, SURNAME], cut=True)
    assert joined.text == FULL.text + GAP + SURNAME.text
    a, b = joined.sentences[-1]
    assert joined.text[a:b] == SURNAME.text


@pytest.mark.slow
def test_the_bot_names_who_said_a_quote_attributed_by_surname(real_answerer) -> None:
    first = real_answerer.ask('Who said "All sides are deeply culpable"?').hits[0]
    assert first.passage.text.startswith("Rupert Colville") and "deeply culpable" in first.passage.text
    a, b = first.highlight
    assert "deeply culpable" in first.passage.text[a:b]
    # Not a who-question: the excerpt is the quote's own paragraph.
    what = real_answerer.ask('What did the UN rights office spokesman say about "all sides"?').hits
    assert not any(h.passage.text.startswith("Rupert Colville") and GAP in h.passage.text for h in what)


def test_a_pronoun_whose_speaker_has_one_name_opens_with_the_sentence_where_they_speak() -> None:
    rania = paragraph(50, "Rania, a mother of four, said she splits her children between two homes.")
    quote = paragraph(52, "Everyone, she said, is waiting to die. “We will die of hunger,” she vowed.")
    hit = introduce_speaker(Hit(quote, 1.0), [paragraph(51, "“They want to kill us.”"), rania])
    assert hit.passage.text == rania.text + GAP + quote.text


# --- "what did X say": answered only where X says something -------------------------------

from qa_bot.speakers import AskedSpeaker, asked_speaker, unheard_speaker  # noqa: E402
from tests.test_quotes import hit  # noqa: E402

THANKING = hit("Many people who escaped eastern Aleppo have been filmed thanking government forces and "
               "President Bashar al-Assad for their rescue.")
LAVROV = hit("Mr. Lavrov said military operations would go on until bandits leave eastern Aleppo.")
ACCORDING = hit("According to Rami Abdel Rahman, the monitor's director, the rebels are collapsing.")
QUOTED = hit('"There is some progress, but no agreement," RIA quoted Ryabkov as saying.')
UN = hit("United Nations officials said some rebel groups had prevented civilians from leaving.")


@pytest.mark.parametrize(("question", "passages", "unheard"), [
    ("What did Assad say in his speech after retaking Aleppo?", [THANKING], "Assad"),
    ("What did Bashar al-Assad say in his speech?", [THANKING], "Bashar al-Assad"),
    ("What did Assad say in his speech?", [THANKING, LAVROV, UN, hit("Assad said the war was won.")],
     "Assad"),  # only the first three results are read
    ("What did Lavrov say about the military operations?", [THANKING, LAVROV], None),
    ("What did Sergey Lavrov tell reporters?", [LAVROV], None),  # the surname suffices
    ("What did Rami Abdel Rahman say about the rebels?", [ACCORDING], None),
    ("What did Ryabkov say about the talks?", [QUOTED], None),
    ("What did Ryabkov say about the talks?", [hit("Ryabkov was quoted as saying there was progress.")], None),
    ("What did Assad say?", [hit("The UN accused Assad forces of executing civilians.")], "Assad"),  # accused ≠ spoke
    ("What did Lavrov say?", [hit("Lavrov was told by reporters that the talks had failed.")], "Lavrov"),
    ("what did the UN say happened to the men?", [UN], None),  # an abbreviation and its spelling
    ("WHAT DID PRESIDENT OBAMA SAY ABOUT THE FALL OF ALEPPO", [LAVROV, UN], "president obama"),
    ("What did the residents say about the rebels?", [THANKING], None),  # no name: not checked
    ("What did Iran's foreign ministry say about Aleppo?",
     [hit("Russia's defence ministry said on Monday that 728 rebels laid down their weapons.")],
     "Iran's foreign ministry"),  # another ministry speaks
    ("Who did Assad thank?", [THANKING], None),  # not a "what did X say" question
    # a lower-case name the parser cannot read, alone in the speaker's place
    ("what did trump say about aleppo falling", [LAVROV, UN], "trump"),
    ("what did lavrov say about aleppo", [LAVROV], None),
    ("what did residents say about it", [THANKING], None),  # no name: not checked
    ("Did Assad himself say anything publicly about retaking Aleppo?", [THANKING], "Assad himself"),
    ("Did Lavrov say anything about the operations?", [LAVROV], None),
    # asked by title, heard only where someone with that title speaks
    ("What did the UN special envoy for Syria say?", [UN], "the UN special envoy for Syria"),
    ("What did the UN special envoy for Syria say?",
     [hit("The UN special envoy for Syria, Staffan de Mistura, said the talks would resume.")], None),
    ("What did the Syrian Observatory director say?",
     [hit("The Syrian Observatory head Rami Abdel Rahman told AFP the battle was over.")], None),  # the same title
    ("What reason did China's UN ambassador give for blocking the text?", [UN], "China's UN ambassador"),
    ("What reason did Moscow's number-two diplomat give for the delay?",
     [hit("Russian Deputy Foreign Minister Sergei Ryabkov said Moscow had not reached an agreement.")],
     None),  # a description, not a title: any Moscow speaker may be the one
])
def test_what_someone_said_is_answered_only_where_they_speak(question: str, passages: list[Hit],
                                                             unheard: str | None) -> None:
    assert unheard_speaker(question, passages, names_outlet=False) == unheard


def test_in_lower_case_the_corpus_says_which_words_are_names() -> None:
    """The parser reads a lower-case "assad" as an adverb; the query's names (the words
    the corpus writes as names) say it is one, and so does its place: one word that is
    not everyday English between "what did" and "say"."""
    question = "what did assad say after aleppo fell"
    assert asked_speaker(question) == AskedSpeaker("assad", "assad")
    assert asked_speaker("what did assad and his generals say after aleppo fell") is None
    assert unheard_speaker(question, [THANKING], names_outlet=False, names=["assad", "aleppo"]) == "assad"
    assert unheard_speaker("what did lavrov say", [LAVROV], names_outlet=False, names=["lavrov"]) is None


def test_a_question_naming_an_outlet_asks_what_it_reported() -> None:
    """"What did the Post say Ban Ki-moon was alarmed by?": the outlet speaks, not Ban."""
    question = "What did the Washington Post say Ban Ki-moon was alarmed by?"
    assert unheard_speaker(question, [THANKING], names_outlet=True) is None


def test_the_asked_speaker_is_the_last_word_of_the_subjects_name() -> None:
    assert asked_speaker("What did US Secretary of State John Kerry say about the talks?") == AskedSpeaker(
        "Kerry", "US Secretary of State John Kerry")
    assert asked_speaker("What did Bashar al-Assad say?") == AskedSpeaker("Assad", "Bashar al-Assad")
    assert asked_speaker("What did the monitor's chief say?") is None
    # a lower-case word the parser calls a proper noun is no name in a question with capitals
    assert asked_speaker("What did Iran's foreign ministry say about the victory?") == AskedSpeaker(
        "Iran", "Iran's foreign ministry")
    assert asked_speaker("What did Russia's defence minister say?") == AskedSpeaker(
        "Russia", "Russia's defence minister", "minister")


def test_a_reaction_or_a_feeling_is_asked_of_its_holder() -> None:
    """ "How did Iran respond?" is answered where Iran says something, as "what did Iran say?" is."""
    assert asked_speaker("How did Iran's government respond to Jan Egeland's tweet?").name == "Iran"
    assert asked_speaker("How did Kefa Jawish feel when she saw her house?").name == "Jawish"
    assert asked_speaker("What did Jan Egeland think of the talks?").name == "Egeland"
    assert asked_speaker("How did the rebels react?") is None  # no name: any passage may tell


def test_a_name_in_a_clause_of_the_subject_is_not_the_speaker() -> None:
    """Twitter does not speak in "the reporter who put out a video on Twitter"."""
    question = "That citizen reporter who put out a video on Twitter - what did he tell the fighters to do?"
    assert asked_speaker(question) is None
    assert asked_speaker("What did Bilal Abdul Kareem, who filmed on Twitter, tell the fighters to do?").name == "Kareem"


def test_without_its_parser_the_speaker_check_is_off(without_parser) -> None:
    assert unheard_speaker("What did Assad say in his speech?", [THANKING], names_outlet=False) is None


@pytest.mark.slow
def test_a_speaker_named_in_full_at_the_top_of_a_long_article_is_found(real_answerer) -> None:
    """Middle East Eye names Rami Abdel Rahman in its fourth paragraph and writes "Observatory
    director Rahman said" some twenty paragraphs later."""
    hit = real_answerer.ask("Who is the head of the Syrian Observatory for Human Rights?").hits[0]
    assert "Observatory director Rahman said" in hit.passage.text
    assert hit.passage.text.index("Rami Abdel Rahman") < hit.passage.text.index("director Rahman")
