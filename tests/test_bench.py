"""`qa-bot bench`: the figures are all there, well-formed and consistent.

Fast tests run the whole bench with the fake `hashing-64` embedder; the slow one
runs the real model on the seed corpus. No test asserts a time: a time is only
checked to be a positive number, and ratios to agree with the figures they come from.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from qa_bot import bench

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
DEV = REPO / "tests" / "data" / "dev_qa.jsonl"
HASHING = {"QA_BOT_MODEL": "hashing-64"}
KINDS = ("flat", "hnsw", "hnsw-sq8", "ivf")


def positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0


def check_report(report: dict[str, Any]) -> None:
    """Every key the brief names, with positive numbers and consistent ratios."""
    assert set(report["machine"]) >= {"cpu_count", "platform", "python"}
    assert positive(report["machine"]["cpu_count"])
    assert report["machine"]["platform"] and report["machine"]["python"]
    assert positive(report["model_load_s"])
    for name in ("floor_ms", "answer_ms"):
        assert set(report[name]) == {"median", "p95"}
        assert positive(report[name]["median"]) and positive(report[name]["p95"])
        assert report[name]["p95"] >= report[name]["median"]
    ratio = report["answer_ms"]["median"] / report["floor_ms"]["median"]
    assert math.isclose(report["answer_over_floor"], ratio, rel_tol=2e-3, abs_tol=1e-3)

    build = report["build"]
    assert set(build) >= {"passages", "seconds", "passages_per_s", "raw_encode_per_s", "ratio"}
    assert isinstance(build["passages"], int) and build["passages"] > 0
    for key in ("seconds", "passages_per_s", "raw_encode_per_s", "ratio"):
        assert positive(build[key]), key
    assert math.isclose(build["passages_per_s"], build["passages"] / build["seconds"], rel_tol=2e-3)
    assert math.isclose(build["ratio"], build["passages_per_s"] / build["raw_encode_per_s"], rel_tol=2e-3)
    # Fair comparison, shown: one batch size, every alternated pair, the build's own embedding time.
    assert (build["batch_size"] is None or positive(build["batch_size"])) and len(build["ratio_runs"]) == build["repeats"]
    assert all(positive(r) for r in build["ratio_runs"])
    assert min(build["ratio_runs"]) <= build["ratio"] * 1.002 and build["ratio"] <= max(build["ratio_runs"]) * 1.002
    assert 0 < build["encode_s"] < build["seconds"]
    assert math.isclose(build["raw_encode_per_s"], build["passages"] / build["raw_encode_s"], rel_tol=2e-3)
    assert positive(report["rss_mib"])
    assert isinstance(report["synthetic"], list) and isinstance(report["keyword_synthetic"], list)
    assert set(report["targets"]) == set(bench.TARGETS)


@pytest.fixture(scope="module")
def hashing_report(run_cli, hashing_index_dir: Path) -> dict[str, Any]:
    """One fast bench with synthetic retrieval at 2,000 passages, shared by the tests below."""
    result = run_cli("bench", "--json", "--index", hashing_index_dir, "--corpus", CORPUS, "--synthetic", "2000",
                     env=HASHING)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)


def test_the_json_has_every_figure_and_they_agree(hashing_report: dict[str, Any]) -> None:
    check_report(hashing_report)
    assert hashing_report["model"] == "hashing-64"
    assert hashing_report["questions"] == sum(1 for line in DEV.read_text().splitlines() if line.strip())


def test_synthetic_retrieval_has_each_index_with_recall_against_exact(hashing_report: dict[str, Any]) -> None:
    rows = {row["index"]: row for row in hashing_report["synthetic"]}
    assert sorted(rows) == sorted(KINDS) and len(hashing_report["synthetic"]) == len(KINDS)
    for kind, row in rows.items():
        assert set(row) >= {"n", "index", "build_s", "bytes_per_passage", "search_ms", "recall_at_10", "ef_search"}
        assert row["n"] == 2000
        assert positive(row["build_s"]) and positive(row["bytes_per_passage"])
        assert positive(row["search_ms"]["median"]) and row["search_ms"]["p95"] >= row["search_ms"]["median"]
        assert 0.0 <= row["recall_at_10"] <= 1.0
    assert rows["flat"]["recall_at_10"] == 1.0 and rows["flat"]["ef_search"] is None
    assert rows["flat"]["recall_10_in_100"] == 1.0
    for kind in ("hnsw", "hnsw-sq8", "ivf"):
        # 100 candidates hold at least as much of the exact top 10 as 10 results do.
        assert rows[kind]["recall_at_10"] <= rows[kind]["recall_10_in_100"] <= 1.0
    for kind in ("hnsw", "hnsw-sq8"):
        assert rows[kind]["ef_search"] in bench.EF_SEARCH and rows[kind]["nprobe"] is None
    # ivf is swept over nprobe, and stores the vectors as they are (plus list ids).
    assert rows["ivf"]["nprobe"] in bench.NPROBE and rows["ivf"]["ef_search"] is None
    assert [step["nprobe"] for step in rows["ivf"]["ef_sweep"]] == list(bench.NPROBE[: len(rows["ivf"]["ef_sweep"])])
    assert rows["ivf"]["bytes_per_passage"] >= rows["flat"]["bytes_per_passage"]
    # A graph stores its links besides the vectors; 8-bit codes are a quarter of float32.
    assert rows["hnsw"]["bytes_per_passage"] > rows["flat"]["bytes_per_passage"]
    assert rows["hnsw-sq8"]["bytes_per_passage"] < rows["hnsw"]["bytes_per_passage"]
    model = hashing_report["synthetic_model"]
    assert abs(model["mean_cosine_to_source"] - bench.SOURCE_COSINE) < 0.05


def test_the_whole_retrieval_is_timed_at_each_size(hashing_report: dict[str, Any]) -> None:
    (row,) = hashing_report["pipeline_synthetic"]
    assert row["n"] == 2000 and row["index"] == "ivf" and row["nprobe"] >= 1
    assert positive(row["rank_ms"]["median"]) and row["rank_ms"]["p95"] >= row["rank_ms"]["median"]
    ivf = next(r for r in hashing_report["synthetic"] if r["index"] == "ivf")
    assert ivf["as_written"]["nprobe"] == row["nprobe"] and 0.0 <= ivf["as_written"]["recall_at_10"] <= 1.0


def test_synthetic_keyword_search_is_measured(hashing_report: dict[str, Any]) -> None:
    (row,) = hashing_report["keyword_synthetic"]
    assert row["n"] == 2000 and positive(row["ms_median"])


def test_the_default_output_is_a_table(run_cli, hashing_index_dir: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    lines = DEV.read_text().splitlines()[:4]
    questions.write_text("\n".join(lines) + "\n")
    result = run_cli("bench", "--index", hashing_index_dir, "--corpus", CORPUS, "--questions", questions,
                     env=HASHING)
    assert result.returncode == 0, result.stderr
    for label in ("model load", "floor", "answer / floor", "build / raw", "peak RSS"):
        assert label in result.stdout
    assert not result.stdout.lstrip().startswith("{")


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--synthetic", "5"], "at least"), (["--questions", "/no/such/file.jsonl"], "cannot read /no/such/file.jsonl")],
)
def test_bad_arguments_are_one_line_and_exit_2(run_cli, hashing_index_dir: Path, extra: list[str],
                                               message: str) -> None:
    result = run_cli("bench", "--index", hashing_index_dir, "--corpus", CORPUS, *extra, env=HASHING)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("qa-bot:")]
    assert len(errors) == 1 and message in errors[0]


def test_a_missing_index_is_one_line_and_exit_2(run_cli, tmp_path: Path) -> None:
    result = run_cli("bench", "--index", tmp_path / "none", "--corpus", CORPUS, env=HASHING)
    assert result.returncode == 2 and "Traceback" not in result.stderr


# --- the pieces, without timing -----------------------------------------------------------------------


def test_noise_gives_the_documented_cosine_to_the_source() -> None:
    rng = np.random.default_rng(1)
    sources = rng.standard_normal((50, 384)).astype(np.float32)
    sources /= np.linalg.norm(sources, axis=1, keepdims=True)
    vectors, cosine = bench.synthetic_vectors(sources, 3000, rng)
    assert vectors.dtype == np.float32 and vectors.shape == (3000, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert abs(cosine - bench.SOURCE_COSINE) < 0.02
    # Each row is far closer to some real vector than unit random vectors are (~0.05).
    assert np.median((vectors @ sources.T).max(axis=1)) > 0.7


def test_shaped_noise_keeps_the_cosine_and_stays_in_the_span_of_the_real_vectors() -> None:
    rng = np.random.default_rng(3)
    sources = rng.standard_normal((40, 384)).astype(np.float32)
    sources /= np.linalg.norm(sources, axis=1, keepdims=True)
    vectors, cosine = bench.synthetic_vectors(sources, 2000, rng, noise="shaped")
    assert abs(cosine - bench.SOURCE_COSINE) < 0.03
    # Every row is a combination of the real vectors: nothing left outside their span.
    coefficients, *_ = np.linalg.lstsq(sources.T, vectors[:50].T, rcond=None)
    assert np.allclose(sources.T @ coefficients, vectors[:50].T, atol=1e-3)
    with pytest.raises(bench.BenchError):
        bench.synthetic_vectors(sources, 10, rng, noise="uniform")


def test_recall_counts_the_exact_neighbours_found() -> None:
    truth = np.array([[0, 1, 2, 3], [4, 5, 6, 7]])
    assert bench.recall(truth, truth) == 1.0
    found = np.array([[3, 2, 9, -1], [7, 6, 5, 4]])
    assert bench.recall(found, truth) == pytest.approx((2 / 4 + 1) / 2)


def test_synthetic_token_lists_come_from_the_corpus() -> None:
    texts = ["Rebels left eastern Aleppo on buses.", "Children waited for a security check in Hanano."]
    corpus = bench.TokenCorpus.from_texts(texts)
    docs = corpus.synthetic(100, np.random.default_rng(2))
    assert len(docs) == 100
    for doc in docs:
        # A real passage's tokens, then 1..KEYWORD_EXTRA_TOKENS tokens of the corpus vocabulary.
        assert any(doc[: len(real)] == real and 1 <= len(doc) - len(real) <= bench.KEYWORD_EXTRA_TOKENS
                   for real in corpus.documents)
        assert all(0 <= token < len(corpus.vocab) for token in doc)


def test_percentiles_are_in_milliseconds() -> None:
    figures = bench.ms([0.001, 0.002, 0.003, 0.004])
    assert figures["median"] == pytest.approx(2.5)
    assert 3.5 < figures["p95"] <= 4.0


# --- the real model -------------------------------------------------------------------------------------


@pytest.mark.slow
def test_bench_with_the_real_model_on_the_seed_corpus(run_cli, real_index_dir: Path, tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(DEV.read_text().splitlines()[:10]) + "\n")
    result = run_cli("bench", "--json", "--index", real_index_dir, "--corpus", CORPUS, "--questions", questions,
                     timeout=540)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    check_report(report)
    assert report["model"] != "hashing-64" and report["questions"] == 10
    assert report["synthetic"] == report["keyword_synthetic"] == report["pipeline_synthetic"] == []


def test_question_files_name_the_line_that_is_wrong(tmp_path: Path) -> None:
    from qa_bot.bench import BenchError, load_questions

    path = tmp_path / "questions.jsonl"
    path.write_text('{"question": "Who fled?"}\n\n{"q": 1}\n', encoding="utf-8")
    with pytest.raises(BenchError, match=r"questions.jsonl:3: no \"question\" string"):
        load_questions(path)
    path.write_text('{"question": "Who fled?"}\n[1, 2]\n', encoding="utf-8")
    with pytest.raises(BenchError, match=r"questions.jsonl:2: not a JSON object"):
        load_questions(path)
    path.write_text('{"question": "Who fled?"}\n\n', encoding="utf-8")
    assert load_questions(path) == ["Who fled?"]


def test_the_1m_target_is_the_whole_retrieval_with_ivf_as_written() -> None:
    def dense(index: str, median: float, recall: float, **extra: Any) -> dict[str, Any]:
        return {"n": 1_000_000, "index": index, "search_ms": {"median": median}, "recall_at_10": recall, **extra}

    report = {
        "answer_over_floor": 1.1, "build": {"ratio": 0.95}, "rss_mib": 500.0,
        "synthetic": [dense("flat", 300.0, 1.0), dense("hnsw", 1.0, 0.80),
                      dense("ivf", 1.2, 0.951, as_written={"nprobe": 32, "recall_at_10": 0.96})],
        "keyword_synthetic": [{"n": 1_000_000, "ms_median": 3.0}],
        "pipeline_synthetic": [{"n": 10_000, "rank_ms": {"median": 1.0}}, {"n": 1_000_000, "rank_ms": {"median": 6.2}}],
    }
    targets = bench.targets(report)
    assert targets["retrieval_ms_at_1m"]["value"] == 6.2 and targets["retrieval_ms_at_1m"]["met"]
    assert targets["recall_at_1m"]["value"] == 0.96 and targets["recall_at_1m"]["met"]
    report["pipeline_synthetic"][1]["rank_ms"]["median"] = 10.5
    assert not bench.targets(report)["retrieval_ms_at_1m"]["met"]
    report["pipeline_synthetic"] = []  # not measured at 1M: no verdict
    assert bench.targets(report)["retrieval_ms_at_1m"]["value"] is None
