"""The Telegram bot, over real HTTP against a fake Bot API server (tests/fake_bot_api.py).

Two harnesses run the same behavioural tests:
- "fake": the real Application in this process (its own thread and event loop) with a
  fake answerer whose passages are full of characters that break careless markup;
- "real" (slow): the real `python -m qa_bot serve --index DIR` subprocess with the real
  index and model, its output captured to files and searched for the token.
Unit tests of the pure helpers come first. Each test uses chat ids of its own.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot, Chat, Message, User

from qa_bot import render
from qa_bot import telegram_bot as tb
from qa_bot.limits import SendLimiter
from qa_bot.models import Answer, Coverage, Document, Hit, Passage
from qa_bot.settings import Settings, SettingsError
from tests.fake_bot_api import BOT_ID, BOT_USERNAME, Call, FakeBotAPI, html_problem, utf16_len

# python-telegram-bot's own RetryAfter warns about its future type on every 429 (serve filters it too).
pytestmark = pytest.mark.filterwarnings("ignore:.*attribute `retry_after` will be of type")

REPO = Path(__file__).resolve().parents[1]
TOKEN = "123456:TEST-TOKEN-abc"
SECRET = TOKEN.partition(":")[2]
RATE_LIMIT = 5
ADMIN = 1999
ALLOWED_USERS = range(1000, 1300)
ALLOWED_GROUPS = range(-1300, -1000)
_users = itertools.count(ALLOWED_USERS.start)
_groups = itertools.count(ALLOWED_GROUPS.stop - 1, -1)
_strangers = itertools.count(5000)
DATE = r"\d{1,2} [A-Z][a-z]{2} \d{4}"
BROAD_QUESTION = "What happened to the civilians fleeing eastern Aleppo?"
# "What is the capital of France?" is not abstained by the core yet (it matches "Agence France-Presse").
OUT_OF_SCOPE = "Who won the 2018 World Cup?"


def new_user() -> int:
    return next(_users)


def new_group() -> int:
    return next(_groups)


# --- a fake answerer with hostile text ---------------------------------------------------

FAKE_COVERAGE = Coverage(
    outlets=["NBC News", "The Boston Globe", "Middle East Eye & Co <test>"],
    first="2016-12-09",
    last="2016-12-13",
    documents=3,
    passages=7,
)
FAKE_TEXTS = [
    'Thousands of civilians fled east Aleppo on Dec. 12 as forces advanced <fast> & "quickly".',
    "A boy rode a bike adorned with a Syrian flag in Hanano 🇸🇾 — *bold* _under_ [x](y).",
    "Residents said «we waited for a security check» ‏مرحبا بالعالم‏ (right-to-left) </blockquote>.",
    "A long caption. " + "Evacuation buses waited in the rain while families gathered. " * 58,
    "Smoke rose over the old city <script>alert(1)</script> &amp; &lt;b&gt;.",
    "The sixth passage: a civilian carried a child with an IV drip.",
    "The seventh passage: the Umayyad mosque lay in ruins.",
]


def _fake_passage(i: int, text: str) -> Passage:
    outlet = FAKE_COVERAGE.outlets[i % 3]
    return Passage(
        id=i,
        text=text,
        document=f"{i:03d}_fake.txt",
        outlet=outlet,
        published=f"2016-12-{9 + i % 5:02d}",
        title=f"Title {i} <with> & markup",
        url=f"https://example.org/a?x={i}&y=<{i}>" if i % 2 == 0 else None,
        authors=[],
        position=i,
        kind="caption" if i % 2 else "paragraph",
        date_inferred=i == 1,
    )


class FakeAnswerer:
    """Same methods as qa_bot.answer.Answerer; 'world cup' abstains, 'boom' raises, 'slow' takes 2 s,
    'perhaps' gets a tentative answer."""

    def __init__(self) -> None:
        self.questions: list[str] = []
        self.lock = threading.Lock()

    def ask(self, question: str, k: int | None = None) -> Answer:
        with self.lock:
            self.questions.append(question)
        low = question.lower()
        if "boom" in low:
            raise RuntimeError(f"boom in the answering core, token {TOKEN}")
        if "slow" in low:
            time.sleep(2)
        if "world cup" in low or not any(c.isalpha() for c in question):
            return Answer(question, True, [], notice="The articles I have do not cover that.", coverage=FAKE_COVERAGE)
        hits = [
            Hit(_fake_passage(i, text), 1.0 - i / 10, highlight=(0, min(20, len(text))))
            for i, text in enumerate(FAKE_TEXTS)
        ]
        hits[1].also_in = [_fake_passage(2, FAKE_TEXTS[2])]
        return Answer(question, False, hits[: k or 5], coverage=FAKE_COVERAGE, tentative="perhaps" in low)

    def coverage(self) -> Coverage:
        return FAKE_COVERAGE

    def documents(self) -> list[Document]:
        return [
            Document(f"{i:03d}_fake.txt", o, f"Doc {i} <&>", f"2016-12-1{i}", i == 1, ("A. Writer",), "https://e.org/?a=1&b=2")
            for i, o in enumerate(FAKE_COVERAGE.outlets)
        ]


# --- unit tests of the pure parts ----------------------------------------------------------


def _message(text: str, chat_type: str = "private", chat_id: int = 1, reply_from: User | None = None) -> Message:
    bot = Bot(TOKEN)
    chat = Chat(chat_id, chat_type)
    reply = None
    now = datetime.now(timezone.utc)
    if reply_from is not None:
        reply = Message(1, now, chat, from_user=reply_from, text="an earlier answer")
    msg = Message(2, now, chat, from_user=User(7, "U", False), text=text, reply_to_message=reply)
    msg.set_bot(bot)
    return msg


def test_addressed_question_private_groups_mentions_and_replies() -> None:
    me = User(BOT_ID, "Bot", True, username=BOT_USERNAME)
    assert tb.addressed_question(_message("  what  happened? "), BOT_USERNAME, BOT_ID) == "what happened?"
    assert tb.addressed_question(_message("hi all", "group"), BOT_USERNAME, BOT_ID) is None
    assert tb.addressed_question(_message("ask @other_bot x", "supergroup"), BOT_USERNAME, BOT_ID) is None
    assert tb.addressed_question(_message("@QA_test_bot why?", "group"), BOT_USERNAME, BOT_ID) == "why?"
    assert tb.addressed_question(_message("why @qa_test_botx", "group"), BOT_USERNAME, BOT_ID) is None
    assert tb.addressed_question(_message("and then?", "group", reply_from=me), BOT_USERNAME, BOT_ID) == "and then?"
    other = User(5, "Someone", False)
    assert tb.addressed_question(_message("and then?", "group", reply_from=other), BOT_USERNAME, BOT_ID) is None


def test_clean_question_removes_control_and_zero_width_characters() -> None:
    assert tb.clean_question("\x00Who\u200b\x1b[31m  fled?\n\t") == "Who [31m fled?"
    assert tb.clean_question(" \u2028\x07 ") == ""
    assert tb.clean_question("Alep\u00adpo and Ha\u200bnano") == "Aleppo and Hanano"  # invisible, inside words
    assert tb.clean_question("ماذا حدث في حلب؟ 🔥") == "ماذا حدث في حلب؟ 🔥"


def test_answer_cache_is_bounded_per_chat_and_overall_and_lru() -> None:
    cache = tb.AnswerCache(per_chat=3, total=5)
    answer = Answer("q", False, [])
    keys = [cache.put(1, f"q{i}", answer, 3) for i in range(4)]
    assert cache.get(1, keys[0]) is None and cache.chat_size(1) == 3
    assert cache.get(1, keys[1]) is not None  # now most recently used in chat 1
    other = [cache.put(2, f"p{i}", answer, 3) for i in range(3)]
    assert len(cache) == 5
    assert cache.get(1, keys[2]) is None  # the globally least recently used went first
    assert cache.get(1, keys[1]) is not None and all(cache.get(2, k) for k in other)
    assert cache.get(2, keys[1]) is None  # keys are per chat
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{8}", k) for k in keys)


def test_more_button_callback_data_fits_64_bytes_and_round_trips() -> None:
    markup = tb.more_button("AbCd_-9z", 3, 12, 3)
    button = markup.inline_keyboard[0][0]
    assert button.text == "More results (4–6 of 12)"
    assert len(button.callback_data.encode()) <= 64
    assert tb.parse_more(button.callback_data) == ("AbCd_-9z", 3)
    assert tb.more_button("k", 11, 12, 3).inline_keyboard[0][0].text == "More results (12 of 12)"
    for bad in (None, "", "more:x", "more:x:y", "less:x:3", "more:a:b:3"):
        assert tb.parse_more(bad) is None


def test_send_rate_setting_reaches_the_limiter() -> None:
    assert Settings.from_env({}, dotenv=None).send_rate == 30
    assert Settings.from_env({"QA_BOT_SEND_RATE": "1000"}, dotenv=None).send_rate == 1000
    assert Settings.from_env({"QA_BOT_SEND_RATE": " 0 "}, dotenv=None).send_rate == 0
    for bad in ("-1", "fast", "nan", "inf"):
        with pytest.raises(SettingsError, match="QA_BOT_SEND_RATE"):
            Settings.from_env({"QA_BOT_SEND_RATE": bad}, dotenv=None)
    app = tb.build_application(Settings(telegram_token=TOKEN, send_rate=0), FakeAnswerer())
    assert isinstance(app.bot.rate_limiter, SendLimiter)


def test_serving_encodes_questions_in_passes_of_32() -> None:
    from qa_bot.embed import HashingEmbedder

    class Batched(HashingEmbedder):
        batch_size = 64

    assert tb.serving_embedder(Batched()).batch_size == tb.SERVE_ENCODE_BATCH == 32
    plain = HashingEmbedder()
    assert tb.serving_embedder(plain) is plain and not hasattr(plain, "batch_size")


def test_html_to_plain_keeps_links_and_decodes_entities() -> None:
    text = '1. <blockquote>a &lt;b&gt; &amp; <b>c</b></blockquote>\n— X · <a href="https://e.org/?a=1&amp;b=2">T &amp; U</a>'
    assert tb.html_to_plain(text) == "1. a <b> & c\n— X · T & U (https://e.org/?a=1&b=2)"


def test_fake_server_html_checker_rejects_what_telegram_rejects() -> None:
    assert html_problem('<b>x</b> <a href="u">l</a> &amp; <blockquote>q</blockquote>') is None
    for bad in ("<script>x</script>", "<b>x", "a < b", "fish & chips", "<b><i>x</b></i>", "<span>x</span>"):
        assert html_problem(bad), bad


# --- harnesses -------------------------------------------------------------------------------


def allowed_chats_env() -> str:
    return ",".join(str(i) for i in [*ALLOWED_USERS, *ALLOWED_GROUPS])


@dataclass
class Harness:
    kind: str
    api: FakeBotAPI
    outlets: list[str]
    answerer: FakeAnswerer | None = None
    output_files: list[Path] = field(default_factory=list)

    def output(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.output_files if p.exists())

    # conveniences used by the tests

    def say(self, chat_id: int, user_id: int, text: str, chat_type: str = "private", **kw: Any) -> dict[str, Any]:
        update = self.api.text_update(chat_id, user_id, text, chat_type, **kw)
        self.api.inject_update(update)
        return update["message"]

    def replies(self, chat_id: int, count: int = 1, timeout: float = 20.0, **kw: Any) -> list[Call]:
        return self.api.wait_for_all("sendMessage", _to_chat(chat_id, **kw), timeout, count)

    def sent(self, chat_id: int) -> list[Call]:
        return self.api.calls("sendMessage", _to_chat(chat_id))


def _to_chat(chat_id: int, ok: bool = True) -> Callable[[Call], bool]:
    return lambda c: c.params.get("chat_id") == chat_id and (c.status == 200 or not ok)


class InProcessBot:
    """The real Application against the fake server, in a thread with its own event loop."""

    def __init__(self, settings: Settings, answerer: Any) -> None:
        self.app = tb.build_application(settings, answerer)
        self.loop = asyncio.new_event_loop()
        self.stop_event: asyncio.Event | None = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="bot", daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)

        async def run() -> None:
            self.stop_event = asyncio.Event()
            await tb.run_application(self.app, self.stop_event, poll_timeout=5)

        try:
            self.loop.run_until_complete(run())
        except BaseException as exc:  # surfaced by stop()
            self.error = exc
        finally:
            self.loop.close()

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        if self.stop_event is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(timeout=20)
        assert not self.thread.is_alive(), "the bot did not stop within 20 s"
        if self.error is not None:
            raise self.error


def _core_available() -> bool:
    return (REPO / "qa_bot" / "answer.py").exists() and (REPO / "qa_bot" / "cli.py").exists()


def _child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "QA_BOT_"))}
    env.update(PYTHONUNBUFFERED="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _core_available():
        pytest.skip("the answering core (qa_bot/answer.py, qa_bot/cli.py) has not landed yet")
    out = tmp_path_factory.mktemp("index")
    proc = subprocess.run(
        [sys.executable, "-m", "qa_bot", "index", "--corpus", str(REPO / "corpus"), "--out", str(out)],
        cwd=REPO, env=_child_env(), capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"index build failed:\n{proc.stdout}\n{proc.stderr}"
    return out


def _manifest_outlets() -> list[str]:
    import tomllib

    data = tomllib.loads((REPO / "corpus" / "manifest.toml").read_text())
    return [d["outlet"] for d in data["document"]]


def start_serve(api: FakeBotAPI, index: Path, out_dir: Path, **env: str) -> tuple[subprocess.Popen[bytes], list[Path]]:
    files = [out_dir / "serve.stdout", out_dir / "serve.stderr"]
    stdout, stderr = (open(p, "wb") for p in files)
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa_bot", "serve", "--index", str(index)],
        cwd=REPO, stdout=stdout, stderr=stderr,
        env=_child_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url, **env),
    )
    stdout.close()
    stderr.close()
    return proc, files


def stop_process(proc: subprocess.Popen[bytes]) -> int:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            return proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return -9
    return proc.returncode


def wait_until_polling(api: FakeBotAPI, proc: subprocess.Popen[bytes], output: Callable[[], str],
                       timeout: float) -> None:
    """A serve that never polls is stopped and fails with its own log, not a bare timeout."""
    try:
        api.wait_for("getUpdates", timeout=timeout)
    except AssertionError:
        stop_process(proc)
        raise AssertionError(f"serve did not start polling:\n{output()[-3000:]}") from None


@pytest.fixture(scope="module", params=["fake", pytest.param("real", marks=pytest.mark.slow)])
def bot(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    api = FakeBotAPI(TOKEN).start()
    try:
        if request.param == "fake":
            answerer = FakeAnswerer()
            settings = Settings(
                telegram_token=TOKEN,
                telegram_api_base_url=api.base_url,
                allowed_chats=frozenset([*ALLOWED_USERS, *ALLOWED_GROUPS]),
                admins=frozenset([ADMIN]),
                rate_limit_per_minute=RATE_LIMIT,
            )
            runner = InProcessBot(settings, answerer)
            runner.start()
            api.wait_for("setMyCommands", timeout=20)
            api.wait_for("getUpdates", timeout=20)
            yield Harness("fake", api, FAKE_COVERAGE.outlets, answerer)
            runner.stop()
        else:
            index = request.getfixturevalue("real_index")
            out_dir = tmp_path_factory.mktemp("serve")
            proc, files = start_serve(
                api, index, out_dir,
                QA_BOT_ALLOWED_CHATS=allowed_chats_env(), QA_BOT_ADMINS=str(ADMIN), QA_BOT_RATE_LIMIT=str(RATE_LIMIT),
            )
            harness = Harness("real", api, _manifest_outlets(), None, files)
            wait_until_polling(api, proc, harness.output, timeout=180)
            yield harness
            code = stop_process(proc)
            output = harness.output()
            assert code == 0, f"serve exited {code} on SIGTERM:\n{output[-3000:]}"
            assert SECRET not in output
    finally:
        api.stop()


# --- helpers for assertions ---------------------------------------------------------------


def assert_telegram_message(call: Call) -> str:
    text = call.params["text"]
    assert 0 < utf16_len(text) <= 4096, f"message length {utf16_len(text)}"
    if call.params.get("parse_mode") == "HTML":
        assert html_problem(text) is None, f"{html_problem(text)} in {text[:300]!r}"
    assert "Traceback" not in text
    return text


def wait_results(h: Harness, chat_id: int, number: int, timeout: float = 20.0) -> list[Call]:
    """Wait until result `number` has been sent to `chat_id`; all messages sent there since."""
    h.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat_id and c.status == 200
                   and number in results_in(c.params["text"]), timeout)
    return h.sent(chat_id)


def page_of(label: str) -> tuple[int, int, int]:
    m = re.search(r"\((\d+)(?:–(\d+))? of (\d+)\)", label)
    assert m, label
    return int(m.group(1)), int(m.group(2) or m.group(1)), int(m.group(3))


def by_id(update: dict[str, Any]) -> Callable[[Call], bool]:
    """Matches the answerCallbackQuery/answerInlineQuery call for `update`."""
    if "callback_query" in update:
        return lambda c: c.params.get("callback_query_id") == update["callback_query"]["id"]
    return lambda c: c.params.get("inline_query_id") == update["inline_query"]["id"]


def first_pages(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.params["text"].startswith("1. <blockquote>")]


def results_in(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"^(\d+)\. <blockquote>", text, flags=re.M)]


def more_data(call: Call) -> str | None:
    markup = call.params.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or []
    return rows[0][0]["callback_data"] if rows else None


def attribution_ok(h: Harness, text: str) -> bool:
    outlets = "|".join(re.escape(render_outlet(o)) for o in h.outlets)
    return re.search(rf"— ({outlets}), {DATE}", text) is not None


def render_outlet(outlet: str) -> str:
    import html

    return html.escape(outlet, quote=False)


# --- behaviour, through the bot ----------------------------------------------------------------


def test_commands_registered_and_start_help_sources(bot: Harness) -> None:
    names = [c["command"] for c in bot.api.wait_for("setMyCommands").params["commands"]]
    assert names == ["start", "help", "sources", "ask"]
    chat = new_user()
    bot.say(chat, chat, "/start")
    start = assert_telegram_message(bot.replies(chat)[0])
    assert "I answer from" in start and re.search(DATE, start) and "Ask a specific question" in start
    assert all(render_outlet(o) in start for o in set(bot.outlets))
    bot.say(chat, chat, "/help")
    help_text = assert_telegram_message(bot.replies(chat, 2)[1])
    assert "/ask" in help_text and f"@{BOT_USERNAME}" in help_text
    bot.say(chat, chat, "/sources")
    sources = assert_telegram_message(bot.replies(chat, 3)[2])
    assert sources.count("<a href=") == len(bot.outlets)
    assert all(render_outlet(o) in sources for o in bot.outlets) and re.search(DATE, sources)


def test_question_gets_sourced_html_and_more_pages(bot: Harness) -> None:
    chat = new_user()
    bot.say(chat, chat, BROAD_QUESTION)
    calls = wait_results(bot, chat, 3)
    # "typing…" only while an answer is slow (test_typing_only_while_a_slow_answer_is_pending),
    # and never after the answer it announced.
    typing = bot.api.calls("sendChatAction", lambda c: c.params["chat_id"] == chat)
    assert all(t.params["action"] == "typing" and t.index < calls[0].index for t in typing)
    for call in calls:
        assert call.params["parse_mode"] == "HTML" and attribution_ok(bot, assert_telegram_message(call))
    # Press "More" until it disappears: every result exactly once, in order, a page at a time.
    presses: list[tuple[Call, str]] = []
    while (data := more_data(calls[-1])) is not None:
        assert len(data.encode()) <= 64
        label = calls[-1].params["reply_markup"]["inline_keyboard"][0][0]["text"]
        first, last, total = page_of(label)
        assert first == len(presses) * 3 + 4
        presses.append((calls[-1], data))
        update = bot.api.callback_update(chat, calls[-1].result, data)
        bot.api.inject_update(update)
        calls = wait_results(bot, chat, last)
        ack = bot.api.wait_for("answerCallbackQuery", by_id(update))
        assert "text" not in ack.params
        for call in calls:
            assert attribution_ok(bot, assert_telegram_message(call))
    numbers = [n for c in calls for n in results_in(c.params["text"])]
    assert len(presses) >= 1, "expected more results than one page"
    assert numbers == list(range(1, total + 1))
    assert [c for c in calls if more_data(c)] == [c for c, _ in presses]  # one button per page, on its last message
    # The pressed message lost its button; pressing it again sends nothing new.
    old_message, old_data = presses[0]
    removed = bot.api.wait_for("editMessageReplyMarkup", lambda c: c.params["message_id"] == old_message.result["message_id"])
    assert not removed.params.get("reply_markup")
    sent_before = len(bot.sent(chat))
    update = bot.api.callback_update(chat, old_message.result, old_data)
    bot.api.inject_update(update)
    assert bot.api.wait_for("answerCallbackQuery", by_id(update)).params["text"] == tb.ALREADY_SHOWN
    assert len(bot.sent(chat)) == sent_before


def test_a_tentative_answer_opens_with_its_caveat(bot: Harness) -> None:
    # The real bot answers an only-just-covered question; the fake one any with "perhaps".
    question = ("Under what condition did Russia's top diplomat say the military operations would stop?"
                if bot.kind == "real" else "perhaps what happened to the civilians?")
    chat = new_user()
    bot.say(chat, chat, question)
    first = assert_telegram_message(wait_results(bot, chat, 1)[0])
    assert first.startswith(f"<i>{html.escape(render.TENTATIVE, quote=False)}</i>")
    other = new_user()
    bot.say(other, other, BROAD_QUESTION)
    assert render.TENTATIVE not in assert_telegram_message(wait_results(bot, other, 1)[0])


def test_neighbouring_paragraphs_arrive_as_one_quote_with_the_answer_in_bold(bot: Harness) -> None:
    """The real bot joins the NYT lede on the UN vote with the paragraph giving the count."""
    if bot.kind != "real":
        pytest.skip("joining is done by the real answering core")
    chat = new_user()
    bot.say(chat, chat, "How many votes in favor did the UN General Assembly resolution on Syria receive?")
    first = assert_telegram_message(wait_results(bot, chat, 1)[0])
    quote = first[first.index("1. <blockquote>") : first.index("</blockquote>")]
    assert "large majority of members voted" in quote and "\n\n" in quote
    assert re.search(r"<b>[^<]*122 votes in favor[^<]*</b>", quote), quote


def test_asking_what_sources_it_has_lists_the_articles_not_passages(bot: Harness) -> None:
    """A question about the coverage itself gets the articles, linked, like /sources."""
    if bot.kind != "real":
        pytest.skip("questions about the coverage are recognised by the real answering core")
    chat = new_user()
    bot.say(chat, chat, "what sources do you have?")
    call = bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat and c.status == 200)
    text = assert_telegram_message(call)
    assert text.startswith("These are the 5 articles I answer from:") and "<blockquote>" not in text
    for outlet in ("NBC News", "The Boston Globe", "Middle East Eye", "The Washington Post", "The New York Times"):
        assert f"<b>{outlet}</b>" in text
    assert text.count('<a href="') == 5


def test_stale_more_button_after_restart_says_ask_again(bot: Harness) -> None:
    chat = new_user()
    old = {"message_id": 42, "date": int(time.time()), "chat": {"id": chat, "type": "private"},
           "from": bot.api.bot_user, "text": "an answer from before the restart"}
    for data in ("more:ZZZZZZZZ:3", "garbage"):
        update = bot.api.callback_update(chat, old, data)
        bot.api.inject_update(update)
        assert bot.api.wait_for("answerCallbackQuery", by_id(update)).params["text"] == tb.EXPIRED
    assert bot.sent(chat) == []


def test_out_of_scope_question_gets_the_abstention_reply(bot: Harness) -> None:
    chat = new_user()
    bot.say(chat, chat, OUT_OF_SCOPE)
    reply = bot.replies(chat)[0]
    text = assert_telegram_message(reply)
    assert "<blockquote>" not in text and more_data(reply) is None
    assert "I answer from" in text and "Ask a specific question" in text


def test_a_name_the_coverage_never_gives_is_declined_by_naming_the_role(bot: Harness) -> None:
    """The real core finds the Russian ministry and deputy foreign minister, not the
    defence minister's name, and says which name it lacks."""
    if bot.kind != "real":
        pytest.skip("the name check is done by the real answering core")
    chat = new_user()
    bot.say(chat, chat, "Who is Russia's defence minister?")
    reply = bot.replies(chat)[0]
    text = assert_telegram_message(reply)
    assert "<blockquote>" not in text and more_data(reply) is None
    assert "none of it names Russia's defence minister" in text


