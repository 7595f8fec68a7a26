"""What the viewer reads: a results folder, its digest, and each result's article reloaded and
checked against the result (by file, no model)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from summarizer.boilerplate import Rules, load_rules
from summarizer.digest.loading import load_results
from summarizer.digest.model import DIGEST_FORMAT, Digest, DigestFileError
from summarizer.errors import SummarizerError
from summarizer.schema import ArticleResult
from summarizer.sources import Source, iter_sources, load_source

__all__ = [
    "VIEW_MAX_CHARS",
    "SourceText",
    "load_folder",
    "load_sources",
    "mismatched_quotes",
    "read_digest",
]

VIEW_MAX_CHARS = 10_000_000
"""Longest article the viewer reloads: viewing spends no model budget, so the run's own
`--max-chars` (already checked when it ran) need not be repeated; this only bounds memory."""

_NOT_SHOWN = "the source text is not shown and quotes are not highlighted."
_RECORD_ORIGIN = re.compile(r"(?P<file>.+\.jsonl?):\d+(?:\[\d+\])?", re.IGNORECASE)


@dataclass(frozen=True)
class SourceText:
    """An article as reloaded for viewing: the cleaned text that claim offsets index and the raw
    text that removed spans index, or (`text` None) a notice saying why it cannot be shown."""

    text: str | None = None
    raw: str | None = None
    notice: str | None = None


def mismatched_quotes(result: ArticleResult, text: str) -> list[int]:
    """The claims (numbered from 1) whose quote is not `text[start:end]`."""
    return [i for i, c in enumerate(result.claims, 1) if text[c.start : c.end] != c.quote]


def _source(where: str, records: dict[Path, dict[str, Source]]) -> Source | str:
    """The source that `where` (a result's `source_path`) names, or why it cannot be read."""
    path = Path(where)
    try:
        match = _RECORD_ORIGIN.fullmatch(where)
        if match is not None and not path.exists():  # "file.jsonl:3": a record in a file
            file = Path(match["file"])
            if not file.is_file():
                return f"no such file: {file}"
            if file not in records:
                records[file] = {s.origin: s for s in iter_sources([file]) if s.error is None}
            return records[file].get(where) or f"{file} no longer holds that record"
        if not path.exists():
            return "no such file"
        if not path.is_file():  # a folder, a pipe or a device: nothing to read again
            return "not a regular file"
        if path.stat().st_size > 4 * VIEW_MAX_CHARS + 4:
            return "too large"
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        return f"cannot read it: {exc}"
    return next(iter_sources([path]))


def _reload(
    result: ArticleResult, rules: Rules, records: dict[Path, dict[str, Source]]
) -> SourceText:
    where = result.source_path
    if where is None:
        return SourceText(notice=f"The result names no source file: {_NOT_SHOWN}")
    source = _source(where, records)
    if isinstance(source, str):
        return SourceText(notice=f"The source {where} cannot be read ({source}): {_NOT_SHOWN}")
    try:
        article = load_source(source, max_chars=VIEW_MAX_CHARS, rules=rules)
    except SummarizerError as exc:
        return SourceText(notice=f"The source cannot be loaded again ({exc}): {_NOT_SHOWN}")
    if article.sha256 != result.sha256:
        return SourceText(
            notice=f"The source {where} has changed since the run (its SHA-256 differs): "
            + _NOT_SHOWN
        )
    if mismatched_quotes(result, article.text) or list(article.removed) != result.removed:
        return SourceText(
            notice=f"The source {where} is unchanged, but it is cleaned differently now "
            f"(boilerplate rules or preprocessing: {article.preprocessing} now, "
            f"{result.provenance.preprocessing_version} in the run; pass the run's --rules): "
            + _NOT_SHOWN
        )
    return SourceText(text=article.text, raw=article.source_text)


def load_sources(
    results: Iterable[ArticleResult],
    *,
    rules: Rules | None = None,
    on_article: Callable[[ArticleResult], None] | None = None,
) -> dict[str, SourceText]:
    """Each result's article by id, read again from its `source_path` and cleaned with `rules`
    (default: the bundled ones), as the run read it; no model is started. A source that is
    missing, changed, or cleaned differently now becomes a `SourceText` with only a notice."""
    rules = rules or load_rules()
    records: dict[Path, dict[str, Source]] = {}  # record files, each read once
    loaded: dict[str, SourceText] = {}
    for result in results:
        loaded[result.id] = _reload(result, rules, records)
        if on_article is not None:
            on_article(result)
    return loaded


def read_digest(path: Path) -> Digest | DigestFileError:
    """The digest in `path`, or why it cannot be used."""

    def error(kind: str, message: str) -> DigestFileError:
        return DigestFileError(path=str(path), error=kind, message=message)

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return error("MissingFile", "no such file")
    except (OSError, UnicodeDecodeError) as exc:
        return error("UnreadableFile", f"cannot read it: {exc}")
    except json.JSONDecodeError as exc:
        return error("CorruptFile", f"not JSON: {exc}")
    if not isinstance(data, dict) or data.get("format") != DIGEST_FORMAT:
        return error("NotADigest", f"not a digest (format {DIGEST_FORMAT!r} expected)")
    try:
        return Digest.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        return error("NotADigest", f"not a digest of this version: {where}: {first['msg']}")


def load_folder(
    folder: Path, *, digest_path: Path | None = None
) -> tuple[list[ArticleResult], Digest | None, list[DigestFileError]]:
    """A run's results folder: its results, its digest (`digest_path`, default the folder's
    digest.json when there is one) and an error for each file that cannot be used."""
    results, errors = load_results([folder])
    path = digest_path or folder / "digest.json"
    digest: Digest | None = None
    if digest_path is not None or path.is_file():
        read = read_digest(path)
        if isinstance(read, Digest):
            digest = read
        else:
            errors.append(read)
    return results, digest, errors
