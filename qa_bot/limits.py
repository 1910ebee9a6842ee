"""How much the bot asks of Telegram, and how much each user may ask of the bot.

Telegram limits what a bot sends (about 30 messages a second overall for free
broadcasting, 20 a minute per group, 429 RetryAfter past that), and one busy user
should not slow everyone else. Three pieces keep within that: a per-user question
window (`RateLimiter`), one overall send budget that courtesy requests never queue in
(`SendLimiter`, `send_limiter`, with as few connections as the rate needs), and
"typing…" shown at most once per chat while it lasts (`TypingShown`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import sys
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

TYPING_REPEAT = 4.5  # Telegram shows an action for 5 s (or until the bot's next message there)
COURTESY_ENDPOINTS = frozenset({"sendChatAction"})  # nice to have, never worth delaying an answer for
# Requests in flight at once, and the keep-alive connections kept for them (see
# `connections_for`). httpcore's pool checks every connection against every waiting
# request whenever one starts or ends: a burst over PTB's default 256 connections spent
# the event loop on that bookkeeping (about 6 ms of CPU per request at 32 or more in
# flight, 3.4 ms at 8; 16 instead of 8 cost the load test 50% more event-loop time),
# and the event loop is what limits this bot under a burst.
MIN_CONNECTIONS = 8  # ~200 requests a second at a 40 ms round trip, 32 at 250 ms
MAX_CONNECTIONS = 256


# --- questions: a window per user ---------------------------------------------------


@dataclass
class Admission:
    allowed: bool
    warn: bool = False  # refused, and the user has not been told yet in this window
    wait: float = 0.0


class RateLimiter:
    """A sliding one-minute window of questions per user; one warning per refused stretch."""

    def __init__(self, per_minute: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.window = window
        self.clock = clock
        self._events: dict[int, deque[float]] = {}
        self._warned_until: dict[int, float] = {}

    def admit(self, user_id: int) -> Admission:
        if self.per_minute <= 0:
            return Admission(True)
        now = self.clock()
        events = self._events.setdefault(user_id, deque())
        while events and now - events[0] >= self.window:
            events.popleft()
        if len(events) < self.per_minute:
            events.append(now)
            if len(self._events) > 10_000:
                self._prune(now)
            return Admission(True)
        free_at = events[0] + self.window
        warn = self._warned_until.get(user_id, 0.0) <= now
        if warn:
            self._warned_until[user_id] = free_at
        return Admission(False, warn, max(free_at - now, 0.0))

    def _prune(self, now: float) -> None:
        for user_id in [u for u, ev in self._events.items() if not ev or now - ev[-1] >= self.window]:
            del self._events[user_id]
            self._warned_until.pop(user_id, None)


# --- sending: one overall budget, courtesy requests only when there is room -----------------


class SendLimiter(AIORateLimiter):
    """AIORateLimiter whose courtesy requests (the typing action) never queue behind answers.

    All chat requests share one overall budget. Under a burst the budget is what limits
    delivery, and a typing action queued in it would delay a real answer by one slot
    and then show "typing…" for a reply that is already on its way. So a courtesy
    request is sent only while the budget has room, a connection slot is free and no
    flood wait (429) is running; otherwise it is skipped and reported as not sent (False).
    """

    def __init__(self, *args: Any, in_flight: int = MIN_CONNECTIONS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = in_flight
        self._slots: asyncio.Semaphore | None = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint in COURTESY_ENDPOINTS and self.busy():
            log.debug("skipped %s: the send budget is in use", endpoint)
            return False
        return await super().process_request(self._bounded(callback), args, kwargs, endpoint, data, rate_limit_args)

    def _bounded(self, callback: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Coroutine[Any, Any, Any]]:
        """`callback` once one of `in_flight` slots is free: a burst queues here, cheaply,
        not in the HTTP connection pool (whose bookkeeping grows with what it holds)."""

        async def bounded(*args: Any, **kwargs: Any) -> Any:
            if self._slots is None:
                self._slots = asyncio.Semaphore(self.in_flight)
            async with self._slots:
                return await callback(*args, **kwargs)

        return bounded

    def busy(self) -> bool:
        """True during a flood wait, when every connection slot is taken, or when the
        overall budget has no room for one more request."""
        # AIORateLimiter's own state (python-telegram-bot 22): the overall bucket, None when
        # unlimited, and an event that is cleared while a RetryAfter wait runs.
        overall = getattr(self, "_base_limiter", None)
        flood_wait = getattr(self, "_retry_after_event", None)
        if flood_wait is not None and not flood_wait.is_set():
            return True
        if self._slots is not None and self._slots.locked():
            return True
        return overall is not None and not overall.has_capacity()


def skip_missing_sniffio() -> None:
    """Make httpcore's per-request `import sniffio` cheap when sniffio is not installed.

    httpcore (under httpx, under python-telegram-bot) imports sniffio each time it sets
    up a lock or an event, several times per request, and falls back to asyncio when the
    import fails. A failed import is not cached: each one searches sys.path again
    (~55 us), a quarter of the event loop's time under a burst of answers. A None entry
    in sys.modules makes the failure immediate, with the same fallback.
    """
    try:
        import sniffio  # noqa: F401
    except ImportError:
        sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


def connections_for(rate: float) -> int:
    """Requests in flight (and connections) that `rate` requests a second need at a 250 ms
    round trip; no more, since each one costs the event loop bookkeeping on every request.

    Without a rate limit (0) the minimum: 8 carry more than this process answers on
    2 cores; a bot allowed 1000 a second (paid broadcasts) sets that rate instead.
    """
    if rate <= 0:
        return MIN_CONNECTIONS
    return max(MIN_CONNECTIONS, min(MAX_CONNECTIONS, math.ceil(rate / 4)))


def send_limiter(rate: float, max_retries: int = 3) -> SendLimiter:
    """At most `rate` chat requests a second overall (0: no overall limit), 429s retried.

    The bucket holds at least one request (aiolimiter refuses a request larger than the
    bucket), so a rate below 1 becomes one request every 1/rate seconds.
    """
    in_flight = connections_for(rate)
    if rate <= 0:
        return SendLimiter(overall_max_rate=0, max_retries=max_retries, in_flight=in_flight)
    burst = max(rate, 1.0)
    return SendLimiter(overall_max_rate=burst, overall_time_period=burst / rate, max_retries=max_retries,
                       in_flight=in_flight)


class TypingShown:
    """Until when each chat (and forum topic) shows our "typing…".

    Telegram shows an action for the whole chat, for 5 s or until the bot's next
    message there. So one action serves every question pending in a chat: four
    questions asked at once need one, not four; after an answer is sent, the next
    pending question shows it again.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, limit: int = 10_000) -> None:
        self.clock = clock
        self.limit = limit
        self._until: OrderedDict[tuple[int, int | None], float] = OrderedDict()

    def due(self, key: tuple[int, int | None]) -> bool:
        return self._until.get(key, 0.0) <= self.clock()

    def shown(self, key: tuple[int, int | None]) -> None:
        self._until[key] = self.clock() + TYPING_REPEAT
        self._until.move_to_end(key)
        if len(self._until) > self.limit:
            self._until.popitem(last=False)

    def cleared(self, key: tuple[int, int | None]) -> None:
        self._until.pop(key, None)