@pytest.mark.parametrize(("question", "said"), [
    # passages about Assad in which others speak are not what he said
    ("What did Assad say in his speech after retaking Aleppo?", "none of it quotes Assad"),
    # "… a Syrian general said": the answer to "which general" is not in the coverage
    ("Which Syrian general said the army was in the final stages of recapturing Aleppo?",
     "quotes the Syrian general without giving a name"),
])
def test_a_speaker_the_coverage_does_not_quote_or_name_is_declined_saying_so(bot: Harness, question: str,
                                                                              said: str) -> None:
    if bot.kind != "real":
        pytest.skip("the speaker checks are done by the real answering core")
    chat = new_user()
    bot.say(chat, chat, question)
    text = assert_telegram_message(bot.replies(chat)[0])
    assert "<blockquote>" not in text and said in text


def test_inline_queries_answered_with_articles(bot: Harness) -> None:
    user = new_user()
    iq = bot.api.inline_update(user, BROAD_QUESTION)
    bot.api.inject_update(iq)
    call = bot.api.wait_for("answerInlineQuery", by_id(iq))
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    for result in results:
        assert result["type"] == "article"
        assert re.fullmatch(rf"({'|'.join(map(re.escape, bot.outlets))}), {DATE}( \(date inferred\))?", result["title"])
        assert result["description"]
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        assert_telegram_message(Call(0, "x", {"text": content["message_text"], "parse_mode": "HTML"}, 0))
        assert "<blockquote>" in content["message_text"]
    empty = bot.api.inline_update(user, "   ")
    bot.api.inject_update(empty)
    call = bot.api.wait_for("answerInlineQuery", by_id(empty))
    assert call.params["results"] == [] and call.params["button"]["text"] == tb.INLINE_HINT


