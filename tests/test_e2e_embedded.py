"""End to end on the real embedded model (the small 0.5B one, as in CI): no fakes anywhere."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer import ArticleResult, Settings, Summarizer
from summarizer.article import PARAGRAPH_SEPARATOR
from summarizer.tasks import count_sentences
from tests.conftest import SEED_FILES, load

pytestmark = pytest.mark.embedded

SMALL = "qwen2.5-coder-0.5b"
SEED = SEED_FILES[0]  # 000: the shortest seed


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e2e-cache")


@pytest.fixture(scope="module")
def first_run(cache_dir: Path) -> Iterator[tuple[ArticleResult, float]]:
    settings = Settings.from_env({}, model=SMALL, cache_dir=cache_dir)
    with Summarizer(settings) as summarizer:
        started = time.perf_counter()
        result = summarizer.summarize_file(SEED)
        yield result, time.perf_counter() - started


def test_real_model_result_is_complete_grounded_and_aligned(
    first_run: tuple[ArticleResult, float],
) -> None:
    result, _ = first_run
    article = load(SEED)
    ArticleResult.model_validate(result.model_dump())  # the schema holds
    assert result.language == "de"
    assert result.title_original == article.title
    assert result.title_en.strip()
    assert 2 <= count_sentences(result.summary_en) <= 4
    assert 3 <= len(result.key_points_en) <= 8
    paragraphs = result.translation_en.split(PARAGRAPH_SEPARATOR)
    assert len(paragraphs) == len(article.paragraphs)
    assert all(p.strip() for p in paragraphs)
    for claim in result.claims:
        assert article.text[claim.start : claim.end] == claim.quote
    p = result.provenance
    assert p.model == SMALL
    assert p.endpoint_host == "embedded"
    assert p.mode == "json_schema"
    assert set(p.cache.values()) == {"miss"}
    assert p.usage.completion_tokens > 0
    assert p.attempts.truncated == 0


def test_real_model_rerun_is_served_from_cache(
    first_run: tuple[ArticleResult, float], cache_dir: Path
) -> None:
    first, _ = first_run
    settings = Settings.from_env({}, model=SMALL, cache_dir=cache_dir)
    with Summarizer(settings) as summarizer:
        again = summarizer.summarize_file(SEED)
        assert summarizer._backend.server is None  # no cache miss, so no server was started
    assert set(again.provenance.cache.values()) == {"hit"}
    assert again.provenance.attempts.requests == 0
    assert again.model_dump(exclude={"provenance"}) == first.model_dump(exclude={"provenance"})


@pytest.mark.quality
def test_large_model_gets_the_basic_facts_right(tmp_path: Path) -> None:
    """Opt-in (pytest -m quality): the default 1.5B model on seed 001."""
    settings = Settings.from_env({}, model="qwen2.5-coder-1.5b", cache_dir=tmp_path)
    with Summarizer(settings) as summarizer:
        result = summarizer.summarize_file(SEED_FILES[1])
    text = " ".join([result.summary_en, *result.key_points_en]).lower()
    assert "belous" in text
    assert "november 30" in text or "30 november" in text
    assert result.claims
