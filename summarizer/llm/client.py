"""LLM calls: one openai + instructor path for every backend, failures classified before retry.

Requests go out through the client's generic `post` (openai's documented way to send a body
as is) rather than `chat.completions.create`, whose per-call walk over every parameter's type
was a large client cost of a batch; the body is the same JSON. Retries and the classification
of failures live in `summarizer.llm.retry`.
"""

from __future__ import annotations

import contextvars
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import instructor
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError

from summarizer.errors import OutputTruncatedError, SummarizerError
from summarizer.llm._instructor_patches import apply_instructor_patches
from summarizer.llm.gate import RateGate
from summarizer.llm.modes import resolve_mode
from summarizer.llm.retry import GarbledResponseError, TransportRetry, classify, failure_data
from summarizer.llm.stats import CallStats
from summarizer.schema import Usage
from summarizer.settings import Settings

__all__ = ["Completion", "LLMClient", "Transport", "request_params"]

T = TypeVar("T", bound=BaseModel)
V = TypeVar("V")


@dataclass(frozen=True)
class Completion(Generic[V]):
    """A validated value plus what it cost."""

    value: V
    stats: CallStats


_REQUEST_OPTIONS = {
    "extra_body": "extra_json",
    "extra_headers": "headers",
    "extra_query": "params",
    "timeout": "timeout",
}
"""Arguments of `chat.completions.create` that are request options, not body fields."""

Transport = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
"""Sends one chat request body (its extra_body fields merged in) and returns the response
JSON: the seam where a Batch API job (`summarizer.batchjob`) stands in for HTTP."""

_current: contextvars.ContextVar[CallStats] = contextvars.ContextVar("summarizer_call_stats")


def request_params(
    settings: Settings,
    *,
    max_tokens: int,
    extra_body: dict[str, Any],
    stop: list[str] | None = None,
) -> dict[str, Any]:
    """Model and sampling parameters of a request; without "model", part of the cache key."""
    params: dict[str, Any] = {
        "model": settings.model,
        "temperature": settings.temperature,
        "max_tokens": max_tokens,
    }
    if settings.seed is not None:
        params["seed"] = settings.seed
    if stop:
        params["stop"] = stop
    if extra_body:
        params["extra_body"] = extra_body
    return params


