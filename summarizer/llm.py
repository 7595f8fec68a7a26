"""LLM calls: one openai + instructor path for every backend, with failures classified before retry.

Owners, one per failure class:
- validation errors: instructor re-asks (`max_retries=settings.max_reasks`), feeding the error back;
- 429, 5xx, connection errors and timeouts: one tenacity policy here, jittered exponential
  backoff that honours Retry-After; a 429 pauses every call of the run (`RateGate`);
- 401/403 and quota errors: never retried, raised at once as `AuthError` / `QuotaError`;
- `finish_reason == "length"`: `OutputTruncatedError`, never passed on as a result.
The openai client's own retries are off (`max_retries=0`), so nothing retries twice.

instructor renders each message as a Jinja template with the call's `context=` (the article
is a variable, never part of the template source). It compiles the template anew on every
call, which was the largest client cost of a batch (~2 ms a call); `_cache_compiled_templates`
makes it compile each distinct template once, with the same sandboxed environment and output.
Requests go out through the client's generic `post` (openai's documented way to send a body
as is) rather than `chat.completions.create`, whose per-call walk over every parameter's type
was the next largest; the body is the same JSON.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import email.utils
import functools
import json
import textwrap
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, cast

import instructor
import instructor.v2.core.patch as instructor_patch
import instructor.v2.core.templating as instructor_templating
import instructor.v2.validation.async_validators as instructor_async_validators
import jinja2
import openai
from instructor.core.exceptions import IncompleteOutputException, InstructorRetryException
from jinja2.sandbox import SandboxedEnvironment
from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from summarizer.errors import (
    AuthError,
    LLMError,
    OutputTruncatedError,
    QuotaError,
    TransportError,
    ValidationFailedError,
)
from summarizer.schema import Usage
from summarizer.settings import Settings

__all__ = [
    "CallStats",
    "Completion",
    "LLMClient",
    "RateGate",
    "mode_name",
    "request_params",
    "resolve_mode",
]

T = TypeVar("T", bound=BaseModel)
V = TypeVar("V")

_MODES = {
    "json_schema": instructor.Mode.JSON_SCHEMA,
    "tools": instructor.Mode.TOOLS,
    "md_json": instructor.Mode.MD_JSON,
    "json": instructor.Mode.JSON,
}


def mode_name(mode: instructor.Mode) -> str:
    """Our name for an instructor mode (as accepted by `--mode`), recorded in provenance."""
    return next((name for name, m in _MODES.items() if m == mode), str(mode.value))


def resolve_mode(settings: Settings) -> instructor.Mode:
    """The instructor mode: as configured, else per backend (embedded/OpenAI/other)."""
    if settings.mode != "auto":
        return _MODES[settings.mode]
    if settings.is_embedded:
        return instructor.Mode.JSON_SCHEMA
    if settings.base_url is None:
        return instructor.Mode.TOOLS
    return instructor.Mode.MD_JSON


@dataclass
class CallStats:
    """What one logical call cost: attempts of each kind, tokens, and the raw last output."""

    attempts: int = 0
    http_requests: int = 0
    transport_retries: int = 0
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    last_output: str | None = None

    @property
    def reasks(self) -> int:
        """Validation re-asks: every instructor attempt after the first."""
        return max(self.attempts - 1, 0)


@dataclass(frozen=True)
class Completion(Generic[V]):
    """A validated value plus what it cost."""

    value: V
    stats: CallStats


class RateGate:
    """One process's admission control for an endpoint: at most `limit` requests in flight,
    and a run-wide pause after a 429.

    The limit counts requests on the wire, not calls: a slot is held from sending a request
    to reading its answer, never while instructor parses it or a retry backs off. `on_pause`,
    if set, hears each pause this process decides on, so that worker processes can share it
    (see `summarizer.workers`).
    """

    def __init__(self) -> None:
        self._resume_at = 0.0
        self.on_pause: Callable[[float], None] | None = None
        self.limit: int | None = None
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def limit_to(self, requests: int | None) -> None:
        """Allow at most `requests` in flight from now on (None: no limit)."""
        if requests != self.limit:
            self.limit, self._slots = requests, None

    def pause(self, seconds: float, *, relay: bool = True) -> None:
        """Hold all calls for `seconds` from now (extends, never shortens, a pause); `relay`
        tells `on_pause` (False for a pause relayed from elsewhere)."""
        self._resume_at = max(self._resume_at, time.monotonic() + seconds)
        if relay and self.on_pause is not None:
            self.on_pause(seconds)

    async def wait(self) -> None:
        """Sleep until the pause is over."""
        while (delay := self._resume_at - time.monotonic()) > 0:  # a pause may be extended
            await asyncio.sleep(delay)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the `limit` request slots (after any pause) for the body's duration.

        A slot freed while other calls wait goes to the first of them before the freeing call
        runs on: otherwise the slot would idle while that call parses its answer and builds its
        next prompt (1-2 ms of CPU per request, and more while the loop is busy)."""
        slots: asyncio.Semaphore | None = None
        if self.limit is not None:
            loop = asyncio.get_running_loop()
            if self._slots is None or self._slots[0] is not loop:  # a semaphore serves one loop
                self._slots = (loop, asyncio.Semaphore(self.limit))
            slots = self._slots[1]
        async with slots or contextlib.nullcontext():
            await self.wait()
            yield
        if slots is not None and slots.locked():  # a call waits for the slot just freed:
            await asyncio.sleep(0)  # let it send its request before this one parses its answer


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> jinja2.Template:
    return SandboxedEnvironment().from_string(source)


