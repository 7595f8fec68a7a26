"""The `Summarizer` facade (sync and async API, lifecycle) and the one-line `summarize()`.

The sync API runs the async one on a private event-loop thread (`summarizer.loop_thread`),
so one client and one embedded server serve every call of a `Summarizer`. One article's run
is `summarizer.article_run`; a batch's is `summarizer.batch`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Coroutine, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import openai

from summarizer.article import Article, from_text
from summarizer.article_run import ArticleRunner
from summarizer.batch import Batch, Item
from summarizer.digest import Digest, DigestFileError, build_digest, load_results
from summarizer.digest.judge import digest_calls
from summarizer.loop_thread import LoopThread
from summarizer.schema import ArticleResult
from summarizer.settings import Settings
from summarizer.sources import load_path
from summarizer.usage import Ledger
from summarizer.workers import WorkerPool

__all__ = ["Summarizer", "summarize"]

T = TypeVar("T")


class Summarizer:
    """Summarize, translate and extract grounded claims from news articles.

    >>> with Summarizer() as s:  # doctest: +SKIP
    ...     result = s.summarize_file(Path("seeds/001_921c84898896e6e9.txt"))
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        client: openai.AsyncOpenAI | None = None,
        prompts_dir: Path | None = None,
    ) -> None:
        self.settings = settings or Settings.from_env()
        self._runner = ArticleRunner(self.settings, client=client, prompts_dir=prompts_dir)
        self._backend = self._runner.backend
        self._prompts_dir = prompts_dir
        self._loop: LoopThread | None = None
        self._pool: WorkerPool | None = None
        self._load_thread: ThreadPoolExecutor | None = None

    # -- public sync API -------------------------------------------------------------------

    def summarize_text(self, text: str, *, id: str = "article") -> ArticleResult:
        """Summarize one article given as text."""
        return self.run_async(self.asummarize(self._from_text(text, id)))

    def summarize_file(self, path: Path | str) -> ArticleResult:
        """Summarize one article file."""
        return self.run_async(self.asummarize(self.load(path)))

    def translate_text(self, text: str, *, id: str = "article") -> list[str]:
        """Translate an article into English, one string per cleaned source paragraph."""
        return self.run_async(self.atranslate(self._from_text(text, id)))

    def summarize_paths(
        self, paths: Iterable[Path | str], *, concurrency: int | None = None
    ) -> Iterator[Item]:
        """Yield a result, `ItemError` or `Duplicate` per input, in input order; never stops."""
        agen = self.asummarize_paths(paths, concurrency=concurrency)
        yield from self._ensure_loop().iterate(agen)

    def summarize_dataset(
        self,
        paths: Iterable[Path | str],
        *,
        address: str | None = None,
        actors: int | None = None,
        concurrency: int | None = None,
    ) -> Iterator[Item]:
        """`summarize_paths` on a Ray cluster (extra `ray`): the inputs as a Ray dataset, each
        of `actors` actors (default: one per CPU) with its own client, cache and `concurrency`
        requests in flight. Yields an item per input, in input order; finished articles (the
        memo) are recalled without a call; an auth or quota error stops the job (its item is
        yielded, then it is raised). `address`: None (the Ray this process is connected to,
        else `RAY_ADDRESS`, else a new local one) or "auto". Raises `ConfigError` if Ray is
        not installed, or for a "ray://" address (Ray Data cannot run through Ray Client).
        See `summarizer.engines`."""
        from summarizer.engines import RayEngine

        engine = RayEngine(
            self.settings,
            runner=self._runner,
            prompts_dir=self._prompts_dir,
            address=address,
            actors=actors,
            concurrency=concurrency,
        )
        return engine.items(paths)

    def digest(
        self, results: Iterable[ArticleResult], errors: Iterable[DigestFileError] = ()
    ) -> Digest:
        """Group `results` into events, merge their claims and flag discrepancies; `errors`
        (files the caller could not read) are carried into the digest."""
        return self.run_async(self.adigest(results, errors))

    def digest_paths(self, paths: Iterable[Path | str]) -> Digest:
        """The digest of result files (or folders of them) that a run wrote; a file that
        cannot be used is an error in the digest, not an exception."""
        results, errors = load_results(Path(p) for p in paths)
        return self.digest(results, errors)

    def load(self, path: Path | str) -> Article:
        """Read and clean one article with this summarizer's limits and boilerplate rules."""
        return load_path(Path(path), max_chars=self.settings.max_chars, rules=self._runner.rules)

    def _from_text(self, text: str, id: str) -> Article:
        return from_text(text, id=id, max_chars=self.settings.max_chars, rules=self._runner.rules)

    @property
    def prompt_versions(self) -> dict[str, str]:
        """Each task's template versions and fingerprint, as recorded in provenance."""
        return self._runner.prompt_versions

    @property
    def concurrency(self) -> int:
        """Requests in flight at once (`summarize_paths` unless told otherwise, and this
        process's own calls)."""
        return self._backend.default_concurrency

    @property
    def workers(self) -> int:
        """Processes `summarize_paths` runs articles in at the default concurrency."""
        return self._backend.workers(self.concurrency)

    def run_async(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run a coroutine of this summarizer (e.g. `asummarize`) from sync code."""
        return self._ensure_loop().run(coro)

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Stop the worker processes and the embedded server (if started) and the loop
        thread, and close the cache."""
        if self._loop is not None:
            self._loop.run(self._runner.aclose_client())
            self._loop.close()
            self._loop = None
        self._release()

    async def aclose(self) -> None:
        """`close` for async code: what it started, on a loop of the caller's."""
        await self._runner.aclose_client()
        self._release()

    def _release(self) -> None:
        if self._pool is not None:
            self._pool.close()  # first: it writes the entries its workers relayed
            self._pool = None
        if self._load_thread is not None:
            self._load_thread.shutdown(wait=False, cancel_futures=True)
            self._load_thread = None
        self._runner.close()

    def __enter__(self) -> Summarizer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ensure_loop(self) -> LoopThread:
        if self._loop is None:
            self._loop = LoopThread()
        return self._loop

    def _loader(self) -> ThreadPoolExecutor:
        """One thread reads and splits a batch's articles, in input order. Loading is
        pure-Python CPU work: more threads would only share the GIL and finish every
        article late instead of the first ones early."""
        if self._load_thread is None:
            self._load_thread = ThreadPoolExecutor(1, thread_name_prefix="summarizer-load")
        return self._load_thread

    def _worker_pool(self, concurrency: int) -> WorkerPool | None:
        """The worker processes for a batch of `concurrency` (kept for later batches; they
        start with the first article to summarize); None to run in this process."""
        size = self._backend.workers(concurrency)
        if size > 1 and self._pool is None:
            self._pool = WorkerPool(
                self.settings, size=size, prompts_dir=self._prompts_dir, cache=self._runner.cache
            )
        return self._pool if size > 1 else None

    # -- async API -------------------------------------------------------------------------

    async def asummarize_paths(
        self, paths: Iterable[Path | str], *, concurrency: int | None = None
    ) -> AsyncGenerator[Item, None]:
        """Bounded-concurrency batch; yields in input order with a bounded reorder window.

        At most `concurrency` requests are in flight (default: the backend's); see
        `summarizer.batch`. Inputs are files, folders (walked recursively), JSON/JSONL record
        files and '-' for standard input (see `summarizer.sources`).
        """
        limit = concurrency or self.concurrency  # requests in flight
        pool = self._worker_pool(limit)
        batch = Batch(self._runner, limit=limit, pool=pool, loader=self._loader())
        async with contextlib.aclosing(batch.items(paths)) as items:
            async for item in items:
                yield item

    async def adigest(
        self, results: Iterable[ArticleResult], errors: Iterable[DigestFileError] = ()
    ) -> Digest:
        """`digest`, in the caller's event loop."""
        runner = self._runner
        calls = digest_calls(
            self.settings,
            runner.backend,
            runner.cache,
            runner.rules.fingerprint,
            Ledger(),
            self._prompts_dir,
        )
        return await build_digest(list(results), calls, list(errors))

    async def asummarize(self, article: Article) -> ArticleResult:
        """Run the tasks for one loaded article, chunk by chunk if it is long."""
        return await self._runner.run(article)

    async def atranslate(self, article: Article, ledger: Ledger | None = None) -> list[str]:
        """English paragraphs, one per source paragraph (English sources pass through);
        the calls are recorded in `ledger` if given."""
        return await self._runner.translate(article, ledger)


def summarize(text: str, *, settings: Settings | None = None) -> ArticleResult:
    """One-liner on the defaults: summarize `text` and return its result."""
    with Summarizer(settings) as summarizer:
        return summarizer.summarize_text(text)
