"""Build, store and load the index: passages, vectors, FAISS, BM25 and a manifest.

An index is written whole into a temporary folder beside its target and swapped
in with a rename, so a reader sees the old index or the new one, never half of
one. Loading checks the manifest against the model and the corpus, and says in
one line what is wrong and what to run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import faiss
import numpy as np

from qa_bot.chunking import passages_for, without_credit
from qa_bot.embed import Embedder
from qa_bot.ingest import IngestError, decode, extract_blocks
from qa_bot.lexical import KeywordIndex, Vocabulary
from qa_bot.manifest import MANIFEST_NAME, ManifestError, load_manifest
from qa_bot.models import Document, Passage
from qa_bot.store import OFFSETS, PASSAGES, TABLE, PassagesChanged, PassageStore, PassageTable, write_passages
from qa_bot.tokens import SCHEME as TOKEN_SCHEME
from qa_bot.tokens import StoredTokens, TokenIndex, TokenSpool

# 2: passages read on demand (byte offsets, per-passage table); 3: word counts in the table;
# 4: the words the corpus writes as names, in the vocabulary; 6: and the pairs it capitalises together;
# 7: a pull quote's attribution kept with its quotation (passages read anew)
FORMAT_VERSION = 7
VECTORS_SINCE = 5  # vectors of an index of this format or later are reused by a rebuild
META = "manifest.json"
DUPLICATE_COSINE = 0.7
MAX_FILE_BYTES = 20 * 1024 * 1024


class IndexProblem(RuntimeError):
    """The index cannot be used as it is; the message is one line for a person."""


@dataclass
class IndexData:
    """A loaded index, read-only; retrieval works from this alone."""

    directory: Path
    meta: dict[str, Any]
    documents: list[Document]
    passages: Sequence[Passage]  # a PassageStore when loaded: parsed on demand
    vectors: np.ndarray  # (passages, dim)
    sentence_vectors: np.ndarray  # (sentences, dim), passage by passage, in order
    sentence_offsets: np.ndarray  # (passages + 1,): passage i's sentences are [o[i], o[i+1])
    dense: faiss.Index
    keyword: KeywordIndex
    vocabulary: Vocabulary
    groups: np.ndarray  # (passages,): passages with the same group say the same thing
    tokens: TokenIndex | None = None  # content token vectors for late interaction
    table: PassageTable | None = None  # per-passage columns; derived from `passages` when absent


@dataclass
class BuildReport:
    directory: Path
    documents: list[tuple[str, int]]  # (file, passages)
    passages: int
    embedded: int  # passages whose vectors were computed (the rest reused)
    seconds: float
    index_type: str
    warnings: list[str] = field(default_factory=list)
    encode_seconds: float = 0.0  # of `seconds`, embedding (the rest: reading, segmenting, indexing, writing)


# --- hashing and freshness ------------------------------------------------------------


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def corpus_hashes(corpus_dir: Path, documents: list[Document]) -> dict[str, str]:
    hashes = {doc.file: file_hash(corpus_dir / doc.file) for doc in documents}
    hashes[MANIFEST_NAME] = file_hash(corpus_dir / MANIFEST_NAME)
    return hashes


def staleness(meta: dict[str, Any], corpus_dir: Path) -> str | None:
    """Why the index no longer matches the corpus, or None when it does."""
    try:
        documents = load_manifest(corpus_dir)
        current = corpus_hashes(corpus_dir, documents)
    except (ManifestError, OSError) as exc:
        return f"the corpus cannot be read ({exc})"
    built = meta.get("hashes", {})
    if current.get(MANIFEST_NAME) != built.get(MANIFEST_NAME):
        return f"{corpus_dir / MANIFEST_NAME} changed since the index was built"
    changed = sorted(f for f in current if current[f] != built.get(f))
    if changed:
        return f"{corpus_dir / changed[0]} changed since the index was built"
    return None


def library_versions() -> dict[str, str]:
    found = {}
    for name in ("qa-bot", "faiss-cpu", "sentence-transformers", "numpy", "bm25s", "torch"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "unknown"
    return found


# --- building ----------------------------------------------------------------------------


def read_passages(corpus_dir: Path) -> tuple[list[Document], list[Passage]]:
    """Every document of the corpus as passages; a file that cannot be read stops the build."""
    documents = load_manifest(corpus_dir)
    passages: list[Passage] = []
    for doc in documents:
        path = corpus_dir / doc.file
        size = path.stat().st_size
        if size == 0:
            raise IngestError(f"{path}: empty file")
        if size > MAX_FILE_BYTES:
            raise IngestError(f"{path}: {size // (1 << 20)} MB is too large for one article (limit 20 MB)")
        raw = decode(path.read_bytes(), str(path))
        found = passages_for(doc, extract_blocks(raw, doc.title), first_id=len(passages))
        if not found:
            raise IngestError(f"{path}: no article text found in the file")
        passages.extend(found)
    return documents, passages


def choose_index_type(count: int, requested: str, flat_max: int) -> str:
    if requested != "auto":
        return requested
    return "flat" if count <= flat_max else "ivf"


def ivf_lists(count: int) -> int:
    """k-means cells for `count` vectors: about 4·√N (the usual 1–16·√N), at most 4096."""
    return max(1, min(4096, int(4 * count ** 0.5), count))


IVF_NPROBE = 32  # cells searched per question; written with the index


def make_faiss(vectors: np.ndarray, kind: str, total: int | None = None) -> faiss.Index:
    """Exact search while it is fast enough; inverted lists (or a graph) beyond.
    `total`: how many vectors the index will hold when `vectors` are only the first."""
    dim = vectors.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128  # written with the index; faiss's default is 16
    elif kind == "hnsw-sq8":
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = 128
        index.train(vectors)
    elif kind == "ivf":
        # Inverted lists over k-means cells: on the bench's synthetic 1M passages they
        # reach recall@10 0.95 where HNSW (M=32) stalls near 0.78 (`qa-bot bench --synthetic`).
        nlist = min(ivf_lists(total or len(vectors)), len(vectors))  # k-means needs a point a cell
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
        rows = np.random.default_rng(0).choice(len(vectors), min(len(vectors), 64 * nlist), replace=False)
        index.train(vectors[np.sort(rows)])
        index.nprobe = min(nlist, IVF_NPROBE)
    else:
        raise IndexProblem(f"unknown index type {kind!r} (use auto, flat, hnsw, hnsw-sq8 or ivf)")
    index.add(vectors)
    return index


def duplicate_groups(passages: list[Passage], vectors: np.ndarray, index: faiss.Index) -> np.ndarray:
    """Union near-identical passages (a caption two outlets both ran, a repeated one)."""
    parent = np.arange(len(passages))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    if len(passages) > 1:
        scores, neighbours = index.search(vectors, min(8, len(passages)))
        for i, (row_scores, row_ids) in enumerate(zip(scores, neighbours)):
            for score, j in zip(row_scores, row_ids):
                other = passages[j]
                if j > i and other.document != passages[i].document and score >= DUPLICATE_COSINE \
                        and _same_words(passages[i].text, other.text):
                    parent[root(int(j))] = root(i)
    return np.array([root(i) for i in range(len(passages))], dtype=np.int64)


def _same_words(a: str, b: str) -> bool:
    """Same text, allowing an extra sentence in one copy (a caption another outlet
    extended) but not a different photo that merely repeats the other's facts."""
    from rapidfuzz import fuzz

    from qa_bot.chunking import _key

    short, long = sorted((_key(a), _key(b)), key=len)
    opening = fuzz.ratio(" ".join(short.split()[:12]), " ".join(long.split()[:12]))
    return opening >= 80 and fuzz.partial_ratio(short, long) >= 88


