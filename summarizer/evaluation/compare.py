"""Comparing two runs: per-metric deltas, per-article claim diffs, and the CI gates on them."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence

from pydantic import BaseModel

from summarizer.errors import ConfigError
from summarizer.evaluation.metrics import lower_is_better
from summarizer.evaluation.runs import ArticleEval, EvalRun
from summarizer.schema import Claim

__all__ = ["ClaimDiff", "Comparison", "compare_runs", "gate"]

Delta = tuple[float | None, float | None, float | None]
"""A metric in run A, in run B, and B - A (None when either is None)."""


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
    metrics: dict[str, Delta]
    claim_diffs: list[ClaimDiff]


def _claim_diff(old_article: ArticleEval, new_article: ArticleEval) -> ClaimDiff | None:
    """The claims added, dropped and changed from one article to the other (None: no results)."""
    if old_article.result is None or new_article.result is None:
        return None
    old = {(c.start, c.end): c for c in old_article.result.claims}
    new = {(c.start, c.end): c for c in new_article.result.claims}
    changed = [
        (old[k], new[k])
        for k in old.keys() & new.keys()
        if old[k].model_dump(exclude={"start", "end"})
        != new[k].model_dump(exclude={"start", "end"})
    ]
    return ClaimDiff(
        id=old_article.id,
        added=[new[k] for k in sorted(new.keys() - old.keys())],
        dropped=[old[k] for k in sorted(old.keys() - new.keys())],
        changed=sorted(changed, key=lambda pair: pair[0].start),
    )


def compare_runs(a: EvalRun, b: EvalRun, *, a_name: str = "A", b_name: str = "B") -> Comparison:
    """Per-metric (a, b, b - a) for every overall metric, and claim diffs per shared article."""
    deltas: dict[str, Delta] = {}
    for key in sorted(set(a.overall) | set(b.overall)):
        va, vb = a.overall.get(key), b.overall.get(key)
        deltas[key] = (va, vb, None if va is None or vb is None else vb - va)
    diffs = []
    b_articles = {x.id: x for x in b.articles}
    for article in a.articles:
        other = b_articles.get(article.id)
        diff = _claim_diff(article, other) if other is not None else None
        if diff is not None and (diff.added or diff.dropped or diff.changed):
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


def _known(comparison: Comparison, option: str, name: str) -> None:
    if name not in comparison.metrics:
        raise ConfigError(f"{option}: unknown metric {name!r}")


def gate(
    comparison: Comparison, *, fail_if: Sequence[str] = (), max_drop: Sequence[str] = ()
) -> list[str]:
    """Violations of CI gates on run B: `metric<value` conditions and `metric=delta` drops.

    For a lower-is-better metric (an error count like `leak_count` or `contradiction_count`,
    and its `_total`) `metric=delta` is the largest allowed rise instead.
    """
    violations: list[str] = []
    for condition in fail_if:
        match = _CONDITION.match(condition)
        if not match:
            raise ConfigError(f"--fail-if {condition!r}: expected e.g. 'fact_recall<0.6'")
        name, op, raw = match.groups()
        _known(comparison, "--fail-if", name)
        value = comparison.metrics[name][1]
        if value is None or _OPS[op](value, float(raw)):
            violations.append(f"{name} = {value} ({condition})")
    for spec in max_drop:
        match = _DROP.match(spec)
        if not match:
            raise ConfigError(f"--max-drop {spec!r}: expected e.g. 'fact_recall=0.05'")
        name, raw = match.groups()
        _known(comparison, "--max-drop", name)
        va, vb, delta = comparison.metrics[name]
        if lower_is_better(name):  # an error count: the regression is a rise
            if delta is None or delta > float(raw):
                violations.append(f"{name} rose from {va} to {vb} (allowed rise {raw})")
        elif delta is None or delta < -float(raw):
            violations.append(f"{name} dropped from {va} to {vb} (allowed drop {raw})")
    return violations
