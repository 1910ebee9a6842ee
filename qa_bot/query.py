"""Read a question the way a person means it: chat spelling, outlets, dates.

The retriever then sees a cleaned question ("alepo wat happend b4" → "aleppo what
happened before"), the outlets it names ("per the NYT"), and the days it asks about.
"""

from __future__ import annotations

import html
import itertools
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from qa_bot.dates import MONTHS, WEEKDAYS, month_days
from qa_bot.lexical import Speller, Vocabulary, dictionary_words, english_frequencies, one_short, tokenize, words

# Common chat abbreviations; general English, not tied to any corpus.
CHAT = {
    "r": "are", "u": "you", "ur": "your", "y": "why", "wat": "what", "wut": "what", "wht": "what",
    "b4": "before", "bc": "because", "cuz": "because", "coz": "because", "bldg": "building",
    "bldgs": "buildings", "govt": "government", "gov": "government", "gvt": "government",
    "ppl": "people", "abt": "about", "w": "with", "w/": "with", "wo": "without", "thru": "through",
    "tho": "though", "pls": "please", "plz": "please", "msg": "message", "dept": "department",
    "intl": "international", "natl": "national", "pres": "president",
    "yr": "year", "yrs": "years", "hrs": "hours", "hr": "hour", "ppls": "people",
    "wen": "when", "wer": "were", "whr": "where", "hw": "how", "sum1": "someone", "ne1": "anyone",
    "2day": "today", "2nite": "tonight", "gr8": "great", "nbr": "number", "num": "number",
    "info": "information", "rep": "reporter", "reps": "reporters",
    "whats": "what", "whos": "who", "wheres": "where", "hows": "how", "wks": "weeks", "mins": "minutes",
    "wud": "would", "cud": "could", "shud": "should", "hav": "have", "n": "and", "nd": "and",
    "bout": "about", "bcuz": "because", "becuz": "because", "becoz": "because", "tmrw": "tomorrow",
    "tmr": "tomorrow", "2moro": "tomorrow", "tonite": "tonight", "yday": "yesterday", "thx": "thanks",
    "pic": "picture", "pics": "pictures", "smth": "something", "sth": "something", "rly": "really",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "kinda": "kind of", "dunno": "do not know",
    "govts": "governments", "w/o": "without", "approx": "approximately", "idk": "I do not know",
    "btwn": "between", "betwn": "between", "btween": "between", "btw": "by the way", "whn": "when",
    "wher": "where", "wot": "what", "tht": "that", "frm": "from", "bcz": "because", "bcoz": "because",
    "bcos": "because", "acc": "according", "wrt": "about", "gvmt": "government", "govnt": "government",
    "gvmnt": "government", "thnx": "thanks", "yest": "yesterday", "foto": "photo", "fotos": "photos",
    "grp": "group", "grps": "groups", "journo": "journalist", "journos": "journalists", "photog": "photographer",
    "photogs": "photographers", "nbhd": "neighborhood", "nbhds": "neighborhoods", "nbhood": "neighborhood",
    "hosp": "hospital", "evac": "evacuation", "evacs": "evacuations", "vid": "video", "vids": "videos",
    "spox": "spokesperson", "mny": "many", "bak": "back", "guvnor": "governor", "guv": "governor",
    "mob": "mobile", "dat": "that",
}
# Chat interjections say nothing to search for ("… take a selfie lol"): dropped.
CHAT.update(dict.fromkeys(["lol", "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe", "omg", "tbh", "imo", "imho",
                           "fyi", "smh", "ngl", "jk"], ""))
# Contractions typed without their apostrophe ("hasnt", "hes"): English, not names.
CHAT.update({
    "dont": "do not", "doesnt": "does not", "didnt": "did not", "isnt": "is not", "wasnt": "was not",
    "arent": "are not", "werent": "were not", "hasnt": "has not", "havent": "have not", "hadnt": "had not",
    "cant": "cannot", "couldnt": "could not", "wouldnt": "would not", "shouldnt": "should not",
    "wont": "will not", "hes": "he is", "shes": "she is", "thats": "that is", "theres": "there is",
    "theyre": "they are", "youre": "you are", "im": "I am", "ive": "I have", "theyve": "they have",
})
# Names readers use where news copy writes another: keyword search would miss the passage
# ("what did isis retake" — the articles say "Islamic State").
ALIASES = {"isis": "Islamic State", "isil": "Islamic State", "daesh": "Islamic State", "fm": "foreign minister"}
DEMONYMS = {
    "afghan": "afghanistan", "american": "america", "australian": "australia", "british": "britain",
    "canadian": "canada", "chinese": "china", "egyptian": "egypt", "european": "europe", "french": "france",
    "german": "germany", "indian": "india", "iranian": "iran", "iraqi": "iraq", "israeli": "israel",
    "italian": "italy", "japanese": "japan", "jordanian": "jordan", "kurdish": "kurds", "lebanese": "lebanon",
    "libyan": "libya", "mexican": "mexico", "pakistani": "pakistan", "palestinian": "palestine",
    "qatari": "qatar", "russian": "russia", "saudi": "saudi arabia", "spanish": "spain", "syrian": "syria",
    "turkish": "turkey", "ukrainian": "ukraine", "yemeni": "yemen",
}
COUNTRIES = {country: people for people, country in DEMONYMS.items()}


