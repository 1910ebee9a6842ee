"""Building, storing and loading the index (fake embedder, temporary folders)."""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

import qa_bot.index as index_module
from qa_bot.answer import Answerer
from qa_bot.embed import HashingEmbedder
from qa_bot.index import IndexProblem, build_index, load_index, read_passages
from qa_bot.manifest import ManifestError, load_manifest
from qa_bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"


class CountingEmbedder(HashingEmbedder):
    """The fake embedder, recording every passage text it is asked to embed."""

    def __init__(self) -> None:
        super().__init__(64)
        self.encoded: list[str] = []
        self.calls: list[int] = []

    def encode_passages(self, texts, spans):
        self.encoded.extend(texts)
        self.calls.append(len(texts))
        return super().encode_passages(texts, spans)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus copy and its index, built once per module; tests work on copies of both."""
    root = tmp_path_factory.mktemp("pristine")
    shutil.copytree(CORPUS, root / "corpus")
    build_index(root / "corpus", root / "index", HashingEmbedder(64))
    return root


@pytest.fixture
def built(tmp_path: Path, pristine: Path) -> tuple[Path, Path]:
    """(corpus copy, index of it) that a test may change or damage."""
    shutil.copytree(pristine, tmp_path / "work")
    return tmp_path / "work" / "corpus", tmp_path / "work" / "index"


# --- what a build writes -----------------------------------------------------------------------


def test_build_writes_a_complete_manifest(hashing_index_dir: Path, corpus_read) -> None:
    meta = json.loads((hashing_index_dir / "manifest.json").read_text(encoding="utf-8"))
    documents, passages = corpus_read
    assert meta["model"] == "hashing-64" and meta["dimension"] == 64
    assert meta["passages"] == len(passages)
    expected_hashes = {d.file: sha256(CORPUS / d.file) for d in documents} | {"manifest.toml": sha256(CORPUS / "manifest.toml")}
    assert meta["hashes"] == expected_hashes
    assert {"faiss-cpu", "numpy", "sentence-transformers"} <= set(meta["versions"])
    assert all(isinstance(v, str) and v for v in meta["versions"].values())
    assert datetime.fromisoformat(meta["built_at"]).tzinfo is not None
    assert [d["file"] for d in meta["documents"]] == [d.file for d in documents]


def test_build_report_counts(tmp_path: Path, corpus_read) -> None:
    documents, passages = corpus_read
    report = build_index(CORPUS, tmp_path / "index", HashingEmbedder(64))
    assert report.passages == len(passages) == report.embedded
    assert report.documents == [(d.file, sum(p.document == d.file for p in passages)) for d in documents]
    assert all(count > 0 for _, count in report.documents)
    assert report.index_type == "flat" and report.seconds > 0


def test_load_index_round_trips(hashing_index_dir: Path, corpus_read) -> None:
    documents, passages = corpus_read
    data = load_index(hashing_index_dir, model="hashing-64", dimension=64, corpus_dir=CORPUS)
    assert data.documents == documents
    assert [p.to_dict() for p in data.passages] == [p.to_dict() for p in passages]
    assert data.vectors.shape == (len(passages), 64)
    assert data.dense.ntotal == len(passages) == len(data.groups)
    assert data.sentence_offsets[-1] == len(data.sentence_vectors) == sum(len(p.sentences) for p in passages)
    assert np.allclose(np.linalg.norm(data.vectors, axis=1), 1.0, atol=1e-5)
    assert "aleppo" in data.vocabulary


def test_the_caption_two_outlets_ran_is_one_duplicate_group(hashing_index_dir: Path) -> None:
    data = load_index(hashing_index_dir)
    phrase = "fleeing violence in the restive bustan al-qasr neighborhood, arrive in"
    copies = [p for p in data.passages if phrase in p.text.lower()]
    assert {p.document[:3] for p in copies} == {"000", "001"}
    assert len({int(data.groups[p.id]) for p in copies}) == 1


# --- every problem is one line that says what to run ------------------------------------------------


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _drop_last_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[:-1]), encoding="utf-8")


def _mangle_last_line(path: Path) -> None:
    """Same length, not JSON: the store parses on demand, so loading must read the ends."""
    data = bytearray(path.read_bytes())
    data[-20:-1] = b"#" * 19
    path.write_bytes(bytes(data))


DAMAGE = {
    "missing folder": lambda out: shutil.rmtree(out),
    "missing manifest.json": lambda out: (out / "manifest.json").unlink(),
    "corrupt manifest.json": lambda out: (out / "manifest.json").write_text("{not json", encoding="utf-8"),
    "manifest.json not an object": lambda out: (out / "manifest.json").write_text("[1, 2]", encoding="utf-8"),
    "truncated dense.faiss": lambda out: _truncate(out / "dense.faiss"),
    "truncated passages.jsonl": lambda out: _truncate(out / "passages.jsonl"),
    "passages.jsonl one line short": lambda out: _drop_last_line(out / "passages.jsonl"),
    "truncated vectors.npy": lambda out: _truncate(out / "vectors.npy"),
    "missing passage_offsets.npy": lambda out: (out / "passage_offsets.npy").unlink(),
    "truncated passage_table.npz": lambda out: _truncate(out / "passage_table.npz"),
    "passages.jsonl with its last line mangled": lambda out: _mangle_last_line(out / "passages.jsonl"),
    "missing bm25": lambda out: shutil.rmtree(out / "bm25"),
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_damaged_index_is_an_index_problem(built: tuple[Path, Path], damage) -> None:
    corpus, out = built
    damage(out)
    with pytest.raises(IndexProblem) as info:
        load_index(out, model="hashing-64", dimension=64, corpus_dir=corpus, mmap=False)
    message = str(info.value)
    assert "qa-bot index" in message and "\n" not in message


def test_another_model_is_an_index_problem(hashing_index_dir: Path) -> None:
    with pytest.raises(IndexProblem, match="qa-bot index") as info:
        load_index(hashing_index_dir, model="sentence-transformers/all-MiniLM-L6-v2")
    assert "hashing-64" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(IndexProblem, match="qa-bot index"):
        load_index(hashing_index_dir, dimension=384)


def test_answerer_refuses_an_index_of_another_model(hashing_index_dir: Path) -> None:
    settings = Settings(corpus_dir=CORPUS, index_dir=hashing_index_dir)
    with pytest.raises(IndexProblem, match="qa-bot index"):
        Answerer.load(settings, HashingEmbedder(32))
    assert Answerer.load(settings, HashingEmbedder(64)).index.meta["model"] == "hashing-64"


def test_stale_corpus_names_the_changed_file(built: tuple[Path, Path]) -> None:
    corpus, out = built
    load_index(out, corpus_dir=corpus)  # fresh
    changed = next(corpus.glob("003_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nA sentence added after the build.\n", encoding="utf-8")
    with pytest.raises(IndexProblem) as info:
        load_index(out, corpus_dir=corpus)
    message = str(info.value)
    assert changed.name in message and "qa-bot index" in message and "\n" not in message


def test_stale_manifest_is_named(built: tuple[Path, Path]) -> None:
    corpus, out = built
    manifest = corpus / "manifest.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"NBC News"', '"NBC"'), encoding="utf-8")
    with pytest.raises(IndexProblem, match="manifest.toml"):
        load_index(out, corpus_dir=corpus)


# --- incremental rebuilds -------------------------------------------------------------------------


def test_rebuild_of_an_unchanged_corpus_embeds_nothing(built: tuple[Path, Path]) -> None:
    corpus, out = built
    embedder = CountingEmbedder()
    report = build_index(corpus, out, embedder)
    assert report.embedded == 0 and embedder.encoded == []
    assert report.passages == len(read_passages(corpus)[1])


INDEX_ARRAYS = ("vectors.npy", "sentence_vectors.npy", "sentence_offsets.npy", "token_codes.npy",
                "token_scales.npy", "token_ids.npy", "token_offsets.npy", "groups.npy")


def test_passages_are_encoded_a_chunk_at_a_time_to_the_same_index(tmp_path: Path, pristine: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A forward pass's full token vectors are dropped chunk by chunk, so the memory a
    build needs does not grow with them; the index is the same as from one pass."""
    monkeypatch.setattr(index_module, "ENCODE_CHUNK", 7)
    embedder = CountingEmbedder()
    report = build_index(pristine / "corpus", tmp_path / "index", embedder)
    assert max(embedder.calls) == 7 and sum(embedder.calls) == report.passages > 7
    for name in INDEX_ARRAYS:
        assert np.array_equal(np.load(tmp_path / "index" / name), np.load(pristine / "index" / name)), name


