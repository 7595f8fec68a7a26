"""Shared fixtures: a fake OpenAI-compatible server on 127.0.0.1 and settings pointed at it."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from summarizer import Settings, Summarizer
from summarizer.article import Article
from summarizer.boilerplate import load_rules
from summarizer.schema import Claim, ClaimKind
from summarizer.sources import load_path
from summarizer.testing import FakeLLMServer
from tests.responders import digest_responder

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def load(path: Path, *, max_chars: int = 200_000) -> Article:
    """One article file loaded as `summarizer run` loads it (the bundled boilerplate rules)."""
    return load_path(path, max_chars=max_chars, rules=load_rules())


CLI_CODE = "from summarizer.cli import main; main()"
CLI = [sys.executable, "-c", CLI_CODE]
"""The CLI as a user's shell runs it, in a process of its own."""

# benchmarks/ is not a package (and site-packages may hold an unrelated `benchmarks`).
_spec = importlib.util.spec_from_file_location("_corpus", ROOT / "benchmarks" / "_corpus.py")
assert _spec is not None and _spec.loader is not None
_corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_corpus)
write_corpus: Callable[..., list[Path]] = _corpus.write_corpus
"""The synthetic corpus of the benchmarks (`benchmarks/_corpus.py`)."""


@pytest.fixture
def fake() -> Iterator[FakeLLMServer]:
    """A fake server that answers every summarizer task validly unless a test queues replies."""
    with FakeLLMServer(responder=digest_responder) as server:
        yield server


@pytest.fixture
def strict_fake() -> Iterator[FakeLLMServer]:
    """A fake server that answers only what a test queued (anything else is a 500)."""
    with FakeLLMServer() as server:
        yield server


CLI_API_KEY = "sk-cli-test"


@pytest.fixture
def env(fake: FakeLLMServer, tmp_path: Path) -> dict[str, str]:
    """A CLI environment (`SUMMARIZER_*`) pointed at the `fake` server, with its own cache."""
    return {
        "SUMMARIZER_BASE_URL": fake.base_url,
        "SUMMARIZER_MODEL": "fake-model",
        "SUMMARIZER_API_KEY": CLI_API_KEY,
        "SUMMARIZER_MODE": "json_schema",
        "SUMMARIZER_CACHE_DIR": str(tmp_path / "cache"),
        "SUMMARIZER_RETRY_MAX_WAIT": "0.05",
        "SUMMARIZER_CLAIM_PICKS": "true",  # as `make_settings`
    }


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(server: FakeLLMServer, **overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "model": "fake-model",
            "base_url": server.base_url,
            "api_key": "sk-test",
            "mode": "json_schema",
            "cache_dir": tmp_path / "cache",
            "retry_max_wait": 0.05,
            # The scripted fakes answer the claims call; a test of the default (every
            # sentence a claim, no claims call) passes claim_picks=False.
            "claim_picks": True,
        }
        values.update(overrides)
        return Settings(**values)

    return make


def without_translation_check(make: Callable[..., Settings]) -> Callable[..., Settings]:
    """`make_settings` without the translation check, for a test module whose fakes translate
    by fixed lines that keep no numbers (the check's own re-asks: tests/test_fidelity.py)."""

    def settings(server: FakeLLMServer, **overrides: Any) -> Settings:
        return make(server, **{"check_translations": False, **overrides})

    return settings


@pytest.fixture
def make_summarizer(make_settings: Callable[..., Settings]) -> Iterator[Callable[..., Summarizer]]:
    created: list[Summarizer] = []

    def make(server: FakeLLMServer, **overrides: Any) -> Summarizer:
        summarizer = Summarizer(make_settings(server, **overrides))
        created.append(summarizer)
        return summarizer

    yield make
    for summarizer in created:
        summarizer.close()


def claim_in(
    source: str,
    text_en: str,
    quote: str,
    *,
    speaker: str = "the article",
    kind: ClaimKind = "statement",
    attribution: str = "",
) -> Claim:
    """A claim quoting `quote` at its first place in `source`."""
    start = source.index(quote)
    return Claim(
        text_en=text_en,
        speaker=speaker,
        attribution=attribution,
        kind=kind,
        quote=quote,
        start=start,
        end=start + len(quote),
    )
