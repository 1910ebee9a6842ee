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
    lines = []
    for doc in answerer.documents():
        when = render.human_date(doc.published) + (" (date inferred)" if doc.date_inferred and doc.published else "")
        lines.append(f"• {doc.outlet}, {when}: {doc.title}" + (f"\n  {doc.url}" if doc.url else ""))
    return "\n".join(lines)


def chat(answerer: Answerer, settings: Settings, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout) -> int:
    interactive = stdin.isatty() and stdout.isatty()
    style = "ansi" if interactive else "plain"
    print(welcome(answerer), file=stdout, flush=True)
    last: Answer | None = None
    shown = 0
    while True:
        if interactive:
            stdout.write("\n> ")
            stdout.flush()
        line = stdin.readline()
        if not line:
            return 0
        text = line.strip()
        command = text.lower().lstrip("/")
        if command in ("quit", "exit", "q"):
            return 0
        if command in ("help", "start"):
            reply = welcome(answerer)
        elif command == "sources":
            reply = sources(answerer)
        elif command == "more":
            if last is None or shown >= len(last.hits):
                reply = "No more results. Ask another question."
            else:
                reply = render.answer_text(last, shown, settings.page_size, style)
                shown += settings.page_size
        else:
            last = answerer.ask(text, settings.max_results)
            shown = settings.page_size
            reply = render.answer_text(last, 0, settings.page_size, style)
            if len(last.hits) > shown:
                reply += f"\n\n({len(last.hits) - shown} more — type “more”)"
        print(reply, file=stdout, flush=True)