def test_groups_answer_only_when_addressed(bot: Harness) -> None:
    group, alice = new_group(), new_user()
    g = dict(chat_type="group")
    chatter = [bot.say(group, alice, "good morning everyone", **g),
               bot.say(group, alice, "ask @other_bot about Aleppo", **g),
               bot.say(group, alice, "/start@other_bot", **g),
               bot.say(group, alice, "/unknowncommand", **g)]
    mention = bot.say(group, alice, f"@{BOT_USERNAME} {BROAD_QUESTION}", **g)
    first = bot.replies(group)[0]
    assert first.params["reply_parameters"]["message_id"] == mention["message_id"]
    assert results_in(assert_telegram_message(first))[0] == 1
    ask = bot.say(group, alice, f"/ask@{BOT_USERNAME} {BROAD_QUESTION}", **g)
    bot.say(group, alice, f"/ask {BROAD_QUESTION}", **g)
    answers = lambda: first_pages(bot.sent(group))  # noqa: E731
    bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == group and c.params["text"].startswith("1. "), count=3)
    reply_to_bot = bot.say(group, alice, "and what about Hanano?", reply_to=first.result, **g)
    bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == group and c.params["text"].startswith("1. "), count=4)
    quoted = {c.params["reply_parameters"]["message_id"] for c in answers()}
    assert {mention["message_id"], ask["message_id"], reply_to_bot["message_id"]} <= quoted
    bot.say(group, alice, f"/ask@{BOT_USERNAME}", **g)
    usage = bot.replies(group, timeout=20, count=len(bot.sent(group)) + 1)[-1]
    assert usage.params["text"] == tb.ASK_USAGE
    assert not any(c.params.get("reply_parameters", {}).get("message_id") in {m["message_id"] for m in chatter}
                   for c in bot.sent(group))
    assert len(answers()) == 4