# Abbreviations news spells out or writes with dots ("UK-based" is "Britain-based").
SPELLED = {"un": ["UN", "U.N.", "United Nations"], "us": ["US", "U.S.", "United States", "American", "Washington"],
           "uk": ["UK", "U.K.", "Britain", "British", "United Kingdom"], "eu": ["EU", "E.U.", "European Union"],
           "shia": ["Shia", "Shiite", "Shi'ite"]}  # "Shia villages": the corpus writes "Shiite"


# News names a government by its capital ("Moscow's bombing runs" are Russian air power)
# and files from a few cities ("Heba Habib in Stockholm" contributed from Sweden).
CITIES = {"moscow": "russia", "kremlin": "russia", "washington": "america", "ankara": "turkey",
          "istanbul": "turkey", "tehran": "iran", "beijing": "china", "damascus": "syria", "riyadh": "saudi",
          "doha": "qatar", "paris": "france", "london": "britain", "berlin": "germany", "beirut": "lebanon",
          "baghdad": "iraq", "amman": "jordan", "cairo": "egypt", "stockholm": "sweden", "geneva": "switzerland"}
# Names news gives a country besides its own ("the American position": "the United States").
COUNTRY_NAMES = {"america": ["united states"], "britain": ["united kingdom"]}
COUNTRY_CITIES = {country: [city for city, of in CITIES.items() if of == country] for country in CITIES.values()}


def name_forms(word: str) -> list[str]:
    """A name and, for a country or its people, the other of the two; for an
    abbreviation, the words news writes it with ("uk": "britain", "british"); for a
    capital or a city news files from, its country and people, and for a country, those
    cities ("moscow": "russia"; "sweden": "stockholm")."""
    other = DEMONYMS.get(word) or COUNTRIES.get(word)
    head = other.split()[0] if other else ""
    forms = [word, *([head] if head else [])]
    forms += [form.lower() for form in SPELLED.get(word, [])[1:] if " " not in form and "." not in form]
    if country := CITIES.get(word):
        forms += [country, *COUNTRIES.get(country, "").split()[:1]]
    else:
        forms += COUNTRY_CITIES.get(word) or COUNTRY_CITIES.get(head, [])
    country = word if word in COUNTRIES else head if head in COUNTRIES else ""
    return forms + COUNTRY_NAMES.get(country, [])


COMMON_ENGLISH_WORDS = 40_000  # of symspellpy's frequency list, most frequent first
COMMON_NAME_SHARE = 0.005  # of the corpus's words: a name this common is the corpus's subject, no focus
SHOUTED = 0.6  # a question with more of its letters in capitals is typed in capitals, not cased

# Widespread nicknames of outlets; used only for outlets present in the corpus.
NICKNAMES = {
    "nyt": "The New York Times", "nytimes": "The New York Times", "ny times": "The New York Times",
    "wapo": "The Washington Post", "wp": "The Washington Post", "wash post": "The Washington Post",
    "mee": "Middle East Eye", "nbc": "NBC News", "bbc": "BBC News", "ap": "Associated Press",
    "globe": "The Boston Globe", "bostonglobe": "The Boston Globe", "wsj": "The Wall Street Journal",
}
QUESTION_WORDS = {
    "what", "who", "whom", "whose", "which", "when", "where", "why", "how", "did", "does", "do", "is", "are",
    "was", "were", "according", "say", "said", "tell", "me", "please", "many", "much",
}

# "Who wrote the NYT article?": the answer is a byline or a contributor line, which
# shares no words with the question. Asking for people *and* naming a piece or outlet.
AUTHOR_WORDS = re.compile(
    r"\b(?:who\s+(?:wrote|reported|authored|filed)|written\s+by|authors?|bylines?|reporters?|journalists?"
    r"|correspondents?|writers?|contributed|contributors?)\b", re.IGNORECASE)
