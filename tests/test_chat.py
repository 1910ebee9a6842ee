"""The terminal transport: `qa-bot chat`, and `qa-bot run` without a Telegram token.

The conversation is driven line by line as a user types it; the end-to-end test runs
the real command in a subprocess, on an index folder it has to build first.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from qa_bot.chat import Conversation, chat
from qa_bot.settings import Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
HANANO = "What were the children in Hanano waiting for?"
OUTLETS = ["NBC News", "The Boston Globe", "Middle East Eye", "The Washington Post", "The New York Times"]
NUMBERED = re.compile(r"^(\d+)\. “", re.MULTILINE)


@pytest.fixture(scope="module")
def hashing_answerer(hashing_index_dir: Path):
    """The real corpus with the fake embedder: the conversation's mechanics, fast."""
    from qa_bot.answer import Answerer
    from qa_bot.embed import HashingEmbedder

    return Answerer.load(Settings(corpus_dir=CORPUS, index_dir=hashing_index_dir), HashingEmbedder(64))


def numbers(reply: str) -> list[int]:
    return [int(n) for n in NUMBERED.findall(reply)]


def run_chat(answerer, lines: list[str], settings: Settings = Settings()) -> str:
    out = io.StringIO()
    assert chat(answerer, settings, io.StringIO("".join(f"{line}\n" for line in lines)), out) == 0
    return out.getvalue()


@pytest.mark.slow
def test_more_pages_through_every_result_and_says_how_many_are_left(real_answerer) -> None:
    settings = Settings(page_size=3, max_results=8)
    talk = Conversation(real_answerer, settings)
    pages = [talk.reply(HANANO)] + [talk.reply("more") for _ in range(3)]
    assert [numbers(p) for p in pages[:3]] == [[1, 2, 3], [4, 5, 6], [7, 8]]
    assert "(5 more — type “more”)" in pages[0] and "(2 more — type “more”)" in pages[1]
    assert "more —" not in pages[2]
    assert pages[3] == "No more results. Ask another question."
    assert "Hanano" in pages[0] and "NBC News" in pages[0]


@pytest.mark.slow
def test_a_new_question_starts_its_own_pages(real_answerer) -> None:
    talk = Conversation(real_answerer, Settings(page_size=2, max_results=6))
    talk.reply(HANANO)
    talk.reply("more")
    fresh = talk.reply("Who is the deputy governor of Aleppo?")
    assert numbers(fresh) == [1, 2] and "Abdul-Ghani Kassa" in fresh
    assert numbers(talk.reply("more")) == [3, 4]


def test_more_before_any_question_and_commands_need_no_search(hashing_answerer) -> None:
    talk = Conversation(hashing_answerer, Settings())
    assert talk.reply("more") == "No more results. Ask another question."
    listed = talk.reply("sources")
    assert all(outlet in listed for outlet in OUTLETS) and listed.count("•") == 5
    assert "Commands:" in talk.reply("/help") and "Commands:" in talk.reply("start")
    assert talk.reply("quit") is None and talk.reply(" EXIT ") is None and talk.reply("q") is None


@pytest.mark.parametrize(("line", "says"), [
    ("", "Please type a question"),
    ("   ", "Please type a question"),
    ("🙂🙂🙂", "emoji and punctuation alone"),
    ("?!?!", "emoji and punctuation alone"),
    ("Aleppo " * 2000, "characters long"),
    ("ماذا حدث في حلب؟", "English"),
])
def test_bad_lines_get_a_clear_reply_and_the_conversation_goes_on(hashing_answerer, line: str, says: str) -> None:
    out = run_chat(hashing_answerer, [line, "sources", "quit"])
    assert says in out, out
    assert "Traceback" not in out and "The Washington Post" in out.split(says, 1)[1]


def test_welcome_first_replies_apart_and_end_of_input_ends_cleanly(hashing_answerer) -> None:
    out = run_chat(hashing_answerer, ["sources", "help"])  # no "quit": the input just ends
    assert out.startswith("I answer from 5 news articles")
    assert "\n\n• " in out  # the sources list starts after a blank line, not glued to the welcome
    assert out.count("Commands:") == 2


@pytest.mark.slow
def test_run_without_a_token_builds_the_index_and_answers_in_the_terminal(run_cli, tmp_path: Path) -> None:
    """The README's main job on a fresh machine: no index yet, no TELEGRAM_BOT_TOKEN."""
    index = tmp_path / "embeddings"
    result = run_cli("run", stdin=f"{HANANO}\nmore\nWhat is the capital of France?\nquit\n",
                     env={"QA_BOT_INDEX": str(index), "QA_BOT_CORPUS": str(CORPUS)})
    assert result.returncode == 0, result.stderr
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr and "Traceback" not in result.stderr
    assert (index / "manifest.json").is_file()
    out = result.stdout
    assert out.startswith("I answer from 5 news articles")
    assert numbers(out)[:6] == [1, 2, 3, 4, 5, 6]
    assert "security check" in out.split("2. “", 1)[0]  # the answering caption comes first
    assert "— NBC News, 13 Dec 2016" in out
    assert "The coverage I have does not answer that question." in out