def test_allowlist_enforced_for_messages_callbacks_and_inline(bot: Harness) -> None:
    stranger = next(_strangers)
    bot.say(stranger, stranger, BROAD_QUESTION)
    refusal = bot.replies(stranger)[0]
    assert refusal.params["text"] == tb.NOT_ALLOWED
    last = bot.api.inject_update(bot.api.text_update(stranger, stranger, "please?"))
    # A stranger's group: chatter gets nothing, an addressed message one refusal.
    group = -next(_strangers)
    bot.say(group, stranger, "chatter", chat_type="supergroup")
    bot.say(group, stranger, f"/ask {BROAD_QUESTION}", chat_type="supergroup")
    assert bot.replies(group)[0].params["text"] == tb.NOT_ALLOWED
    msg = {"message_id": 7, "date": int(time.time()), "chat": {"id": stranger, "type": "private"}, "text": "x"}
    press = bot.api.callback_update(stranger, msg, "more:abcdefgh:3")
    bot.api.inject_update(press)
    cbq = bot.api.wait_for("answerCallbackQuery", by_id(press))
    assert cbq.params["text"] == tb.NOT_ALLOWED and cbq.params["show_alert"] is True
    iq = bot.api.inline_update(stranger, BROAD_QUESTION)
    bot.api.inject_update(iq)
    inline = bot.api.wait_for("answerInlineQuery", by_id(iq))
    assert inline.params["results"] == []
    # The admin is not in the allowlist but is always answered; after that, the stranger got nothing more.
    bot.api.wait_confirmed(last)
    bot.say(ADMIN, ADMIN, BROAD_QUESTION)
    assert results_in(bot.replies(ADMIN)[0].params["text"])[0] == 1
    assert [c.params["text"] for c in bot.sent(stranger)] == [tb.NOT_ALLOWED]
    assert len(bot.sent(group)) == 1
    if bot.answerer is not None:
        assert "please?" not in bot.answerer.questions


