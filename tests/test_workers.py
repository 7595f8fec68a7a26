"""Worker processes (`summarizer.workers`): the same results as one process, errors that keep
their data, a killed worker that costs only its own articles, and a batch stopped early that
stops its work in the workers too. The fake server runs in this process; the workers are real
`python` processes talking to it over HTTP."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pickle
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import diskcache
import pytest

from summarizer import (
    ArticleResult,
    AuthError,
    CacheMissError,
    InputError,
    ItemError,
    Settings,
    Summarizer,
    ValidationFailedError,
)
from summarizer.cache import ResultCache
from summarizer.endpoint import Backend
from summarizer.llm import RateGate
from summarizer.testing import FakeLLMServer, FakeReply
from summarizer.workers import WorkerPool
from tests.conftest import CLI, ROOT, write_corpus
from tests.responders import article_responder


def worker_pids() -> list[int]:
    """This process's children that are summarizer workers (Linux /proc)."""
    me = str(os.getpid())
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = stat.read_text().rsplit(")", 1)[1].split()[1]
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if ppid == me and b"summarizer.workers" in cmdline:
            pids.append(int(stat.parent.name))
    return pids


def without_timing(result: ArticleResult) -> dict[str, object]:
    data = result.model_dump(mode="json")
    del data["provenance"]["seconds"]
    return data


def test_two_workers_give_the_results_and_counts_of_one_process(
    fake: FakeLLMServer, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 12)
    with Summarizer(make_settings(fake, concurrency=8, cache_dir=tmp_path / "one")) as s:
        alone = list(s.summarize_paths(paths))
    requests_alone = len(fake.chat_requests)
    fake.reset()
    settings = make_settings(fake, concurrency=8, workers=2, cache_dir=tmp_path / "two")
    with Summarizer(settings) as s:
        pooled = list(s.summarize_paths(paths))
        assert len(worker_pids()) == 2
    assert worker_pids() == [], "close() stops the workers"
    assert [i.id for i in pooled] == [p.stem for p in paths]  # input order kept
    assert all(isinstance(i, ArticleResult) for i in alone + pooled)
    assert len(fake.chat_requests) == requests_alone
    for a, b in zip(alone, pooled, strict=True):
        assert isinstance(a, ArticleResult) and isinstance(b, ArticleResult)
        assert without_timing(a) == without_timing(b), a.id


