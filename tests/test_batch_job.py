"""`run --batch`: a Batch API job against the fake server's /v1/files and /v1/batches, through
every round, with invalid answers, a crash, a cancel and an expiry (`summarizer.batchjob`)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from summarizer.batch import ItemError
from summarizer.batchjob import BatchAnswers, BatchJob, JobState, job_dir, request_id
from summarizer.errors import AuthError, CallDeferred, ConfigError, QuotaError, TransportError
from summarizer.schema import ArticleResult
from summarizer.settings import Settings
from summarizer.summarizer import Summarizer
from summarizer.testing import FakeLLMServer, FakeReply, RecordedRequest
from tests.conftest import CLI, ROOT, write_corpus
from tests.responders import article_responder

SEEDS = ROOT / "seeds"
RUN_ONLY = {"cache", "attempts", "usage", "saved_usage", "seconds", "batch"}


def _is_reask(request: RecordedRequest) -> bool:
    """instructor's re-ask: the model's JSON answer, then a user message naming its errors."""
    messages = request.messages
    return (
        len(messages) >= 2
        and messages[-2].get("role") == "assistant"
        and str(messages[-2].get("content", "")).lstrip().startswith("{")
    )


def invalid_every_tenth(seen: list[str]) -> Callable[[RecordedRequest], FakeReply]:
    """`article_responder`, but every tenth structured request that is not a re-ask gets an
    answer that fails validation (its ids are appended to `seen`)."""

    def respond(request: RecordedRequest) -> FakeReply:
        body = request.body if isinstance(request.body, dict) else {}
        structured = bool(request.response_format or request.tools)
        if structured and not _is_reask(request) and int(request_id(body)[-4:], 16) % 10 == 0:
            seen.append(request_id(body))
            return FakeReply.json({"unexpected": True})
        return article_responder(request)

    return respond


def _run(job: BatchJob, *, wait: bool = True) -> list[Any]:
    async def collect() -> list[Any]:
        try:
            return [item async for item in job.run(poll_interval=0, wait=wait)]
        finally:
            await job.aclose()

    return asyncio.run(collect())


def _chat_requests(server: FakeLLMServer) -> int:
    return sum(1 for r in server.requests if r.path.endswith("/chat/completions"))


def _comparable(result: ArticleResult) -> dict[str, Any]:
    data = result.model_dump(mode="json")
    data["provenance"] = {k: v for k, v in data["provenance"].items() if k not in RUN_ONLY}
    data.pop("source_path")
    return data


def test_a_100_article_job_fixes_invalid_answers_in_a_resubmission_round(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
) -> None:
    corpus = write_corpus(tmp_path / "in", 100)
    invalid: list[str] = []
    with FakeLLMServer(responder=invalid_every_tenth(invalid)) as server:
        settings = make_settings(server)
        job = BatchJob.start([tmp_path / "in"], settings, out_dir=tmp_path / "out")
        items = _run(job)
        assert _chat_requests(server) == 0  # every answer came from a batch
        batches = server.batches.all()
    results = [i for i in items if isinstance(i, ArticleResult)]
    assert len(results) == 100 and len(items) == 100
    state = JobState.load(job.folder)
    assert state.status == "completed"
    assert len(batches) == len(state.rounds) >= 3  # translations, then summary+claims, re-asks
    # About a tenth of the structured answers were invalid; each came back as a re-ask request
    # in a later round, and every re-ask was answered validly.
    assert 10 <= len(invalid) <= 40
    reasks = [r for b in batches for r in b.records.values() if _is_reask(r)]
    assert len(reasks) == len(invalid)
    assert sum(r.requests for r in state.rounds) == sum(len(b.lines) for b in batches)
    assert all(r.provenance.batch is not None for r in results)
    assert all(r.provenance.batch.job == state.id for r in results)  # type: ignore[union-attr]
    assert sum(r.provenance.attempts.reasks for r in results) == len(invalid)
    tokens = sum(r.provenance.usage.prompt_tokens for r in results)
    assert tokens == state.usage.prompt_tokens > 0
    assert {p.stem for p in corpus} == {r.source_path and Path(r.source_path).stem for r in results}


def test_batch_results_equal_a_live_run_and_a_live_rerun_makes_no_calls(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    with FakeLLMServer(responder=article_responder) as server:
        batch_settings = make_settings(server)
        batched = [i for i in _run(BatchJob.start([SEEDS], batch_settings))]
        assert _chat_requests(server) == 0
        # A live run of the same articles with the same settings: served from the memo.
        with Summarizer(batch_settings.model_copy(update={"layout": "paragraphs"})) as again:
            rerun = list(again.summarize_paths([SEEDS]))
        assert _chat_requests(server) == 0
        # A live run on a fresh cache makes the same results, call by call.
        fresh = make_settings(server, cache_dir=tmp_path / "fresh", layout="paragraphs")
        with Summarizer(fresh) as live:
            lived = list(live.summarize_paths([SEEDS]))
        assert _chat_requests(server) > 0
    assert all(isinstance(i, ArticleResult) for i in [*batched, *rerun, *lived])
    by_id = {r.id: _comparable(r) for r in lived}  # type: ignore[union-attr]
    assert {r.id: _comparable(r) for r in batched} == by_id  # type: ignore[union-attr]
    assert {r.id: _comparable(r) for r in rerun} == by_id  # type: ignore[union-attr]
    assert all(r.provenance.usage.prompt_tokens == 0 for r in rerun)  # type: ignore[union-attr]


def test_a_job_resumes_after_its_process_is_killed_between_rounds(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", 6)
    with FakeLLMServer(responder=article_responder) as server:
        server.batches.auto_advance = False  # batches stay in progress until the test moves them
        env = {
            **os.environ,
            "SUMMARIZER_BASE_URL": server.base_url,
            "SUMMARIZER_MODEL": "fake-model",
            "SUMMARIZER_API_KEY": "sk-test",
            "SUMMARIZER_MODE": "json_schema",
            "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache"),
        }
        command = [*CLI, "run", str(tmp_path / "in"), "--batch", "--poll", "0.05"]
        process = subprocess.Popen(
            [*command, "-o", str(tmp_path / "out")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 60
            while not server.batches.all() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.batches.all(), "no batch was sent"
            time.sleep(0.3)  # the job polls its batch, which does not move
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        first = server.batches.all()[0]
        server.batches.run(first.id)  # the batch ends while nobody waits for it
        server.batches.auto_advance = True
        (job_id,) = [p.name for p in (tmp_path / "cache" / "batches").iterdir()]
        resumed = subprocess.run(
            [*CLI, "batch", "resume", job_id, "--poll", "0"],
            env={**env, "SUMMARIZER_BASE_URL": server.base_url},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert resumed.returncode == 0, resumed.stderr
        assert _chat_requests(server) == 0
        batches = server.batches.all()
    assert len(list((tmp_path / "out").glob("*.json"))) == 6
    state = JobState.load(job_dir(tmp_path / "cache", job_id))
    assert state.status == "completed" and len(state.finished) == 6
    assert len(batches) == len(state.rounds)  # the killed run's batch was read, not sent again
    assert batches[0].id == state.rounds[0].batch_id


def test_a_cancelled_batch_keeps_its_answers_and_resume_resubmits_the_rest(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
) -> None:
    with FakeLLMServer(responder=article_responder) as server:
        settings = make_settings(server)
        job = BatchJob.start([SEEDS], settings)
        assert _run(job, wait=False) == []  # round 1 sent
        first = server.batches.all()[0]
        server.batches.auto_advance = False
        server.batches.advance(first.id, 2)  # validating → in progress → half its requests run
        report = BatchJob.open(job.state.id, settings).control("cancel")
        assert report["status"] == "cancelled" and report["rounds"][0]["status"] == "cancelling"
        ran = len(server.batches.get(first.id).outputs)
        assert 0 < ran < len(first.lines)
        server.batches.auto_advance = True
        items = _run(BatchJob.open(job.state.id, settings))
        batches = server.batches.all()
    state = JobState.load(job_dir(tmp_path / "cache", job.state.id))
    assert state.status == "completed"
    assert state.rounds[0].status == "cancelled" and state.rounds[0].answered == ran
    # The cancelled batch's undone requests went out again in the next round.
    undone = {line.custom_id for line in first.lines} - set(batches[0].outputs)
    assert undone <= {line.custom_id for line in batches[1].lines}
    assert sum(isinstance(i, ArticleResult) for i in items) == 5


def test_an_expired_batch_resubmits_its_unfinished_requests(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    with FakeLLMServer(responder=article_responder) as server:
        server.batches.expire_next(after=10)
        settings = make_settings(server)
        items = _run(BatchJob.start([SEEDS], settings))
        batches = server.batches.all()
    state = JobState.load(job_dir(tmp_path / "cache", state_id(tmp_path)))
    assert state.rounds[0].status == "expired" and state.rounds[0].answered == 10
    expired = {line.custom_id for line in batches[0].lines} - set(batches[0].outputs)
    assert len(expired) == len(batches[0].lines) - 10
    assert expired <= {line.custom_id for line in batches[1].lines}
    assert state.status == "completed"
    assert sum(isinstance(i, ArticleResult) for i in items) == 5


def state_id(tmp_path: Path) -> str:
    (job,) = [p.name for p in (tmp_path / "cache" / "batches").iterdir()]
    return job


def test_failed_requests_are_retried_in_a_later_round_then_fail_the_article(
    tmp_path: Path,
    make_settings: Callable[..., Settings],
) -> None:
    def failing_summaries(request: RecordedRequest) -> FakeReply:
        if request.response_format and "title_en" in json.dumps(request.response_format):
            return FakeReply.error(500, "the summary server is down")
        return article_responder(request)

    with FakeLLMServer(responder=failing_summaries) as server:
        settings = make_settings(server, max_retries=1)
        items = _run(BatchJob.start([next(SEEDS.glob("000_*"))], settings))
    state = JobState.load(job_dir(tmp_path / "cache", state_id(tmp_path)))
    (item,) = items
    assert isinstance(item, ItemError) and isinstance(item.error, TransportError)
    assert "the summary server is down" in item.message and "(2 times)" in item.message
    assert state.status == "completed" and state.finished == {item.path: "failed"}
    assert [r.failed for r in state.rounds] == [0, 1, 1]  # sent twice: max_retries=1


def test_request_failures_are_classified() -> None:
    answers = BatchAnswers({}, {}, max_retries=3)
    lines = [
        {"custom_id": "a", "response": {"status_code": 200, "body": {"id": "x"}}, "error": None},
        {"custom_id": "b", "response": {"status_code": 401, "body": {}}, "error": None},
        {"custom_id": "c", "response": None, "error": {"code": "batch_expired", "message": ""}},
        {
            "custom_id": "d",
            "response": {
                "status_code": 429,
                "body": {"error": {"code": "insufficient_quota", "message": "no money"}},
            },
            "error": None,
        },
    ]
    assert [answers.take_line(line) for line in lines] == [{"id": "x"}, None, None, None]
    assert set(answers.answers) == {"a"} and set(answers.failures) == {"b", "d"}
    assert isinstance(answers.failures["b"].error("b"), AuthError)
    assert isinstance(answers.failures["d"].error("d"), QuotaError)
    assert answers.failures["d"].final and answers.failures["b"].final


def test_a_request_waits_for_the_next_batch_until_answered() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    answers = BatchAnswers({}, {}, max_retries=0)
    with pytest.raises(CallDeferred):
        asyncio.run(answers(body))
    assert list(answers.pending) == [request_id(body)]
    answers.answers[request_id(body)] = {"id": "done"}
    assert asyncio.run(answers(dict(reversed(body.items())))) == {"id": "done"}


def test_a_token_budget_is_refused_for_a_batch_job(
    tmp_path: Path, make_settings: Callable[..., Settings]
) -> None:
    with FakeLLMServer(responder=article_responder) as server:
        with pytest.raises(ConfigError, match="max-tokens-total"):
            BatchJob.start([SEEDS], make_settings(server, max_tokens_total=1000))
        assert server.requests == []


def test_batch_with_the_embedded_model_is_a_usage_error(tmp_path: Path) -> None:
    env = {**os.environ, "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("SUMMARIZER_BASE_URL", None)
    done = subprocess.run(
        [*CLI, "run", str(SEEDS), "--batch", "-o", str(tmp_path / "out")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "/v1/batches" in done.stderr


def test_the_cli_sends_a_batch_then_status_and_resume_finish_it(
    tmp_path: Path, env: dict[str, str], fake: FakeLLMServer
) -> None:
    environ = {**os.environ, **env}
    out = tmp_path / "out"
    sent = subprocess.run(
        [*CLI, "run", str(SEEDS), "--batch", "--no-wait", "-o", str(out)],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert sent.returncode == 0, sent.stderr
    assert "summarizer batch resume" in sent.stderr
    job = state_id(tmp_path)
    status = subprocess.run(
        [*CLI, "batch", "status", job], env=environ, capture_output=True, text=True, timeout=60
    )
    report = json.loads(status.stdout)
    assert report["status"] == "running" and len(report["rounds"]) == 1
    listed = subprocess.run(
        [*CLI, "batch", "list"], env=environ, capture_output=True, text=True, timeout=60
    )
    assert json.loads(listed.stdout)["job"] == job
    resumed = subprocess.run(
        [*CLI, "batch", "resume", job, "--poll", "0"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Batch API:" in resumed.stderr and "saves the live price" in resumed.stderr
    written = sorted(out.glob("*.json"))
    assert len(written) == 5
    result = json.loads(written[0].read_text())
    assert result["provenance"]["batch"] == {"job": job, "discount": 0.5}
    assert _chat_requests(fake) == 0