Embedded = tuple[np.ndarray, np.ndarray, StoredTokens]  # a passage's vector, sentence vectors, tokens


def _reusable(previous: Path, model: str) -> dict[str, Embedded]:
    """Vectors of an earlier build with the same model, by passage text: unchanged
    documents are not embedded again."""
    try:
        meta = json.loads((previous / META).read_text())
        if meta.get("model") != model or not VECTORS_SINCE <= meta.get("format", 0) <= FORMAT_VERSION:
            return {}
        if meta.get("token_scheme") != TOKEN_SCHEME:  # tokens kept by other rules
            return {}
        passages = PassageStore(previous / PASSAGES, np.load(previous / OFFSETS))
        vectors = np.load(previous / "vectors.npy")
        sentences = np.load(previous / "sentence_vectors.npy")
        offsets = np.load(previous / "sentence_offsets.npy")
        tokens = TokenIndex.load(previous)  # mapped: only what is reused is read
        return {  # passages are parsed here: a damaged line means nothing is reused
            p.text: (vectors[i], sentences[offsets[i] : offsets[i + 1]], tokens.passage(i))
            for i, p in enumerate(passages)
            if offsets[i + 1] - offsets[i] == len(p.sentences)
        }
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return {}


# Passages encoded at a time. A forward pass yields every token's float32 vector
# (about 90 KB a passage); only the quantised content tokens (about 13 KB) are kept,
# so a build's memory no longer grows with the full token vectors of the whole corpus.
ENCODE_CHUNK = 512


