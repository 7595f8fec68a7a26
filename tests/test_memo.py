"""A batch rerun serves finished articles whole from the cache, exactly as call by call."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import diskcache
import pytest

from summarizer import ArticleResult, Duplicate, ItemError, Summarizer
from summarizer.cache import ResultCache
from summarizer.sources import Source
from summarizer.testing import FakeLLMServer, FakeReply
from tests.conftest import SEED_FILES


def run(summarizer: Summarizer, paths: list[Path]) -> list[ArticleResult | ItemError | Duplicate]:
    return list(summarizer.summarize_paths(paths))


def drop_article_entries(cache_dir: Path) -> int:
    """Delete the whole-article entries from a cache, keeping every per-call one."""
    dropped = 0
    with diskcache.Cache(str(cache_dir / "llm")) as cache:
        for key in list(cache.iterkeys()):
            value = cache.get(key)
            if isinstance(value, str) and json.loads(value).get("task") == "article":
                del cache[key]
                dropped += 1
    return dropped


def without_timing(result: ArticleResult) -> dict[str, object]:
    return result.model_dump(exclude={"provenance": {"seconds"}})


def test_rerun_from_the_memo_equals_a_call_by_call_rerun(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer], tmp_path: Path
) -> None:
    paths = SEED_FILES[:3]
    cold = run(make_summarizer(fake), paths)
    assert all(isinstance(r, ArticleResult) for r in cold)
    sent = len(fake.chat_requests)
    settings = make_summarizer(fake).settings
    copy = tmp_path / "per-call-cache"
    shutil.copytree(settings.cache_dir, copy)
    assert drop_article_entries(copy) == len(paths)

    hits_before = ResultCache(settings.llm_cache_dir).stats().hits
    memo_run = make_summarizer(fake)
    memo = run(memo_run, paths)
    memo_run.close()
    # One lookup per article: loading and the per-call lookups were skipped.
    assert ResultCache(settings.llm_cache_dir).stats().hits - hits_before == len(paths)
    per_call = run(make_summarizer(fake, cache_dir=copy), paths)

    assert len(fake.chat_requests) == sent, "neither rerun sent a request"
    for m, c, first in zip(memo, per_call, cold, strict=True):
        assert isinstance(m, ArticleResult) and isinstance(c, ArticleResult)
        assert isinstance(first, ArticleResult)
        assert without_timing(m) == without_timing(c)
        assert set(m.provenance.cache.values()) == {"hit"}
        assert m.provenance.saved_usage == first.provenance.usage
        assert m.model_dump(exclude={"provenance"}) == first.model_dump(exclude={"provenance"})


def test_memo_hits_keep_their_own_id_and_path(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer], tmp_path: Path
) -> None:
    first = tmp_path / "a" / "story.txt"
    first.parent.mkdir()
    shutil.copy(SEED_FILES[0], first)
    run(make_summarizer(fake), [first])
    moved = tmp_path / "b" / "renamed.txt"
    moved.parent.mkdir()
    shutil.copy(first, moved)
    sent = len(fake.chat_requests)
    (result,) = run(make_summarizer(fake), [moved])
    assert len(fake.chat_requests) == sent
    assert isinstance(result, ArticleResult)
    assert (result.id, result.source_path) == ("renamed", str(moved))


def test_refresh_replaces_the_memo(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    path = SEED_FILES[0]
    run(make_summarizer(fake), [path])
    refreshed_english = "A refreshed first paragraph: Kim will help Russia against Ukraine."
    fake.enqueue(FakeReply(content=refreshed_english))
    (refreshed,) = run(make_summarizer(fake, refresh=True), [path])
    assert isinstance(refreshed, ArticleResult)
    assert refreshed.translation_en.startswith(refreshed_english)
    sent = len(fake.chat_requests)
    (again,) = run(make_summarizer(fake), [path])
    assert len(fake.chat_requests) == sent
    assert isinstance(again, ArticleResult)
    assert again.translation_en == refreshed.translation_en


def test_an_edited_file_is_summarized_again(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer], tmp_path: Path
) -> None:
    path = tmp_path / "story.txt"
    text = SEED_FILES[0].read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    run(make_summarizer(fake), [path])
    sent = len(fake.chat_requests)
    path.write_text(text + "\n\nEin neuer Absatz kam am Abend hinzu, sagte die Polizei.\n")
    (result,) = run(make_summarizer(fake), [path])
    assert isinstance(result, ArticleResult)
    assert len(fake.chat_requests) > sent, "the new paragraph needed a model call"
    assert result.provenance.attempts.requests == len(fake.chat_requests) - sent


def test_duplicates_stay_duplicates_on_a_memo_rerun(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer], tmp_path: Path
) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    shutil.copy(SEED_FILES[0], a)
    shutil.copy(SEED_FILES[0], b)
    for _ in range(2):
        first, second = run(make_summarizer(fake), [a, b])
        assert isinstance(first, ArticleResult)
        assert isinstance(second, Duplicate) and second.of == "a"


def test_finished_articles_are_served_after_the_budget_is_spent(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    done, crossing, waiting = SEED_FILES[0], SEED_FILES[1], SEED_FILES[2]
    run(make_summarizer(fake), [done])
    s = make_summarizer(fake, max_tokens_total=1, concurrency=1)
    results = run(s, [crossing, waiting, done])
    kinds = [type(r).__name__ for r in results]
    # The first starts and crosses the budget of 1 token, the second is not started, and
    # the finished one is served from the cache: it costs nothing.
    assert kinds == ["ArticleResult", "ItemError", "ArticleResult"]


def test_the_code_digest_is_part_of_the_memo_key(
    fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The package's code changed (another digest): a finished article's memo key changes,
    so its stale result is not served (the calls' own keys do not include it)."""
    from summarizer import cache_keys

    source = Source("a", str(SEED_FILES[0]), path=SEED_FILES[0])
    before = make_summarizer(fake)._runner.keys.memo(source)
    monkeypatch.setattr(cache_keys, "code_digest", lambda: "next")
    after = make_summarizer(fake)._runner.keys.memo(source)
    assert before is not None and after is not None and before != after


def test_the_source_digest_follows_python_files_only(tmp_path: Path) -> None:
    """An edit to any Python file, or a new one, changes the digest; compiled and other
    files do not."""
    from summarizer.version import source_digest

    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    first = source_digest(tmp_path)
    (tmp_path / "pkg" / "a.pyc").write_bytes(b"\0")
    (tmp_path / "notes.md").write_text("hi")
    assert source_digest(tmp_path) == first
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    edited = source_digest(tmp_path)
    (tmp_path / "b.py").write_text("")
    assert len({first, edited, source_digest(tmp_path)}) == 3
