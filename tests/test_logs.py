"""The serve log never shows the bot token (qa_bot/logs.py)."""

from __future__ import annotations

import io
import logging

from qa_bot.logs import RedactToken, configure_logging

TOKEN = "123456:TEST-TOKEN-abc"
SECRET = TOKEN.partition(":")[2]


def test_redact_token_filter_covers_messages_args_and_tracebacks() -> None:
    handler = logging.StreamHandler(stream := io.StringIO())
    handler.addFilter(RedactToken(TOKEN))
    logger = logging.getLogger("test.redact")
    logger.addHandler(handler)
    try:
        logger.warning("GET https://api.telegram.org/bot%s/getMe", TOKEN)
        logger.warning("quoted %s", "123456%3ATEST-TOKEN-abc")
        try:
            raise ValueError(f"The token `{TOKEN}` was rejected")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    out = stream.getvalue()
    assert "getMe" in out and "was rejected" in out and "<redacted>" in out
    assert SECRET not in out and "TEST-TOKEN" not in out


def test_configure_logging_puts_the_filter_on_every_root_handler_once() -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(stream := io.StringIO())
    root.addHandler(handler)
    try:
        configure_logging(TOKEN)
        configure_logging(TOKEN)  # a second start (tests, reload) adds no second filter
        assert sum(isinstance(f, RedactToken) for f in handler.filters) == 1
        assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
        logging.getLogger("qa_bot.telegram_bot").info("polling with bot%s", TOKEN)
    finally:
        root.removeHandler(handler)
    assert "polling with bot<redacted>" in stream.getvalue() and SECRET not in stream.getvalue()
