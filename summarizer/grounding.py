"""Grounding: find a quote verbatim in the cleaned source, tolerant of quote marks and dashes.

Both texts are normalized the same way (typographic quotes and apostrophes to ASCII, every
dash to '-', runs of whitespace to one space); the match is then mapped back to offsets in
the original cleaned text, so `text[start:end]` is the exact source span.
"""

from __future__ import annotations

import itertools
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
_MAPPED = re.compile("[" + "".join(chr(c) for c in _CHAR_MAP) + "]")
_WORD = re.compile(r"\S+")

Span = tuple[int, int]


def _unify(text: str) -> str:
    """`text` with typographic quotes, dashes and spaces replaced by their ASCII forms (a
    regex finds them: `str.translate` with this table costs a dict lookup per character)."""
    return _MAPPED.sub(lambda m: _CHAR_MAP[ord(m.group())], text)  # type: ignore[index]


def normalize(text: str) -> str:
    """The comparison form of a text: unified quotes and dashes, single spaces, no edges."""
    return " ".join(_WORD.findall(_unify(text)))


def _offset(normalized: str, words: str, pos: int) -> int:
    """The offset in `words` (a unified text) of the character at `pos` in its normalized
    form, which is not a blank: normalizing keeps every word as it is and puts one space
    between words, so the character is in the word after the spaces before `pos`."""
    word = normalized.count(" ", 0, pos)
    within = pos - (normalized.rfind(" ", 0, pos) + 1)
    match = next(itertools.islice(_WORD.finditer(words), word, None))
    return match.start() + within


def locate_quote(quote: str, source: str, *, within: Span | None = None) -> Span | None:
    """Offsets `(start, end)` of `quote` in `source` after normalization, or None if absent.

    `within` limits the search to a span of `source` (e.g. one sentence).
    """
    lo, hi = within if within is not None else (0, len(source))
    words = _unify(source[lo:hi])
    haystack = " ".join(_WORD.findall(words))
    full = normalize(quote)
    # Quote marks around a quote are often the model's, not the source's: try with, then without.
    for needle in (full, full.strip(" \"'")):
        pos = haystack.find(needle) if needle else -1
        if pos >= 0:
            break
    else:
        return None
    start = lo + _offset(haystack, words, pos)
    end = lo + _offset(haystack, words, pos + len(needle) - 1) + 1
    return start, end