def _apply_template(text: str, context: dict[str, Any]) -> str:
    """instructor's `apply_template`, with each template compiled once instead of per call."""
    rendered = _compiled(text).render(**context)
    if rendered.startswith((" ", "\t")) or "\n " in rendered or "\n\t" in rendered:
        return textwrap.dedent(rendered)
    return rendered  # no line starts with blanks: dedent would return it unchanged


def _cache_compiled_templates() -> None:
    """Route instructor's message templating through `_apply_template` (idempotent)."""
    instructor_templating.apply_template = _apply_template  # type: ignore[attr-defined]


_reject_async_validators = instructor_async_validators.reject_async_validators
_without_async_validators: weakref.WeakSet[Any] = weakref.WeakSet()


def _reject_async_validators_once(response_model: Any) -> None:
    """instructor's check that `response_model` has no async validators, done once per model.

    instructor runs it 8 times per structured call, each a walk over every attribute of the
    model's classes (~100 us for our models); a model class does not change between calls.
    A model that fails raises every time, as before.
    """
    if response_model in _without_async_validators:
        return
    _reject_async_validators(response_model)
    with contextlib.suppress(TypeError):  # None or a typing construct: checked each time
        _without_async_validators.add(response_model)


def _check_async_validators_once() -> None:
    """Route instructor's async-validator check through `_reject_async_validators_once`
    (idempotent): in its module, where instructor's functions import it at call time, and in
    `patch`, which imported it at load time."""
    for module in (instructor_async_validators, instructor_patch):
        module.reject_async_validators = _reject_async_validators_once  # type: ignore[attr-defined]


class GarbledResponseError(Exception):
    """The endpoint answered with a body that is not JSON (retried like a 5xx)."""


_REQUEST_OPTIONS = {
    "extra_body": "extra_json",
    "extra_headers": "headers",
    "extra_query": "params",
    "timeout": "timeout",
}
"""Arguments of `chat.completions.create` that are request options, not body fields."""

_current: contextvars.ContextVar[CallStats] = contextvars.ContextVar("summarizer_call_stats")


def _is_quota(exc: BaseException) -> bool:
    if not isinstance(exc, openai.APIStatusError):
        return False
    body = exc.body if isinstance(exc.body, dict) else {}
    code = body.get("code") or (body.get("error") or {}).get("code")
    return code == "insufficient_quota" or "quota" in str(code or "")


