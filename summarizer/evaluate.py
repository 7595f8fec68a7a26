"""Evaluation runs: score a suite with the pure scorers, save run files, compare runs and gate.

A run file (`evals/runs/<timestamp>-<model>.json`) holds every score, the full results and
the provenance of the run (model, prompt versions, schema hash, summarizer version, git
commit), so it can be compared, reported on and re-scored without a model.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import re
import subprocess
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from summarizer import __version__
from summarizer.article import decode
from summarizer.errors import ConfigError, SummarizerError
from summarizer.gold import GoldRecord, Suite
from summarizer.pipeline import Summarizer
from summarizer.render import write_atomic
from summarizer.schema import ArticleResult, Claim, schema_hash
from summarizer.scorers import (
    aggregate,
    call_stats,
    claim_matching,
    entity_recall,
    fact_coverage,
    grounding_precision,
    leak_count,
    number_recall,
    reference_chrf,
    translation_chrf,
)

__all__ = [
    "ArticleEval",
    "ClaimDiff",
    "Comparison",
    "EvalRun",
    "compare_runs",
    "evaluate_suite",
    "gate",
    "load_run",
    "save_run",
]

Metrics = dict[str, float | None]

# Metrics worth a column in tables and a line in charts, in display order.
HEADLINE_METRICS = (
    "fact_recall",
    "grounding_precision",
    "claim_matched_share",
    "entity_recall",
    "number_recall",
    "leak_count",
    "reference_chrf",
    "translation_chrf",
    "first_attempt_valid_rate",
    "reask_rate",
    "cache_hit_rate",
    "elapsed_seconds",
)


class ArticleEval(BaseModel):
    """One article's (or translation document's) scores, review details and result."""

    id: str
    status: Literal["ok", "error"]
    error: str | None = None
    metrics: Metrics = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict)
    result: ArticleResult | None = None
    translation: list[str] | None = None


class EvalRun(BaseModel):
    """Everything one `summarizer eval run` measured."""

    format: int = 1
    suite: str
    suite_kind: str
    suite_path: str
    created: str
    model: str
    endpoint_host: str
    mode: str
    replay: bool
    prompt_versions: dict[str, str]
    schema_hash: str
    summarizer_version: str
    git_commit: str | None
    overall: Metrics
    cross_article: dict[str, Any] = Field(default_factory=dict)
    articles: list[ArticleEval]


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def _raw_text(path: Path) -> str:
    """The decoded text that `removed` offsets index (plain-text files; others best effort)."""
    try:
        return decode(path.read_bytes(), name=str(path))
    except (OSError, SummarizerError):
        return ""


def _score_gold(summarizer: Summarizer, suite: Suite, record: GoldRecord) -> ArticleEval:
    try:
        article = summarizer.load(suite.article_path(record))
        result = summarizer.run_async(summarizer.asummarize(article))
    except SummarizerError as exc:
        return ArticleEval(id=record.id, status="error", error=f"{type(exc).__name__}: {exc}")
    raw = _raw_text(suite.article_path(record))
    coverage = fact_coverage(result, record)
    matching = claim_matching(result, record)
    grounding = grounding_precision(result, article.text)
    entities = entity_recall(result, record)
    numbers = number_recall(result, record)
    leaks = leak_count(result, record)
    reference = reference_chrf(result, record)
    metrics: Metrics = {
        **coverage.metrics(),
        **matching.metrics(),
        **grounding.metrics(),
        **entities.metrics(),
        **numbers.metrics(),
        **leaks.metrics(),
        **(reference.metrics(prefix="reference") if reference else {}),
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
        "source_text": article.text,
        "removed": [{"reason": r.reason, "text": raw[r.start : r.end]} for r in article.removed],
    }
    return ArticleEval(id=record.id, status="ok", metrics=metrics, details=details, result=result)


def _score_translation(summarizer: Summarizer, suite: Suite) -> Iterator[ArticleEval]:
    for doc in suite.documents:
        try:
            hypothesis = summarizer.translate_text("\n\n".join(doc.source_paragraphs), id=doc.id)
        except SummarizerError as exc:
            yield ArticleEval(id=doc.id, status="error", error=f"{type(exc).__name__}: {exc}")
            continue
        score = translation_chrf(hypothesis, doc.references)
        yield ArticleEval(
            id=doc.id,
            status="ok",
            metrics=score.metrics(prefix="translation"),
            details={"source_paragraphs": doc.source_paragraphs, "references": doc.references},
            translation=hypothesis,
        )


def _cross_article(suite: Suite, articles: Sequence[ArticleEval]) -> dict[str, Any]:
    """Whether each same-event discrepancy survives: every article keeps its own value."""
    by_id = {a.id: a.result for a in articles if a.result is not None}
    checks: list[dict[str, Any]] = []
    for d in suite.spec.discrepancies:
        kept: dict[str, bool] = {}
        for article_id, value in d.values.items():
            result = by_id.get(article_id)
            if result is None:
                continue
            text = " ".join(
                [result.summary_en, *result.key_points_en, *(c.text_en for c in result.claims)]
            ).lower()
            kept[article_id] = value.lower() in text
        checks.append({"about": d.about, "values": d.values, "kept": kept})
    flags = [v for c in checks for v in dict(c["kept"]).values()]
    return {
        "discrepancies": checks,
        "discrepancy_values_kept": sum(flags) / len(flags) if flags else None,
        "same_event": suite.spec.same_event,
        "different_events": suite.spec.different_events,
    }


def evaluate_suite(
    suite: Suite,
    summarizer: Summarizer,
    *,
    on_article: Callable[[ArticleEval], None] | None = None,
) -> EvalRun:
    """Run and score every article of `suite`; per-article failures are recorded, not raised."""
    articles: list[ArticleEval] = []
    items: Iterator[ArticleEval] = (
        (_score_gold(summarizer, suite, r) for r in suite.records)
        if suite.spec.kind == "gold"
        else _score_translation(summarizer, suite)
    )
    for item in items:
        articles.append(item)
        if on_article is not None:
            on_article(item)
    overall = aggregate([a.metrics for a in articles if a.status == "ok"])
    overall["error_count"] = float(sum(1 for a in articles if a.status == "error"))
    cross = _cross_article(suite, articles) if suite.spec.kind == "gold" else {}
    if cross.get("discrepancy_values_kept") is not None:
        overall["discrepancy_values_kept"] = cross["discrepancy_values_kept"]
    settings = summarizer.settings
    from summarizer.llm import mode_name, resolve_mode

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
        git_commit=_git_commit(),
        overall=overall,
        cross_article=cross,
        articles=articles,
    )


def save_run(run: EvalRun, runs_dir: Path) -> Path:
    """Write the run atomically as `<runs_dir>/<timestamp>-<suite>-<model>.json`."""
    stamp = run.created.replace(":", "").replace("-", "")
    model = re.sub(r"[^A-Za-z0-9._-]+", "_", run.model)
    path = runs_dir / f"{stamp}-{run.suite}-{model}.json"
    n = 1
    while path.exists():
        n += 1
        path = runs_dir / f"{stamp}-{run.suite}-{model}-{n}.json"
    write_atomic(path, run.model_dump_json(indent=1) + "\n")
    return path


def load_run(path: Path) -> EvalRun:
    """Read a run file; a bad file is a `ConfigError` naming it."""
    try:
        return EvalRun.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a readable run file: {exc}") from None


class ClaimDiff(BaseModel):
    """How one article's claims changed between two runs (claims keyed by quote offsets)."""

    id: str
    added: list[Claim]
    dropped: list[Claim]
    changed: list[tuple[Claim, Claim]]


