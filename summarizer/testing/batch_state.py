"""One batch of the fake server's Batch API: `FakeBatch`, and the batch statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from summarizer.testing.batch_lines import BatchLine
from summarizer.testing.recording import RecordedRequest

__all__ = ["BATCH_STATUSES", "TERMINAL_STATUSES", "FakeBatch"]

BATCH_STATUSES: tuple[str, ...] = (
    "validating",
    "failed",
    "in_progress",
    "finalizing",
    "completed",
    "expired",
    "cancelling",
    "cancelled",
)
"""Every status a batch can have, as in the OpenAI Batch API."""

TERMINAL_STATUSES: frozenset[str] = frozenset({"completed", "failed", "expired", "cancelled"})
"""The statuses a batch never leaves."""

_WINDOW_SECONDS = 24 * 3600


@dataclass
class FakeBatch:
    """One batch as the fake server holds it (live: it changes as the batch advances).

    `lines` are the valid requests of the input file; `errors` the reasons it failed (line
    numbered for a malformed input file); `outputs` and `failures` map custom_id to the line
    written to the output / error file (in the order the requests were run); `records` maps
    custom_id to the `RecordedRequest` the queue or responder answered (its `connection` is 0).
    """

    id: str
    input_file_id: str
    endpoint: str
    completion_window: str
    metadata: dict[str, Any] | None
    lines: list[BatchLine]
    errors: list[dict[str, Any]]
    created_at: int
    expire_after: int | None = None
    status: str = "validating"
    times: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: dict[str, dict[str, Any]] = field(default_factory=dict)
    records: dict[str, RecordedRequest] = field(default_factory=dict)
    output_file_id: str | None = None
    error_file_id: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0

    @property
    def done(self) -> int:
        """How many requests have finished, successfully or not (expired ones included)."""
        return len(self.outputs) + len(self.failures)

    @property
    def pending(self) -> list[BatchLine]:
        """The requests not finished yet, in input order."""
        return [
            line
            for line in self.lines
            if line.custom_id not in self.outputs and line.custom_id not in self.failures
        ]

    def to_json(self) -> dict[str, Any]:
        """The OpenAI `batch` object describing this batch."""
        total = len(self.lines)
        if self.status == "failed" and self.done == 0:
            total = 0  # as OpenAI: a batch that failed validation counts no requests
        return {
            "id": self.id,
            "object": "batch",
            "endpoint": self.endpoint,
            "model": self.lines[0].body.get("model") if self.lines else None,
            "errors": {"object": "list", "data": self.errors} if self.errors else None,
            "input_file_id": self.input_file_id,
            "completion_window": self.completion_window,
            "status": self.status,
            "output_file_id": self.output_file_id,
            "error_file_id": self.error_file_id,
            "created_at": self.created_at,
            "in_progress_at": self.times.get("in_progress"),
            "expires_at": self.created_at + _WINDOW_SECONDS,
            "finalizing_at": self.times.get("finalizing"),
            "completed_at": self.times.get("completed"),
            "failed_at": self.times.get("failed"),
            "expired_at": self.times.get("expired"),
            "cancelling_at": self.times.get("cancelling"),
            "cancelled_at": self.times.get("cancelled"),
            "request_counts": {
                "total": total,
                "completed": len(self.outputs),
                "failed": len(self.failures),
            },
            "metadata": self.metadata,
            "usage": {
                "input_tokens": self.input_tokens,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": self.output_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": self.input_tokens + self.output_tokens,
            },
        }
