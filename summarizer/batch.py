"""A batch of inputs: input order, duplicates, the token budget, the memo, lanes and workers.

At most `limit` requests are in flight; a few more articles than that are in progress
(`Backend.lanes`), so that a request slot never waits for an article between two of its
calls. Loading runs ahead of the lanes (within a reorder window): only the summarizing holds
a lane, so a lane never waits for a file to be read and split. Items are handed out in input
order, each one's cache writes (its memo among them) on disk first: a run killed after
writing an item reruns it from the memo.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import time
from collections.abc import AsyncGenerator, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.article import Article
from summarizer.article_run import ArticleRunner
from summarizer.budget import MIN_WINDOW, WINDOW_PER_LANE
from summarizer.cache_keys import MemoEntry
from summarizer.errors import BudgetExhaustedError, SummarizerError, WorkersUnavailable
from summarizer.schema import ArticleResult, Attempts, Usage
from summarizer.sources import Source, iter_sources, load_source
from summarizer.usage import Ledger
from summarizer.workers import WorkerPool

__all__ = ["Batch", "Duplicate", "Item", "ItemError"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ItemError:
    """One input that failed; the batch goes on without it."""

    id: str
    path: str | None
    error: SummarizerError
    usage: Usage = field(default_factory=Usage)
    requests: int = 0

    @classmethod
    def of(cls, source: Source, exc: Exception, spent: Ledger) -> ItemError:
        """`source` failed with `exc` after spending what `spent` records."""
        failure = (
            exc
            if isinstance(exc, SummarizerError)
            else SummarizerError(f"{source.origin}: unexpected {type(exc).__name__}: {exc}")
        )
        return cls(source.id, source.origin, failure, usage=spent.usage, requests=spent.requests)

    @property
    def message(self) -> str:
        """A one-line, human-readable reason."""
        return str(self.error)

    @property
    def kind(self) -> str:
        """The error class name, e.g. 'InputError'."""
        return type(self.error).__name__


@dataclass(frozen=True)
class Duplicate:
    """An input whose cleaned text equals an earlier input's: summarized once, not twice."""

    id: str
    path: str | None
    of: str

    @property
    def message(self) -> str:
        """A one-line note for reports."""
        return f"{self.path or self.id}: duplicate of {self.of}, not summarized again"


Item = ArticleResult | ItemError | Duplicate
"""What a batch yields per input."""


