"""Questions arriving together are answered in one batch, each getting its own answer."""

from __future__ import annotations

import asyncio

import pytest

from qa_bot.batching import AnswerBatcher
from qa_bot.models import Answer


def test_concurrent_questions_share_batches_and_get_their_own_answers() -> None:
    calls: list[list[str]] = []

    def answer_many(questions: list[str], k: int) -> list[Answer]:
        calls.append(list(questions))
        return [Answer(f"{q}|k={k}", False, []) for q in questions]

    async def scenario() -> list[Answer]:
        batcher = AnswerBatcher(answer_many, window=0.05)
        answers = await asyncio.gather(*(batcher.ask(f"q{i}", 5) for i in range(20)))
        await batcher.close()
        return answers

    answers = asyncio.run(scenario())
    assert [a.question for a in answers] == [f"q{i}|k=5" for i in range(20)]
    assert len(calls) < 20 and sum(len(c) for c in calls) == 20


def test_different_k_are_answered_separately_and_errors_reach_every_waiter() -> None:
    def answer_many(questions: list[str], k: int) -> list[Answer]:
        if k == 3:
            raise RuntimeError("index gone")
        return [Answer(q, False, []) for q in questions]

    async def scenario() -> tuple[Answer, list[BaseException]]:
        batcher = AnswerBatcher(answer_many, window=0.05)
        results = await asyncio.gather(batcher.ask("a", 5), batcher.ask("b", 3), batcher.ask("c", 3),
                                       return_exceptions=True)
        await batcher.close()
        return results[0], results[1:]

    good, failed = asyncio.run(scenario())
    assert good.question == "a"
    assert all(isinstance(e, RuntimeError) and "index gone" in str(e) for e in failed)


@pytest.mark.parametrize("max_batch", [1, 4])
def test_batches_never_exceed_the_maximum(max_batch: int) -> None:
    sizes: list[int] = []

    def answer_many(questions: list[str], k: int) -> list[Answer]:
        sizes.append(len(questions))
        return [Answer(q, False, []) for q in questions]

    async def scenario() -> None:
        batcher = AnswerBatcher(answer_many, window=0.05, max_batch=max_batch)
        await asyncio.gather(*(batcher.ask(str(i), 5) for i in range(10)))
        await batcher.close()

    asyncio.run(scenario())
    assert max(sizes) <= max_batch and sum(sizes) == 10


def test_a_slow_batch_does_not_hold_up_later_questions() -> None:
    import threading
    import time

    release = threading.Event()

    def answer_many(questions: list[str], k: int) -> list[Answer]:
        if "slow" in questions:
            release.wait(5)
        return [Answer(q, False, []) for q in questions]

    async def scenario() -> list[str]:
        batcher = AnswerBatcher(answer_many, window=0.01, workers=2)
        order: list[str] = []

        async def ask(question: str) -> None:
            await batcher.ask(question, 5)
            order.append(question)

        slow = asyncio.create_task(ask("slow"))
        await asyncio.sleep(0.1)  # the slow batch is now running
        await ask("fast")
        release.set()
        await slow
        await batcher.close()
        return order

    started = time.perf_counter()
    assert asyncio.run(scenario()) == ["fast", "slow"]
    assert time.perf_counter() - started < 5


def test_questions_arriving_while_the_workers_are_busy_make_the_next_batch_whole() -> None:
    import threading

    release = threading.Event()
    sizes: list[int] = []

    def answer_many(questions: list[str], k: int) -> list[Answer]:
        sizes.append(len(questions))
        if questions == ["first"]:
            release.wait(5)
        return [Answer(q, False, []) for q in questions]

    async def scenario() -> None:
        batcher = AnswerBatcher(answer_many, window=0.01, workers=1)
        first = asyncio.create_task(batcher.ask("first", 5))
        await asyncio.sleep(0.05)  # the only worker is now busy
        later = []
        for i in range(6):  # further apart than the window: a timer alone would batch them one by one
            later.append(asyncio.create_task(batcher.ask(f"q{i}", 5)))
            await asyncio.sleep(0.03)
        release.set()
        await asyncio.gather(first, *later)
        await batcher.close()

    asyncio.run(scenario())
    assert sizes == [1, 6]
