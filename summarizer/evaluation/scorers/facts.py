"""Fact scorers: which gold facts the output conveys, and which gold facts each claim states."""

from __future__ import annotations

from summarizer.evaluation.gold import GoldRecord
from summarizer.evaluation.matching import fact_matches, output_units
from summarizer.evaluation.metrics import (
    CLAIM_COUNT,
    CLAIM_MATCHED_COUNT,
    CLAIM_MATCHED_SHARE,
    FACT_COUNT,
    FACT_COVERED_COUNT,
    FACT_RECALL,
    Metrics,
    Score,
    ratio,
)
from summarizer.schema import ArticleResult

__all__ = ["ClaimMatch", "ClaimMatching", "FactCoverage", "claim_matching", "fact_coverage"]


class FactCoverage(Score):
    """Which gold facts the output conveys; `covered_by` names the first unit that matched."""

    total: int
    covered: list[str]
    missed: list[str]
    recall: float
    covered_by: dict[str, str]

    def metrics(self) -> Metrics:
        """`fact_recall`, `fact_count`, `fact_covered_count`."""
        return {
            FACT_RECALL.name: self.recall,
            FACT_COUNT.name: self.total,
            FACT_COVERED_COUNT.name: len(self.covered),
        }


def fact_coverage(result: ArticleResult, record: GoldRecord) -> FactCoverage:
    """Gold facts covered by one unit (summary, a key point or a claim's text) of the result.

    Units are tried in order (summary, key points, claims); `covered_by` keeps the first hit,
    labelled like `summary_en`, `key_points_en[2]` or `claims[0].text_en`.
    """
    units = output_units(result)
    covered_by: dict[str, str] = {}
    for fact in record.facts:
        for label, text in units:
            if fact_matches(fact, text):
                covered_by[fact.id] = label
                break
    covered = [f.id for f in record.facts if f.id in covered_by]
    missed = [f.id for f in record.facts if f.id not in covered_by]
    total = len(record.facts)
    return FactCoverage(
        total=total,
        covered=covered,
        missed=missed,
        recall=len(covered) / total if total else 1.0,
        covered_by=covered_by,
    )


class ClaimMatch(Score):
    """One emitted claim and the gold facts its English text matches (empty: unmatched)."""

    index: int
    text_en: str
    fact_ids: list[str]
    matched: bool


class ClaimMatching(Score):
    """Emitted claims against gold facts. An unmatched claim is not wrong: review it.

    `matched_share` is None when the result has no claims.
    """

    claims: list[ClaimMatch]
    unmatched: list[int]
    matched_share: float | None

    def metrics(self) -> Metrics:
        """`claim_matched_share`, `claim_count`, `claim_matched_count`."""
        return {
            CLAIM_MATCHED_SHARE.name: self.matched_share,
            CLAIM_COUNT.name: len(self.claims),
            CLAIM_MATCHED_COUNT.name: len(self.claims) - len(self.unmatched),
        }


def claim_matching(result: ArticleResult, record: GoldRecord) -> ClaimMatching:
    """For each claim, the ids of the gold facts its `text_en` matches (the fact matcher)."""
    matches = []
    for i, claim in enumerate(result.claims):
        ids = [fact.id for fact in record.facts if fact_matches(fact, claim.text_en)]
        matches.append(ClaimMatch(index=i, text_en=claim.text_en, fact_ids=ids, matched=bool(ids)))
    unmatched = [m.index for m in matches if not m.matched]
    return ClaimMatching(
        claims=matches,
        unmatched=unmatched,
        matched_share=ratio(len(matches) - len(unmatched), len(matches)),
    )