class FailingEmbedder(CountingEmbedder):
    def encode_passages(self, texts, spans):
        if self.calls:
            raise RuntimeError("the encoder failed")
        return super().encode_passages(texts, spans)


def test_a_build_leaves_no_spooled_tokens_behind(tmp_path: Path, pristine: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "index"
    build_index(pristine / "corpus", out, HashingEmbedder(64))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]
    monkeypatch.setattr(index_module, "ENCODE_CHUNK", 7)
    embedder = FailingEmbedder()
    with pytest.raises(RuntimeError):  # fails after spooling a chunk
        build_index(pristine / "corpus", tmp_path / "other", embedder)
    assert embedder.calls == [7]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index"]


def test_a_rebuild_keeps_reused_tokens_exactly_as_stored(built: tuple[Path, Path]) -> None:
    corpus, out = built
    before = {name: np.load(out / name) for name in ("token_codes.npy", "token_scales.npy", "token_ids.npy")}
    build_index(corpus, out, CountingEmbedder())
    for name, array in before.items():
        assert np.array_equal(np.load(out / name), array), name  # no drift from re-quantising


def test_rebuild_after_replacing_one_document_embeds_only_its_passages(built: tuple[Path, Path]) -> None:
    corpus, out = built
    changed = next(corpus.glob("002_*.txt"))
    filler = " It was written again from the very start, with new details and new sources, for this test of rebuilds."
    changed.write_text(  # paragraphs of 30 words and more: each stays a passage of its own
        "The first paragraph of a rewritten report about talks in Geneva." + filler + "\n\n"
        "A second paragraph says the delegations met twice on Tuesday and again on Wednesday." + filler + "\n\n"
        "A third paragraph quotes an official who said the sides were still far apart." + filler + "\n",
        encoding="utf-8",
    )
    embedder = CountingEmbedder()
    report = build_index(corpus, out, embedder)
    counts = dict(report.documents)
    assert counts[changed.name] == 3
    assert report.embedded == counts[changed.name]
    new_passages = [p for p in read_passages(corpus)[1] if p.document == changed.name]
    assert sorted(embedder.encoded) == sorted(p.text for p in new_passages)
    load_index(out, model="hashing-64", corpus_dir=corpus)  # fresh again