class Batch:
    """One batch: yields an `Item` per input, in input order; never stops on a failure."""

    def __init__(
        self,
        runner: ArticleRunner,
        *,
        limit: int,
        pool: WorkerPool | None,
        loader: ThreadPoolExecutor,
    ) -> None:
        self._runner = runner
        self._settings = runner.settings
        self._cache = runner.cache
        self._limit = limit  # requests in flight
        self._pool = pool
        self._loader = loader
        lanes = runner.backend.lanes(limit)  # articles in progress
        self._window = max(lanes * WINDOW_PER_LANE, MIN_WINDOW)
        self._lanes = asyncio.Semaphore(lanes)
        self._seen: dict[str, str] = {}  # sha256 of cleaned text -> id of its first input
        self._spent = 0  # tokens
        self._warned_workers = False
        runner.backend.gate.limit_to(limit)

    def items(self, paths: Iterable[Path | str]) -> AsyncGenerator[Item, None]:
        """An item per input of `paths` (see `summarizer.sources`), in input order."""
        return self.items_of(iter_sources(paths))

    async def items_of(self, sources: Iterable[Source]) -> AsyncGenerator[Item, None]:
        """An item per source, in their order."""
        source = iter(sources)
        pending: list[asyncio.Task[Item]] = []
        previous_loaded: asyncio.Event | None = None
        exhausted = False
        try:
            while True:
                while not exhausted and len(pending) < self._window:
                    try:
                        src = next(source)
                    except StopIteration:
                        exhausted = True
                        break
                    loaded = asyncio.Event()
                    pending.append(asyncio.ensure_future(self._one(src, previous_loaded, loaded)))
                    previous_loaded = loaded
                if not pending:
                    return
                yield await pending.pop(0)
        finally:
            for task in pending:
                task.cancel()

    async def _one(self, src: Source, after: asyncio.Event | None, loaded: asyncio.Event) -> Item:
        """The item of `src`, once the cache writes so far are on disk. `after` is set once
        the previous input is loaded; `loaded` once this one is. A stream (a pipe, a FIFO)
        may wait for its writer: the inputs after it do not wait for it to load, so a
        duplicate between them is reported on whichever loads second."""
        if src.stream:
            loaded.set()
        try:
            item = await self._item(src, after, loaded)
        finally:
            loaded.set()
        if not (written := self._cache.flushed()).done():
            await asyncio.wrap_future(written)
        return item

    async def _first_seen(
        self, src: Source, digest: str, after: asyncio.Event | None
    ) -> Duplicate | None:
        """Judged in input order: a Duplicate if an earlier input had the same cleaned
        text (`digest`), else None, and this input is remembered as its first."""
        if after is not None:
            await after.wait()
        if digest in self._seen:
            return Duplicate(id=src.id, path=src.origin, of=self._seen[digest])
        self._seen[digest] = src.id
        return None

    async def _item(self, src: Source, after: asyncio.Event | None, loaded: asyncio.Event) -> Item:
        """Recall or load, check for a duplicate (in input order), summarize; errors become
        items."""
        ledger: Ledger | None = None  # made once there is something to spend on
        try:
            started = time.perf_counter()
            if (recalled := await self._recalled(src, after, started)) is not None:
                return recalled
            ledger = Ledger()
            article = await asyncio.get_running_loop().run_in_executor(
                None if src.stream else self._loader,  # a stream may wait: not in the queue
                functools.partial(
                    load_source,
                    src,
                    max_chars=self._settings.max_chars,
                    rules=self._runner.rules,
                ),
            )
            digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
            if duplicate := await self._first_seen(src, digest, after):
                return duplicate
            loaded.set()
            async with self._lanes:
                result = await self._summarize(src, article, ledger)
            self._memoize(src, article, result, digest)
            return result
        except Exception as exc:  # one item's failure, however unexpected, is its own
            return ItemError.of(src, exc, ledger or Ledger())
        finally:
            self._spent += ledger.tokens if ledger is not None else 0

    async def _recalled(
        self, src: Source, after: asyncio.Event | None, started: float
    ) -> Item | None:
        """A finished article's memoized result as this run's (or a Duplicate): no loading,
        no lookups; None if it is not memoized (or the run refreshes)."""
        if not self._cache.enabled or self._settings.refresh:
            return None
        key = self._runner.keys.memo(src)
        entry = MemoEntry.decode(self._cache.get(key)) if key is not None else None
        if entry is None:
            return None
        if duplicate := await self._first_seen(src, entry.text_sha256, after):
            return duplicate
        return as_rerun(entry.result, id=src.id, path=src.origin, started=started)

    def _memoize(self, src: Source, article: Article, result: ArticleResult, digest: str) -> None:
        if self._cache.enabled and (key := self._runner.keys.memo(src, article.sha256)):
            self._cache.set(key, MemoEntry(result=result, text_sha256=digest).encode())

    async def _summarize(self, src: Source, article: Article, ledger: Ledger) -> ArticleResult:
        """Summarize in a worker process if the batch has them, else here; not at all once the
        run's token budget is spent."""
        budget = self._settings.max_tokens_total
        if budget is not None and self._spent >= budget:
            raise BudgetExhaustedError(
                f"{src.origin}: not started, the run's token budget of {budget:,} "
                "is spent; rerun to resume (finished work is cached)",
                budget=budget,
            )
        pool = self._pool
        if pool is None or pool.start_error is not None:
            return await self._runner.run(article, ledger)
        try:
            outcome = await pool.summarize(article, requests=self._limit)
        except WorkersUnavailable as exc:
            if not self._warned_workers:
                self._warned_workers = True
                log.warning("%s; summarizing in this process instead", exc)
            return await self._runner.run(article, ledger)
        ledger.take(outcome.spent)
        if outcome.error is not None:
            raise outcome.error
        assert outcome.result is not None
        return outcome.result


def as_rerun(result: ArticleResult, *, id: str, path: str, started: float) -> ArticleResult:
    """A memoized result as this run's: its id and path, and the provenance a rerun served
    call by call from the cache would show (every call a hit, its tokens saved, none spent)."""
    p = result.provenance
    provenance = p.model_copy(
        update={
            "cache": dict.fromkeys(p.cache, "hit"),
            "attempts": Attempts(calls=p.attempts.calls, truncated=p.attempts.truncated),
            "usage": Usage(),
            "saved_usage": p.usage + p.saved_usage,
            "seconds": round(time.perf_counter() - started, 3),
            "batch": None,
        }
    )
    return result.model_copy(update={"id": id, "source_path": path, "provenance": provenance})
