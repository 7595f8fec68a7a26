"""Run files: what one evaluation run measured, saved as JSON and read back.

A run file (`evals/runs/<timestamp>-<suite>-<model>.json`) holds every score, the full results
and the provenance of the run (model, prompt versions, schema hash, summarizer version, git
commit), so it can be compared, reported on and re-scored without a model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from summarizer.errors import ConfigError
from summarizer.evaluation.metrics import Metrics
from summarizer.render import write_atomic
from summarizer.schema import ArticleResult

__all__ = ["ArticleEval", "EvalRun", "load_history", "load_run", "save_run"]


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


def load_history(runs_dir: Path, *, suite: str) -> list[EvalRun]:
    """Every readable run of `suite` in `runs_dir`, oldest first."""
    runs = []
    for path in sorted(runs_dir.glob("*.json")):
        try:
            run = load_run(path)
        except ConfigError:
            continue
        if run.suite == suite:
            runs.append(run)
    return sorted(runs, key=lambda r: r.created)
