"""Cost accounting (--max-tokens-total) and secrets: a canary key appears in no artifact."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import ArticleResult, BudgetExhaustedError, ItemError, Summarizer
from summarizer.cli import app
from summarizer.testing import FakeLLMServer, FakeReply
from tests.conftest import SEED_FILES

runner = CliRunner()
CANARY = "sk-canary-7f3a9c1e5b"


@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "two workers"])
def test_token_budget_stops_the_run_and_the_next_run_resumes(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer], workers: int
) -> None:
    first = make_summarizer(fake).summarize_file(SEED_FILES[0])
    per_article = first.provenance.usage.prompt_tokens + first.provenance.usage.completion_tokens
    fake.reset()
    s = make_summarizer(
        fake, max_tokens_total=per_article + 1, concurrency=1, use_cache=False, workers=workers
    )
    items = list(s.summarize_paths(SEED_FILES[:4]))
    kinds = [type(i).__name__ for i in items]
    # Two articles start (the second crosses the budget), the rest are listed as not started.
    assert kinds == ["ArticleResult", "ArticleResult", "ItemError", "ItemError"]
    for item in items[2:]:
        assert isinstance(item, ItemError) and isinstance(item.error, BudgetExhaustedError)
        assert "rerun to resume" in item.message
    # Resume: a rerun with the cache makes calls only for the unfinished articles.
    cached = make_summarizer(fake, max_tokens_total=10**9, concurrency=1)
    list(cached.summarize_paths(SEED_FILES[:2]))  # fills the cache for the first two
    fake.reset()
    again = list(cached.summarize_paths(SEED_FILES[:4]))
    assert all(isinstance(i, ArticleResult) for i in again)
    hits = [set(i.provenance.cache.values()) for i in again if isinstance(i, ArticleResult)]
    assert hits[:2] == [{"hit"}, {"hit"}] and hits[2] == {"miss"}


def test_failed_items_report_what_they_spent(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    strict_fake.enqueue(FakeReply(content="one paragraph"), *[FakeReply.error(500, "x")] * 3)
    (item,) = make_summarizer(strict_fake, max_retries=2).summarize_paths([SEED_FILES[0]])
    assert isinstance(item, ItemError)
    assert item.requests == 4 == len(strict_fake.chat_requests)
    assert item.usage.completion_tokens > 0


def test_cli_lists_unfinished_articles(fake: FakeLLMServer, tmp_path: Path) -> None:
    env = {
        "SUMMARIZER_BASE_URL": fake.base_url,
        "SUMMARIZER_MODEL": "fake-model",
        "SUMMARIZER_API_KEY": "sk-test",
        "SUMMARIZER_MODE": "json_schema",
        "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache"),
        "SUMMARIZER_CONCURRENCY": "1",
    }
    args = [
        "run",
        *map(str, SEED_FILES[:3]),
        "-o",
        str(tmp_path / "out"),
        "--max-tokens-total",
        "1",
    ]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1
    assert "2 article(s) not started" in result.stderr
    assert SEED_FILES[2].name in result.stderr
    assert len(list((tmp_path / "out").glob("*.json"))) == 1


def test_canary_key_appears_in_no_artifact(
    fake: FakeLLMServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Outputs, cache files, logs, --verbose output and error messages never contain the key."""
    caplog.set_level(logging.DEBUG)
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEED_FILES[:2]:
        shutil.copy(seed, folder)
    (folder / "empty.txt").write_text("")
    env = {
        "SUMMARIZER_BASE_URL": fake.base_url,
        "SUMMARIZER_MODEL": "fake-model",
        "OPENAI_API_KEY": CANARY,
        "SUMMARIZER_MODE": "json_schema",
        "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache"),
        "SUMMARIZER_RETRY_MAX_WAIT": "0.01",
    }
    outputs = []
    fake.enqueue(FakeReply.error(503, "busy"), FakeReply.error(500, "boom"))
    for args in (
        ["run", str(folder), "-o", str(tmp_path / "out"), "--verbose", "-f", "jsonl"],
        ["run", str(folder), "-o", str(tmp_path / "out"), "-f", "md", "--refresh"],
        ["cache", "info"],
        ["eval", "run", "--runs-dir", str(tmp_path / "runs")],
    ):
        result = runner.invoke(app, args, env=env)
        outputs.append(result.output + (result.stderr or ""))
        if result.exception and not isinstance(result.exception, SystemExit):
            outputs.append(repr(result.exception))
    fake.enqueue(FakeReply.error(401, "Incorrect API key provided", code="invalid_api_key"))
    denied = runner.invoke(
        app, ["run", str(SEED_FILES[3]), "-o", str(tmp_path / "o2"), "--refresh"], env=env
    )
    assert denied.exit_code == 2
    outputs.append(denied.output + denied.stderr)
    # The key did reach the server (it was used), and nowhere else.
    assert any(CANARY in r.headers.get("authorization", "") for r in fake.chat_requests)
    for text in [*outputs, caplog.text]:
        assert CANARY not in text
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > 5
    for path in files:
        assert CANARY.encode() not in path.read_bytes(), path