PIECE_WORDS = re.compile(r"\b(?:article|story|piece|report|coverage|gallery|slideshow|dispatch)s?\b", re.IGNORECASE)
# "Where was the NYT article datelined?": the answer is the dateline ("BEIRUT, Lebanon —").
DATELINE_WORDS = re.compile(r"\bdatelined?\b|\bdatelines\b|\b(?:filed|reported|written|dispatched)\s+from\b",
                            re.IGNORECASE)
# "What day was the NYT piece … published?": the answer is the date printed with its byline.
PUBLISHED_WORDS = re.compile(r"\b(?:published|posted|dated|printed|came\s+out|went\s+online)\b", re.IGNORECASE)
PHOTO_WORDS = re.compile(r"\b(?:photo(?:graph)?s?|pictures?|pics?|images?|captions?|photographers?)\b",
                         re.IGNORECASE)
# "The first photo in the Globe's gallery", "the picture at the top of the NYT story", "the
# last image": a photo asked for by its place in the piece. The answer is that caption.
ORDINALS = {"first": 0, "1st": 0, "top": 0, "lead": 0, "opening": 0, "main": 0, "second": 1, "2nd": 1, "third": 2,
            "3rd": 2, "fourth": 3, "4th": 3, "fifth": 4, "5th": 4, "sixth": 5, "6th": 5, "seventh": 6, "7th": 6,
            "eighth": 7, "8th": 7, "ninth": 8, "9th": 8, "tenth": 9, "10th": 9, "last": -1, "final": -1, "closing": -1}
_PHOTO = r"(?:photo(?:graph)?|picture|pic|image|shot)"
PHOTO_AT = re.compile(
    rf"\b(?P<ordinal>{'|'.join(ORDINALS)})\s+(?:\w+\s+)?{_PHOTO}s?\b"  # "the first photo", "the last gallery image"
    rf"|\b{_PHOTO}\s+(?:at|on)\s+the\s+(?P<end>top|bottom|end|start|beginning)\b"  # "the photo at the top"
    rf"|\b{_PHOTO}\s+(?:number|no\.?|#)\s*(?P<number>\d{{1,2}})\b",  # "photo number 3", "picture #3"
    re.IGNORECASE)


def photo_at(question: str) -> int | None:
    """Which photo of a piece the question asks for by its place (0 the first, -1 the
    last), or None when it asks for none that way."""
    found = PHOTO_AT.search(question)
    if found is None:
        return None
    if found["ordinal"]:
        return ORDINALS[found["ordinal"].lower()]
    if found["end"]:
        return 0 if found["end"].lower() in ("top", "start", "beginning") else -1
    return max(int(found["number"]) - 1, 0)


WHO = re.compile(r"\bwho(?:m|se)?\b|\bwhich\s+(?:[\w'’-]+\s+){0,3}(?:official|person|man|woman|spokes(?:man|woman|person)"
                 r"|minister|diplomat|activist|resident|reporter|journalist|commander|general|envoy|director|chief"
                 r"|leader|head|photographer|teacher|mother|father)\b", re.IGNORECASE)
PERSON_WORDS = re.compile(r"\b(?:who|whose|which|name|names)\b", re.IGNORECASE)

# Question scaffolding carries no topic: it must not pull passages in keyword search.
QUESTION_TOKENS = {t for toks in tokenize(sorted(QUESTION_WORDS | {"many", "much", "happened", "happen"})) for t in toks}


@dataclass
class Query:
    raw: str
    text: str  # cleaned and corrected: what is embedded and keyword-searched
    tokens: list[str]  # stemmed keyword tokens
    content_words: list[str]  # corrected content words, unstemmed
    unknown: list[str]  # content words the corpus never uses, even after correction
    unknown_figures: list[str] = field(default_factory=list)  # counts it states that the corpus never writes
    outlets: set[str] = field(default_factory=set)
    month_days: set[tuple[int, int]] = field(default_factory=set)
    about_authors: bool = False  # asks who wrote or reported a piece
    about_dateline: bool = False  # asks where a piece was filed from
    about_published: bool = False  # asks when a piece was published
    names: list[str] = field(default_factory=list)  # names and long numbers it asks about
    wants: str | None = None  # "number" or "time" when that is the kind of answer asked for
    about_photo: bool = False  # asks about a photo ("the Reuters photo", "who took the picture")
    photo_at: int | None = None  # asks for a piece's photo by its place: 0 the first, -1 the last
    asks_who: bool = False  # asks for a person ("who said …", "which official warned …")
    focus: str | None = None  # its most specific name: the one the corpus writes least ("el-Zebdeh")


