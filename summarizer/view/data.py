"""The viewer's data: results, their sources and the digest as the JSON the page embeds, with
every offset already turned into highlighted segments (the page does no offset arithmetic)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from summarizer.digest.model import Digest, DigestFileError, Event
from summarizer.schema import ArticleResult, RemovedSpan
from summarizer.view.sources import SourceText, mismatched_quotes

__all__ = [
    "EVENT_PAGE_SIZE",
    "KINDS",
    "PAGE_SIZE",
    "ArticleData",
    "Key",
    "Segment",
    "ViewData",
    "removed_positions",
    "segments",
]

PAGE_SIZE = 50
"""Articles a page of the list shows."""
EVENT_PAGE_SIZE = 20
"""Digest events a page shows."""
KINDS = ("statement", "quote", "allegation", "denial", "report")
PARAGRAPH_SEPARATOR = "\n\n"

Key = int | str
"""What a highlight marks: a claim's number (from 1) or a digest reference ("x1", "x2", …)."""
Segment = str | list[Any]
"""A run of a paragraph: plain text, or `[text, keys covering it, keys ending in it]`."""


def segments(paragraph: str, offset: int, ranges: Sequence[tuple[int, int, Key]]) -> list[Segment]:
    """`paragraph` (at `offset` in the cleaned text) cut where the `ranges` (start, end, key)
    begin and end; each run lists the keys that cover it and the keys that end in it."""
    end = offset + len(paragraph)
    inside = [(max(s, offset), min(e, end), k) for s, e, k in ranges if s < end and e > offset]
    cuts = sorted({offset, end, *(s for s, _, _ in inside), *(e for _, e, _ in inside)})
    runs: list[Segment] = []
    for a, b in pairwise(cuts):
        text = paragraph[a - offset : b - offset]
        keys = [k for s, e, k in inside if s <= a and e >= b]
        if keys:
            ends = [k for s, e, k in ranges if e == b and k in keys]
            runs.append([text, keys, ends])
        elif text:
            runs.append(text)
    return runs


def removed_positions(raw: str, removed: Sequence[RemovedSpan], paragraphs: int) -> list[int]:
    """For each removed span, how many cleaned paragraphs come before it: the paragraphs are
    the non-blank lines of the raw text once the spans are cut out (summarizer.boilerplate)."""
    positions: list[int] = []
    for i, span in enumerate(removed):
        pieces: list[str] = []
        cursor = 0
        for earlier in removed[:i]:
            pieces += [raw[cursor : earlier.start], "\n"]
            cursor = max(cursor, earlier.end)
        pieces.append(raw[cursor : span.start])
        before = "".join(pieces).replace("\r\n", "\n").replace("\r", "\n")
        count = sum(1 for line in before.split("\n") if line.strip())
        positions.append(min(count, paragraphs))
    return positions


@dataclass
class ArticleData:
    """What the page shows of one result (`entry` is its row in the index)."""

    entry: dict[str, Any]
    article: dict[str, Any]


@dataclass
class _Refs:
    """The spans of each article that the digest quotes, by article id: its claims' numbers
    (by offsets) or extra keys, so the digest can link to a highlight."""

    texts: dict[str, str]
    claims: dict[str, dict[tuple[int, int], int]]
    extra: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)

    def ref(self, article: str, start: int, end: int, quote: str) -> Key | None:
        text = self.texts.get(article)
        if text is None or text[start:end] != quote or start >= end:
            return None
        if (claim := self.claims[article].get((start, end))) is not None:
            return claim
        spans = self.extra.setdefault(article, {})
        return spans.setdefault((start, end), f"x{len(spans) + 1}")


@dataclass
class ViewData:
    """The whole page's data: the index (list, filters, errors), one entry per article, and the
    digest (None without one)."""

    index: dict[str, Any]
    articles: list[dict[str, Any]]
    digest: dict[str, Any] | None

    @classmethod
    def build(
        cls,
        results: Sequence[ArticleResult],
        digest: Digest | None,
        errors: Sequence[DigestFileError],
        sources: Mapping[str, SourceText | str | None] | None,
    ) -> ViewData:
        """The data of `view_html` (see there)."""
        checked = {r.id: _checked(r, (sources or {}).get(r.id), sources is None) for r in results}
        texts = {i: s.text for i, s in checked.items() if s.text is not None}
        claims = {r.id: _claim_numbers(r) for r in results}
        refs = _Refs(texts, claims)
        digest_data = _digest(digest, refs) if digest is not None else None
        in_events: dict[str, list[list[str]]] = {}
        for event in digest.events if digest is not None else []:
            for article in event.articles:
                in_events.setdefault(article, []).append([event.id, event.title])
        built = [
            _article(r, checked[r.id], refs.extra.get(r.id, {}), in_events.get(r.id, []))
            for r in results
        ]
        speakers = Counter(c.speaker for r in results for c in r.claims)
        index = {
            "count": len(results),
            "page_size": PAGE_SIZE,
            "event_page_size": EVENT_PAGE_SIZE,
            "kinds": list(KINDS),
            "speakers": [[s, n] for s, n in sorted(speakers.items(), key=lambda x: (-x[1], x[0]))],
            "articles": [b.entry for b in built],
            "errors": [e.model_dump() for e in errors],
            "digest": None if digest is None else {"events": len(digest.events)},
        }
        return cls(index, [b.article for b in built], digest_data)


def _claim_numbers(result: ArticleResult) -> dict[tuple[int, int], int]:
    """Each quoted span's claim number (the first claim, when two quote the same span)."""
    numbers: dict[tuple[int, int], int] = {}
    for n, c in enumerate(result.claims, 1):
        numbers.setdefault((c.start, c.end), n)
    return numbers


