"""Keyword search (BM25) and spelling tolerance against the corpus vocabulary.

Dense embeddings miss rare names and figures ("Abdul-Ghani Kassa", "413"); BM25
finds them. Chat-style questions misspell exactly those words ("alepo",
"evacuaton"), so query words are corrected towards the corpus vocabulary first.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from symspellpy import SymSpell, Verbosity

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
ENGLISH_WORDS_LIMIT = 60_000  # most frequent English words used as "known, don't correct"


@lru_cache(maxsize=1)
def stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def tokenize(texts: list[str]) -> list[list[str]]:
    """Stemmed, stop-word-free tokens: the one tokenizer used for indexing and querying."""
    return bm25s.tokenize(
        texts, stopwords="en", stemmer=stemmer(), return_ids=False, show_progress=False, token_pattern=TOKEN_PATTERN
    )


def words(text: str) -> list[str]:
    """Lower-case words as written (hyphenated parts too), for the vocabulary and the speller."""
    found = []
    for word in WORD.findall(text.lower().replace("’", "'")):
        found.append(word)
        if "-" in word:
            found.extend(part for part in word.split("-") if part)
    return found


class KeywordIndex:
    """bm25s over passage texts; sparse matrices, so scoring a query is vectorised."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever
        self._vocab = retriever.vocab_dict

    @classmethod
    def build(cls, texts: list[str]) -> KeywordIndex:
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(tokenize(texts) if texts else [[""]], show_progress=False)
        return cls(retriever)

    def save(self, directory: Path) -> None:
        self._retriever.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path, mmap: bool = False) -> KeywordIndex:
        return cls(bm25s.BM25.load(str(directory), mmap=mmap, show_progress=False))

    def scores(self, query_tokens: list[str], size: int) -> np.ndarray:
        """A BM25 score for every passage (zeros when no query token is in the vocabulary)."""
        known = [t for t in query_tokens if t in self._vocab]
        if not known:
            return np.zeros(size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)[:size]


class Vocabulary:
    """Corpus word counts, used for spelling correction and for "is this term covered?"."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts

    @classmethod
    def build(cls, texts: list[str]) -> Vocabulary:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(words(text))
        return cls(counts)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(dict(self.counts.most_common()), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        return cls(Counter(json.loads(path.read_text(encoding="utf-8"))))

    def __contains__(self, word: str) -> bool:
        return word in self.counts


@lru_cache(maxsize=1)
def english_frequencies() -> dict[str, int]:
    """The frequency dictionary that ships with symspellpy: what counts as a real word."""
    import importlib.resources

    text = importlib.resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text()
    pairs = (line.split() for line in text.splitlines()[:ENGLISH_WORDS_LIMIT])
    return {word: int(count) for word, count in pairs}


def split_compound(word: str) -> str:
    """"bigpicture" → "big picture": web addresses run words together. A word that
    is English already, or splits into no two common English words, stays as it is."""
    english = english_frequencies()
    if word in english:
        return word
    splits = [(word[:i], word[i:]) for i in range(2, len(word) - 1)]
    splits = [(a, b) for a, b in splits if a in english and b in english]
    if not splits:
        return word
    a, b = max(splits, key=lambda pair: min(english[pair[0]], english[pair[1]]))
    return f"{a} {b}"


class Speller:
    """Corrects a question's words towards the corpus vocabulary, then towards English.

    A word the corpus uses is never touched; a real English word is corrected only
    when the corpus has a word one edit away that is far more likely here ("alepo").
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        self._corpus = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in vocabulary.counts.items():
            if len(word) >= 3 and word.isalpha():
                self._corpus.create_dictionary_entry(word, count)
        self._english = english_frequencies()

    def correct(self, word: str) -> str:
        if word in self._vocabulary or not word.isalpha() or len(word) < 4:
            return word
        distance = 1 if len(word) <= 5 else 2
        found = self._corpus.lookup(word, Verbosity.TOP, max_edit_distance=distance)
        if word in self._english:
            # A real word: only a near-identical corpus word that is frequent here wins.
            if found and found[0].distance == 1 and self._english.get(found[0].term, 0) < self._english[word] * 0.05:
                return found[0].term
            return word
        if found:
            return found[0].term
        return word