def test_per_user_rate_limit_with_one_polite_reply(bot: Harness) -> None:
    chat = new_user()
    for i in range(RATE_LIMIT + 2):
        bot.say(chat, chat, f"{BROAD_QUESTION} ({i})")
    bot.replies(chat, count=RATE_LIMIT + 1)
    bot.say(chat, chat, "/help")  # commands are not rate-limited, and mark the end
    bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat and "How to ask" in c.params["text"])
    texts = [c.params["text"] for c in bot.sent(chat)]
    limited = [t for t in texts if t.startswith("You're asking faster")]
    assert len(limited) == 1 and re.search(r"about \d+ s", limited[0])
    assert len(first_pages(bot.sent(chat))) == RATE_LIMIT


def test_flood_limit_429_is_retried_after_retry_after(bot: Harness) -> None:
    chat = new_user()
    bot.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", {"retry_after": 1},
                      when=lambda p: p.get("chat_id") == chat)
    bot.say(chat, chat, BROAD_QUESTION)
    delivered = bot.replies(chat)[0]
    attempts = bot.api.calls("sendMessage", lambda c: c.params.get("chat_id") == chat)
    assert [c.status for c in attempts[:2]] == [429, 200]
    assert attempts[0].params["text"] == delivered.params["text"]
    assert delivered.time - attempts[0].time >= 0.9
    assert results_in(assert_telegram_message(delivered))[0] == 1 and attribution_ok(bot, delivered.params["text"])


