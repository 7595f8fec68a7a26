"""Contradiction scorer: statements the gold record knows to be false, found in the output."""

from __future__ import annotations

from summarizer.article import split_sentences
from summarizer.evaluation.gold import GoldContradiction, GoldRecord
from summarizer.evaluation.matching import contains, fold, groups_match
from summarizer.evaluation.metrics import (
    CONTRADICTION_COUNT,
    CONTRADICTIONS_CHECKED_COUNT,
    Metrics,
    Score,
)
from summarizer.schema import ArticleResult

__all__ = [
    "ContradictionHit",
    "ContradictionReport",
    "contradiction_count",
    "contradiction_units",
    "contradicts",
]


class ContradictionHit(Score):
    """A gold contradiction found in one output unit (`unit` is its label)."""

    id: str
    statement: str
    unit: str
    text: str


class ContradictionReport(Score):
    """The record's contradictions found in the output; `hits` has every unit that states one,
    `found` each contradiction once."""

    checked: int
    found: list[str]
    hits: list[ContradictionHit]

    def metrics(self) -> Metrics:
        """`contradiction_count` (contradictions found) and `contradictions_checked_count`."""
        return {
            CONTRADICTION_COUNT.name: len(self.found),
            CONTRADICTIONS_CHECKED_COUNT.name: self.checked,
        }


def _sentences(text: str, label: str) -> list[tuple[str, str]]:
    """`text` cut into sentences (per line, then by the English segmenter), labelled
    `<label>.sentence[k]` with k counted over the whole text."""
    sentences = [
        line[start:end]
        for line in text.splitlines()
        if line.strip()
        for start, end in split_sentences(line, "en")
    ]
    return [(f"{label}.sentence[{k}]", s) for k, s in enumerate(sentences)]


def contradiction_units(result: ArticleResult) -> list[tuple[str, str]]:
    """The labelled units contradictions are looked for in: the title, each summary sentence,
    each key point, each claim's English text, each sentence of the translation."""
    units = [("title_en", result.title_en), *_sentences(result.summary_en, "summary_en")]
    units += [(f"key_points_en[{i}]", point) for i, point in enumerate(result.key_points_en)]
    units += [(f"claims[{i}].text_en", claim.text_en) for i, claim in enumerate(result.claims)]
    return units + _sentences(result.translation_en, "translation_en")


def contradicts(contradiction: GoldContradiction, text: str) -> bool:
    """Whether one unit states the contradiction: it matches every term group (the fact
    matcher's rules) and contains none of the `unless` terms (plain substrings)."""
    if not groups_match(contradiction.match, text):
        return False
    unit = fold(text)
    return not any(contains(unit, fold(term), words=False) for term in contradiction.unless)


def contradiction_count(result: ArticleResult, record: GoldRecord) -> ContradictionReport:
    """The record's contradictions that some unit of the output states (`contradiction_units`).

    Each contradiction counts once however many units state it; a record without
    contradictions scores 0 (`contradictions_checked_count` tells how many were looked for).
    """
    units = contradiction_units(result) if record.contradictions else []
    hits = [
        ContradictionHit(id=c.id, statement=c.statement, unit=label, text=text)
        for c in record.contradictions
        for label, text in units
        if contradicts(c, text)
    ]
    found = [c.id for c in record.contradictions if any(h.id == c.id for h in hits)]
    return ContradictionReport(checked=len(record.contradictions), found=found, hits=hits)
