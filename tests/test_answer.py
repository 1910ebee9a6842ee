"""The answering core's contract, with the fake embedder: questions it cannot search get a
notice and never an exception, filters apply before ranking, results are well formed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from qa_bot import retrieve
from qa_bot.answer import ENGLISH_ONLY, MAX_QUESTION_CHARS, Abstainer, Answerer, question_problem
from qa_bot.embed import HashingEmbedder
from qa_bot.index import build_index, load_index
from qa_bot.manifest import load_manifest
from qa_bot.models import Answer
from qa_bot.retrieve import Filters, Signals
from qa_bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
BROAD = "What happened to civilians fleeing the fighting in eastern Aleppo?"

BAD_QUESTIONS = {
    "empty": "",
    "blank": "   \n\t ",
    "one letter": "a",
    "question mark": "?",
    "punctuation": "!!!",
    "emoji": "😀😀😀",
    "10,000 characters": "Aleppo " * 1428 + "ab",
    "Arabic": "ما هي عاصمة سوريا؟",
    "stop words only": "what is it that they were",
}


@pytest.fixture(scope="module")
def answerer(hashing_index_dir: Path) -> Answerer:
    return Answerer.load(Settings(corpus_dir=CORPUS, index_dir=hashing_index_dir), HashingEmbedder(64))


# --- questions that cannot be searched ---------------------------------------------------------


@pytest.mark.parametrize("question", [q for k, q in BAD_QUESTIONS.items() if k != "stop words only"],
                         ids=[k for k in BAD_QUESTIONS if k != "stop words only"])
def test_question_problem_explains_unsearchable_input(question: str) -> None:
    problem = question_problem(question)
    assert problem and problem.strip()


@pytest.mark.parametrize("question", [
    "What was the bike adorned with?", "Who is Kassa?", "wat happend b4 the ceasefire", "What happened on 2016-12-13?",
    "x" * MAX_QUESTION_CHARS,
])
def test_question_problem_accepts_real_questions(question: str) -> None:
    assert question_problem(question) is None


@pytest.mark.parametrize(("message", "reply"), [
    ("hi", "Hello!"), ("Hello there! 👋", "Hello!"), ("good morning", "Hello!"),
    ("Thanks!", "welcome"), ("thank you so much 🙏", "welcome"), ("ok", "Glad"), ("bye", "Goodbye"),
])
def test_greetings_and_thanks_get_a_reply_not_a_search(answerer: Answerer, message: str, reply: str) -> None:
    answer = answerer.ask(message)
    assert answer.abstained and answer.hits == [] and reply in (answer.notice or "")


@pytest.mark.parametrize("question", ["hi, what happened in Hanano?", "thanks to whom did the rebels leave?", "Hiroshima?"])
def test_a_question_that_starts_like_small_talk_is_still_a_question(question: str) -> None:
    assert question_problem(question) is None


def test_overlong_question_is_refused_with_its_length() -> None:
    problem = question_problem("x" * (MAX_QUESTION_CHARS + 1))
    assert problem and f"{MAX_QUESTION_CHARS + 1:,}" in problem


@pytest.mark.parametrize("question", BAD_QUESTIONS.values(), ids=BAD_QUESTIONS.keys())
def test_bad_questions_get_a_notice_not_an_exception(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert isinstance(answer, Answer)
    assert answer.question == question
    assert answer.abstained and answer.hits == []
    assert answer.notice and answer.notice.strip()
    assert answer.coverage is not None and answer.coverage.documents == 5


@pytest.mark.parametrize("question", ["<b>bold</b> & <script>", "What about <b>Aleppo</b> & Hanano?", "'; DROP TABLE x; --",
                                      "What happened\x00 in Aleppo?", "\u202eoppelA", "Aleppo" * 150])
def test_odd_questions_are_answered_or_abstained(answerer: Answerer, question: str) -> None:
    answer = answerer.ask(question)
    assert answer.abstained == (answer.hits == [])
    if answer.abstained:
        assert answer.notice


def test_a_foreign_question_the_coverage_does_not_answer_is_asked_in_english(answerer: Answerer) -> None:
    declining = Answerer(answerer.index, answerer.embedder, abstainer=Abstainer(threshold=1.0))
    german, english = (declining.ask(q) for q in ("Wie spät ist es jetzt bitte?", "What time is it now please?"))
    assert german.abstained and german.notice == ENGLISH_ONLY
    assert english.abstained and english.notice and english.notice != ENGLISH_ONLY


def test_ask_many_keeps_order_and_matches_single_asks(answerer: Answerer) -> None:
    questions = ["", "What did the Syrian army capture in Aleppo?", "😀", BROAD]
    many = answerer.ask_many(questions)
    assert [a.question for a in many] == questions
    for batch, question in zip(many, questions):
        single = answerer.ask(question)
        assert batch.abstained == single.abstained and batch.notice == single.notice
        assert [h.passage.id for h in batch.hits] == [h.passage.id for h in single.hits]


# --- filters and result shape (ranking without abstention) -------------------------------------------


def rank(answerer: Answerer, question: str, k: int = 5, **filters):
    return answerer.rank_many([question], k, Filters(**filters))[0].hits


@pytest.mark.parametrize("outlet", ["The Washington Post", "washington post", "NBC", "Boston Globe"])
def test_outlet_filter(answerer: Answerer, outlet: str) -> None:
    for k in (5, 10):
        hits = rank(answerer, BROAD, k, outlet=outlet)
        assert len(hits) == k
        assert all(outlet.casefold() in h.passage.outlet.casefold() for h in hits)


@pytest.mark.parametrize(("since", "until"), [
    ("2016-12-13", None), (None, "2016-12-12"), ("2016-12-12", "2016-12-12"), ("2016-12-09", "2016-12-10"),
])
def test_date_filters_apply_before_ranking(answerer: Answerer, since: str | None, until: str | None) -> None:
    for k in (5, 10):
        hits = rank(answerer, BROAD, k, since=since, until=until)
        assert len(hits) == k
        for h in hits:
            assert h.passage.published
            assert since is None or h.passage.published >= since
            assert until is None or h.passage.published <= until


@pytest.fixture(scope="module", params=["ivf", "hnsw", "hnsw-sq8"])
def approximate_answerer(request, tmp_path_factory: pytest.TempPathFactory) -> Answerer:
    """The corpus under each approximate index type (what `auto` picks above 50,000 passages)."""
    out = tmp_path_factory.mktemp(f"index-{request.param}") / "index"
    build_index(CORPUS, out, HashingEmbedder(64), index_type=request.param)
    return Answerer(load_index(out), HashingEmbedder(64))


@pytest.mark.parametrize("exact_below", [retrieve.EXACT_FILTERED, 0])
def test_filters_work_on_every_index_type(approximate_answerer: Answerer, exact_below: int,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A filter reaches the index as that index's own search parameters (IVF refuses
    any other), or, when it leaves few passages, they are scored exactly."""
    monkeypatch.setattr(retrieve, "EXACT_FILTERED", exact_below)
    assert type(approximate_answerer.index.dense).__name__ != "IndexFlatIP"
    hits = rank(approximate_answerer, BROAD, 5, outlet="Washington Post", since="2016-12-12")
    assert hits and all("Washington Post" in h.passage.outlet and h.passage.published >= "2016-12-12" for h in hits)
    assert rank(approximate_answerer, BROAD, 5, outlet="BBC") == []


