"""The command line: a thin typer layer over the library; errors become exit codes here only.

Data goes to stdout, progress and logs to stderr. Every option can also be set through a
`SUMMARIZER_*` environment variable (`--model` -> `SUMMARIZER_MODEL`), read by
`Settings.from_env()`; options given on the command line win. `root` holds the app and what
the commands share; each command module registers its commands on import.
"""

from __future__ import annotations

# The order of these imports is the order of the commands in `summarizer --help`.
# isort: off
from summarizer.cli import run, batch, digest, view, clean, serve, cache, eval  # noqa: F401

# isort: on
from summarizer.cli.root import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
