"""`summarizer batch list|status|resume|cancel`: Batch API jobs, after a crash or another day."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from summarizer.batchjob import BatchJob, JobState
from summarizer.cli.batch_run import PollOpt, WaitOpt, job_items
from summarizer.cli.root import (
    EXIT_ITEM_FAILED,
    EXIT_OK,
    CacheDirOpt,
    app,
    err,
    fail,
    settings_from_options,
)
from summarizer.cli.run import deliver_all
from summarizer.errors import SummarizerError
from summarizer.render import FORMATS
from summarizer.settings import Settings

__all__ = ["batch_app"]

batch_app = typer.Typer(
    help="Batch API jobs started by `summarizer run --batch`: see, resume or cancel them.",
    no_args_is_help=True,
)
app.add_typer(batch_app, name="batch")

JobArg = Annotated[str, typer.Argument(help="The job id `run --batch` printed.")]


def _open(job: str, cache_dir: Path | None) -> BatchJob:
    settings = settings_from_options(cache_dir=cache_dir)
    try:
        return BatchJob.open(job, settings)
    except SummarizerError as exc:
        raise fail(str(exc)) from None


@batch_app.command("list")
def list_jobs(cache_dir: CacheDirOpt = None) -> None:
    """The jobs in the cache folder, newest first: id, status, rounds, articles (JSON lines)."""
    settings: Settings = settings_from_options(cache_dir=cache_dir)
    folder = settings.cache_dir / "batches"
    states = []
    for path in sorted(folder.glob("*/state.json")) if folder.exists() else []:
        with contextlib.suppress(SummarizerError):
            states.append(JobState.load(path.parent))
    for state in sorted(states, key=lambda s: s.created_at, reverse=True):
        line = {
            "job": state.id,
            "status": state.status,
            "rounds": len(state.rounds),
            "finished": len(state.finished),
        }
        sys.stdout.write(json.dumps(line) + "\n")


@batch_app.command()
def status(job: JobArg, cache_dir: CacheDirOpt = None) -> None:
    """The job as JSON on stdout: its batch in flight checked (and read, if it has ended)."""
    try:
        report = _open(job, cache_dir).control("status")
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    sys.stdout.write(json.dumps(report, indent=1) + "\n")


@batch_app.command()
def cancel(job: JobArg, cache_dir: CacheDirOpt = None) -> None:
    """Cancel the job's batch in flight; `batch resume` goes on with it later."""
    try:
        report = _open(job, cache_dir).control("cancel")
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    rounds = report["rounds"]
    batch_status = rounds[-1]["status"] if rounds else "none sent"
    err.print(f"batch job {escape(job)} cancelled (its last batch: {batch_status})")


@batch_app.command()
def resume(
    job: JobArg,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="Also print results as jsonl or md.")
    ] = "json",
    poll: PollOpt = 60.0,
    wait: WaitOpt = True,
    cache_dir: CacheDirOpt = None,
) -> None:
    """Go on with a job (a crashed, cancelled or waiting one): results to its --out folder."""
    if fmt not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    opened = _open(job, cache_dir)
    out_dir = Path(opened.state.out_dir or "out")
    out_dir.mkdir(parents=True, exist_ok=True)
    total = max(len(opened.state.inputs), 1)
    items = job_items(opened, poll=poll, wait=wait)
    summary, _ = deliver_all(contextlib.nullcontext(), items, total, out_dir, fmt)
    summary.print(out_dir)
    raise typer.Exit(EXIT_ITEM_FAILED if summary.failed else EXIT_OK)
