"""Evaluation metrics, declared once: name, label, aggregation, display format, headline order.

Scorers report values under these names, `aggregate` combines them by their declaration, and
run files, `eval compare`, the CLI table and the HTML report read them back by name.

Every metric's suite-level value is its macro mean over the articles (each weighs the same).
A metric declared with `total` also gets `<name>_total`, the sum over articles; one declared
with `micro` (numerator and denominator counts) also gets `<name>_micro`, pooled over all
articles (e.g. total covered facts / total facts). A metric declared `lower_is_better` (an
error count) regresses when it rises; one declared `headline_total` shows its total in tables.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ALL",
    "ARTICLES",
    "CACHE_HITS_COUNT",
    "CACHE_HIT_RATE",
    "CALLS_COUNT",
    "CHART",
    "CLAIM_COUNT",
    "CLAIM_MATCHED_COUNT",
    "CLAIM_MATCHED_SHARE",
    "COMPLETION_TOKENS",
    "CONTRADICTIONS_CHECKED_COUNT",
    "CONTRADICTION_COUNT",
    "DISCREPANCY_RECALL",
    "DISCREPANCY_VALUES_KEPT",
    "ELAPSED_SECONDS",
    "ENTITY_COUNT",
    "ENTITY_FOUND_COUNT",
    "ENTITY_RECALL",
    "ERROR_COUNT",
    "FACT_COUNT",
    "FACT_COVERED_COUNT",
    "FACT_RECALL",
    "FALSE_MERGE_COUNT",
    "FIRST_ATTEMPT_VALID_COUNT",
    "FIRST_ATTEMPT_VALID_RATE",
    "GERMAN_FIELD_COUNT",
    "GROUNDING_CLAIMS_COUNT",
    "GROUNDING_GROUNDED_COUNT",
    "GROUNDING_PRECISION",
    "GROUPING_PRECISION",
    "GROUPING_RECALL",
    "HEADLINE",
    "HEADLINE_CALLS",
    "HEADLINE_OUTPUT",
    "KIND_ACCURACY",
    "KIND_CLAIMS_COUNT",
    "KIND_CORRECT_COUNT",
    "LANGUAGE_FIELDS_COUNT",
    "LEAKED_STRINGS_COUNT",
    "LEAK_COUNT",
    "NUMBER_COUNT",
    "NUMBER_FOUND_COUNT",
    "NUMBER_RECALL",
    "PROMPT_TOKENS",
    "REASKS_COUNT",
    "REASK_RATE",
    "REFERENCE_ALIGNED",
    "REFERENCE_BLEU",
    "REFERENCE_CHRF",
    "REFERENCE_PREFIX",
    "REQUESTS_COUNT",
    "SPEAKER_ACCURACY",
    "SPEAKER_CORRECT_COUNT",
    "SPEAKER_FACTS_COUNT",
    "TRANSLATION_ALIGNED",
    "TRANSLATION_BLEU",
    "TRANSLATION_CHRF",
    "TRANSLATION_PREFIX",
    "TRANSPORT_RETRIES_COUNT",
    "TRANSPORT_RETRY_RATE",
    "TRUNCATION_COUNT",
    "UNCACHED_CALLS_COUNT",
    "Metric",
    "Metrics",
    "Score",
    "aggregate",
    "fmt",
    "listed_in_comparison",
    "lower_is_better",
    "metric_named",
    "ratio",
    "reference_chrf_name",
    "translation_names",
]

Metrics = dict[str, float | None]
"""One article's (or a run's) numbers by metric name; None: not measurable here."""


class Score(BaseModel):
    """Base of every scorer's result: frozen JSON-ready details plus `metrics()`."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class Metric:
    """One metric: its name in run files, its short label and how it aggregates.

    `total`: also summed over articles (`<name>_total`). `micro`: the numerator and denominator
    counts it is also pooled from (`<name>_micro`). `compared`: whether `eval compare` lists
    its mean (count means are left out there: their totals say more). `lower_is_better`: a
    count of errors, so a rise is the regression `--max-drop` gates. `headline_total`: tables
    show the run's total, not its mean.
    """

    name: str
    label: str = ""
    total: bool = False
    micro: tuple[Metric, Metric] | None = None
    compared: bool = True
    lower_is_better: bool = False
    headline_total: bool = False

    @property
    def short(self) -> str:
        """The column heading: the label, else the name."""
        return self.label or self.name

    @property
    def overall_name(self) -> str:
        """The run-level value tables show: `<name>_total` for `headline_total`, else the mean."""
        return f"{self.name}_total" if self.headline_total else self.name


