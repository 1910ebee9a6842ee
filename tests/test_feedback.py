"""The opt-in question log and `qa-bot feedback`."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from qa_bot.feedback import FeedbackLog
from qa_bot.models import Answer, Hit, Passage


def answer(question: str, abstained: bool = False) -> Answer:
    passage = Passage(7, "Text.", "d.txt", "Outlet", "2016-12-12", "T", None, [], 0, "paragraph")
    return Answer(question, abstained, [] if abstained else [Hit(passage, 0.9)])


def test_log_report_and_votes(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "log.sqlite3")
    for _ in range(3):
        log.record(111, answer("Who is the mayor of Homs?", abstained=True))
    first = log.record(222, answer("What did the children wait for?"))
    log.record(333, answer("what did the children  wait for?"))
    assert log.vote(first, 222, -1)
    assert not log.vote(first, 999, -1), "only the asking chat may vote"
    report = log.report()
    assert report["most_asked"][0] == {"question": "Who is the mayor of Homs?", "count": 3}
    assert report["most_asked"][1]["count"] == 2  # case and spacing do not split a question
    assert report["abstained"] == [{"question": "Who is the mayor of Homs?", "count": 3}]
    assert report["voted_down"] == [{"question": "What did the children wait for?", "count": 1}]


def test_chat_ids_are_stored_hashed_and_text_is_never_sql(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    log = FeedbackLog(path)
    log.record(123456789, answer("'); DROP TABLE questions; --"))
    log.close()
    rows = sqlite3.connect(path).execute("SELECT chat, question, results FROM questions").fetchall()
    assert rows[0][1] == "'); DROP TABLE questions; --"
    assert "123456789" not in rows[0][0] and len(rows[0][0]) == 16
    assert json.loads(rows[0][2]) == [7]
    assert FeedbackLog(path).chat_hash(123456789) == rows[0][0], "the salt persists with the database"


def test_cli_feedback(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite3"
    FeedbackLog(path).record(1, answer("Where is Jibreen?", abstained=True))
    run = lambda *a: subprocess.run([sys.executable, "-m", "qa_bot", "feedback", *a],
                                    capture_output=True, text=True, timeout=120)
    shown = run("--db", str(path), "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["abstained"] == [{"question": "Where is Jibreen?", "count": 1}]
    missing = run("--db", str(tmp_path / "none.sqlite3"))
    assert missing.returncode == 2 and "QA_BOT_FEEDBACK_DB" in missing.stderr
