"""The `clean` command: print the cleaned text the model would see, without any model."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from summarizer.boilerplate import load_rules
from summarizer.cli.root import EXIT_ITEM_FAILED, RulesOpt, app, err, fail, settings_from_options
from summarizer.errors import SummarizerError
from summarizer.sources import load_path

__all__ = ["clean"]


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
    settings = settings_from_options(rules_file=rules)
    extra = [settings.rules_file] if settings.rules_file else []
    try:
        article = load_path(path, max_chars=settings.max_chars, rules=load_rules(*extra))
    except SummarizerError as exc:
        raise fail(str(exc), EXIT_ITEM_FAILED) from None
    sys.stdout.write(article.text + "\n")
    if show_removed:
        raw = article.source_text  # what the removed spans' offsets index
        table = Table(title=f"{len(article.removed)} span(s) removed", title_justify="left")
        for column in ("start", "end", "reason", "text"):
            table.add_column(column)
        for span in article.removed:
            snippet = " ".join(raw[span.start : span.end].split())
            table.add_row(str(span.start), str(span.end), span.reason, escape(snippet[:70]))
        err.print(table)
        if article.agency_tags:
            err.print(f"agency tags kept: {escape(', '.join(article.agency_tags))}")
