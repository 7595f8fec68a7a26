"""Article loading: raw bytes to clean paragraphs, numbered sentences with offsets, and a sha256."""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pysbd

from summarizer.boilerplate import Rules, load_rules, strip_boilerplate
from summarizer.errors import InputError
from summarizer.language import detect_language
from summarizer.schema import RemovedSpan

__all__ = [
    "PREPROCESSING_VERSION",
    "Article",
    "Sentence",
    "decode",
    "from_text",
    "read_bytes",
    "split_sentences",
]

PREPROCESSING_VERSION = "4"
"""Bump whenever cleaning or sentence splitting changes; with the boilerplate rules'
fingerprint it forms `Article.preprocessing`, part of every cache key."""

PARAGRAPH_SEPARATOR = "\n\n"
_TITLE_MAX_CHARS = 160
MAX_SENTENCE_CHARS = 1000
"""Longer "sentences" (lists, run-ons, missing punctuation) are cut at spaces: every unit the
model sees must fit a call's budget."""
_LOCAL = threading.local()  # pysbd segmenters keep state: one per thread, or splits vary


@dataclass(frozen=True)
class Sentence:
    """One sentence of the cleaned text; `number` is 1-based, offsets index `Article.text`."""

    number: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Article:
    """A loaded article: cleaned text plus everything derived from it before any LLM call."""

    id: str
    source_path: str | None
    sha256: str
    text: str
    language: str
    paragraphs: tuple[str, ...]
    sentences: tuple[Sentence, ...]
    title: str | None
    removed: tuple[RemovedSpan, ...] = field(default=())
    agency_tags: tuple[str, ...] = field(default=())
    preprocessing: str = PREPROCESSING_VERSION
    source_text: str = field(default="", repr=False, compare=False)
    """The text as given, before boilerplate was stripped: what `removed` offsets index."""

    def paragraph_sentences(self, index: int) -> list[Sentence]:
        """The sentences of paragraph `index`."""
        return [s for s in self.sentences if s.paragraph == index]


_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes, *, name: str = "<input>") -> str:
    """Bytes to text: UTF-8 (BOM allowed) first, then cp1252, then latin-1; binary is refused.
    UTF-16 and UTF-32 are read when a byte-order mark says so."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise InputError(f"{name}: invalid {encoding} text", path=name) from None
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file (contains NUL bytes), not a text article", path=name)
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{name}: cannot decode text", path=name)  # pragma: no cover - latin-1


def _segmenter(language: str) -> pysbd.Segmenter:
    lang = language if language in pysbd.languages.LANGUAGE_CODES else "en"
    segmenters: dict[str, pysbd.Segmenter] = _LOCAL.__dict__.setdefault("segmenters", {})
    if lang not in segmenters:
        segmenters[lang] = pysbd.Segmenter(language=lang, clean=False)
    return segmenters[lang]


def split_sentences(paragraph: str, language: str) -> list[tuple[int, int]]:
    """Sentence spans `(start, end)` within `paragraph`, trailing spaces excluded."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    # The processor's sentences, located here with str.find. (`Segmenter.segment` maps them
    # back with one new regex per sentence, which also evicts pysbd's own patterns from re's
    # cache: loading took ~1.8x as long.)
    for piece in _segmenter(language).processor(paragraph).process():
        piece = piece.strip()
        if not piece:
            continue
        start = paragraph.find(piece, cursor)
        if start < 0:  # the segmenter altered the text; fall back to one sentence
            return list(_cap(paragraph, 0, len(paragraph)))
        spans.extend(_cap(paragraph, start, start + len(piece)))
        cursor = start + len(piece)
    return spans or list(_cap(paragraph, 0, len(paragraph)))