def _progress(chunks: list[list[Passage]], total: int, show: bool) -> Iterator[list[Passage]]:
    if not show:
        yield from chunks
        return
    from tqdm.auto import tqdm

    with tqdm(total=total, desc="Embedding", unit="passage") as bar:
        for chunk in chunks:
            yield chunk
            bar.update(len(chunk))


def embed_all(
    passages: list[Passage], embedder: Embedder, cache: dict[str, Embedded], progress: bool, spool: TokenSpool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[StoredTokens], int]:
    """Every passage's vectors and tokens, from `cache` or encoded; new tokens go to
    `spool` chunk by chunk and come back as views of it."""
    todo = [p for p in passages if p.text not in cache or len(cache[p.text][1]) != len(p.sentences)]
    # Longest first, so each chunk holds texts of like length and batches pad little.
    todo.sort(key=lambda p: -len(p.text))
    chunks = [todo[start : start + ENCODE_CHUNK] for start in range(0, len(todo), ENCODE_CHUNK)]
    fresh: dict[str, tuple[np.ndarray, np.ndarray, tuple[int, int]]] = {}
    for chunk in _progress(chunks, len(todo), progress):
        vecs, sent_vecs, tokens = embedder.encode_passages([p.text for p in chunk], [p.sentences for p in chunk])
        start = 0
        for p, vec, token_set in zip(chunk, vecs, tokens):
            fresh[p.text] = (vec, sent_vecs[start : start + len(p.sentences)], spool.add(StoredTokens.of(token_set)))
            start += len(p.sentences)
    spooled = spool.read()
    for text, (vec, sentence_vectors, span) in fresh.items():
        cache[text] = (vec, sentence_vectors, spooled(span))
    dim = embedder.dimension
    vectors = np.array([cache[p.text][0] for p in passages], dtype=np.float32).reshape(-1, dim)
    sentence_rows = [cache[p.text][1] for p in passages]
    sentences = np.concatenate(sentence_rows).astype(np.float32) if sentence_rows else np.zeros((0, dim), np.float32)
    offsets = np.concatenate([[0], np.cumsum([len(r) for r in sentence_rows])]).astype(np.int64)
    tokens = [cache[p.text][2] for p in passages]
    return vectors, sentences, offsets, tokens, len(todo)


def build_index(
    corpus_dir: Path,
    out_dir: Path,
    embedder: Embedder,
    index_type: str = "auto",
    flat_max: int = 50_000,
    progress: bool = False,
    say: Callable[[str], None] = lambda _: None,
) -> BuildReport:
    """Read, embed and write the whole index; `out_dir` is replaced only on success."""
    started = time.perf_counter()
    documents, passages = read_passages(corpus_dir)
    say(f"Read {len(documents)} documents into {len(passages)} passages.")
    cache = _reusable(out_dir, embedder.name) if out_dir.exists() else {}
    spool_dir = _spool_folder(out_dir)
    spool = TokenSpool(spool_dir, embedder.dimension)
    try:
        return _embed_and_write(corpus_dir, out_dir, embedder, documents, passages, cache, spool,
                                index_type, flat_max, progress, started)
    finally:
        spool.close()
        shutil.rmtree(spool_dir, ignore_errors=True)


