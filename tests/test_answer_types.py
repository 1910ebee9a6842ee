"""A question that asks for an age, a year, a birthplace, a nationality, a sum or a count
is answered only when one of the first results states one."""

from __future__ import annotations

import pytest

from qa_bot.answer_types import CHECKED, counted_noun, missing_answer_type
from tests.test_quotes import hit
from tests.test_when import told

ASSAD = hit("President Bashar al-Assad's forces retook the last rebel districts of Aleppo on Monday.")
BABY = hit("Monther, an optician in training, wraps his four-month-old son in blankets against the cold.")
TOLL = hit("At least 413 civilians have been killed in east Aleppo since the offensive began, the monitor said.")
VOTE = hit("The resolution, advanced by Canada, received 122 votes in favor, 13 against and 36 abstentions.")


@pytest.mark.parametrize(("question", "passage", "missing"), [
    ("How old is Bashar al-Assad?", ASSAD, "an age"),
    ("how old is monther's baby", BABY, None),
    ("What age were the men who went missing?", hit("Hundreds of men aged 30 to 50 lost contact."), None),
    ("How old is Rania?", hit("Rania, 34, sleeps in one house with two of her children."), None),
    ("In what century was the citadel built?", hit("The citadel towers over the Old City."), "a century"),
    ("In what century was the citadel built?", hit("The 13th-century citadel towers over the city."), None),
    ("Since what year has the city been divided?", hit("Aleppo has been divided since 2012."), None),
    ("In what month did the rebels seize the east?", hit("Rebels have held the east since 2012; they may leave."), "a month"),
    ("In what month did the offensive begin?", hit("The offensive began on 15 November."), None),
    ("In which month of 2012 did rebels push into Aleppo?",
     hit("Aleppo has been divided since 2012. Evacuees arrived on December 19, 2016."), "a month"),
    ("In which month of 2012 did rebels push into Aleppo?", hit("Rebels pushed into Aleppo in July 2012."), None),
    ("In which city was Zakaria Zakaria born?", hit("Zakaria Zakaria, a photographer, walks in Hanano."), "a birthplace"),
    ("Where was the photographer born?", hit("The photographer was born in Aleppo in 1990."), None),
    ("What nationality is Bilal Abdul Kareem?", hit("Bilal Abdul Kareem filmed in the east."), "a nationality"),
    ("What nationality is Bilal Abdul Kareem?", hit("Bilal Abdul Kareem, an American journalist, filmed."), None),
    ("How much will rebuilding the souk cost?", hit("The souk lies in ruins after years of war."), "a sum of money"),
    ("How much will rebuilding the souk cost?", hit("Rebuilding may cost $200 million, officials say."), None),
    ("How many buses were used in the evacuation?", TOLL, "that figure"),
    ("How many buses were used in the evacuation?", hit("Some 20 green buses left at dawn."), None),
    ("How many hospitals were hit?", hit("The last hospital in the east was hit twice, with 3 staff hurt."), None),
    ("How many civilians have been killed?", TOLL, None),
    ("How many non-combatants had lost their lives?", TOLL, None),  # people under another name
    ("How many children were killed in east Aleppo?", TOLL, "that figure"),  # some of them: their own figure
    ("How many children were killed?", hit("At least 413 civilians, including 45 children, were killed."), None),
    ("How many rebel fighters were killed in the battle?", TOLL, "that figure"),  # civilians are not fighters
    ("How many rebel fighters were killed in the battle?", hit("Some 300 rebels were killed in the battle."), None),
    ("how many guys did the forces shoot", hit("The forces shot four men in front of their families."), None),
    ("How many lives were lost to rebel shelling?", hit("Rebel shelling killed 139 people in the west."), None),
    ("How many lives were lost to rebel shelling?", hit("Rebel shelling hit the west for 3 weeks."), "that figure"),
    ("How many countries voted for the resolution?", VOTE, None),  # counted as votes
    ("How many deaths has the war caused?", hit("More than 300,000 people have been killed."), None),
    ("How many children does Rania have?", hit("Rania, a mother of four, splits them between two houses."), None),
    ("How many people fled on Dec. 12, 2016?", hit("People fled on Dec. 12, 2016, the monitor said."), "that figure"),
    ("What time did the convoy leave?", hit("The convoy left Aleppo on Thursday."), "a time of day"),
    ("At what time of day did people leave Sheikh Saeed?", hit("3,500 people left at dawn, SANA said."), None),
    ("What percentage of the east did the army hold?", hit("The army took the east."), "a share"),
    ("What percentage of the east did the army hold?", hit("It said it held 98 percent of the east."), None),
    ("How long has the city been divided?", hit("The city is divided into east and west."), "a length of time"),
    ("How long has the city been divided?", hit("Aleppo has been divided since 2012."), None),
    ("How long a truce would the resolution have imposed?", hit("It would have imposed a seven-day cessation."), None),
    ("How long did the ceasefire last?", hit("A 48-hour ceasefire was agreed."), None),
    ("What did a bag of bread cost in the east?", hit("Bread ran short in the besieged east."), "a sum of money"),
    ("What did a bag of bread cost in the east?", hit("A bag of bread cost 1,500 Syrian pounds."), None),
    ("How far is Aleppo from Damascus?", hit("Aleppo, in the north, rivalled Damascus."), "a distance"),
    ("How far is Aleppo from Damascus?", hit("Aleppo lies 355 km north of Damascus."), None),
    ("How far apart were Washington and Moscow?", hit("The two sides were poles apart."), None),  # not a distance
    ("Which news organization did Bilal Abdul Kareem work for?",
     hit("Bilal Abdul Kareem, a journalist trapped in eastern Aleppo, told MEE that communications could fail."),
     "who they work for"),  # the outlet he spoke to is not his employer
    ("Which news organization did Bilal Abdul Kareem work for?",
     hit("Bilal Abdul Kareem, a reporter for On the Ground News, filmed in the east."), None),
    ("Which agency does Karam al-Masri shoot for?", hit("Rebels walk past rubble. (Karam Al-Masri/AFP)"), None),
    ("How did the United States vote on the resolution?", VOTE, "their vote"),  # a tally names no voter
    ("How did the United States vote on the resolution?", hit("The U.S. voted for it, with 121 others."), None),
    ("how did russia vote", hit("The no votes included Syria and its allies Iran and Russia."), None),
    ("Did the United States vote in favour of the resolution?", VOTE, "their vote"),
    ("What was the vote tally in the Security Council?", hit("Russia and China defeated the resolution."),
     "a vote count"),
    ("What was the vote tally on the resolution?", VOTE, None),
    ("In which century was the citadel built?", hit("The citadel, held by the army since 2012, stands."), "a century"),
    ("In which century was the citadel built?", hit("The citadel was built in the 13th century."), None),
    ("What was the final civilian death toll once the east had fallen?", TOLL, "that figure"),  # three words between
    ("Did Iran and Russia vote against it?", hit("The no votes included Syria and its allies Iran and Russia."), None),
    ("Which countries abstained in the General Assembly vote?", hit("Thirty-six members abstained."), "their vote"),
    ("Which countries abstained in the General Assembly vote?",
     hit("Among those who abstained were Brazil and India."), None),
    ("Which countries voted against it?", hit("The no votes included Syria, Iran and Russia."), None),
    ("Which countries voted against it?", hit("It received 122 votes in favor and 13 against."),
     "their vote"),  # the tally names none
    ("What model of tank is the fighter standing next to?", hit("A fighter stands next to a tank in the old city."),
     "a make or model"),
    ("What model of tank is the fighter standing next to?", hit("A fighter stands next to a T-72 tank."), None),
    ("What camera and lens did Hassan Ammar use?", hit("A boy rides a bike. (Hassan Ammar / AP)"), "a make or model"),
    ("What camera did he use?", hit("He shot it on a Nikon D5 with a 24mm lens."), None),
    ("Did George Ourfalian win any award for his pictures?", hit("Syrians head home. (George Ourfalian / AFP)"),
     "an award"),
    ("Did he win an award for it?", hit("The picture won a World Press Photo prize."), None),
    ("What was the temperature in Aleppo that night?", hit("Families huddled in the winter cold."),
     "a reading of the weather"),
    ("How cold was it in the east?", hit("Temperatures fell below freezing as families waited."), None),
    ("How much snow fell in Boston?", hit("Boston's mayor spoke about the storm."), "a reading of the weather"),
    ("How much snow fell in Boston?", hit("The storm left 8 inches of snow in Boston."), None),
    ("How tall is the citadel?", hit("The citadel towers over the Old City."), "a size"),
    ("How long is the Euphrates river?", hit("The Euphrates runs 2,800 km to the Gulf."), None),
    ("What was Aleppo's population before the war?", hit("Aleppo, Syria's most populous city, is divided."), "a population"),
    ("whats the population of idlib", hit("Idlib, with a population of about 2 million, took in evacuees."), None),
    ("What did the monitor say the push had done to the population of some districts?",  # asks no population figure
     hit("The monitor said the push had emptied some districts."), None),
    ("When was the Umayyad mosque built?", hit("The mosque was damaged on Dec. 12 in the fighting."), "a year"),
    ("When was the Umayyad mosque built?", hit("The mosque, built in the 8th century, was damaged."), None),
    ("What is the capital city of Canada?", VOTE, "a capital"),
    ("What is the capital of Syria?", hit("Rebels hoped to rival the capital, Damascus."), None),
    ("Who reported from the Lebanese capital?", hit("Liz Sly in Beirut contributed to this report."), None),
    ("which city is the capital of australia", VOTE, "a capital"),
    ("What is the official language of Lebanon?", hit("BEIRUT, Lebanon — Hundreds of men are missing."), "a language"),
    ("What language do the evacuees speak?", hit("Most evacuees speak Arabic and Kurdish."), None),
    ("What is the currency of Syria?", ASSAD, "a sum of money"),
    ("What was the price of bread in Aleppo?", hit("Bread was scarce in the east."), "a sum of money"),
    ("What was the price of bread in Aleppo?", hit("A bundle of bread cost 1,000 Syrian pounds."), None),
    ("What sum of relief money did the UN commit?", hit("The UN pledged relief for the displaced."), "a sum of money"),
    ("What amount of aid did Britain pledge?", hit("Britain pledged £20 million in aid."), None),
    ("Who is the deputy governor of Aleppo?", ASSAD, None),  # asks for no kind of fact checked here
    ("When did the rebels withdraw?", ASSAD, None),
])
def test_a_question_is_answered_only_by_passages_that_state_what_it_asks_for(question, passage, missing) -> None:
    assert missing_answer_type(question, [passage]) == missing


