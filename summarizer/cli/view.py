"""The `view` command: write one self-contained HTML file to read a run's results in a browser."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from summarizer.boilerplate import load_rules
from summarizer.cli.root import (
    EXIT_ITEM_FAILED,
    EXIT_OK,
    RulesOpt,
    app,
    err,
    fail,
    out,
    progress_bar,
    settings_from_options,
)
from summarizer.errors import SummarizerError
from summarizer.render import write_atomic
from summarizer.view import load_folder, load_sources, view_html

__all__ = ["view"]


@app.command(
    epilog=(
        "Examples:\n\n  summarizer view out/   (writes out/results.html)\n\n"
        "  summarizer view out/ -o results.html --rules my-rules.toml"
    )
)
def view(
    out_dir: Annotated[
        Path, typer.Argument(help="A run's results folder (its --out).", show_default=False)
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="HTML file \\[default: OUT_DIR/results.html]."),
    ] = None,
    digest_path: Annotated[
        Path | None,
        typer.Option("--digest", help="Digest file \\[default: OUT_DIR/digest.json, if there]."),
    ] = None,
    rules: RulesOpt = None,
) -> None:
    """Write one static HTML file to read a run's results and its digest.

    Sources with highlighted quotes, translations side by side, removed
    boilerplate, rejected claims; each article is read again from its source
    file (no model), and one that is missing or changed gets a notice instead.
    Exit code 0; 1 when a result file could not be read (the page lists it);
    2 when OUT_DIR does not exist or holds no results.
    """
    if not out_dir.is_dir():
        raise fail(f"not a folder: {out_dir}" if out_dir.exists() else f"no such folder: {out_dir}")
    settings = settings_from_options(rules_file=rules)
    try:
        extra = load_rules(*([settings.rules_file] if settings.rules_file else []))
    except SummarizerError as exc:
        raise fail(str(exc)) from None
    results, digest, errors = load_folder(out_dir, digest_path=digest_path)
    if not results:
        for e in errors:
            err.print(f"[red]unreadable[/] {escape(e.path)}: {escape(e.message)}", soft_wrap=True)
        raise fail(f"no result files (<id>.json) in {out_dir}")
    with progress_bar() as progress:
        bar = progress.add_task("reading sources", total=len(results))
        sources = load_sources(results, rules=extra, on_article=lambda _: progress.advance(bar))
    target = output or out_dir / "results.html"
    try:
        write_atomic(target, view_html(results, digest, errors, sources))
    except OSError as exc:
        raise fail(f"cannot write {target}: {exc.strerror or exc}") from None
    missing = sum(1 for s in sources.values() if s.text is None)
    err.print(
        f"view: {len(results)} result(s), {missing} without their source text"
        + (f", a digest of {len(digest.events)} event(s)" if digest is not None else "")
        + f" → {escape(str(target))}",
        soft_wrap=True,
    )
    for e in errors:
        err.print(f"[red]left out[/] {escape(e.path)}: {escape(e.error)}: {escape(e.message)}")
    out.print(escape(str(target)))
    raise typer.Exit(EXIT_ITEM_FAILED if errors else EXIT_OK)