class QueryParser:
    def __init__(self, vocabulary: Vocabulary, outlets: list[str]) -> None:
        self.vocabulary = vocabulary
        self.speller = Speller(vocabulary)
        self.aliases = outlet_aliases(outlets)

    def parse(self, question: str) -> Query:
        question = text = " ".join(without_markup(question).split())
        outlets, text_wo_outlets = self._outlets(text)
        corrected = self._correct(without_meta(text_wo_outlets))
        candidates = [w for w in words(corrected) if w not in QUESTION_WORDS]
        # One tokenize call for the question and its words: each call costs ~0.1 ms.
        question_tokens, *word_tokens = tokenize([corrected + periphrased(corrected, self.vocabulary), *candidates])
        content = [w for w, kept in zip(candidates, word_tokens) if kept]
        asked = without_asides(question)
        # Typed in lower case, names come from the content words: those of the aside go too.
        kept = content if asked == question else [w for w in content if w in set(words(self._correct(asked).lower()))]
        names = self._names(asked, kept)
        return Query(
            raw=question,
            text=corrected,
            tokens=[t for t in question_tokens if t not in QUESTION_TOKENS],
            content_words=content,
            unknown=[w for w in content if w not in self.vocabulary],
            unknown_figures=[f for f in stated_figures(question) if not self._writes(f)],
            outlets=outlets,
            month_days=month_days(text),
            about_authors=asks_for_authors(corrected, bool(outlets)),
            about_dateline=asks_for_dateline(corrected, bool(outlets)),
            about_published=asks_when_published(corrected, bool(outlets)),
            names=names,
            wants=answer_kind(corrected),
            about_photo=bool(PHOTO_WORDS.search(question)),
            photo_at=photo_at(question),
            asks_who=bool(WHO.search(corrected)),
            focus=self._focus(self._names(without_asides(text_wo_outlets), content)),
        )

    def _writes(self, figure: str) -> bool:
        """Whether the corpus writes the figure: the vocabulary keeps "10,500" as "10" and "500"."""
        return all(part in self.vocabulary for part in re.split(r"[,.]", figure) if part)

    def _focus(self, names: list[str]) -> str | None:
        """The name the corpus writes least, then English: "Geneva", not "Aleppo", in
        "When did the Russian-US talks in Geneva on Aleppo begin?". None when even that
        one is among the corpus's commonest words (Aleppo, in coverage of Aleppo): it
        tells no passage apart."""
        english = english_frequencies()
        named = [n for n in names if not n.isdigit() and n.lower() not in MONTHS and n.lower() not in WEEKDAYS]
        focus = min(named, key=lambda n: (self.vocabulary.counts.get(n.lower(), 0), english.get(n.lower(), 0)),
                    default=None)
        return None if focus is None or self.vocabulary.share(focus.lower()) > COMMON_NAME_SHARE else focus

    def _names(self, question: str, content_words: list[str]) -> list[str]:
        """What a passage must name to answer. Typed with capitals, the capitals tell;
        typed in lower case (or all in capitals), the corpus does (the words it writes as
        names), so do countries and their peoples ("turkey", "iranian"), and so does
        English (a word neither the corpus nor English knows: "raqqa", "nba")."""
        if re.search(r"[A-Z]", question[1:]) and not shouted(question):
            # Asked as the alias, searched as what it stands for: "ISIS" is "Islamic State".
            return [self._spelled(name) for asked in question_names(question)
                    for name in (NAME.findall(ALIASES[asked.lower()]) if asked.lower() in ALIASES else [asked])]
        bare = (re.sub(r"['’]s$", "", w) for w in content_words)
        typed = words(question.lower())
        phrased = self._phrased(typed)
        found = [w for w in bare if w.isalpha() and (
            w in DEMONYMS or w in COUNTRIES
            or (w in self.vocabulary.names and (not everyday(w) or w in CITIES or w in phrased))
            or (w not in self.vocabulary and not is_english(w) and not restored(w)))]
        return self._with_first_names(typed, found) + LONG_NUMBER.findall(question)

    def _spelled(self, name: str) -> str:
        """A name as the corpus spells it, when it is a slip for one of the corpus's names
        ("Kassab" for Kassa, "Ryabkin" for Ryabkov, "Kefraya" for Kafraya): the search text
        is corrected so, and a name half-remembered is no unknown name."""
        lower = name.lower()
        if lower in self.vocabulary or not lower.isalpha() or name.isupper():  # "UNICEF" is meant as typed
            return name
        fixed = self.speller.correct(lower)
        slip = fixed != lower and fixed[0] == lower[0] and fixed in self.vocabulary.names
        return fixed.capitalize() if slip else name

    def _with_first_names(self, typed: list[str], found: list[str]) -> list[str]:
        """The names found, and a corpus word that is not English just before one: the
        corpus opens a paragraph with "Bilal Abdul Kareem", so no capital tells that
        "bilal" is a name, but "abdul kareem" follows it. `typed`: the question's words."""
        before = [a for a, b in zip(typed, typed[1:]) if b in found and a not in found and a.isalpha()
                  and a in self.vocabulary and not is_english(a)]
        return [w for w in typed if w in before] + found

    def _phrased(self, typed: list[str]) -> set[str]:
        """The question's words (`typed`) that, with a neighbour, make a name the corpus
        writes ("security council"); an everyday word is a name only so ("the outside world")."""
        pairs = [(a, b) for a, b in zip(typed, typed[1:]) if f"{a} {b}" in self.vocabulary.phrases]
        return {w for pair in pairs for w in pair}

    def english_share(self, question: str) -> float:
        """How English a question reads: misspellings count when the speller mends
        them ("civilans"), names when the corpus uses them ("Aleppo"). Asked only of a
        question about to be declined, to say why."""
        found = [w for w in words(without_markup(question)) if w.isalpha()]
        if len(found) < 3:
            return 1.0
        english = english_frequencies()
        known = [w in english or w in self.vocabulary or w in CHAT or self.speller.correct(w) != w for w in found]
        return sum(known) / len(found)

    def _correct(self, text: str) -> str:
        cased = not shouted(text)

        def fix(match: re.Match[str]) -> str:
            word = match.group(0)
            lower = word.lower()
            if word == "IS" and cased:  # "did IS retake Palmyra": the group, not the verb
                return "Islamic State"
            if lower in CHAT:
                return CHAT[lower]
            if CAMEL.fullmatch(word):  # a brand ("iPhone"), not a misspelling of "phone"
                return word
            if lower in ALIASES:
                return ALIASES[lower]
            if chat_plural(lower):
                return lower[:-1] + "s"
            if (plural := regular_plural(lower)) is not None:
                return plural
            if dropped_g(lower) and lower not in self.vocabulary:
                return lower + "g"
            if lower not in self.vocabulary and inflected(lower):  # "bused" is a word, not a slip for "used"
                return word
            fixed = self.speller.correct(lower)
            if lower not in self.vocabulary and not is_english(lower) and not one_short(lower, fixed):
                # An English word the corpus never writes ("ambasador"), or one the typing
                # dropped a letter of where the nearest corpus word needs another edit
                # ("startd": "started", not "state").
                fixed = restored(lower) or fixed
            return word if fixed == lower else fixed

        text = DEPUTY_GOV.sub(r"\1 governor", text)  # "gov" is the government, but a deputy's is the governor
        return re.sub(r"[A-Za-z][A-Za-z0-9']*", fix, text)

    def _outlets(self, text: str) -> tuple[set[str], str]:
        """Outlets the question names, and the question without those names."""
        found: set[str] = set()
        any_case = shouted(text)
        for alias, outlet in self.aliases:
            pattern = rf"(?<![\w]){re.escape(alias)}(?![\w])"
            # Full names and nicknames match in any case; a bare "Times" only capitalised
            # (or in a question typed all in capitals: "WHAT DID THE POST REPORT").
            flags = 0 if alias[0].isupper() and not any_case else re.IGNORECASE
            if re.search(pattern, text, flags):
                found.add(outlet)
                text = re.sub(rf"(?:according to |per |in |by |from )?(?:the )?{pattern}(?:'s|’s)?", " ", text, flags=flags)
        return found, " ".join(text.split())


