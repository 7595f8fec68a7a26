"""Grounding: find a quote verbatim in the cleaned source, tolerant of quote marks and dashes.

Both texts are normalized the same way (typographic quotes and apostrophes to ASCII, every
dash to '-', runs of whitespace to one space); the match is then mapped back to offsets in
the original cleaned text, so `text[start:end]` is the exact source span.
"""

from __future__ import annotations

import re

__all__ = ["Span", "locate_quote", "normalize"]

_CHAR_MAP = str.maketrans(
    {
        "„": '"', "“": '"', "”": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
        "‚": "'", "‘": "'", "’": "'", "‛": "'", "‹": "'", "›": "'", "′": "'", "`": "'",
        "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")

Span = tuple[int, int]


def _normalize_with_map(text: str) -> tuple[str, list[int]]:
    """Normalize `text`; also return, per output char, its offset in the input."""
    out: list[str] = []
    index: list[int] = []
    translated = text.translate(_CHAR_MAP)
    pending_space = False
    for i, ch in enumerate(translated):
        if ch.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            index.append(i - 1)
            pending_space = False
        out.append(ch)
        index.append(i)
    return "".join(out), index


def normalize(text: str) -> str:
    """The comparison form of a text: unified quotes and dashes, single spaces, no edges."""
    return _normalize_with_map(text)[0]


def locate_quote(quote: str, source: str, *, within: Span | None = None) -> Span | None:
    """Offsets `(start, end)` of `quote` in `source` after normalization, or None if absent.

    `within` limits the search to a span of `source` (e.g. one sentence).
    """
    lo, hi = within if within is not None else (0, len(source))
    haystack, index = _normalize_with_map(source[lo:hi])
    full = normalize(quote)
    # Quote marks around a quote are often the model's, not the source's: try with, then without.
    for needle in (full, full.strip(" \"'")):
        pos = haystack.find(needle) if needle else -1
        if pos >= 0:
            break
    else:
        return None
    start = lo + index[pos]
    end = lo + index[pos + len(needle) - 1] + 1
    return start, end
