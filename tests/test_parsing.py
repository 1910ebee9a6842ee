"""The parser is shared, loaded once, and keeps the parses of recent passages."""

from __future__ import annotations

from qa_bot import parsing


def test_a_passage_is_parsed_once_while_it_is_kept(monkeypatch) -> None:
    assert parsing.parse("Who is the deputy governor of Aleppo?") is not None  # loads the pipeline
    texts = ["Abdul-Ghani Kassa, Aleppo's deputy governor, said 750 families returned.",
             "Rupert Colville, a spokesman, said men had gone missing."]
    first = parsing.parsed(texts)
    assert [doc.text for doc in first] == texts
    assert parsing.parsed(texts[::-1]) == first[::-1]  # the same Doc objects: not parsed again


def test_only_the_most_recently_used_parses_are_kept(monkeypatch) -> None:
    monkeypatch.setattr(parsing, "PARSED_KEPT", 2)
    parsing.parse("Who is it?")
    a, b, c = "Aleppo fell.", "Rebels left.", "Buses came."
    kept_a = parsing.parsed([a])[0]
    parsing.parsed([b])
    assert parsing.parsed([a])[0] is kept_a  # used again: now the most recent
    parsing.parsed([c])  # evicts b, the least recently used
    assert set(parsing._parses) == {a, c}


def test_names_are_found_spelled_out_abbreviated_or_as_their_people() -> None:
    assert parsing.carries("the United Nations said", "UN")
    assert parsing.carries("Russian officials said", "Russia")
    assert not parsing.carries("told us on Monday", "US")  # the pronoun is not the country
    assert parsing.carries("the Britain-based Syrian Observatory", "Syrian Observatory")


def test_questions_arriving_together_load_the_parser_once(monkeypatch) -> None:
    """The bot answers in threads: the first questions must not each load a model."""
    import threading
    import time

    import spacy

    loads = []
    real_load = spacy.load

    def slow_load(name: str):
        loads.append(name)
        time.sleep(0.2)
        return real_load(name)

    monkeypatch.setattr(spacy, "load", slow_load)
    parsing._load.cache_clear()
    try:
        threads = [threading.Thread(target=parsing.pipeline) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert loads == [parsing.SPACY_MODEL]
    finally:
        parsing._load.cache_clear()
