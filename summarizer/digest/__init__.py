"""Across articles: events grouped from a run's results, claims merged, discrepancies flagged.

```
result files ─ loading ─▶ results ─ signals ─▶ blocking (candidate pairs, never all pairs)
   ─ judge.judge_pair (model: same event / related / different) ─▶ build (union of same events)
   ─ merging (claims stated by several sources) ─ discrepancies (code's candidates)
   ─ judge.draft_event (model: headline, summary; dismisses false discrepancies) ─▶ Digest
```
"""

from summarizer.digest.build import build_digest
from summarizer.digest.loading import load_results
from summarizer.digest.model import (
    ClaimSource,
    Digest,
    DigestFileError,
    Discrepancy,
    DiscrepancyValue,
    Event,
    EventLink,
    MergedClaim,
    PairJudgement,
)

__all__ = [
    "ClaimSource",
    "Digest",
    "DigestFileError",
    "Discrepancy",
    "DiscrepancyValue",
    "Event",
    "EventLink",
    "MergedClaim",
    "PairJudgement",
    "build_digest",
    "load_results",
]
