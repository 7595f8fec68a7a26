"""Input discovery: files, folders, stdin and JSON/JSONL record files, as loadable sources.

Formats: `.txt` and `.md` as text (Markdown syntax is reduced to plain text); `.html`/`.htm`
through trafilatura's main-text extraction; `.json` (one record or a list) and `.jsonl` (a
record per line) with `id` and `text` plus optional `title`, `url`, `published`; `-` reads
standard input. A source that cannot be read becomes one per-item error, never a crash.

Standard input, pipes (`<(cmd)`), FIFOs and devices are streams: read once, into memory,
bounded by `--max-chars` and by a wait for data (`STREAM_WAIT_SECONDS`), never before loading.
Names that are not UTF-8 are carried as `os.fsdecode` gives them (surrogate escapes) to open
the file, and shown with U+FFFD in ids, messages and results (`filenames.display`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import select
import stat
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from summarizer.article import Article, decode, from_text, read_bytes
from summarizer.boilerplate import Rules
from summarizer.errors import InputError
from summarizer.filenames import display

__all__ = [
    "ARTICLE_SUFFIXES",
    "STREAM_WAIT_SECONDS",
    "Source",
    "fingerprint",
    "iter_sources",
    "load_path",
    "load_source",
]

TEXT_SUFFIXES = (".txt", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
RECORD_SUFFIXES = (".json", ".jsonl")
ARTICLE_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + RECORD_SUFFIXES
STREAM_WAIT_SECONDS = 30.0
"""How long a stream may stay silent (a FIFO with no writer yet, a stalled pipe) before it is
that input's error."""

_MD_RULES = [
    (re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+", re.M), ""),  # headings
    (re.compile(r"!\[[^\]]*\]\([^)]*\)"), ""),  # images
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),  # links -> their text
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),  # bold
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),  # italics
    (re.compile(r"^[ \t]{0,3}>[ \t]?", re.M), ""),  # block quotes
    (re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$", re.M), ""),  # rules
]


@dataclass(frozen=True)
class Source:
    """One article to load: a file, a record inside a file, or standard input."""

    id: str
    origin: str
    path: Path | None = None
    record: dict[str, Any] | None = None
    error: InputError | None = field(default=None, compare=False)
    stream: bool = False
    """Standard input, a pipe, a FIFO or a device: it can be read only once."""


def _markdown_to_text(text: str) -> str:
    for pattern, replacement in _MD_RULES:
        text = pattern.sub(replacement, text)
    return text


def _html_to_text(data: bytes, origin: str) -> tuple[str, str | None]:
    import trafilatura  # imported lazily: it is slow to import and only HTML needs it

    html = decode(data, name=origin)
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not text or not text.strip():
        raise InputError(f"{origin}: no article text found in the HTML", path=origin)
    metadata = trafilatura.extract_metadata(html)
    title = metadata.title if metadata is not None else None
    return text, title


def _records(path: Path) -> Iterator[Source]:
    origin = display(str(path))
    try:
        data = decode(path.read_bytes(), name=origin)
    except OSError as exc:
        error = InputError(f"{origin}: cannot read: {exc.strerror or exc}", path=origin)
        yield Source(display(path.stem), origin, error=error)
        return
    except InputError as exc:
        yield Source(display(path.stem), origin, error=exc)
        return
    if path.suffix.lower() == ".jsonl":
        lines = [(n, line) for n, line in enumerate(data.splitlines(), 1) if line.strip()]
    else:
        lines = [(1, data)]
    for n, line in lines:
        where = f"{origin}:{n}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            error = InputError(f"{where}: invalid JSON: {exc}")
            yield Source(f"{display(path.stem)}:{n}", where, error=error)
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            item_where = where if len(items) == 1 else f"{where}[{i}]"
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                error = InputError(f"{item_where}: a record needs a string 'text' field")
                yield Source(f"{display(path.stem)}:{n}", item_where, error=error)
                continue
            record_id = display(str(item.get("id") or f"{path.stem}-{n}-{i}"))
            yield Source(record_id, item_where, path=path, record=item)


def iter_sources(paths: Iterable[Path | str]) -> Iterator[Source]:
    """Expand paths: folders recursively (sorted, article suffixes only), '-' for stdin.

    Ids are unique within a batch: a repeated id (same file stem in two folders) gets a
    suffix ("report~2"), so no output file overwrites another.
    """
    seen: dict[str, int] = {}
    for source in _iter_sources(paths):
        n = seen.get(source.id, 0) + 1
        seen[source.id] = n
        yield source if n == 1 else replace(source, id=f"{source.id}~{n}")


