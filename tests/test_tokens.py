"""Late interaction: storage of content tokens and MaxSim scoring."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa_bot.embed import HashingEmbedder
from qa_bot.tokens import StoredTokens, TokenIndex, TokenSet, is_content, unit_rows

RNG = np.random.default_rng(7)


def token_set(ids: list[int], vectors: np.ndarray) -> TokenSet:
    return TokenSet(np.array(ids, dtype=np.int32), unit_rows(np.asarray(vectors, dtype=np.float32)))


def stored(ids: list[int], vectors: np.ndarray) -> StoredTokens:
    return StoredTokens.of(token_set(ids, vectors))


def basis(dimension: int, *axes: int) -> np.ndarray:
    return np.eye(dimension, dtype=np.float32)[list(axes)]


def test_content_tokens_leave_out_special_tokens_punctuation_and_function_words() -> None:
    kept = [t for t in ["[CLS]", "aleppo", "##ssa", ",", "the", "##s", "were", "122", "[SEP]", "'"] if is_content(t)]
    assert kept == ["aleppo", "##ssa", "##s", "122"]


def test_int8_storage_keeps_every_vector_within_rounding(tmp_path: Path) -> None:
    sets = [token_set(list(range(n)), RNG.normal(size=(n, 32))) for n in (5, 0, 9)]
    TokenIndex.build([StoredTokens.of(s) for s in sets], 32, 64).save(tmp_path)
    loaded = TokenIndex.load(tmp_path)
    assert (loaded.starts.tolist(), loaded.ends.tolist()) == ([0, 5, 5], [5, 5, 14])
    for i, original in enumerate(sets):
        restored = loaded.passage(i)
        assert restored.ids.tolist() == original.ids.tolist()
        if len(original.ids):
            cosines = np.sum(unit_rows(restored.vectors()) * original.vectors, axis=1)
            assert cosines.min() > 0.999


@pytest.mark.parametrize("lengths", [(5, 0, 9, 1), (0, 0), ()])
def test_writing_in_place_gives_the_files_a_built_index_saves(tmp_path: Path, lengths: tuple[int, ...]) -> None:
    """A build writes tokens straight to their files; what it writes is what
    `build(...).save()` would, byte for byte, down to the idf table."""
    sets = [StoredTokens.of(token_set([(3 * i + j) % 40 for j in range(n)], RNG.normal(size=(n, 16))))
            for i, n in enumerate(lengths)]
    (tmp_path / "built").mkdir()
    (tmp_path / "written").mkdir()
    TokenIndex.build(sets, 16, 64).save(tmp_path / "built")
    TokenIndex.write(tmp_path / "written", sets, 16, 64)
    for name in TokenIndex.FILES:
        assert (tmp_path / "written" / name).read_bytes() == (tmp_path / "built" / name).read_bytes(), name
    assert len(TokenIndex.load(tmp_path / "written")) == len(lengths)


def test_token_files_that_disagree_are_refused(tmp_path: Path) -> None:
    TokenIndex.build([stored([1, 2], RNG.normal(size=(2, 8)))], 8, 16).save(tmp_path)
    np.save(tmp_path / "token_ids.npy", np.zeros(3, dtype=np.int32))
    with pytest.raises(ValueError):
        TokenIndex.load(tmp_path)


def test_each_question_word_takes_its_best_match_in_the_passage() -> None:
    dim = 8
    passages = [
        stored([1, 2, 3], basis(dim, 0, 1, 2)),  # has both question words
        stored([1, 4], basis(dim, 0, 3)),  # has one
        stored([], np.zeros((0, dim))),  # has none at all
    ]
    index = TokenIndex.build(passages, dim, 16)
    question = token_set([1, 2], basis(dim, 0, 1))
    scores = index.scores(np.array([0, 1, 2]), question)
    assert scores[0] == pytest.approx(1.0, abs=0.01)
    assert 0.3 < scores[1] < 0.7
    assert scores[2] == 0.0


def test_a_rare_word_counts_for_more_than_a_common_one() -> None:
    dim = 8
    common, rare = 1, 2
    passages = [stored([common], basis(dim, 0)) for _ in range(6)] + [stored([rare], basis(dim, 1))]
    index = TokenIndex.build(passages, dim, 16)
    question = token_set([common, rare], basis(dim, 0, 1))
    scores = index.scores(np.array([0, 6]), question)
    assert scores[1] > scores[0]  # matching the rare word beats matching the common one


def test_a_question_without_content_tokens_scores_nothing() -> None:
    index = TokenIndex.build([stored([1], basis(4, 0))], 4, 8)
    assert index.scores(np.array([0]), token_set([], np.zeros((0, 4)))).tolist() == [0.0]


def test_the_stand_in_embedder_gives_one_token_per_content_word() -> None:
    vectors, tokens = HashingEmbedder(16).encode_questions(["Who fled the city of Aleppo?"])
    assert vectors.shape == (1, 16)
    assert len(tokens[0].ids) == 3  # fled, city, aleppo
    assert np.allclose(np.linalg.norm(tokens[0].vectors, axis=1), 1.0)


@pytest.mark.slow
def test_question_vectors_are_those_of_a_plain_encode(real_embedder) -> None:
    """The abstention model was fitted on `encode` vectors: the one-pass question
    encode that also yields tokens must give the same ones."""
    questions = ["How many people fled east Aleppo?", "who is the deputy governor"]
    vectors, tokens = real_embedder.encode_questions(questions)
    assert np.allclose(vectors, real_embedder.encode(questions), atol=1e-5)
    assert [len(t.ids) for t in tokens] == [5, 2]  # many, people, fled, east, aleppo; deputy, governor


@pytest.mark.slow
def test_reworded_questions_find_the_passage_that_says_it_in_other_words(real_embedder) -> None:
    texts = ["Dozens of houses were flattened in the shelling overnight.",
             "Diplomats in Geneva postponed the talks until next week."]
    _, _, tokens = real_embedder.encode_passages(texts, [[(0, len(t))] for t in texts])
    index = TokenIndex.build([StoredTokens.of(t) for t in tokens], real_embedder.dimension, real_embedder.vocabulary_size)
    _, question = real_embedder.encode_questions(["How many homes were destroyed by the bombardment?"])
    scores = index.scores(np.array([0, 1]), question[0])
    assert scores[0] > scores[1] + 0.05


def test_the_bench_s_synthetic_passages_score_as_the_passages_they_copy() -> None:
    from qa_bot.bench import copied_tokens

    dim = 8
    index = TokenIndex.build([stored([1], basis(dim, 0)), stored([2, 3], basis(dim, 1, 2)),
                              stored([4], basis(dim, 3))], dim, 16)
    picks = np.array([2, 0, 2, 1])
    copies = copied_tokens(index, picks)
    question = token_set([1, 4], basis(dim, 0, 3))
    assert len(copies) == 4 and copies.codes is index.codes  # rows shared, not copied
    assert np.allclose(copies.scores(np.arange(4), question), index.scores(picks, question))


def test_spooled_tokens_come_back_as_they_went_in(tmp_path: Path) -> None:
    from qa_bot.tokens import TokenSpool

    sets = [stored(list(range(n)), RNG.normal(size=(n, 8))) if n else StoredTokens.of(token_set([], np.zeros((0, 8))))
            for n in (3, 0, 5)]
    spool = TokenSpool(tmp_path, 8)
    spans = [spool.add(s) for s in sets]
    assert spans == [(0, 3), (3, 3), (3, 8)]
    read = spool.read()
    for original, span in zip(sets, spans):
        back = read(span)
        assert np.array_equal(back.codes, original.codes) and np.array_equal(back.scales, original.scales)
        assert np.array_equal(back.ids, original.ids)
    assert len(TokenSpool(tmp_path / "..", 8).read()((0, 0)).ids) == 0  # nothing spooled
