"""`qa-bot eval`: hit counting on a hand-made answerer, and regression figures on the dev set."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from qa_bot.dates import find_dates
from qa_bot.evaluate import EvalFileError, evaluate, first_hit, format_report, is_hit, load_items
from qa_bot.models import Answer, Hit, Passage
from qa_bot.retrieve import Ranked, Signals

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "tests" / "data" / "dev_qa.jsonl"
HELDOUT = REPO / "tests" / "data" / "heldout_qa.jsonl"
# Written by someone who saw only the corpus, after all tuning; never used to fit anything.
INDEPENDENT = REPO / "tests" / "data" / "independent_qa.jsonl"
BLIND = REPO / "tests" / "data" / "blind_qa.jsonl"
INFORMAL = REPO / "tests" / "data" / "informal_qa.jsonl"
INTENT = REPO / "tests" / "data" / "intent_qa.jsonl"
DATES = REPO / "tests" / "data" / "dates_qa.jsonl"
ODD = REPO / "tests" / "data" / "odd_qa.jsonl"
EDGE = REPO / "tests" / "data" / "edge_qa.jsonl"
TYPES = REPO / "tests" / "data" / "types_qa.jsonl"
FRESH = REPO / "tests" / "data" / "fresh_qa.jsonl"
ROLES = REPO / "tests" / "data" / "roles_qa.jsonl"
NAMES = REPO / "tests" / "data" / "names_qa.jsonl"
WHEN = REPO / "tests" / "data" / "when_qa.jsonl"
WHOIS = REPO / "tests" / "data" / "whois_qa.jsonl"
PROBE = REPO / "tests" / "data" / "probe_qa.jsonl"
LATE = REPO / "tests" / "data" / "late_qa.jsonl"
FINAL = REPO / "tests" / "data" / "final_qa.jsonl"
SEALED = REPO / "tests" / "data" / "sealed_qa.jsonl"
CODA = REPO / "tests" / "data" / "coda_qa.jsonl"
EPILOGUE = REPO / "tests" / "data" / "epilogue_qa.jsonl"
POSTSCRIPT = REPO / "tests" / "data" / "postscript_qa.jsonl"
AFTERWORD, MARGINALIA, APPENDIX, COLOPHON, ADDENDUM, FOOTNOTE, ERRATA, REJOINDER = (
    REPO / "tests" / "data" / f"{name}_qa.jsonl"
    for name in ("afterword", "marginalia", "appendix", "colophon", "addendum", "footnote", "errata", "rejoinder"))
PREFACE, SIDEBAR, GLOSS, SCHOLIUM, PROEM, ENVOI, CODICIL, EXCURSUS = (
    REPO / "tests" / "data" / f"{name}_qa.jsonl"
    for name in ("preface", "sidebar", "gloss", "scholium", "proem", "envoi", "codicil", "excursus"))
LEMMA, CORRIGENDUM, VIGNETTE, PROLEGOMENON = (REPO / "tests" / "data" / f"{name}_qa.jsonl"
                                              for name in ("lemma", "corrigendum", "vignette", "prolegomenon"))
RUBRIC, APOSTIL, EXORDIUM, PERORATION, MARGINAL, PALIMPSEST, FOLIO, RECTO, VERSO, QUIRE, INCIPIT, EXPLICIT = (
    REPO / "tests" / "data" / f"{name}_qa.jsonl"
    for name in ("rubric", "apostil", "exordium", "peroration", "marginal", "palimpsest", "folio", "recto",
                 "verso", "quire", "incipit", "explicit"))
GUTTER, LACUNA, STEMMA, CATCHWORD, SIGNATURE, FRONTISPIECE, ENDPAPER, HEADBAND, BIFOLIUM, PASTEDOWN, FLYLEAF, \
    GATHERING = (REPO / "tests" / "data" / f"{name}_qa.jsonl"
                 for name in ("gutter", "lacuna", "stemma", "catchword", "signature", "frontispiece", "endpaper",
                              "headband", "bifolium", "pastedown", "flyleaf", "gathering"))


def passage(n: int, doc: str, text: str) -> Passage:
    return Passage(id=n, text=text, document=doc, outlet=doc, published="2016-12-13", title="t", url=None,
                   authors=[], position=n, kind="paragraph")


P = [
    passage(0, "A", "The boy's bike was adorned with a Syrian flag."),
    passage(1, "B", "In a caption the bike is ADORNED   WITH a syrian\nflag, too."),
    passage(2, "A", "Unrelated text about the old city."),
    passage(3, "C", "Talks will continue in Geneva, officials said."),
]


class FakeAnswerer:
    """Returns fixed rankings: what `evaluate` needs of an Answerer and nothing more."""

    def __init__(self, plan: dict[str, dict]) -> None:
        self.plan = plan
        self.index = SimpleNamespace(passages=P)

    def _hits(self, question: str) -> list[Hit]:
        return [Hit(P[i], 1.0 - r / 10, also_in=[P[j] for j in also]) for r, (i, also) in
                enumerate(self.plan[question]["hits"])]

    def ask_many(self, questions: list[str], k: int) -> list[Answer]:
        out = []
        for q in questions:
            abstained = self.plan[q].get("abstain", False)
            out.append(Answer(q, abstained, [] if abstained else self._hits(q)[:k], notice="no" if abstained else None))
        return out

    def rank_many(self, questions: list[str], k: int) -> list[Ranked]:
        return [Ranked(self._hits(q)[:k], Signals(), None, dense_order=self.plan[q].get("dense", []),
                       keyword_order=self.plan[q].get("keyword", [])) for q in questions]


ITEMS = [
    {"id": "q1", "question": "bike one", "answers": ["adorned with a syrian flag"], "docs": ["A"], "kind": "factoid"},
    {"id": "q2", "question": "bike two", "answers": ["Adorned with a  Syrian flag"], "docs": ["B"], "kind": "factoid"},
    {"id": "q3", "question": "geneva wrong doc", "answers": ["continue in Geneva"], "docs": ["A"], "kind": "factoid"},
    {"id": "q4", "question": "geneva also", "answers": ["CONTINUE IN GENEVA"], "docs": ["C"], "kind": "multi"},
    {"id": "q5", "question": "out one", "answers": [], "docs": [], "kind": "out-of-scope"},
    {"id": "q6", "question": "out two", "answers": [], "docs": [], "kind": "out-of-scope"},
    {"id": "q7", "question": "abstained in scope", "answers": ["adorned with"], "docs": ["A"], "kind": "factoid"},
]
PLAN = {
    "bike one": {"hits": [(2, []), (0, [])], "dense": [0], "keyword": [2, 3, 1, 0]},
    "bike two": {"hits": [(1, [])], "dense": [0, 1], "keyword": [1]},
    "geneva wrong doc": {"hits": [(3, [])], "dense": [3], "keyword": [3]},
    "geneva also": {"hits": [(2, [3])], "dense": [2, 3], "keyword": []},
    "out one": {"hits": [(2, [])], "abstain": True},
    "out two": {"hits": [(2, [])]},
    "abstained in scope": {"hits": [(0, [])], "abstain": True, "dense": [0], "keyword": [0]},
}


@pytest.fixture(scope="module")
def report() -> dict:
    return evaluate(FakeAnswerer(PLAN), ITEMS)


def test_hit_counting_is_case_and_whitespace_insensitive_and_doc_restricted() -> None:
    assert is_hit([P[0]], ITEMS[0]) and is_hit([P[1]], ITEMS[1])
    assert not is_hit([P[1]], ITEMS[0])  # right words, wrong document
    assert not is_hit([P[3]], ITEMS[2])
    assert is_hit([P[2], P[3]], ITEMS[3])  # an also_in copy counts
    assert first_hit([[P[2]], [P[2]], [P[0]]], ITEMS[0]) == 3
    assert first_hit([[P[2]]] * 10 + [[P[0]]], ITEMS[0]) is None  # beyond depth 10


def test_ranks_per_mode(report: dict) -> None:
    ranks = {row["id"]: row["rank"] for row in report["rows"]}
    assert [ranks[q]["hybrid"] for q in ("q1", "q2", "q3", "q4", "q7")] == [2, 1, None, 1, None]
    assert ranks["q7"]["hybrid_unabstained"] == 1
    assert [ranks[q]["dense"] for q in ("q1", "q2", "q3", "q4")] == [1, 2, None, 2]
    assert [ranks[q]["keyword"] for q in ("q1", "q2", "q3", "q4")] == [4, 1, None, None]


def test_summary_figures(report: dict) -> None:
    overall = report["overall"]
    assert (overall["questions"], overall["in_scope"], overall["out_of_scope"]) == (7, 5, 2)
    hybrid = overall["hybrid"]
    assert (hybrid["recall@1"], hybrid["recall@3"], hybrid["recall@5"]) == (0.4, 0.6, 0.6)
    assert hybrid["mrr@10"] == 0.5
    assert overall["dense"]["recall@1"] == 0.4 and overall["keyword"]["recall@5"] == 0.6  # q7 counts for baselines
    assert overall["abstention_accuracy"] == 0.5
    assert overall["false_abstention"] == 0.2
    assert set(report["by_kind"]) == {"factoid", "multi", "out-of-scope"}
    assert report["by_kind"]["multi"]["hybrid"]["recall@1"] == 1.0


def test_misses_list_what_went_wrong(report: dict) -> None:
    misses = {m["id"]: m["rank"] for m in report["misses"]}
    assert misses == {"q1": 2, "q3": None, "q6": "answered", "q7": "abstained"}
    text = format_report(report)
    assert "qa-bot (hybrid)" in text and "q6" in text and "0.400" in text


def test_load_items_defaults_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"question": "q?", "answers": [], "docs": []}) + "\n\n" +
                    json.dumps({"question": "r?", "answers": ["x"], "docs": ["d"]}) + "\n", encoding="utf-8")
    items = load_items(good)
    assert [(i["id"], i["kind"]) for i in items] == [("line1", "out-of-scope"), ("line3", "factoid")]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"question": "q?", "answers": [], "docs": []}) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match="bad.jsonl:2"):
        load_items(bad)
    bad.write_text(json.dumps({"question": "q?"}) + "\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match="answers, docs"):
        load_items(bad)
    bad.write_text(json.dumps({"question": "q?", "answers": [], "docs": []}) + "\n5\n", encoding="utf-8")
    with pytest.raises(EvalFileError, match="bad.jsonl:2: not a JSON object"):
        load_items(bad)


# Every labelled set, found rather than listed, so that a new one cannot be left out; the
# extra out-of-scope set holds no answerable question by design.
LABELLED_SETS = sorted(p for p in (REPO / "tests" / "data").glob("*_qa.jsonl") if p.stem != "extra_oos_qa")


# Kept as their pens wrote them, though no passage can hold the answer: fr-28 asks for the
# title the Post prints over its photo strip ("Scenes from Aleppo"), a heading ingestion
# drops as page furniture. Counted as a miss in every figure.
UNSCORABLE = {"fr-28"}


@pytest.mark.parametrize("path", LABELLED_SETS, ids=lambda p: p.stem)
def test_question_sets_are_well_formed(corpus_read, path: Path) -> None:
    documents = {d.file: d for d in corpus_read[0]}
    items = load_items(path)
    assert len(items) >= 30 and len({i["id"] for i in items}) == len(items)
    assert any(not i["answers"] for i in items) and any(i["answers"] for i in items)
    for item in items:
        assert set(item["docs"]) <= set(documents)
        passages = [p for p in corpus_read[1] if p.document in item["docs"]]
        # Every answer exists in the corpus: in a passage, or as the publication date that
        # every result's attribution carries (epi-20 asks for the date the Globe gallery's
        # header prints, which no passage says, so no ranking can score it a hit; when-30's,
        # the NYT's, is in its byline since that date stays with it).
        published = {documents[d].published for d in item["docs"]}
        if item["id"] in UNSCORABLE:
            assert not is_hit(passages, item), item["id"]  # still furniture: drop it from here when it is not
            continue
        assert not item["answers"] or is_hit(passages, item) or all(
            {day.isoformat() for day in find_dates(a)} & published for a in item["answers"]), item["id"]


# --- the dev set with the real model -------------------------------------------------------------------


@pytest.fixture(scope="module")
def dev_report(real_answerer) -> dict:
    return evaluate(real_answerer, load_items(DEV))


@pytest.mark.slow
def test_dev_report_is_consistent(dev_report: dict) -> None:
    items = load_items(DEV)
    assert [r["id"] for r in dev_report["rows"]] == [i["id"] for i in items]
    overall = dev_report["overall"]
    for mode in ("hybrid", "dense", "keyword", "hybrid_unabstained"):
        f = overall[mode]
        assert 0 <= f["recall@1"] <= f["recall@3"] <= f["recall@5"] <= 1
    assert overall["hybrid"]["recall@5"] <= overall["hybrid_unabstained"]["recall@5"]
    assert "qa-bot (hybrid)" in format_report(dev_report)


@pytest.mark.slow
def test_dev_quality_thresholds(dev_report: dict) -> None:
    o = dev_report["overall"]
    h = o["hybrid"]
    checks = {
        "recall@5 >= 0.96": h["recall@5"] >= 0.96,
        "recall@1 >= 0.85": h["recall@1"] >= 0.85,
        "mrr@10 >= 0.9": h["mrr@10"] >= 0.9,
        "abstention_accuracy >= 0.75": o["abstention_accuracy"] >= 0.75,
        "false_abstention <= 0.05": o["false_abstention"] <= 0.05,
        "recall@5 >= dense": h["recall@5"] >= o["dense"]["recall@5"],
        "recall@5 >= keyword": h["recall@5"] >= o["keyword"]["recall@5"],
    }
    figures = {"hybrid": h, "dense R@5": o["dense"]["recall@5"], "keyword R@5": o["keyword"]["recall@5"],
               "abstention_accuracy": o["abstention_accuracy"], "false_abstention": o["false_abstention"]}
    failed = [name for name, ok in checks.items() if not ok]
    assert not failed, f"{failed}; figures: {figures}"


# --- questions written independently of the dev set, and a corpus padded with unrelated news ----------

DISTRACTORS = REPO / "tests" / "data" / "distractors"


def _figures(report: dict) -> dict:
    o = report["overall"]
    return {"r1": o["hybrid"]["recall@1"], "mrr": o["hybrid"]["mrr@10"], "r5": o["hybrid"]["recall@5"], "r5_retrieval": o["hybrid_unabstained"]["recall@5"],
            "abstention": o["abstention_accuracy"], "false": o["false_abstention"]}


@pytest.fixture(scope="module")
def padded_answerer(tmp_path_factory: pytest.TempPathFactory, real_embedder):
    """The seed corpus plus 240 news articles on other subjects (tests/data/distractors)."""
    import shutil

    from qa_bot.answer import Answerer
    from qa_bot.index import build_index
    from qa_bot.settings import Settings

    corpus = tmp_path_factory.mktemp("padded_corpus")
    seed = REPO / "corpus"
    for folder in (seed, DISTRACTORS):
        for path in folder.glob("*.txt"):
            shutil.copy(path, corpus / path.name)
    manifests = [(folder / "manifest.toml").read_text(encoding="utf-8") for folder in (seed, DISTRACTORS)]
    (corpus / "manifest.toml").write_text("\n".join(manifests), encoding="utf-8")
    out = tmp_path_factory.mktemp("padded_index") / "index"
    build_index(corpus, out, real_embedder)
    return Answerer.load(Settings(corpus_dir=corpus, index_dir=out), real_embedder)


@pytest.mark.slow
def test_heldout_quality_does_not_regress(real_answerer) -> None:
    """Floors a little under the figures measured when this test was written (README)."""
    f = _figures(evaluate(real_answerer, load_items(HELDOUT)))
    assert f["r5"] >= 0.93 and f["abstention"] >= 0.85 and f["false"] <= 0.04, f


@pytest.mark.slow
def test_late_interaction_earns_its_place(real_answerer) -> None:
    """Matching question words one by one (`tokens`) lifted held-out MRR@10 from 0.883 to
    0.911 and R@5 from 0.923 to 0.949 (README); without it, this fails."""
    from qa_bot.answer import Answerer
    from qa_bot.retrieve import Weights

    items = load_items(HELDOUT)
    plain = Answerer(real_answerer.index, real_answerer.embedder, Weights(tokens=0.0))
    with_late, without = (evaluate(a, items)["overall"] for a in (real_answerer, plain))
    assert with_late["hybrid"]["mrr@10"] >= without["hybrid"]["mrr@10"] + 0.015, (with_late, without)
    assert with_late["hybrid"]["recall@5"] > without["hybrid"]["recall@5"], (with_late, without)
    # It orders and does not judge, but answer types read the results it puts first.
    assert with_late["abstention_accuracy"] >= without["abstention_accuracy"]
    assert with_late["false_abstention"] <= without["false_abstention"]


@pytest.mark.slow
def test_joining_adjacent_paragraphs_earns_its_place(real_answerer) -> None:
    """Quoting a lede with the paragraph after it, when both rank, lifted held-out R@1
    from 0.872 to 0.910 (README); without joining, this fails."""
    from qa_bot.answer import Answerer
    from qa_bot.retrieve import Weights

    items = load_items(HELDOUT)
    apart = Answerer(real_answerer.index, real_answerer.embedder, Weights(join=0))
    joined, separate = (evaluate(a, items)["overall"] for a in (real_answerer, apart))
    assert joined["hybrid"]["recall@1"] >= separate["hybrid"]["recall@1"] + 0.025, (joined, separate)
    assert joined["hybrid"]["recall@5"] >= separate["hybrid"]["recall@5"], (joined, separate)
    assert joined["abstention_accuracy"] == separate["abstention_accuracy"]


@pytest.mark.slow
def test_independent_questions_hold(real_answerer) -> None:
    """A second set written from the corpus alone, after tuning (README): floors a little
    under what was measured when it arrived, so that a change fitting the other sets at
    its expense fails here."""
    f = _figures(evaluate(real_answerer, load_items(INDEPENDENT)))
    assert f["r5"] >= 0.95 and f["abstention"] >= 0.85 and f["false"] <= 0.04, f
    assert f["r1"] >= 0.88 and f["mrr"] >= 0.92, f


@dataclass(frozen=True)
class LaterSet:
    """A question set written after the system, by a helper who read only the corpus, and
    floors a little under what was measured when it arrived (README)."""

    path: Path
    questions: int
    out_of_scope: int
    r1: float
    r5: float
    abstention: float
    false: float = 0.03


LATER_SETS = {
    # Written blind on 2026-12-02, after every change; nothing was tuned on it.
    "blind": LaterSet(BLIND, 50, 8, r1=0.95, r5=0.97, abstention=0.85),
    # As Telegram users type. "hasnt", "wud" and "prepped" were taken for names and 3 of
    # 45 answerable questions declined, until chat shorthand read as English (R@1 0.889 → 0.978).
    "informal": LaterSet(INFORMAL, 50, 5, r1=0.93, r5=0.97, abstention=0.75),
    # Yes/no, requests, why/how, photos. "The Reuters photo from Dec. 12" was declined until
    # photo questions read the names in credits.
    "intent": LaterSet(INTENT, 40, 6, r1=0.85, r5=0.94, abstention=0.95),
    # Days and outlets in every form. "The Canadian-backed resolution" was declined and "the
    # BBC's photographers" answered until a people and its country were one name and only
    # the corpus's outlets were exempt from the names check.
    "dates": LaterSet(DATES, 40, 4, r1=0.97, r5=0.97, abstention=0.75),
    # Pasted quotes, capitals, URLs, negations. A made-up quote was attributed to whoever
    # came first until quotes had to be in the coverage (at least that one is declined).
    "odd": LaterSet(ODD, 40, 6, r1=0.82, r5=0.94, abstention=0.6),
    # Answerable questions, each with a near twin the coverage does not answer: a
    # measurement of the weak spot. Abstention floors on every set rose when questions
    # asking for an age, a year, a birthplace, a nationality, a sum or a count had to
    # find one stated (qa_bot/answer_types.py).
    "edge": LaterSet(EDGE, 40, 20, r1=0.9, r5=0.95, abstention=0.75, false=0.05),
    # Ages, years, counts, sums, times of day, durations, shares, asked of what the coverage
    # states and of what it does not, written to test answer_types.py. Blind it measured
    # 0.60 abstention at 0.08 false abstention; four gaps it showed were then mended ("the
    # age of", "when was it founded", "how big" answered by "most populous", "kidz").
    "types": LaterSet(TYPES, 50, 25, r1=0.92, r5=0.92, abstention=0.8),
    # A mixed set in the style of the independent one, written last, after every change
    # above: R@1 0.818, R@5 0.886, abstention 0.562, false abstention 0.045 blind. It
    # showed quotes attributed by surname ("Mr. Colville said") answering "who said"
    # without the speaker's full name; with speakers.py R@1 0.886, R@5 0.909.
    "fresh": LaterSet(FRESH, 60, 16, r1=0.85, r5=0.88, abstention=0.56, false=0.05),
    # Questions asking for a name ("Who is Russia's defence minister?", "What is the name
    # of the boy on the bike?"), answerable and not, written to test roles.py. Without it
    # 0.083 abstention; its first version, blind, 0.708 at 0.111 false abstention (it
    # required the question's title word, and "the Aleppo resident" is "Monther" in the
    # text). Tuned on since.
    "roles": LaterSet(ROLES, 60, 24, r1=0.9, r5=0.95, abstention=0.95),
    # The same kind of questions from a second pen, written after roles.py: blind, 0.750
    # abstention at 0.133 false abstention (the abstainer alone: 0.050 and 0.033). It
    # showed titles asked for in other words ("the official who said …" is the deputy
    # governor; "Kefa Jawish's husband" is where she is "his wife"), then mended.
    "names": LaterSet(NAMES, 50, 20, r1=0.9, r5=0.95, abstention=0.9, false=0.05),
    # "When" questions, two thirds of the answerable ones in other words than the text's
    # ("the regime's soldiers", "the youngster"), and some the coverage cannot date. Nothing
    # was tuned on it until qa_bot/when.py, designed after reading the misses of every set:
    # 0.400 abstention before it, 0.533 with it. It holds the weak spot. 0.467 once
    # "minaret" was English, not a name the coverage lacks; 0.667 since the sentences naming
    # the question's focus stand for an event told in other words (docs/quality.md).
    "when": LaterSet(WHEN, 45, 15, r1=0.75, r5=0.9, abstention=0.6, false=0.05),
    # Names asked for in other words than the text's ("the number-two official", "the UN's
    # top aid official", "Moscow's top diplomat"). Blind: 0.600 abstention at 0.200 false
    # abstention (without roles.py 0.100 and 0.167: five of the six declines are the
    # abstainer's, on heavy paraphrases). "Moscow's top diplomat" was declined for want of
    # the word "diplomat"; "official" and "diplomat" now describe, they are not titles.
    # The weak spot it measures is paraphrase: R@5 0.733 (0.933 since journalese for titles
    # also searches the title, ninth session). Abstention 0.800 until "American" read as the
    # NYT's "United States" (probe-52 answered): whois-oos-10, "Who was America's top
    # diplomat …?", had been declined only for "America", and a described role takes any
    # name a passage carrying its qualifier gives (Ryabkov, beside "the United States").
    "whois": LaterSet(WHOIS, 40, 10, r1=0.7, r5=0.9, abstention=0.7, false=0.05),
    # A mixed set (when, said, who, counts, why, paraphrase, chat) written blind after the
    # speaker, "when" and reference-fact checks: R@1 0.875, R@5 0.975, abstention 0.650
    # (0.500 without those checks), false abstention 0.025. Not tuned on.
    "probe": LaterSet(PROBE, 60, 20, r1=0.85, r5=0.95, abstention=0.6, false=0.05),
    # Six of each kind, written blind in the sixth session: R@1 0.833, R@5 0.917,
    # abstention 0.562, false abstention 0.021 on its first run. Its weak spot is a fact
    # several reports carry, asked for by its kind ("which Britain-based monitoring
    # group …"): multi-source R@5 0.500. The words about the coverage ("in more than one
    # report") are no longer searched since: R@5 0.979, so it is not blind for that kind.
    "late": LaterSet(LATE, 64, 16, r1=0.85, r5=0.95, abstention=0.6, false=0.05),
    # The same eight kinds, written blind in the seventh session after its other changes:
    # R@1 0.875, R@5 0.958, abstention 0.438, false abstention 0.021 on its first run.
    # Three changes followed from its misses (counts of a named place, unnamed speakers,
    # hyphenated durations), then more (the focus): R@1 0.896, R@5 0.979, abstention
    # 0.625, false abstention 0.
    "final": LaterSet(FINAL, 64, 16, r1=0.87, r5=0.95, abstention=0.6, false=0.05),
    # The eight kinds again, written blind at the start of the eighth session: R@1 0.938,
    # R@5 0.979, abstention 0.625, false abstention 0.021 on its first run. Its misses
    # led to the byline's printed date ("What date was the NYT article … published?") and
    # to a role's qualifiers standing far off ("UN … his Special Envoy for Syria").
    "sealed": LaterSet(SEALED, 64, 16, r1=0.93, r5=0.97, abstention=0.65, false=0.05),
    # Written blind in the eighth session, run first after its count, name and byline
    # checks: R@1 0.917, R@5 0.979, abstention 0.750, false abstention 0.021 (the code
    # of the session's start: abstention 0.625).
    "coda": LaterSet(CODA, 64, 16, r1=0.9, r5=0.97, abstention=0.7, false=0.05),
    # A third pen, written and run blind late in the eighth session: R@1 0.979, R@5 0.979,
    # abstention 0.812, false abstention 0 (the code of the session's start: abstention 0.562).
    "epilogue": LaterSet(EPILOGUE, 64, 16, r1=0.95, r5=0.97, abstention=0.75, false=0.05),
    # A fourth pen, run blind at the end of the eighth session: R@1 0.938, R@5 0.958,
    # abstention 0.875, false abstention 0.021 (the session's starting code: abstention
    # 0.500). Its two misses were bugs, mended since ("lol" read as a name; "He said"
    # opening a sentence read as a surname speaking).
    "postscript": LaterSet(POSTSCRIPT, 64, 16, r1=0.95, r5=0.97, abstention=0.8, false=0.05),
    # Four pens at the start of the ninth session, each run blind before anything changed
    # (R@1 / R@5 / abstention / false abstention): afterword .938/.958/.625/.021,
    # marginalia .938/.938/.750/.062, appendix .938/.958/.688/.042, colophon
    # .875/.917/.688/.021. Their misses: what became of people the coverage leaves
    # mid-story (fates.py; seven questions), weather and "today" put to an archive
    # (present.py), "iPhone" mended into "phones", chat slips read as names ("problms",
    # "grps", "FM"), "combatants" not counted as a side, "surname", an end told nowhere,
    # "what exactly were the terms" answered by "unacceptable terms" (mentions.py).
    "afterword": LaterSet(AFTERWORD, 64, 16, r1=0.93, r5=0.95, abstention=0.9, false=0.05),
    "marginalia": LaterSet(MARGINALIA, 64, 16, r1=0.95, r5=0.97, abstention=0.95, false=0.05),
    "appendix": LaterSet(APPENDIX, 64, 16, r1=0.93, r5=0.95, abstention=0.9, false=0.05),
    "colophon": LaterSet(COLOPHON, 64, 16, r1=0.87, r5=0.93, abstention=0.95, false=0.05),
    # Four more pens later in the ninth session, run blind on the code that the first four
    # had shaped (and, for comparison, on the session's starting code): abstention
    # addendum .938 (.750 before the session), footnote .875 (.625), errata .812 (.625),
    # rejoinder .750 (.688); R@1 .938/.896/.917/.938, R@5 .979/.938/.979/.958, false
    # abstention 0/.021/.021/.042. Their misses led to reasons.py (six pens asked why Canada
    # sponsored the resolution), names asked for by name ("which militias, by name"), the
    # real name behind a pseudonym the question gives, chat's "journo" and "photog", and a
    # population rank ("most populous") answering a comparison.
    "addendum": LaterSet(ADDENDUM, 64, 16, r1=0.9, r5=0.95, abstention=0.95, false=0.05),
    "footnote": LaterSet(FOOTNOTE, 64, 16, r1=0.9, r5=0.93, abstention=0.95, false=0.05),
    "errata": LaterSet(ERRATA, 64, 16, r1=0.9, r5=0.97, abstention=0.85, false=0.05),
    "rejoinder": LaterSet(REJOINDER, 64, 16, r1=0.93, r5=0.95, abstention=0.85, false=0.05),
    # Round 3, written blind (tenth session) and first run on the ninth session's code:
    # abstention preface .750, sidebar .750, gloss .625, scholium .688; R@1
    # .938/.958/.938/.938, R@5 .958/.979/.979/.958, false abstention .042/.021/0/.042.
    # Their misses led to questions about what came later ("Did the rebels ever retake
    # Sheikh Saeed?"), a cost and a distance as answer types, swapped and dropped letters
    # ("teh", "wich", "ministr"), and a name inside a clause of the subject not taken for
    # the speaker ("the reporter who put out a video on Twitter").
    "preface": LaterSet(PREFACE, 64, 16, r1=0.93, r5=0.97, abstention=0.75, false=0.05),
    "sidebar": LaterSet(SIDEBAR, 64, 16, r1=0.95, r5=0.97, abstention=0.85, false=0.05),
    "gloss": LaterSet(GLOSS, 64, 16, r1=0.93, r5=0.97, abstention=0.8, false=0.05),
    "scholium": LaterSet(SCHOLIUM, 64, 16, r1=0.93, r5=0.97, abstention=0.8, false=0.05),
    # Round 4, written blind and first run on the code round 3 had shaped: abstention
    # proem .750 (.625 on the session's starting code), envoi .812 (.812), codicil .688
    # (.688), excursus .688 (.688); R@1 .958/.979/.917/.896, R@5 1/.979/.979/.958, false
    # abstention 0/0/.021/.042. Their misses led to a reaction or a feeling asked of a named
    # holder ("How did Iran respond?") and a fate asked of "all of Rania's children".
    "proem": LaterSet(PROEM, 64, 16, r1=0.93, r5=0.97, abstention=0.8, false=0.05),
    "envoi": LaterSet(ENVOI, 64, 16, r1=0.95, r5=0.97, abstention=0.8, false=0.05),
    # codicil's floor follows the "bused" trade: read as typed, cd-53 is answered (0.750 → 0.688)
    # and marginalia's mg-53 declined.
    "codicil": LaterSet(CODICIL, 64, 16, r1=0.9, r5=0.97, abstention=0.68, false=0.05),
    "excursus": LaterSet(EXCURSUS, 64, 16, r1=0.88, r5=0.95, abstention=0.9, false=0.05),
    # Round 5, written blind and run once on the session's final code, nothing changed
    # after: abstention lemma .750 (.625 on the session's starting code), corrigendum
    # .875 (.875), vignette .750 (.750), prolegomenon .938 (.938). Their R@5 misses are
    # paraphrases the first ten results do not hold (README: not met).
    "lemma": LaterSet(LEMMA, 64, 16, r1=0.85, r5=0.9, abstention=0.75, false=0.05),
    "corrigendum": LaterSet(CORRIGENDUM, 64, 16, r1=0.88, r5=0.95, abstention=0.85, false=0.05),
    "vignette": LaterSet(VIGNETTE, 64, 16, r1=0.95, r5=0.97, abstention=0.75, false=0.05),
    "prolegomenon": LaterSet(PROLEGOMENON, 64, 16, r1=0.9, r5=0.93, abstention=0.9, false=0.05),
    # Round 6 (eleventh session), written blind and first run on the session's starting
    # code: abstention rubric .750, apostil .812, exordium .750, peroration .688; false
    # abstention .021/.042/0/.042. Their misses led to everyday words the corpus
    # capitalises ("the outside world") no longer read as names in lower case, people
    # counted under other words ("guys", "non-combatants", "lives"), chat's "nbhd", a
    # weather reading as an answer type, and "how did X vote" needing a vote naming X.
    "rubric": LaterSet(RUBRIC, 64, 16, r1=0.88, r5=0.97, abstention=0.75, false=0.05),
    "apostil": LaterSet(APOSTIL, 64, 16, r1=0.97, r5=0.97, abstention=0.9, false=0.05),
    "exordium": LaterSet(EXORDIUM, 64, 16, r1=0.9, r5=0.97, abstention=0.8, false=0.05),
    "peroration": LaterSet(PERORATION, 64, 16, r1=0.95, r5=0.97, abstention=0.8, false=0.05),
    # Round 7, written blind and first run on round 6's code (the same figures as on the
    # session's starting code): abstention marginal .750, palimpsest .625, folio .750,
    # recto .688. Their misses led to fates asked as "was X captured", a premise told as a
    # noun ("after his arrest"), a first name only ever opening a paragraph ("bilal"), an
    # employer asked for ("which news organization did X work for"), and "how many yes votes".
    "marginal": LaterSet(MARGINAL, 64, 16, r1=0.93, r5=0.97, abstention=0.85, false=0.05),
    "palimpsest": LaterSet(PALIMPSEST, 64, 16, r1=0.95, r5=0.97, abstention=0.6, false=0.05),
    "folio": LaterSet(FOLIO, 64, 16, r1=0.9, r5=0.95, abstention=0.85, false=0.05),
    "recto": LaterSet(RECTO, 64, 16, r1=0.95, r5=0.97, abstention=0.8, false=0.05),
    # Round 8, written blind and run once on the code rounds 6 and 7 had shaped (session's
    # starting code in brackets): abstention verso .875 (.875), quire .750 (.750), incipit
    # .750 (.750), explicit .562 (.562); false abstention .062/.021/0/.021. Three false
    # declines were then mended ("spox", a deputy's "gov", "lifes"); nothing else tuned.
    "verso": LaterSet(VERSO, 64, 16, r1=0.93, r5=0.95, abstention=0.85, false=0.05),
    "quire": LaterSet(QUIRE, 64, 16, r1=0.87, r5=0.95, abstention=0.75, false=0.05),
    "incipit": LaterSet(INCIPIT, 64, 16, r1=0.93, r5=0.97, abstention=0.75, false=0.05),
    "explicit": LaterSet(EXPLICIT, 64, 16, r1=0.93, r5=0.95, abstention=0.56, false=0.05),
    # Twelfth session, three rounds of four pens. Round 9 (a teacher, a fact-checker, a
    # Syrian abroad in non-native English, a policy analyst), run first on the session's
    # starting code: abstention gutter .688, lacuna .688, stemma .875, catchword .688. Round
    # 10 (an aid worker, a photo editor, a student dictating, a sceptic) on round 9's code:
    # .750, .625, .688, .750, the same as the starting code's. Round 11 (a radio journalist,
    # an elderly reader who half-remembers names, a disinformation researcher, a teenager)
    # on rounds 9-10's code: .812 (.750), .812 (.812), .875 (.750), .875 (.875), false
    # abstention .062/.125/.042/.083 until half-remembered names, hedged guesses and chat
    # shorthand were mended.
    "gutter": LaterSet(GUTTER, 64, 16, r1=0.95, r5=0.97, abstention=0.8, false=0.05),
    "lacuna": LaterSet(LACUNA, 64, 16, r1=0.89, r5=0.97, abstention=0.85, false=0.05),
    "stemma": LaterSet(STEMMA, 64, 16, r1=0.89, r5=0.95, abstention=0.85, false=0.05),
    "catchword": LaterSet(CATCHWORD, 64, 16, r1=0.87, r5=0.95, abstention=0.9, false=0.05),
    "signature": LaterSet(SIGNATURE, 64, 16, r1=0.91, r5=0.95, abstention=0.75, false=0.05),
    "frontispiece": LaterSet(FRONTISPIECE, 64, 16, r1=0.91, r5=0.95, abstention=0.8, false=0.05),
    "endpaper": LaterSet(ENDPAPER, 64, 16, r1=0.83, r5=0.93, abstention=0.75, false=0.05),
    "headband": LaterSet(HEADBAND, 64, 16, r1=0.85, r5=0.97, abstention=0.8, false=0.05),
    "bifolium": LaterSet(BIFOLIUM, 64, 16, r1=0.81, r5=0.91, abstention=0.85, false=0.05),
    "pastedown": LaterSet(PASTEDOWN, 64, 16, r1=0.72, r5=0.87, abstention=0.85, false=0.05),
    "flyleaf": LaterSet(FLYLEAF, 64, 16, r1=0.87, r5=0.91, abstention=0.9, false=0.05),
    "gathering": LaterSet(GATHERING, 64, 16, r1=0.75, r5=0.89, abstention=0.9, false=0.05),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", LATER_SETS)
def test_question_sets_written_later_hold(real_answerer, name: str) -> None:
    later = LATER_SETS[name]
    items = load_items(later.path)
    assert (len(items), sum(1 for item in items if not item["answers"])) == (later.questions, later.out_of_scope)
    f = _figures(evaluate(real_answerer, items))
    assert f["r1"] >= later.r1 and f["r5"] >= later.r5 and f["false"] <= later.false, f
    assert f["abstention"] >= later.abstention, f


@pytest.mark.slow
@pytest.mark.parametrize("case", [str.lower, str.upper], ids=["lower", "upper"])
def test_questions_typed_without_cased_names_are_answered_and_declined(real_answerer, case) -> None:
    """Capitals told the abstention model a question's names. Lower-cased, held-out
    abstention had fallen from 0.771 to 0.457; in capitals, every word looked like an
    unknown acronym and 0.974 of the in-scope questions were declined. With the names read
    off the corpus instead: 0.600 abstention at 0.013 false abstention, both ways (README)."""
    items = [dict(item, question=case(item["question"])) for item in load_items(HELDOUT)]
    f = _figures(evaluate(real_answerer, items))
    assert f["abstention"] >= 0.55 and f["false"] <= 0.03 and f["r5"] >= 0.9, f


@pytest.mark.slow
def test_unrelated_articles_barely_move_recall_and_abstention_holds(real_answerer, padded_answerer) -> None:
    items = load_items(DEV) + load_items(HELDOUT)
    seed, padded = _figures(evaluate(real_answerer, items)), _figures(evaluate(padded_answerer, items))
    assert len(padded_answerer.documents()) == len(real_answerer.documents()) + 240
    assert seed["r5_retrieval"] - padded["r5_retrieval"] <= 0.03, (seed, padded)
    assert seed["r5"] - padded["r5"] <= 0.05, (seed, padded)
    assert padded["abstention"] >= 0.6 and padded["false"] <= 0.06, (seed, padded)
