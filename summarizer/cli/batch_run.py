"""`run --batch`: its options, and its items for the `run` command (a Batch API job)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from summarizer.batch import Item
from summarizer.batchjob import BatchJob
from summarizer.cli.root import err, fail
from summarizer.errors import SummarizerError
from summarizer.settings import Settings

__all__ = ["BatchOpt", "LayoutOpt", "PollOpt", "WaitOpt", "batch_items", "job_items"]

BatchOpt = Annotated[
    bool,
    typer.Option(
        "--batch",
        help="Through the endpoint's Batch API (/v1/files, /v1/batches: OpenAI, vLLM): at "
        "half the price, within 24 h a round; answers validated here, failures re-asked in "
        "the next round. See `summarizer batch`.",
    ),
]
PollOpt = Annotated[
    float,
    typer.Option("--poll", min=0, help="With --batch: seconds between status checks."),
]
LayoutOpt = Annotated[
    str | None,
    typer.Option(
        "--layout",
        help="conversation: each paragraph translated after the ones before it (default); "
        "paragraphs: each in its own request, all at once (the layout of --batch, whose "
        "cached answers a live run with it reuses).",
    ),
]
WaitOpt = Annotated[
    bool,
    typer.Option(
        "--wait/--no-wait",
        help="With --batch: wait for the job's end, or return once a batch is sent "
        "(`summarizer batch resume JOB` goes on).",
    ),
]


def batch_items(
    settings: Settings, paths: list[Path], out_dir: Path, *, poll: float, wait: bool
) -> Iterator[Item]:
    """The run's items from a new Batch API job; a job that cannot start or go on exits 2
    (its state is kept: `summarizer batch resume JOB`)."""
    try:
        job = BatchJob.start(paths, settings, out_dir=out_dir)
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    err.print(f"batch job [bold]{job.state.id}[/] started", soft_wrap=True)
    yield from job_items(job, poll=poll, wait=wait)


def job_items(job: BatchJob, *, poll: float, wait: bool) -> Iterator[Item]:
    """A job's items to its end (or, without `wait`, until a batch is in flight)."""
    try:
        yield from job.items(poll_interval=poll, wait=wait)
    except SummarizerError as exc:
        raise fail(f"batch job {job.state.id}: {exc}; resume it later") from None
    state = job.state
    if state.status == "running" and state.in_flight is not None:
        err.print(
            f"batch job [bold]{state.id}[/]: round {state.in_flight.number} sent "
            f"({state.in_flight.requests} requests); collect it with "
            f"[bold]summarizer batch resume {state.id}[/]",
            soft_wrap=True,
        )
    elif state.status == "failed":
        err.print(f"[red]batch job {state.id} failed[/]: {escape(state.error or '')}")
