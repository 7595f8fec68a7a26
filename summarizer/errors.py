"""The exception tree: every error summarizer raises on purpose, each carrying its data.

```
SummarizerError
├── ConfigError                 bad settings or options (unknown model, missing key)
├── PromptError                 a prompt template file is missing or invalid
├── InputError                  one article cannot be read or is not an article
├── EmbeddedModelError          the embedded model cannot be assembled or served
├── CacheMissError              --replay: a call was not in the cache (carries the task)
├── BudgetExhaustedError        --max-tokens-total spent: the article was not started
├── WorkersUnavailable          worker processes could not start (internal: the batch
│                               then runs in one process, with a warning)
├── CallDeferred                a call was handed to a Batch API job (internal: the
│                               article waits for the batch's answer, `summarizer.batchjob`)
├── BatchJobError               a Batch API job cannot be found, started or go on
└── LLMError                    a call to the model failed (carries attempts, last_output)
    ├── AuthError               401/403: the key is missing or wrong; never retried
    ├── QuotaError              the account is out of quota; never retried
    ├── TransportError          429/5xx/timeouts/connection errors after the retry budget
    ├── OutputTruncatedError    the model hit max_tokens (finish_reason == "length")
    └── ValidationFailedError   the output failed validation after every re-ask
```

Messages and exit codes are decided at the CLI edge only (`summarizer.cli`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "AuthError",
    "BatchJobError",
    "BudgetExhaustedError",
    "CacheMissError",
    "CallDeferred",
    "ConfigError",
    "EmbeddedModelError",
    "InputError",
    "LLMError",
    "OutputTruncatedError",
    "PromptError",
    "QuotaError",
    "SummarizerError",
    "TransportError",
    "ValidationFailedError",
    "WorkersUnavailable",
]


class SummarizerError(Exception):
    """Root of every error summarizer raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only data survives pickling (a worker process reports errors this way).
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[SummarizerError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigError(SummarizerError):
    """Settings or options are invalid."""


class PromptError(SummarizerError):
    """A prompt template is missing or invalid."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class InputError(SummarizerError):
    """One input item cannot be summarized (unreadable, empty, not an article)."""

    def __init__(self, message: str, *, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = path


class EmbeddedModelError(SummarizerError):
    """The embedded model cannot be assembled, verified or served."""


class CacheMissError(SummarizerError):
    """Replay mode: a call's result is not cached, and replay never calls a model."""

    def __init__(self, message: str, *, task: str) -> None:
        super().__init__(message)
        self.task = task


class BudgetExhaustedError(SummarizerError):
    """The run's token budget (`--max-tokens-total`) was spent before this article started."""

    def __init__(self, message: str, *, budget: int) -> None:
        super().__init__(message)
        self.budget = budget


class WorkersUnavailable(SummarizerError):
    """The worker processes could not start; the batch runs in this process instead."""


class CallDeferred(SummarizerError):
    """A call that a Batch API job answers later: the request is queued for its next batch,
    and the article waits (`summarizer.batchjob`; never reaches a user)."""


class BatchJobError(SummarizerError):
    """A Batch API job is unknown, its state unreadable, or its batch failed for good."""


class LLMError(SummarizerError):
    """A model call failed; carries how many attempts were made and the last raw output."""

    def __init__(
        self,
        message: str,
        *,
        task: str | None = None,
        attempts: int = 0,
        last_output: str | None = None,
        status_code: int | None = None,
        requests: int = 0,
        transport_retries: int = 0,
        prompt_tokens: int = 0,
        completion_tokens: int = 0,
    ) -> None:
        super().__init__(message)
        self.task = task
        self.attempts = attempts
        self.last_output = last_output
        self.status_code = status_code
        self.requests = requests
        self.transport_retries = transport_retries
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens


class AuthError(LLMError):
    """The endpoint refused the credentials (401/403)."""


class QuotaError(LLMError):
    """The account has no quota left."""


class TransportError(LLMError):
    """Rate limits, server errors or timeouts outlasted the retry budget."""


class OutputTruncatedError(LLMError):
    """The model stopped at max_tokens; a cut-off answer is never used."""


class ValidationFailedError(LLMError):
    """The output failed schema validation after every re-ask."""