def _checked(result: ArticleResult, source: SourceText | str | None, unloaded: bool) -> SourceText:
    """The source as the page may use it: a text whose quotes are all where the claims say."""
    if isinstance(source, str):
        source = SourceText(text=source)
    if source is None:
        why = "source texts were not loaded" if unloaded else "no source text was given"
        return SourceText(notice=f"No source text ({why}): quotes are not highlighted.")
    if source.text is not None and mismatched_quotes(result, source.text):
        return SourceText(
            notice="The source text does not hold the claims' quotes at their offsets: it is "
            "not the text the run read, so it is not shown and quotes are not highlighted."
        )
    return source


def _rejected(claim: dict[str, object]) -> dict[str, str]:
    return {
        k: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False) for k, v in claim.items()
    }


def _article(
    result: ArticleResult,
    source: SourceText,
    extra: dict[tuple[int, int], str],
    events: list[list[str]],
) -> ArticleData:
    text = source.text
    paragraphs: list[list[Segment]] | None = None
    if text is not None:
        ranges: list[tuple[int, int, Key]] = [
            (c.start, c.end, n) for n, c in enumerate(result.claims, 1) if c.start < c.end
        ]
        ranges += [(s, e, k) for (s, e), k in extra.items()]
        paragraphs, offset = [], 0
        for paragraph in text.split(PARAGRAPH_SEPARATOR):
            paragraphs.append(segments(paragraph, offset, ranges))
            offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    raw = source.raw
    valid = raw is not None and all(0 <= s.start < s.end <= len(raw) for s in result.removed)
    positions = (
        removed_positions(raw, result.removed, len(paragraphs or []))
        if raw is not None and valid
        else [None] * len(result.removed)
    )
    removed = [
        {
            "start": s.start,
            "end": s.end,
            "reason": s.reason,
            "text": raw[s.start : s.end] if raw is not None and valid else None,
            "before": position,
        }
        for s, position in zip(result.removed, positions, strict=True)
    ]
    claims = [
        {
            "n": n,
            "text": c.text_en,
            "speaker": c.speaker,
            "attribution": c.attribution,
            "kind": c.kind,
            "quote": c.quote,
            "start": c.start,
            "end": c.end,
        }
        for n, c in enumerate(result.claims, 1)
    ]
    p = result.provenance
    article = {
        "id": result.id,
        "title": result.title_en,
        "title_original": result.title_original,
        "language": result.language,
        "source_path": result.source_path,
        "meta": f"{p.model} · summarizer {p.summarizer_version}",
        "summary": result.summary_en,
        "key_points": result.key_points_en,
        "entities": [[e.name, e.type] for e in result.entities],
        "claims": claims,
        "rejected": [
            {"claim": _rejected(r.claim), "reason": r.reason} for r in result.rejected_claims
        ],
        "notice": source.notice if text is None else None,
        "paragraphs": paragraphs,
        "translation": result.translation_en.split(PARAGRAPH_SEPARATOR),
        "removed": removed,
        "events": events,
    }
    pairs = sorted({(c.speaker, c.kind) for c in result.claims})
    entry = {
        "id": result.id,
        "title": result.title_en,
        "language": result.language,
        "claims": len(result.claims),
        "rejected": len(result.rejected_claims),
        "removed": len(result.removed),
        "source": text is not None,
        "sk": [list(pair) for pair in pairs],
    }
    return ArticleData(entry, article)


def _event(event: Event, refs: _Refs, titles: dict[str, str], related: list[Any]) -> Any:
    claims = [
        {
            "text": claim.text_en,
            "sources": [
                {
                    "article": s.article,
                    "text": s.text_en,
                    "speaker": s.speaker,
                    "attribution": s.attribution,
                    "kind": s.kind,
                    "quote": s.quote,
                    "ref": refs.ref(s.article, s.start, s.end, s.quote),
                }
                for s in claim.sources
            ],
        }
        for claim in event.claims
    ]
    discrepancies = [
        {
            "about": d.about,
            "detail": d.detail,
            "values": [
                {
                    "article": v.article,
                    "value": v.value,
                    "quote": v.quote,
                    "ref": refs.ref(v.article, v.start, v.end, v.quote),
                }
                for v in d.values
            ],
        }
        for d in event.discrepancies
    ]
    return {
        "id": event.id,
        "title": event.title,
        "date": event.date,
        "articles": event.articles,
        "summary": event.summary_en,
        "claims": claims,
        "discrepancies": discrepancies,
        "related": [[other, titles.get(other, other), reason] for other, reason in related],
    }


def _digest(digest: Digest, refs: _Refs) -> dict[str, Any]:
    """The digest for the page: events largest first, each claim source and discrepancy value
    with the highlight (`ref`) it links to in its article's source, when it can."""
    titles = {e.id: e.title for e in digest.events}
    related: dict[str, list[tuple[str, str]]] = {}
    for link in digest.links:
        a, b = link.events
        related.setdefault(a, []).append((b, link.reason))
        related.setdefault(b, []).append((a, link.reason))
    events = sorted(digest.events, key=lambda e: -len(e.articles))
    return {
        "events": [_event(e, refs, titles, related.get(e.id, [])) for e in events],
        "links": len(digest.links),
        "pairs": len(digest.pairs),
        "calls": digest.calls,
        "cached_calls": digest.cached_calls,
        "errors": [e.model_dump() for e in digest.errors],
    }
