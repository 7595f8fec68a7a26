"""Evaluation runs: a suite summarized as one batch (as `summarizer run` does) and scored."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from summarizer import __version__
from summarizer.batch import Duplicate, Item, ItemError
from summarizer.errors import SummarizerError
from summarizer.evaluation.gold import GoldRecord, Suite
from summarizer.evaluation.metrics import (
    DISCREPANCY_VALUES_KEPT,
    ERROR_COUNT,
    REFERENCE_PREFIX,
    Metrics,
    aggregate,
)
from summarizer.evaluation.runs import ArticleEval, EvalRun
from summarizer.evaluation.scorers import (
    call_stats,
    claim_matching,
    contradiction_count,
    discrepancy_recall,
    entity_recall,
    fact_coverage,
    german_field_count,
    grounding_precision,
    grouping_score,
    kind_accuracy,
    leak_count,
    number_recall,
    reference_chrf,
    speaker_accuracy,
    translation_chrf,
)
from summarizer.llm import mode_name, resolve_mode
from summarizer.schema import ArticleResult, schema_hash
from summarizer.summarizer import Summarizer

__all__ = ["evaluate_suite", "score_gold"]


def _git_commit() -> str | None:
    """The checkout's commit, "+dirty" when tracked files differ from it; None outside git."""
    here = Path(__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=here, capture_output=True, text=True, timeout=5, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short=12", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+dirty" if commit and dirty else commit or None


def score_gold(
    result: ArticleResult, record: GoldRecord, *, source_text: str, raw_text: str
) -> tuple[Metrics, dict[str, Any]]:
    """Every gold scorer's metrics, and the details a reviewer needs, for one result.

    `source_text` is the cleaned article text the claims' offsets index; `raw_text` the
    decoded input the result's removed spans index (only read when it removed any)."""
    coverage = fact_coverage(result, record)
    matching = claim_matching(result, record)
    grounding = grounding_precision(result, source_text)
    entities = entity_recall(result, record)
    numbers = number_recall(result, record)
    leaks = leak_count(result, record)
    reference = reference_chrf(result, record, raw_text)
    speakers = speaker_accuracy(result, record)
    kinds = kind_accuracy(result, record)
    contradictions = contradiction_count(result, record)
    german = german_field_count(result)
    metrics: Metrics = {
        **coverage.metrics(),
        **matching.metrics(),
        **grounding.metrics(),
        **entities.metrics(),
        **numbers.metrics(),
        **leaks.metrics(),
        **speakers.metrics(),
        **kinds.metrics(),
        **contradictions.metrics(),
        **german.metrics(),
        **(reference.metrics(prefix=REFERENCE_PREFIX) if reference else {}),
        **call_stats(result).metrics(),
    }
    details = {
        "missed_facts": [
            {"id": f.id, "statement": f.statement} for f in record.facts if f.id in coverage.missed
        ],
        "covered_by": coverage.covered_by,
        "unmatched_claims": [c.index for c in matching.claims if not c.matched],
        "claim_facts": {str(c.index): c.fact_ids for c in matching.claims},
        "grounding_failures": [f.model_dump() for f in grounding.failures],
        "missed_entities": entities.missed,
        "missed_numbers": numbers.missed,
        "leaks": [h.model_dump() for h in leaks.hits],
        "wrong_speakers": [c.model_dump() for c in speakers.wrong],
        "wrong_kinds": [c.model_dump() for c in kinds.wrong],
        "contradictions": [h.model_dump() for h in contradictions.hits],
        "german_fields": [f.model_dump() for f in german.german],
        "source_text": source_text,
        "removed": [
            {"reason": r.reason, "text": raw_text[r.start : r.end]} for r in result.removed
        ],
    }
    return metrics, details


def _failed(id: str, exc: SummarizerError) -> ArticleEval:
    return ArticleEval(id=id, status="error", error=f"{type(exc).__name__}: {exc}")


def _scored(summarizer: Summarizer, record: GoldRecord, path: Path, item: Item) -> ArticleEval:
    """One batch item as its record's evaluation: a failure or a duplicate is the article's
    error; a result is scored against the cleaned text it was summarized from."""
    if isinstance(item, ItemError):
        return ArticleEval(id=record.id, status="error", error=f"{item.kind}: {item.message}")
    if isinstance(item, Duplicate):
        return ArticleEval(id=record.id, status="error", error=f"Duplicate: {item.message}")
    try:
        article = summarizer.load(path)  # the batch's loader: same limits, rules and text
    except SummarizerError as exc:
        return _failed(record.id, exc)
    metrics, details = score_gold(
        item, record, source_text=article.text, raw_text=article.source_text
    )
    return ArticleEval(id=record.id, status="ok", metrics=metrics, details=details, result=item)


def _gold_articles(summarizer: Summarizer, suite: Suite) -> Iterator[ArticleEval]:
    """The suite's article files summarized as one batch, the way `summarizer run` does
    (`Summarizer.summarize_paths`: input order, duplicates, the memo, workers, the token
    budget), each scored against its record. A batch yields one item per article file, in
    input order, so items pair with records by position (an item's id is its file's stem,
    which need not be the record's id)."""
    paths = [suite.article_path(record) for record in suite.records]
    items = summarizer.summarize_paths(paths)
    for record, path, item in zip(suite.records, paths, items, strict=True):
        yield _scored(summarizer, record, path, item)


def _translation_documents(summarizer: Summarizer, suite: Suite) -> Iterator[ArticleEval]:
    for doc in suite.documents:
        try:
            hypothesis = summarizer.translate_text("\n\n".join(doc.source_paragraphs), id=doc.id)
        except SummarizerError as exc:
            yield _failed(doc.id, exc)
            continue
        score = translation_chrf(hypothesis, doc.references)
        yield ArticleEval(
            id=doc.id,
            status="ok",
            metrics=score.metrics(),
            details={"source_paragraphs": doc.source_paragraphs, "references": doc.references},
            translation=hypothesis,
        )


def _cross_article(suite: Suite, articles: Sequence[ArticleEval]) -> dict[str, Any]:
    """Whether each same-event discrepancy survives: every article keeps its own value."""
    by_id = {a.id: a.result for a in articles if a.result is not None}
    checks: list[dict[str, Any]] = []
    for d in suite.spec.discrepancies:
        kept: dict[str, bool] = {}
        for article_id in d.values:
            result = by_id.get(article_id)
            if result is None:
                continue
            text = " ".join(
                [result.summary_en, *result.key_points_en, *(c.text_en for c in result.claims)]
            ).lower()
            kept[article_id] = any(form.lower() in text for form in d.forms(article_id))
        checks.append({"about": d.about, "values": d.values, "kept": kept})
    flags = [v for c in checks for v in dict(c["kept"]).values()]
    return {
        "discrepancies": checks,
        DISCREPANCY_VALUES_KEPT.name: sum(flags) / len(flags) if flags else None,
        "same_event": suite.spec.same_event,
        "different_events": suite.spec.different_events,
    }


def _digest_scores(
    summarizer: Summarizer, suite: Suite, articles: Sequence[ArticleEval]
) -> tuple[Metrics, dict[str, Any]]:
    """The digest of the suite's results scored against its event annotations (none: no
    digest is made): grouping precision and recall, false merges, discrepancy recall."""
    spec = suite.spec
    if not (spec.same_event or spec.different_events or spec.discrepancies):
        return {}, {}
    results = [a.result for a in articles if a.result is not None]
    try:
        digest = summarizer.digest(results)
    except SummarizerError as exc:
        return {}, {"digest_error": f"{type(exc).__name__}: {exc}"}
    grouping = grouping_score(
        [e.articles for e in digest.events], spec.same_event, spec.different_events
    )
    found = discrepancy_recall(digest, spec.discrepancies)
    details = {
        "grouping": grouping.model_dump(),
        "discrepancy_recall": found.model_dump(),
        "digest": digest.model_dump(mode="json"),
    }
    return {**grouping.metrics(), **found.metrics()}, details


def _overall(
    summarizer: Summarizer, suite: Suite, articles: Sequence[ArticleEval]
) -> tuple[Metrics, dict[str, Any]]:
    """The run's aggregated metrics and its cross-article checks."""
    overall = aggregate([a.metrics for a in articles if a.status == "ok"])
    overall[ERROR_COUNT.name] = float(sum(1 for a in articles if a.status == "error"))
    cross = _cross_article(suite, articles) if suite.spec.kind == "gold" else {}
    if (kept := cross.get(DISCREPANCY_VALUES_KEPT.name)) is not None:
        overall[DISCREPANCY_VALUES_KEPT.name] = kept
    if suite.spec.kind == "gold":
        scores, details = _digest_scores(summarizer, suite, articles)
        overall.update({k: v for k, v in scores.items() if v is not None})
        cross.update(details)
    return overall, cross


def evaluate_suite(
    suite: Suite,
    summarizer: Summarizer,
    *,
    on_article: Callable[[ArticleEval], None] | None = None,
) -> EvalRun:
    """Run and score every article of `suite`; per-article failures are recorded, not raised.
    The run records the code it started from: a commit made during the run is not its own."""
    commit = _git_commit()
    articles: list[ArticleEval] = []
    items = (
        _gold_articles(summarizer, suite)
        if suite.spec.kind == "gold"
        else _translation_documents(summarizer, suite)
    )
    for item in items:
        articles.append(item)
        if on_article is not None:
            on_article(item)
    overall, cross = _overall(summarizer, suite, articles)
    settings = summarizer.settings
    return EvalRun(
        suite=suite.spec.name,
        suite_kind=suite.spec.kind,
        suite_path=str(suite.path),
        created=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        model=settings.model,
        endpoint_host=settings.endpoint_host,
        mode=mode_name(resolve_mode(settings)),
        replay=settings.replay,
        prompt_versions=summarizer.prompt_versions,
        schema_hash=schema_hash(),
        summarizer_version=__version__,
        git_commit=commit,
        overall=overall,
        cross_article=cross,
        articles=articles,
    )