def _cap(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Split the span at spaces into parts of at most MAX_SENTENCE_CHARS."""
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + 1, start + MAX_SENTENCE_CHARS)
        if cut <= start:
            cut = start + MAX_SENTENCE_CHARS
        yield start, cut
        start = cut
        while start < end and text[start] == " ":
            start += 1
    if end > start:
        yield start, end


_CODE_LINE = re.compile(
    r"^\s*(?:def |class |import |from \S+ import|function |var |let |const |#include|public |"
    r"private |return\b|raise |if\s*\(|for\s*\(|while\s*\(|}|{|#|@\w|\"\"\"|"
    r"[\w.\[\]]+\s*(?::\s*[^=\s]+)?\s*=\s)|[;{}(\[,]\s*$|\)\s*(?:->\s*[^:]+)?:\s*$"
)


def not_prose_reason(paragraphs: tuple[str, ...]) -> str | None:
    """Why this text is not a news article (tabular data, source code, symbols), or None."""
    lines = [p for p in paragraphs if p.strip()]
    if not lines:
        return "no text"
    if len(lines) >= 3:
        for delimiter in (",", ";", "\t", "|"):
            counts = [line.count(delimiter) for line in lines]
            if min(counts) >= 2 and max(counts) - min(counts) <= 1:
                return f"looks like tabular data (every line has {min(counts)}+ '{delimiter}')"
        code_lines = sum(1 for line in lines if _CODE_LINE.search(line))
        if code_lines / len(lines) >= 0.3:
            return "looks like source code"
    chars = [c for c in "".join(lines) if not c.isspace()]
    letters = sum(1 for c in chars if c.isalpha())
    if chars and letters / len(chars) < 0.7:
        return f"mostly symbols and digits ({letters / len(chars):.0%} letters)"
    return None


def _clean(raw: str) -> tuple[str, tuple[str, ...], str | None]:
    """Normalize and split into paragraphs; detect a leading title line."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n"))
    lines = text.split("\n")
    paragraphs: list[str] = []
    blank_after_first = False
    for i, line in enumerate(lines):
        stripped = " ".join(line.split())
        if stripped:
            paragraphs.append(stripped)
        elif len(paragraphs) == 1 and i > 0 and lines[i - 1].strip():
            blank_after_first = True
    title = None
    if len(paragraphs) > 1:
        first = paragraphs[0]
        looks_like_headline = len(first) <= _TITLE_MAX_CHARS and (
            not first.endswith((".", "!", "?", ":", "“", '"')) or blank_after_first
        )
        if looks_like_headline:
            title = first
    return PARAGRAPH_SEPARATOR.join(paragraphs), tuple(paragraphs), title


def from_text(
    text: str,
    *,
    id: str = "article",
    source_path: str | None = None,
    raw: bytes | None = None,
    max_chars: int = 200_000,
    rules: Rules | None = None,
) -> Article:
    """Build an `Article` from text; raises `InputError` for empty or oversized input.

    Boilerplate is stripped first (`rules`, default: the bundled rules); the removed spans
    carry offsets into `text` as given.
    """
    data = raw if raw is not None else text.encode("utf-8")
    name = source_path or id
    if len(text) > max_chars:
        raise InputError(
            f"{name}: {len(text):,} characters is above the limit of {max_chars:,}; "
            "raise it with --max-chars or SUMMARIZER_MAX_CHARS",
            path=name,
        )
    rules = rules or load_rules()
    kept, removed, agencies = strip_boilerplate(text, rules)
    cleaned, paragraphs, title = _clean(kept)
    if not cleaned:
        if removed:
            kinds = ", ".join(sorted({r.reason for r in removed}))
            raise InputError(
                f"{name}: only boilerplate ({len(removed)} span(s): {kinds}), no article text",
                path=name,
            )
        raise InputError(f"{name}: empty article (no text after cleaning)", path=name)
    if reason := not_prose_reason(paragraphs):
        raise InputError(f"{name}: not an article: {reason}", path=name)
    language = detect_language(cleaned)
    return Article(
        id=id,
        source_path=source_path,
        sha256=hashlib.sha256(data).hexdigest(),
        text=cleaned,
        language=language,
        paragraphs=paragraphs,
        sentences=_numbered_sentences(paragraphs, language),
        title=title,
        removed=tuple(removed),
        agency_tags=tuple(agencies),
        preprocessing=f"{PREPROCESSING_VERSION}+rules.{rules.fingerprint}",
        source_text=text,
    )


def _numbered_sentences(paragraphs: tuple[str, ...], language: str) -> tuple[Sentence, ...]:
    """Every paragraph's sentences, numbered from 1, with offsets into the joined text."""
    sentences: list[Sentence] = []
    offset = 0
    for p_index, paragraph in enumerate(paragraphs):
        for start, end in split_sentences(paragraph, language):
            sentences.append(
                Sentence(
                    number=len(sentences) + 1,
                    start=offset + start,
                    end=offset + end,
                    text=paragraph[start:end],
                    paragraph=p_index,
                )
            )
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return tuple(sentences)


def read_bytes(path: Path, *, name: str | None = None) -> bytes:
    """A file's bytes; any failure is an `InputError` naming the file (as `name`, if given)
    and the reason."""
    name = name or str(path)
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, not an article", path=name) from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read: {exc.strerror or exc}", path=name) from None
