"""The cost ledger of one article: per-call cache status, attempts and tokens spent or saved.

One `Ledger` follows an article through its calls (`summarizer.cached_call` records each call
in it), travels back from a worker process, feeds the article's `Provenance` and, when the
article fails, its `ItemError`. `CallStats` (one call) and the error fields of `LLMError`
(a failed call) are converted into it here, and only here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from summarizer.errors import LLMError
from summarizer.llm import CallStats
from summarizer.schema import Attempts, Usage

__all__ = ["Ledger", "stats_of_failure"]


def stats_of_failure(exc: LLMError) -> CallStats:
    """What a failed call spent, from the fields its `LLMError` carries."""
    return CallStats(
        attempts=exc.attempts,
        http_requests=exc.requests,
        transport_retries=exc.transport_retries,
        usage=Usage(prompt_tokens=exc.prompt_tokens, completion_tokens=exc.completion_tokens),
        last_output=exc.last_output,
    )


@dataclass
class Ledger:
    """What one article's calls cost: cache status per call, attempts, tokens spent and saved."""

    cache: dict[str, Literal["hit", "miss"]] = field(default_factory=dict)
    attempts: Attempts = field(default_factory=Attempts)
    usage: Usage = field(default_factory=Usage)
    saved: Usage = field(default_factory=Usage)

    @property
    def tokens(self) -> int:
        """Tokens spent (prompt and completion), what the run's token budget counts."""
        return self.usage.prompt_tokens + self.usage.completion_tokens

    @property
    def requests(self) -> int:
        """HTTP requests made."""
        return self.attempts.requests

    def hit(self, name: str, usage: Usage) -> None:
        """Call `name` was served from the cache; its original cost `usage` is saved."""
        self.cache[name] = "hit"
        self.saved = self.saved + usage
        self.attempts = self.attempts + Attempts(calls=1)

    def miss(self, name: str, stats: CallStats, *, valid_first: bool) -> None:
        """Call `name` went to the model and cost `stats`."""
        self.cache[name] = "miss"
        self.usage = self.usage + stats.usage
        self.attempts = self.attempts + Attempts(
            calls=1,
            requests=stats.http_requests,
            reasks=stats.reasks,
            transport_retries=stats.transport_retries,
            first_attempt_valid=int(valid_first),
        )

    def failed(self, name: str, exc: LLMError) -> CallStats:
        """Call `name` went to the model and failed; what it spent still counts. Returns it."""
        stats = stats_of_failure(exc)
        self.miss(name, stats, valid_first=False)
        return stats

    def truncated(self) -> None:
        """An answer was cut off at max_tokens (and the call was then split or retried)."""
        self.attempts = self.attempts + Attempts(truncated=1)

    def take(self, other: Ledger) -> None:
        """Become `other` (what a worker process recorded for this article)."""
        self.cache, self.attempts, self.usage, self.saved = (
            other.cache,
            other.attempts,
            other.usage,
            other.saved,
        )
