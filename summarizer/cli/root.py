"""The root typer app and what every command shares: options, consoles, exit codes, settings.

Data goes to stdout (`out`), progress and logs to stderr (`err`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from summarizer import __version__
from summarizer.errors import ConfigError
from summarizer.filenames import display
from summarizer.redaction import redact
from summarizer.settings import Settings

__all__ = [
    "EXIT_INTERRUPTED",
    "EXIT_ITEM_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "BaseUrlOpt",
    "CacheDirOpt",
    "ModelOpt",
    "ReplayOpt",
    "RulesOpt",
    "VerboseOpt",
    "app",
    "err",
    "fail",
    "out",
    "progress_bar",
    "settings_from_options",
    "setup_logging",
]

EXIT_OK, EXIT_ITEM_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    name="summarizer",
    help="Summarize, translate and extract grounded claims from news articles.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)

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
ReplayOpt = Annotated[
    bool,
    typer.Option("--replay", help="Serve every call from the cache; never call a model."),
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


def setup_logging(verbose: bool) -> None:
    """Rich logging to stderr: details with --verbose, warnings only otherwise."""
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


def settings_from_options(**overrides: Any) -> Settings:
    """`Settings.from_env` with the options given on the command line winning; a bad value
    exits with the usage code."""
    try:
        return Settings.from_env(**overrides)
    except ConfigError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(EXIT_USAGE) from None


def fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    """Print a (redacted) error on stderr and return the exit to raise."""
    err.print(f"[red]error:[/] {escape(display(redact(message)))}", soft_wrap=True)
    return typer.Exit(code)


def progress_bar() -> Progress:
    """A transient progress bar on stderr."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
