"""The `run` command: summarize articles, write a result file per article, close with a table."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from summarizer.batch import Duplicate, Item, ItemError
from summarizer.cli.batch_run import BatchOpt, LayoutOpt, PollOpt, WaitOpt, batch_items
from summarizer.cli.digest import write_digest
from summarizer.cli.ray_run import (
    DatasetOpt,
    EngineOpt,
    RayActorsOpt,
    RayAddressOpt,
    ray_items,
    ray_options,
    write_dataset,
)
from summarizer.cli.root import (
    EXIT_INTERRUPTED,
    EXIT_ITEM_FAILED,
    EXIT_OK,
    BaseUrlOpt,
    CacheDirOpt,
    ModelOpt,
    ReplayOpt,
    RulesOpt,
    VerboseOpt,
    app,
    err,
    fail,
    progress_bar,
    settings_from_options,
    setup_logging,
)
from summarizer.cli.step_options import CheckOpt, ClaimPicksOpt
from summarizer.errors import AuthError, BudgetExhaustedError, QuotaError, SummarizerError
from summarizer.filenames import display
from summarizer.redaction import redact
from summarizer.render import (
    FORMATS,
    remove_stale_temporaries,
    to_jsonl,
    to_markdown,
    write_result,
)
from summarizer.schema import ArticleResult
from summarizer.settings import Settings
from summarizer.sources import iter_sources
from summarizer.summarizer import Summarizer

__all__ = ["RunSummary", "deliver_all", "run"]

PathsArg = Annotated[
    list[Path],
    typer.Argument(
        help="Files, folders, or - for stdin (.txt .md .html .json .jsonl).",
        show_default=False,
        readable=False,  # an unreadable file is that item's error, not the run's
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Folder for <id>.json results.")]
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="Also print results to stdout as jsonl or md (json: files only)."
    ),
]
ConcurrencyOpt = Annotated[
    int | None,
    typer.Option("--concurrency", "-j", min=1, help="Requests in flight (default per backend)."),
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(
        "--workers",
        min=1,
        help="Processes for the batch (remote endpoints; default: one per 16 in flight, "
        "up to the cores).",
    ),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")]
RefreshOpt = Annotated[
    bool, typer.Option("--refresh", help="Ignore cached results; overwrite them.")
]
MaxReasksOpt = Annotated[
    int | None,
    typer.Option("--max-reasks", min=0, help="Validation re-asks per call [default: 2]."),
]
MaxCharsOpt = Annotated[
    int | None,
    typer.Option("--max-chars", min=1, help="Refuse longer articles [default: 200000]."),
]
MaxTokensTotalOpt = Annotated[
    int | None,
    typer.Option(
        "--max-tokens-total", min=1, help="Token budget of the run; rerun to resume the rest."
    ),
]
DigestOpt = Annotated[
    bool,
    typer.Option(
        "--digest", help="Then digest the results folder: digest.json and digest.md there."
    ),
]
ModeOpt = Annotated[
    str | None,
    typer.Option("--mode", help="instructor mode: auto, json_schema, tools, md_json, json."),
]


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
    paths: PathsArg,
    out_dir: OutOpt = Path("out"),
    fmt: FormatOpt = "json",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    concurrency: ConcurrencyOpt = None,
    workers: WorkersOpt = None,
    no_cache: NoCacheOpt = False,
    refresh: RefreshOpt = False,
    replay: ReplayOpt = False,
    max_reasks: MaxReasksOpt = None,
    max_chars: MaxCharsOpt = None,
    max_tokens_total: MaxTokensTotalOpt = None,
    mode: ModeOpt = None,
    cache_dir: CacheDirOpt = None,
    rules: RulesOpt = None,
    check_translations: CheckOpt = None,
    claim_picks: ClaimPicksOpt = None,
    layout: LayoutOpt = None,
    digest: DigestOpt = False,
    verbose: VerboseOpt = False,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    ray_actors: RayActorsOpt = None,
    dataset: DatasetOpt = None,
    batch: BatchOpt = False,
    poll: PollOpt = 60.0,
    wait: WaitOpt = True,
) -> None:
    """Summarize articles; write [bold]<out>/<id>.json[/] per article as each one finishes.

    Exit code 0 when every article succeeded, 1 when any failed (the others are still written),
    2 for bad options or credentials.
    """
    setup_logging(verbose)
    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    settings = settings_from_options(
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
        check_translations=check_translations,
        claim_picks=claim_picks,
        layout=layout,
    )
    ray = ray_options(engine, ray_address, ray_actors, dataset)
    if ray is not None and batch:
        raise fail("--batch and --engine ray do not go together")
    if ray is not None and ray.dataset is not None:
        raise typer.Exit(write_dataset(paths, settings, ray))
    summarizer, total = _start(paths, out_dir, settings)
    if batch:
        items: Iterable[Item] = batch_items(settings, paths, out_dir, poll=poll, wait=wait)
    elif ray is not None:
        items = ray_items(summarizer, paths, ray)
    else:
        items = summarizer.summarize_paths(paths)
    with summarizer:  # open until the digest: one endpoint (one embedded server) for both
        summary, unfinished = deliver_all(contextlib.nullcontext(), items, total, out_dir, fmt)
        summary.print(out_dir)
        _report_unfinished(unfinished, settings)
        if digest:
            _digest(summarizer, out_dir)
    raise typer.Exit(EXIT_ITEM_FAILED if summary.failed else EXIT_OK)


def _start(paths: list[Path], out_dir: Path, settings: Settings) -> tuple[Summarizer, int]:
    """Check the inputs and the output folder before any call; the summarizer and the number
    of articles."""
    missing = [p for p in paths if str(p) != "-" and not p.exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(map(str, missing))}")
    _prepare_out_dir(out_dir)
    total = sum(1 for _ in iter_sources(paths))
    if not total:
        raise fail(f"no articles (.txt .md .html .json .jsonl) in {', '.join(map(str, paths))}")
    try:
        return Summarizer(settings), total
    except SummarizerError as exc:
        raise fail(str(exc)) from None


def deliver_all(
    owner: contextlib.AbstractContextManager[object],
    items: Iterable[Item],
    total: int,
    out_dir: Path,
    fmt: str,
) -> tuple[RunSummary, list[str]]:
    """Deliver each article as it finishes (`owner`, e.g. the Summarizer, is closed at the
    end); the closing table and the articles the budget left unstarted. Auth and quota errors
    end the run; Ctrl-C ends it with the interrupted code."""
    summary = RunSummary()
    unfinished: list[str] = []
    try:
        with owner, progress_bar() as progress, contextlib.ExitStack() as stack:
            bar = progress.add_task("summarizing", total=total)
            # A generator left by an early exit is closed while its event loop still runs.
            stack.callback(getattr(items, "close", lambda: None))
            for item in items:
                if isinstance(item, ItemError):
                    if isinstance(item.error, AuthError | QuotaError):
                        raise fail(item.message)
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
    return summary, unfinished


def _digest(summarizer: Summarizer, out_dir: Path) -> None:
    """`--digest`: the digest of the results folder, by the run's own summarizer."""
    try:
        write_digest(summarizer, out_dir, out_dir, "md")
    except (AuthError, QuotaError) as exc:
        raise fail(str(exc)) from None
    except SummarizerError as exc:
        raise fail(f"digest failed: {exc}", EXIT_ITEM_FAILED) from None


