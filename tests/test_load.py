"""Load test: 200 questions from 50 private chats, all queued at once, against one real `serve`.

The real `python -m qa_bot serve` subprocess (real index, real model) polls the fake Bot
API server (tests/fake_bot_api.py). Before the bot's next getUpdates, 200 text questions
(4 from each of 50 private chats, from tests/data/*_qa.jsonl) are queued in one go; the
test then waits for every answer.

Matching replies to questions: in private chats the bot does not quote the question
(no reply_to_message_id), and the 4 questions of a chat are answered concurrently, so
replies are matched by count per chat: an answer is the message that starts it (results
"1. <blockquote>…" or the no-answer notice); a long answer's continuation pages
("4. <blockquote>…") belong to the answer before them. Each chat must get exactly 4
answers — no fewer (unanswered), no more (answered twice) — and none may be an apology,
a rate-limit or any other error text. Latency pairs the chat's sorted injection times
with its sorted answer times.

The test runs twice, with the overall send limit off (`QA_BOT_SEND_RATE=0`: the bot's
own capacity, since the fake server has no flood limits) and at the default 30
messages a second (Telegram's free broadcast limit, which then bounds delivery).

Throughput (questions/s, first injection → last answer) and latency percentiles
(injection → sendMessage received by the fake server) are printed and written to a
JSON file; timings are never asserted (shared CI machines).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from qa_bot import telegram_bot as tb
from tests.fake_bot_api import Call, FakeBotAPI, html_problem, utf16_len
from tests.test_telegram_bot import _child_env, stop_process, wait_until_polling

pytestmark = [
    pytest.mark.slow,
    pytest.mark.filterwarnings("ignore:.*attribute `retry_after` will be of type"),
]

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
TOKEN = "424242:LOAD-TEST-TOKEN-xyz"
SECRET = TOKEN.partition(":")[2]
CHATS = 50
PER_CHAT = 4
QUESTIONS = CHATS * PER_CHAT
FIRST_CHAT = 20_000
WARM_UP_CHAT = 19_999
ANSWER_TIMEOUT = 150.0  # seconds for all 200 answers; keeps the test within ~3 minutes
GRACE = 2.0  # seconds to wait after the last answer for late duplicates

# What must never be an answer to a plain question.
ERROR_TEXTS = {
    tb.APOLOGY, tb.EXPIRED, tb.TEXT_ONLY, tb.NOT_ALLOWED, tb.UNKNOWN_COMMAND, tb.EMPTY_QUESTION,
    tb.ASK_USAGE, tb.ADMINS_ONLY,
}
_CONTINUATION = re.compile(r"(?:[2-9]|\d{2,})\. ")  # a later page of a long answer


def load_questions() -> list[str]:
    questions = []
    for name in ("dev_qa.jsonl", "heldout_qa.jsonl"):
        with open(DATA / name, encoding="utf-8") as f:
            questions += [json.loads(line)["question"] for line in f if line.strip()]
    assert len(questions) >= PER_CHAT
    return questions


def is_answer_start(text: str) -> bool:
    return not _CONTINUATION.match(text)


def is_error(text: str) -> bool:
    rate_limited = tb.RATE_LIMITED.split("{")[0]
    return text in ERROR_TEXTS or text.startswith(rate_limited) or "Traceback" in text or "went wrong" in text


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n*q/100), at least 1
    return ordered[int(rank) - 1]


# --- the serve subprocess -------------------------------------------------------------------




@dataclass
class Serve:
    api: FakeBotAPI
    proc: subprocess.Popen[bytes]
    files: list[Path]

    def output(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.files if p.exists())


SEND_RATES = {"no-send-limit": "0", "send-limit-30": "30"}  # QA_BOT_SEND_RATE values


@pytest.fixture(params=list(SEND_RATES.values()), ids=list(SEND_RATES))
def send_rate(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def serve(real_index_dir: Path, tmp_path: Path, send_rate: str) -> Iterator[Serve]:
    api = FakeBotAPI(TOKEN).start()
    files = [tmp_path / "serve.stdout", tmp_path / "serve.stderr"]
    with open(files[0], "wb") as stdout, open(files[1], "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa_bot", "serve", "--index", str(real_index_dir)],
            cwd=REPO, stdout=stdout, stderr=stderr,
            env=_child_env(
                TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                QA_BOT_RATE_LIMIT="1000", QA_BOT_CORPUS=str(REPO / "corpus"), QA_BOT_SEND_RATE=send_rate,
            ),
        )
    harness = Serve(api, proc, files)
    try:
        wait_until_polling(api, proc, harness.output, timeout=120)
        yield harness
    finally:
        code = stop_process(proc)
        api.stop()
    output = harness.output()
    assert code == 0, f"serve exited {code} on SIGTERM:\n{output[-3000:]}"
    assert SECRET not in output


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _poll_pending(api: FakeBotAPI) -> bool:
    """True while the bot has a getUpdates long poll open (so nothing is fetched mid-injection)."""
    return any(c.status == 0 for c in api.calls("getUpdates"))


def _answers(api: FakeBotAPI, chat_ids: set[int]) -> dict[int, list[Call]]:
    """The answer-starting messages per chat (every sendMessage the fake server received)."""
    found: dict[int, list[Call]] = {c: [] for c in chat_ids}
    for call in api.calls("sendMessage"):
        chat = call.params.get("chat_id")
        if chat in found and is_answer_start(call.params.get("text", "")):
            found[chat].append(call)
    return found


# --- the test --------------------------------------------------------------------------------


def test_200_questions_from_50_chats_all_at_once(serve: Serve, tmp_path: Path, send_rate: str) -> None:
    api = serve.api
    pool = load_questions()

    # Warm-up (not measured): the first question pays for lazy start-up work in the subprocess.
    api.inject_update(api.text_update(WARM_UP_CHAT, WARM_UP_CHAT, pool[0]))
    api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == WARM_UP_CHAT, timeout=60)

    chats = [FIRST_CHAT + i for i in range(CHATS)]
    asked: dict[int, list[str]] = {
        chat: [pool[(n * PER_CHAT + j) % len(pool)] for j in range(PER_CHAT)] for n, chat in enumerate(chats)
    }
    # Interleave the chats (round robin) as real traffic would, then queue everything in one go.
    updates = [api.text_update(chat, chat, asked[chat][j]) for j in range(PER_CHAT) for chat in chats]

    deadline = time.monotonic() + 30
    while not _poll_pending(api):  # wait until the bot sits in a long poll: all 200 land before its next fetch
        assert time.monotonic() < deadline, "the bot never went back to long polling"
        time.sleep(0.01)
    injected_at = time.time()
    cpu_before = cpu_seconds(serve.proc.pid), time.process_time()
    api.inject_updates(updates)

    chat_set = set(chats)
    deadline = time.monotonic() + ANSWER_TIMEOUT
    while True:
        answers = _answers(api, chat_set)
        done = sum(min(len(v), PER_CHAT) for v in answers.values())
        if done >= QUESTIONS:
            break
        if time.monotonic() > deadline:
            missing = {c: PER_CHAT - len(v) for c, v in answers.items() if len(v) < PER_CHAT}
            raise AssertionError(
                f"only {done}/{QUESTIONS} questions answered within {ANSWER_TIMEOUT:.0f}s; "
                f"missing per chat: {missing}\n{serve.output()[-3000:]}"
            )
        time.sleep(0.05)
    last_answer_at = max(c.time for v in answers.values() for c in v)
    cpu_after = cpu_seconds(serve.proc.pid), time.process_time()
    time.sleep(GRACE)  # anything answered twice would arrive now
    answers = _answers(api, chat_set)
    sent = [c for c in api.calls("sendMessage") if c.params.get("chat_id") in chat_set]

    actions = api.calls("sendChatAction", lambda c: c.params.get("chat_id") in chat_set)

    # --- figures (printed and saved, never asserted) ---
    latencies = sorted(c.time - injected_at for v in answers.values() for c in sorted(v, key=lambda c: c.time)[:PER_CHAT])
    elapsed = last_answer_at - injected_at
    fetches = [
        c for c in api.calls("getUpdates")
        if isinstance(c.result, list) and any((u.get("message") or {}).get("chat", {}).get("id") in chat_set for u in c.result)
    ]
    figures = {
        "send_rate": float(send_rate),  # QA_BOT_SEND_RATE: messages a second overall, 0 = no limit
        "questions": QUESTIONS,
        "chats": CHATS,
        "elapsed_s": round(elapsed, 3),
        "throughput_qps": round(QUESTIONS / elapsed, 2),
        "latency_s": {
            "p50": round(percentile(latencies, 50), 3),
            "p95": round(percentile(latencies, 95), 3),
            "max": round(latencies[-1], 3),
            "min": round(latencies[0], 3),
        },
        "first_answer_after_s": round(latencies[0], 3),
        "send_message_calls": len(sent),
        "send_chat_action_calls": len(actions),
        # Every sendMessage/sendChatAction passes the bot's SendLimiter (QA_BOT_SEND_RATE a second).
        "chat_requests_per_s": round((len(sent) + len(actions)) / elapsed, 1),
        "get_updates_batches": [len(c.result) for c in fetches][:10],
        "cpus": os.cpu_count(),
        # CPU time per question during the burst (until the last answer was seen): the bot
        # process, and this test process (the fake Bot API server and the polling above).
        # Less sensitive than throughput to other processes sharing the machine.
        "bot_cpu_ms_per_question": None if cpu_before[0] is None or cpu_after[0] is None
        else round((cpu_after[0] - cpu_before[0]) / QUESTIONS * 1000, 2),
        "test_cpu_ms_per_question": round((cpu_after[1] - cpu_before[1]) / QUESTIONS * 1000, 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    path = tmp_path / f"load_figures_send_rate_{send_rate}.json"
    path.write_text(json.dumps(figures, indent=2))
    print(
        f"\nload (QA_BOT_SEND_RATE={send_rate}): {QUESTIONS} questions / {CHATS} chats answered in {elapsed:.2f} s = "
        f"{figures['throughput_qps']} questions/s; latency p50 {figures['latency_s']['p50']} s, "
        f"p95 {figures['latency_s']['p95']} s, max {figures['latency_s']['max']} s; "
        f"{figures['chat_requests_per_s']} sendMessage+sendChatAction requests/s "
        f"({len(sent)} sendMessage, {len(actions)} sendChatAction); CPU per question: bot "
        f"{figures['bot_cpu_ms_per_question']} ms, fake server {figures['test_cpu_ms_per_question']} ms; "
        f"load average {figures['load_average']}"
    )
    print(f"load: figures written to {path}")

    # --- correctness ---
    assert sum(len(c.result) for c in fetches) >= QUESTIONS  # sanity: all delivered by getUpdates
    # ... and the first fetch already saw everything (as many as its limit allows): queued at once.
    assert len(fetches[0].result) == min(QUESTIONS, int(fetches[0].params.get("limit") or 100))
    failed = [c for c in sent if c.status != 200]
    assert not failed, f"{len(failed)} sendMessage calls failed, e.g. {failed[:3]}"
    wrong = {c: len(v) for c, v in answers.items() if len(v) != PER_CHAT}
    assert not wrong, f"chats without exactly {PER_CHAT} answers (chat: answers): {wrong}"
    errors = [c for c in sent if is_error(c.params["text"])]
    assert not errors, f"{len(errors)} error replies, e.g. {[c.params['text'][:120] for c in errors[:3]]}"
    for call in sent:
        text = call.params["text"]
        assert 0 < utf16_len(text) <= 4096
        if call.params.get("parse_mode") == "HTML":
            assert html_problem(text) is None, text[:300]
    output = serve.output()
    assert "error while handling an update" not in output, output[-3000:]