def test_rebuild_after_editing_one_paragraph_embeds_only_from_that_document(built: tuple[Path, Path]) -> None:
    corpus, out = built
    changed = next(corpus.glob("003_*.txt"))
    text = changed.read_text(encoding="utf-8")
    assert "Ameen al-Halabi, a photographer." in text
    changed.write_text(text.replace("Ameen al-Halabi, a photographer.", "Ameen al-Halabi, a photographer in Aleppo."),
                       encoding="utf-8")
    embedder = CountingEmbedder()
    report = build_index(corpus, out, embedder)
    own = {p.text for p in read_passages(corpus)[1] if p.document == changed.name}
    assert 1 <= report.embedded <= dict(report.documents)[changed.name]
    assert len(embedder.encoded) == report.embedded and set(embedder.encoded) <= own
    assert any("photographer in Aleppo" in t for t in embedder.encoded)


def test_rebuild_with_another_model_embeds_everything(built: tuple[Path, Path]) -> None:
    corpus, out = built
    report = build_index(corpus, out, HashingEmbedder(32))
    assert report.embedded == report.passages
    assert load_index(out, model="hashing-32").vectors.shape[1] == 32


def test_rebuild_after_the_token_rules_changed_embeds_everything(built: tuple[Path, Path]) -> None:
    """Stored tokens were kept by the rules of their build: other rules, no reuse."""
    from qa_bot.index import META

    corpus, out = built
    meta = json.loads((out / META).read_text(encoding="utf-8"))
    (out / META).write_text(json.dumps(meta | {"token_scheme": "content-v0:older"}), encoding="utf-8")
    report = build_index(corpus, out, CountingEmbedder())
    assert report.embedded == report.passages
    assert load_index(out).tokens.ends[-1] > 0

@pytest.mark.parametrize("old_format", [4, 1, "two"])
def test_an_index_of_an_older_format_is_refused_and_rebuilt_whole(built: tuple[Path, Path], old_format) -> None:
    """Format 5 added token vectors: an index of format 4 has none, so nothing of it is reused."""
    from qa_bot.index import FORMAT_VERSION, META

    corpus, out = built
    meta = json.loads((out / META).read_text(encoding="utf-8"))
    (out / META).write_text(json.dumps(meta | {"format": old_format}), encoding="utf-8")
    with pytest.raises(IndexProblem, match="old or unknown format"):
        load_index(out)
    report = build_index(corpus, out, CountingEmbedder())
    assert report.embedded == report.passages
    assert json.loads((out / META).read_text(encoding="utf-8"))["format"] == FORMAT_VERSION