def test_a_few_allowed_passages_are_ranked_exactly(answerer: Answerer) -> None:
    retriever = answerer.retriever
    qvec = answerer.embedder.encode([BROAD])[0]
    mask = np.zeros(len(retriever.passages), dtype=bool)
    mask[::3] = True
    allowed = np.flatnonzero(mask)
    expected = allowed[np.argsort(-(np.asarray(retriever.vectors)[allowed] @ qvec), kind="stable")][:7]
    assert retriever.dense_candidates(qvec, mask, 7).tolist() == expected.tolist()
    assert sorted(retriever.dense_candidates(qvec, mask, 1000).tolist()) == allowed.tolist()


def test_filters_that_match_nothing_give_no_results(answerer: Answerer) -> None:
    assert rank(answerer, BROAD, outlet="BBC") == []
    assert rank(answerer, BROAD, since="2017-01-01") == []
    answer = answerer.ask(BROAD, outlet="BBC")
    assert answer.abstained and answer.hits == [] and answer.notice


@pytest.mark.parametrize("question", [BROAD, "Bustan al-Qasr Fardos residents", "Hanano bike flag", "Geneva talks"])
def test_results_are_well_formed(answerer: Answerer, question: str) -> None:
    hits = rank(answerer, question, 8)
    groups = answerer.index.groups
    assert 0 < len(hits) <= 8
    assert len({int(groups[h.passage.id]) for h in hits}) == len(hits)
    assert len({h.passage.id for h in hits}) == len(hits)
    for hit in hits:
        assert np.isfinite(hit.score)
        others = [o.document for o in hit.also_in]
        assert hit.passage.document not in others and len(set(others)) == len(others)
        assert all(groups[o.id] == groups[hit.passage.id] for o in hit.also_in)
        start, end = hit.highlight
        assert 0 <= start < end <= len(hit.passage.text)
        assert any(a <= start and end <= b for a, b in hit.passage.sentences)


