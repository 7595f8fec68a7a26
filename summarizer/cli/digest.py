"""The `digest` command: group a finished run's results into events, with merged claims and
the details on which reports of one event disagree."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    settings_from_options,
    setup_logging,
)
from summarizer.digest import Digest, load_results
from summarizer.digest.render import digest_markdown
from summarizer.errors import AuthError, QuotaError, SummarizerError
from summarizer.render import write_atomic
from summarizer.summarizer import Summarizer
from summarizer.view import load_sources, view_html

__all__ = ["digest", "write_digest"]

DIGEST_FORMATS = ("md", "html", "json")

ResultsArg = Annotated[
    Path, typer.Argument(help="Folder of <id>.json results (a run's --out).", show_default=False)
]
DigestOutOpt = Annotated[
    Path | None,
    typer.Option(
        "--out", "-o", help="Folder for digest.json and digest.md [default: the results folder]."
    ),
]
DigestFormatOpt = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="Rendering next to digest.json: md, html (the results viewer), json."
    ),
]


def write_digest(summarizer: Summarizer, results_dir: Path, dest: Path, fmt: str) -> Digest:
    """Digest the results in `results_dir`; write `dest`/digest.json (and digest.md)."""
    results, errors = load_results([results_dir])
    if not results:
        raise fail(f"no result files (<id>.json) in {results_dir}")
    digest = summarizer.digest(results, errors)
    dest.mkdir(parents=True, exist_ok=True)
    write_atomic(dest / "digest.json", digest.model_dump_json(indent=2) + "\n")
    if fmt == "md":
        write_atomic(dest / "digest.md", digest_markdown(digest) + "\n")
    elif fmt == "html":  # the viewer opens on the digest's events, with every article behind
        page = view_html(results, digest, digest.errors, load_sources(results))
        write_atomic(dest / "digest.html", page)
    multi = sum(1 for e in digest.events if len(e.articles) > 1)
    discrepancies = sum(len(e.discrepancies) for e in digest.events)
    err.print(
        f"digest: {len(digest.events)} event(s) from {len(results)} result(s), {multi} with "
        f"several reports, {discrepancies} discrepancy(ies), {len(digest.links)} link(s); "
        f"{digest.calls} model call(s), {digest.cached_calls} cached → {dest}/digest.json"
    )
    for e in digest.errors:
        err.print(f"[red]left out[/] {e.path}: {e.error}: {e.message}", soft_wrap=True)
    return digest


@app.command(
    epilog=(
        "Examples:\n\n"
        "  summarizer digest out/\n\n"
        "  summarizer digest out/ -o digests/   (digest.json and digest.md there)\n\n"
        "  summarizer run articles/ --out out/ --digest"
    )
)
def digest(
    results_dir: ResultsArg,
    out_dir: DigestOutOpt = None,
    fmt: DigestFormatOpt = "md",
    model: ModelOpt = None,
    base_url: BaseUrlOpt = None,
    replay: ReplayOpt = False,
    cache_dir: CacheDirOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Group a run's results into events: merged claims, and where the reports disagree.

    Writes [bold]digest.json[/] (and digest.md) into the results folder or --out. Exit code 0
    when every result file was used, 1 when a file was left out (the digest is still written),
    2 for bad options.
    """
    setup_logging(verbose)
    if fmt not in DIGEST_FORMATS:
        raise fail(f"--format must be one of {', '.join(DIGEST_FORMATS)}")
    if not results_dir.is_dir():
        raise fail(f"no such folder: {results_dir}")
    settings = settings_from_options(
        model=model, base_url=base_url, replay=True if replay else None, cache_dir=cache_dir
    )
    try:
        with Summarizer(settings) as summarizer:
            made = write_digest(summarizer, results_dir, out_dir or results_dir, fmt)
    except (AuthError, QuotaError) as exc:
        raise fail(str(exc)) from None
    except SummarizerError as exc:
        raise fail(f"digest failed: {exc}", EXIT_ITEM_FAILED) from None
    raise typer.Exit(EXIT_ITEM_FAILED if made.errors else EXIT_OK)
