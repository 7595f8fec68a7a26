"""Chunking: split an article that is too long for one call into context-sized runs of sentences.

Chunks are runs of whole sentences that end at paragraph ends where possible; a paragraph
longer than a chunk is split between sentences. Sentence numbers and offsets stay those of
the whole cleaned text, so claims found in any chunk are grounded against the whole article.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.article import Article, Sentence
from summarizer.budget import TRANSLATION_PIECE_CHARS, TURN_CHARS

__all__ = ["Chunk", "Piece", "plan_chunks"]


@dataclass(frozen=True)
class Piece:
    """The part of one paragraph that lies in one chunk (often the whole paragraph)."""

    paragraph: int
    start: int
    end: int
    whole: bool


@dataclass(frozen=True)
class Chunk:
    """A run of consecutive sentences that fits one call's context."""

    index: int
    sentences: tuple[Sentence, ...]

    @property
    def chars(self) -> int:
        """Characters of source text in the chunk."""
        return sum(len(s.text) for s in self.sentences)

    def pieces(self, article: Article, max_chars: int) -> list[Piece]:
        """This chunk's paragraph pieces, in order: whole paragraphs where they fit in
        `max_chars`, else runs of the paragraph's sentences of at most `max_chars`."""
        counts: dict[int, int] = {}
        for s in article.sentences:
            counts[s.paragraph] = counts.get(s.paragraph, 0) + 1
        return [
            Piece(run[0].paragraph, run[0].start, run[-1].end, len(run) == counts[run[0].paragraph])
            for run in _runs(self.sentences, max_chars)
        ]


def _runs(sentences: Sequence[Sentence], max_chars: int) -> list[list[Sentence]]:
    """Consecutive sentences grouped into pieces: one paragraph each, at most `max_chars` from
    the first sentence's start to the last one's end (a longer sentence stands alone)."""
    runs: list[list[Sentence]] = []
    for s in sentences:
        if runs and _continues(runs[-1][0], s, max_chars):
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _continues(first: Sentence, s: Sentence, max_chars: int) -> bool:
    """Whether `s` joins the piece that starts with `first`."""
    return first.paragraph == s.paragraph and s.end - first.start <= max_chars


def plan_chunks(
    article: Article,
    max_chars: int,
    *,
    per_paragraph: int = TURN_CHARS,
    piece_chars: int = TRANSLATION_PIECE_CHARS,
) -> list[Chunk]:
    """Greedy chunks of at most `max_chars` source characters, each translation turn counted
    `per_paragraph` characters longer: a turn per piece of at most `piece_chars`, as
    `Chunk.pieces` cuts them (a longer sentence stands alone)."""
    chunks: list[list[Sentence]] = [[]]
    size = 0
    paragraphs: dict[int, list[Sentence]] = {}
    for s in article.sentences:
        paragraphs.setdefault(s.paragraph, []).append(s)
    for sentences in paragraphs.values():
        turns = len(_runs(sentences, piece_chars))
        length = sum(len(s.text) for s in sentences) + per_paragraph * turns
        if chunks[-1] and size + length > max_chars:
            chunks.append([])
            size = 0
        if length <= max_chars:
            chunks[-1].extend(sentences)
            size += length
            continue
        first: Sentence | None = None  # a paragraph longer than a chunk: split between sentences
        for s in sentences:
            new_turn = first is None or not _continues(first, s, piece_chars)
            cost = len(s.text) + (per_paragraph if new_turn else 0)
            if chunks[-1] and size + cost > max_chars:
                chunks.append([])
                size, new_turn = 0, True
                cost = len(s.text) + per_paragraph
            if new_turn:
                first = s
            chunks[-1].append(s)
            size += cost
    return [Chunk(i, tuple(c)) for i, c in enumerate(chunks) if c]
