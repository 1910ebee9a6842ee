"""The passage store: passages read on demand from their file, and the per-passage table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qa_bot.models import Passage
from qa_bot.store import PassageStore, PassageTable, write_passages


def passage(i: int, document: str, text: str, **extra) -> Passage:
    fields = dict(outlet=f"Outlet of {document}", published="2016-12-13", title=f"Title of {document}",
                  url=f"https://example.org/{document}", authors=[], position=i, kind="paragraph")
    return Passage(id=i, text=text, document=document, **(fields | extra))


PASSAGES = [
    passage(0, "a.txt", "By Anne Barnard and Nick Cumming-Bruce", authors=["Anne Barnard"]),
    passage(1, "a.txt", "BEIRUT, Lebanon — Hundreds of men are missing, officials said.", dates=["2016-12-09"]),
    passage(2, "b.txt", "Civilians fled on Dec. 12 — “we had no choice” — into the cold. 🕊️", published=None,
            dates=["2016-12-12"], sentences=[(0, 20), (21, 40)]),
    passage(3, "a.txt", "A plain paragraph that is neither a byline nor a dateline."),
    passage(4, "b.txt", "Aleppo’s historic citadel. (George Ourfalian/Agence France-Presse — Getty Images)"),
]


@pytest.fixture
def stored(tmp_path: Path) -> tuple[Path, np.ndarray]:
    path = tmp_path / "passages.jsonl"
    return path, write_passages(path, PASSAGES)


def test_the_store_gives_back_every_passage_as_written(stored) -> None:
    store = PassageStore(*stored)
    assert len(store) == len(PASSAGES)
    assert list(store) == PASSAGES  # non-ASCII text, tuples of spans, None dates: all intact
    assert store[-1] == PASSAGES[-1] and store[1:3] == PASSAGES[1:3]
    with pytest.raises(IndexError):
        store[len(PASSAGES)]


def test_offsets_point_at_each_line(stored) -> None:
    path, offsets = stored
    data = path.read_bytes()
    assert offsets[0] == 0 and offsets[-1] == len(data) and len(offsets) == len(PASSAGES) + 1
    assert all(data[offsets[i + 1] - 1 : offsets[i + 1]] == b"\n" for i in range(len(PASSAGES)))


def test_a_passage_is_parsed_once_and_only_when_asked_for(stored) -> None:
    store = PassageStore(*stored)
    assert store._parse.cache_info().currsize == 0  # opening parses nothing
    first = store[2]
    assert store[2] is first and store._parse.cache_info().currsize == 1


def test_a_file_that_does_not_match_its_offsets_is_refused(stored) -> None:
    path, offsets = stored
    path.write_bytes(path.read_bytes()[:-5])
    with pytest.raises(ValueError):
        PassageStore(path, offsets)


def test_the_table_holds_what_ranking_reads_for_every_candidate(tmp_path: Path) -> None:
    table = PassageTable.from_passages(PASSAGES)
    assert list(table.credit) == [True, False, False, False, False]
    assert list(table.dateline) == [False, True, False, False, False]
    assert list(table.column("file")) == ["a.txt", "a.txt", "b.txt", "a.txt", "b.txt"]
    assert list(table.column("published")) == ["2016-12-13", "2016-12-13", "", "2016-12-13", ""]  # b.txt: undated
    # Keyword words, stop words left out; a photo credit is not what a caption says.
    assert list(table.words) == [5, 7, 8, 6, 3]
    # A passage that dates itself is about that day, not the day it was published
    # (a gallery of Dec. 12 captions a photo "on December 19"); one that does not, the latter.
    assert table.month_days(1) == {(12, 9)} and table.month_days(2) == {(12, 12)}
    assert table.month_days(3) == {(12, 13)}
    assert list(table.members("a.txt")) == [0, 1, 3] and len(table.members("missing.txt")) == 0
    table.save(tmp_path / "table.npz")
    loaded = PassageTable.load(tmp_path / "table.npz")
    assert loaded.documents == table.documents
    for name in ("document", "credit", "dateline", "day_offsets", "days", "words"):
        assert np.array_equal(getattr(loaded, name), getattr(table, name)), name
    assert [list(loaded.members(f)) for f in ("a.txt", "b.txt")] == [[0, 1, 3], [2, 4]]


def test_an_empty_store_and_table_are_valid(tmp_path: Path) -> None:
    path = tmp_path / "passages.jsonl"
    store = PassageStore(path, write_passages(path, []))
    assert len(store) == 0 and list(store) == []
    assert len(PassageTable.from_passages([])) == 0
