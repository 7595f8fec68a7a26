"""The digest's two model calls: is a pair one event, and an event's headline, summary and
which discrepancies are false. Both are small schemas, validated, cached like every other call."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from instructor import OpenAISchema
from pydantic import Field, ValidationInfo, field_validator

from summarizer.cache import ResultCache
from summarizer.cache_keys import CacheKeys
from summarizer.cached_call import ArticleCalls, CachedCalls
from summarizer.digest.signals import dates_in, spoken
from summarizer.endpoint import Backend
from summarizer.prompts import load_prompt
from summarizer.schema import ArticleResult
from summarizer.settings import Settings
from summarizer.usage import Ledger

__all__ = [
    "DIGEST_TASKS",
    "EventDraft",
    "PairVerdict",
    "digest_calls",
    "draft_event",
    "judge_pair",
    "report_card",
]

DIGEST_TASKS = ("digest_pair", "digest_event")
DIGEST_PREPROCESSING = "digest.1"  # in every digest call's key: bump when report cards change
_MAX_POINTS = 6
_MAX_CLAIMS = 8


class PairVerdict(OpenAISchema):
    """The pair call's answer."""

    reason: str = Field(min_length=3, max_length=400)
    relation: Literal["same_event", "related", "different"]


class EventDraft(OpenAISchema):
    """The event call's answer."""

    title: str = Field(min_length=3, max_length=200)
    summary_sentences: list[str] = Field(min_length=1, max_length=4)
    dismissed: list[int] = Field(default_factory=list)

    @field_validator("dismissed")
    @classmethod
    def _listed(cls, value: list[int], info: ValidationInfo) -> list[int]:
        listed = len((info.context or {}).get("differences", []))
        unknown = [n for n in value if not 1 <= n <= listed]
        if unknown:
            raise ValueError(f"dismissed lists {unknown}: only differences 1 to {listed} exist")
        return sorted(set(value))

    @property
    def summary_en(self) -> str:
        """The summary as one paragraph."""
        return " ".join(" ".join(s.split()) for s in self.summary_sentences if s.strip())


def report_card(result: ArticleResult, name: str) -> dict[str, Any]:
    """What the pair call sees of one result."""
    texts = [result.summary_en, *(c.text_en for c in result.claims)]
    dates = sorted({d for t in texts for d, _, _ in dates_in(t)})
    return {
        "name": name,
        "title": result.title_en,
        "dates": ", ".join(spoken(d) for d in dates),
        "summary": result.summary_en,
        "points": result.key_points_en[:_MAX_POINTS],
    }


async def judge_pair(calls: ArticleCalls, a: ArticleResult, b: ArticleResult) -> PairVerdict:
    """The model's verdict on whether `a` and `b` report one event."""
    context = {"reports": [report_card(a, "A"), report_card(b, "B")]}
    name = f"digest.pair:{a.id}|{b.id}"
    return await calls.structured(name, "digest_pair", context, PairVerdict, max_tokens=200)


async def draft_event(
    calls: ArticleCalls, members: list[ArticleResult], differences: list[str]
) -> EventDraft:
    """The model's headline and summary of one event, and which differences it dismisses."""
    reports = [
        {
            "name": chr(ord("A") + i),
            "title": m.title_en,
            "claims": [c.text_en for c in m.claims[:_MAX_CLAIMS]],
        }
        for i, m in enumerate(members)
    ]
    context = {"reports": reports, "differences": differences}
    name = "digest.event:" + "|".join(m.id for m in members)
    return await calls.structured(name, "digest_event", context, EventDraft, max_tokens=400)


def digest_calls(
    settings: Settings,
    backend: Backend,
    cache: ResultCache,
    rules_fingerprint: str,
    ledger: Ledger,
    prompts_dir: Path | None = None,
) -> ArticleCalls:
    """The digest's cached calls on an endpoint and cache (a `Summarizer`'s), in `ledger`."""
    prompts = {task: load_prompt(task, prompts_dir) for task in DIGEST_TASKS}
    keys = CacheKeys(settings, backend, prompts, rules_fingerprint)
    calls = CachedCalls(settings, backend, cache, prompts, keys)
    return calls.for_article(DIGEST_PREPROCESSING, ledger)
