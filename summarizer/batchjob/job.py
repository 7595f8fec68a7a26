"""A Batch API job: the articles summarized in rounds of batch requests, validated here.

Each round replays every unfinished article through the usual steps (layout "paragraphs":
every paragraph's translation is a request of its own, then the summary and the claims at
once), with `BatchAnswers` in place of HTTP: a call whose request a batch answered gets that
answer, validated by instructor with the same models and context as a live call; a call
without one queues its request and the article waits. The queued requests go out as the next
batch. An answer that fails validation makes instructor's re-ask (the answer and the errors
appended) the next round's request; a cut-off answer, a salvage, a split: all as live. So
round 1 holds the translations, round 2 the summaries, claims and translation re-asks, and
so on until no article waits. Finished calls are written to the LLM cache like live calls,
and finished articles to the memo: a later run of the same articles with the same settings
(`--batch`, or `--layout paragraphs` live) makes no calls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncGenerator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openai

from summarizer.article_run import ArticleRunner
from summarizer.batch import Batch, Duplicate, Item, ItemError, as_rerun
from summarizer.batchjob.answers import BatchAnswers
from summarizer.batchjob.provider import Provider
from summarizer.batchjob.state import (
    TERMINAL_BATCH,
    JobState,
    RoundState,
    append_answers,
    job_dir,
    load_answers,
    new_job_id,
)
from summarizer.budget import BATCH_DISCOUNT
from summarizer.cache_keys import MemoEntry
from summarizer.errors import (
    AuthError,
    BatchJobError,
    CallDeferred,
    ConfigError,
    QuotaError,
)
from summarizer.loop_thread import LoopThread
from summarizer.schema import ArticleResult, BatchCost, Usage
from summarizer.settings import Settings
from summarizer.sources import Source, iter_sources

__all__ = ["MAX_ROUNDS", "BatchJob"]

log = logging.getLogger(__name__)

MAX_ROUNDS = 12
"""Rounds before the articles still waiting fail (each round is one batch, up to 24 h)."""
MAX_FAILED_BATCHES = 3
"""Batches the provider may fail as a whole (a bad input file, say) before the job fails."""
REPLAY_LIMIT = 64
"""Articles a replay keeps in progress (no request waits: a replay is CPU work only)."""

RESUMED_OPTIONS = (
    "model",
    "base_url",
    "mode",
    "max_reasks",
    "max_retries",
    "max_chars",
    "rules_file",
    "check_translations",
    "temperature",
    "seed",
    "context_tokens",
)
"""The settings a job keeps in its state, so that a resume shapes results the same way."""


class _Deferrals(logging.Filter):
    """instructor logs every failed create as an error: a deferred call is none."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "waits for the next batch" not in record.getMessage()