def _iter_sources(paths: Iterable[Path | str]) -> Iterator[Source]:
    for raw in paths:
        if str(raw) == "-":
            yield Source("stdin", "<stdin>", stream=True)
            continue
        path = Path(raw)
        try:
            mode = path.stat().st_mode
        except OSError:  # missing or unreadable: loading says why, for this item
            mode = stat.S_IFREG
        if stat.S_ISDIR(mode):
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() in ARTICLE_SUFFIXES:
                    yield from _expand(child)
        else:
            yield from _expand(path, stream=not stat.S_ISREG(mode))


def _expand(path: Path, *, stream: bool = False) -> Iterator[Source]:
    """The sources of one file; `stream`: a pipe, FIFO or device, read once when loaded."""
    if stream:
        yield Source(display(path.stem), display(str(path)), path=path, stream=True)
    elif path.suffix.lower() in RECORD_SUFFIXES:
        yield from _records(path)
    else:
        yield Source(display(path.stem), display(str(path)), path=path)


def read_stream(fd: int, *, origin: str, max_bytes: int) -> bytes:
    """Read a pipe, FIFO or device once, to its end: at most `max_bytes` (more is an error)
    and never silent for longer than `STREAM_WAIT_SECONDS` (a FIFO nobody writes to)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    chunks: list[bytes] = []
    size = 0
    while True:
        if not poller.poll(STREAM_WAIT_SECONDS * 1000):
            raise InputError(
                f"{origin}: no data for {STREAM_WAIT_SECONDS:.0f} s (a pipe or FIFO nobody "
                "writes to?)",
                path=origin,
            )
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            continue
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"{origin}: longer than the --max-chars limit", path=origin)
        chunks.append(chunk)


def _read_source_stream(source: Source, max_chars: int) -> bytes:
    """The bytes of a stream source, read once; standard input when it has no path."""
    max_bytes = 4 * max_chars + 4  # UTF-8 needs at most 4 bytes a character
    if source.path is None:
        try:
            fd = sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):  # replaced by an in-memory stream
            data: bytes = sys.stdin.buffer.read(max_bytes + 1)
            if len(data) > max_bytes:
                raise InputError(f"{source.origin}: longer than the --max-chars limit") from None
            return data
        return read_stream(fd, origin=source.origin, max_bytes=max_bytes)
    try:
        fd = os.open(source.path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        message = f"{source.origin}: cannot read: {exc.strerror}"
        raise InputError(message, path=source.origin) from None
    try:
        return read_stream(fd, origin=source.origin, max_bytes=max_bytes)
    finally:
        os.close(fd)


def load_source(source: Source, *, max_chars: int, rules: Rules) -> Article:
    """Read, extract and clean one source; raises `InputError` with the source named."""
    if source.error is not None:
        raise source.error
    if source.record is not None:
        return from_text(
            _record_text(source.record),
            id=source.id,
            source_path=source.origin,
            max_chars=max_chars,
            rules=rules,
        )
    if source.stream:
        data = _read_source_stream(source, max_chars)
        suffix = source.path.suffix.lower() if source.path is not None else ""
    else:
        assert source.path is not None
        data = read_bytes(source.path, name=source.origin)
        suffix = source.path.suffix.lower()
    if suffix in HTML_SUFFIXES:
        text, title = _html_to_text(data, source.origin)
        if title and not text.lstrip().startswith(title):
            text = f"{title}\n\n{text}"
    else:
        text = decode(data, name=source.origin)
        if suffix in (".md", ".markdown"):
            text = _markdown_to_text(text)
    return from_text(
        text, id=source.id, source_path=source.origin, raw=data, max_chars=max_chars, rules=rules
    )


def _record_text(record: dict[str, Any]) -> str:
    """A record's article text: its title (when the text does not open with it), then text."""
    title = record.get("title") if isinstance(record.get("title"), str) else None
    text: str = record["text"]
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
    return text


def fingerprint(source: Source, sha256: str | None = None) -> str | None:
    """How the source is read plus the SHA-256 of its raw input (`Article.sha256`, read from
    the input when not given), without parsing it; None for standard input, a bad record, or
    an unreadable file."""
    if source.error is not None or source.stream:
        return None
    if source.record is not None:
        kind = "record"
        data = _record_text(source.record).encode("utf-8") if sha256 is None else b""
    elif source.path is not None:
        kind = source.path.suffix.lower()
        try:
            data = source.path.read_bytes() if sha256 is None else b""
        except OSError:
            return None
    else:
        return None
    return f"{kind}:{sha256 or hashlib.sha256(data).hexdigest()}"


def load_path(path: Path, *, max_chars: int, rules: Rules) -> Article:
    """Load one article file of any single-article format (.txt, .md, .html)."""
    source = next(_iter_sources([path]))
    return load_source(source, max_chars=max_chars, rules=rules)