def test_rejected_markup_is_resent_as_plain_text(bot: Harness) -> None:
    chat = new_user()
    bot.api.fail_next("sendMessage", 400, "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3",
                      when=lambda p: p.get("chat_id") == chat)
    bot.say(chat, chat, BROAD_QUESTION)
    plain = bot.replies(chat)[0]
    rejected = bot.api.calls("sendMessage", lambda c: c.params.get("chat_id") == chat)[0]
    assert rejected.status == 400 and rejected.params["parse_mode"] == "HTML"
    assert "parse_mode" not in plain.params
    text = plain.params["text"]
    assert "<blockquote>" not in text and "&amp;" not in text and text.startswith("1. ")
    assert re.search(rf"— ({'|'.join(map(re.escape, bot.outlets))}), {DATE}", text)
    assert more_data(plain) == more_data(rejected) and more_data(plain)


def test_bot_api_outage_recovers_without_losing_or_repeating_updates(bot: Harness) -> None:
    chat = new_user()
    failures_before = len(bot.api.calls("getUpdates", lambda c: c.status == 502))
    bot.api.fail_next("getUpdates", 502, "Bad Gateway", times=3)
    # Wake the pending long poll (an ignored channel post) so the next polls hit the outage.
    bot.api.inject_update(bot.api.channel_post_update(-999, "wake up"))
    bot.api.wait_for("getUpdates", lambda c: c.status == 502, count=failures_before + 1, timeout=20)
    during = [bot.say(chat, chat, f"{BROAD_QUESTION} #{i}") for i in range(2)]
    replies = bot.replies(chat, count=2, timeout=40)
    assert bot.api.pending_faults("getUpdates") == 0
    bot.say(chat, chat, "/help")
    bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat and "How to ask" in c.params["text"])
    assert len(first_pages(bot.sent(chat))) == len(during) == 2
    assert all(results_in(c.params["text"])[0] == 1 for c in replies)
    assert bot.sent(-999) == []