# Words about the coverage rather than the events ("according to the reports", "in more
# than one article", "do the reports rely on"): no passage says them of its subject.
_HOW_MANY = r"(?:(?:the|some|media|news|different|various|several|multiple|both|all|other|two|more\s+than\s+one)\s+)*"
META = re.compile(
    rf"\b(?:according\s+to|per|in|across|from)\s+{_HOW_MANY}(?:reports|coverage|articles|stories|outlets|sources|media"
    rf"|report|article|story|outlet|source)\b(?!\s+(?:of|on|about|that)\b)"
    r"|\b(?:do|does|did)\s+(?:the\s+)?(?:reports|articles|coverage|outlets|stories)\s+(?:rely|draw|lean)\s+on\b",
    re.IGNORECASE)


# Journalese for titles, as readers retell them ("Moscow's top diplomat", "the rebels'
# mouthpiece", "the UK-based war monitor"): the keyword search also looks for the title.
PERIPHRASES = {
    r"top\s+diplomat": "foreign minister", r"mouthpiece": "spokesman",
    r"(?:war\s+)?monitor(?:ing)?\s+(?:group|body|outfit)|war\s+monitor": "observatory",
    r"(?:top\s+)?aid\s+(?:official|chief|boss)": "humanitarian chief", r"rights\s+(?:chief|office)": "high commissioner",
}
PERIPHRASED = [(re.compile(rf"\b{pattern}\b", re.IGNORECASE), title) for pattern, title in PERIPHRASES.items()]


