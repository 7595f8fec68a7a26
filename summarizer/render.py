"""Rendering results: JSON files (atomic), JSONL lines and Markdown."""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path
from typing import Any

from summarizer.filenames import safe_path
from summarizer.schema import ArticleResult

__all__ = [
    "FORMATS",
    "RUN_ONLY_FIELDS",
    "remove_stale_temporaries",
    "to_json",
    "to_jsonl",
    "to_markdown",
    "write_atomic",
    "write_result",
]

FORMATS = ("json", "jsonl", "md")


def to_json(result: ArticleResult) -> str:
    """Pretty JSON, as written to `<out>/<id>.json`."""
    return result.model_dump_json(indent=2) + "\n"


def to_jsonl(result: ArticleResult) -> str:
    """One line of JSON."""
    return result.model_dump_json() + "\n"


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(result: ArticleResult) -> str:
    """A readable report: summary, key points, claims table, entities and translation."""
    lines = [f"# {result.title_en}", ""]
    if result.title_original:
        lines += [f"*Original title:* {result.title_original}", ""]
    lines += [f"*Source:* `{result.source_path or result.id}` · *language:* {result.language}", ""]
    lines += ["## Summary", "", result.summary_en, "", "## Key points", ""]
    lines += [f"- {point}" for point in result.key_points_en]
    lines += ["", "## Claims", ""]
    if result.claims:
        lines += ["| # | Claim | Speaker | Kind | Quote |", "|---|---|---|---|---|"]
        for i, c in enumerate(result.claims, 1):
            lines.append(
                f"| {i} | {_md_escape(c.text_en)} | {_md_escape(c.speaker)} | {c.kind} "
                f"| „{_md_escape(c.quote)}“ ({c.start}–{c.end}) |"
            )
    else:
        lines.append("*No grounded claims.*")
    if result.rejected_claims:
        lines += ["", f"*{len(result.rejected_claims)} claim(s) rejected as ungrounded.*"]
    lines += ["", "## Entities", ""]
    lines += [f"- {e.name} ({e.type})" for e in result.entities] or ["*None.*"]
    lines += ["", "## Translation", "", result.translation_en, ""]
    p = result.provenance
    lines += [
        "---",
        f"*{p.model} via {p.endpoint_host} · {p.usage.prompt_tokens} prompt + "
        f"{p.usage.completion_tokens} completion tokens · {p.seconds:.1f} s · "
        f"summarizer {p.summarizer_version}*",
        "",
    ]
    return "\n".join(lines)


_TEMPORARY = re.compile(r"^\..+\.[0-9a-f]{32}\.tmp$")
STALE_SECONDS = 300.0
"""A temporary file this old was left by a killed writer (a write takes milliseconds)."""


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so that readers see the old file or the whole new one, never part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique sibling name, created with the usual umask-governed mode (mkstemp would make
    # every result 0600), then renamed over the target.
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex}.tmp"
    try:
        with open(tmp, "x", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


RUN_ONLY_FIELDS = frozenset({"cache", "attempts", "usage", "saved_usage", "seconds", "batch"})
"""Provenance fields that describe one run (a rerun served from the cache changes only
these), not the result."""


def _same_result(path: Path, result: ArticleResult) -> bool:
    """Whether `path` already holds `result`, apart from the run-only provenance fields."""
    try:
        stored = ArticleResult.model_validate_json(path.read_bytes())
    except (OSError, ValueError):
        return False
    exclude: Any = {"provenance": set(RUN_ONLY_FIELDS)}
    return stored.model_dump(exclude=exclude) == result.model_dump(exclude=exclude)


def write_result(out_dir: Path, result: ArticleResult, *, markdown: bool = False) -> Path:
    """Write `<out>/<name>.json` (and `<name>.md` if asked), where `<name>` is the id made a
    safe file name (`summarizer.filenames`); returns the JSON path. A file that already holds
    the same result (a rerun served from the cache) is left as the run that computed it wrote
    it. Raises `OSError` or `ValueError` when a file cannot be written."""
    path = safe_path(out_dir, result.id, ".json")
    md = safe_path(out_dir, result.id, ".md") if markdown else None
    if _same_result(path, result) and (md is None or md.is_file()):
        return path
    write_atomic(path, to_json(result))
    if md is not None:
        write_atomic(md, to_markdown(result))
    return path


def remove_stale_temporaries(out_dir: Path, *, older_than: float = STALE_SECONDS) -> int:
    """Delete `write_atomic` temporaries that a killed run left in `out_dir`; returns how many.
    Recent ones may belong to another run writing there now, so they are kept."""
    removed = 0
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(out_dir))
    except OSError:
        return 0
    for entry in entries:
        try:
            if _TEMPORARY.match(entry.name) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue
    return removed