def _is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, openai.RateLimitError):
        return not _is_quota(exc)
    if isinstance(
        exc,
        openai.APIConnectionError | openai.APIResponseValidationError | GarbledResponseError,
    ):
        return True  # includes APITimeoutError; a garbled body is a transport fault
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409) or exc.status_code >= 500
    return False


def _retry_after(exc: BaseException | None) -> float | None:
    """Seconds the server asked us to wait (Retry-After / retry-after-ms), if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value)
        return max(parsed.timestamp() - time.time(), 0.0) if parsed else None


def _classify(exc: BaseException, *, task: str, stats: CallStats) -> LLMError:
    """Map a final failure to our exception tree, keeping attempts and the last output."""
    data: dict[str, Any] = {
        "task": task,
        "attempts": stats.attempts,
        "last_output": stats.last_output,
        "requests": stats.http_requests,
        "transport_retries": stats.transport_retries,
        "prompt_tokens": stats.usage.prompt_tokens,
        "completion_tokens": stats.usage.completion_tokens,
    }
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AuthError(
            f"{task}: the endpoint refused the credentials (HTTP {exc.status_code}); "
            "check the API key (OPENAI_API_KEY / SUMMARIZER_API_KEY)",
            status_code=exc.status_code,
            **data,
        )
    if _is_quota(exc):
        return QuotaError(
            f"{task}: the account is out of quota; not retried",
            status_code=getattr(exc, "status_code", None),
            **data,
        )
    if isinstance(exc, IncompleteOutputException):
        return OutputTruncatedError(f"{task}: the answer hit max_tokens and was cut off", **data)
    if _is_retryable(exc):
        status = getattr(exc, "status_code", None)
        what = f"HTTP {status}" if status else type(exc).__name__
        return TransportError(
            f"{task}: {what} after {stats.http_requests} requests: {exc}",
            status_code=status,
            **data,
        )
    if isinstance(exc, openai.APIStatusError):
        return LLMError(
            f"{task}: HTTP {exc.status_code}: {exc.message}", status_code=exc.status_code, **data
        )
    return ValidationFailedError(
        f"{task}: output failed validation after {stats.attempts} attempts: {exc}", **data
    )


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
    ) -> None:
        self.settings = settings
        self.mode = mode or resolve_mode(settings)
        self._client = client
        self._extra_body = extra_body or {}
        self._gate = gate or RateGate()
        self._create: Callable[..., Awaitable[Any]] = instructor.patch(  # type: ignore[assignment]
            create=self._send, mode=self.mode
        )
        _cache_compiled_templates()
        _check_async_validators_once()
        self._initial_wait = wait_random_exponential(multiplier=0.5, max=settings.retry_max_wait)

    async def aclose(self) -> None:
        """Close the underlying HTTP client."""
        await self._client.close()

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = _retry_after(exc)
        wait = (
            min(asked, self.settings.retry_max_wait)
            if asked is not None
            else self._initial_wait(state)
        )
        if isinstance(exc, openai.RateLimitError):
            self._gate.pause(wait)
        return wait

    async def _send(self, **kwargs: Any) -> Any:
        """One instructor attempt: the raw create call under the transport retry policy."""
        stats = _current.get()
        stats.attempts += 1
        retrying = AsyncRetrying(
            retry=retry_if_exception(_is_retryable),
            stop=stop_after_attempt(self.settings.max_retries + 1),
            wait=self._wait,
            reraise=True,
        )
        async for attempt in retrying:
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
            if stats.attempts == 0:
                stats.attempts = int(getattr(exc, "n_attempts", 0) or 0)
            raise _classify(cause, task=task, stats=stats) from None
        except (openai.OpenAIError, IncompleteOutputException, GarbledResponseError) as exc:
            raise _classify(exc, task=task, stats=stats) from None
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
                task=task,
                attempts=stats.attempts,
                last_output=stats.last_output,
                requests=stats.http_requests,
                transport_retries=stats.transport_retries,
                prompt_tokens=stats.usage.prompt_tokens,
                completion_tokens=stats.usage.completion_tokens,
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
