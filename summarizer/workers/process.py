"""A worker process's own side: read jobs from stdin, run each article, write outcomes."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import pickle
import signal
import sys
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from summarizer.article import Article
from summarizer.article_run import ArticleRunner
from summarizer.errors import SummarizerError
from summarizer.schema import ArticleResult
from summarizer.settings import Settings
from summarizer.usage import Ledger

__all__ = ["serve"]


def serve() -> None:
    """Entry point of a worker: read jobs from stdin, write outcomes to stdout."""
    inbox = Connection(os.dup(0), writable=False)
    outbox = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # stray prints go to stderr, never into the message stream
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    settings, prompts_dir, levels = inbox.recv()
    logging.basicConfig(stream=sys.stderr, format="%(message)s")
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    asyncio.run(_serve_async(inbox, outbox, settings, prompts_dir))


async def _serve_async(
    inbox: Connection, outbox: Connection, settings: Settings, prompts_dir: Path | None
) -> None:
    try:
        runner = ArticleRunner(settings, prompts_dir=prompts_dir)
    except Exception as exc:
        _reply(outbox, ("failed", exc))
        return
    _freeze_heap()
    await _Jobs(runner, inbox, outbox).serve()


class _Jobs:
    """The articles this worker runs, each a task on its loop, until its stdin closes."""

    def __init__(self, runner: ArticleRunner, inbox: Connection, outbox: Connection) -> None:
        self.runner, self.inbox, self.outbox = runner, inbox, outbox
        self.loop = asyncio.get_running_loop()
        self.tasks: dict[int, asyncio.Task[None]] = {}
        self.ended: asyncio.Future[None] = self.loop.create_future()
        self.thawed = True  # until the first article is done (see `_freeze_heap`)
        if runner.cache.enabled:  # the parent writes (see `summarizer.workers`)
            runner.cache.relay = lambda key, text: _reply(outbox, ("cache", key, text))
        runner.backend.gate.on_pause = lambda seconds: _reply(outbox, ("pause", seconds))

    async def serve(self) -> None:
        """Run jobs until the parent closes this worker's stdin; then cancel what is left."""
        self.loop.add_reader(self.inbox.fileno(), self.on_message)
        _reply(self.outbox, ("ready", os.getpid()))
        try:
            await self.ended
        finally:
            self.loop.remove_reader(self.inbox.fileno())
            for task in list(self.tasks.values()):
                task.cancel()
            await asyncio.gather(*self.tasks.values(), return_exceptions=True)
            await self.runner.aclose_client()
            self.runner.close()

    async def job(self, number: int, article: Article) -> None:
        """Run one article; reply its result or error and what it spent."""
        spent = Ledger()
        result: ArticleResult | None = None
        error: BaseException | None = None
        try:
            result = await self.runner.run(article, spent)
        except Exception as exc:  # reported to the parent, which makes it the item's error
            error = exc
        finally:
            self.tasks.pop(number, None)
        _reply(self.outbox, ("done", number, result, error, spent))
        if self.thawed:
            self.thawed = False
            _freeze_heap()  # what the first calls imported and built lazily

    def on_message(self) -> None:
        """Handle the parent's messages: a job, a cancellation, a pause after a 429."""
        gate = self.runner.backend.gate
        try:
            while self.inbox.poll():
                message = self.inbox.recv()
                if message[0] == "job":
                    gate.limit_to(message[3])
                    self.tasks[message[1]] = self.loop.create_task(self.job(message[1], message[2]))
                elif message[0] == "cancel" and (task := self.tasks.pop(message[1], None)):
                    task.cancel()
                elif message[0] == "pause":
                    gate.pause(message[1], relay=False)
        except (EOFError, OSError):
            if not self.ended.done():
                self.ended.set_result(None)


def _freeze_heap() -> None:
    """Exempt every object alive now (modules, client, prompts: they live as long as the
    worker) from the cyclic collector: a full collection mid-batch then pauses the worker's
    loop, and every call in flight, under 10 ms instead of 60-90 ms."""
    gc.collect()
    gc.freeze()


def _reply(outbox: Connection, message: tuple[Any, ...]) -> None:
    """Send `message`; an error that cannot be pickled goes as its type and text."""
    try:
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        parts = list(message)
        at = 3 if parts[0] == "done" else 1  # where the error sits: done or failed
        parts[at] = SummarizerError(f"unexpected {type(parts[at]).__name__}: {parts[at]}")
        payload = pickle.dumps(tuple(parts), protocol=pickle.HIGHEST_PROTOCOL)
    with contextlib.suppress(OSError):  # the parent is gone; the worker ends with its stdin
        outbox.send_bytes(payload)
