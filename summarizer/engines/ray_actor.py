"""The article actor of a Ray run: the `map_batches` class that summarizes a batch of input rows.

Each actor holds what a `Summarizer` holds for a batch (`ArticleRunner`: its own async client,
its own cache handle, its own request slots) on a private event loop (`LoopThread`). Ray Data
calls it with a few batches at once (`max_concurrent_calls_per_actor`), from as many threads:
their articles share the actor's lanes, so no lane idles while a batch waits for its slowest
article. An article's run mirrors `summarizer.batch`: recall it from the memo (no call), else
load it, ask the run which input first had its cleaned text (`RunState.claim`: a later one is
a duplicate, not summarized), take a lane, check the run's token budget, summarize, memoize,
and return only once its cache writes are on disk, so that a batch redone after this actor
died recalls every article that finished here.

An auth or quota error stops the job: the actor tells the run, every actor cancels what it
has in progress, and each batch in progress raises, which fails the Ray Data job at once.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai

from summarizer.article_run import ArticleRunner
from summarizer.batch import ItemError, as_rerun
from summarizer.cache_keys import MemoEntry
from summarizer.engines.ray_rows import (
    dataset_row,
    duplicate_row,
    error_row,
    ok_row,
    source_of,
)
from summarizer.engines.ray_shared import RunLink
from summarizer.errors import AuthError, BudgetExhaustedError, QuotaError, SummarizerError
from summarizer.loop_thread import LoopThread
from summarizer.settings import Settings
from summarizer.sources import load_source
from summarizer.usage import Ledger

__all__ = ["ArticleActor"]


class ArticleActor:
    """Summarizes batches of input rows (a `map_batches` class; see the module docstring).

    Args:
        settings: the run's settings (as the driver resolved them).
        state: the run's `RunState` actor handle.
        concurrency: requests this actor keeps in flight.
        prompts_dir: the driver's prompt folder override, if any.
        server_prefix: name prefix of the per-node embedded servers (`NodeServer`), when the
            model is the embedded one; the actor joins its node's server.
        dataset: return rows as a written dataset holds them (`DATASET_COLUMNS`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        state: Any,
        concurrency: int,
        prompts_dir: Path | None = None,
        server_prefix: str | None = None,
        dataset: bool = False,
    ) -> None:
        import ray

        self._client = _node_client(settings, server_prefix) if server_prefix else None
        self._runner = ArticleRunner(settings, client=self._client, prompts_dir=prompts_dir)
        self._settings = settings
        self._cache = self._runner.cache
        self._dataset = dataset
        gate = self._runner.backend.gate
        gate.limit_to(concurrency)
        self._lanes = asyncio.Semaphore(self._runner.backend.lanes(concurrency))
        self._loader = ThreadPoolExecutor(1, thread_name_prefix="summarizer-load")
        self._tasks: set[asyncio.Task[dict[str, Any]]] = set()
        self._loop: LoopThread | None = LoopThread()
        self._link = RunLink(state, gate, self._stopped)
        actor = ray.get_runtime_context().get_actor_id() or f"pid-{os.getpid()}"
        self._loop.run(self._link.start(actor, os.getpid()))

    @property
    def _thread(self) -> LoopThread:
        assert self._loop is not None, "the actor is closed"
        return self._loop

    def __call__(self, batch: Any) -> dict[str, list[Any]]:
        """The outcome rows of a batch of input rows (an Arrow table), in its order."""
        rows: list[dict[str, Any]] = batch.to_pylist()
        outcomes = self._thread.run(self._batch(rows))
        if self._dataset:
            outcomes = [dataset_row(o) for o in outcomes]
        return {name: [o[name] for o in outcomes] for name in outcomes[0]}

    async def _batch(self, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        tasks = [asyncio.ensure_future(self._article(row)) for row in rows]
        self._tasks.update(tasks)
        try:
            done = await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            self._tasks.difference_update(tasks)
        if self._link.fatal is not None:
            raise SummarizerError(f"the job stopped: {self._link.fatal}")
        for outcome in done:
            if isinstance(outcome, BaseException):
                raise outcome
        outcomes = [o for o in done if isinstance(o, dict)]
        self._link.tally([o["status"] for o in outcomes])
        return outcomes

    def __del__(self) -> None:
        """Ray Data's graceful end of the actor: close the client and the cache (a killed
        actor skips this; its finished articles' cache writes are on disk already)."""
        loop = getattr(self, "_loop", None)
        if loop is None:
            return
        self._loop = None
        try:
            self._link.close()
            loop.run(self._aclose())
            self._runner.close()
            self._loader.shutdown(wait=False, cancel_futures=True)
        finally:
            loop.close()

    async def _aclose(self) -> None:
        await self._runner.aclose_client()
        if self._client is not None:
            await self._client.close()

    def _stopped(self, error: SummarizerError) -> None:
        """The job stopped (here or in another actor): cancel every article in progress."""
        for task in list(self._tasks):
            task.cancel()

    async def _article(self, row: dict[str, Any]) -> dict[str, Any]:
        """One input row's outcome row; never raises but for cancellation."""
        src = source_of(row)
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        ledger: Ledger | None = None
        digest = ""
        try:
            if src.error is not None:
                raise src.error
            key = await loop.run_in_executor(self._loader, self._runner.keys.memo, src) or ""
            if (entry := self._recall(key)) is not None:
                owner = await self._link.claim(entry.text_sha256, row["index"], src.id)
                if owner[0] < row["index"]:
                    return duplicate_row(row, owner[1], entry.text_sha256)
                result = as_rerun(entry.result, id=src.id, path=src.origin, started=started)
                return ok_row(row, result, entry.text_sha256, key)
            ledger = Ledger()
            load = functools.partial(
                load_source, src, max_chars=self._settings.max_chars, rules=self._runner.rules
            )
            article = await loop.run_in_executor(self._loader, load)
            digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
            owner = await self._link.claim(digest, row["index"], src.id)
            if owner[0] < row["index"]:
                return duplicate_row(row, owner[1], digest)
            async with self._lanes:
                await self._admit(src.origin)
                try:
                    result = await self._runner.run(article, ledger)
                finally:  # counted before the lane goes to another article, as in one process
                    await self._link.spend(ledger.tokens)
            key = self._runner.keys.memo(src, article.sha256) or ""
            if key and self._cache.enabled:
                self._cache.set(key, MemoEntry(result=result, text_sha256=digest).encode())
            await asyncio.wrap_future(self._cache.flushed())
            return ok_row(row, result, digest, key)
        except Exception as exc:  # one article's failure, however unexpected, is its own
            item = ItemError.of(src, exc, ledger or Ledger())
            if isinstance(item.error, AuthError | QuotaError):
                await self._link.stop(item.error)
            return error_row(row, item, digest)

    def _recall(self, key: str) -> MemoEntry | None:
        """The memoized result of a finished article (the checkpoint), unless refreshing."""
        if not key or not self._cache.enabled or self._settings.refresh:
            return None
        return MemoEntry.decode(self._cache.get(key))

    async def _admit(self, origin: str) -> None:
        """Raise unless the run may start another article (its budget, its stop)."""
        if await self._link.admit():
            return
        if self._link.fatal is not None:
            raise SummarizerError(f"{origin}: not started, the job stopped")
        budget = self._settings.max_tokens_total or 0
        raise BudgetExhaustedError(
            f"{origin}: not started, the run's token budget of {budget:,} "
            "is spent; rerun to resume (finished work is cached)",
            budget=budget,
        )


def _node_client(settings: Settings, server_prefix: str) -> openai.AsyncOpenAI:
    """A client of this node's embedded server (`NodeServer`), started if it is not yet."""
    import ray

    node = ray.get_runtime_context().get_node_id()
    server = ray.get_actor(f"{server_prefix}{node}")
    address: Any = ray.get(server.address.remote())
    base_url, api_key = address
    return openai.AsyncOpenAI(
        base_url=base_url,
        api_key=api_key,
        max_retries=0,
        timeout=settings.timeout,
        http_client=openai.DefaultAsyncHttpxClient(trust_env=False),
    )
