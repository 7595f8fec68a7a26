"""Bounded concurrency: `concurrency` counts requests in flight at the endpoint, in one process
and across worker processes, for batches and for a library caller's own `asummarize` calls.
The fake server counts the requests it is answering at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from summarizer import ArticleResult, Settings, Summarizer
from summarizer.endpoint import Backend
from summarizer.llm import RateGate
from summarizer.testing import FakeLLMServer
from tests.conftest import write_corpus
from tests.responders import article_responder


@pytest.mark.parametrize("workers", [1, 2])
def test_a_batch_keeps_exactly_its_concurrency_of_requests_in_flight(
    workers: int, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    """16 requests in flight from 18 articles in progress (2 spare): never more at the
    server, and the spare articles never push it past the limit."""
    paths = write_corpus(tmp_path / "articles", 40)
    with FakeLLMServer(responder=article_responder, latency=0.03) as server:
        with Summarizer(make_settings(server, concurrency=16, workers=workers)) as s:
            items = list(s.summarize_paths(paths))
        assert server.peak_in_flight == 16
    assert all(isinstance(i, ArticleResult) for i in items)


def test_a_library_callers_own_calls_share_the_limit(
    fake: FakeLLMServer, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 6)
    fake.latency = 0.02
    with Summarizer(make_settings(fake, concurrency=2)) as s:

        async def all_at_once() -> list[ArticleResult]:
            return await asyncio.gather(*(s.asummarize(s.load(p)) for p in paths))

        results = s.run_async(all_at_once())
    assert len(results) == 6
    assert fake.peak_in_flight == 2


def test_spare_articles_only_for_many_requests_to_a_remote_endpoint() -> None:
    remote = Backend(Settings(model="fake-model", base_url="http://127.0.0.1:9/v1", api_key="k"))
    assert [remote.lanes(n) for n in (1, 8, 15, 16, 32, 64)] == [1, 8, 15, 18, 36, 72]
    embedded = Backend(Settings(model="qwen2.5-coder-0.5b"))  # nothing is started
    assert embedded.lanes(32) == 32  # one article per llama.cpp slot and its prompt cache


def test_request_slots_follow_a_new_limit_and_a_new_event_loop() -> None:
    gate = RateGate()

    async def peak(calls: int) -> int:
        busy = most = 0

        async def call() -> None:
            nonlocal busy, most
            async with gate.slot():
                busy += 1
                most = max(most, busy)
                await asyncio.sleep(0.01)
                busy -= 1

        await asyncio.gather(*(call() for _ in range(calls)))
        return most

    assert asyncio.run(peak(6)) == 6  # no limit set
    gate.limit_to(2)
    assert asyncio.run(peak(6)) == 2
    assert asyncio.run(peak(6)) == 2  # the same limit from another event loop
    gate.limit_to(3)
    assert asyncio.run(peak(6)) == 3


def test_a_freed_slot_goes_to_the_waiting_call_before_the_freeing_call_runs_on() -> None:
    gate = RateGate()
    gate.limit_to(1)
    events: list[str] = []

    async def call(name: str) -> None:
        async with gate.slot():
            events.append(f"{name} sends")
            await asyncio.sleep(0.01)
        events.append(f"{name} parses")

    async def both() -> None:
        await asyncio.gather(call("a"), call("b"))

    asyncio.run(both())
    assert events == ["a sends", "b sends", "a parses", "b parses"]
