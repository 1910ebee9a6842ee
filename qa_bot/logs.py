"""Logging for `qa-bot serve`: the bot's own lines at INFO, and the token never in the output.

httpx logs request URLs, and a Bot API URL carries the token; exceptions from
python-telegram-bot can quote it too. So httpx is kept below INFO, and a filter on
every root handler redacts the token (whole, URL-encoded, and its secret half) from
every record, message, arguments and traceback alike, as a second line of defence.
"""

from __future__ import annotations

import logging
import warnings
from urllib.parse import quote

from telegram.warnings import PTBDeprecationWarning

SERVE_LOG = "qa_bot.telegram_bot"  # the bot's and the index reloader's lines


class RedactToken(logging.Filter):
    """Replace the bot token (and its URL-encoded and secret parts) in every log record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        forms = {token, quote(token, safe=""), token.partition(":")[2]}
        self._secrets = sorted((f for f in forms if len(f) >= 6), key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep what we can, redacted
            message = f"{record.msg!r} % {record.args!r}"
        record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(token: str | None) -> None:
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger(SERVE_LOG).setLevel(logging.INFO)  # the bot's own lines (start, stop, outages) even under a quieter root
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)  # a dozen lines about CPU features
    logging.captureWarnings(True)
    # Raised by python-telegram-bot's own RetryAfter on every 429: nothing for us to change.
    warnings.filterwarnings("ignore", message=r".*attribute `retry_after` will be of type", category=PTBDeprecationWarning)
    if token:
        for handler in root.handlers:
            if not any(isinstance(f, RedactToken) for f in handler.filters):
                handler.addFilter(RedactToken(token))
