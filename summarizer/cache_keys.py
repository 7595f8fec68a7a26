"""Cache keys and entries: what identifies a call's answer or a finished article, and how each
is stored.

A call's key hashes one `CallInputs`: every input that shapes the call's output; a field that
does not (`NOT_IN_KEY`) is left out by name. The key of a finished article (the memo) hashes
its input's `sources.fingerprint` and the run fingerprint: everything besides the input that
shapes a result. Keys are `cache.cache_key` of plain dicts, so they stay the same as long as
these dicts do: a cache written by an earlier version keeps being served.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, fields
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError

from summarizer.article import PREPROCESSING_VERSION
from summarizer.budget import TURN_CHARS
from summarizer.cache import cache_key
from summarizer.endpoint import Backend
from summarizer.llm import request_params
from summarizer.prompts import PromptTemplate
from summarizer.schema import ArticleResult, Usage, schema_hash
from summarizer.settings import Settings
from summarizer.sources import Source, fingerprint
from summarizer.version import __version__, code_digest

__all__ = ["CacheKeys", "CallEntry", "CallInputs", "MemoEntry", "prompt_versions"]

M = TypeVar("M", bound=BaseModel)


def prompt_versions(prompts: dict[str, PromptTemplate]) -> dict[str, str]:
    """Each task's template version and fingerprint, as keys and provenance record them."""
    return {t: f"{p.version}#{p.fingerprint}" for t, p in prompts.items()}


@dataclass(frozen=True)
class CallInputs:
    """Every input of one LLM call; its key hashes all of them but `NOT_IN_KEY`."""

    NOT_IN_KEY: ClassVar[frozenset[str]] = frozenset({"task"})

    task: str  # named by `template` and `messages` already
    model: str
    endpoint: str
    mode: str
    template: str
    messages: str
    context: dict[str, Any]
    schema: dict[str, Any] | None
    sampling: dict[str, Any]
    preprocessing: str

    @property
    def key(self) -> str:
        """The cache key of the call's answer."""
        parts = {f.name: getattr(self, f.name) for f in fields(self)}
        return cache_key({k: v for k, v in parts.items() if k not in self.NOT_IN_KEY})


class CallEntry(BaseModel):
    """A call's cached answer (a text, or a response model as JSON) and what it cost; or the
    fact that the answer was cut off at max_tokens (`truncated`, no value)."""

    task: str = ""
    value: Any = None
    usage: Usage = Usage()
    truncated: bool = False
    salvaged: bool = False
    """The answer failed validation after the re-asks and was kept in part (claim by claim,
    or clipped): marked, so that it is never taken for a clean answer."""

    @classmethod
    def decode(cls, stored: dict[str, Any]) -> CallEntry | None:
        """The entry stored as `stored`, or None if it is not one."""
        try:
            return cls.model_validate(stored)
        except ValidationError:
            return None

    def encode(self) -> dict[str, Any]:
        """The JSON object stored."""
        if self.truncated:
            return {"task": self.task, "truncated": True, "usage": self.usage.model_dump()}
        entry = {"task": self.task, "value": self.value, "usage": self.usage.model_dump()}
        return {**entry, "salvaged": True} if self.salvaged else entry

    def answer(self, schema: type[M] | None, context: dict[str, Any]) -> M | str:
        """The cached answer, validated as the call's would be; raises if it is stale."""
        if schema is None:
            if not isinstance(self.value, str):
                raise TypeError("cached text is not a string")
            return self.value
        return schema.model_validate(self.value, context=context)


class MemoEntry(BaseModel):
    """A finished article's result and the SHA-256 of its cleaned text (for duplicates)."""

    task: str = "article"
    result: ArticleResult
    text_sha256: str

    @classmethod
    def decode(cls, stored: dict[str, Any] | None) -> MemoEntry | None:
        """The entry stored as `stored`, or None (a bad entry is a miss)."""
        if stored is None:
            return None
        try:
            return cls.model_validate(stored)
        except ValidationError:
            return None

    def encode(self) -> dict[str, Any]:
        """The JSON object stored."""
        return self.model_dump(mode="json")


class CacheKeys:
    """The keys of one `Summarizer`'s calls and finished articles."""

    def __init__(
        self,
        settings: Settings,
        backend: Backend,
        prompts: dict[str, PromptTemplate],
        rules_fingerprint: str,
    ) -> None:
        self._settings = settings
        self._backend = backend
        self._prompts = prompts
        self._rules_fingerprint = rules_fingerprint

    def call(
        self,
        task: str,
        context: dict[str, Any],
        schema: type[BaseModel] | None,
        max_tokens: int,
        preprocessing: str,
        stop: list[str] | None = None,
    ) -> CallInputs:
        """The inputs of a call of `task`'s template with `context`."""
        template = self._prompts[task]
        sampling = request_params(
            self._settings,
            max_tokens=max_tokens,
            extra_body=self._backend.extra_body,
            stop=stop,
        )
        sampling.pop("model")
        return CallInputs(
            task=task,
            model=self._settings.model,
            endpoint=self._backend.endpoint_id,
            mode=self._backend.mode.value,
            template=template.version,
            messages=template.fingerprint,
            context=context,
            schema=schema.model_json_schema() if schema else None,
            sampling=sampling,
            preprocessing=preprocessing,
        )

    @functools.cached_property
    def run_fingerprint(self) -> str:
        """Everything besides the input that shapes an article's result."""
        settings, backend = self._settings, self._backend
        sampling = request_params(settings, max_tokens=0, extra_body=backend.extra_body)
        return cache_key(
            {
                "version": __version__,
                "code": code_digest(),
                "model": settings.model,
                "endpoint": backend.endpoint_id,
                "mode": backend.mode.value,
                "prompts": prompt_versions(self._prompts),
                "schema": schema_hash(),
                "sampling": sampling,
                "preprocessing": f"{PREPROCESSING_VERSION}+rules.{self._rules_fingerprint}",
                "chunk_chars": backend.chunk_chars,
                "turn_chars": TURN_CHARS,
                "merge_chars": backend.merge_chars,
                "max_chars": settings.max_chars,
                "check_translations": settings.check_translations,
                **({"layout": settings.layout} if settings.layout != "conversation" else {}),
                **({"claim_picks": True} if settings.claim_picks else {}),
            }
        )

    def memo(self, source: Source, sha256: str | None = None) -> str | None:
        """The key of `source`'s finished result (`sha256`: its raw input's, when known);
        None without a fingerprint (standard input, unreadable input)."""
        raw = fingerprint(source, sha256)
        if raw is None:
            return None
        return cache_key({"article": raw, "run": self.run_fingerprint})
