"""Sentence alignment: which English sentences of a translated paragraph render which source one.

A small model asked for one paragraph writes one paragraph, and its sentences do not always
match the source's one for one: it joins two short ones, or splits a long one. When the
counts agree, sentence i renders sentence i. When they do not, a monotone alignment in the
manner of Gale and Church (1993) pairs them by length and by the names both sides carry
("Renner", "2014", "Moskau"/"Moscow"): one source sentence to one or two English ones, or
two source sentences to one English one, whose English then renders the pair.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from summarizer.article import split_sentences
from summarizer.place_names import english_name

__all__ = ["ANCHOR", "JOINED", "align", "anchor_stems", "names_apart", "stem"]

ANCHOR = re.compile(r"\d+|\b[A-ZÄÖÜ][\w\-]{2,}")
"""A number, or a capitalised word: what a translation keeps of its source's names."""

_BEADS = ((1, 1, 0.0), (1, 2, 1.0), (2, 1, 1.0))  # (source, English, penalty)
_MAX_COST = 2.5  # a bead costlier than this on average: the alignment is a guess; none


def stem(anchor: str) -> str:
    """An anchor as compared: a number whole, a name by its first three letters, so that
    exonyms and inflections meet ("Moskau"/"Moscow", "Russland"/"Russia"), a German name of
    a foreign place by its English one's ("Pjöngjang"/"Pyongyang", `summarizer.place_names`)."""
    if anchor.isdigit():
        return anchor
    english = english_name(anchor)  # "Kiews" -> "Kyiv"
    return (english or anchor)[:3].lower()


def anchor_stems(text: str) -> set[str]:
    """The stems of the anchors of `text`."""
    return {stem(a) for a in ANCHOR.findall(text)}


JOINED = ""
"""The English of the second of two source sentences that one English sentence renders:
that sentence is the first's English."""


def align(sources: Sequence[str], english: str) -> list[str | None]:
    """The English of each source sentence, in order, from the paragraph's `english`:
    `JOINED` for the second of two sentences rendered as one, None for all when the
    paragraph does not align."""
    if not english.strip() or not sources:
        return [None] * len(sources)
    targets = [english[start:end] for start, end in split_sentences(english, "en")]
    if len(targets) == len(sources):
        return list(targets)
    if len(sources) == 1:
        return [" ".join(targets)]
    return _aligned(list(sources), targets)


def _aligned(sources: list[str], targets: list[str]) -> list[str | None]:
    names = anchor_stems(" ".join(targets)), anchor_stems(" ".join(sources))
    ratio = sum(map(len, targets)) / max(1, sum(map(len, sources)))
    n, m = len(sources), len(targets)
    best: dict[tuple[int, int], tuple[float, tuple[int, int] | None]] = {(0, 0): (0.0, None)}
    for i in range(n + 1):
        for j in range(m + 1):
            if (i, j) not in best:
                continue
            for a, b, penalty in _BEADS:
                if i + a > n or j + b > m:
                    continue
                source, target = " ".join(sources[i : i + a]), " ".join(targets[j : j + b])
                cost = best[(i, j)][0] + penalty + _cost(source, target, ratio, names)
                if (i + a, j + b) not in best or cost < best[(i + a, j + b)][0]:
                    best[(i + a, j + b)] = (cost, (i, j))
    if (n, m) not in best or best[(n, m)][0] / max(n, m) > _MAX_COST:
        return [None] * n
    out: list[str | None] = [None] * n
    at = (n, m)
    while (previous := best[at][1]) is not None:
        (i, j), (k, end) = previous, at
        out[i] = " ".join(targets[j:end])
        if k - i == 2:
            out[i + 1] = JOINED
        at = previous
    return out


def _cost(source: str, target: str, ratio: float, names: tuple[set[str], set[str]]) -> float:
    """How unlikely `target` renders `source`: their lengths against the paragraph's ratio,
    and each name one side has that the other lacks (`names`: the stems the whole English
    and the whole source have, so that German nouns and English sentence starts, which the
    other side never has, do not count)."""
    length = abs(math.log((len(target) + 10) / (ratio * len(source) + 10)))
    return 2 * length + names_apart(source, target, names)


def names_apart(source: str, target: str, names: tuple[set[str], set[str]]) -> int:
    """How many names `source` has and its English `target` lacks, or the other way round,
    counting only those the other side has somewhere (`names`: the stems of the whole English
    and of the whole source)."""
    carried, sourced = names
    return len((anchor_stems(source) & carried) ^ (anchor_stems(target) & sourced))