def _count(name: str, label: str = "") -> Metric:
    return Metric(name, label, total=True, compared=False)


def _errors(name: str, label: str) -> Metric:
    """Errors counted per article: summed over the run (shown as the total); lower is better."""
    return Metric(name, label, total=True, lower_is_better=True, headline_total=True)


def _amount(name: str, label: str = "") -> Metric:
    """Tokens and seconds: summed, and their mean is listed."""
    return Metric(name, label, total=True)


def _rate(name: str, label: str = "", *, of: tuple[Metric, Metric] | None = None) -> Metric:
    return Metric(name, label, micro=of)


def translation_names(prefix: str) -> tuple[str, str, str]:
    """The chrF, BLEU and paragraph-alignment metric names of a translation score."""
    return f"{prefix}_chrf", f"{prefix}_bleu", f"{prefix}_aligned"


def reference_chrf_name(prefix: str, k: int) -> str:
    """The name of a translation score's chrF against its `k`-th reference (1-based)."""
    return f"{prefix}_chrf_ref{k}"


# --- per article --------------------------------------------------------------------------------

FACT_COUNT = _count("fact_count")
FACT_COVERED_COUNT = _count("fact_covered_count")
FACT_RECALL = _rate("fact_recall", "facts", of=(FACT_COVERED_COUNT, FACT_COUNT))

CLAIM_COUNT = _count("claim_count")
CLAIM_MATCHED_COUNT = _count("claim_matched_count")
CLAIM_MATCHED_SHARE = _rate(
    "claim_matched_share", "claims→gold", of=(CLAIM_MATCHED_COUNT, CLAIM_COUNT)
)

GROUNDING_CLAIMS_COUNT = _count("grounding_claims_count")
GROUNDING_GROUNDED_COUNT = _count("grounding_grounded_count")
GROUNDING_PRECISION = _rate(
    "grounding_precision", "grounded", of=(GROUNDING_GROUNDED_COUNT, GROUNDING_CLAIMS_COUNT)
)

ENTITY_COUNT = _count("entity_count")
ENTITY_FOUND_COUNT = _count("entity_found_count")
ENTITY_RECALL = _rate("entity_recall", "entities", of=(ENTITY_FOUND_COUNT, ENTITY_COUNT))

NUMBER_COUNT = _count("number_count")
NUMBER_FOUND_COUNT = _count("number_found_count")
NUMBER_RECALL = _rate("number_recall", "numbers", of=(NUMBER_FOUND_COUNT, NUMBER_COUNT))

LEAK_COUNT = Metric("leak_count", "leaks", total=True, lower_is_better=True)
LEAKED_STRINGS_COUNT = _count("leaked_strings_count")

SPEAKER_FACTS_COUNT = _count("speaker_facts_count")
SPEAKER_CORRECT_COUNT = _count("speaker_correct_count")
SPEAKER_ACCURACY = _rate(
    "speaker_accuracy", "speaker", of=(SPEAKER_CORRECT_COUNT, SPEAKER_FACTS_COUNT)
)
KIND_CLAIMS_COUNT = _count("kind_claims_count")
KIND_CORRECT_COUNT = _count("kind_correct_count")
KIND_ACCURACY = _rate("kind_accuracy", "kind", of=(KIND_CORRECT_COUNT, KIND_CLAIMS_COUNT))

CONTRADICTION_COUNT = _errors("contradiction_count", "contra")
CONTRADICTIONS_CHECKED_COUNT = _count("contradictions_checked_count")
GERMAN_FIELD_COUNT = _errors("german_field_count", "German")
LANGUAGE_FIELDS_COUNT = _count("language_fields_count")


def _translation(prefix: str, label: str) -> tuple[Metric, Metric, Metric]:
    chrf, bleu, aligned = translation_names(prefix)
    return Metric(chrf, label), Metric(bleu), Metric(aligned)


