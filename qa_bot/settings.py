"""One typed settings object, read once from the environment (and `.env`) and passed down.

Nothing else in the package reads the environment: tests and the CLI build a
`Settings` and hand it to what needs it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from dotenv import dotenv_values

DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
INDEX_TYPES = ("auto", "flat", "ivf", "hnsw", "hnsw-sq8")


class SettingsError(ValueError):
    """A configuration value that cannot be used; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("embeddings")
    model: str = DEFAULT_MODEL
    top_k: int = 5
    # Index type: "auto" picks exact search for small corpora, IVF above `flat_max`.
    index_type: str = "auto"
    flat_max: int = 50_000
    telegram_token: str | None = field(default=None, repr=False)
    telegram_api_base_url: str | None = None
    allowed_chats: frozenset[int] = frozenset()
    admins: frozenset[int] = frozenset()
    rate_limit_per_minute: int = 20
    page_size: int = 3
    max_results: int = 12
    feedback_db: Path | None = None
    # Overall messages a second the bot sends (all chats together). 30 is Telegram's
    # documented limit for free broadcasting; bots with paid broadcasts may send up to
    # 1000 a second. 0 turns the client-side limit off (429 RetryAfter is still honoured).
    send_rate: float = 30.0

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, dotenv: Path | None = Path(".env"), **overrides: object
    ) -> Settings:
        """Environment wins over `.env`, explicit overrides (CLI flags) win over both."""
        values: dict[str, str] = {}
        if dotenv is not None and dotenv.is_file():
            values.update({k: v for k, v in dotenv_values(dotenv).items() if v is not None})
        values.update(os.environ if env is None else env)
        settings = cls(
            corpus_dir=Path(values.get("QA_BOT_CORPUS", "corpus")),
            index_dir=Path(values.get("QA_BOT_INDEX", "embeddings")),
            model=values.get("QA_BOT_MODEL", DEFAULT_MODEL) or DEFAULT_MODEL,
            top_k=_int(values, "QA_BOT_TOP_K", 5, minimum=1),
            index_type=_index_type(values, "QA_BOT_INDEX_TYPE"),
            telegram_token=values.get("TELEGRAM_BOT_TOKEN") or None,
            telegram_api_base_url=values.get("TELEGRAM_API_BASE_URL") or None,
            allowed_chats=_ids(values, "QA_BOT_ALLOWED_CHATS"),
            admins=_ids(values, "QA_BOT_ADMINS"),
            rate_limit_per_minute=_int(values, "QA_BOT_RATE_LIMIT", 20, minimum=0),  # 0: no limit
            feedback_db=Path(values["QA_BOT_FEEDBACK_DB"]) if values.get("QA_BOT_FEEDBACK_DB") else None,
            send_rate=_rate(values, "QA_BOT_SEND_RATE", 30.0),
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


def _int(values: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    """A whole number no lower than `minimum`: QA_BOT_TOP_K=0 would otherwise read as
    "the coverage does not answer" and a negative one would drop the best results."""
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        number = int(raw)
    except ValueError:
        number = minimum - 1
    if number < minimum:
        raise SettingsError(f"{name} must be a whole number, {minimum} or more, got {raw!r}")
    return number


def _index_type(values: Mapping[str, str], name: str) -> str:
    """Checked here so a typo stops every command at once, not a build half way."""
    kind = values.get(name, "").strip().lower() or "auto"
    if kind not in INDEX_TYPES:
        raise SettingsError(f"{name} must be one of {', '.join(INDEX_TYPES)}, got {kind!r}")
    return kind


def _rate(values: Mapping[str, str], name: str, default: float) -> float:
    """A non-negative number of events a second (0 means no limit)."""
    raw = values.get(name, "").strip()
    if not raw:
        return default
    try:
        rate = float(raw)
    except ValueError:
        rate = -1.0
    if not rate >= 0 or rate == float("inf"):  # also rejects nan
        raise SettingsError(f"{name} must be a number of messages a second, 0 or more, got {raw!r}")
    return rate


def _ids(values: Mapping[str, str], name: str) -> frozenset[int]:
    raw = values.get(name, "")
    try:
        return frozenset(int(part) for part in raw.replace(" ", "").split(",") if part)
    except ValueError:
        raise SettingsError(f"{name} must be comma-separated numeric chat ids, got {raw!r}") from None
