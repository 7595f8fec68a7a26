"""Merged claims: the claims of an event's members that state the same thing, as one entry
with every source (each grounded in its own article's text)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.digest.model import ClaimSource, MergedClaim
from summarizer.digest.signals import name_key, names_in
from summarizer.schema import ArticleResult, Claim

__all__ = ["claim_keys", "merge_claims", "source_of"]

_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    "that this with from have were been said says will would their they there which about "
    "after also into more than when what over other some such only most very these those "
    "according reported stated told".split()
)
_MIN_SHARED = 3
_MIN_OVERLAP = 0.5


def claim_keys(text_en: str) -> frozenset[str]:
    """What a claim is about, for alignment: name keys and word stems (numbers left out, as
    they are what reports disagree on)."""
    keys = {name_key(w) for n in names_in(text_en) for w in re.split(r"[ -]", n) if len(w) > 2}
    keys |= {w.casefold()[:5] for w in _WORD.findall(text_en) if w.casefold() not in _STOP}
    return frozenset(k for k in keys if k)


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    shared = len(a & b)
    return shared / min(len(a), len(b)) if shared >= _MIN_SHARED else 0.0


def source_of(article: str, claim: Claim) -> ClaimSource:
    """One article's claim as a source of a merged claim."""
    return ClaimSource(
        article=article,
        text_en=claim.text_en,
        speaker=claim.speaker,
        attribution=claim.attribution,
        kind=claim.kind,
        quote=claim.quote,
        start=claim.start,
        end=claim.end,
    )


def merge_claims(members: Sequence[ArticleResult]) -> list[MergedClaim]:
    """Every claim of `members`, those stating the same thing in different articles merged:
    a claim joins the entry it overlaps most (half its keys, three at least) that has no
    source from its own article yet. Entries stated by more sources come first."""
    entries: list[tuple[frozenset[str], list[ClaimSource]]] = []
    for member in members:
        for claim in member.claims:
            keys = claim_keys(claim.text_en)
            best, best_score = None, _MIN_OVERLAP
            for n, (entry_keys, sources) in enumerate(entries):
                if any(s.article == member.id for s in sources):
                    continue
                if (score := _overlap(keys, entry_keys)) >= best_score:
                    best, best_score = n, score
            if best is None:
                entries.append((keys, [source_of(member.id, claim)]))
            else:
                entries[best][1].append(source_of(member.id, claim))
    merged = [MergedClaim(text_en=sources[0].text_en, sources=sources) for _, sources in entries]
    return sorted(merged, key=lambda m: -len({s.article for s in m.sources}))
