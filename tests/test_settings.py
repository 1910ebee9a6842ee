"""One settings object from the environment, `.env` and flags: what wins, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa_bot.settings import DEFAULT_MODEL, INDEX_TYPES, Settings, SettingsError


def test_defaults_without_any_configuration() -> None:
    s = Settings.from_env({}, dotenv=None)
    assert (s.corpus_dir, s.index_dir, s.model) == (Path("corpus"), Path("embeddings"), DEFAULT_MODEL)
    assert (s.top_k, s.index_type, s.rate_limit_per_minute, s.telegram_token) == (5, "auto", 20, None)


def test_environment_beats_dotenv_and_flags_beat_both(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("QA_BOT_TOP_K=7\nQA_BOT_CORPUS=from-dotenv\nTELEGRAM_BOT_TOKEN=123:dotenv\n", encoding="utf-8")
    s = Settings.from_env({"QA_BOT_TOP_K": "9"}, dotenv=dotenv)
    assert (s.top_k, s.corpus_dir, s.telegram_token) == (9, Path("from-dotenv"), "123:dotenv")
    flagged = Settings.from_env({"QA_BOT_TOP_K": "9"}, dotenv=dotenv, top_k=2, index_dir=None)
    assert flagged.top_k == 2 and flagged.index_dir == Path("embeddings")  # an unset flag changes nothing


def test_the_token_is_never_in_the_settings_repr() -> None:
    s = Settings.from_env({"TELEGRAM_BOT_TOKEN": "123456:SECRET-token"}, dotenv=None)
    assert s.telegram_token == "123456:SECRET-token" and "SECRET" not in repr(s) and "SECRET" not in str(s)


def test_ids_and_index_type_are_read_leniently() -> None:
    s = Settings.from_env({"QA_BOT_ADMINS": " 1, 2,,3 ", "QA_BOT_ALLOWED_CHATS": "-100123",
                           "QA_BOT_INDEX_TYPE": " HNSW-SQ8 "}, dotenv=None)
    assert s.admins == frozenset({1, 2, 3}) and s.allowed_chats == frozenset({-100123})
    assert s.index_type == "hnsw-sq8" and s.index_type in INDEX_TYPES


@pytest.mark.parametrize(("name", "value"), [
    ("QA_BOT_TOP_K", "0"), ("QA_BOT_TOP_K", "-3"), ("QA_BOT_TOP_K", "five"), ("QA_BOT_TOP_K", "2.5"),
    ("QA_BOT_RATE_LIMIT", "-1"), ("QA_BOT_RATE_LIMIT", "lots"),
    ("QA_BOT_ADMINS", "alice,bob"), ("QA_BOT_ALLOWED_CHATS", "12;34"),
    ("QA_BOT_INDEX_TYPE", "hnws"), ("QA_BOT_SEND_RATE", "-5"), ("QA_BOT_SEND_RATE", "nan"),
])
def test_an_unusable_value_is_refused_with_its_name(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: value}, dotenv=None)


def test_no_rate_limit_is_zero() -> None:
    assert Settings.from_env({"QA_BOT_RATE_LIMIT": "0"}, dotenv=None).rate_limit_per_minute == 0
