"""Per-user question windows, the overall send budget and the typing indicator (qa_bot/limits.py)."""

from __future__ import annotations

import asyncio

import pytest

from qa_bot import limits


def test_rate_limiter_sliding_window_and_single_warning() -> None:
    now = [0.0]
    limiter = limits.RateLimiter(3, clock=lambda: now[0])
    assert [limiter.admit(1).allowed for _ in range(3)] == [True, True, True]
    first = limiter.admit(1)
    assert not first.allowed and first.warn and first.wait == pytest.approx(60)
    now[0] = 30
    second = limiter.admit(1)
    assert not second.allowed and not second.warn and second.wait == pytest.approx(30)
    assert limiter.admit(2).allowed  # per user
    now[0] = 60.5
    assert limiter.admit(1).allowed
    assert limits.RateLimiter(0).admit(1).allowed  # 0 = unlimited


def test_send_limiter_skips_typing_when_the_budget_is_spent() -> None:
    async def scenario(rate: float, endpoints: list[str]) -> list[str]:
        limiter, sent = limits.send_limiter(rate), []

        async def request(endpoint: str) -> bool:
            sent.append(endpoint)
            return True

        for endpoint in endpoints:
            result = await limiter.process_request(request, (endpoint,), {}, endpoint, {"chat_id": 5}, None)
            assert result is (endpoint in sent[-1:])  # a skipped action reports False: not sent
        return sent

    burst = ["sendMessage", "sendMessage", "sendChatAction"]
    # A budget of 2 a second is spent by two answers: the typing action is skipped, not queued.
    assert asyncio.run(scenario(2, burst)) == ["sendMessage", "sendMessage"]
    assert asyncio.run(scenario(30, burst)) == burst
    assert asyncio.run(scenario(0, ["sendMessage"] * 100 + ["sendChatAction"])) == ["sendMessage"] * 100 + ["sendChatAction"]
    assert asyncio.run(scenario(0.5, ["sendMessage", "sendChatAction"])) == ["sendMessage"]  # one every 2 s


def test_typing_shown_once_per_chat_until_it_lapses_or_a_message_clears_it() -> None:
    now = [0.0]
    shown = limits.TypingShown(clock=lambda: now[0], limit=2)
    chat, topic = (1, None), (1, 7)
    assert shown.due(chat)
    shown.shown(chat)
    assert not shown.due(chat) and shown.due(topic)  # a forum topic shows its own
    now[0] = limits.TYPING_REPEAT - 0.1
    assert not shown.due(chat)
    now[0] = limits.TYPING_REPEAT
    assert shown.due(chat)  # about to lapse: renew it
    shown.shown(chat)
    shown.cleared(chat)  # an answer was sent there: Telegram no longer shows typing
    assert shown.due(chat)
    for key in [(2, None), (3, None), (4, None)]:
        shown.shown(key)
    assert shown.due((2, None)) and not shown.due((4, None))  # bounded: the oldest is forgotten


def test_connections_grow_with_the_send_rate_within_bounds() -> None:
    assert limits.connections_for(0) == limits.MIN_CONNECTIONS  # no limit: the minimum carries it
    assert limits.connections_for(30) == limits.MIN_CONNECTIONS
    assert limits.connections_for(1000) == 250
    assert limits.connections_for(10**6) == limits.MAX_CONNECTIONS
