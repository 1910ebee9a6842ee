"""Retrieval quality with the real model (slow), and the one-result-per-fact rules (fast)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from qa_bot.models import Hit, Passage
from qa_bot.retrieve import Filters, diversify, states

BIKE = "What was the Syrian boy's bike adorned with in Hanano?"
BUSTAN = "Where did Syrian residents fleeing violence in the restive Bustan al-Qasr neighborhood arrive?"
BUSTAN_PHRASE = "fleeing violence in the restive bustan al-qasr neighborhood, arrive in"
BROAD_QUESTIONS = [
    "What happened to civilians fleeing Aleppo?",
    "What did the Syrian army capture in Aleppo?",
    "What did the United Nations say about Aleppo?",
    "What did Russia say about the ceasefire?",
    "What happened to the rebels?",
]


def norm(text: str) -> str:
    return " ".join(text.replace("’", "'").split()).casefold()


# --- diversify: at most `per_document` of the top 5 from one document ------------------------------


def fake_hit(doc: str, score: float, n: int) -> Hit:
    passage = Passage(id=n, text=f"{doc} {n}.", document=doc, outlet=doc, published=None, title="t", url=None,
                      authors=[], position=n, kind="paragraph")
    return Hit(passage, score)


def docs(hits: list[Hit]) -> list[str]:
    return [h.passage.document for h in hits]


def test_diversify_caps_a_document_while_others_are_competitive() -> None:
    hits = [fake_hit("A", 1.0, 0), fake_hit("A", 0.95, 1), fake_hit("A", 0.9, 2), fake_hit("A", 0.85, 3),
            fake_hit("B", 0.8, 4), fake_hit("C", 0.75, 5), fake_hit("D", 0.72, 6)]
    chosen = diversify(hits, 5, per_document=2)
    assert docs(chosen) == ["A", "A", "B", "C", "D"]
    assert docs(diversify(hits, 7, per_document=2)) == ["A", "A", "B", "C", "D", "A", "A"]


def test_diversify_returns_held_back_results_in_score_order_after_the_top_five() -> None:
    """A document's third result waits only for the first five places; below them it
    ranks by its score, above weaker results from other documents."""
    hits = [fake_hit("A", 1.0, 0), fake_hit("A", 0.95, 1), fake_hit("A", 0.9, 2), fake_hit("B", 0.8, 3),
            fake_hit("C", 0.75, 4), fake_hit("D", 0.72, 5), fake_hit("E", 0.55, 6), fake_hit("F", 0.5, 7)]
    assert docs(diversify(hits, 8, per_document=2)) == ["A", "A", "B", "C", "D", "A", "E", "F"]


def test_diversify_keeps_everything_and_never_duplicates() -> None:
    hits = [fake_hit(d, 1.0 - i / 20, i) for i, d in enumerate("AAABBBCC")]
    for k in range(1, 10):
        chosen = diversify(hits, k, per_document=2)
        assert len(chosen) == min(k, len(hits))
        assert len({id(h) for h in chosen}) == len(chosen)
    assert diversify([], 5, 2) == []


def test_diversify_caps_a_document_while_others_qualify() -> None:
    """At most 2 of the top 5 from one document while another document scores at least
    0.7 × the best; when nothing else qualifies, the strong document keeps its results."""
    close = [fake_hit("A", 1.0, 0), fake_hit("A", 0.95, 1), fake_hit("A", 0.9, 2), fake_hit("B", 0.8, 3),
             fake_hit("C", 0.75, 4), fake_hit("D", 0.72, 5)]
    assert max(Counter(docs(diversify(close, 5, per_document=2))).values()) <= 2
    weak_others = [fake_hit("A", 1.0, 0), fake_hit("A", 0.95, 1), fake_hit("A", 0.9, 2), fake_hit("B", 0.6, 3)]
    assert docs(diversify(weak_others, 4, per_document=2)) == ["A", "A", "A", "B"]


# --- the real model ---------------------------------------------------------------------------------------

slow = pytest.mark.slow


@slow
def test_bike_question_finds_the_nbc_caption_with_a_highlight(real_answerer) -> None:
    answer = real_answerer.ask(BIKE)
    assert not answer.abstained
    top3 = [h for h in answer.hits[:3] if "adorned with a syrian flag" in norm(h.passage.text)]
    assert top3, [h.passage.text[:80] for h in answer.hits]
    hit = top3[0]
    assert (hit.passage.outlet, hit.passage.published, hit.passage.document[:3]) == ("NBC News", "2016-12-13", "000")
    assert hit.highlight is not None
    start, end = hit.highlight
    text = hit.passage.text
    assert 0 <= start < end <= len(text)
    answer_at = text.lower().index("adorned with a syrian flag")
    assert start <= answer_at and answer_at + len("adorned with a syrian flag") <= end
    sentence = next((a, b) for a, b in hit.passage.sentences if a <= answer_at < b)
    assert start == sentence[0] and end <= sentence[1]


@slow
def test_a_caption_two_outlets_ran_is_one_result_listing_both(real_answerer) -> None:
    answer = real_answerer.ask(BUSTAN)
    assert not answer.abstained
    copies = [h for h in answer.hits if BUSTAN_PHRASE in norm(h.passage.text)]
    assert len(copies) == 1, [h.passage.text[:60] for h in answer.hits]
    hit = copies[0]
    assert {hit.passage.document[:3], *(o.document[:3] for o in hit.also_in)} == {"000", "001"}
    other = next(o for o in hit.also_in if o.document != hit.passage.document)
    assert other.outlet != hit.passage.outlet and BUSTAN_PHRASE in norm(other.text)
    assert all(BUSTAN_PHRASE not in norm(h.passage.text) for h in answer.hits if h is not hit)


@slow
@pytest.mark.parametrize("question", [BIKE, BUSTAN, *BROAD_QUESTIONS])
def test_results_are_distinct_facts_from_several_documents(real_answerer, question: str) -> None:
    answer = real_answerer.ask(question, k=8)
    groups = real_answerer.index.groups
    assert len({int(groups[h.passage.id]) for h in answer.hits}) == len(answer.hits)
    in_also = {o.id for h in answer.hits for o in h.also_in}
    assert not in_also & {h.passage.id for h in answer.hits}


@slow
@pytest.mark.parametrize("question", BROAD_QUESTIONS)
def test_at_most_two_of_the_top_five_from_one_document(real_answerer, question: str) -> None:
    answer = real_answerer.ask(question)
    assert len(answer.hits) == 5
    assert max(Counter(h.passage.document for h in answer.hits[:5]).values()) <= 2


@slow
@pytest.mark.parametrize("outlet", ["Washington Post", "The New York Times", "NBC News"])
def test_outlet_filter_returns_k_results_of_that_outlet(real_answerer, outlet: str) -> None:
    for k in (5, 8):
        answer = real_answerer.ask(BROAD_QUESTIONS[0], k, outlet=outlet)
        assert not answer.abstained and len(answer.hits) == k
        assert all(outlet.casefold() in h.passage.outlet.casefold() for h in answer.hits)


@slow
def test_outlet_filter_overrides_a_better_match_elsewhere(real_answerer) -> None:
    unfiltered = real_answerer.ask(BIKE)
    assert unfiltered.hits[0].passage.outlet != "The Washington Post"
    ranked = real_answerer.rank_many([BIKE], 5, Filters(outlet="Washington Post"))[0]
    assert len(ranked.hits) == 5 and {h.passage.outlet for h in ranked.hits} == {"The Washington Post"}


@slow
@pytest.mark.parametrize(("since", "until"), [("2016-12-13", None), (None, "2016-12-12"), ("2016-12-12", "2016-12-12"),
                                               ("2016-12-09", "2016-12-09")])
def test_date_filters_restrict_published_dates(real_answerer, since, until) -> None:
    for k in (5, 10):
        answer = real_answerer.ask(BROAD_QUESTIONS[0], k, since=since, until=until)
        assert not answer.abstained and len(answer.hits) == k
        for h in answer.hits:
            assert (since is None or h.passage.published >= since) and (until is None or h.passage.published <= until)


@slow
@pytest.mark.parametrize(("question", "iso"), [
    ("What happened in Aleppo on Dec. 13?", "2016-12-13"),
    ("What did Syrian government forces do on Dec. 14?", "2016-12-14"),
    # Published that day, but the first result had been a caption dated December 19.
    ("What happened in Aleppo on December 12?", "2016-12-12"),
])
def test_a_date_question_ranks_a_passage_about_that_day_first(real_answerer, question: str, iso: str) -> None:
    answer = real_answerer.ask(question)
    assert not answer.abstained
    assert iso in answer.hits[0].passage.dates, answer.hits[0].passage.text[:100]


@slow
@pytest.mark.parametrize(("question", "outlet"), [
    ("nyt: how many people fled?", "The New York Times"),
    ("What photos did NBC News publish?", "NBC News"),
])
def test_the_outlet_a_question_names_comes_first(real_answerer, question: str, outlet: str) -> None:
    answer = real_answerer.ask(question)
    assert not answer.abstained and answer.hits[0].passage.outlet == outlet


@slow
@pytest.mark.parametrize("question", [
    "What is NBC News' weather forecast?", "According to Middle East Eye, what is the capital of France?",
    "Did the Boston Globe report on the Red Sox?",
])
def test_naming_an_outlet_does_not_make_a_question_covered(real_answerer, question: str) -> None:
    answer = real_answerer.ask(question)
    assert answer.abstained and answer.hits == []


@slow
def test_capital_of_france_abstains(real_answerer) -> None:
    answer = real_answerer.ask("What is the capital of France?")
    assert answer.abstained and answer.hits == [] and answer.notice


@slow
@pytest.mark.parametrize("question", [
    "What is the capital of Germany?", "Who won the 2018 World Cup?", "How do I bake sourdough bread?",
])
def test_out_of_scope_questions_abstain(real_answerer, question: str) -> None:
    answer = real_answerer.ask(question)
    assert answer.abstained and answer.hits == [] and answer.notice


@slow
@pytest.mark.parametrize(("question", "must_abstain"), [
    ("", True), ("   ", True), ("a", True), ("?", True), ("!!!", True), ("😀😀😀", True), ("x" * 10_000, True),
    ("ما هي عاصمة سوريا؟", True), ("what is it that they were", True), ("<b>bold</b> & <script>", False),
])
def test_bad_questions_never_raise(real_answerer, question: str, must_abstain: bool) -> None:
    answer = real_answerer.ask(question)
    assert answer.abstained == (answer.hits == [])
    if answer.abstained:
        assert answer.notice and answer.notice.strip()
    if must_abstain:
        assert answer.abstained


@slow
def test_typo_and_chat_questions_still_find_the_answer(real_answerer) -> None:
    answer = real_answerer.ask("wat was the syrian boys bike adorned with in hanano b4 he went home")
    assert any("adorned with a syrian flag" in norm(h.passage.text) for h in answer.hits[:3])


# --- bylines, headlines, names ----------------------------------------------------------------------


def test_bylines_and_contributor_lines_are_credits() -> None:
    from qa_bot.chunking import names_authors

    assert names_authors("By Anne Barnard and Nick Cumming-Bruce", [])
    assert names_authors("Liz Sly in Beirut and Heba Habib in Stockholm contributed to this report.",
                         ["Liz Sly", "Heba Habib"])
    assert not names_authors("By nightfall the shelling had stopped across the eastern districts, "
                             "residents said, though no one trusted the calm to last.", [])
    assert not names_authors("Rebels said they would fight on.", ["Liz Sly"])


def test_headline_echo_names_one_piece() -> None:
    from qa_bot.retrieve import Headlines

    titles = Headlines({
        "nyt": "Chaos and Desperation as Thousands Flee Aleppo Amid Government Advance",
        "mee": "Fall of Aleppo: Thousands flee as Assad forces take 90 percent of rebel areas",
        "nbc": "Aleppo on the Brink: Syrians Flee Besieged City",
    })
    from qa_bot.lexical import tokenize

    echo = titles.echoes(set(tokenize(["the article about chaos and desperation in aleppo"])[0]), {"nyt", "mee", "nbc"})
    assert set(echo) == {"nyt"} and 0 < echo["nyt"] < 1
    assert titles.echoes(set(tokenize(["what happened in aleppo"])[0]), {"nyt", "mee", "nbc"}) == {}


@pytest.mark.parametrize(("url", "named"), [
    ("http://www.bostonglobe.com/news/bigpicture/2016/12/13/battle-for-aleppo/hwmw3azP6N47eqtKtBD5XO/story.html",
     "news big picture"),
    ("https://www.washingtonpost.com/world/middle_east/syrian-forces-push-aleppo-rebels/2016/12/12/0e7e_story.html",
     "world middle east"),
    ("https://www.nbcnews.com/slideshow/syrians-flee-aleppo-government-closes-rebels-n695066", "slideshow"),
    ("https://nyti.ms/2ht0VGa", ""),
    ("", ""),
])
def test_a_piece_is_named_by_its_headline_and_the_sections_of_its_address(url: str, named: str) -> None:
    """Section names ("bigpicture" is the Globe's photo blog) are what readers call a
    piece; the slug only repeats the headline and the hash names nothing."""
    from qa_bot.retrieve import piece_name

    assert piece_name("Battle for Aleppo", url) == " ".join(["Battle for Aleppo", named]).strip()


def test_run_together_address_words_are_split_into_english_words() -> None:
    from qa_bot.lexical import split_compound

    assert split_compound("bigpicture") == "big picture"
    assert split_compound("slideshow") == "slideshow"  # a word already
    assert split_compound("middleeast") == "middle east"
    assert split_compound("xqzvbw") == "xqzvbw"


@pytest.mark.parametrize(("text", "dateline"), [
    ("BEIRUT, Lebanon — Hundreds of Syrian men who escaped are missing.", True),
    ("ALEPPO, Syria (Reuters) - Syrian troops advanced on Monday.", True),
    ("GENEVA — The United Nations said on Friday.", True),
    ("UN officials - said they were alarmed.", False),
    ("A man — his face covered — walked past.", False),
])
def test_datelines_are_recognised(text: str, dateline: bool) -> None:
    from qa_bot.chunking import DATELINE

    assert bool(DATELINE.match(text)) is dateline


@slow
def test_where_a_piece_was_filed_is_answered_by_its_dateline(real_answerer) -> None:
    answer = real_answerer.ask("What city is the New York Times article about thousands fleeing Aleppo datelined from?")
    assert not answer.abstained
    assert answer.hits[0].passage.text.startswith("BEIRUT, Lebanon —")


@slow
def test_a_piece_named_by_its_section_is_covered(real_answerer) -> None:
    """"The Big Picture" is only in the Globe gallery's address: naming it must not
    make the question look uncovered, and it points at that gallery."""
    ranked = real_answerer.rank_many(["What does the Boston Globe's Big Picture gallery say about civilians?"], 5)[0]
    assert ranked.signals.unknown_names == 0
    assert ranked.hits[0].passage.outlet == "The Boston Globe"


@slow
@pytest.mark.parametrize(("question", "outlet", "place"), [
    ("What does the first photo in the Boston Globe gallery show?", "The Boston Globe", 0),
    ("What is shown in the photo at the top of the New York Times story?", "The New York Times", 0),
    ("whats the last picture in the NBC gallery", "NBC News", -1),
    ("Describe the third photo of the NBC News gallery", "NBC News", 2),
])
def test_a_photo_asked_for_by_its_place_comes_first(real_answerer, question: str, outlet: str, place: int) -> None:
    """Galleries are read photo by photo: "the third photo" is that caption, whatever its words."""
    answer = real_answerer.ask(question)
    assert not answer.abstained, question
    top = answer.hits[0].passage
    captions = [p for p in real_answerer.index.passages if p.document == top.document and p.kind == "caption"]
    assert top.outlet == outlet and top.kind == "caption" and top.id == captions[place].id, top.text


@slow
def test_a_place_beyond_a_pieces_photos_marks_none_of_them(real_answerer) -> None:
    """The Post's story has two photos: its "second" is one of them, its "tenth" none."""
    retriever = real_answerer.retriever
    post = [p.id for p in real_answerer.index.passages if p.outlet == "The Washington Post" and p.kind == "caption"]
    for question, marked in (("What does the second photo of the Washington Post story show?", [post[1]]),
                             ("What does the tenth photo of the Washington Post story show?", [])):
        query = retriever.parser.parse(question)
        lines = retriever._piece_lines(query, np.array(post[:1]))
        assert [int(i) for i in np.flatnonzero(lines) if real_answerer.index.passages[int(i)].outlet
                == "The Washington Post"] == marked, question


@slow
def test_who_wrote_finds_the_byline_of_the_piece_named(real_answerer) -> None:
    for question in ("who wrote the nyt article abt chaos n desperation in alepo",
                     "Who wrote the article about chaos and desperation in Aleppo?"):
        answer = real_answerer.ask(question)
        assert not answer.abstained, question
        top = answer.hits[0].passage
        assert top.outlet == "The New York Times" and "Anne Barnard" in top.text, question


@slow
@pytest.mark.parametrize("question", [
    "what day was the nyt piece 'chaos and desperation as thousands flee aleppo' published",
    "When was the New York Times article about men going missing published?",
])
def test_when_a_piece_was_published_is_answered_by_the_date_under_its_byline(real_answerer, question: str) -> None:
    hit = real_answerer.ask(question).hits[0]
    start, end = hit.highlight
    assert hit.passage.text[start:end] == "By Anne Barnard and Nick Cumming-Bruce, Dec. 9, 2016"


@slow
def test_a_byline_of_another_outlet_never_answers_for_the_outlet_named(real_answerer) -> None:
    ranked = real_answerer.rank_many(["Who wrote the NBC News gallery?"], 5)[0]
    assert all("Anne Barnard" not in h.passage.text and "Liz Sly" not in h.passage.text for h in ranked.hits[:1])


@slow
@pytest.mark.parametrize(("question", "missing"), [
    ("What was the population of Aleppo in 2020?", 1),
    ("What did Vladimir Putin say about the recapture of Aleppo?", 2),
    # Outlet names, month and day names and the coverage's own year are not names to find.
    ("What did the New York Times say happened in Aleppo on Friday, Dec. 9, 2016?", 0),
    ("How many schools reopened in Aleppo in 2018?", 1),
    # The NYT writes "U.N."; "UN" asks for nothing it lacks.
    ("What did UN officials say about the men who went missing?", 0),
])
def test_names_the_first_result_does_not_know_count_against_it(real_answerer, question: str, missing: int) -> None:
    assert real_answerer.rank_many([question], 5)[0].signals.unknown_names == missing


@slow
def test_a_photo_credit_names_the_agency_only_for_a_question_about_a_photo(real_answerer) -> None:
    """"The Reuters photo" asks for a picture whose credit says Reuters, and the question
    was declined because credits never counted; they still do not for other questions,
    or the credit "Agence France-Presse" would make France look covered."""
    retriever = real_answerer.retriever
    nbc = next(i for i, p in enumerate(retriever.passages) if "Reuters" in p.text and p.kind == "caption")
    photo = retriever.parser.parse("What does the Reuters photo from Dec. 12 show?")
    plain = retriever.parser.parse("What did Reuters report on Dec. 12?")
    assert photo.about_photo and not plain.about_photo
    assert retriever._unknown_names(photo, nbc) == 0
    assert retriever._unknown_names(plain, nbc) == 1
    afp = next(i for i, p in enumerate(retriever.passages) if "France-Presse" in p.text)
    assert retriever._unknown_names(retriever.parser.parse("What is the capital of France?"), afp) == 1
    answer = real_answerer.ask("What does the Reuters photo from Dec. 12 of a man fleeing deeper into rebel areas show?")
    assert not answer.abstained and "IV drip" in answer.hits[0].passage.text


@slow
@pytest.mark.parametrize(("question", "missing"), [
    # The NYT writes "advanced by Canada": the Canadian-backed resolution is that one.
    ("How many votes did the Canadian-backed General Assembly resolution get, per NYT?", 0),
    ("How many votes did the resolution Canada advanced get?", 0),
    # An outlet the corpus does not hold is a name the coverage lacks; one it holds is not.
    ("What did the BBC say about the General Assembly resolution?", 1),
    ("What did the NYT say about the General Assembly resolution?", 0),
    # A capital stands for its government: the vote went against Moscow, that is, Russia.
    ("How many votes did the resolution that went against Moscow get?", 0),
    ("How many votes did the resolution that went against Tokyo get?", 1),
    # The NYT writes "the United States", not "American": the same country, in two words.
    ("How many votes did the resolution the American delegation backed get?", 0),
    ("How many votes did the resolution the Japanese delegation backed get?", 1),
])
def test_countries_and_their_peoples_are_one_name_and_absent_outlets_count(real_answerer, question: str,
                                                                           missing: int) -> None:
    retriever = real_answerer.retriever
    vote = next(i for i, p in enumerate(retriever.passages) if "advanced by Canada" in p.text)
    assert retriever._unknown_names(retriever.parser.parse(question), vote) == missing


def test_name_forms_pair_a_country_with_its_people() -> None:
    from qa_bot.query import name_forms

    assert name_forms("canadian") == ["canadian", "canada"] and name_forms("hanano") == ["hanano"]
    assert name_forms("saudi")[:2] == ["saudi", "saudi"]
    assert name_forms("uk") == ["uk", "britain", "british"]  # "the UK-based monitor" is "Britain-based"
    assert name_forms("moscow") == ["moscow", "russia", "russian"]  # "Moscow's bombing runs"
    assert name_forms("russia") == ["russia", "russian", "moscow", "kremlin"]
    assert name_forms("sweden") == ["sweden", "stockholm"]  # "Heba Habib in Stockholm"
    assert {"american", "washington"} <= set(name_forms("us"))


def test_acronyms_a_question_may_use_for_what_a_text_spells_out() -> None:
    from qa_bot.retrieve import acronyms

    text = "The U.N. said the United Nations Security Council met; the Syrian Observatory for Human Rights said."
    assert {"un", "unsc", "sohr"} <= set(acronyms(text))
    assert acronyms("no names here") == []


# --- copies of a passage, found once at load ------------------------------------------------------


def test_copies_of_lists_every_group_with_more_than_one_member() -> None:
    import numpy as np

    from qa_bot.retrieve import copies_of

    groups = np.array([0, 1, 0, 2, 3, 3, 0, 4])
    copies = copies_of(groups)
    assert sorted(copies) == [0, 3]
    assert copies[0].tolist() == [0, 2, 6] and copies[3].tolist() == [4, 5]
    assert copies_of(np.arange(5)) == {} and copies_of(np.zeros(0, dtype=np.int64)) == {}


def test_the_caption_two_outlets_ran_lists_both_even_beyond_the_candidates(real_answerer) -> None:
    """`also_in` comes from the duplicate groups, whatever the candidates were."""
    retriever = real_answerer.retriever
    for group, members in retriever.copies.items():
        hit = Hit(retriever.passages[int(members[0])], 1.0)
        retriever._add_other_copies([hit])
        documents = {retriever.passages[int(m)].document for m in members}
        assert {hit.passage.document, *(p.document for p in hit.also_in)} == documents


# --- bylines and datelines join the candidates from the articles the searches found ---------------


@pytest.fixture(scope="module")
def hashing_retriever(hashing_index_dir):
    from qa_bot.index import load_index
    from qa_bot.retrieve import Retriever

    return Retriever(load_index(hashing_index_dir))


def line_candidates(r, query, mask, found):
    return r._piece_line_candidates(query, mask, found, r._piece_lines(query, found))


def test_byline_candidates_come_from_the_articles_found(hashing_retriever) -> None:
    import numpy as np

    r = hashing_retriever
    post = r.table.members("003_515f39fc3d102fd6.txt")
    times = r.table.members("004_3ae16b25287423a4.txt")
    bylines = {int(i): r.documents[i] for i in np.flatnonzero(r.credits)}
    assert set(bylines.values()) == {"003_515f39fc3d102fd6.txt", "004_3ae16b25287423a4.txt"}
    about = r.parser.parse("Who wrote the article about the evacuation?")
    # No outlet named: only the bylines of the articles the searches found.
    assert [bylines[int(i)] for i in line_candidates(r, about, None, times[:3])] == ["004_3ae16b25287423a4.txt"]
    assert len(line_candidates(r, about, None, r.table.members("000_a85473582f99fcac.txt"))) == 0
    # The outlet named wins: its byline even when the searches found only the other paper.
    named = r.parser.parse("Who wrote the Washington Post article?")
    assert [bylines[int(i)] for i in line_candidates(r, named, None, times[:3])] == ["003_515f39fc3d102fd6.txt"]
    assert [bylines[int(i)] for i in line_candidates(r, named, None, post[:2])] == ["003_515f39fc3d102fd6.txt"]
    # A filter that excludes the named outlet leaves nothing to add.
    mask = np.zeros(len(r.passages), dtype=bool)
    mask[times] = True
    assert len(line_candidates(r, named, mask, times[:3])) == 0
    plain = r.parser.parse("What happened in Aleppo?")
    assert len(line_candidates(r, plain, None, times)) == 0


def test_a_caption_of_a_few_words_is_discounted_but_bylines_and_datelines_are_not(hashing_retriever) -> None:
    import numpy as np

    from qa_bot.retrieve import FRAGMENT_WORDS

    r = hashing_retriever
    texts = {i: r.passages[i].text for i in range(len(r.passages))}
    citadel = next(i for i, t in texts.items() if t.startswith("Aleppo’s historic citadel."))
    assert r.fragment[citadel] == (FRAGMENT_WORDS - 3) / FRAGMENT_WORDS  # aleppo, histor, citadel
    assert not r.fragment[np.flatnonzero(r.credits | r.datelines)].any()
    long = [i for i, t in texts.items() if len(t.split()) > 3 * FRAGMENT_WORDS]
    assert long and not r.fragment[long].any()
    plain = r.parser.parse("What happened to the citadel?")
    ids = np.array([citadel, long[0]])
    assert list(r._boosts(ids, plain, None, None)) == [-r.weights.fragment * r.fragment[citadel], 0.0]


def test_a_bare_caption_does_not_crowd_out_passages_that_say_something(real_answerer) -> None:
    # "In a rebel-held area of Aleppo." names Aleppo and nothing else: it was second.
    ranked = real_answerer.rank_many(["Who is the deputy governor of Aleppo?"], 5)[0]
    table = real_answerer.retriever.table
    assert all(table.words[h.passage.id] > 4 for h in ranked.hits[:3])


@pytest.mark.parametrize(("sentence", "wants", "expected"), [
    ("The resolution received 122 votes in favor.", "number", True),
    ("More than three quarters of the area fell.", "number", True),
    ("Russia suffered a sharp diplomatic blow.", "number", False),
    ("Forces stormed the district on Nov. 26.", "time", True),
    ("The offensive began on Monday.", "time", True),
    ("Russia suffered a sharp diplomatic blow.", "time", False),
    ("The resolution received 122 votes in favor.", None, False),
])
def test_a_sentence_states_the_kind_of_answer_asked_for(sentence: str, wants: str | None, expected: bool) -> None:
    assert states(sentence, wants) is expected


def test_the_highlight_of_a_how_many_question_is_the_sentence_with_the_figure(real_answerer) -> None:
    # The passage's other sentences share its words ("votes", "Syria"); only one says how many.
    hits = real_answerer.rank_many(["How many countries voted for the UN General Assembly resolution on Syria?"], 5)[0].hits
    hit = next(h for h in hits if "122 votes" in h.passage.text)
    start, end = hit.highlight
    assert "122 votes" in hit.passage.text[start:end]


@slow
def test_names_count_as_known_when_either_of_the_first_two_results_articles_has_them(real_answerer) -> None:
    """A near tie for first place puts another article's passage first; the question's
    names are then judged against the runner-up's article too (not the fifth's)."""
    import numpy as np

    retriever = real_answerer.retriever
    query = retriever.parser.parse("What did Rupert Colville say about Aleppo?")
    documents = [p.document for p in retriever.passages]
    named = next(i for i, p in enumerate(retriever.passages) if "Colville" in p.text)
    others = [i for i, d in enumerate(documents) if d != documents[named]][:4]
    assert retriever._unknown_names(query, others[0]) >= 2  # "Rupert", "Colville"
    assert retriever._unknown_names(query, named) == 0

    def unknown(order: list[int]) -> int:
        candidates = np.array(order, dtype=np.int64)
        scores = np.linspace(1.0, 0.5, len(order))
        return retriever._signals(query, candidates, scores, scores, scores, at=0).unknown_names

    assert unknown([others[0], named, *others[1:]]) == 0
    assert unknown([others[0], others[1], named, *others[2:]]) >= 2


@slow
@pytest.mark.parametrize("question", [
    "Who are the reporters behind the New York Times story about people fleeing Aleppo?",
    "Who reported the New York Times story on men escaping rebel-held areas?",
    "Which correspondents filed the New York Times article about Aleppo?",
    "Which journalists wrote the Times article about the government advance?",
    "who contributed reporting to the nyt story",
])
def test_a_question_about_who_wrote_a_piece_gets_its_byline_first(real_answerer, question: str) -> None:
    """However much of the piece's subject the question repeats, the answer is the byline."""
    from qa_bot.chunking import names_authors

    first = real_answerer.ask(question).hits[0].passage
    assert first.outlet == "The New York Times"
    assert names_authors(first.text, first.authors) or "contributed" in first.text, first.text[:120]
