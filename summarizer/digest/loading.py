"""Reading a finished run's result files for a digest: each file that cannot be used becomes
its own error (missing, not JSON, not a result, another schema version); the rest are read."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError

from summarizer.digest.model import DIGEST_FORMAT, DigestFileError
from summarizer.schema import ArticleResult, schema_hash

__all__ = ["load_results", "result_files"]


def result_files(paths: Iterable[Path]) -> list[Path]:
    """The result files named: each file as given, each folder's `*.json` (sorted)."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return files


def _error(path: Path, error: str, message: str) -> DigestFileError:
    return DigestFileError(path=str(path), error=error, message=message)


def _read(path: Path) -> ArticleResult | DigestFileError | None:
    """A file's result, its error, or None for a file that is a digest, not a result."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return _error(path, "MissingFile", "no such file")
    except (OSError, UnicodeDecodeError) as exc:
        return _error(path, "UnreadableFile", f"cannot read it: {exc}")
    except json.JSONDecodeError as exc:
        return _error(path, "CorruptFile", f"not JSON: {exc}")
    if isinstance(data, dict) and data.get("format") == DIGEST_FORMAT:
        return None
    try:
        return ArticleResult.model_validate(data)
    except ValidationError as exc:
        written = data.get("provenance", {}) if isinstance(data, dict) else {}
        other = written.get("schema_hash") if isinstance(written, dict) else None
        if isinstance(other, str) and other != schema_hash():
            version = written.get("summarizer_version", "?")
            return _error(
                path,
                "OldSchema",
                f"written by summarizer {version} with result schema {other}; this version "
                f"reads schema {schema_hash()}: summarize the article again",
            )
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top)"
        return _error(path, "NotAResult", f"not a result file: {where}: {first['msg']}")


def load_results(paths: Iterable[Path]) -> tuple[list[ArticleResult], list[DigestFileError]]:
    """The results in `paths` (files or folders), and an error for each file left out. Two
    files with one article id: the first is kept, the second is an error."""
    results: dict[str, ArticleResult] = {}
    errors: list[DigestFileError] = []
    for path in result_files(paths):
        read = _read(path)
        if isinstance(read, DigestFileError):
            errors.append(read)
        elif read is not None and read.id in results:
            errors.append(_error(path, "DuplicateId", f"article {read.id!r} is in another file"))
        elif read is not None:
            results[read.id] = read
    return list(results.values()), errors
