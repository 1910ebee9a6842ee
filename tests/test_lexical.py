"""Keyword scores read from bm25s's sparse matrix: the same numbers as bm25s's own dense
scoring, for the passages that match, without an array the size of the corpus."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from qa_bot import lexical
from qa_bot.lexical import KeywordIndex, KeywordScores, tokenize

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module", params=["sparse", "dense"])
def keyword(request, corpus_read) -> Iterator[tuple[KeywordIndex, int]]:
    """Both ways of adding up scores: passage by passage (rare terms) and in one
    corpus-sized array (common terms); on this small corpus every term is common."""
    _, passages = corpus_read
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(lexical, "DENSE_FROM", math.inf if request.param == "sparse" else 0.0)
        yield KeywordIndex.build([p.text for p in passages]), len(passages)


def questions() -> list[list[str]]:
    """Tokens of every labelled question, plus repeated and unknown tokens."""
    texts = [json.loads(line)["question"] for name in ("dev_qa.jsonl", "heldout_qa.jsonl")
             for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    tokenized = tokenize(texts)
    return [*tokenized, ["aleppo", "aleppo", "civilian"], ["zzyzx", "hanano"], ["zzyzx"], []]


def bm25s_dense(index: KeywordIndex, tokens: list[str], size: int) -> np.ndarray:
    known = [t for t in tokens if t in index._vocab]
    if not known:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(index._retriever.get_scores(known), dtype=np.float32)[:size]


def test_sparse_scores_equal_bm25s_dense_scores(keyword) -> None:
    index, size = keyword
    for tokens in questions():
        expected = bm25s_dense(index, tokens, size)
        found = index.scores(tokens, size)
        if found.ids is not None:
            assert np.all(np.diff(found.ids) > 0) and np.all(found.values > 0)
        np.testing.assert_allclose(found.dense(size), expected, rtol=1e-5, atol=1e-6)


def test_top_is_best_first_with_ties_by_id_and_only_matching_passages(keyword) -> None:
    index, size = keyword
    for tokens in questions():
        expected = bm25s_dense(index, tokens, size)
        matching = np.flatnonzero(expected > 0)
        best = matching[np.lexsort((matching, -expected[matching]))]
        for n in (1, 5, 100):
            top = index.scores(tokens, size).top(n)
            assert len(top) == min(n, len(matching))
            np.testing.assert_allclose(expected[top], expected[best[:n]], rtol=1e-5)


def test_at_reads_any_passage_and_zero_for_the_rest(keyword) -> None:
    index, size = keyword
    tokens = tokenize(["How many people were evacuated from eastern Aleppo?"])[0]
    expected = bm25s_dense(index, tokens, size)
    every = np.arange(size)
    scores = index.scores(tokens, size)
    np.testing.assert_allclose(scores.at(every), expected, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(scores.at(every[::-1]), expected[::-1], rtol=1e-5, atol=1e-6)
    if scores.ids is not None:
        assert 0 < len(scores.ids) < size  # the point: not every passage is held
    assert KeywordScores.empty().at(every).tolist() == [0.0] * size


def test_only_keeps_the_allowed_passages(keyword) -> None:
    index, size = keyword
    tokens = tokenize(["Aleppo civilians"])[0]
    allowed = np.zeros(size, dtype=bool)
    allowed[: size // 2] = True
    expected = np.where(allowed, bm25s_dense(index, tokens, size), 0.0)
    kept = index.scores(tokens, size).only(allowed)
    np.testing.assert_allclose(kept.dense(size), expected, rtol=1e-5, atol=1e-6)
    assert set(kept.top(size).tolist()) <= set(np.flatnonzero(allowed).tolist())


def test_size_bounds_the_ids(keyword) -> None:
    index, size = keyword
    tokens = tokenize(["Aleppo"])[0]
    assert len(index.scores(tokens, size // 3).dense(size // 3)) == size // 3
    assert index.scores(tokens, size // 3).top(size).max() < size // 3


def test_term_max_is_the_best_single_token_score(keyword) -> None:
    index, size = keyword
    for token in ("aleppo", "hanano", "zzyzx"):
        assert index.term_max(token) == pytest.approx(float(bm25s_dense(index, [token], size).max(initial=0.0)))


def test_the_path_follows_how_common_the_terms_are(corpus_read, monkeypatch: pytest.MonkeyPatch) -> None:
    _, passages = corpus_read
    index = KeywordIndex.build([p.text for p in passages])
    rare, common = tokenize(["Hanano"])[0], tokenize(["Aleppo Syria civilians rebels"])[0]
    monkeypatch.setattr(lexical, "DENSE_FROM", 0.2)
    assert index.scores(rare, len(passages)).ids is not None
    assert index.scores(common, len(passages)).ids is None


def test_a_sampled_cut_off_gives_the_exact_top() -> None:
    rng = np.random.default_rng(7)
    for size in (10_000, 200_000):
        values = rng.gamma(1.5, size=size).astype(np.float32)
        values[rng.random(size) < 0.3] = 0.0
        scores = KeywordScores(None, values)
        matching = np.flatnonzero(values > 0)
        best = matching[np.lexsort((matching, -values[matching]))]
        for n in (10, 100):
            assert scores.top(n).tolist() == best[:n].tolist()
        ties = KeywordScores(None, np.ones(size, dtype=np.float32))  # which tie is cut is arbitrary
        top = ties.top(100).tolist()
        assert len(set(top)) == 100 and top == sorted(top)


def test_the_speller_aims_at_the_most_frequent_words_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its dictionary is built at every start, so it is bounded; rarer words still count as known."""
    from collections import Counter

    from qa_bot.lexical import Speller, Vocabulary

    vocabulary = Vocabulary(Counter({"evacuation": 50, "aleppo": 40, "kassab": 1}))
    monkeypatch.setattr(lexical, "SPELLER_WORDS", 2)
    speller = Speller(vocabulary)
    assert speller.correct("evacuaton") == "evacuation" and speller.correct("alepo") == "aleppo"
    assert speller.correct("kassab") == "kassab"  # known, so untouched
    assert speller.correct("kasab") == "kasab"  # the rare word is no target
    monkeypatch.setattr(lexical, "SPELLER_WORDS", 3)
    assert Speller(vocabulary).correct("kasab") == "kassab"