def _report_unfinished(unfinished: list[str], settings: Settings) -> None:
    """Name the articles the token budget left unstarted, and how to resume them."""
    if not unfinished:
        return
    err.print(
        f"[yellow]{len(unfinished)} article(s) not started[/]: the token budget of "
        f"{settings.max_tokens_total:,} is spent; run the same command again to resume:",
        soft_wrap=True,
    )
    for path in unfinished:
        err.print(f"  {escape(path)}", soft_wrap=True)


def _prepare_out_dir(out_dir: Path) -> None:
    """Refuse an output folder that is a file or cannot be created or written, before any call;
    remove temporaries that a killed run left there."""
    if out_dir.exists() and not out_dir.is_dir():
        raise fail(f"--out {out_dir} is not a folder")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".summarizer-probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise fail(f"--out {out_dir}: cannot write there: {exc.strerror or exc}") from None
    remove_stale_temporaries(out_dir)


def _report_failure(
    summary: RunSummary, id: str, kind: str, message: str, origin: str | None = None
) -> None:
    """One failed article: a line naming it on stderr (by its input, when the message does not
    already open with it, by its id), and a row in the closing table."""
    named = origin is not None and message.startswith(origin)
    line = display(redact(message if named else f"{id}: {message}"))
    err.print(f"[red]failed[/] {escape(line)}", soft_wrap=True)
    summary.add(id, f"[red]{kind}[/]", failed=True)


def _deliver(result: ArticleResult, out_dir: Path, fmt: str, summary: RunSummary) -> None:
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


def _emit(result: ArticleResult, fmt: str) -> None:
    if fmt == "jsonl":
        sys.stdout.write(to_jsonl(result))
    elif fmt == "md":
        sys.stdout.write(to_markdown(result) + "\n")
    sys.stdout.flush()


class RunSummary:
    """The closing table: a row per article (the first 50 and every failure) and totals."""

    MAX_ROWS = 50

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.count = self.failed = self.hidden = 0
        self.started = time.perf_counter()
        self.batch_tokens = self.batch_saved = 0.0

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
        if p.batch is not None:
            self.batch_tokens += p.usage.prompt_tokens + p.usage.completion_tokens
            self.batch_saved += (
                p.usage.prompt_tokens + p.usage.completion_tokens
            ) * p.batch.discount
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
        if self.batch_tokens:
            err.print(
                f"Batch API: {self.batch_tokens:,.0f} tokens at the batch price, which saves "
                f"the live price of {self.batch_saved:,.0f} tokens"
            )
