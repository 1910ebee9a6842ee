"""Rebuild while serving: swap in a freshly built index without stopping the bot.

`qa-bot index` writes a new index beside the old one and renames it into place, so
the index folder only ever holds a complete index. A `Reloader` loads that folder
into a complete new `Answerer` in a worker thread (reusing the embedder already in
memory), then replaces the one reference the handlers read — `holder.answerer` —
with a single assignment. A question already being answered finishes on the old
answerer; the next one uses the new. Never a mix of the two.

Triggers: SIGHUP, an admin's /reload, and `watch()`, which polls the index folder's
files (manifest.json's inode and mtime among them) every few seconds.

A load that fails (missing, corrupt, stale or half-copied index) changes nothing: the
old answerer keeps serving and one loud log line says what is wrong. The old index
needs nothing from disk any more: its passages are in memory and its vectors, FAISS
flat index and BM25 arrays are memory-mapped, and on Linux a mapping outlives the
deletion of its file — so a deleted or damaged index folder does not stop answers.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from qa_bot.index import META, IndexProblem
from qa_bot.settings import Settings

log = logging.getLogger("qa_bot.telegram_bot")  # the serve log: kept at INFO by configure_logging

WATCH_SECONDS = 2.0
Fingerprint = tuple[tuple[str, int, int, int], ...] | None


class Holder(Protocol):
    answerer: Any


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    message: str  # one line for a person (the admin's /reload reply)


def fingerprint(directory: Path) -> Fingerprint:
    """(name, inode, mtime, size) of every file in the index folder; None when there is no index.

    Any rebuild (a new folder renamed into place) or damage in place changes it.
    """
    if not (directory / META).is_file():
        return None
    found = []
    try:
        for root, _dirs, files in os.walk(directory):
            for name in files:
                path = os.path.join(root, name)
                st = os.stat(path)
                found.append((os.path.relpath(path, directory), st.st_ino, st.st_mtime_ns, st.st_size))
    except OSError:  # swapped or deleted while we looked: the next poll sees the outcome
        return None
    return tuple(sorted(found))


def describe(answerer: Any) -> str:
    """'the index built at T (N documents, M passages)' for an Answerer; '' for anything else."""
    index = getattr(answerer, "index", None)
    meta = getattr(index, "meta", None) or {}
    if index is None:
        return "the index in memory"
    return (f"the index built at {meta.get('built_at', 'an unknown time')} "
            f"({len(index.documents)} documents, {len(index.passages)} passages)")


class Reloader:
    """Loads `settings.index_dir` into a new answerer and swaps it into `holder.answerer`."""

    def __init__(self, settings: Settings, holder: Holder, load: Callable[[Settings, Any], Any] | None = None) -> None:
        self.settings = settings
        self.holder = holder
        self.directory = Path(settings.index_dir)
        self._load = load or _load_answerer
        self._lock = asyncio.Lock()
        self._seen: Fingerprint = fingerprint(self.directory)  # the folder the running answerer came from
        self._missing_logged = False

    async def reload(self, trigger: str) -> ReloadResult:
        """Load the index and swap it in; on any failure keep the old answerer and say why."""
        async with self._lock:  # one load at a time; a second request waits and loads again
            seen = fingerprint(self.directory)  # before loading: a change during the load is seen next poll
            old = self.holder.answerer
            embedder = getattr(old, "embedder", None)
            try:
                new = await asyncio.to_thread(self._load, self.settings, embedder)
            except IndexProblem as exc:
                return self._failed(trigger, str(exc), old, seen)
            except Exception as exc:  # whatever went wrong, the old index keeps serving
                log.debug("reload failure", exc_info=True)
                return self._failed(trigger, f"{type(exc).__name__}: {exc}", old, seen)
            self.holder.answerer = new  # the swap: one assignment; in-flight questions keep the old one
            self._seen = seen
            self._missing_logged = False
            message = f"Reloaded: now answering from {describe(new)}."
            log.info("index reloaded (%s): now answering from %s", trigger, describe(new))
            return ReloadResult(True, message)

    def _failed(self, trigger: str, problem: str, old: Any, seen: Fingerprint) -> ReloadResult:
        self._seen = seen  # a failed change is reported once, not at every poll
        log.error("INDEX RELOAD FAILED (%s): %s — still answering from %s", trigger, problem, describe(old))
        return ReloadResult(False, f"Reload failed: {problem}. Still answering from {describe(old)}.")

    async def check(self) -> ReloadResult | None:
        """One poll: reload when the index folder changed; None when there was nothing to do."""
        current = fingerprint(self.directory)
        if current == self._seen:
            return None
        if current is None:
            await asyncio.sleep(0.5)  # `qa-bot index` renames the old folder away just before the new one in
            current = fingerprint(self.directory)
        if current is None:
            if not self._missing_logged:
                self._missing_logged = True
                log.error("INDEX FOLDER GONE: %s has no usable index any more — still answering from memory "
                          "(%s); run `qa-bot index` to rebuild it", self.directory, describe(self.holder.answerer))
            return None
        self._missing_logged = False
        if current == self._seen:
            return None
        return await self.reload("index folder changed")

    async def watch(self, interval: float = WATCH_SECONDS) -> None:
        """Poll the index folder until cancelled."""
        while True:
            await asyncio.sleep(interval)
            try:
                await self.check()
            except asyncio.CancelledError:
                raise
            except Exception:  # the watcher must outlive any surprise
                log.exception("the index watcher failed; it keeps watching")


def _load_answerer(settings: Settings, embedder: Any) -> Any:
    from qa_bot.answer import Answerer

    return Answerer.load(settings, embedder)
