"""`run --engine ray`: its options checked, its items for the `run` command, `--dataset`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from summarizer.batch import Item
from summarizer.cli.root import EXIT_ITEM_FAILED, EXIT_OK, err, fail
from summarizer.errors import SummarizerError
from summarizer.settings import Settings
from summarizer.summarizer import Summarizer

__all__ = [
    "DatasetOpt",
    "EngineOpt",
    "RayActorsOpt",
    "RayAddressOpt",
    "RayOptions",
    "ray_items",
    "ray_options",
    "write_dataset",
]

ENGINES = ("local", "ray")

EngineOpt = Annotated[
    str,
    typer.Option(
        "--engine",
        help="local: this machine's processes; ray: a Ray cluster, --concurrency per actor "
        "(pip install 'summarizer[ray]').",
    ),
]
RayAddressOpt = Annotated[
    str | None,
    typer.Option(
        "--ray-address",
        help="With --engine ray: auto (the cluster `ray start` made on this node; with "
        "`ray job submit`, any cluster's); default: RAY_ADDRESS, else a local Ray. ray:// "
        "is refused: Ray Data cannot run through Ray Client.",
    ),
]
RayActorsOpt = Annotated[
    int | None,
    typer.Option(
        "--ray-actors",
        min=1,
        help="With --engine ray: actors, each with its own client, cache and --concurrency "
        "(default: one per CPU of the cluster).",
    ),
]
DatasetOpt = Annotated[
    str | None,
    typer.Option(
        "--dataset",
        help="With --engine ray: write a JSONL or Parquet dataset at this folder or URI "
        "(name ending .jsonl or .parquet, on storage every node can reach) instead of --out.",
    ),
]


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a `--engine ray` run goes."""

    address: str | None
    actors: int | None
    dataset: str | None


def ray_options(
    engine: str, address: str | None, actors: int | None, dataset: str | None
) -> RayOptions | None:
    """The Ray options of a run (None for the local engine); exits 2 on options that do not go
    together, or if Ray is not installed."""
    if engine not in ENGINES:
        raise fail(f"--engine must be one of {', '.join(ENGINES)}")
    if engine == "local":
        given = [n for n, v in (("--ray-address", address), ("--ray-actors", actors)) if v]
        if dataset is not None:
            given.append("--dataset")
        if given:
            raise fail(f"{', '.join(given)}: only with --engine ray")
        return None
    from summarizer.engines import require_ray

    try:
        require_ray(address)
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    return RayOptions(address, actors, dataset)


def ray_items(summarizer: Summarizer, paths: list[Path], ray: RayOptions) -> Iterator[Item]:
    """The run's items from the Ray engine; a job that cannot run, or an auth or quota error
    that stopped it, exits 2 (the articles finished so far are in the cache)."""
    try:
        yield from summarizer.summarize_dataset(paths, address=ray.address, actors=ray.actors)
    except SummarizerError as exc:
        raise fail(str(exc)) from None


def write_dataset(paths: list[Path], settings: Settings, ray: RayOptions) -> int:
    """`--dataset`: write the results there; print what was written; the exit code."""
    from summarizer.engines import RayEngine

    assert ray.dataset is not None
    missing = [p for p in paths if str(p) != "-" and not p.exists()]
    if missing:
        raise fail(f"no such file or folder: {', '.join(map(str, missing))}")
    try:
        engine = RayEngine(settings, address=ray.address, actors=ray.actors)
        try:
            report = engine.write(paths, ray.dataset)
        finally:
            engine.close()
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    counts = ", ".join(f"{n} {status}" for status, n in sorted(report.outcomes.items()))
    err.print(
        f"{sum(report.outcomes.values())} row(s) written to {escape(report.destination)}"
        f"{f' ({counts})' if counts else ''}; {report.skipped} input(s) already there as ok",
        soft_wrap=True,
    )
    return EXIT_ITEM_FAILED if report.failed else EXIT_OK
