"""Rebuild while serving (qa_bot/reload.py): SIGHUP, an admin's /reload and the index watcher.

The in-process tests use the fast hashing embedder. The serve tests run the real
`python -m qa_bot serve` subprocess against the fake Bot API with QA_BOT_MODEL=hashing-64
(an index of a private corpus copy built by `python -m qa_bot index`), so they take
seconds, not minutes.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from qa_bot import telegram_bot as tb
from qa_bot.answer import Answerer
from qa_bot.embed import HashingEmbedder
from qa_bot.reload import Reloader, fingerprint
from qa_bot.settings import Settings
from tests.fake_bot_api import FakeBotAPI
from tests.test_telegram_bot import SECRET, TOKEN, _child_env, stop_process, wait_until_polling

REPO = Path(__file__).resolve().parents[1]
MODEL = "hashing-64"
ADMIN = 4242
_users = itertools.count(7000)

OLD_QUESTION = "What happened to the civilians fleeing eastern Aleppo?"


@dataclass(frozen=True)
class Fact:
    file: str
    text: str
    question: str
    marker: str  # a word only the new document has


FACTS = {
    "hup": Fact("900_vexford.txt",
                "The Vexford quokka lantern festival drew 4,200 visitors when the mayor Oriana Blisswater "
                "lit the giant turquoise lantern beside the harbour.",
                "Who lit the turquoise lantern at the Vexford quokka festival?", "Blisswater"),
    "watch": Fact("901_zandrel.txt",
                  "In Zandrel the glassblower Teodric Mullweather built a violet clocktower from ten thousand "
                  "recycled bottles for the winter market.",
                  "Who built the violet bottle clocktower in Zandrel?", "Mullweather"),
    "admin": Fact("902_pemberly.txt",
                  "The Pemberly marsh observatory recorded a silver heron named Quillon nesting on its "
                  "copper telescope dome for the first time.",
                  "What heron nested on the copper dome of the Pemberly marsh observatory?", "Quillon"),
}


def add_document(corpus: Path, fact: Fact) -> None:
    title = fact.file.split("_", 1)[1].removesuffix(".txt").title() + " report"
    (corpus / fact.file).write_text(f"{title}\n\n{fact.text}\n", encoding="utf-8")
    with (corpus / "manifest.toml").open("a", encoding="utf-8") as handle:
        handle.write(
            f'\n[[document]]\nfile = "{fact.file}"\noutlet = "Test Courier"\ntitle = "{title}"\n'
            'published = 2016-12-14\ndate_inferred = false\nauthors = []\nurl = "https://example.org/test"\n'
        )


def build(corpus: Path, out: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "qa_bot", "index", "--corpus", str(corpus), "--out", str(out)],
        cwd=REPO, env=_child_env(QA_BOT_MODEL=MODEL), capture_output=True, text=True, timeout=120, check=False,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture
def corpus_and_index(tmp_path: Path) -> tuple[Path, Path]:
    corpus = tmp_path / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    index = tmp_path / "index"
    build(corpus, index)
    return corpus, index


# --- in process: the Reloader and a deleted index -------------------------------------------


def _settings(corpus: Path, index: Path) -> Settings:
    return Settings(corpus_dir=corpus, index_dir=index, model=MODEL)


def test_deleted_index_keeps_answering_from_memory(corpus_and_index, caplog: pytest.LogCaptureFixture) -> None:
    corpus, index = corpus_and_index
    answerer = Answerer.load(_settings(corpus, index), HashingEmbedder(64))
    before = answerer.ask(OLD_QUESTION)
    assert not before.abstained
    holder = SimpleNamespace(answerer=answerer)
    reloader = Reloader(_settings(corpus, index), holder)
    shutil.rmtree(index)  # the mmapped vectors, FAISS and BM25 files are unlinked under the answerer
    after = answerer.ask(OLD_QUESTION)
    assert [h.passage.id for h in after.hits] == [h.passage.id for h in before.hits]
    with caplog.at_level(logging.INFO, logger="qa_bot.telegram_bot"):
        assert asyncio.run(reloader.check()) is None
        assert asyncio.run(reloader.check()) is None
    gone = [r for r in caplog.records if "INDEX FOLDER GONE" in r.getMessage()]
    assert len(gone) == 1 and gone[0].levelno == logging.ERROR  # loud, once
    assert holder.answerer is answerer


def test_reloader_swaps_whole_answerer_and_keeps_old_on_failure(corpus_and_index, caplog) -> None:
    corpus, index = corpus_and_index
    settings = _settings(corpus, index)
    old = Answerer.load(settings, HashingEmbedder(64))
    holder = SimpleNamespace(answerer=old)
    reloader = Reloader(settings, holder)
    fact = FACTS["hup"]

    async def scenario() -> None:
        assert await reloader.check() is None  # nothing changed
        add_document(corpus, fact)
        stale = await reloader.reload("test")  # corpus changed, index not rebuilt: stale
        assert not stale.ok and "out of date" in stale.message and holder.answerer is old
        build(corpus, index)
        result = await reloader.check()
        assert result is not None and result.ok, result
        assert "6 documents" in result.message
        new = holder.answerer
        assert new is not old and new.embedder is old.embedder  # the model is reused
        assert fact.marker in new.ask(fact.question).hits[0].passage.text
        assert all(fact.marker not in h.passage.text for h in old.ask(fact.question).hits)
        # Damage in place: the watcher notices, the load fails, the new answerer stays.
        passages = index / "passages.jsonl"
        passages.write_text(passages.read_text().splitlines()[0] + "\n")
        failed = await reloader.check()
        assert failed is not None and not failed.ok and "inconsistent" in failed.message
        assert "Still answering from the index built at" in failed.message
        assert await reloader.check() is None  # reported once per change, not at every poll
        assert holder.answerer is new
        assert fact.marker in new.ask(fact.question).hits[0].passage.text

    with caplog.at_level(logging.INFO, logger="qa_bot.telegram_bot"):
        asyncio.run(scenario())
    loud = [r for r in caplog.records if "INDEX RELOAD FAILED" in r.getMessage()]
    assert len(loud) == 2 and all(r.levelno == logging.ERROR for r in loud)


def test_fingerprint_sees_a_rebuild_and_a_missing_manifest(corpus_and_index) -> None:
    corpus, index = corpus_and_index
    first = fingerprint(index)
    assert first is not None and any(name == "manifest.json" for name, *_ in first)
    build(corpus, index)
    assert fingerprint(index) not in (None, first)
    (index / "manifest.json").unlink()
    assert fingerprint(index) is None


# --- the real serve subprocess ----------------------------------------------------------------


@dataclass
class Served:
    api: FakeBotAPI
    proc: subprocess.Popen[bytes]
    corpus: Path
    index: Path
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def ask(self, user: int, text: str, timeout: float = 20.0) -> str:
        before = len(self.api.calls("sendMessage", lambda c: c.params.get("chat_id") == user))
        self.api.inject_update(self.api.text_update(user, user, text))
        calls = self.api.wait_for_all("sendMessage", lambda c: c.params.get("chat_id") == user, timeout, before + 1)
        return calls[before].params["text"]

    def wait_log(self, needle: str, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.output():
            assert self.proc.poll() is None, f"serve exited:\n{self.output()[-3000:]}"
            assert time.monotonic() < deadline, f"no {needle!r} in the log:\n{self.output()[-3000:]}"
            time.sleep(0.2)


@pytest.fixture
def served(corpus_and_index, tmp_path: Path) -> Iterator[Served]:
    corpus, index = corpus_and_index
    api = FakeBotAPI(TOKEN).start()
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "qa_bot", "serve", "--index", str(index), "--corpus", str(corpus)],
            cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
            env=_child_env(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=api.base_url,
                           QA_BOT_MODEL=MODEL, QA_BOT_ADMINS=str(ADMIN)),
        )
    served = Served(api, proc, corpus, index, log)
    try:
        wait_until_polling(api, proc, served.output, timeout=60)
        yield served
        code = stop_process(proc)
        output = served.output()
        assert code == 0, f"serve exited {code}:\n{output[-3000:]}"
        assert SECRET not in output
        for call in api.calls("sendMessage"):
            text = call.params["text"]
            assert text != tb.APOLOGY and "Traceback" not in text, text
    finally:
        stop_process(proc)
        api.stop()


def _answered_from(text: str, fact: Fact) -> bool:
    return fact.marker in text


def test_sighup_swaps_in_the_rebuilt_index(served: Served) -> None:
    user, fact = next(_users), FACTS["hup"]
    assert "Aleppo" in served.ask(user, OLD_QUESTION)
    assert not _answered_from(served.ask(user, fact.question), fact)
    add_document(served.corpus, fact)
    build(served.corpus, served.index)
    served.proc.send_signal(__import__("signal").SIGHUP)
    served.wait_log("index reloaded (SIGHUP)")
    assert _answered_from(served.ask(user, fact.question), fact)
    assert "Aleppo" in served.ask(user, OLD_QUESTION)


def test_watcher_reloads_and_survives_a_deleted_index(served: Served) -> None:
    user, fact = next(_users), FACTS["watch"]
    assert not _answered_from(served.ask(user, fact.question), fact)
    add_document(served.corpus, fact)
    build(served.corpus, served.index)
    served.wait_log("index reloaded (index folder changed)")
    assert _answered_from(served.ask(user, fact.question), fact)
    shutil.rmtree(served.index)
    served.wait_log("INDEX FOLDER GONE")
    assert _answered_from(served.ask(user, fact.question), fact)  # from memory
    assert "Aleppo" in served.ask(user, OLD_QUESTION)


def test_admin_reload_and_a_corrupt_index(served: Served) -> None:
    user, fact = next(_users), FACTS["admin"]
    assert served.ask(user, "/reload") == tb.ADMINS_ONLY
    assert not _answered_from(served.ask(ADMIN, fact.question), fact)
    add_document(served.corpus, fact)
    build(served.corpus, served.index)
    reply = served.ask(ADMIN, "/reload")
    assert reply.startswith("Reloaded: now answering from the index built at") and "6 documents" in reply, reply
    assert _answered_from(served.ask(user, fact.question), fact)
    passages = served.index / "passages.jsonl"
    passages.write_text(passages.read_text().splitlines()[0] + "\n")  # truncated in place
    reply = served.ask(ADMIN, "/reload")
    assert reply.startswith("Reload failed:") and "inconsistent" in reply and "passages" in reply, reply
    assert "INDEX RELOAD FAILED" in served.output()
    assert _answered_from(served.ask(user, fact.question), fact)  # the old (good) index still serves
    assert "Aleppo" in served.ask(user, OLD_QUESTION)