# --- atomic replacement ---------------------------------------------------------------------------


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_failure_while_writing_leaves_the_previous_index(built: tuple[Path, Path], monkeypatch) -> None:
    corpus, out = built
    before = _snapshot(out)
    changed = next(corpus.glob("000_*.txt"))
    changed.write_text(changed.read_text(encoding="utf-8").replace("Hanano", "Hananu"), encoding="utf-8")

    def broken(texts):
        raise RuntimeError("disk full")

    monkeypatch.setattr(index_module.KeywordIndex, "build", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        build_index(corpus, out, HashingEmbedder(64))
    assert _snapshot(out) == before
    assert load_index(out, model="hashing-64").meta["passages"] > 0
    leftovers = [p.name for p in out.parent.iterdir() if ".building-" in p.name or ".old-" in p.name]
    assert leftovers == []


def test_bad_manifest_stops_the_build_before_writing(built: tuple[Path, Path]) -> None:
    corpus, out = built
    before = _snapshot(out)
    (corpus / "005_unlisted.txt").write_text("Not in the manifest.\n", encoding="utf-8")
    with pytest.raises(ManifestError, match="005_unlisted.txt"):
        build_index(corpus, out, HashingEmbedder(64))
    assert _snapshot(out) == before


def test_build_into_a_new_nested_folder(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "index"
    build_index(CORPUS, out, HashingEmbedder(16))
    assert load_index(out, model="hashing-16", corpus_dir=CORPUS).meta["dimension"] == 16
    assert len(load_manifest(CORPUS)) == len(load_index(out).documents)


def test_a_full_disk_during_the_build_leaves_the_old_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated ENOSPC while writing: one clear IndexProblem, the old index intact, no leftovers."""
    import errno

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    out = tmp_path / "embeddings"
    build_index(corpus, out, HashingEmbedder(64))
    before = (out / "manifest.json").read_bytes()
    real_save = np.save

    def full_disk(path, *args, **kwargs):
        if str(path).endswith("sentence_vectors.npy"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(path, *args, **kwargs)

    monkeypatch.setattr(np, "save", full_disk)
    with pytest.raises(IndexProblem, match="No space left on device.*previous index is unchanged"):
        build_index(corpus, out, HashingEmbedder(64))
    monkeypatch.undo()
    assert (out / "manifest.json").read_bytes() == before
    assert load_index(out).meta["passages"] > 0
    assert [p.name for p in tmp_path.iterdir()] == ["embeddings"]


def test_a_loaded_index_reads_passages_on_demand_and_ranks_as_if_all_were_parsed(pristine: Path) -> None:
    """The stored per-passage table must say exactly what the passages say."""
    import dataclasses

    from qa_bot.retrieve import Retriever
    from qa_bot.store import PassageStore

    index = load_index(pristine / "index", model="hashing-64", dimension=64)
    assert isinstance(index.passages, PassageStore) and index.table is not None
    stored = Retriever(index)
    parsed = Retriever(dataclasses.replace(index, passages=list(index.passages), table=None))
    for name in ("documents", "credits", "datelines"):
        assert np.array_equal(getattr(stored, name), getattr(parsed, name)), name
    for name in ("document", "day_offsets", "days"):
        assert np.array_equal(getattr(stored.table, name), getattr(parsed.table, name)), name
    assert stored.table.documents == parsed.table.documents and stored.document_outlets == parsed.document_outlets
    assert stored.names == parsed.names and stored.credits.any() and stored.datelines.any()
    assert all(stored.table.month_days(i) == parsed.table.month_days(i) for i in range(len(index.passages)))


def test_auto_picks_exact_search_for_small_corpora_and_ivf_above() -> None:
    from qa_bot.index import choose_index_type

    assert choose_index_type(50_000, "auto", 50_000) == "flat"
    assert choose_index_type(50_001, "auto", 50_000) == "ivf"
    assert choose_index_type(10, "hnsw", 50_000) == "hnsw"


def test_ivf_cells_follow_the_final_size_when_built_from_a_first_part() -> None:
    import numpy as np

    from qa_bot.index import IVF_NPROBE, ivf_lists, make_faiss

    vectors = np.random.default_rng(3).normal(size=(3_000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    whole = make_faiss(vectors, "ivf")
    first_part = make_faiss(vectors[:1_000], "ivf", total=40_000)
    assert whole.nlist == ivf_lists(3_000) and first_part.nlist == ivf_lists(40_000) > whole.nlist
    assert make_faiss(vectors[:5], "ivf").nlist <= 5  # a tiny corpus asked to use ivf still builds
    assert whole.nprobe == min(whole.nlist, IVF_NPROBE) and first_part.ntotal == 1_000
    _, found = whole.search(vectors[:20], 1)
    assert (found[:, 0] == np.arange(20)).mean() >= 0.9  # a stored vector finds itself