REFERENCE_PREFIX = "reference"
"""Prefix of a gold article's translation scored against its record's reference."""
TRANSLATION_PREFIX = "translation"
"""Prefix of a translation suite document's scores."""
REFERENCE_CHRF, REFERENCE_BLEU, REFERENCE_ALIGNED = _translation(REFERENCE_PREFIX, "ref chrF")
TRANSLATION_CHRF, TRANSLATION_BLEU, TRANSLATION_ALIGNED = _translation(TRANSLATION_PREFIX, "chrF")

CALLS_COUNT = _count("calls_count")
CACHE_HITS_COUNT = _count("cache_hits_count")
UNCACHED_CALLS_COUNT = _count("uncached_calls_count")
REQUESTS_COUNT = _count("requests_count")
REASKS_COUNT = _count("reasks_count")
TRANSPORT_RETRIES_COUNT = _count("transport_retries_count")
FIRST_ATTEMPT_VALID_COUNT = _count("first_attempt_valid_count")
TRUNCATION_COUNT = _count("truncation_count")
FIRST_ATTEMPT_VALID_RATE = _rate(
    "first_attempt_valid_rate", "valid@1", of=(FIRST_ATTEMPT_VALID_COUNT, UNCACHED_CALLS_COUNT)
)
REASK_RATE = _rate("reask_rate", "re-asks", of=(REASKS_COUNT, UNCACHED_CALLS_COUNT))
TRANSPORT_RETRY_RATE = _rate("transport_retry_rate", of=(TRANSPORT_RETRIES_COUNT, REQUESTS_COUNT))
CACHE_HIT_RATE = _rate("cache_hit_rate", "cached", of=(CACHE_HITS_COUNT, CALLS_COUNT))
PROMPT_TOKENS = _amount("prompt_tokens")
COMPLETION_TOKENS = _amount("completion_tokens")
ELAPSED_SECONDS = _amount("elapsed_seconds", "seconds")

# --- per run ------------------------------------------------------------------------------------

ARTICLES, ERROR_COUNT = Metric("articles"), Metric("error_count")
DISCREPANCY_VALUES_KEPT = Metric("discrepancy_values_kept")
GROUPING_PRECISION, GROUPING_RECALL = Metric("grouping_precision"), Metric("grouping_recall")
FALSE_MERGE_COUNT = Metric("false_merge_count", "false merges", lower_is_better=True)
DISCREPANCY_RECALL = Metric("discrepancy_recall", "discrepancies")

ALL: tuple[Metric, ...] = (
    FACT_RECALL,
    FACT_COUNT,
    FACT_COVERED_COUNT,
    CLAIM_MATCHED_SHARE,
    CLAIM_COUNT,
    CLAIM_MATCHED_COUNT,
    GROUNDING_PRECISION,
    GROUNDING_CLAIMS_COUNT,
    GROUNDING_GROUNDED_COUNT,
    ENTITY_RECALL,
    ENTITY_COUNT,
    ENTITY_FOUND_COUNT,
    NUMBER_RECALL,
    NUMBER_COUNT,
    NUMBER_FOUND_COUNT,
    LEAK_COUNT,
    LEAKED_STRINGS_COUNT,
    SPEAKER_ACCURACY,
    SPEAKER_FACTS_COUNT,
    SPEAKER_CORRECT_COUNT,
    KIND_ACCURACY,
    KIND_CLAIMS_COUNT,
    KIND_CORRECT_COUNT,
    CONTRADICTION_COUNT,
    CONTRADICTIONS_CHECKED_COUNT,
    GERMAN_FIELD_COUNT,
    LANGUAGE_FIELDS_COUNT,
    REFERENCE_CHRF,
    REFERENCE_BLEU,
    REFERENCE_ALIGNED,
    TRANSLATION_CHRF,
    TRANSLATION_BLEU,
    TRANSLATION_ALIGNED,
    FIRST_ATTEMPT_VALID_RATE,
    REASK_RATE,
    TRANSPORT_RETRY_RATE,
    CACHE_HIT_RATE,
    CALLS_COUNT,
    CACHE_HITS_COUNT,
    UNCACHED_CALLS_COUNT,
    REQUESTS_COUNT,
    REASKS_COUNT,
    TRANSPORT_RETRIES_COUNT,
    FIRST_ATTEMPT_VALID_COUNT,
    TRUNCATION_COUNT,
    PROMPT_TOKENS,
    COMPLETION_TOKENS,
    ELAPSED_SECONDS,
    ARTICLES,
    ERROR_COUNT,
    DISCREPANCY_VALUES_KEPT,
    GROUPING_PRECISION,
    GROUPING_RECALL,
    FALSE_MERGE_COUNT,
    DISCREPANCY_RECALL,
)
"""Every declared metric; the order of pooled `_micro` values in `aggregate`'s output."""

