"""Key points: the most salient claims' English, chosen by code.

A news article puts what matters first (the inverted pyramid) and its headline names it. So
a claim ranks by its place in the article and by the headline's content words it shares,
and the first `MAX_POINTS` by rank are the key points, in the article's order. The claims'
English is the sentence-aligned, checked translation of their source sentences, so a key
point says what the article says. The summary call's own points (its prompt still lists them,
but `summarizer.tasks.SummaryDraft` has no field for them) paraphrased the translation,
sometimes wrongly ("accusing North Korea of threatening Russia", "KCNA stated that Kim had"),
and they covered fewer gold facts than the same number of claims chosen this way
(docs/decisions.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.schema import Claim

__all__ = ["MAX_POINTS", "MIN_WORDS", "key_points"]

MAX_POINTS = 5
"""Key points per article (the summary schema allowed 3-8; the model wrote 3-4)."""

MIN_WORDS = 4
"""Content words a key point needs: a teaser ("But that will change now.") says nothing on its
own. On the committed runs it changed 3 of 60 WMT20 points, which then covered one gold fact
more (50 of 144); none of the seeds' (docs/decisions.md)."""

_WORD = re.compile(r"[^\W_]+")
# A sentence that addresses the model rather than the reader is no key point, though it stays
# a claim (it is in the article): a role line ("System: …"), JSON or markup, or words about
# instructions ("Ignore all previous instructions", "Ignoriere alle vorherigen Anweisungen",
# "deinen Systemprompt"). The model used to be told to leave such text out of its points.
_ADDRESSED = re.compile(
    r"^\W*(?:system|assistant|assistent|user|nutzer)\s*:|[{}]|</?[a-z]+>|"
    r"\b(?:instructions?|anweisung(?:en)?|system\s?prompt\w*)\b|"
    r"\bignor\w*\s+(?:all|any|every|previous|prior|the article|alle|jede|vorherig|den artikel)",
    re.I,
)
_MINOR = frozenset(
    "about after also and are been before but for from had has have into its more not over "
    "said says than that the their them then there these they this those under was were "
    "which while who will with would".split()
)


def key_points(claims: Sequence[Claim], title: str, headline: str | None = None) -> list[str]:
    """The English of up to `MAX_POINTS` claims, in the article's order: those that rank
    highest by place (the lead first) plus the share of the `title`'s content words they
    share; the claim of the `headline` itself (the source's title), a claim of fewer than
    `MIN_WORDS` content words and one that addresses the model (`_ADDRESSED`) are not one."""
    body = [
        c
        for c in claims
        if c.text_en.strip()
        and c.quote.strip() != (headline or "").strip()
        and len(_content(c.text_en)) >= MIN_WORDS
        and not _ADDRESSED.search(c.quote)
        and not _ADDRESSED.search(c.text_en)
    ]
    heads = _content(title)
    total = len(body)

    def rank(i: int) -> float:
        shared = len(_content(body[i].text_en) & heads) / len(heads) if heads else 0.0
        return 1 - i / total + shared

    chosen = sorted(sorted(range(total), key=rank, reverse=True)[:MAX_POINTS])
    return [body[i].text_en for i in chosen]


def _content(text: str) -> set[str]:
    """The content words of `text`, case-folded and cut to six letters (so that "visit" and
    "visited" are one)."""
    words = (w.casefold() for w in _WORD.findall(text))
    return {w[:6] for w in words if len(w) > 2 and w not in _MINOR}
