"""Digest scorers: pairwise precision and recall of event grouping against the suite's
same-event and different-event pairs, and recall of its annotated discrepancies."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

from summarizer.digest.model import Digest
from summarizer.evaluation.gold import Discrepancy as GoldDiscrepancy
from summarizer.evaluation.metrics import (
    DISCREPANCY_RECALL,
    FALSE_MERGE_COUNT,
    GROUPING_PRECISION,
    GROUPING_RECALL,
    Metrics,
    Score,
)

__all__ = ["DiscrepancyRecall", "GroupingScore", "discrepancy_recall", "grouping_score"]


class GroupingScore(Score):
    """Annotated pairs the digest grouped as one event, right and wrong.

    `found`: same-event pairs in one event; `missed`: same-event pairs apart; `false_merges`:
    different-event pairs in one event. Precision counts annotated pairs only.
    """

    found: list[tuple[str, str]]
    missed: list[tuple[str, str]]
    false_merges: list[tuple[str, str]]

    def metrics(self) -> Metrics:
        """`grouping_precision`, `grouping_recall` (None without pairs to score) and
        `false_merge_count`."""
        merged = len(self.found) + len(self.false_merges)
        same = len(self.found) + len(self.missed)
        return {
            GROUPING_PRECISION.name: len(self.found) / merged if merged else None,
            GROUPING_RECALL.name: len(self.found) / same if same else None,
            FALSE_MERGE_COUNT.name: len(self.false_merges),
        }


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def grouping_score(
    events: Sequence[Sequence[str]],
    same_event: Sequence[Sequence[str]],
    different_events: Sequence[Sequence[str]],
) -> GroupingScore:
    """Score grouped article ids (`events`) against annotated same and different pairs."""
    together = {_pair(a, b) for event in events for a, b in combinations(event, 2)}
    same = sorted({_pair(p[0], p[1]) for p in same_event})
    different = sorted({_pair(p[0], p[1]) for p in different_events})
    return GroupingScore(
        found=[p for p in same if p in together],
        missed=[p for p in same if p not in together],
        false_merges=[p for p in different if p in together],
    )


class DiscrepancyRecall(Score):
    """Annotated discrepancies the digest reports: `found` and `missed`, by their `about`."""

    found: list[str]
    missed: list[str]

    def metrics(self) -> Metrics:
        """`discrepancy_recall` (None without annotated discrepancies)."""
        total = len(self.found) + len(self.missed)
        return {DISCREPANCY_RECALL.name: len(self.found) / total if total else None}


def _reports(digest: Digest, gold: GoldDiscrepancy) -> bool:
    """Whether one discrepancy of the digest gives every annotated article's own value."""
    for event in digest.events:
        for found in event.discrepancies:
            values: dict[str, list[str]] = {}
            for v in found.values:
                values.setdefault(v.article, []).append(v.value.lower())
            if all(
                any(form.lower() in value for form in gold.forms(a) for value in values.get(a, []))
                for a in gold.articles
            ):
                return True
    return False


def discrepancy_recall(digest: Digest, gold: Sequence[GoldDiscrepancy]) -> DiscrepancyRecall:
    """Which annotated discrepancies the digest reports (each article's value, by `match`)."""
    reported = [_reports(digest, d) for d in gold]
    return DiscrepancyRecall(
        found=[d.about for d, yes in zip(gold, reported, strict=True) if yes],
        missed=[d.about for d, yes in zip(gold, reported, strict=True) if not yes],
    )