class Comparison(BaseModel):
    """Run B against run A: metric deltas and per-article claim diffs."""

    a: str
    b: str
    metrics: dict[str, tuple[float | None, float | None, float | None]]
    claim_diffs: list[ClaimDiff]


def compare_runs(a: EvalRun, b: EvalRun, *, a_name: str = "A", b_name: str = "B") -> Comparison:
    """Per-metric (a, b, b - a) for every overall metric, and claim diffs per shared article."""
    deltas: dict[str, tuple[float | None, float | None, float | None]] = {}
    for key in sorted(set(a.overall) | set(b.overall)):
        va, vb = a.overall.get(key), b.overall.get(key)
        deltas[key] = (va, vb, None if va is None or vb is None else vb - va)
    diffs = []
    b_articles = {x.id: x for x in b.articles}
    for article in a.articles:
        other = b_articles.get(article.id)
        if article.result is None or other is None or other.result is None:
            continue
        old = {(c.start, c.end): c for c in article.result.claims}
        new = {(c.start, c.end): c for c in other.result.claims}
        changed = [
            (old[k], new[k])
            for k in old.keys() & new.keys()
            if old[k].model_dump(exclude={"start", "end"})
            != new[k].model_dump(exclude={"start", "end"})
        ]
        diff = ClaimDiff(
            id=article.id,
            added=[new[k] for k in sorted(new.keys() - old.keys())],
            dropped=[old[k] for k in sorted(old.keys() - new.keys())],
            changed=sorted(changed, key=lambda pair: pair[0].start),
        )
        if diff.added or diff.dropped or diff.changed:
            diffs.append(diff)
    return Comparison(a=a_name, b=b_name, metrics=deltas, claim_diffs=diffs)


_OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_CONDITION = re.compile(r"^\s*([a-z0-9_]+)\s*(<=|>=|<|>)\s*(-?[0-9.]+)\s*$")
_DROP = re.compile(r"^\s*([a-z0-9_]+)\s*=\s*([0-9.]+)\s*$")


def gate(
    comparison: Comparison, *, fail_if: Sequence[str] = (), max_drop: Sequence[str] = ()
) -> list[str]:
    """Violations of CI gates on run B: `metric<value` conditions and `metric=delta` drops."""
    violations: list[str] = []
    for condition in fail_if:
        match = _CONDITION.match(condition)
        if not match:
            raise ConfigError(f"--fail-if {condition!r}: expected e.g. 'fact_recall<0.6'")
        name, op, raw = match.groups()
        if name not in comparison.metrics:
            raise ConfigError(f"--fail-if: unknown metric {name!r}")
        value = comparison.metrics[name][1]
        if value is None or _OPS[op](value, float(raw)):
            violations.append(f"{name} = {value} ({condition})")
    for spec in max_drop:
        match = _DROP.match(spec)
        if not match:
            raise ConfigError(f"--max-drop {spec!r}: expected e.g. 'fact_recall=0.05'")
        name, raw = match.groups()
        if name not in comparison.metrics:
            raise ConfigError(f"--max-drop: unknown metric {name!r}")
        va, vb, delta = comparison.metrics[name]
        if delta is None or delta < -float(raw):
            violations.append(f"{name} dropped from {va} to {vb} (allowed drop {raw})")
    return violations


def dumps(value: Any) -> str:
    """Compact JSON for machine-readable CLI output."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