ZEBDEH = hit("People walk near the blood-stained ground after strikes on el-Zebdeh district in Aleppo on Dec. 5.")


@pytest.mark.parametrize(("passages", "missing"), [
    ([ZEBDEH, TOLL], "that figure"),  # the passage that names el-Zebdeh counts nothing
    ([hit("Strikes on el-Zebdeh killed 12 people on Dec. 5."), ZEBDEH], None),
    ([TOLL], None),  # el-Zebdeh named nowhere: a passage in other words may count them
])
def test_a_count_of_a_named_place_needs_a_figure_where_it_is_named(passages, missing) -> None:
    question = "How many people died in the Dec. 5 strikes on the el-Zebdeh district?"
    assert missing_answer_type(question, passages, focus="Zebdeh") == missing
    assert missing_answer_type(question, passages) is None  # without a focus any figure counts


REBELS = hit("Russia's defence ministry said 728 Syrian rebels had laid down their weapons over 24 hours.")


@pytest.mark.parametrize(("passage", "missing"), [
    # figures, and deaths, but never in one sentence: no toll for the district
    (hit("Hundreds of the displaced went back to Bab al-Hadid. Bodies lay in the street."), "that figure"),
    (hit("Shelling killed 12 people in Bab al-Hadid on Monday."), None),
    (hit("The death toll in Bab al-Hadid rose to 12."), None),
    # "one" resident speaking of killing counts no dead
    (hit('"They have been killing us for so long," asked one resident of Bab al-Hadid.'), "that figure"),
])
def test_a_toll_is_told_with_its_figure_in_one_sentence(passage, missing) -> None:
    assert missing_answer_type("How many people were killed in the Bab al-Hadid district?", [passage]) == missing


