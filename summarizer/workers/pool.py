"""The parent's side of the worker processes: start them, hand out articles, collect results."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import subprocess
import sys
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from summarizer.article import Article
from summarizer.cache import ResultCache
from summarizer.errors import SummarizerError, WorkersUnavailable
from summarizer.schema import ArticleResult, Attempts, Usage
from summarizer.settings import Settings
from summarizer.usage import Ledger

__all__ = ["Outcome", "WorkerPool"]

log = logging.getLogger(__name__)

_START_TIMEOUT = 120.0


@dataclass(frozen=True)
class Outcome:
    """What a worker reports for one article: its result or error, and what it spent."""

    result: ArticleResult | None
    error: BaseException | None
    spent: Ledger = field(default_factory=Ledger)

    @property
    def usage(self) -> Usage:
        """Tokens the article's calls spent."""
        return self.spent.usage

    @property
    def attempts(self) -> Attempts:
        """The article's calls and requests."""
        return self.spent.attempts


@dataclass(eq=False)
class _Worker:
    process: subprocess.Popen[bytes]
    inbox: Connection  # parent -> worker
    outbox: Connection  # worker -> parent
    jobs: dict[int, asyncio.Future[Outcome]] = field(default_factory=dict)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and not self.outbox.closed


class WorkerPool:
    """`size` worker processes serving `ArticleRunner.run` for one parent.

    Started lazily by the first `summarize` and kept until `close`, so several batches of
    one `Summarizer` share the processes.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        size: int,
        prompts_dir: Path | None = None,
        cache: ResultCache | None = None,
    ) -> None:
        self.settings = settings
        self.size = size
        self._prompts_dir = prompts_dir
        self._cache = cache  # writes what the workers relay
        self._workers: list[_Worker] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ids = 0
        self._respawns = 0
        self._starting: asyncio.Lock | None = None
        self.start_error: WorkersUnavailable | None = None

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers and wait until each has built its ArticleRunner; raises
        `WorkersUnavailable` if they cannot start (and again on every later call)."""
        if self._workers:
            return
        if self.start_error is not None:
            raise self.start_error
        workers = [self._spawn() for _ in range(self.size)]
        try:
            for worker in workers:
                self._await_ready(worker)
        except BaseException as exc:
            for worker in workers:
                worker.process.kill()
                worker.process.wait()
            if not isinstance(exc, Exception):
                raise
            self.start_error = WorkersUnavailable(f"worker processes could not start: {exc}")
            raise self.start_error from exc
        self._workers = workers  # only now: a batch's reader must not race `_await_ready`

    def close(self) -> None:
        """Stop every worker (closing its stdin ends it) and wait for it."""
        for worker in self._workers:
            self._unwatch(worker)
            worker.inbox.close()
        for worker in self._workers:
            try:
                worker.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            self._drain(worker)  # entries of calls finished after the batch stopped
            worker.outbox.close()
        self._workers = []
        self._loop = None

    def _spawn(self) -> _Worker:
        package_root = str(Path(__file__).resolve().parents[2])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, env.get("PYTHONPATH", "")) if p
        )
        process = subprocess.Popen(
            [sys.executable, "-c", "from summarizer.workers import serve; serve()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        assert process.stdin is not None and process.stdout is not None
        inbox = Connection(os.dup(process.stdin.fileno()), readable=False)
        outbox = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        inbox.send((self.settings, self._prompts_dir, _log_levels()))
        return _Worker(process, inbox, outbox)

    def _await_ready(self, worker: _Worker) -> None:
        try:
            if not worker.outbox.poll(_START_TIMEOUT):
                raise SummarizerError(f"a worker process did not start in {_START_TIMEOUT:.0f} s")
            message = worker.outbox.recv()
        except (EOFError, OSError):
            code = worker.process.wait()
            raise SummarizerError(f"a worker process exited with code {code} on start") from None
        if message[0] == "failed":
            worker.process.wait()
            raise message[1]

    # -- the parent's side of a batch ----------------------------------------------------

    async def summarize(self, article: Article, *, requests: int) -> Outcome:
        """Summarize `article` in the least busy worker; a cancelled wait cancels it there.

        `requests` is the batch's limit of requests in flight, shared out among the workers.

        The first call starts the workers (a batch served from the memo never does); raises
        `WorkersUnavailable` if they cannot start."""
        if not self._workers:
            self._starting = self._starting or asyncio.Lock()
            async with self._starting:
                if not self._workers:
                    await asyncio.to_thread(self.start)
        self._bind(asyncio.get_running_loop())
        worker = min((w for w in self._workers if w.alive), key=lambda w: len(w.jobs), default=None)
        if worker is None:
            raise SummarizerError("no worker process is running")
        self._ids += 1
        job = self._ids
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        worker.jobs[job] = future
        try:
            share = requests // len(self._workers) + (
                self._workers.index(worker) < requests % len(self._workers)
            )
            worker.inbox.send(("job", job, article, max(1, share)))
            return await future
        except asyncio.CancelledError:
            if worker.jobs.pop(job, None) is not None and worker.alive:
                self._send(worker, ("cancel", job))
            raise
        except OSError as exc:  # the pipe broke: the worker is gone
            worker.jobs.pop(job, None)
            raise SummarizerError(f"lost the worker process: {exc}") from None

    def _bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Watch the workers' pipes from `loop` (the loop of the current batch)."""
        if self._loop is loop:
            return
        for worker in self._workers:
            self._unwatch(worker)
        self._loop = loop
        for worker in self._workers:
            loop.add_reader(worker.outbox.fileno(), self._on_message, worker)

    def _unwatch(self, worker: _Worker) -> None:
        if self._loop is not None and not self._loop.is_closed() and not worker.outbox.closed:
            self._loop.remove_reader(worker.outbox.fileno())

    def _on_message(self, worker: _Worker) -> None:
        try:
            while worker.outbox.poll():
                message = worker.outbox.recv()
                if message[0] == "cache":
                    self._write_relayed(message)
                elif message[0] == "done":
                    _, job, result, error, spent = message
                    future = worker.jobs.pop(job, None)
                    if future is not None and not future.done():
                        future.set_result(Outcome(result, error, spent))
                elif message[0] == "failed":
                    log.warning("a worker process could not start: %s", message[1])
                elif message[0] == "pause":
                    for other in self._workers:
                        if other is not worker and other.alive:
                            self._send(other, message)
        except (EOFError, OSError):
            self._lost(worker)

    def _drain(self, worker: _Worker) -> None:
        """Write the cache entries left in a stopped worker's pipe; drop anything else."""
        with contextlib.suppress(EOFError, OSError):
            while worker.outbox.poll():
                message = worker.outbox.recv()
                if message[0] == "cache":
                    self._write_relayed(message)

    def _write_relayed(self, message: tuple[Any, ...]) -> None:
        """Write a worker's ("cache", key, json) entry into this process's cache."""
        if self._cache is not None:
            self._cache.set_text(message[1], message[2])

    def _lost(self, worker: _Worker) -> None:
        """A worker died: fail the articles it held and start another in its place."""
        self._unwatch(worker)
        worker.outbox.close()
        code = worker.process.wait()
        for future in worker.jobs.values():
            if not future.done():
                future.set_exception(
                    SummarizerError(
                        f"the worker process summarizing this article exited (code {code}); "
                        "rerun to resume it (its finished calls are cached)"
                    )
                )
        worker.jobs.clear()
        log.warning("a worker process exited (code %s)", code)
        if self._respawns < self.size * 3 and self._loop is not None:
            self._respawns += 1
            fresh = self._spawn()
            self._workers[self._workers.index(worker)] = fresh
            self._loop.add_reader(fresh.outbox.fileno(), self._on_message, fresh)

    @staticmethod
    def _send(worker: _Worker, message: tuple[Any, ...]) -> None:
        with contextlib.suppress(OSError):  # its reader sees the pipe close, handles the loss
            worker.inbox.send(message)


def _log_levels() -> dict[str, int]:
    """The root logger's level and every level set on a named logger (as the CLI does for
    noisy libraries), for a worker to log as this process does."""
    levels = {"": logging.getLogger().level}
    for name, logger in logging.Logger.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            levels[name] = logger.level
    return levels
