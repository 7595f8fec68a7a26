"""The `cache` command group: inspect or empty the LLM result cache."""

from __future__ import annotations

import typer
from rich.markup import escape

from summarizer.cache import ResultCache
from summarizer.cli.root import (
    EXIT_ITEM_FAILED,
    CacheDirOpt,
    app,
    fail,
    out,
    settings_from_options,
)

__all__ = ["cache_app", "cache_clear", "cache_info"]

cache_app = typer.Typer(help="Inspect or empty the LLM result cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info(cache_dir: CacheDirOpt = None) -> None:
    """Show the cache's location, entries, size on disk and lifetime hits."""
    settings = settings_from_options(cache_dir=cache_dir)
    cache = ResultCache(settings.llm_cache_dir)
    stats = cache.stats()
    cache.close()
    out.print(f"directory: {escape(str(stats.directory))}")
    out.print(f"entries:   {stats.entries}")
    out.print(f"size:      {stats.size_bytes / 1e6:.2f} MB")
    out.print(f"hits:      {stats.hits}")
    out.print(f"misses:    {stats.misses}")


@cache_app.command("clear")
def cache_clear(cache_dir: CacheDirOpt = None) -> None:
    """Delete every cached LLM result (assembled models are kept)."""
    settings = settings_from_options(cache_dir=cache_dir)
    cache = ResultCache(settings.llm_cache_dir)
    if not cache.enabled:
        raise fail(f"cannot open the cache in {settings.llm_cache_dir}", EXIT_ITEM_FAILED)
    removed = cache.clear()
    cache.close()
    out.print(f"removed {removed} entries from {escape(str(settings.llm_cache_dir))}")