def test_dropped_connections_while_polling_recover(bot: Harness) -> None:
    chat = new_user()
    bot.api.drop_connections(seconds=2.0)
    bot.api.inject_update(bot.api.channel_post_update(-998, "wake up"))  # ends the pending long poll
    deadline = time.monotonic() + 10
    while bot.api.dropped == 0:  # the next poll hits the outage
        assert time.monotonic() < deadline, "the bot never polled during the outage"
        time.sleep(0.05)
    bot.say(chat, chat, BROAD_QUESTION)
    reply = bot.replies(chat, timeout=40)[0]
    assert results_in(reply.params["text"])[0] == 1
    bot.say(chat, chat, "/help")
    bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat and "How to ask" in c.params["text"])
    assert len(first_pages(bot.sent(chat))) == 1


def test_answer_survives_5xx_and_dropped_connection_while_sending(bot: Harness) -> None:
    chat = new_user()
    bot.api.fail_next("sendMessage", 502, "Bad Gateway", when=lambda p: p.get("chat_id") == chat)
    bot.api.fail_next("sendMessage", 500, "Internal Server Error", when=lambda p: p.get("chat_id") == chat)
    bot.say(chat, chat, BROAD_QUESTION)
    reply = bot.replies(chat, timeout=30)[0]
    attempts = bot.api.calls("sendMessage", lambda c: c.params.get("chat_id") == chat)
    assert [c.status for c in attempts] == [502, 500, 200]
    assert attempts[0].params["text"] == reply.params["text"] and results_in(reply.params["text"])[0] == 1


BAD_INPUTS = {
    "whitespace": ("   \t  ", lambda t: t == tb.EMPTY_QUESTION),
    "only_controls": ("\x00\x01\x7f", lambda t: t == tb.EMPTY_QUESTION),
    "max_length": ("Aleppo evacuation buses? " * 163 + "x" * 21, None),
    "control_chars": ("\x00\x07What \x1b[31mhappened\x08 in Aleppo?\x7f", None),
    "html": ('<b>Aleppo</b> & <script>alert("x")</script> children </blockquote>?', None),
    "markdown_v2": (r"*What* _happened_ [in](Aleppo) ~to~ `the` >children #+-=|{}.!?", None),
    "right_to_left": ("ماذا حدث للمدنيين في حلب؟", None),
    "emoji": ("🔥🚌 Who fled Aleppo 🏳️‍🌈👨‍👩‍👧?", None),
    "help_with_args": ("/help me please <b>", lambda t: "How to ask" in t),
    "start_with_payload": ("/start some-deep-link", lambda t: "I answer from" in t),
    "sources_with_args": ("/sources all of them", lambda t: "<a href=" in t),
    "ask_without_question": ("/ask", lambda t: t == tb.ASK_USAGE),
    "unknown_command": ("/frobnicate now", lambda t: t == tb.UNKNOWN_COMMAND),
    "reload_not_admin": ("/reload", lambda t: t == tb.ADMINS_ONLY),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_gets_a_proper_reply(bot: Harness, name: str) -> None:
    text, check = BAD_INPUTS[name]
    if name == "max_length":
        assert len(text) == 4096
    chat = new_user()
    bot.say(chat, chat, text)
    reply = bot.replies(chat)[0]
    body = assert_telegram_message(reply)
    if check is None:  # a question: results or the abstention reply, properly rendered
        assert results_in(body)[:1] == [1] or "I answer from" in body
    else:
        assert check(body), body[:300]


def test_stickers_photos_and_empty_text_get_text_only(bot: Harness) -> None:
    a, b, c = new_user(), new_user(), new_user()
    bot.api.inject_update(bot.api.sticker_update(a, a))
    bot.api.inject_update(bot.api.photo_update(b, b, caption="what is this?"))
    group = new_group()
    bot.api.inject_update(bot.api.sticker_update(group, a, chat_type="group"))
    bot.say(c, c, "")
    assert bot.replies(a)[0].params["text"] == tb.TEXT_ONLY
    assert bot.replies(b)[0].params["text"] == tb.TEXT_ONLY
    assert bot.replies(c)[0].params["text"] == tb.EMPTY_QUESTION
    assert bot.sent(group) == []


def test_edited_question_is_answered_again_and_channel_posts_ignored(bot: Harness) -> None:
    chat = new_user()
    original = bot.say(chat, chat, "What hapened in Alepo?")
    bot.replies(chat)
    bot.api.inject_update(bot.api.edited_update(chat, chat, BROAD_QUESTION, original["message_id"]))
    second = bot.replies(chat, count=2)[1]
    assert results_in(assert_telegram_message(second))[0] == 1
    if bot.answerer is not None:
        assert bot.answerer.questions[-1] == BROAD_QUESTION
    channel = -1_000_000_000_123
    bot.api.inject_update(bot.api.channel_post_update(channel, f"@{BOT_USERNAME} {BROAD_QUESTION}"))
    bot.say(chat, chat, "/help")
    bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat and "How to ask" in c.params["text"])
    assert bot.sent(channel) == [] and not bot.api.calls("sendChatAction", lambda c: c.params["chat_id"] == channel)


def test_token_never_in_output(bot: Harness) -> None:
    if bot.kind == "fake":
        pytest.skip("the in-process bot shares pytest's output; the subprocess run checks this")
    output = bot.output()
    assert "serving as @" + BOT_USERNAME in output  # the log is really captured
    assert "Bad Gateway" in output  # the outage above was logged ...
    assert TOKEN not in output and SECRET not in output  # ... without the token


# --- fake-answerer only: failures inside the bot ------------------------------------------------