def test_k_limits_results(answerer: Answerer) -> None:
    assert [len(rank(answerer, BROAD, k)) for k in (1, 3, 12)] == [1, 3, 12]


# --- coverage and abstention model ---------------------------------------------------------------------


def test_coverage_describes_the_corpus(answerer: Answerer) -> None:
    documents = load_manifest(CORPUS)
    coverage = answerer.coverage()
    dates = sorted(d.published for d in documents if d.published)
    assert coverage.outlets == sorted({d.outlet for d in documents})
    assert (coverage.first, coverage.last) == (dates[0], dates[-1])
    assert coverage.documents == len(documents) and coverage.passages == len(answerer.index.passages)
    assert answerer.documents() == documents
    # Worked out once and shared: every answer carries the same description.
    assert answerer.coverage() is coverage and answerer.ask("What is the capital of France?").coverage is coverage


def test_abstainer_probability_rises_with_evidence() -> None:
    abstainer = Abstainer()
    weak = Signals(dense_top=0.2, dense_hit=0.2, dense_lead=0.05, unknown_names=2, fused_top=0.3)
    strong = Signals(dense_top=0.8, dense_hit=0.8, dense_lead=0.4, fused_top=1.2, fused_lead=0.4, agreement=1.0)
    assert len(Signals().vector()) == len(abstainer.coefficients)
    assert 0 < abstainer.probability(weak) < abstainer.probability(strong) < 1
    assert abstainer.abstains(weak) and not abstainer.abstains(strong)
    assert Abstainer(threshold=0.0).abstains(weak) is False


def test_a_best_match_below_the_floor_abstains_whatever_the_model_says() -> None:
    """No unknown names and a nothing-like match ("How do I bake sourdough bread?"):
    the linear model alone leans towards answering; the floor does not."""
    nothing = Signals(dense_top=0.25, dense_hit=0.25, dense_lead=0.18, fused_top=0.26, fused_lead=0.1)
    assert Abstainer(min_fused=0.0).abstains(nothing) is False
    assert Abstainer().abstains(nothing)
    just_above = Signals(**{**nothing.__dict__, "fused_top": Abstainer().min_fused})
    assert Abstainer(threshold=0.0).abstains(just_above) is False