def _spool_folder(out_dir: Path) -> Path:
    """Beside the index (same disk): the tokens of a build wait there until written."""
    parent = out_dir.resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tokens-", dir=parent))
    except OSError as exc:
        raise IndexProblem(f"could not write the index to {out_dir}: {exc.strerror or exc}") from None


def _embed_and_write(corpus_dir: Path, out_dir: Path, embedder: Embedder, documents: list[Document],
                     passages: list[Passage], cache: dict[str, Embedded], spool: TokenSpool, index_type: str,
                     flat_max: int, progress: bool, started: float) -> BuildReport:
    encode_started = time.perf_counter()
    vectors, sentence_vectors, offsets, tokens, embedded = embed_all(passages, embedder, cache, progress, spool)
    encode_seconds = time.perf_counter() - encode_started
    kind = choose_index_type(len(passages), index_type, flat_max)
    dense = make_faiss(vectors, kind)
    groups = duplicate_groups(passages, vectors, dense)
    meta = {
        "format": FORMAT_VERSION,
        "model": embedder.name,
        "dimension": embedder.dimension,
        "token_scheme": TOKEN_SCHEME,
        "passages": len(passages),
        "sentences": int(len(sentence_vectors)),
        "index_type": kind,
        "hashes": corpus_hashes(corpus_dir, documents),
        "documents": [doc.__dict__ | {"authors": list(doc.authors)} for doc in documents],
        "versions": library_versions(),
        "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    texts = [p.text for p in passages]
    try:
        write_atomically(out_dir, lambda tmp: _write(tmp, meta, passages, vectors, sentence_vectors, offsets, tokens,
                                                        embedder.vocabulary_size, dense, groups, texts))
    except OSError as exc:  # a full disk, a read-only folder: say so, the old index stays
        reason = exc.strerror or str(exc)
        raise IndexProblem(f"could not write the index to {out_dir}: {reason}; the previous index is unchanged") from None
    counts = [(doc.file, sum(p.document == doc.file for p in passages)) for doc in documents]
    return BuildReport(out_dir, counts, len(passages), embedded, time.perf_counter() - started, kind,
                       encode_seconds=encode_seconds)


def _write(tmp: Path, meta: dict, passages: list[Passage], vectors: np.ndarray, sentence_vectors: np.ndarray,
           offsets: np.ndarray, tokens: list[StoredTokens], vocabulary: int, dense: faiss.Index, groups: np.ndarray,
           texts: list[str]) -> None:
    np.save(tmp / OFFSETS, write_passages(tmp / PASSAGES, passages))
    PassageTable.from_passages(passages).save(tmp / TABLE)
    np.save(tmp / "vectors.npy", vectors)
    np.save(tmp / "sentence_vectors.npy", sentence_vectors)
    np.save(tmp / "sentence_offsets.npy", offsets)
    np.save(tmp / "groups.npy", groups)
    TokenIndex.write(tmp, tokens, vectors.shape[1], vocabulary)
    faiss.write_index(dense, str(tmp / "dense.faiss"))
    KeywordIndex.build(texts).save(tmp / "bm25")
    Vocabulary.build([without_credit(t) for t in texts]).save(tmp / "vocabulary.json")
    # The manifest goes last: an index folder without one is incomplete by definition.
    (tmp / META).write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")


def write_atomically(target: Path, fill: Callable[[Path], None]) -> None:
    """Fill a fresh sibling folder, then swap it in with renames (atomic on one filesystem)."""
    target = target.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    tmp.chmod(0o755)  # mkdtemp makes it owner-only; a bot may run as another user
    try:
        fill(tmp)
        old = target.parent / f".{target.name}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
        os.replace(tmp, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --- loading -----------------------------------------------------------------------------


def read_meta(directory: Path) -> dict[str, Any]:
    path = directory / META
    if not directory.is_dir():
        raise IndexProblem(f"no index at {directory}: run `qa-bot index` to build it")
    if not path.is_file():
        raise IndexProblem(f"the index at {directory} is incomplete (no {META}): run `qa-bot index` to rebuild it")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexProblem(f"the index manifest {path} is corrupt: run `qa-bot index` to rebuild it") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        raise IndexProblem(f"the index at {directory} has an old or unknown format: run `qa-bot index` to rebuild it")
    return meta


def load_index(directory: Path, model: str | None = None, dimension: int | None = None,
               corpus_dir: Path | None = None, mmap: bool = True) -> IndexData:
    """Load and verify; every problem becomes an `IndexProblem` naming the fix."""
    meta = read_meta(directory)
    if model is not None and meta.get("model") != model:
        raise IndexProblem(
            f"the index was built with model {meta.get('model')!r}, not {model!r}: run `qa-bot index` to rebuild it"
        )
    if dimension is not None and meta.get("dimension") != dimension:
        raise IndexProblem(f"the index has dimension {meta.get('dimension')}, the model {dimension}: run `qa-bot index`")
    if corpus_dir is not None:
        reason = staleness(meta, corpus_dir)
        if reason:
            raise IndexProblem(f"the index is out of date: {reason}: run `qa-bot index` to rebuild it")
    try:
        return _read(directory, meta, mmap)
    except IndexProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - any unreadable part means the same fix
        raise IndexProblem(
            f"the index at {directory} is corrupt ({type(exc).__name__}): run `qa-bot index` to rebuild it"
        ) from None


def _read(directory: Path, meta: dict[str, Any], mmap: bool) -> IndexData:
    mode = "r" if mmap else None
    try:
        passages = PassageStore(directory / PASSAGES, np.load(directory / OFFSETS))
    except PassagesChanged:
        raise IndexProblem(f"the index at {directory} is inconsistent (part of it changed): run `qa-bot index`") from None
    table = PassageTable.load(directory / TABLE)
    if len(passages):  # parsed on demand: read the ends now, so a damaged file fails here
        passages[0], passages[-1]
    vectors = np.load(directory / "vectors.npy", mmap_mode=mode)
    sentence_vectors = np.load(directory / "sentence_vectors.npy", mmap_mode=mode)
    offsets = np.load(directory / "sentence_offsets.npy")
    groups = np.load(directory / "groups.npy")
    tokens = TokenIndex.load(directory, mmap=mmap)
    # Flat vectors and IVF lists are mapped, not read: a 300k-passage IVF index loads in
    # 2 ms and 20 MiB instead of 0.25 s and 450 MiB. HNSW's graph is read either way.
    mappable = meta.get("index_type") in ("flat", "ivf")
    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap and mappable else 0
    dense = faiss.read_index(str(directory / "dense.faiss"), flags)
    sizes = {len(passages), len(table), len(vectors), dense.ntotal, len(groups), len(offsets) - 1,
             len(tokens), meta.get("passages")}
    if len(sizes) != 1 or len(sentence_vectors) != offsets[-1]:
        raise IndexProblem(f"the index at {directory} is inconsistent (part of it changed): run `qa-bot index`")
    documents = [Document(**(d | {"authors": tuple(d.get("authors", []))})) for d in meta.get("documents", [])]
    return IndexData(
        directory=directory,
        meta=meta,
        documents=documents,
        passages=passages,
        vectors=vectors,
        sentence_vectors=sentence_vectors,
        sentence_offsets=offsets,
        dense=dense,
        keyword=KeywordIndex.load(directory / "bm25", mmap=mmap),
        vocabulary=Vocabulary.load(directory / "vocabulary.json"),
        groups=groups,
        tokens=tokens,
        table=table,
    )