@pytest.mark.parametrize(("text", "missing"), [
    ("Syrians who were evacuated from Fuaa and Kafraya, two Shiite villages, arrive in Jibrin.", "that figure"),
    ("Fighting has gone on for five years, and 93 percent of the area has fallen.", "that figure"),
    ("More than 10,500 people have left rebel-held areas in the last 24 hours.", None),
    ("About 3,500 left at dawn, the agency said.", None),  # no noun after the figure: people, as asked
    ("Thousands evacuated the city.", None),
    ("Some 750 families have returned.", None),  # families are people
    ("We have 100,000 human beings besieged inside.", None),  # and so are beings: only things are excluded
    ("Two armed opposition groups abducted civilians.", "that figure"),
])
def test_a_count_of_people_is_not_a_figure_that_counts_something_else(text: str, missing: str | None) -> None:
    assert missing_answer_type("How many people were evacuated?", [hit(text)]) == missing


@pytest.mark.parametrize(("question", "missing"), [
    ("Before the war, what distinction did Aleppo hold in terms of how many people lived there?", None),
    ("How did Aleppo compare with other Syrian cities in terms of how many people lived there?", None),
    ("What was Aleppo's population before the war?", "a population"),  # a rank is no figure
])
def test_a_rank_answers_a_comparison_of_populations_but_not_a_figure(question: str, missing: str | None) -> None:
    populous = hit("Aleppo, Syria's most populous city before the war, has been divided since 2012.")
    assert missing_answer_type(question, [populous]) == missing


