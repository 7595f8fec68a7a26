"""Leak scorer: boilerplate strings of the gold record that reached the output, counted."""

from __future__ import annotations

from summarizer.evaluation.gold import GoldRecord
from summarizer.evaluation.matching import fold
from summarizer.evaluation.metrics import LEAK_COUNT, LEAKED_STRINGS_COUNT, Metrics, Score
from summarizer.schema import ArticleResult

__all__ = ["LeakHit", "LeakReport", "leak_count"]


class LeakHit(Score):
    """`count` occurrences of `leak` in one field of the result."""

    leak: str
    field: str
    count: int


class LeakReport(Score):
    """Boilerplate from the gold record's `leaks` that reached the output.

    `per_leak` has every leak string (zero included); `hits` only the fields where one leaked.
    """

    total: int
    per_leak: dict[str, int]
    hits: list[LeakHit]

    def metrics(self) -> Metrics:
        """`leak_count` (occurrences) and `leaked_strings_count` (distinct leak strings)."""
        return {
            LEAK_COUNT.name: self.total,
            LEAKED_STRINGS_COUNT.name: sum(1 for n in self.per_leak.values() if n),
        }


def leak_count(result: ArticleResult, record: GoldRecord) -> LeakReport:
    """Count case-insensitive occurrences of each leak string in the result's text fields.

    Fields: `title_en`, `summary_en`, each key point, each claim's `text_en` and `quote`. Plain
    occurrences are counted (no edge rules). Leak strings that are empty after normalization
    are ignored (reported with count 0).
    """
    fields = [("title_en", result.title_en), ("summary_en", result.summary_en)]
    fields += [(f"key_points_en[{i}]", p) for i, p in enumerate(result.key_points_en)]
    for i, claim in enumerate(result.claims):
        fields += [(f"claims[{i}].text_en", claim.text_en), (f"claims[{i}].quote", claim.quote)]
    folded = [(label, fold(text)) for label, text in fields]
    per_leak: dict[str, int] = {}
    hits: list[LeakHit] = []
    for leak in record.leaks:
        needle = fold(leak)
        per_leak.setdefault(leak, 0)
        if not needle:
            continue
        for label, text in folded:
            if count := text.count(needle):
                hits.append(LeakHit(leak=leak, field=label, count=count))
                per_leak[leak] += count
    return LeakReport(total=sum(h.count for h in hits), per_leak=per_leak, hits=hits)
