"""The one place LLM calls happen: the cache first, then the model, each call in the ledger.

A call's answer is looked up by its key (`cache_keys.CallInputs`: everything that shapes the
output) and recorded as a hit, with the tokens it saved, or as a miss, with what it spent
(a failed call's spending counts too). A cut-off answer is cached as such, so a rerun splits
the work again without a call; replay (`--replay`) makes no model calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from summarizer.cache import ResultCache
from summarizer.cache_keys import CacheKeys, CallEntry, CallInputs
from summarizer.endpoint import Backend
from summarizer.errors import (
    CacheMissError,
    LLMError,
    OutputTruncatedError,
    ValidationFailedError,
)
from summarizer.llm import CallStats
from summarizer.prompts import PromptTemplate
from summarizer.settings import Settings
from summarizer.usage import Ledger, stats_of_failure

__all__ = ["ArticleCalls", "CachedCalls"]

M = TypeVar("M", bound=BaseModel)


class CachedCalls:
    """Cached LLM calls of one `Summarizer`: its settings, endpoint, cache and prompts."""

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        cache: ResultCache,
        prompts: dict[str, PromptTemplate],
        keys: CacheKeys,
    ) -> None:
        self._settings = settings
        self._backend = backend
        self._cache = cache
        self._prompts = prompts
        self.keys = keys

    def for_article(self, preprocessing: str, ledger: Ledger) -> ArticleCalls:
        """The calls about one article (of `preprocessing`), recorded in `ledger`."""
        return ArticleCalls(self, preprocessing, ledger)

    async def call(
        self,
        name: str,
        inputs: CallInputs,
        schema: type[M] | None,
        max_tokens: int,
        ledger: Ledger,
        stop: list[str] | None = None,
    ) -> M | str:
        """The answer to the call `inputs` (named `name` in provenance): cached, else asked."""
        if not self._settings.refresh:
            stored = self._cache.get(inputs.key)
            entry = CallEntry.decode(stored) if stored is not None else None
            value = self._cached_answer(name, entry, schema, inputs.context, ledger)
            if value is not None:
                return value
        if self._settings.replay:
            raise CacheMissError(
                f"{name}: not in the cache, and replay (--replay, SUMMARIZER_REPLAY) makes no "
                "model calls",
                task=name,
            )
        try:
            stats, result, stored = await self._ask(name, inputs, schema, max_tokens, stop)
        except LLMError as exc:  # what a failed call spent still counts
            spent = ledger.failed(name, exc)
            if isinstance(exc, OutputTruncatedError):  # remember it, so a rerun makes no call
                self.store(inputs, CallEntry(task=inputs.task, truncated=True, usage=spent.usage))
            raise
        ledger.miss(name, stats, valid_first=stats.attempts == 1)
        self.store(inputs, CallEntry(task=inputs.task, value=stored, usage=stats.usage))
        return result

    @staticmethod
    def _cached_answer(
        name: str,
        entry: CallEntry | None,
        schema: type[M] | None,
        context: dict[str, Any],
        ledger: Ledger,
    ) -> M | str | None:
        """A cached entry's answer (recorded as a hit); None for a miss or a stale entry.
        A cut-off answer raises `OutputTruncatedError` again (the caller splits the work)."""
        if entry is None:
            return None
        if entry.truncated:
            ledger.hit(name, entry.usage)
            raise OutputTruncatedError(f"{name}: cut off at max_tokens (cached)", task=name)
        try:
            value = entry.answer(schema, context)
        except (ValidationError, KeyError, TypeError, ValueError):
            return None  # a stale or corrupt entry is a miss
        ledger.hit(name, entry.usage)
        return value

    async def _ask(
        self,
        name: str,
        inputs: CallInputs,
        schema: type[M] | None,
        max_tokens: int,
        stop: list[str] | None,
    ) -> tuple[CallStats, M | str, Any]:
        """Ask the model: what the call cost, its answer, and the answer as JSON to store."""
        llm = await self._backend.llm()
        messages = self._prompts[inputs.task].as_messages(inputs.context)
        if schema is None:
            text = await llm.text(
                task=name,
                messages=messages,
                context=inputs.context,
                max_tokens=max_tokens,
                stop=stop,
            )
            return text.stats, text.value, text.value
        completion = await llm.structured(
            task=name,
            messages=messages,
            context=inputs.context,
            response_model=schema,
            max_tokens=max_tokens,
        )
        value = completion.value
        return completion.stats, value, value.model_dump(mode="json")

    def store(self, inputs: CallInputs, entry: CallEntry) -> None:
        """Cache `entry` as the answer to the call `inputs`."""
        self._cache.set(inputs.key, entry.encode())


@dataclass
class ArticleCalls:
    """The cached calls about one article, recorded in its ledger."""

    calls: CachedCalls
    preprocessing: str
    ledger: Ledger

    def _inputs(
        self,
        task: str,
        context: dict[str, Any],
        schema: type[BaseModel] | None,
        max_tokens: int,
        stop: list[str] | None = None,
    ) -> CallInputs:
        keys = self.calls.keys
        return keys.call(task, context, schema, max_tokens, self.preprocessing, stop)

    async def text(
        self,
        name: str,
        task: str,
        context: dict[str, Any],
        max_tokens: int,
        *,
        stop: list[str] | None = None,
    ) -> str:
        """A text answer of `task`'s template on `context` (call `name` in provenance)."""
        inputs = self._inputs(task, context, None, max_tokens, stop)
        answer = await self.calls.call(name, inputs, None, max_tokens, self.ledger, stop)
        assert isinstance(answer, str)
        return answer

    async def structured(
        self, name: str, task: str, context: dict[str, Any], schema: type[M], max_tokens: int
    ) -> M:
        """A `schema` answer of `task`'s template on `context` (call `name` in provenance)."""
        inputs = self._inputs(task, context, schema, max_tokens)
        answer = await self.calls.call(name, inputs, schema, max_tokens, self.ledger)
        assert isinstance(answer, schema)
        return answer

    def store_salvage(
        self,
        task: str,
        context: dict[str, Any],
        max_tokens: int,
        value: BaseModel,
        exc: ValidationFailedError,
    ) -> None:
        """Cache an answer kept in part after the re-asks, marked as salvaged, with the tokens
        its attempts cost: a rerun makes no call and reports them as saved."""
        inputs = self._inputs(task, context, type(value), max_tokens)
        usage = stats_of_failure(exc).usage
        value_json = value.model_dump(mode="json")
        entry = CallEntry(task=task, value=value_json, usage=usage, salvaged=True)
        self.calls.store(inputs, entry)
