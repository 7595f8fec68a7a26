"""Call scorer: rates and totals of one article's LLM calls, from its provenance."""

from __future__ import annotations

from summarizer.evaluation.metrics import (
    CACHE_HIT_RATE,
    CACHE_HITS_COUNT,
    CALLS_COUNT,
    COMPLETION_TOKENS,
    ELAPSED_SECONDS,
    FIRST_ATTEMPT_VALID_COUNT,
    FIRST_ATTEMPT_VALID_RATE,
    PROMPT_TOKENS,
    REASK_RATE,
    REASKS_COUNT,
    REQUESTS_COUNT,
    TRANSPORT_RETRIES_COUNT,
    TRANSPORT_RETRY_RATE,
    TRUNCATION_COUNT,
    UNCACHED_CALLS_COUNT,
    Metrics,
    Score,
    ratio,
)
from summarizer.schema import ArticleResult

__all__ = ["CallScores", "call_stats"]


class CallScores(Score):
    """LLM call statistics of one article, from its provenance.

    Rates are None when their denominator is zero (e.g. every call served from the cache).
    `uncached_calls` is `calls` minus cache hits.
    """

    calls: int
    cache_hits: int
    uncached_calls: int
    requests: int
    reasks: int
    transport_retries: int
    first_attempt_valid: int
    truncations: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    first_attempt_valid_rate: float | None
    reask_rate: float | None
    transport_retry_rate: float | None
    cache_hit_rate: float | None

    def metrics(self) -> Metrics:
        """The four rates, `*_count`s, `prompt_tokens`, `completion_tokens`, `elapsed_seconds`."""
        return {
            FIRST_ATTEMPT_VALID_RATE.name: self.first_attempt_valid_rate,
            REASK_RATE.name: self.reask_rate,
            TRANSPORT_RETRY_RATE.name: self.transport_retry_rate,
            CACHE_HIT_RATE.name: self.cache_hit_rate,
            CALLS_COUNT.name: self.calls,
            CACHE_HITS_COUNT.name: self.cache_hits,
            UNCACHED_CALLS_COUNT.name: self.uncached_calls,
            REQUESTS_COUNT.name: self.requests,
            REASKS_COUNT.name: self.reasks,
            TRANSPORT_RETRIES_COUNT.name: self.transport_retries,
            FIRST_ATTEMPT_VALID_COUNT.name: self.first_attempt_valid,
            TRUNCATION_COUNT.name: self.truncations,
            PROMPT_TOKENS.name: self.prompt_tokens,
            COMPLETION_TOKENS.name: self.completion_tokens,
            ELAPSED_SECONDS.name: self.seconds,
        }


def call_stats(result: ArticleResult) -> CallScores:
    """Rates and totals of the article's LLM calls (`result.provenance`)."""
    prov = result.provenance
    attempts = prov.attempts
    hits = sum(1 for status in prov.cache.values() if status == "hit")
    uncached = max(attempts.calls - hits, 0)
    return CallScores(
        calls=attempts.calls,
        cache_hits=hits,
        uncached_calls=uncached,
        requests=attempts.requests,
        reasks=attempts.reasks,
        transport_retries=attempts.transport_retries,
        first_attempt_valid=attempts.first_attempt_valid,
        truncations=attempts.truncated,
        prompt_tokens=prov.usage.prompt_tokens,
        completion_tokens=prov.usage.completion_tokens,
        seconds=prov.seconds,
        first_attempt_valid_rate=ratio(attempts.first_attempt_valid, uncached),
        reask_rate=ratio(attempts.reasks, uncached),
        transport_retry_rate=ratio(attempts.transport_retries, attempts.requests),
        cache_hit_rate=ratio(hits, attempts.calls),
    )
