"""Spelling scorers: gold entities and numbers found in the result, in any accepted spelling."""

from __future__ import annotations

from summarizer.evaluation.gold import GoldRecord
from summarizer.evaluation.matching import find_spellings, output_units
from summarizer.evaluation.metrics import (
    ENTITY_COUNT,
    ENTITY_FOUND_COUNT,
    ENTITY_RECALL,
    NUMBER_COUNT,
    NUMBER_FOUND_COUNT,
    NUMBER_RECALL,
    Metrics,
    Score,
    ratio,
)
from summarizer.schema import ArticleResult

__all__ = ["EntityRecall", "NumberRecall", "entity_recall", "number_recall"]


class EntityRecall(Score):
    """Gold entities (canonical spelling) found in the result; `recall` None without any."""

    total: int
    found: list[str]
    missed: list[str]
    recall: float | None
    found_in: dict[str, str]

    def metrics(self) -> Metrics:
        """`entity_recall`, `entity_count`, `entity_found_count`."""
        return {
            ENTITY_RECALL.name: self.recall,
            ENTITY_COUNT.name: self.total,
            ENTITY_FOUND_COUNT.name: len(self.found),
        }


def entity_recall(result: ArticleResult, record: GoldRecord) -> EntityRecall:
    """A gold entity is found when any spelling appears in an entity name or in the text.

    Text is the summary, key points and claims' `text_en`; `found_in` names where first.
    """
    fields = [(f"entities[{i}]", e.name) for i, e in enumerate(result.entities)]
    fields += output_units(result)
    found, missed, found_in = find_spellings(
        [(e.name, e.spellings) for e in record.entities], fields
    )
    total = len(record.entities)
    return EntityRecall(
        total=total,
        found=found,
        missed=missed,
        recall=ratio(len(found), total),
        found_in=found_in,
    )


class NumberRecall(Score):
    """Gold numbers (by label) found in the result's text; `recall` None without any."""

    total: int
    found: list[str]
    missed: list[str]
    recall: float | None
    found_in: dict[str, str]

    def metrics(self) -> Metrics:
        """`number_recall`, `number_count`, `number_found_count`."""
        return {
            NUMBER_RECALL.name: self.recall,
            NUMBER_COUNT.name: self.total,
            NUMBER_FOUND_COUNT.name: len(self.found),
        }


def number_recall(result: ArticleResult, record: GoldRecord) -> NumberRecall:
    """A gold number is found when any spelling appears in the summary, a key point, a claim's
    text or the translation (`found_in` names where first)."""
    fields = [*output_units(result), ("translation_en", result.translation_en)]
    found, missed, found_in = find_spellings(
        [(n.label, n.spellings) for n in record.numbers], fields
    )
    total = len(record.numbers)
    return NumberRecall(
        total=total,
        found=found,
        missed=missed,
        recall=ratio(len(found), total),
        found_in=found_in,
    )
