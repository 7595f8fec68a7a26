"""The `eval` command group: score a gold suite, compare two runs, write an HTML report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from summarizer.cli.root import (
    EXIT_ITEM_FAILED,
    EXIT_OK,
    BaseUrlOpt,
    CacheDirOpt,
    ModelOpt,
    ReplayOpt,
    VerboseOpt,
    app,
    err,
    fail,
    out,
    progress_bar,
    settings_from_options,
    setup_logging,
)
from summarizer.errors import SummarizerError
from summarizer.evaluation import (
    Comparison,
    EvalRun,
    compare_runs,
    evaluate_suite,
    gate,
    load_history,
    load_run,
    load_suite,
    render_html,
    save_run,
)
from summarizer.evaluation.metrics import (
    HEADLINE_CALLS,
    HEADLINE_OUTPUT,
    fmt,
    listed_in_comparison,
)
from summarizer.render import write_atomic
from summarizer.summarizer import Summarizer

__all__ = ["eval_app", "eval_compare", "eval_report", "eval_run"]

eval_app = typer.Typer(
    help="Score the pipeline against hand-written gold suites; compare runs; HTML reports.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")
RunsDirOpt = Annotated[Path, typer.Option("--runs-dir", help="Where run files are written.")]


@eval_app.command(
    "run",
    epilog=(
        "Examples:\n\n  summarizer eval run\n\n"
        "  summarizer eval run --suite evals/translation --model qwen2.5-coder-0.5b\n\n"
        "  summarizer eval run --replay   (re-score from the cache; a miss is an error)"
    ),
)
def eval_run(
    suite_path: Annotated[Path, typer.Option("--suite", help="Suite folder.")] = Path(
        "evals/seeds"
    ),
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    replay: ReplayOpt = False,
    mode: Annotated[str | None, typer.Option("--mode", help="instructor mode.")] = None,
    runs_dir: RunsDirOpt = Path("evals/runs"),
    cache_dir: CacheDirOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run a suite, print per-article and overall scores, write a run file (path on stdout)."""
    setup_logging(verbose)
    settings = settings_from_options(
        model=model,
        base_url=base_url,
        replay=True if replay else None,
        mode=mode,
        cache_dir=cache_dir,
    )
    try:
        suite = load_suite(suite_path)
        summarizer = Summarizer(settings)
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    total = len(suite.records) or len(suite.documents)
    with summarizer, progress_bar() as progress:
        bar = progress.add_task(f"eval {suite.spec.name}", total=total)
        run = evaluate_suite(suite, summarizer, on_article=lambda _: progress.advance(bar))
    _eval_table(run)
    path = save_run(run, runs_dir)
    out.print(escape(str(path)))
    errors = [a for a in run.articles if a.status == "error"]
    for a in errors:
        err.print(f"[red]failed[/] {escape(a.id)}: {escape(a.error or '')}", soft_wrap=True)
    raise typer.Exit(EXIT_ITEM_FAILED if errors else EXIT_OK)


def _short_id(id: str, width: int = 20) -> str:
    """An article id for a table column: whole, or its distinctive end after "…"."""
    return id if len(id) <= width else "…" + id[-(width - 1) :]


def _eval_table(run: EvalRun) -> None:
    """The headline metrics per article and overall: what the output says, then its calls
    (two compact tables, so that they fit a 120-column terminal)."""
    for group, title in (
        (HEADLINE_OUTPUT, f"{run.suite} · {run.model}"),
        (HEADLINE_CALLS, "calls"),
    ):
        metrics = [
            m
            for m in group
            if any(m.name in a.metrics for a in run.articles) or m.name in run.overall
        ]
        if not metrics:
            continue
        table = Table(
            title=title,
            title_justify="left",
            box=box.SIMPLE_HEAD,
            show_edge=False,
            collapse_padding=True,
        )
        table.add_column("article", no_wrap=True)
        for m in metrics:
            table.add_column(m.short, justify="right")
        for a in run.articles:
            if a.status == "error":
                table.add_row(_short_id(a.id), "[red]error[/]", *[""] * (len(metrics) - 1))
            else:
                table.add_row(_short_id(a.id), *[fmt(a.metrics.get(m.name)) for m in metrics])
        overall = [f"[bold]{fmt(run.overall.get(m.overall_name))}[/]" for m in metrics]
        table.add_row("[bold]overall[/]", *overall)
        err.print(table)


