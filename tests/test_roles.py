"""A question that asks for a name is answered only when a passage names whoever holds
the role; passages about the role that never name its holder are not an answer."""

from __future__ import annotations

import pytest

from qa_bot.roles import _joined, asked_role, unnamed_members, unnamed_role
from tests.test_quotes import hit

COLVILLE = hit("Rupert Colville, a spokesman for the United Nations high commissioner for human rights, said "
               "family members had reported that hundreds of men had gone missing.")
ASSAD = hit("A picture of Syria's President Bashar al-Assad in Ramouseh. (Omar Sanadiki/Reuters)")
KASSA = hit("Abdul-Ghani Kassa, Aleppo's deputy governor, said some 750 families have so far returned.")
ENVOY = hit('"He has instructed his Special Envoy for Syria to follow up urgently with the parties '
            'concerned," UN spokesman Stephane Dujarric said.')
RYABKOV = hit("Russian Deputy Foreign Minister Sergei Ryabkov said on Sunday that Moscow had not reached "
              "an agreement with the United States.")
MONTHER = hit("Monther, who was training as an optician before the war, explained his family's dilemma.")
BOY = hit("A Syrian boy rides a bike adorned with a Syrian flag in Hanano. (Hassan Ammar / AP)")
PALMYRA = hit("It came a day after the Islamic State group's recapture of the ancient city of Palmyra.")
MOSQUE = hit("Pro-government forces take a selfie in the courtyard of the ancient Umayyad mosque. (AFP)")
PSEUDONYM = hit("“It’s a total collapse,” said Rami Abdulrahman, the pseudonym of the director of the "
                "Britain-based Syrian Observatory for Human Rights.")
WIFE = hit("Tajeddin Ahmed takes a picture of his wife, Kefa Jawish, walking past burnt-out cars.")
SHADI = hit("Shadi, a teacher, who lives with his wife and five children in east Aleppo, said his father "
            "had been arrested.")
SERVES = hit("A spokesman for Bashar al-Assad denied the reports on Monday.")


@pytest.mark.parametrize(("question", "passage", "unnamed"), [
    # titles: a name must stand beside the title, and the passage must carry its qualifiers
    ("Who is the spokesman for the UN high commissioner for human rights?", COLVILLE, None),
    ("Who was the United Nations high commissioner for human rights?", COLVILLE,
     "the United Nations high commissioner for human rights"),
    ("Who is the president of Syria?", ASSAD, None),
    ("Who is the president of Iran?", ASSAD, "the president of Iran"),
    ("Who is Aleppo's deputy governor?", KASSA, None),
    ("Who is the governor of Aleppo?", KASSA, "the governor of Aleppo"),  # the deputy is another role
    ("What is the name of the UN special envoy for Syria?", ENVOY, "the UN special envoy for Syria"),
    ("What is the name of the UN spokesman?", ENVOY, None),
    ("Who is Russia's defence minister?", RYABKOV, "Russia's defence minister"),
    ("Who is Russia's deputy foreign minister?", RYABKOV, None),
    ("who is the spokesman for assad", SERVES, "the spokesman for assad"),  # Assad is whom he serves
    ("Who is the head of the Syrian Observatory?", PSEUDONYM, None),  # head ~ director
    ("What is the real name of the director of the Syrian Observatory?", PSEUDONYM,
     "the director of the Syrian Observatory by a real name"),
    # people and places described: the passage may describe them in other words
    ("What is the name of the Aleppo resident who was training as an optician?", MONTHER, None),
    ("What's the name of the boy riding a bike adorned with a Syrian flag?", BOY, "the boy"),  # credit ≠ name
    ("Name the ancient city that the Islamic State group recaptured.", PALMYRA, None),
    ("Name the mosque where pro-government forces took a selfie.", MOSQUE, None),
    ("Who is Kefa Jawish's husband?", WIFE, None),  # kin are named from either side
    ("Who is Tajeddin Ahmed's spouse?", WIFE, None),  # a spouse is a wife or a husband
    ("What is the name of the teacher Shadi's spouse?", SHADI, "the teacher Shadi's spouse"),
    ("What is Monther's family name?", MONTHER, "Monther by a full name"),
    ("What is the last name of Shadi, the teacher?", SHADI, "Shadi by a full name"),  # a longer name holding "Shadi"
    ("What is the surname of Shadi, the teacher?", SHADI, "Shadi by a full name"),
    ("What is Shadi's surname?", SHADI, "Shadi by a full name"),
    ("what's Monther's baby son called?", hit("Monther lives with his wife and four-month-old son."),
     "Monther's baby son"),
    ("What is the Syrian state news agency called?", hit("More than 3,500 left, the Syrian state news agency SANA said."),
     None),
    ("do you know who the US secretary of state was", RYABKOV, "the US secretary of state"),
    # asked for as names, in the plural
    ("What are the names of the Iran-backed Shia militias?", hit("Iran-backed Shia militias fought in the east."),
     "the Iran-backed Shia militias"),
    ("What are the names of the Iran-backed Shia militias?",
     hit("Fighters of the Iran-backed Shia militia Harakat al-Nujaba fought in the east."), None),
])
def test_a_name_is_given_only_where_a_passage_names_the_role(question: str, passage, unnamed: str | None) -> None:
    assert unnamed_role(question, [passage]) == unnamed


