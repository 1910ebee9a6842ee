"""Where passages live once indexed: a file read on demand, and the columns ranking needs.

Parsing a million passages into Python objects at every start took about 25 seconds
and 1.5 GB; an answer touches a few dozen. So the build records each passage's byte
offset in `passages.jsonl`, and the few facts ranking reads for *every* candidate
(its document, whether it is a byline or a dateline, the days it mentions) as arrays.
A start then reads the file's bytes and the arrays; a passage is parsed when first shown.
(The bytes are read, not memory-mapped: a file damaged in place under a running bot
must fail one answer, not crash the process with SIGBUS.)
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import overload

import numpy as np

from qa_bot.chunking import DATELINE, names_authors, without_credit
from qa_bot.lexical import tokenize
from qa_bot.models import Passage

PASSAGES = "passages.jsonl"
OFFSETS = "passage_offsets.npy"
TABLE = "passage_table.npz"
CACHE = 65_536  # parsed passages kept: far more than a burst of answers shows


class PassagesChanged(ValueError):
    """The passage file is not the one its offsets were written for."""


def write_passages(path: Path, passages: Sequence[Passage]) -> np.ndarray:
    """Write one JSON line per passage; return the n + 1 byte offsets of the lines."""
    offsets = [0]
    with path.open("wb") as handle:
        for p in passages:
            line = (json.dumps(p.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
            handle.write(line)
            offsets.append(offsets[-1] + len(line))
    return np.array(offsets, dtype=np.int64)


class PassageStore(Sequence[Passage]):
    """`passages.jsonl` as a read-only sequence; each passage is parsed when first asked for."""

    def __init__(self, path: Path, offsets: np.ndarray) -> None:
        self.offsets = offsets
        self._data = path.read_bytes()
        if int(offsets[-1]) != len(self._data):
            raise PassagesChanged(f"{path.name} does not match its offsets")
        self._parse = lru_cache(maxsize=CACHE)(self._read)

    def _read(self, i: int) -> Passage:
        return Passage.from_dict(json.loads(self._data[self.offsets[i] : self.offsets[i + 1]]))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> Passage: ...
    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...
    def __getitem__(self, i: int | slice) -> Passage | list[Passage]:
        if isinstance(i, slice):
            return [self._parse(j) for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"passage {i} of {len(self)}")
        return self._parse(i)

    def __iter__(self) -> Iterator[Passage]:
        return (self._parse(i) for i in range(len(self)))


def runs(codes: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions sorted by code (0 ≤ code < `count`), and where each code's run starts:
    code c's positions are order[starts[c]:starts[c + 1]], in their original order."""
    order = np.argsort(codes, kind="stable").astype(np.int64)
    counts = np.bincount(codes, minlength=count)
    return order, np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)


@dataclass
class PassageTable:
    """Per-passage facts ranking reads for every candidate, as arrays, and the
    documents they point to (outlet, date, title and address come from there)."""

    document: np.ndarray  # (n,) int32: index into `documents`
    documents: list[dict[str, str]]  # file, outlet, published, title, url
    credit: np.ndarray  # (n,) bool: a byline or contributor line
    dateline: np.ndarray  # (n,) bool: opens with "BEIRUT, Lebanon —"
    day_offsets: np.ndarray  # (n + 1,) int64: passage i's days are days[o[i]:o[i+1]]
    days: np.ndarray  # int16, month * 100 + day: dates written in the text, else the publication date
    words: np.ndarray  # (n,) int32: keyword tokens outside the photo credit (how much a passage says)

    @classmethod
    def from_passages(cls, passages: Sequence[Passage]) -> PassageTable:
        codes: dict[str, int] = {}
        documents: list[dict[str, str]] = []
        document, days, day_offsets = [], [], [0]
        for p in passages:
            if p.document not in codes:
                codes[p.document] = len(documents)
                documents.append({"file": p.document, "outlet": p.outlet, "published": p.published or "",
                                  "title": p.title, "url": p.url or ""})
            document.append(codes[p.document])
            days.extend(sorted({int(d[5:7]) * 100 + int(d[8:10]) for d in (p.dates or [p.published] * bool(p.published))}))
            day_offsets.append(len(days))
        return cls(
            document=np.array(document, dtype=np.int32),
            documents=documents,
            credit=np.array([names_authors(p.text, p.authors) for p in passages], dtype=bool),
            dateline=np.array([bool(DATELINE.match(p.text)) for p in passages], dtype=bool),
            day_offsets=np.array(day_offsets, dtype=np.int64),
            days=np.array(days, dtype=np.int16),
            words=np.array([len(t) for t in tokenize([without_credit(p.text) for p in passages])], dtype=np.int32),
        )

    def __len__(self) -> int:
        return len(self.document)

    def column(self, field: str) -> np.ndarray:
        """A document field for every passage ("outlet", "published", "file")."""
        return np.array([d[field] for d in self.documents], dtype=object)[self.document]

    def month_days(self, i: int) -> set[tuple[int, int]]:
        return {(int(v) // 100, int(v) % 100) for v in self.days[self.day_offsets[i] : self.day_offsets[i + 1]]}

    @cached_property
    def all_days(self) -> frozenset[tuple[int, int]]:
        """Every (month, day) the coverage speaks of: written in a passage or its publication day."""
        written = {(int(v) // 100, int(v) % 100) for v in self.days}
        published = {(int(d["published"][5:7]), int(d["published"][8:10])) for d in self.documents if d["published"]}
        return frozenset(written | published)

    def members(self, file: str) -> np.ndarray:
        """The ids of a document's passages, in order."""
        code = self._by_file.get(file)
        return self.passages_of([code]) if code is not None else np.zeros(0, dtype=np.int64)

    def passages_of(self, codes: Iterable[int]) -> np.ndarray:
        """The ids of the passages of the documents with these codes."""
        order, starts = self._grouped
        runs = [order[starts[c] : starts[c + 1]] for c in codes]
        return np.concatenate(runs) if runs else np.zeros(0, dtype=np.int64)

    @cached_property
    def _by_file(self) -> dict[str, int]:
        return {d["file"]: i for i, d in enumerate(self.documents)}

    @cached_property
    def _grouped(self) -> tuple[np.ndarray, np.ndarray]:
        """Built once, so a question never scans a million passages for one article's."""
        return runs(self.document, len(self.documents))

    def save(self, path: Path) -> None:
        with path.open("wb") as handle:  # np.savez would add ".npz" to a name without it
            np.savez(handle, document=self.document, credit=self.credit, dateline=self.dateline,
                     day_offsets=self.day_offsets, days=self.days, words=self.words,
                     documents=np.array(json.dumps(self.documents, ensure_ascii=False)))

    @classmethod
    def load(cls, path: Path) -> PassageTable:
        with np.load(path) as data:
            return cls(
                document=data["document"], documents=json.loads(str(data["documents"])),
                credit=data["credit"], dateline=data["dateline"],
                day_offsets=data["day_offsets"], days=data["days"], words=data["words"],
            )