class LLMClient:
    """Sends chat calls through instructor to one OpenAI-compatible endpoint."""

    def __init__(
        self,
        settings: Settings,
        *,
        client: openai.AsyncOpenAI,
        mode: instructor.Mode | None = None,
        extra_body: dict[str, Any] | None = None,
        gate: RateGate | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.settings = settings
        self._transport = transport
        self.mode = mode or resolve_mode(settings)
        self._client = client
        self._extra_body = extra_body or {}
        self._gate = gate or RateGate()
        self._create: Callable[..., Awaitable[Any]] = instructor.patch(  # type: ignore[assignment]
            create=self._send, mode=self.mode
        )
        apply_instructor_patches()
        self._retry = TransportRetry(settings, self._gate)

    async def aclose(self) -> None:
        """Close the underlying HTTP client."""
        await self._client.close()

    async def _send(self, **kwargs: Any) -> Any:
        """One instructor attempt: the raw create call under the transport retry policy."""
        stats = _current.get()
        stats.attempts += 1
        async for attempt in self._retry.attempts():
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    stats.transport_retries += 1
                try:
                    response = await self._post(kwargs, stats)
                except json.JSONDecodeError as exc:  # a garbled body is a transport fault,
                    raise GarbledResponseError(str(exc)) from exc  # not the model's output
                self._record(stats, response)
                return response
        raise AssertionError("unreachable")  # pragma: no cover

    async def _post(self, kwargs: dict[str, Any], stats: CallStats) -> ChatCompletion:
        """POST /chat/completions with instructor's arguments as the JSON body, in a slot."""
        options: dict[str, Any] = {}
        for arg, option in _REQUEST_OPTIONS.items():
            if (value := kwargs.get(arg)) is not None:
                options[option] = value
        body = {k: v for k, v in kwargs.items() if k not in _REQUEST_OPTIONS}
        if self._transport is not None:
            data = await self._transport({**body, **options.get("extra_json", {})})
        else:
            async with self._gate.slot():
                stats.http_requests += 1
                data = await self._client.post(  # type: ignore[call-overload]
                    "/chat/completions", body=body, cast_to=object, options=options, stream=False
                )
        if not isinstance(data, dict):
            raise GarbledResponseError(f"the response body is not a JSON object: {data!r:.200}")
        try:  # pydantic-core validation: a fraction of openai's lax, field-by-field build
            return ChatCompletion.model_validate(data)
        except ValidationError:  # a server's odd but usable answer: build it leniently
            return ChatCompletion.construct(**data)

    @staticmethod
    def _record(stats: CallStats, response: Any) -> None:
        usage = getattr(response, "usage", None)
        if usage is not None:
            stats.usage = stats.usage + Usage(
                prompt_tokens=usage.prompt_tokens or 0,
                completion_tokens=usage.completion_tokens or 0,
            )
        choices = getattr(response, "choices", None) or []
        if choices:
            stats.finish_reason = choices[0].finish_reason
            message = choices[0].message
            tool_calls = getattr(message, "tool_calls", None)
            if tool_calls:
                stats.last_output = tool_calls[0].function.arguments
            else:
                stats.last_output = message.content

    def _params(self, max_tokens: int, stop: list[str] | None = None) -> dict[str, Any]:
        return request_params(
            self.settings, max_tokens=max_tokens, extra_body=self._extra_body, stop=stop
        )

    async def _run(self, task: str, call: Callable[[], Awaitable[Any]]) -> tuple[Any, CallStats]:
        stats = CallStats()
        token = _current.set(stats)
        try:
            return await call(), stats
        except InstructorRetryException as exc:
            cause = exc.__cause__ if exc.__cause__ is not None else exc
            if isinstance(cause, SummarizerError):  # a transport's own verdict (deferred,
                raise cause from None  # or failed for good in a batch) is no model error
            if stats.attempts == 0:
                stats.attempts = int(getattr(exc, "n_attempts", 0) or 0)
            raise classify(cause, task=task, stats=stats) from None
        except (openai.OpenAIError, IncompleteOutputException, GarbledResponseError) as exc:
            raise classify(exc, task=task, stats=stats) from None
        finally:
            _current.reset(token)

    async def text(
        self,
        *,
        task: str,
        messages: list[dict[str, str]],
        context: dict[str, Any],
        max_tokens: int,
        stop: list[str] | None = None,
    ) -> Completion[str]:
        """A plain-text completion (no grammar); raises `OutputTruncatedError` when cut off."""

        async def call() -> Any:
            return await self._create(
                response_model=None,
                context=context,
                messages=messages,
                **self._params(max_tokens, stop),
            )

        response, stats = await self._run(task, call)
        if stats.finish_reason == "length":
            raise OutputTruncatedError(
                f"{task}: the answer hit max_tokens={max_tokens} and was cut off",
                **failure_data(task, stats),
            )
        content = cast(str, response.choices[0].message.content or "")
        return Completion(value=content, stats=stats)

    async def structured(
        self,
        *,
        task: str,
        messages: list[dict[str, str]],
        context: dict[str, Any],
        response_model: type[T],
        max_tokens: int,
    ) -> Completion[T]:
        """A validated pydantic result; instructor re-asks on validation errors."""

        async def call() -> Any:
            return await self._create(
                response_model=response_model,
                context=context,
                messages=messages,
                max_retries=self.settings.max_reasks,
                **self._params(max_tokens),
            )

        value, stats = await self._run(task, call)
        return Completion(value=cast(T, value), stats=stats)