def test_the_vocabulary_learns_which_words_the_corpus_writes_as_names(tmp_path) -> None:
    from qa_bot.lexical import Vocabulary

    texts = ["Syrian children wait in the Hanano district, said Rami Abdulrahman.",
             "Children fled. The district was shelled, and Syrian troops advanced.",
             "In Hanano, people waited."]
    vocabulary = Vocabulary.build(texts)
    # "Syrian" starts a sentence once but is capitalised inside one too; "children" and
    # "district" are capitalised only where a sentence starts.
    assert {"hanano", "rami", "abdulrahman", "syrian"} <= vocabulary.names
    assert not {"children", "district", "in", "people", "the"} & vocabulary.names
    # Pairs written capitalised inside a sentence; "In Hanano" opens one.
    assert vocabulary.phrases == {"rami abdulrahman"}
    vocabulary.save(tmp_path / "vocabulary.json")
    loaded = Vocabulary.load(tmp_path / "vocabulary.json")
    assert loaded.names == vocabulary.names and loaded.counts == vocabulary.counts
    assert loaded.phrases == vocabulary.phrases


def test_a_words_share_of_the_corpus() -> None:
    from qa_bot.lexical import Vocabulary

    vocabulary = Vocabulary.build(["Aleppo fell. Aleppo burned in Aleppo.", "Geneva talks."])
    assert vocabulary.share("aleppo") == 3 / vocabulary.total and vocabulary.share("geneva") == 1 / vocabulary.total
    assert vocabulary.share("paris") == 0.0
