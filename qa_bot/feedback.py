"""The opt-in question log: what users ask, what the bot could not answer, what they
voted down — so maintainers know which articles to add.

Chat ids are stored only as salted hashes (the salt is random per database), and
user text is only ever bound as a parameter, never formatted into SQL.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from qa_bot.models import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    asked_at REAL NOT NULL,
    chat TEXT NOT NULL,
    question TEXT NOT NULL,
    results TEXT NOT NULL,
    abstained INTEGER NOT NULL,
    vote INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS questions_by_text ON questions (question);
"""


class FeedbackLog:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.executescript(SCHEMA)
        row = self._db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()
        if row is None:
            self._salt = secrets.token_hex(16)
            self._db.execute("INSERT INTO meta VALUES ('salt', ?)", (self._salt,))
        else:
            self._salt = row[0]

    def chat_hash(self, chat_id: int) -> str:
        return hashlib.sha256(f"{self._salt}:{chat_id}".encode()).hexdigest()[:16]

    def record(self, chat_id: int, answer: Answer) -> int:
        """Log one answered (or abstained) question; returns its id for the vote buttons."""
        results = json.dumps([h.passage.id for h in answer.hits])
        question = " ".join(answer.question.split())[:1000]
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO questions (asked_at, chat, question, results, abstained) VALUES (?, ?, ?, ?, ?)",
                (time.time(), self.chat_hash(chat_id), question, results, int(answer.abstained)),
            )
            return int(cursor.lastrowid)

    def vote(self, question_id: int, chat_id: int, value: int) -> bool:
        """Record 👍 (+1) or 👎 (-1); only the chat that asked may vote on its question."""
        with self._lock:
            cursor = self._db.execute(
                "UPDATE questions SET vote = ? WHERE id = ? AND chat = ?",
                (1 if value > 0 else -1, question_id, self.chat_hash(chat_id)),
            )
            return cursor.rowcount == 1

    def report(self, limit: int = 10) -> dict[str, list[dict[str, Any]]]:
        def rows(sql: str) -> list[dict[str, Any]]:
            with self._lock:
                return [{"question": q, "count": n} for q, n in self._db.execute(sql, (limit,)).fetchall()]

        grouped = "SELECT question, COUNT(*) AS n FROM questions {} GROUP BY lower(question) ORDER BY n DESC, question LIMIT ?"
        return {
            "most_asked": rows(grouped.format("")),
            "abstained": rows(grouped.format("WHERE abstained = 1")),
            "voted_down": rows(grouped.format("WHERE vote < 0")),
        }

    def close(self) -> None:
        self._db.close()


def format_report(report: dict[str, list[dict[str, Any]]]) -> str:
    titles = {"most_asked": "Most asked", "abstained": "Not covered (the bot abstained)",
              "voted_down": "Voted down 👎"}
    lines: list[str] = []
    for key, title in titles.items():
        lines.append(f"{title}:")
        lines += [f"  {row['count']:>4}  {row['question']}" for row in report[key]] or ["     (none)"]
    return "\n".join(lines)