QUOTED_HEAD = hit('"The army is now in full control of Sheikh Saeed," Syrian Observatory head Rami Abdel Rahman '
                  "told AFP.")


EGELAND = hit("Meanwhile, UN humanitarian adviser on Syria Jan Egeland said in a tweet that the Syrian and "
              "Russian governments must be held responsible.")
SECRETARY_GENERAL = hit("UN Secretary-General Ban Ki-moon said on Monday he is alarmed by unverified reports. "
                        '"He has instructed his Special Envoy for Syria to follow up urgently with the parties '
                        'concerned," a spokesman said in a statement.')


def test_the_best_passage_that_speaks_of_the_role_decides_even_with_its_qualifiers_far_off() -> None:
    """ "UN" stands two sentences before "his Special Envoy for Syria": the passage still
    speaks of the envoy, names no one beside him, and a later passage's name (Egeland,
    another UN official) is not his."""
    question = "who was the UN special envoy for syria that ban ki-moon told to follow up?"
    assert unnamed_role(question, [SECRETARY_GENERAL, EGELAND]) == "the UN special envoy for syria"
    named = hit("UN Secretary-General Ban Ki-moon said he has instructed his Special Envoy for Syria, "
                "Staffan de Mistura, to follow up urgently.")
    assert unnamed_role(question, [named, EGELAND]) is None


def test_a_pseudonym_one_passage_gives_away_is_no_real_name_in_another() -> None:
    question = "What is the real name of the director of the Syrian Observatory for Human Rights?"
    assert unnamed_role(question, [QUOTED_HEAD, PSEUDONYM]) == "the director of the Syrian Observatory by a real name"
    assert unnamed_role("Who is the head of the Syrian Observatory?", [QUOTED_HEAD, PSEUDONYM]) is None


def test_the_real_name_behind_a_pseudonym_the_question_gives_stands_beside_it() -> None:
    """Only the question names the pseudonym: "Rami Abdel Rahman" elsewhere is the same
    name spelt otherwise, and "Sheikh Saeed" in its sentence is a district."""
    question = "What is the real name of the man who goes by the pseudonym Rami Abdulrahman?"
    assert unnamed_role(question, [QUOTED_HEAD]) == "the man by a real name"
    told = hit("Rami Abdulrahman, whose real name is Osama Suleiman, runs the Observatory from Coventry.")
    assert unnamed_role(question, [QUOTED_HEAD, told]) is None


def test_a_name_inside_a_quotation_is_not_in_apposition_to_the_title_after_it() -> None:
    """ "… Sheikh Saeed," Observatory head Rami …: the district ends the quote, it names no head."""
    from qa_bot.parsing import parsed

    doc = parsed([QUOTED_HEAD.passage.text])[0]
    head = next(t for t in doc if t.lower_ == "head")
    saeed = next(e for e in doc.ents if "Saeed" in e.text)
    assert not _joined(head, saeed, person=True)


@pytest.mark.parametrize("question", [
    'Who said "all sides are deeply culpable"?',  # asks who did something: any agent answers
    "Who is Rami Abdel Rahman?",  # asks about a name, not for one
    "Who were the victims of the strikes?",  # a description answers
    "How many people fled Aleppo?",
    "In the Dec. 7 picture, who is the member of the government forces pushing?",  # whom he pushes
])
def test_questions_that_ask_for_no_name_are_not_checked(question: str) -> None:
    assert asked_role(question) is None
    assert unnamed_role(question, [BOY]) is None


def test_who_a_role_holder_is_is_still_asked_with_a_verb_that_has_its_object() -> None:
    assert asked_role("Who is the soldier standing next to the tank?") is not None
    assert asked_role("Who is the member of the government forces?") is not None


def test_bylines_and_credits_answer_who_wrote_or_photographed() -> None:
    """A byline names no role: "Who is the author of the article?" is answered by it."""
    assert asked_role("Who is the author of the Washington Post article?", about_credits=True) is None
    assert asked_role("Who is the journalist trapped in eastern Aleppo?") is not None


