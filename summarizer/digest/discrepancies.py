"""Discrepancy candidates, found by code in an event's merged claims and source spellings:
different dates, numbers or places in claims that state the same thing, different speakers
of one claim, and one name spelled differently. The model may only dismiss them
(`judge.draft_event`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from summarizer.attribution import OUTLET
from summarizer.digest.merging import source_of
from summarizer.digest.model import ClaimSource, Discrepancy, DiscrepancyValue, MergedClaim
from summarizer.digest.signals import dates_in, name_key, names_in, spoken
from summarizer.schema import ArticleResult

__all__ = ["describe", "discrepancy_candidates"]

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")


def _value(source: ClaimSource, value: str) -> DiscrepancyValue:
    return DiscrepancyValue(
        article=source.article, value=value, quote=source.quote, start=source.start, end=source.end
    )


def _dates(source: ClaimSource) -> set[str]:
    return {d[-5:] for text in (source.quote, source.text_en) for d, _, _ in dates_in(text)}


def _numbers(source: ClaimSource) -> set[str]:
    """Numbers of a claim's source sentence, dates and years left out."""
    text = source.quote
    for _, start, end in reversed(dates_in(text)):
        text = text[:start] + text[end:]
    return {
        n.replace(",", ".")
        for n in _NUMBER.findall(text)
        if not (len(n) == 4 and n[:2] in ("19", "20"))
    }


def _places(source: ClaimSource, places: set[str]) -> dict[str, str]:
    """The places a claim's source sentence names (of the members' place entities), by key."""
    return {
        name_key(word): word
        for run in names_in(source.quote)
        for word in run.split()
        if name_key(word) in places
    }


def _in_claims(merged: Sequence[MergedClaim], places: set[str]) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    for entry in merged:
        firsts = {s.article: s for s in reversed(entry.sources)}
        sources = list(firsts.values())[::-1]
        if len(sources) < 2:
            continue
        a, b = sources[0], sources[1]
        dates_a, dates_b = _dates(a), _dates(b)
        if dates_a and dates_b and not dates_a & dates_b:
            detail = f"date in: {entry.text_en}"
            values = [_value(a, ", ".join(map(spoken, sorted(dates_a))))]
            values.append(_value(b, ", ".join(map(spoken, sorted(dates_b)))))
            found.append(Discrepancy(about="date", detail=detail, values=values))
        numbers_a, numbers_b = _numbers(a), _numbers(b)
        if numbers_a and numbers_b and not numbers_a & numbers_b:
            values = [_value(a, ", ".join(sorted(numbers_a)))]
            values.append(_value(b, ", ".join(sorted(numbers_b))))
            found.append(Discrepancy(about="number", detail=f"in: {entry.text_en}", values=values))
        places_a, places_b = _places(a, places), _places(b, places)
        if places_a and places_b and not places_a.keys() & places_b.keys():
            values = [_value(a, ", ".join(sorted(places_a.values())))]
            values.append(_value(b, ", ".join(sorted(places_b.values()))))
            found.append(Discrepancy(about="place", detail=f"in: {entry.text_en}", values=values))
        speakers = [s.speaker for s in (a, b)]
        keys = [{name_key(w) for w in s.split()} - {""} for s in speakers]
        if OUTLET not in speakers and not keys[0] & keys[1]:
            values = [_value(a, a.speaker), _value(b, b.speaker)]
            found.append(
                Discrepancy(about="speaker", detail=f"who said: {entry.text_en}", values=values)
            )
    return found


def _name_runs(text: str, known: set[str]) -> list[str]:
    """The names in `text` as written: runs of capitalised words cut down to the words that
    the members' entity names hold (by spelling-insensitive key), so that 'Herrn' or
    'Verteidigungsminister' before a name is left out."""
    runs = []
    for run in names_in(text):
        words: list[str] = []
        for word in [*run.split(), ""]:
            if word and all(name_key(part) in known for part in word.split("-")):
                words.append(word)
                continue
            if words:
                runs.append(" ".join(words))
            words = []
    return runs


def _spellings(members: Sequence[ArticleResult]) -> list[Discrepancy]:
    """Names the members' source texts spell differently (each member's usual spelling)."""
    known = {
        name_key(part)
        for m in members
        for e in m.entities
        for word in e.name.split()
        for part in word.split("-")
    } - {""}
    usual: list[dict[str, tuple[str, ClaimSource]]] = []
    for member in members:
        counts: Counter[tuple[str, str]] = Counter()
        where: dict[str, ClaimSource] = {}
        for claim in member.claims:
            for surface in _name_runs(claim.quote, known):
                if len(surface) >= 4:
                    counts[(name_key(surface), surface)] += 1
                    where.setdefault(surface, source_of(member.id, claim))
        best: dict[str, tuple[str, ClaimSource]] = {}
        for (key, surface), _ in counts.most_common():
            best.setdefault(key, (surface, where[surface]))
        usual.append(best)
    shared = set(usual[0]).intersection(*usual[1:]) if len(usual) > 1 else set()
    differing = [k for k in shared if len({u[k][0] for u in usual}) > 1]
    found = []
    for key in sorted(differing, key=len, reverse=True):
        if any(key in longer for longer in differing if longer != key):
            continue  # 'Belousow' within 'Andrej Belousow': one discrepancy
        forms = [u[key] for u in usual]
        values = [_value(source, surface) for surface, source in forms]
        found.append(Discrepancy(about="name", detail=f"spelling of {forms[0][0]}", values=values))
    return found


def discrepancy_candidates(
    members: Sequence[ArticleResult], merged: Sequence[MergedClaim]
) -> list[Discrepancy]:
    """What code finds the members disagree on (candidates the model may dismiss)."""
    places = {
        name_key(word)
        for m in members
        for e in m.entities
        if e.type == "place"
        for word in e.name.split()
    } - {""}
    return _in_claims(merged, places) + _spellings(members)


def describe(discrepancy: Discrepancy, names: dict[str, str]) -> str:
    """One line for the model: what differs, and each report's value."""
    said = "; ".join(f'{names[v.article]} says "{v.value}"' for v in discrepancy.values)
    return f"{discrepancy.about} ({discrepancy.detail}): {said}"