def test_an_answer_only_just_above_the_threshold_is_marked_tentative(answerer: Answerer) -> None:
    strong = Signals(dense_top=0.8, dense_hit=0.8, dense_lead=0.4, fused_top=1.2, fused_lead=0.4, agreement=1.0)
    borderline = Signals(dense_top=0.4, dense_hit=0.35, dense_lead=0.2, fused_top=0.45, fused_lead=0.1)
    abstainer = Abstainer()
    assert abstainer.threshold <= abstainer.probability(borderline) < abstainer.sure_from <= abstainer.probability(strong)
    assert abstainer.tentative(borderline) and not abstainer.tentative(strong)
    # The flag reaches the answer: never for a decline, always when every answer is borderline.
    unsure = Answerer(answerer.index, answerer.embedder, abstainer=Abstainer(threshold=0.0, min_fused=-9, sure_from=1.0))
    assert unsure.ask(BROAD).tentative and not unsure.ask("").tentative
    sure = Answerer(answerer.index, answerer.embedder, abstainer=Abstainer(threshold=0.0, min_fused=-9, sure_from=0.0))
    assert not sure.ask(BROAD).tentative


def test_abstainer_weights_point_the_way_their_signals_mean() -> None:
    """A stronger match never argues for abstaining; a missing name or a very weak
    semantic match always does (the fit fixed these signs)."""
    abstainer = Abstainer()
    base = Signals(dense_top=0.5, dense_hit=0.5, dense_lead=0.2, fused_top=0.8, fused_lead=0.2)
    for field_name in ("dense_top", "dense_hit", "dense_lead", "fused_top", "fused_lead", "agreement"):
        stronger = Signals(**{**base.__dict__, field_name: getattr(base, field_name) + 0.2})
        assert abstainer.probability(stronger) >= abstainer.probability(base), field_name
    missing_name = Signals(**{**base.__dict__, "unknown_names": 1})
    assert abstainer.probability(missing_name) < abstainer.probability(base)
    very_weak = Signals(**{**base.__dict__, "dense_hit": 0.1})
    weak = Signals(**{**base.__dict__, "dense_hit": 0.3})
    assert abstainer.probability(weak) - abstainer.probability(very_weak) > 0


def test_outlets_named_in_the_question_lift_that_outlet(answerer: Answerer) -> None:
    plain = Counter(h.passage.outlet for h in rank(answerer, BROAD, 10))
    named = Counter(h.passage.outlet for h in rank(answerer, "According to the Washington Post, " + BROAD, 10))
    assert named["The Washington Post"] >= max(1, plain["The Washington Post"])


@pytest.mark.parametrize(("question", "declined"), [
    ("What happened in Aleppo on Dec. 20?", True),  # after the last day the coverage speaks of
    ("What did the rebels do on Christmas Day, Dec. 25?", True),
    ("What happened in Aleppo on Dec. 12?", False),
    ("What happened between Dec. 12 and Dec. 20?", False),  # one of the days is covered
    ("What had happened by 26 November in Hanano?", False),  # written in a passage, not a publication day
])
def test_a_day_the_coverage_never_speaks_of_is_declined_by_name(answerer: Answerer, question: str,
                                                              declined: bool) -> None:
    answer = answerer.ask(question)
    said = "reports nothing from" in (answer.notice or "")
    assert said is declined, answer.notice
    assert not declined or (answer.abstained and answer.hits == [])


def test_a_figure_the_coverage_never_gives_is_declined_by_name(answerer: Answerer) -> None:
    """"82 civilians executed" finds the passages on executions; none can confirm 82."""
    answer = answerer.ask("Is it true the UN said exactly 82 civilians were executed in Aleppo?")
    assert answer.abstained and answer.hits == [] and "no figure of 82" in answer.notice
    assert not answerer.ask("Is it true that 413 civilians were killed in east Aleppo?").abstained


def test_the_days_the_coverage_speaks_of_include_publication_days(answerer: Answerer) -> None:
    days = answerer.retriever.table.all_days
    published = {(int(d.published[5:7]), int(d.published[8:10])) for d in answerer.documents() if d.published}
    assert published <= days and (11, 26) in days and (12, 20) not in days


def test_the_declined_day_is_named_in_the_reply(answerer: Answerer) -> None:
    assert "from 20 Dec." in answerer.ask("What happened in Aleppo on December 20th?").notice
    assert "from 20 Dec or 25 Dec." in answerer.ask("What happened on Dec. 20 or Dec. 25?").notice
