"""The opt-in question log through the real Application: answers carry 👍/👎 buttons,
a press is recorded for the asking chat only, and `qa-bot feedback` sees it."""

from __future__ import annotations

import json
from pathlib import Path

from qa_bot.feedback import FeedbackLog
from qa_bot.settings import Settings
from tests.fake_bot_api import FakeBotAPI
from tests.test_telegram_bot import BROAD_QUESTION, TOKEN, FakeAnswerer, InProcessBot


def test_votes_under_answers_are_logged(tmp_path: Path) -> None:
    db = tmp_path / "questions.sqlite3"
    api = FakeBotAPI(TOKEN).start()
    runner = InProcessBot(Settings(telegram_token=TOKEN, telegram_api_base_url=api.base_url, feedback_db=db),
                          FakeAnswerer())
    try:
        runner.start()
        api.wait_for("getUpdates", timeout=20)
        api.inject_update(api.text_update(4242, 4242, BROAD_QUESTION))
        reply = api.wait_for("sendMessage", lambda c: c.params.get("chat_id") == 4242, timeout=20)
        markup = reply.params["reply_markup"]
        markup = json.loads(markup) if isinstance(markup, str) else markup
        buttons = {b["text"]: b["callback_data"] for row in markup["inline_keyboard"] for b in row}
        assert set(buttons) >= {"👍", "👎"}
        api.inject_update(api.callback_update(9999, reply.result, buttons["👎"]))  # the chat of the answer votes
        answered = api.wait_for("answerCallbackQuery", timeout=20)
        assert "Thank you" in answered.params.get("text", "")
    finally:
        runner.stop()
        api.stop()
    report = FeedbackLog(db).report()
    assert report["most_asked"][0]["question"] == BROAD_QUESTION
    assert report["voted_down"] == [{"question": BROAD_QUESTION, "count": 1}]