@pytest.mark.parametrize(("question", "text", "missing"), [
    ("How many people were evacuated in total once the evacuation finally finished?",
     "More than 10,500 people have left rebel-held areas in the last 24 hours.", "that figure"),  # a running count
    ("What was the final death toll of the battle for Aleppo?",
     "At least 413 people have been killed in east Aleppo since the offensive began.", "that figure"),
    ("How many people were evacuated in total once the evacuation finally finished?",
     "When the evacuation finished on Dec. 22, some 35,000 people had left in all.", None),
    ("How many people have been displaced in total since the offensive started?",
     "About 130,000 people have been displaced since the offensive started.", None),  # so far: a running count
    ("What's the overall death toll of the Syrian war?", "More than 300,000 people have been killed.", None),
    ("How many rebel fighters were still holed up inside east Aleppo?",
     "Russia said 728 Syrian rebels had laid down their weapons over the previous 24 hours.", "that figure"),
    ("How many rebel fighters were still holed up inside east Aleppo?",
     "Some 8,000 rebels remain trapped inside the last pocket, the monitor said.", None),
    ("How many civilians were left trapped after the cease fire broke?",
     "A cease fire was broken, leaving 50 thousand civilians trapped.", None),
    ("What was the total number of people evacuated once the deal was carried out?",
     "More than 10,500 people have left rebel-held areas in the last 24 hours.", "that figure"),
    ("In the NYT piece, what was the final vote count on the resolution?", VOTE.passage.text, None),  # one vote
])
def test_a_count_at_the_end_of_the_story_is_told_as_final(question: str, text: str, missing: str | None) -> None:
    assert missing_answer_type(question, [hit(text)]) == missing


