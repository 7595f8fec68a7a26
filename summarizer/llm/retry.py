"""The transport retry policy and the classification of an LLM call's failures.

Owners, one per failure class:
- validation errors: instructor re-asks (`max_retries=settings.max_reasks`), feeding the error back;
- 429, 5xx, connection errors, timeouts and garbled bodies: `TransportRetry` here, jittered
  exponential backoff that honours Retry-After; a 429 pauses every call of the run (`RateGate`);
- 401/403 and quota errors: never retried, raised at once as `AuthError` / `QuotaError`;
- `finish_reason == "length"`: `OutputTruncatedError`, never passed on as a result.
The openai client's own retries are off (`max_retries=0`), so nothing retries twice.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import openai
from instructor.core.exceptions import IncompleteOutputException
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
from summarizer.llm.gate import RateGate
from summarizer.llm.stats import CallStats
from summarizer.redaction import redact
from summarizer.settings import Settings

__all__ = [
    "GarbledResponseError",
    "TransportRetry",
    "classify",
    "failure_data",
    "is_quota",
    "is_retryable",
    "retry_after",
]


class GarbledResponseError(Exception):
    """The endpoint answered with a body that is not JSON (retried like a 5xx)."""


def is_quota(exc: BaseException) -> bool:
    """Whether `exc` says the account is out of quota (never worth a retry)."""
    if not isinstance(exc, openai.APIStatusError):
        return False
    body = exc.body if isinstance(exc.body, dict) else {}
    code = body.get("code") or (body.get("error") or {}).get("code")
    return code == "insufficient_quota" or "quota" in str(code or "")


def is_retryable(exc: BaseException) -> bool:
    """Whether `exc` is a transport fault that the same request may not hit again."""
    if isinstance(exc, openai.RateLimitError):
        return not is_quota(exc)
    if isinstance(
        exc,
        openai.APIConnectionError | openai.APIResponseValidationError | GarbledResponseError,
    ):
        return True  # includes APITimeoutError; a garbled body is a transport fault
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in (408, 409) or exc.status_code >= 500
    return False


def retry_after(exc: BaseException | None) -> float | None:
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


class TransportRetry:
    """One client's transport retry policy: retryable faults only, `settings.max_retries`
    times, waiting what the server asked (capped) or a jittered exponential backoff; a 429
    pauses the whole `gate` for that wait."""

    def __init__(self, settings: Settings, gate: RateGate) -> None:
        self._settings = settings
        self._gate = gate
        self._backoff = wait_random_exponential(multiplier=0.5, max=settings.retry_max_wait)

    def wait(self, state: RetryCallState) -> float:
        """Seconds to wait before the next attempt (tenacity's `wait`)."""
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after(exc)
        wait = (
            min(asked, self._settings.retry_max_wait) if asked is not None else self._backoff(state)
        )
        if isinstance(exc, openai.RateLimitError):
            self._gate.pause(wait)
        return wait

    def attempts(self) -> AsyncRetrying:
        """A fresh tenacity loop over the attempts of one request."""
        return AsyncRetrying(
            retry=retry_if_exception(is_retryable),
            stop=stop_after_attempt(self._settings.max_retries + 1),
            wait=self.wait,
            reraise=True,
        )


def failure_data(task: str, stats: CallStats) -> dict[str, Any]:
    """The keyword arguments every `LLMError` carries: the task and what the call cost."""
    return {
        "task": task,
        "attempts": stats.attempts,
        "last_output": stats.last_output,
        "requests": stats.http_requests,
        "transport_retries": stats.transport_retries,
        "prompt_tokens": stats.usage.prompt_tokens,
        "completion_tokens": stats.usage.completion_tokens,
    }


def classify(exc: BaseException, *, task: str, stats: CallStats) -> LLMError:
    """Map a final failure to our exception tree, keeping attempts and the last output."""
    data = failure_data(task, stats)
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AuthError(
            f"{task}: the endpoint refused the credentials (HTTP {exc.status_code}); "
            "check the API key (OPENAI_API_KEY / SUMMARIZER_API_KEY)",
            status_code=exc.status_code,
            **data,
        )
    if is_quota(exc):
        return QuotaError(
            f"{task}: the account is out of quota; not retried",
            status_code=getattr(exc, "status_code", None),
            **data,
        )
    if isinstance(exc, IncompleteOutputException):
        return OutputTruncatedError(f"{task}: the answer hit max_tokens and was cut off", **data)
    if is_retryable(exc):
        status = getattr(exc, "status_code", None)
        what = f"HTTP {status}" if status else type(exc).__name__
        return TransportError(
            f"{task}: {what} after {stats.http_requests} requests: {redact(str(exc))}",
            status_code=status,
            **data,
        )
    if isinstance(exc, openai.APIStatusError):
        return LLMError(
            f"{task}: HTTP {exc.status_code}: {redact(exc.message)}",
            status_code=exc.status_code,
            **data,
        )
    return ValidationFailedError(
        f"{task}: output failed validation after {stats.attempts} attempts: {redact(str(exc))}",
        **data,
    )