class BatchJob:
    """One Batch API job: start it, run or resume it to its end, see or cancel it."""

    def __init__(
        self,
        state: JobState,
        settings: Settings,
        *,
        client: openai.AsyncOpenAI | None = None,
        prompts_dir: Path | None = None,
    ) -> None:
        self.state = state
        self.folder = job_dir(settings.cache_dir, state.id)
        update = {"layout": "paragraphs", "refresh": True, "use_cache": True, "replay": False}
        self.settings = settings.model_copy(update=update)
        self.answers = BatchAnswers(
            load_answers(self.folder), dict(state.failures), max_retries=settings.max_retries
        )
        self._runner = ArticleRunner(
            self.settings, client=client, prompts_dir=prompts_dir, transport=self.answers
        )
        self._loader = ThreadPoolExecutor(max_workers=4, thread_name_prefix="summarizer-load")

    @classmethod
    def start(
        cls,
        paths: Iterable[Path | str],
        settings: Settings,
        *,
        out_dir: Path | None = None,
        client: openai.AsyncOpenAI | None = None,
        prompts_dir: Path | None = None,
    ) -> BatchJob:
        """A new job over `paths` (files, folders; see `summarizer.sources`), saved."""
        options = {k: getattr(settings, k) for k in RESUMED_OPTIONS}
        if options["rules_file"] is not None:
            options["rules_file"] = str(Path(options["rules_file"]).resolve())
        state = JobState(
            id=new_job_id(),
            created_at=time.time(),
            inputs=[str(Path(p).resolve()) if str(p) != "-" else "-" for p in paths],
            out_dir=str(out_dir.resolve()) if out_dir is not None else None,
            options=options,
        )
        if "-" in state.inputs:
            raise ConfigError("--batch reads files and folders, not standard input")
        if settings.max_tokens_total is not None:
            raise ConfigError(
                "--max-tokens-total does not apply to --batch: a job sends all its articles' "
                "requests at once (`summarizer batch status JOB` shows what they spent)"
            )
        job = cls(state, settings, client=client, prompts_dir=prompts_dir)
        state.save(job.folder)
        return job

    @classmethod
    def open(
        cls,
        job: str,
        settings: Settings,
        *,
        client: openai.AsyncOpenAI | None = None,
        prompts_dir: Path | None = None,
    ) -> BatchJob:
        """The job `job` saved in `settings.cache_dir`, with the options it started with (the
        key and the cache folder are this call's)."""
        state = JobState.load(job_dir(settings.cache_dir, job))
        values = {**settings.model_dump(), **state.options}
        resumed = Settings.model_validate(values)
        return cls(state, resumed, client=client, prompts_dir=prompts_dir)

    # -- running -----------------------------------------------------------------------------

    async def run(self, *, poll_interval: float = 60.0, wait: bool = True) -> AsyncGenerator[Item]:
        """Go on to the end (or, `wait=False`, until a batch is in flight): an item per
        article as it finishes. A cancelled job goes on too; an auth or quota error ends it
        (its item is yielded, the job is then "failed")."""
        if self.state.status == "cancelled":
            self.state.status = "running"
            self._save()
        while self.state.status == "running":
            if (current := self.state.in_flight) is not None and not await self._collect(current):
                if not wait:
                    return
                await asyncio.sleep(poll_interval)
                continue
            async for item in self._replay():
                yield item
            if self.state.status == "running":
                await self._submit()
            if not wait and self.state.in_flight is not None:
                return

    def items(self, *, poll_interval: float = 60.0, wait: bool = True) -> Iterator[Item]:
        """`run` for synchronous callers (on a private event loop); the job is closed at the
        end (its state stays in the cache directory, to resume)."""
        loop = LoopThread()
        try:
            yield from loop.iterate(self.run(poll_interval=poll_interval, wait=wait))
        finally:
            loop.run(self.aclose())
            loop.close()

    def control(self, action: str) -> dict[str, Any]:
        """ "status" (the batch in flight's status read first) or "cancel", for synchronous
        callers; the job's status, and the job closed."""
        loop = LoopThread()
        try:
            loop.run(self.cancel() if action == "cancel" else self.refresh())
            return self.status()
        finally:
            loop.run(self.aclose())
            loop.close()

    async def cancel(self) -> None:
        """Cancel the batch in flight (its answers so far are kept when it ends) and mark the
        job cancelled; `run` goes on with it later."""
        current = self.state.in_flight
        if current is not None and current.batch_id and current.status not in TERMINAL_BATCH:
            info = await (await self._provider()).cancel(current.batch_id)
            current.status = info.status
        if self.state.status == "running":
            self.state.status = "cancelled"
        self._save()

    async def refresh(self) -> None:
        """Read the batch in flight's status (and its answers, if it has ended)."""
        if (current := self.state.in_flight) is not None:
            await self._collect(current)

    def status(self) -> dict[str, Any]:
        """The job as data: status, rounds, articles, requests and tokens."""
        state = self.state
        outcomes: dict[str, int] = {}
        for outcome in state.finished.values():
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        usage = state.usage
        return {
            "job": state.id,
            "status": state.status,
            "error": state.error,
            "inputs": state.inputs,
            "out_dir": state.out_dir,
            "articles": outcomes,
            "rounds": [r.model_dump(mode="json") for r in state.rounds],
            "requests": sum(r.requests for r in state.rounds),
            "usage": usage.model_dump(),
            "discount": BATCH_DISCOUNT,
            "saved_vs_live_tokens": round(
                (usage.prompt_tokens + usage.completion_tokens) * BATCH_DISCOUNT
            ),
        }

    async def aclose(self) -> None:
        """Close the client (on the loop that used it), the cache and the loader threads."""
        await self._runner.aclose_client()
        self._runner.close()
        self._loader.shutdown(wait=False)

    # -- one round ---------------------------------------------------------------------------

    async def _provider(self) -> Provider:
        return Provider(await self._runner.backend.openai_client())

    def _save(self) -> None:
        self.state.failures = dict(self.answers.failures)
        self.state.save(self.folder)

    async def _collect(self, current: RoundState) -> bool:
        """Read back the round's batch if it has ended (its answers kept, on disk first);
        False while it runs. A round killed before its batch existed is made again."""
        provider = await self._provider()
        if current.batch_id is None:
            if current.input_file_id is None:  # killed while uploading: replay again
                self.state.rounds.pop()
                self._save()
                return True
            found = await provider.find(current.input_file_id)
            info = found or await provider.create(
                self.state.id, current.number, current.input_file_id
            )
            current.batch_id = info.id
        info = await provider.retrieve(current.batch_id)
        current.status = info.status
        if info.status not in TERMINAL_BATCH:
            self._save()
            return False
        got: dict[str, dict[str, Any]] = {}
        failed = 0
        for line in [
            *await provider.lines(info.output_file_id),
            *await provider.lines(info.error_file_id),
        ]:
            rid = str(line.get("custom_id"))
            before = self.answers.failures.get(rid)
            if (body := self.answers.take_line(line)) is not None:
                got[rid] = body
            elif self.answers.failures.get(rid) is not before:  # this batch failed it
                failed += 1
        append_answers(self.folder, got)
        current.answered, current.failed = len(got), failed
        current.usage = sum((_usage(body) for body in got.values()), Usage())
        current.collected = True
        if info.status == "failed":
            self.state.failed_batches += 1
            if self.state.failed_batches >= MAX_FAILED_BATCHES:
                reasons = "; ".join(info.errors) or "no reason given"
                self.state.status = "failed"
                self.state.error = f"the provider failed {MAX_FAILED_BATCHES} batches: {reasons}"
        self._save()
        return True

    async def _replay(self) -> AsyncGenerator[Item]:
        """Every unfinished article through the steps: the finished ones are yielded, the
        requests the others wait for are left in `answers.pending`."""
        self.answers.pending.clear()
        waiting: list[Source] = []
        for source in iter_sources(self.state.inputs):
            if source.origin in self.state.finished:
                continue
            if (recalled := self._recalled(source)) is not None:
                self.state.finished[source.origin] = "ok"
                yield recalled
            else:
                waiting.append(source)
        last_round = len(self.state.rounds) >= MAX_ROUNDS
        batch = Batch(self._runner, limit=REPLAY_LIMIT, pool=None, loader=self._loader)
        quiet = _Deferrals()
        loggers = [
            logging.getLogger(name)
            for name in list(logging.root.manager.loggerDict)
            if name.startswith("instructor")
        ]
        for logger in loggers:
            logger.addFilter(quiet)
        try:
            async for item in batch.items_of(waiting):
                if isinstance(item, ItemError) and isinstance(item.error, CallDeferred):
                    if not last_round:
                        continue
                    error = BatchJobError(
                        f"{item.path or item.id}: still waiting for answers after "
                        f"{MAX_ROUNDS} rounds"
                    )
                    item = ItemError(item.id, item.path, error)
                yield self._finish(item)
                if isinstance(item, ItemError) and isinstance(item.error, AuthError | QuotaError):
                    self.state.status, self.state.error = "failed", item.message
                    break
        finally:
            for logger in loggers:
                logger.removeFilter(quiet)
            self._save()

    def _finish(self, item: Item) -> Item:
        """Record an item as finished; a result carries the job's batch cost."""
        if isinstance(item, ArticleResult):
            self.state.finished[item.source_path or item.id] = "ok"
            cost = BatchCost(job=self.state.id, discount=BATCH_DISCOUNT)
            provenance = item.provenance.model_copy(update={"batch": cost})
            return item.model_copy(update={"provenance": provenance})
        origin = item.path or item.id
        self.state.finished[origin] = "duplicate" if isinstance(item, Duplicate) else "failed"
        return item

    def _recalled(self, source: Source) -> ArticleResult | None:
        """A result this job (or a run with the same settings) already finished: no replay."""
        cache = self._runner.cache
        key = self._runner.keys.memo(source)
        entry = MemoEntry.decode(cache.get(key)) if key is not None else None
        if entry is None:
            return None
        return as_rerun(entry.result, id=source.id, path=source.origin, started=time.perf_counter())

    async def _submit(self) -> None:
        """Send the requests the articles wait for as the next round's batch; with none,
        the job is complete."""
        pending = dict(self.answers.pending)
        if not pending:
            self.state.status = "completed"
            self._save()
            return
        current = RoundState(number=len(self.state.rounds) + 1, requests=len(pending))
        self.state.rounds.append(current)
        self._save()
        provider = await self._provider()
        current.input_file_id = await provider.upload(self.state.id, current.number, pending)
        self._save()
        info = await provider.create(self.state.id, current.number, current.input_file_id)
        current.batch_id, current.status = info.id, info.status
        self._save()
        log.info(
            "batch job %s: round %d sent %d requests", self.state.id, current.number, len(pending)
        )


def _usage(body: dict[str, Any]) -> Usage:
    usage = body.get("usage") or {}
    return Usage(
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
    )