@pytest.mark.parametrize(("question", "passage", "missing"), [
    ("How many Syrian government soldiers were killed in the Aleppo offensive?", TOLL, "that figure"),
    ("How many government soldiers laid down their weapons?", REBELS, "that figure"),  # rebels are the other side
    ("How many rebel fighters laid down their arms?", REBELS, None),  # fighters serve either side
    ("How many rebels laid down their weapons?", hit("Thousands of rebel fighters laid down their arms."), None),
    ("How many troops died?", hit("Dozens of government troops died in the assault."), None),
    # "combatants" is either side's word, as "fighters" is: the rebels' figure answers
    ("How many opposition combatants gave up their arms within a single day?", REBELS, None),
    ("How many civilians were killed?", hit("At least 413 people have been killed."), None),  # not fighters: any figure
])
def test_fighters_are_counted_with_the_word_for_their_side(question, passage, missing) -> None:
    assert missing_answer_type(question, [passage]) == missing


GENERAL_ASSEMBLY = told(
    "The resolution, advanced by Canada, received 122 votes in favor and 13 against. It comes days after Russia, "
    "along with China, defeated a resolution in the Security Council that would have imposed a seven-day "
    "cessation of hostilities.")


@pytest.mark.parametrize(("question", "missing"), [
    # the votes are counted before the Security Council is named: they are the other resolution's
    ("How many countries voted for the Security Council resolution?", "that figure"),
    ("How many countries voted for the resolution advanced by Canada?", None),
    ("For how many days would the Security Council resolution have imposed a truce?", None),  # "seven-day" counts days
])
def test_facts_told_before_the_focus_is_named_are_about_something_else(question, missing) -> None:
    focus = "Council" if "Council" in question else "Canada"
    assert missing_answer_type(question, [GENERAL_ASSEMBLY], focus=focus) == missing


BAKHMUT = hit("Before the war, Bakhmut had a population of about 70,000.")
ALEPPO = hit("Taking full control of Aleppo would be a huge victory for President Bashar al-Assad.")


def test_when_the_best_result_names_the_focus_only_results_that_name_it_can_state_the_fact() -> None:
    question = "What was Aleppo's population before the war?"
    assert missing_answer_type(question, [ALEPPO, BAKHMUT], focus="Aleppo") == "a population"
    assert missing_answer_type(question, [ALEPPO, BAKHMUT]) is None  # no focus: any result may state it
    assert missing_answer_type(question, [BAKHMUT, ALEPPO], focus="Aleppo") is None  # the best is not about Aleppo


def test_what_states_it_must_be_among_the_first_results() -> None:
    question = "How old is Monther's baby?"
    assert missing_answer_type(question, [ASSAD, BABY]) is None
    assert missing_answer_type(question, [ASSAD] * CHECKED + [BABY]) == "an age"


@pytest.mark.parametrize(("question", "noun"), [
    ("how many green buses were used", "buses"),
    ("how many rebels gave up their weapons", "rebels"),
    ("How many thousand civilians were trapped?", "civilians"),
    ("how many ppl were still inside", "ppl"),  # no plural: the last word before the verb
    ("How many of them died?", None),
    ("Who won?", None),
    ("un general assembly vote how many yes votes", "votes"),  # "yes" is no plural; the last word counts
    ("How many various groups fought?", "groups"),
])
def test_the_counted_thing_is_the_first_plural_after_how_many(question: str, noun: str | None) -> None:
    assert counted_noun(question) == noun


@pytest.mark.slow
def test_the_bot_says_which_kind_of_fact_the_coverage_lacks(real_answerer) -> None:
    declined = real_answerer.ask("How old is Bashar al-Assad?")
    assert declined.abstained and declined.hits == [] and "an age" in (declined.notice or "")
    answered = real_answerer.ask("How old is Monther's baby?")
    assert not answered.abstained and "four-month-old" in answered.hits[0].passage.text
    typed = real_answerer.ask("how many ppl fled east alepo in the last 2 weeks")  # "ppl" read as people
    assert not typed.abstained and any("100,000" in h.passage.text for h in typed.hits[:3])