def periphrased(text: str, vocabulary: Vocabulary | None = None) -> str:
    """The titles the question's journalese stands for, and, for an abbreviation the
    corpus never writes, the words it writes instead ("UK-based": "Britain-based"), as
    extra words to search."""
    titles = "".join(f" {title}" for pattern, title in PERIPHRASED if pattern.search(text))
    unwritten = [a for a in SPELLED if vocabulary is not None and a not in vocabulary]
    spelled = (SPELLED[a][2:] for a in unwritten if re.search(rf"(?<![\w.]){a.upper()}(?![\w.])", text))
    return titles + "".join(f" {form}" for forms in spelled for form in forms)


def without_meta(text: str) -> str:
    """The question less what it says of the coverage, unless nothing else is left
    ("What is in the coverage?" is a question about the coverage)."""
    stripped = " ".join(META.sub(" ", text).split())
    return stripped if any(w.lower() not in QUESTION_WORDS for w in re.findall(r"[^\W_]+", stripped)) else text


# Capitalised words, brands in camel case ("iPhone", "YouTube"), acronyms, long numbers; not
# a handle ("@AleppoNewsBot").
SENTENCE_START = re.compile(r"[.!?]\s+$")  # what comes before a word that opens a sentence
NAME = re.compile(r"(?<!@)\b(?:[A-Z][a-z]+(?:[A-Z][a-z]+)*|[a-z]+(?:[A-Z][a-z]+)+|[A-Z]{2,}|\d{3,})\b")
# "Is it true that 82 civilians were executed?": a count the question states, of something
# ("82 civilians", "40 percent"). Not a day ("Dec. 12"), nor the asker's own ("my brother is
# 34 and …", "34 years old"): those are followed by no counted word. Nor one digit: news
# spells those out ("two weeks"), and chat writes "2" for "to".
STATED_FIGURE = re.compile(r"(?<![\w.,/$])(\d[\d,.]*\d)(?:\s*(?:%|per\s*cent\b|percent\b)|\s+([a-z]+)\b(?!\s+old\b))",
                           re.IGNORECASE)
NOT_COUNTED = {"years", "year", "yrs", "am", "pm", "and", "or", "of", "to", "in", "on", "at", "by", "for", "from",
               "the", "a", "an", "is", "was", "were", "are", "th", "st", "nd", "rd"}


def stated_figures(question: str) -> list[str]:
    return [m.group(1) for m in STATED_FIGURE.finditer(question)
            if m.group(2) is None or m.group(2).lower() not in NOT_COUNTED]


LONG_NUMBER = re.compile(r"\b\d{3,}\b")  # years and figures; "12" in "Dec. 12" is a date, matched apart


CAMEL = re.compile(r"[A-Za-z][a-z]*[A-Z][a-z]+[A-Za-z]*")