HEADLINE_OUTPUT: tuple[Metric, ...] = (
    FACT_RECALL,
    GROUNDING_PRECISION,
    CLAIM_MATCHED_SHARE,
    ENTITY_RECALL,
    NUMBER_RECALL,
    SPEAKER_ACCURACY,
    KIND_ACCURACY,
    LEAK_COUNT,
    CONTRADICTION_COUNT,
    GERMAN_FIELD_COUNT,
    REFERENCE_CHRF,
    TRANSLATION_CHRF,
)
"""Headline metrics of what the output says (the CLI's first table)."""
HEADLINE_CALLS: tuple[Metric, ...] = (
    FIRST_ATTEMPT_VALID_RATE,
    REASK_RATE,
    CACHE_HIT_RATE,
    ELAPSED_SECONDS,
)
"""Headline metrics of how the output was obtained (the CLI's second table)."""
HEADLINE = HEADLINE_OUTPUT + HEADLINE_CALLS
"""Metrics worth a column in tables and a place in the report's summary line, in order."""

CHART: tuple[Metric, ...] = (
    FACT_RECALL,
    GROUNDING_PRECISION,
    ENTITY_RECALL,
    FIRST_ATTEMPT_VALID_RATE,
)
"""The 0-1 metrics the report's trend chart draws across runs."""

_BY_NAME = {m.name: m for m in ALL}


def metric_named(name: str) -> Metric | None:
    """The declared metric of that name (None: a derived `_total`/`_micro` or unknown name)."""
    return _BY_NAME.get(name)


def listed_in_comparison(name: str) -> bool:
    """Whether `eval compare` lists this run-level value (not the mean of a count)."""
    metric = metric_named(name)
    return metric is None or metric.compared


def lower_is_better(name: str) -> bool:
    """Whether a rise of this run-level value (a metric or its `_total`) is a regression."""
    metric = metric_named(name) or metric_named(name.removesuffix("_total"))
    return metric is not None and metric.lower_is_better


def fmt(value: float | None) -> str:
    """How every metric value is shown: "–" for None, whole or large numbers without
    decimals, others with three."""
    if value is None:
        return "–"
    return f"{value:.0f}" if abs(value) >= 100 or float(value).is_integer() else f"{value:.3f}"


def ratio(numerator: float, denominator: float) -> float | None:
    """`numerator / denominator`, None when the denominator is zero."""
    return numerator / denominator if denominator else None


def aggregate(per_article: Sequence[Mapping[str, float | None]]) -> Metrics:
    """Combine per-article metrics (merged `metrics()` dicts) into suite-level numbers.

    - every metric: its mean over the articles where it is not None (None if it never is;
      NaN counts as None);
    - metrics declared with `total` also get `<name>_total`, the sum;
    - metrics declared with `micro` also get `<name>_micro` when both counts are present
      (None if the denominator is 0);
    - `articles`: how many per-article mappings there were.
    """
    values: dict[str, list[float]] = {}
    for row in per_article:
        for key, value in row.items():
            bucket = values.setdefault(key, [])
            if value is not None and not math.isnan(value):
                bucket.append(float(value))
    out: Metrics = {ARTICLES.name: float(len(per_article))}
    for key, bucket in values.items():
        out[key] = sum(bucket) / len(bucket) if bucket else None
        if (metric := metric_named(key)) is not None and metric.total:
            out[f"{key}_total"] = sum(bucket)
    for metric in ALL:
        if metric.micro is None:
            continue
        num, den = (m.name for m in metric.micro)
        if num in values and den in values:
            out[f"{metric.name}_micro"] = ratio(sum(values[num]), sum(values[den]))
    return out
