"""Questions that ask for one kind of fact: a passage that states none cannot answer.

"How old is Bashar al-Assad?" finds passages about Assad, close in meaning and in
words, and retrieval signals cannot tell them from an answer: what they lack is an
age. For kinds of fact that a passage states in a recognisable form (an age, a year,
a population, a birthplace, a nationality, a sum, a count, a time of day, a length of
time, a share, a size) the question is answered only when one of the first results
states one. Each check is a pattern, not a reader: it passes a passage that states the
wrong age, and it declines only questions that retrieval had answered. The one check
that can fail a true answer is the count of a named thing ("how many buses"), when the
passage counts it under another word; people and countries, which news counts under
many words, are exempt from it, except fighters, whom news counts with the word for
their side.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from qa_bot.chunking import sentence_spans
from qa_bot.dates import DAY_MONTH, MONTH_DAY, MONTHS
from qa_bot.lexical import tokenize
from qa_bot.models import Hit
from qa_bot.parsing import carries
from qa_bot.query import COUNTRIES, DEMONYMS, SPELLED, question_names
from qa_bot.retrieve import FIGURE

CHECKED = 3  # how many of the first results may state it

_NUMBER = (r"(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
           r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)")
AGE = re.compile(rf"\b{_NUMBER}[- ](?:years?|months?|weeks?|days?)[- ]old\b|\baged?\s+(?:about\s+)?\d"
                 rf"|\b\d+\s+years\s+of\s+age\b|\b[A-Z][a-z]+,\s+\d{{1,3}},", re.IGNORECASE)
YEAR = re.compile(r"\b(?:1[0-9]|20)\d\d\b|\bcentur(?:y|ies)\b|\b\d+(?:st|nd|rd|th)\b", re.IGNORECASE)
CENTURY = re.compile(r"\bcentur(?:y|ies)\b|\b1?\d00s\b", re.IGNORECASE)
VOTE_COUNT = re.compile(r"\b\d+\s+(?:votes?\b|to\s+\d+\b)|\b\d+\s+(?:in\s+favou?r|against|abstentions?)\b"
                        r"|\bunanimous\w*", re.IGNORECASE)
POPULATION = re.compile(r"\bpopulation\b[^.]{0,40}?\d|\d[\d,.]*(?:\s+(?:million|thousand))?\s+(?:people|residents"
                        r"|inhabitants)\s+(?:live|lived|living)\b|\bpopulation\s+of\s+\w+\s+million",
                        re.IGNORECASE)
# "How did Aleppo compare … in how many people lived there?" asks for a rank, which
# "Syria's most populous city" gives; "What was Aleppo's population?" asks for a figure.
COMPARES = re.compile(r"\bcompar\w*|\bdistinction\b|\brank\w*|\bin\s+terms\s+of\b|\b(?:largest|biggest|most)\b",
                      re.IGNORECASE)
POPULOUS = re.compile(r"\bpopulous\b|\b(?:largest|biggest)\s+city\b", re.IGNORECASE)
BIRTH = re.compile(r"\bborn\b|\bbirth|\bnative\b|\bhometown\b|\bgrew up\b", re.IGNORECASE)
NATIONALITY = re.compile(r"\b(?:" + "|".join(DEMONYMS) + r"|citizen(?:ship)?|nationals?|nationality|passports?)\b",
                         re.IGNORECASE)
MONEY = re.compile(r"[$€£¥]|\b(?:dollars?|euros?|pounds?|pounds sterling|lira|liras|rubles?|roubles?|usd|eur)\b",
                   re.IGNORECASE)
CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|o'clock)|\b(?:dawn|dusk|sunrise|sunset|midnight"
                   r"|noon|midday|morning|afternoon|evening|night|overnight|nightfall|daybreak)\b", re.IGNORECASE)
SHARE = re.compile(r"%|\bper\s*cent\b|\bpercent|\b(?:half|third|thirds|quarter|quarters|tenth|tenths)\b",
                   re.IGNORECASE)
DURATION = re.compile(rf"\b(?:{_NUMBER}|several|many|few|a|an)[-\s]+(?:years?|months?|weeks?|days?|hours?|decades?|minutes?)\b"
                      r"|\b(?:since|until|till)\b|\bfor\s+(?:years|months|weeks|days|hours|decades)\b", re.IGNORECASE)
_DISTANCE_UNITS = r"km|kilomet(?:er|re)s?|miles?"
MEASURE = re.compile(rf"\b\d[\d,.]*[-\s]*(?:{_DISTANCE_UNITS}|met(?:er|re)s?|m|feet|ft|yards?|acres?|hectares?"
                     r"|square|storeys?|stories|floors?)\b"
                     r"|\b(?:largest|biggest|smallest|populous|population|size)\b", re.IGNORECASE)  # or by rank
# A make or model is a designation ("T-72", "Su-24", "AK-47"): "a tank" states none.
DESIGNATION = re.compile(r"\b[A-Z][A-Za-z]{0,4}-\d{1,3}[A-Z]?\b|\b[A-Z]{1,4}\d{1,4}\b|\bmodel\b")
AWARD = re.compile(r"\b(?:award\w*|prize\w*|honou?r(?:ed|s)?|medals?|laureates?)\b", re.IGNORECASE)
# A reading of the weather: "How cold was it?" is answered by "freezing" or "-5C", not
# by "the winter cold"; "How much snow fell?" by a depth.
WEATHER = re.compile(r"-?\d+(?:\.\d+)?\s*(?:°|º|degrees?\b|[CF]\b)|\b(?:celsius|fahrenheit|freezing|sub-zero"
                     r"|below\s+zero|frost|frosty)\b|\b\d[\d,.]*\s*(?:inches|inch|in\.|cm|centimet(?:er|re)s?"
                     r"|millimet(?:er|re)s?|mm)\b", re.IGNORECASE)
DISTANCE = re.compile(rf"\b\d[\d,.]*[-\s]*(?:{_DISTANCE_UNITS})\b|\b(?:an?|one|two|three|several|few)\s+hours?['’]?\s+"
                      r"(?:drive|walk|journey)\b", re.IGNORECASE)
# A language's name is also its people's ("Russian", "Turkish"): only words about speech count.
LANGUAGE = re.compile(r"\b(?:languages?|tongues?|dialects?|Arabic|Aramaic|spoken|speak|speaks|translat\w*)\b",
                      re.IGNORECASE)
# Capitalised: "may" is mostly a verb.
MONTH = re.compile(r"\b(?:" + "|".join(sorted((m.title() for m in MONTHS), key=len, reverse=True)) + r")\b")
# Years and clock times hold figures that count nothing ("2016", "10:30"), as days do.
NOT_A_COUNT = re.compile(r"\b(?:19|20)\d\d\b|\b\d{1,2}:\d\d\b")
# "a seven-day cessation" counts days, and nothing else.
LENGTH_UNITS = ("year", "month", "week", "day", "hour", "minute")
LENGTH = re.compile(rf"\b{_NUMBER}-(?:{'|'.join(LENGTH_UNITS)})s?\b", re.IGNORECASE)


def without_days(text: str) -> str:
    """The text less its days ("Dec. 12", "December 19, 2016", "5 December")."""
    for pattern in (MONTH_DAY, DAY_MONTH):
        text = pattern.sub(" ", text)
    return text


def without_dates(text: str) -> str:
    """The text less its days, years and clock times."""
    return NOT_A_COUNT.sub(" ", without_days(text))

# News counts people under many names ("civilians", "residents", "the dead", "fighters")
# and countries too ("members", "votes"): any figure may count them.
GENERIC_COUNTS = {
    "people", "persons", "civilians", "residents", "inhabitants", "men", "women", "children", "kids", "families",
    "individuals", "syrians", "casualties", "deaths", "dead", "victims", "fatalities", "wounded", "injured",
    "evacuees", "refugees", "displaced", "survivors", "detainees", "prisoners", "hostages", "fighters", "rebels",
    "troops", "soldiers", "militants", "gunmen", "insurgents", "countries", "nations", "states", "members",
    "governments", "delegations", "times", "guys", "folks", "noncombatants", "non-combatants", "lives", "souls",
}
# Fighters are counted with the word for their side: a toll of civilians, or of rebels,
# does not answer "how many soldiers were killed". "Fighters" serve either side.
SIDES = (
    frozenset({"soldiers", "troops", "servicemen", "conscripts", "fighters", "combatants"}),
    frozenset({"rebels", "insurgents", "militants", "gunmen", "jihadists", "fighters", "combatants"}),
)
GENERIC_COUNTS |= set().union(*SIDES)  # "how many combatants": a count of a side, under any of its words
# A figure and the three words after it, where news names what it counts ("728 Syrian
# rebels", "thousands of rebel fighters").
COUNTED_AFTER = re.compile(r"(?:\d[\d,.]*|\b(?:dozens|hundreds|thousands))\s+(?:of\s+)?((?:[a-z-]+\s*){1,3})",
                           re.IGNORECASE)
DEATHS = re.compile(r"\b(?:kill(?:ed|ing|s)?|died|die|dies|dead|deaths?|tolls?|casualt(?:y|ies)|lives|bodies"
                    r"|massacred|executed|slain|perished)\b", re.IGNORECASE)
# A toll's figure: "asked one resident" beside "killing us" counts no dead.
TOLL = re.compile(rf"\d|\b(?!one\b){_NUMBER}\b|\b(?:dozens|hundreds|thousands|millions)\b", re.IGNORECASE)
COUNTED = re.compile(r"\bhow\s+many\s+((?:[a-z'-]+(?:\s+|$)){0,3})", re.IGNORECASE)
# "the final death toll", "in total once the evacuation finally finished": a count at the
# end of a story the coverage leaves mid-way; running counts ("in the last 24 hours",
# "so far") do not give it.
FINAL_COUNT = re.compile(r"\bfinal(?:ly)?\b|\beventually\b|\bonce\b[^?]*\b(?:finish|complet|end|over|conclu|carried\s+out"
                         r"|implemented)\w*"
                         r"|\b(?:at|by)\s+the\s+end\s+of\b", re.IGNORECASE)
FINAL_TOLL = re.compile(r"^(?=.*(?:" + FINAL_COUNT.pattern + r")).*\bwhat(?:['’]s|\s+is|\s+was|\s+were)\s+the\s+"
                        r"(?:[\w-]+\s+){0,3}(?:toll|number|total)\b", re.IGNORECASE)
ENDED = re.compile(r"\bfinal(?:ly)?\b|\bin\s+all\b|\ball\s+told\b|\bcomplet\w*|\bfinish\w*|\bended\b"
                   r"|\bby\s+the\s+end\b", re.IGNORECASE)
# Some of the people a toll counts: their own figure is told with their word.
_CHILDREN = frozenset({"children", "child", "kids", "minors", "boys", "girls", "babies", "infants"})
GROUP_WORDS = {"children": _CHILDREN, "kids": _CHILDREN, "babies": _CHILDREN, "boys": _CHILDREN, "girls": _CHILDREN,
               "women": frozenset({"women", "woman", "mothers"}), "men": frozenset({"men", "man"})}
_FIGHTERS = frozenset({"fighters", "rebels", "soldiers", "troops", "militants", "combatants", "gunmen", "insurgents",
                       "militiamen", "jihadists"})
GROUP_WORDS |= dict.fromkeys(_FIGHTERS, _FIGHTERS)  # "how many rebel fighters were killed": not 413 civilians
# "How many rebels were still holed up inside?" counts those who stayed: a figure for
# those who surrendered or left is not it; one told with "trapped" or "remain" may be.
STILL_THERE = re.compile(r"\bstill\s+(?:\w+\s+)?(?:inside|in|holed|holding|trapped|there|stuck|besieged|left)\b"
                         r"|\bremain(?:ed|ing|s)?\s+(?:inside|in|behind)\b|\bholed\s+up\b|\bholding\s+out\b"
                         r"|\bleft\s+(?:trapped|stuck|inside|behind)\b", re.IGNORECASE)
STAYED = re.compile(r"\b(?:still|remain\w*|trapped|inside|holed|holding\s+out|stuck|left\s+behind|besieged"
                    r"|under\s+siege)\b", re.IGNORECASE)
# Words that end the counted noun phrase: "how many green buses [were used]".
PHRASE_ENDS = re.compile(r"^(?:were|was|are|is|have|has|had|did|do|does|will|would|could|can|in|of|on|at|from"
                         r"|to|for|by|with|who|that|which|and|or|than|according|per|since|during|after|before)$")


@dataclass(frozen=True)
class AnswerType:
    """One kind of fact: how a question asks for it, and how a passage states it."""

    missing: str  # what the reply says the coverage does not give
    asks: re.Pattern[str]
    stated: Callable[[list[str], str], bool]  # (the first results' texts, question) → states one


def _pattern(pattern: re.Pattern[str]) -> Callable[[list[str], str], bool]:
    return lambda texts, _question: any(pattern.search(text) for text in texts)


POPULATION_ASKED = re.compile(r"\bwhat(?:'s|s|\s+is|\s+was)\s+(?:the\s+)?(?:[\w-]+['’]s\s+)?(?:\w+\s+)?population\b"
                              r"|\bhow\s+many\s+(?:people|residents|inhabitants)\s+(?:live|lived|living)\b", re.IGNORECASE)


def states_month(texts: list[str], question: str) -> bool:
    """A month; "which month of 2012" one told with 2012, not a photo's "December 19, 2016"
    nor "divided since 2012"."""
    year = re.search(r"\b(?:19|20)\d\d\b", question)
    return any(MONTH.search(s) and (year is None or year.group() in s) for s in (_sentences(texts) if year else texts))


def states_population(texts: list[str], question: str) -> bool:
    compares = bool(COMPARES.search(question))
    return any(POPULATION.search(text) or (compares and POPULOUS.search(text)) for text in texts)


def counted_noun(question: str) -> str | None:
    """What a "how many" question counts: the first plural in the words that follow
    ("how many green buses were used" → "buses", "how many rebels gave up" → "rebels")."""
    found = COUNTED.search(question)
    if not found:
        return None
    phrase: list[str] = []
    for word in found.group(1).lower().split():
        if PHRASE_ENDS.match(word):
            break
        if word in GENERIC_COUNTS or plural(word):
            return word
        phrase.append(word)
    return phrase[-1] if phrase else None


def plural(word: str) -> bool:
    """Spelt as a plural: "buses", "votes"; not "yes", "various" or "crisis"."""
    return word.endswith("s") and not word.endswith(("ss", "us", "is")) and word not in NOT_PLURAL


NOT_PLURAL = {"yes", "this", "was", "has", "does", "its", "news", "series", "always", "perhaps", "whereas"}


def states_count(texts: list[str], question: str) -> bool:
    """A figure, and the counted thing named where the figure is: "how many buses"
    needs a passage with a figure that mentions buses."""
    if POPULATION_ASKED.search(question):
        return True  # "how many people lived there" asks for a population, checked as one
    noun = counted_noun(question)
    if noun is None or noun.rstrip("s") not in LENGTH_UNITS:
        texts = [LENGTH.sub(" ", text) for text in texts]
    with_figures = [text for text in texts if FIGURE.search(without_dates(text))]
    if DEATHS.search(question):  # a toll is told in one sentence with its figure
        with_figures = _told_with(with_figures, DEATHS, TOLL)
        if noun in GROUP_WORDS:  # "how many children were killed": a toll of civilians is not it
            return any(word in GROUP_WORDS[noun] for word in _counted_words(with_figures))
    if FINAL_COUNT.search(question):  # a count at the story's end is told as final
        with_figures = _told_with(with_figures, ENDED, FIGURE)
    if STILL_THERE.search(question):  # those who stayed, not those who left or gave up
        with_figures = _told_with(with_figures, STAYED, FIGURE)
    if not with_figures or noun is None:
        return bool(with_figures)
    if noun in PEOPLE_COUNTS:
        return counts_people(with_figures)
    if noun in GENERIC_COUNTS:
        return counts_side(with_figures, noun)
    stems = tokenize([noun])[0]
    return not stems or any(stems[0] in tokens for tokens in map(set, tokenize(with_figures)))


def _told_with(texts: list[str], words: re.Pattern[str], figure: re.Pattern[str]) -> list[str]:
    """The sentences of the texts that hold the words and, outside their dates, a figure."""
    return [s for s in _sentences(texts) if words.search(s) and figure.search(without_dates(s))]


def _sentences(texts: list[str]) -> list[str]:
    return [text[a:b] for text in texts for a, b in sentence_spans(text)]


def _counted_words(texts: list[str]) -> Iterator[str]:
    """The words just after each figure outside the dates: what news says it counts."""
    for text in texts:
        for found in COUNTED_AFTER.finditer(without_dates(text)):
            yield from found.group(1).lower().split()


def counts_side(texts: list[str], noun: str) -> bool:
    """Whether a figure in the texts counts fighters of the side `noun` names; True for
    nouns that are not fighters."""
    sides = [side for side in SIDES if noun in side]
    if not sides:
        return True
    words = set().union(*sides)
    return any(word in words or word.rstrip("s") + "s" in words for word in _counted_words(texts))


# "How many people were evacuated from Fuaa and Kafraya?" is not answered by "Fuaa and
# Kafraya, two Shiite villages": a figure followed by another plural counts that.
PEOPLE_COUNTS = {"people", "persons", "civilians", "residents", "inhabitants", "individuals", "syrians", "evacuees",
                 "refugees", "displaced", "folks", "noncombatants", "non-combatants"}
FIGURE_THEN = re.compile(rf"\b(?:{_NUMBER}|dozens|hundreds|thousands|millions)\b((?:\s+[a-z'-]+){{0,3}})", re.IGNORECASE)


def counts_people(texts: list[str]) -> bool:
    """Whether a figure in the texts may count people: one followed by a plural that
    names places, things or time ("two Shiite villages", "three buses"), or by
    "percent", does not."""
    for text in texts:
        for found in FIGURE_THEN.finditer(without_dates(text)):
            following = found.group(1).lower().split()
            if following[:1] == ["percent"]:
                continue  # a share, not a count
            plurals = [w for w in following if plural(w)]
            if not any(w[:-1] in NOT_PEOPLE or w[:-2] in NOT_PEOPLE for w in plurals[:1]):
                return True
    return False


NOT_PEOPLE = {"village", "town", "city", "citie", "district", "neighborhood", "neighbourhood", "area", "countrie",
              "region", "province", "camp", "street", "home", "house", "building", "school", "hospital", "bus", "car",
              "vote", "day", "week", "month", "year", "hour", "minute", "kilometer", "kilometre", "mile", "dollar",
              "resolution", "strike", "bomb", "rocket", "shell", "tank", "plane", "truck", "time", "group", "faction"}


CAPITAL_OF = re.compile(r"\bcapital(?:\s+city)?\s+of\s+(?:the\s+)?([\w-]+)|\b([\w-]+)['’]s\s+capital\b", re.IGNORECASE)
CAPITAL = re.compile(r"\bcapital\b", re.IGNORECASE)
NEAR = 80  # characters either side of "capital" within which the country must be named


def states_capital(texts: list[str], question: str) -> bool:
    """"… to rival the capital, Damascus" answers for Syria (Damascus is a name of it),
    not for Canada: the country asked about must be named near the word."""
    asked = CAPITAL_OF.search(question)
    country = asked and (asked.group(1) or asked.group(2))
    return any(not country or carries(text[max(0, m.start() - NEAR):m.end() + NEAR], country)
               for text in texts for m in CAPITAL.finditer(text))


# "How did the United States vote?" (or "Did the United States vote in favour?") is answered
# where a sentence about a vote names the voter ("The no votes included Syria, … Iran and
# Russia"), not by the tally alone; "Which countries abstained?" where a sentence that tells
# of abstaining names some ("Thirty-six members abstained" names none).
VOTE_ASKED = re.compile(r"\b(?:how|which\s+way)\s+(?:did|does|do|will|would)\s+(?P<who>[^?]+?)\s+vote\b"
                        r"|\b(?:did|does|do|will|would)\s+(?P<yes>[^?]+?)\s+(?:vote\s+(?:for|against|in\s+favou?r|yes|no)"
                        r"|abstain)\b"
                        r"|\b(?:which|what)\s+(?:[\w-]+\s+){0,2}?(?:countries|states|nations|members|governments"
                        r"|delegations)\s+(?P<act>voted|abstained|vetoed)\b", re.IGNORECASE)
VOTED = re.compile(r"\b(?:vot(?:e|es|ed|ing)|abstain\w*|veto\w*|in\s+favou?r\s+of)\b", re.IGNORECASE)
ACTS = {"abstained": re.compile(r"\babstain", re.IGNORECASE), "vetoed": re.compile(r"\bveto", re.IGNORECASE)}
NAMED_INSIDE = re.compile(r"(?<=[\w,;] )[A-Z][a-z]+")  # a capital inside a sentence: a name


def states_vote(texts: list[str], question: str) -> bool:
    found = VOTE_ASKED.search(question)
    if found and found.group("act"):
        act = ACTS.get(found.group("act").lower(), VOTED)
        return any(act.search(s) and NAMED_INSIDE.search(s) for s in _sentences(texts))
    voters = [_name_in(who) for who in re.split(r",|\band\b|\bor\b", found.group("who") or found.group("yes"))] \
        if found else []
    voters = [v for v in voters if v]
    return any(VOTED.search(s) and (not voters or any(carries(s, v) for v in voters)) for s in _sentences(texts))


# "Which news organisation did Bilal Abdul Kareem work for?" is answered where a sentence
# naming him names his employer ("a reporter for CNN", "(Karam al-Masri/AFP)"), not by
# "Bilal Abdul Kareem, a journalist trapped in eastern Aleppo, told MEE …".
EMPLOYER_ASKED = re.compile(r"\b(?:which|what|who)\b.*\b(?:work|works|worked|working|report|reports|reported|reporting"
                            r"|write|writes|wrote|writing|shoot|shoots|shooting|file|files|filed|filing)\s+for\b"
                            r"|\b(?:employer|employed)\b", re.IGNORECASE)
EMPLOYED = re.compile(r"\b(?:for|with|at|of)\s+(?:the\s+)?[A-Z][\w.&-]*|/\s*[A-Z][\w.&-]+|\b[A-Z]{2,}['’]s?\s+"
                      r"(?:reporter|correspondent|photographer|journalist|stringer|cameraman|contributor)")


def states_employer(texts: list[str], question: str) -> bool:
    names = [name for name in question_names(question) if name.lower() not in COMMON_WORDS]
    return any(EMPLOYED.search(s) and (not names or any(carries(s, name) for name in names)) for s in _sentences(texts))


COMMON_WORDS = {"which", "what", "who", "news", "agency", "outlet", "organization", "organisation"}


def _name_in(phrase: str) -> str | None:
    """The name in a phrase ("the United States" → "US", as `carries` spells it out;
    lower-case "russia" too), or None for a phrase that names nobody ("the members")."""
    named = [w for w in re.findall(r"\w[\w.-]*", phrase) if (w[0].isupper() and w.lower() != "the")
             or w.lower() in COUNTRIES or w.lower() in DEMONYMS]
    name = " ".join(named)
    spelled = next((short for short, forms in SPELLED.items() if name.lower() in map(str.lower, forms)), None)
    return spelled.upper() if spelled else name or None


ANSWER_TYPES = [
    AnswerType("an age", re.compile(r"\bhow\s+old\b|\bwhat\s+age\b|\bage\s+of\b|['’]s\s+age\b", re.IGNORECASE),
               _pattern(AGE)),
    AnswerType("a year", re.compile(r"\b(?:what|which)\s+(?:year|decade)\b", re.IGNORECASE), _pattern(YEAR)),
    # "In which century was the citadel built?": "since 2012" dates something else.
    AnswerType("a century", re.compile(r"\b(?:what|which)\s+century\b", re.IGNORECASE), _pattern(CENTURY)),
    AnswerType("a vote count", re.compile(r"\bvote\s+(?:tally|count|totals?|results?|breakdown|margin)\b"
                                         r"|\b(?:tally|margin)\s+of\s+the\s+vote\b", re.IGNORECASE), _pattern(VOTE_COUNT)),
    AnswerType("a month", re.compile(r"\b(?:what|which)\s+month\b", re.IGNORECASE), states_month),
    # "When was the Observatory founded?": a founding or a building is dated by a year.
    AnswerType("a year", re.compile(r"\bwhen\s+(?:was|were|did)\b.*\b(?:found|founded|establish|established|build|built"
                                    r"|construct|constructed|create|created|inscribed)\b", re.IGNORECASE), _pattern(YEAR)),
    AnswerType("a population", POPULATION_ASKED, states_population),
    AnswerType("a birthplace", re.compile(r"\bborn\b|\bbirthplace\b|\bhometown\b", re.IGNORECASE), _pattern(BIRTH)),
    AnswerType("a nationality", re.compile(r"\bnationality\b|\bcitizenship\b", re.IGNORECASE), _pattern(NATIONALITY)),
    AnswerType("a sum of money", re.compile(r"\bhow\s+much\s+(?:money|\w+\s+(?:cost|costs|spend|spent|pay|paid))\b"
                                            r"|\bhow\s+much\b.*\b(?:cost|price|worth)\b|\bwhat\s+(?:price|budget)\b"
                                            r"|\b(?:price|cost)\s+of\b|\bcurrency\b|\bhow\s+expensive\b"
                                            r"|\bwhat\s+(?:did|does|do|would|will)\b[^?]*\bcost\b"
                                            r"|\bwhat\s+(?:sum|amount)\s+of\s+(?:\w+\s+)?(?:money|funding|funds|cash|aid)\b",
                                            re.IGNORECASE), _pattern(MONEY)),
    AnswerType("that figure", re.compile(r"\bhow\s+many\b", re.IGNORECASE), states_count),
    AnswerType("that figure", FINAL_TOLL, states_count),  # "what was the final death toll"
    # Facts of reference rather than news ("What is the capital of Canada?", "… the official
    # language of Lebanon?"): a passage that never uses the word, or a language's name, states none.
    # Asked for, not mentioned: "Who reported from the Lebanese capital?" asks who.
    AnswerType("a capital", re.compile(r"^\W*(?:what|which|name)\b[^?]{0,40}\bcapital\b", re.IGNORECASE),
               states_capital),
    AnswerType("a language", re.compile(r"\blanguages?\b", re.IGNORECASE), _pattern(LANGUAGE)),
    AnswerType("a time of day", re.compile(r"\bwhat\s+time\b|\bat\s+what\s+hour\b", re.IGNORECASE), _pattern(CLOCK)),
    AnswerType("a share", re.compile(r"\bwhat\s+(?:percent|percentage|proportion|share|fraction)\b", re.IGNORECASE),
               _pattern(SHARE)),
    AnswerType("a length of time", re.compile(r"\bhow\s+long\b(?!\s+(?:is|was|are|were)\s+the\b)", re.IGNORECASE),
               _pattern(DURATION)),
    # "How far is Aleppo from Damascus?"; not "how far apart" two positions were.
    AnswerType("a distance", re.compile(r"\bhow\s+far\s+(?:is|was|are|were)\b(?![^?]*\bapart\b)[^?]*\bfrom\b"
                                        r"|\bwhat\s+(?:is|was)\s+the\s+distance\b", re.IGNORECASE), _pattern(DISTANCE)),
    AnswerType("their vote", VOTE_ASKED, states_vote),
    AnswerType("who they work for", EMPLOYER_ASKED, states_employer),
    AnswerType("a make or model", re.compile(r"\b(?:what|which)\s+(?:(?:make|model|brand)s?|cameras?|lens(?:es)?)\b",
                                             re.IGNORECASE), _pattern(DESIGNATION)),
    AnswerType("an award", re.compile(r"\b(?:awards?|prizes?|honou?rs?)\b", re.IGNORECASE), _pattern(AWARD)),
    AnswerType("a reading of the weather", re.compile(r"\btemperatures?\b|\bhow\s+(?:cold|hot|warm|chilly)\b"
                                                    r"|\bhow\s+many\s+degrees\b|\bhow\s+much\s+(?:snow|rain)\b"
                                                    r"|\b(?:snowfall|rainfall)\b", re.IGNORECASE), _pattern(WEATHER)),
    AnswerType("a size", re.compile(r"\bhow\s+(?:tall|high|big|large|wide|deep|long\s+(?:is|was|are|were)\s+the)\b",
                                    re.IGNORECASE), _pattern(MEASURE)),
]


def from_focus(hit: Hit, focus: str) -> str:
    """The passage from the sentence that first names the focus: what comes before is
    about something else (a General Assembly vote told before "a resolution in the
    Security Council")."""
    text = hit.passage.text
    start = next((start for start, end in hit.passage.sentences if carries(text[start:end], focus)), 0)
    return text[start:]


def missing_answer_type(question: str, hits: list[Hit], focus: str | None = None) -> str | None:
    """What the question asks for that none of the first results states ("an age"),
    or None when they state it or the question asks for no such kind of fact. When the
    first names the question's focus (its most specific name), only those that name it
    can state it: a caption of the strikes on el-Zebdeh, with no figure, is not answered
    by a toll for all of east Aleppo, nor Aleppo's population by Bakhmut's."""
    texts = [hit.passage.text for hit in hits[:CHECKED]]
    if texts and focus and carries(texts[0], focus):  # the best result is about it
        texts = [from_focus(hit, focus) for hit in hits[:CHECKED] if carries(hit.passage.text, focus)]
    for kind in ANSWER_TYPES:
        if kind.asks.search(question) and not kind.stated(texts, question):
            return kind.missing
    return None
