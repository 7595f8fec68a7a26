"""Grounding scorer: each claim's quote must be the cleaned source's text at its offsets."""

from __future__ import annotations

from typing import Literal

from summarizer.evaluation.metrics import (
    GROUNDING_CLAIMS_COUNT,
    GROUNDING_GROUNDED_COUNT,
    GROUNDING_PRECISION,
    Metrics,
    Score,
)
from summarizer.grounding import locate_quote
from summarizer.schema import ArticleResult

__all__ = ["GroundingFailure", "GroundingProblem", "GroundingScore", "grounding_precision"]

GroundingProblem = Literal["offsets", "not_located"]


class GroundingFailure(Score):
    """A claim whose quote is not the source span at its offsets, or cannot be located.

    `at_offsets` is what the source holds at `[start:end]`; `located` is where
    `locate_quote` finds the quote (None: nowhere).
    """

    index: int
    quote: str
    start: int
    end: int
    problems: list[GroundingProblem]
    at_offsets: str
    located: tuple[int, int] | None


class GroundingScore(Score):
    """Share of emitted claims whose quote is verbatim in the cleaned source at its offsets.

    With zero claims nothing is ungrounded: `precision` is 1.0 and `n` is 0 (`aggregate`'s
    pooled `grounding_precision_micro` then ignores the article).
    """

    n: int
    grounded: int
    precision: float
    failures: list[GroundingFailure]

    def metrics(self) -> Metrics:
        """`grounding_precision`, `grounding_claims_count`, `grounding_grounded_count`."""
        return {
            GROUNDING_PRECISION.name: self.precision,
            GROUNDING_CLAIMS_COUNT.name: self.n,
            GROUNDING_GROUNDED_COUNT.name: self.grounded,
        }


def grounding_precision(result: ArticleResult, source_text: str) -> GroundingScore:
    """Check each claim: `source_text[start:end] == quote` and `locate_quote` finds the quote.

    `source_text` is the cleaned article text the offsets refer to.
    """
    failures = []
    for i, claim in enumerate(result.claims):
        at_offsets = source_text[claim.start : claim.end]
        located = locate_quote(claim.quote, source_text)
        problems: list[GroundingProblem] = []
        if at_offsets != claim.quote or claim.end < claim.start:
            problems.append("offsets")
        if located is None:
            problems.append("not_located")
        if problems:
            failures.append(
                GroundingFailure(
                    index=i,
                    quote=claim.quote,
                    start=claim.start,
                    end=claim.end,
                    problems=problems,
                    at_offsets=at_offsets,
                    located=located,
                )
            )
    n = len(result.claims)
    grounded = n - len(failures)
    return GroundingScore(
        n=n, grounded=grounded, precision=grounded / n if n else 1.0, failures=failures
    )
