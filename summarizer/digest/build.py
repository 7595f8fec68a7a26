"""A digest from results: candidate pairs by cheap signals, judged by the model, grouped into
events; each event's claims merged, its discrepancies found by code (the model may dismiss some)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence

from summarizer.cached_call import ArticleCalls
from summarizer.digest.blocking import candidate_pairs
from summarizer.digest.discrepancies import describe, discrepancy_candidates
from summarizer.digest.judge import EventDraft, PairVerdict, draft_event, judge_pair
from summarizer.digest.merging import merge_claims
from summarizer.digest.model import Digest, DigestFileError, Event, EventLink, PairJudgement
from summarizer.digest.signals import Signals, corroborated, dates_agree, signals_of, spoken
from summarizer.errors import OutputTruncatedError, ValidationFailedError
from summarizer.schema import ArticleResult

__all__ = ["build_digest"]

_MAX_MEMBERS_SHOWN = 8  # the event call sees at most this many reports
_UNJUDGED = (OutputTruncatedError, ValidationFailedError)


class _Groups:
    """Union-find over result indexes."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def join(self, i: int, j: int) -> None:
        a, b = self.find(i), self.find(j)
        self.parent[max(a, b)] = min(a, b)


async def _judged(
    calls: ArticleCalls,
    pair: tuple[ArticleResult, ArticleResult],
    signals: tuple[Signals, Signals],
    score: float,
) -> PairJudgement:
    """The model's verdict on a candidate pair, held to evidence by code: one event needs
    both reports to date it alike (within three days) or to give one specific figure (a toll,
    a sum, a count), and never dates further apart. Without that, a 'same event' verdict is
    only 'related': two visits by the same people read alike, and merging them would hide
    one (precision first; see docs/decisions.md)."""
    a, b = pair
    judged = functools.partial(PairJudgement, articles=(a.id, b.id), score=score)
    if not signals[0].names & signals[1].names:
        reason = "no person, place or organisation in common: not judged"
        return judged(relation="different", reason=reason, by="code")
    try:
        verdict: PairVerdict = await judge_pair(calls, a, b)
    except _UNJUDGED as exc:
        reason = f"not judged ({type(exc).__name__}): kept apart"
        return judged(relation="different", reason=reason, by="code")
    agree = dates_agree(*signals)
    if verdict.relation == "same_event" and (agree is False or not corroborated(*signals)):
        why = "their dates are apart" if agree is False else "they share no date and no figure"
        reason = f"{verdict.reason} (the model: same event; {why}, so related only)"
        return judged(relation="related", reason=reason, by="code")
    return judged(relation=verdict.relation, reason=verdict.reason, by="model")


def _date(members: Sequence[Signals]) -> str | None:
    """The event's date as its members' headlines and opening claims give it: one date, or
    the range of them."""
    dates = sorted({d for m in members for d in m.dates})
    if not dates:
        return None
    return spoken(dates[0]) if len(dates) == 1 else f"{spoken(dates[0])} .. {spoken(dates[-1])}"


async def _event(
    calls: ArticleCalls, members: list[ArticleResult], signals: list[Signals]
) -> Event:
    merged = merge_claims(members)
    event_id = f"event-{members[0].id}"
    if len(members) == 1:
        (only,) = members
        title, summary, discrepancies = only.title_en, only.summary_en, []
    else:
        found = discrepancy_candidates(members, merged)
        names = {m.id: chr(ord("A") + i) for i, m in enumerate(members[:_MAX_MEMBERS_SHOWN])}
        shown = [d for d in found if all(v.article in names for v in d.values)]
        try:
            draft: EventDraft | None = await draft_event(
                calls, members[:_MAX_MEMBERS_SHOWN], [describe(d, names) for d in shown]
            )
        except _UNJUDGED:
            draft = None
        if draft is None:  # no answer: code's candidates stand, the first report speaks
            title, summary, discrepancies = members[0].title_en, members[0].summary_en, found
        else:
            title, summary = draft.title, draft.summary_en
            gone = {id(shown[n - 1]) for n in draft.dismissed}
            discrepancies = [d for d in found if id(d) not in gone]
    return Event(
        id=event_id,
        title=title,
        date=_date(signals),
        articles=[m.id for m in members],
        summary_en=summary,
        claims=merged,
        discrepancies=discrepancies,
    )


async def build_digest(
    results: Sequence[ArticleResult],
    calls: ArticleCalls,
    errors: Sequence[DigestFileError] = (),
) -> Digest:
    """The digest of `results` (each a finished article); `errors` are files left out."""
    results = sorted(results, key=lambda r: r.id)
    signals = [signals_of(r) for r in results]
    candidates = candidate_pairs(signals)
    pairs = await asyncio.gather(
        *(
            _judged(calls, (results[i], results[j]), (signals[i], signals[j]), score)
            for i, j, score in candidates
        )
    )
    groups = _Groups(len(results))
    index = {r.id: i for i, r in enumerate(results)}
    for pair in pairs:
        if pair.relation == "same_event":
            groups.join(index[pair.articles[0]], index[pair.articles[1]])
    members: dict[int, list[int]] = {}
    for i in range(len(results)):
        members.setdefault(groups.find(i), []).append(i)
    events = await asyncio.gather(
        *(
            _event(calls, [results[i] for i in group], [signals[i] for i in group])
            for group in members.values()
        )
    )
    event_of = {a: e.id for e in events for a in e.articles}
    links: dict[tuple[str, str], EventLink] = {}
    for pair in pairs:
        a, b = sorted(event_of[x] for x in pair.articles)
        if pair.relation == "related" and a != b and (a, b) not in links:
            links[(a, b)] = EventLink(events=(a, b), reason=pair.reason)
    ledger = calls.ledger
    hits = sum(1 for status in ledger.cache.values() if status == "hit")
    return Digest(
        events=list(events),
        links=list(links.values()),
        pairs=sorted(pairs, key=lambda p: -p.score),
        errors=list(errors),
        calls=ledger.attempts.calls - hits,
        cached_calls=hits,
    )