def shouted(text: str) -> bool:
    """Typed all in capitals: capitals then say nothing about names."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum(ch.isupper() for ch in letters) > SHOUTED * len(letters)


# A reader's guess is not what they ask about: "Which country put it forward? I have a
# feeling it was one of the Scandinavian ones", "the Russian deputy minister — Ryabkin, was
# it? —". Names in a hedged aside are no names the answer must carry.
HEDGE = (r"\bI\s+(?:think|believe|guess|suppose|recall|seem\s+to\s+remember|have\s+a\s+feeling|may\s+(?:well\s+)?be"
         r"\s+wrong|am\s+not\s+sure)\b|\bor\s+some(?:thing|\s+such)\b|\bsomething\s+like\s+that\b|\bwas\s+it\?"
         r"|\bif\s+I\s+(?:remember|recall)\b")
DASHED_ASIDE = re.compile(r"\s[—–]\s(?:(?![—–]).)*?(?:" + HEDGE + r")(?:(?![—–]).)*?\s[—–]\s")
HEDGED_SENTENCE = re.compile(r"(?<=[?.!])\s+[^?.!]*(?:" + HEDGE + r")[^?.!]*(?:[?.!]+|$)")


def without_asides(question: str) -> str:
    return HEDGED_SENTENCE.sub(" ", DASHED_ASIDE.sub(" ", question))


def question_names(question: str) -> list[str]:
    """Capitalised words, acronyms and long numbers. The first word is capitalised by
    grammar, not because it is a name, unless it is an acronym ("NYT: how much …"); so
    is an English word opening a later sentence ("… in Jibrin. Which two villages …")."""
    found = list(NAME.finditer(question))
    if found and found[0].start() == 0 and found[0].group().istitle():
        found = found[1:]
    return [m.group() for m in found if m.group() not in HONORIFICS and not (
        m.group().istitle() and SENTENCE_START.search(question, 0, m.start()) and is_english(m.group().lower()))]


HONORIFICS = {"Mr", "Mrs", "Ms", "Dr", "Mister", "Madam", "Sir"}  # "A Mr. Kassa": the name is the next word


def everyday(word: str) -> bool:
    """Among English's commonest words: typed in lower case, "the outside world" names
    nothing, though the corpus capitalises "World" (World Food Programme) nearly always."""
    return word in commonest_english(EVERYDAY_WORDS) and word not in MONTHS and word not in WEEKDAYS


EVERYDAY_WORDS = 3_000


def is_english(word: str) -> bool:
    """A common English word or a regular inflection of one ("datelined", "evacuees",
    "prepped", "citing", "denied", and chat's "kidz"), or of a dictionary word ("moms").
    The rarest third of the frequency list is mostly names ("homs", "souk", "astana")."""
    english = common_english()
    dictionary = dictionary_words()

    def known(base: str) -> bool:
        return base in english or base in dictionary

    if known(word) or chat_plural(word):
        return True
    if any(word.endswith(suffix) and known(word[: -len(suffix)]) for suffix in ("s", "es", "ly")):
        return True
    if word.endswith("ed") and known(word[:-1]):  # "datelined"; "startd" is a slip, not a word
        return True
    if _by_rule(word, ("ed", "ing", "er", "est"), known):  # "prepped" → "prep", "citing" → "cite"
        return True
    return any(word.endswith(suffix) and known(word[: -len(suffix)] + "y") for suffix in ("ies", "ied"))


def inflected(word: str) -> bool:
    """A past or a participle of a common English verb, spelt by rule ("bused", "bussed",
    "citing"): the frequency list lacks many, and the nearest corpus word is another verb."""
    return _by_rule(word, ("ed", "ing"), common_english().__contains__)


def _by_rule(word: str, suffixes: tuple[str, ...], known: Callable[[str], bool]) -> bool:
    """The word is a known one with a suffix, its last consonant doubled or its e dropped."""
    for suffix in suffixes:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and (
                known(stem) or (stem[-1] == stem[-2] and known(stem[:-1])) or known(stem + "e")):
            return True
    return False


def dropped_g(word: str) -> bool:
    """Chat's "lettin", "takin": the -ing of a common English word, its g dropped."""
    english = common_english()
    return word.endswith("in") and word not in english and word + "g" in english


def restored(word: str) -> str | None:
    """The common English word typed one letter short ("problms": "problems"), the most
    frequent if several; None for none. Short words are left alone: "homs" is a name,
    not "homes" short of an e."""
    if len(word) < DROPPED_FROM:
        return None
    english = common_english()
    found = [w for i in range(len(word) + 1) for letter in string.ascii_lowercase
             if (w := word[:i] + letter + word[i:]) in english]
    frequencies = english_frequencies()
    return max(found, key=lambda w: frequencies.get(w, 0), default=None)


DROPPED_FROM = 5


DEPUTY_GOV = re.compile(r"\b(deputy|dep|vice|lt|lieutenant)\s+gov\b", re.IGNORECASE)


def regular_plural(word: str) -> str | None:
    """The plural meant by one spelt by the rule for "days" or "chiefs" ("countrys",
    "familys" → "-ies"; "lifes", "wifes" → "-ves"), or None: "life" is one edit nearer."""
    if word in common_english():
        return None
    for typed, meant in (("ys", "ies"), ("fes", "ves")):
        if word.endswith(typed) and (plural := word[: -len(typed)] + meant) in common_english():
            return plural
    return None


def chat_plural(word: str) -> bool:
    """A plural spelt with a z, as in chat ("kidz", "guyz"); "aziz" and "lopez" are none."""
    return word.endswith("z") and len(word) > 3 and word[:-1] in common_english() and word[:-1] + "s" in common_english()


def common_english() -> frozenset[str]:
    return commonest_english(COMMON_ENGLISH_WORDS)


@lru_cache(maxsize=2)
def commonest_english(count: int) -> frozenset[str]:
    """The `count` most frequent words of the English frequency list."""
    return frozenset(itertools.islice(english_frequencies(), count))


WANTS_NUMBER = re.compile(r"\b(?:how\s+(?:many|much|far|long|old)|what\s+(?:number|percentage|proportion|share)"
                          r"|what\s+(?:was|is)\s+the\s+(?:number|toll|death\s+toll|count))\b", re.IGNORECASE)
WANTS_TIME = re.compile(r"\b(?:when|what\s+(?:date|day|time|month)|which\s+(?:date|day|month))\b", re.IGNORECASE)


def answer_kind(question: str) -> str | None:
    """A figure or a time: what the answering sentence then has to state."""
    if WANTS_NUMBER.search(question):
        return "number"
    return "time" if WANTS_TIME.search(question) else None


def asks_for_authors(text: str, names_outlet: bool) -> bool:
    """A question about who wrote a piece, not about what a reporter in it saw."""
    return bool(AUTHOR_WORDS.search(text) and PERSON_WORDS.search(text)
                and (names_outlet or PIECE_WORDS.search(text)))


def asks_when_published(text: str, names_outlet: bool) -> bool:
    """When a piece was published: asked of the piece, not of a statement ("posted online")."""
    return bool(PUBLISHED_WORDS.search(text) and (names_outlet or PIECE_WORDS.search(text))
                and re.search(r"\b(?:when|date|day)\b", text, re.IGNORECASE))


def asks_for_dateline(text: str, names_outlet: bool) -> bool:
    """Where a piece was filed from; "reported from" alone may be about a source."""
    found = DATELINE_WORDS.search(text)
    return bool(found and ("dateline" in found.group(0).lower() or names_outlet or PIECE_WORDS.search(text)))


# Formatting people paste or type into chat: "<b>who</b>", "&amp;", "*Post*", "`Hanano`".
TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]{0,200})?/?>")
EMPHASIS = re.compile(r"(?<![\w*_~`])[*_~`]+(?=\w)|(?<=\w)[*_~`]+(?![\w*_~`])")