def test_any_of_the_first_three_results_may_name_it_and_the_fourth_may_not() -> None:
    question = "Who is the president of Syria?"
    assert unnamed_role(question, [KASSA, BOY, ASSAD]) is None
    assert unnamed_role(question, [KASSA, BOY, MONTHER, ASSAD]) == "the president of Syria"


def test_the_role_as_the_question_puts_it_and_its_qualifiers() -> None:
    role = asked_role("Who is Russia's defence minister?")
    assert role is not None and "minister" in role.words and role.title and role.person
    assert (role.qualifiers, role.kind) == (("Russia",), ("defence",))
    described = asked_role("Who is the official who said 750 families had returned?")
    assert described is not None and not described.title  # told by what they did, not by title
    assert asked_role("WHO IS ALEPPO'S DEPUTY GOVERNOR???") is not None  # capitals parse as lower case


MILITIAS = hit("\"The Gov'ts of Syria & Russia are accountable for any and all atrocities that the victorious "
               "militias in Aleppo are now committing!,\" Egeland tweeted. The Assad government is propped up by "
               "Russian air strikes and Iran-supported Shia militias.")
GROUPS = hit("Mr. Colville said the agency had heard reports that two armed opposition groups had abducted and "
             "killed civilians who asked them to leave. Residents leaving the Bustan al-Qasr neighborhood came "
             "under fire.")
VILLAGES = hit("Syrians who were evacuated from Fuaa and Kafraya, two Shiite villages on the outskirts of Idlib, "
               "arrive in Jibrin.")


@pytest.mark.parametrize(("question", "passage", "unnamed"), [
    # a person's name (Colville), or a place in the next sentence, names no groups
    ("Which two armed opposition groups did the UN say abducted civilians?", GROUPS, "the two armed opposition groups"),
    ("Which two Shiite villages had the evacuees come from?", VILLAGES, None),
    ("Which two Shiite villages had the evacuees come from?", hit("Evacuees from Fuaa, a Shiite village, arrived."),
     "the two Shiite villages"),
    ("Name the two armed opposition groups the UN accused.", GROUPS, "the two armed opposition groups"),
    ("What were the names of the two opposition groups the UN says abducted civilians?", GROUPS,
     "the two opposition groups"),
    ("give me the names of the four men shot in al-Halk",
     hit("Four men were shot in front of their families in al-Halk, he said."), "the four men"),
    ("give me the names of the two men shot in al-Halk",
     hit("Two men, Ahmed Haj and Omar Kassem, were shot in al-Halk."), None),
    ("Which two militias did the UN accuse?", GROUPS, None),  # never spoken of in the question's word
    ("Which opposition groups abducted civilians?", GROUPS, None),  # no number asked: unnamed_role's business
    # a plural asked for by name is two names or more, joined to the noun
    ("Which Iran-backed militias, by name, fought for Assad?", MILITIAS, "the Iran-backed militias"),
    ("which iran-backed militias exactly, names pls", MILITIAS, "the iran-backed militias"),
    ("Which militias fought for Assad? Give their names.",
     hit("Iran-backed militias, Hezbollah and Harakat al-Nujaba, fought for Assad."), None),
    ("Which two Latin American countries voted against?", hit("The no votes included China, Cuba and Venezuela."),
     None),  # never spoken of in the question's word
])
def test_names_asked_for_by_number_must_stand_together_in_one_sentence(question, passage, unnamed) -> None:
    assert unnamed_members(question, [passage]) == unnamed


def test_a_person_asked_about_in_lower_case_is_no_role() -> None:
    """"who is rupert colville" parses as a role named "rupert colville"; when the corpus
    knows the words as a name, the question asks who that person is."""
    colville = hit("Rupert Colville, a spokesman for the UN human rights office, said families had lost contact.")
    assert unnamed_role("who is rupert colville", [ASSAD], names=["colville"]) is None
    assert unnamed_role("Who is the US Secretary of State?", [colville], names=["US", "Secretary", "State"]) == \
        "the US Secretary of State"  # a title, whatever its capitals
    assert unnamed_role("what is rupert colville's surname", [ASSAD], names=["colville"]) is not None


def test_without_its_parser_the_check_is_off_and_says_so(without_parser, caplog) -> None:
    """A missing model package must not break answering: the check steps aside."""
    with caplog.at_level("WARNING", logger="qa_bot.parsing"):
        assert unnamed_role("Who is the president of Iran?", [ASSAD]) is None
        assert unnamed_members("Which two armed opposition groups abducted civilians?", [GROUPS]) is None
    assert "no_such_spacy_model did not load" in caplog.text