@eval_app.command(
    "compare",
    epilog=(
        "Examples:\n\n  summarizer eval compare evals/runs/A.json evals/runs/B.json\n\n"
        "  summarizer eval compare A.json B.json --fail-if 'fact_recall<0.5' "
        "--max-drop fact_recall=0.05 --fail-if 'leak_count>0'"
    ),
)
def eval_compare(
    run_a: Annotated[Path, typer.Argument(help="Baseline run file.", show_default=False)],
    run_b: Annotated[Path, typer.Argument(help="Candidate run file.", show_default=False)],
    fail_if: Annotated[
        list[str] | None,
        typer.Option("--fail-if", help="Gate on run B, e.g. 'fact_recall<0.5' (repeatable)."),
    ] = None,
    max_drop: Annotated[
        list[str] | None,
        typer.Option("--max-drop", help="Largest allowed drop, e.g. 'fact_recall=0.05'."),
    ] = None,
) -> None:
    """Per-metric deltas and per-article claim diffs; exit 1 when a gate is violated."""
    try:
        a, b = load_run(run_a), load_run(run_b)
        comparison = compare_runs(a, b, a_name=run_a.name, b_name=run_b.name)
        violations = gate(comparison, fail_if=fail_if or [], max_drop=max_drop or [])
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    _comparison_table(comparison, f"{run_a.name} → {run_b.name}")
    _claim_diffs(comparison)
    for v in violations:
        err.print(f"[red]gate failed:[/] {escape(v)}", soft_wrap=True)
    raise typer.Exit(EXIT_ITEM_FAILED if violations else EXIT_OK)


def _comparison_table(comparison: Comparison, title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("metric", "A", "B", "Δ"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name, (va, vb, delta) in comparison.metrics.items():
        if not listed_in_comparison(name):
            continue
        shown = "–" if delta is None else f"{delta:+.3f}"
        table.add_row(name, fmt(va), fmt(vb), shown)
    out.print(table)


def _claim_diffs(comparison: Comparison) -> None:
    for diff in comparison.claim_diffs:
        out.print(f"[bold]{escape(diff.id)}[/]")
        for c in diff.added:
            out.print(f"  [green]+[/] {escape(c.speaker)}: {escape(c.text_en)}", soft_wrap=True)
        for c in diff.dropped:
            out.print(f"  [red]-[/] {escape(c.speaker)}: {escape(c.text_en)}", soft_wrap=True)
        for old, new in diff.changed:
            out.print(
                f"  [yellow]~[/] {escape(old.speaker)}: {escape(old.text_en)} → "
                f"{escape(new.speaker)}: {escape(new.text_en)}",
                soft_wrap=True,
            )


@eval_app.command(
    "report",
    epilog="Example:\n\n  summarizer eval report evals/runs/<run>.json --html report.html",
)
def eval_report(
    run_path: Annotated[Path, typer.Argument(help="Run file.", show_default=False)],
    html_path: Annotated[
        Path | None, typer.Option("--html", help="Output file [default: the run file, .html].")
    ] = None,
    runs_dir: Annotated[
        Path | None,
        typer.Option("--runs-dir", help="Runs for the trend chart [default: the run's folder]."),
    ] = None,
) -> None:
    """Write a self-contained HTML report: metrics, highlighted quotes, removals, missed facts."""
    try:
        run = load_run(run_path)
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    history = load_history(runs_dir or run_path.parent, suite=run.suite)
    target = html_path or run_path.with_suffix(".html")
    write_atomic(target, render_html(run, history=history, name=run_path.name))
    out.print(escape(str(target)))
