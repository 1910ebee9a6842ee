"""The terminal transport: the Telegram bot's conversation, in plain text.

Same answering core, same replies, same paging ("more"), so the product can be
tried without a Telegram account.
"""

from __future__ import annotations

import sys
from typing import TextIO

from qa_bot import render
from qa_bot.answer import Answerer
from qa_bot.models import Answer
from qa_bot.settings import Settings

HELP = "Type a question and press Enter. Commands: more (next results), sources, help, quit."


def welcome(answerer: Answerer) -> str:
    return f"{render.coverage_text(answerer.coverage())}\n{render.HOW_TO_ASK}\n{HELP}"


def sources(answerer: Answerer) -> str:
    return render.articles_text(answerer.documents())


class Conversation:
    """One terminal session: the last answer and how much of it has been shown, so
    "more" pages through it as the Telegram button does."""

    def __init__(self, answerer: Answerer, settings: Settings, style: render.Style = "plain") -> None:
        self.answerer = answerer
        self.settings = settings
        self.style = style
        self.last: Answer | None = None
        self.shown = 0

    def reply(self, text: str) -> str | None:
        """The reply to one line typed; None when the user leaves."""
        command = text.strip().lower().lstrip("/")
        if command in ("quit", "exit", "q"):
            return None
        if command in ("help", "start"):
            return welcome(self.answerer)
        if command == "sources":
            return sources(self.answerer)
        if command == "more":
            if self.last is None or self.shown >= len(self.last.hits):
                return "No more results. Ask another question."
            return self._page()
        self.last = self.answerer.ask(text.strip(), self.settings.max_results)
        self.shown = 0
        return self._page()

    def _page(self) -> str:
        """The next page of the last answer, and how many results are left after it."""
        assert self.last is not None
        reply = render.answer_text(self.last, self.shown, self.settings.page_size, self.style)
        self.shown += self.settings.page_size
        left = len(self.last.hits) - self.shown
        return reply + (f"\n\n({left} more — type “more”)" if left > 0 else "")


def chat(answerer: Answerer, settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty() and stdout.isatty()
    conversation = Conversation(answerer, settings, "ansi" if interactive else "plain")
    print(welcome(answerer), file=stdout, flush=True)
    while True:
        if interactive:
            stdout.write("\n> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        reply = conversation.reply(line)
        if reply is None:
            return 0
        # A blank line between replies, so piped output reads as separate answers.
        print(reply if interactive else f"\n{reply}", file=stdout, flush=True)