def test_unexpected_error_gets_an_apology_not_a_traceback(bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    if bot.answerer is None:
        pytest.skip("needs the fake answerer to raise")
    chat = new_user()
    bot.say(chat, chat, "boom, please")
    reply = bot.replies(chat)[0]
    assert reply.params["text"] == tb.APOLOGY
    bot.say(chat, chat, BROAD_QUESTION)  # and the bot keeps working
    assert results_in(bot.replies(chat, count=2)[1].params["text"])[0] == 1


def test_slow_question_does_not_stall_others(bot: Harness) -> None:
    if bot.answerer is None:
        pytest.skip("needs the fake answerer's slow question")
    slow, fast = new_user(), new_user()
    bot.say(slow, slow, "a slow question about Aleppo")
    bot.api.wait_for("sendChatAction", lambda c: c.params["chat_id"] == slow)
    bot.say(fast, fast, BROAD_QUESTION)
    fast_reply = bot.replies(fast)[0]
    slow_reply = bot.replies(slow, timeout=10)[0]
    assert fast_reply.index < slow_reply.index
    assert slow_reply.time - fast_reply.time > 1.0


def test_typing_only_while_a_slow_answer_is_pending(bot: Harness) -> None:
    if bot.answerer is None:
        pytest.skip("needs the fake answerer's instant and slow (2 s) answers")
    fast, slow = new_user(), new_user()
    bot.say(fast, fast, BROAD_QUESTION)
    bot.replies(fast)
    # The typing task is cancelled (and awaited) before an answer is sent: none now means none ever.
    assert bot.api.calls("sendChatAction", lambda c: c.params["chat_id"] == fast) == []
    bot.say(slow, slow, "a slow question about Aleppo")
    reply = bot.replies(slow, timeout=10)[0]
    typing = bot.api.calls("sendChatAction", lambda c: c.params["chat_id"] == slow)
    assert typing, "a slow answer must show typing while it is pending"
    assert all(t.params["action"] == "typing" and t.status == 200 and t.index < reply.index for t in typing)


def test_double_press_of_more_sends_the_page_once(bot: Harness) -> None:
    chat = new_user()
    bot.say(chat, chat, BROAD_QUESTION)
    last = wait_results(bot, chat, 3)[-1]
    data = more_data(last)
    assert data is not None, "expected more than one page of results"
    presses = [bot.api.callback_update(chat, last.result, data) for _ in range(2)]
    for update in presses:
        bot.api.inject_update(update)
    acks = [bot.api.wait_for("answerCallbackQuery", by_id(u)) for u in presses]
    assert sorted(a.params.get("text", "") for a in acks) == ["", tb.ALREADY_SHOWN]
    wait_results(bot, chat, 6)
    bot.say(chat, chat, "/help")
    bot.api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat and "How to ask" in c.params["text"])
    numbers = [n for c in bot.sent(chat) for n in results_in(c.params["text"])]
    assert numbers.count(4) == 1 and numbers.count(1) == 1


# --- start-up and shutdown of the in-process bot ---------------------------------------------------


def _own_bot(api: FakeBotAPI, answerer: FakeAnswerer) -> InProcessBot:
    settings = Settings(telegram_token=TOKEN, telegram_api_base_url=api.base_url)
    return InProcessBot(settings, answerer)


def test_stop_while_answering_sends_the_answer_and_confirms_the_update() -> None:
    with FakeBotAPI(TOKEN) as api:
        runner = _own_bot(api, FakeAnswerer())
        runner.start()
        api.wait_for("getUpdates")
        update_id = api.inject_update(api.text_update(77, 77, "a slow question about Aleppo"))
        api.wait_for("sendChatAction", lambda c: c.params["chat_id"] == 77)
        runner.stop()  # what SIGTERM does in `serve`: finish the questions in hand, then exit
        replies = api.calls("sendMessage", lambda c: c.params["chat_id"] == 77 and c.status == 200)
        assert len(replies) == 1 and results_in(replies[0].params["text"])[0] == 1
        api.wait_confirmed(update_id, timeout=1)  # Telegram will not deliver it again


def test_telegram_unreachable_at_start_up_is_retried() -> None:
    with FakeBotAPI(TOKEN) as api:
        api.drop_connections(seconds=1.5)
        runner = _own_bot(api, FakeAnswerer())
        runner.start()
        try:
            api.wait_for("getMe", lambda c: c.status == 200, timeout=20)
            assert api.dropped >= 1
            api.inject_update(api.text_update(78, 78, "/help"))
            assert "How to ask" in api.wait_for("sendMessage", lambda c: c.params["chat_id"] == 78).params["text"]
        finally:
            runner.stop()


# --- serve's exits ---------------------------------------------------------------------------


def _run_serve(env: dict[str, str], index: Path | str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "qa_bot", "serve", "--index", str(index)],
        cwd=REPO, env=_child_env(**env), capture_output=True, text=True, timeout=180,
    )


def test_serve_without_token_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert tb.serve(Settings(telegram_token=None, index_dir=tmp_path)) == 2
    out = capsys.readouterr()
    assert out.out == "" and out.err.count("\n") == 1 and "TELEGRAM_BOT_TOKEN is not set" in out.err


@pytest.mark.slow
def test_serve_exits_2_on_missing_token_bad_index_and_rejected_token(real_index: Path, tmp_path: Path) -> None:
    no_token = _run_serve({}, real_index)
    assert no_token.returncode == 2
    assert no_token.stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in no_token.stderr
    bad_index = _run_serve({"TELEGRAM_BOT_TOKEN": TOKEN}, tmp_path / "nowhere")
    assert bad_index.returncode == 2 and "Traceback" not in bad_index.stderr + bad_index.stdout
    with FakeBotAPI("999:OTHER-TOKEN").start() as api:  # rejects our token with 401
        rejected = _run_serve({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url}, real_index)
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode == 2 and "rejected TELEGRAM_BOT_TOKEN" in output
    assert SECRET not in output and "Traceback" not in output
