"""A Batch API job's transport: each chat request answered from the batches so far, or queued.

Requests are known by `request_id`, a hash of their JSON body: a replayed article sends the
same bodies again (instructor's re-ask of an answer is a new body, with the answer and the
errors in its messages), so the answers of earlier rounds are found again, and identical
requests of two articles are sent once. A request that a batch failed is queued again (a
transient fault) until it has failed more than the transport retry budget; 401/403 and quota
errors are final at once. Requests a batch left undone (expired, cancelled) are simply queued
again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel

from summarizer.errors import AuthError, CallDeferred, LLMError, QuotaError, TransportError

__all__ = ["BatchAnswers", "RequestFailure", "request_id"]

UNDONE_CODES = frozenset({"batch_expired", "batch_cancelled"})
"""Error-file codes of requests a batch did not run: queued again, not counted as faults."""


def request_id(body: dict[str, Any]) -> str:
    """The custom_id of a chat request body: a hash of its canonical JSON."""
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "req-" + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


class RequestFailure(BaseModel):
    """How a batch failed one request: its HTTP status (None: no answer), code, message, and
    how many batches have failed it so far."""

    status: int | None = None
    code: str = ""
    message: str = ""
    count: int = 1

    @property
    def final(self) -> bool:
        """Credentials or quota: never tried again."""
        return self.status in (401, 403) or self.code == "insufficient_quota"

    def error(self, rid: str) -> LLMError:
        """The error a call of this request raises once it is not tried again."""
        text = f"the Batch API failed request {rid}: {self.status or ''} {self.message}".strip()
        if self.status in (401, 403):
            return AuthError(text, status_code=self.status)
        if self.code == "insufficient_quota":
            return QuotaError(text, status_code=self.status)
        return TransportError(f"{text} ({self.count} times)", status_code=self.status)


class BatchAnswers:
    """The transport of a job's replay: answers by request id, failures, and the requests
    that wait for the next batch (`pending`, by id)."""

    def __init__(
        self,
        answers: dict[str, dict[str, Any]],
        failures: dict[str, RequestFailure],
        *,
        max_retries: int,
    ) -> None:
        self.answers = answers
        self.failures = failures
        self.max_retries = max_retries
        self.pending: dict[str, dict[str, Any]] = {}

    async def __call__(self, body: dict[str, Any]) -> dict[str, Any]:
        rid = request_id(body)
        if (answer := self.answers.get(rid)) is not None:
            return answer
        failure = self.failures.get(rid)
        if failure is not None and (failure.final or failure.count > self.max_retries):
            raise failure.error(rid)
        self.pending[rid] = body
        raise CallDeferred(f"request {rid} waits for the next batch")

    def take_line(self, line: dict[str, Any]) -> dict[str, Any] | None:
        """Take one line of a batch's output or error file: an answer is kept (and returned,
        for its usage), a failed request counted; an undone one left to be queued again."""
        rid = str(line.get("custom_id", ""))
        response = line.get("response") or None
        error = line.get("error") or {}
        if response is not None and response.get("status_code") == 200:
            body = response.get("body")
            if isinstance(body, dict):
                self.answers[rid] = body
                self.failures.pop(rid, None)
                return body
        code = str(error.get("code") or "")
        if code in UNDONE_CODES:
            return None
        status = response.get("status_code") if response is not None else None
        detail = (response or {}).get("body") or {}
        inner = detail.get("error") if isinstance(detail, dict) else None
        if isinstance(inner, dict):
            code = code or str(inner.get("code") or inner.get("type") or "")
        message = str((inner or {}).get("message") or error.get("message") or "no answer")
        count = self.failures[rid].count + 1 if rid in self.failures else 1
        self.failures[rid] = RequestFailure(status=status, code=code, message=message, count=count)
        return None
