"""Shared fixtures for the answering-core tests.

Fast tests use the deterministic `HashingEmbedder`; tests marked `slow` share one
real sentence-transformers model, one real index built once per session
(`real_index_dir`) and one `Answerer` over it (`real_answerer`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from qa_bot.embed import HashingEmbedder
from qa_bot.index import build_index, read_passages
from qa_bot.models import Document, Passage
from qa_bot.settings import DEFAULT_MODEL, Settings

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
DATA = REPO / "tests" / "data"

# A CLI subprocess must not pick up a developer's configuration.
_CONFIG_PREFIXES = ("QA_BOT_", "TELEGRAM_")


# --- corpus ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def corpus_read() -> tuple[list[Document], list[Passage]]:
    """(documents, passages) of the real corpus, read once."""
    return read_passages(CORPUS)


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A private, writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


# --- indexes -----------------------------------------------------------------------------


@pytest.fixture
def without_parser(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """spaCy's model as if it were not installed: the checks that read grammar must step aside."""
    from qa_bot import parsing

    monkeypatch.setattr(parsing, "SPACY_MODEL", "no_such_spacy_model")
    parsing._load.cache_clear()
    yield
    parsing._load.cache_clear()  # before monkeypatch restores the name: the next load is the real model


@pytest.fixture(scope="session")
def hashing_index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A read-only index of the real corpus built with the fake embedder (fast)."""
    out = tmp_path_factory.mktemp("hashing-index") / "index"
    build_index(CORPUS, out, HashingEmbedder(64))
    return out


@pytest.fixture(scope="session")
def real_embedder():
    """The real model, loaded once per session (~10 s)."""
    from qa_bot.embed import load_embedder

    return load_embedder(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory: pytest.TempPathFactory, real_embedder) -> Path:
    """One real index of corpus/, built once per session; treat it as read-only."""
    out = tmp_path_factory.mktemp("real-index") / "index"
    build_index(CORPUS, out, real_embedder)
    return out


@pytest.fixture(scope="session")
def real_answerer(real_index_dir: Path, real_embedder):
    from qa_bot.answer import Answerer

    return Answerer.load(Settings(corpus_dir=CORPUS, index_dir=real_index_dir), real_embedder)


# --- the command line ----------------------------------------------------------------------


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CONFIG_PREFIXES)}
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONWARNINGS": "ignore"})
    env.update(extra or {})
    return env


@pytest.fixture(scope="session")
def run_cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    """Run `python -m qa_bot ARGS` in an empty working directory (no stray `.env`)."""
    workdir = tmp_path_factory.mktemp("cli-cwd")

    def run(*args: str, env: dict[str, str] | None = None, stdin: str | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "qa_bot", *map(str, args)],
            input=stdin if stdin is not None else "",
            capture_output=True, text=True, encoding="utf-8", cwd=workdir, env=clean_env(env), timeout=timeout,
        )

    yield run