MARKUP_CHARS = re.compile(r"[<&*_`~]|https?:|www\.", re.IGNORECASE)
URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


def without_markup(question: str) -> str:
    """The question as words: markup would hide them from every pattern here ("<b>who</b>
    wrote" is not "who wrote") and a name at the start from the names check. Invisible
    format characters (a soft hyphen in "Alep\xadpo", zero-width spaces) go too, and
    pasted links, whose words are no question."""
    if question.isascii() and not MARKUP_CHARS.search(question):
        return question  # most questions: nothing to take out
    text = html.unescape(TAG.sub(" ", question))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return EMPHASIS.sub("", URL.sub(" ", text))


def without_article(name: str) -> str:
    """A name without its leading "The", as outlets are named in passing ("the Post")."""
    return re.sub(r"^the\s+", "", name, flags=re.IGNORECASE)


def outlet_aliases(outlets: list[str]) -> list[tuple[str, str]]:
    """Ways a question may name each outlet: full name, without "The", nickname, last word.

    The bare last word ("the Times", "the Post") counts only when capitalised and
    when a single outlet ends with it. Longest aliases are tried first.
    """
    aliases: dict[str, str] = {}
    last_words: dict[str, list[str]] = {}
    for outlet in outlets:
        bare = without_article(outlet)
        aliases[outlet.lower()] = outlet
        aliases[bare.lower()] = outlet
        last = bare.split()[-1]
        if len(bare.split()) > 1 and last.lower() not in ("news", "eye", "daily", "wire"):
            last_words.setdefault(last, []).append(outlet)
    for nickname, outlet in NICKNAMES.items():
        if outlet in outlets:
            aliases[nickname] = outlet
    for last, owners in last_words.items():
        if len(owners) == 1:
            aliases[last] = owners[0]
    return sorted(aliases.items(), key=lambda item: -len(item[0]))
