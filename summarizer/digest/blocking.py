"""Candidate pairs for grouping: a sparse similarity over rare shared keys, never all pairs.

Each result's word profile (title, summary, points and name keys) is weighted by inverse
document frequency and normalised. Only keys held by at most `max_postings` results are
indexed, so the work grows with the postings, not with the square of the results; each
result keeps its `per_article` best partners scoring at least `min_score`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence

from summarizer.digest.signals import Signals

__all__ = ["MIN_SCORE", "candidate_pairs"]

MIN_SCORE = 0.12
"""Cosine similarity below which two results are not worth a model's judgement."""


def _vectors(signals: Sequence[Signals]) -> tuple[list[dict[str, float]], Counter[str]]:
    df: Counter[str] = Counter()
    for s in signals:
        df.update(s.words.keys())
    n = len(signals)
    vectors = []
    for s in signals:
        weights = {k: (1 + math.log(c)) * math.log(1 + n / df[k]) for k, c in s.words.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({k: w / norm for k, w in weights.items()})
    return vectors, df


def candidate_pairs(
    signals: Sequence[Signals],
    *,
    per_article: int = 3,
    min_score: float = MIN_SCORE,
    max_postings: int = 200,
) -> list[tuple[int, int, float]]:
    """Pairs (i, j, score) with i < j worth judging, best first."""
    vectors, df = _vectors(signals)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, vector in enumerate(vectors):
        for key in vector:
            if df[key] <= max_postings and df[key] > 1:
                postings[key].append(i)
    scores: dict[tuple[int, int], float] = defaultdict(float)
    for key, members in postings.items():
        for a, i in enumerate(members):
            wi = vectors[i][key]
            for j in members[a + 1 :]:
                scores[(i, j)] += wi * vectors[j][key]
    best: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
    for (i, j), score in scores.items():
        if score >= min_score:
            best[i].append((score, i, j))
            best[j].append((score, i, j))
    kept: set[tuple[float, int, int]] = set()
    for options in best.values():
        kept.update(sorted(options, reverse=True)[:per_article])
    return [(i, j, round(score, 4)) for score, i, j in sorted(kept, reverse=True)]