def test_workers_relay_their_cache_entries_and_the_parent_writes_them(
    fake: FakeLLMServer, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    """One writer process: a worker's loop never runs SQLite writes. The workers' own cache
    directory stays empty; the parent's cache gets an entry per call."""
    (path,) = write_corpus(tmp_path / "articles", 1)
    settings = make_settings(fake, workers=2, cache_dir=tmp_path / "workers")
    with Summarizer(settings) as s:
        article = s.load(path)
    parent = ResultCache(tmp_path / "parent")
    pool = WorkerPool(settings, size=2, cache=parent)
    try:
        outcome = asyncio.run(pool.summarize(article, requests=2))
    finally:
        pool.close()
        parent.close()
    assert outcome.error is None and outcome.result is not None
    calls = len(fake.chat_requests)
    assert calls == outcome.attempts.requests >= 4

    def entries(directory: Path) -> list[dict[str, object]]:
        cache = diskcache.Cache(str(directory))
        try:
            return [json.loads(cache[k]) for k in cache if not str(k).startswith("__summarizer")]
        finally:
            cache.close()

    assert entries(settings.llm_cache_dir) == []
    written = entries(tmp_path / "parent")
    assert len(written) == calls  # one entry per call (each answered at the first request)
    assert {e["task"] for e in written} == {"translate", "summary", "claims"}


def test_a_workers_error_reaches_the_item_with_its_data(
    strict_fake: FakeLLMServer, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    strict_fake.enqueue(FakeReply.error(401, "Incorrect API key provided"))
    (path,) = write_corpus(tmp_path / "articles", 1)
    with Summarizer(make_settings(strict_fake, workers=2)) as s:
        (item,) = list(s.summarize_paths([path]))
    assert isinstance(item, ItemError)
    assert isinstance(item.error, AuthError)
    assert item.error.status_code == 401
    assert item.error.requests == 1
    assert item.requests == 1  # what the article spent comes back from the worker too
    assert len(strict_fake.chat_requests) == 1


@pytest.mark.parametrize(
    "error",
    [
        AuthError("no", task="summary", attempts=1, status_code=401, requests=1),
        ValidationFailedError("bad", task="claims", attempts=3, last_output='{"x": 1}'),
        CacheMissError("miss", task="translate"),
        InputError("empty", path="a.txt"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_errors_cross_a_process_boundary_with_their_data(error: Exception) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)


@pytest.mark.slow
def test_a_killed_worker_costs_only_its_articles_and_is_replaced(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 8)
    with FakeLLMServer(responder=article_responder, latency=0.3) as server:
        settings = make_settings(server, concurrency=4, workers=2)
        with Summarizer(settings) as s:
            killed: list[int] = []

            def kill_one_worker_midway() -> None:
                while len(server.chat_requests) < 4:
                    time.sleep(0.01)
                pid = worker_pids()[0]
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

            killer = threading.Thread(target=kill_one_worker_midway)
            killer.start()
            items = list(s.summarize_paths(paths))
            killer.join()
            again = list(s.summarize_paths(paths))  # the replacement serves the rerun
            assert killed[0] not in worker_pids() and len(worker_pids()) == 2
    assert [i.id for i in items] == [p.stem for p in paths]
    lost = [i for i in items if isinstance(i, ItemError)]
    assert 1 <= len(lost) <= 2, "only the killed worker's articles fail"
    assert all("worker process" in i.message and "rerun" in i.message for i in lost)
    assert all(isinstance(i, ArticleResult) for i in again)


def test_stopping_a_batch_early_stops_its_requests_in_the_workers(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 24)
    server = FakeLLMServer(responder=article_responder, latency=0.2)
    with server, Summarizer(make_settings(server, concurrency=8, workers=2)) as s:
        batch = s.summarize_paths(paths)
        first = next(batch)
        batch.close()
        time.sleep(0.3)  # replies already on the wire arrive; nothing new is sent
        stopped_at = len(server.chat_requests)
        time.sleep(0.6)
        assert len(server.chat_requests) == stopped_at
    assert isinstance(first, ArticleResult)
    assert stopped_at < 24 * 6


def test_a_pause_is_relayed_only_when_this_process_decided_it() -> None:
    heard: list[float] = []
    gate = RateGate()
    gate.on_pause = heard.append
    gate.pause(0.01)
    gate.pause(0.02, relay=False)  # relayed from another worker: not sent back
    assert heard == [0.01]


def test_worker_count_suits_the_backend() -> None:
    remote = Settings(model="fake-model", base_url="http://127.0.0.1:9/v1", api_key="sk-test")
    cores = os.cpu_count() or 1
    assert Backend(remote).workers(32) == min(cores, 2)
    assert Backend(remote).workers(8) == 1  # one loop keeps up with 8 in flight
    assert Backend(remote.model_copy(update={"workers": 3})).workers(8) == 3
    embedded = Settings(model="qwen2.5-coder-0.5b", workers=4)
    assert Backend(embedded).workers(32) == 1  # one llama.cpp server serves every call


def test_worker_processes_write_no_key_to_verbose_output(
    fake: FakeLLMServer, tmp_path: Path
) -> None:
    """The key crosses the pipe to the workers (in Settings) but none of their output: the
    CLI as a process, with --verbose, whose stderr the workers share."""
    canary = "sk-canary-workers-5d1a9dc"
    paths = write_corpus(tmp_path / "articles", 6)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUMMARIZER_", "OPENAI_"))}
    env.update(
        SUMMARIZER_BASE_URL=fake.base_url,
        SUMMARIZER_MODEL="fake-model",
        OPENAI_API_KEY=canary,
        SUMMARIZER_MODE="json_schema",
        SUMMARIZER_CACHE_DIR=str(tmp_path / "cache"),
        SUMMARIZER_WORKERS="2",
        SUMMARIZER_CONCURRENCY="4",
    )
    fake.enqueue(FakeReply.error(503, "busy"))  # a retry to log, too
    out = str(tmp_path / "out")
    run = subprocess.run(
        [*CLI, "run", str(tmp_path / "articles"), "-o", out, "--verbose", "-f", "jsonl"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert len(run.stdout.splitlines()) == len(paths)
    assert any(canary in r.headers.get("authorization", "") for r in fake.chat_requests)
    assert "HTTP Request: POST" in run.stderr  # the workers' --verbose log is in it
    assert canary not in run.stdout + run.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert canary.encode() not in path.read_bytes(), path


def test_workers_that_cannot_start_leave_the_batch_to_this_process(
    fake: FakeLLMServer,
    make_settings: Callable[..., Settings],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A worker builds its own Summarizer: here its prompts folder is gone by then, so no
    worker starts. The batch still completes, in this process, with one warning saying why."""
    prompts = tmp_path / "prompts"
    shutil.copytree(ROOT / "prompts", prompts)
    paths = write_corpus(tmp_path / "articles", 4)
    with Summarizer(make_settings(fake, workers=2), prompts_dir=prompts) as s:
        shutil.rmtree(prompts)
        with caplog.at_level(logging.WARNING, logger="summarizer"):
            items = list(s.summarize_paths(paths))
            again = list(s.summarize_paths(paths[:1]))  # no second attempt, no second warning
        assert worker_pids() == []
    assert all(isinstance(i, ArticleResult) for i in items + again)
    warnings = [r.getMessage() for r in caplog.records if "could not start" in r.getMessage()]
    assert len(warnings) == 1 and "this process" in warnings[0], warnings
