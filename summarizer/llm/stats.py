"""What one logical LLM call cost: attempts of each kind, tokens, and the raw last output."""

from __future__ import annotations

from dataclasses import dataclass, field

from summarizer.schema import Usage

__all__ = ["CallStats"]


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
