"""Evaluation: gold suites, pure scorers, declared metrics, run files, comparisons, HTML reports.

- `gold`: suites and gold records (`load_suite`);
- `matching`: the lexical term-group and spelling matchers the scorers share;
- `scorers`: pure functions from one result to a `Score` with `metrics()`;
- `metrics`: every metric's name, label and aggregation, declared once (`aggregate`, `fmt`);
- `runner`: run a suite through the summarizer and score it (`evaluate_suite`);
- `runs`: run files (`EvalRun`, `save_run`, `load_run`);
- `compare`: two runs' deltas and claim diffs, and the CI gates (`compare_runs`, `gate`);
- `report`: the self-contained HTML report (`render_html`).
"""

from summarizer.evaluation.compare import ClaimDiff, Comparison, compare_runs, gate
from summarizer.evaluation.gold import GoldRecord, Suite, load_suite
from summarizer.evaluation.metrics import HEADLINE, Metric, Metrics, aggregate, fmt
from summarizer.evaluation.report import render_html, trend_svg
from summarizer.evaluation.runner import evaluate_suite
from summarizer.evaluation.runs import ArticleEval, EvalRun, load_history, load_run, save_run

__all__ = [
    "HEADLINE",
    "ArticleEval",
    "ClaimDiff",
    "Comparison",
    "EvalRun",
    "GoldRecord",
    "Metric",
    "Metrics",
    "Suite",
    "aggregate",
    "compare_runs",
    "evaluate_suite",
    "fmt",
    "gate",
    "load_history",
    "load_run",
    "load_suite",
    "render_html",
    "save_run",
    "trend_svg",
]
