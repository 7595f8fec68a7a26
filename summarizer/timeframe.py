"""Summary sentences keep each number in the year its source gives it.

A small model summarizing "Am Donnerstag wurden 34 Menschen verletzt. … Bei einem Beben im
Jahr 1999 waren … mehr als 17.000 Menschen ums Leben gekommen" writes "The earthquake
occurred on Thursday, 34 people were injured, and more than 17,000 people died": the dead of
1999 become Thursday's. Code sees that cheaply. Each source sentence stands under the years
it names, or else under the last year its paragraph named before it. A number of a summary
sentence is out of its time when every source sentence stating it stands under a year that the
summary sentence does not name. Such a sentence is replaced by the English of the claim it
restates most, when that claim keeps its own numbers in time and is not in the list already;
otherwise it is left out, unless it is the last one left.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from summarizer.article import Article
from summarizer.fidelity import english_digit_values, source_values
from summarizer.restatement import restated
from summarizer.schema import Claim
from summarizer.tasks import SummaryDraft

__all__ = ["kept_in_time", "out_of_time"]

_YEAR = re.compile(r"(?<![\d.,])(?:1[89]\d\d|20\d\d)(?!\d|[.,]\d)")


def kept_in_time(draft: SummaryDraft, claims: Sequence[Claim], article: Article) -> SummaryDraft:
    """The draft with each summary sentence that states a number out of its
    time (`out_of_time`) replaced by a claim's English, or left out."""
    times = _times(article)
    return draft.model_copy(
        update={
            "summary_sentences": _in_time(draft.summary_sentences, claims, times),
        }
    )


def out_of_time(text: str, article: Article) -> list[float]:
    """The numbers `text` (an English summary sentence about `article`) states out of their
    time: each one every source sentence of which stands under a year `text` does not name."""
    return _out_of_time(text, _times(article))


def _times(article: Article) -> list[tuple[set[float], set[str]]]:
    """Each source sentence's number values and the years it stands under: its own, else the
    last one named earlier in its paragraph (none for a paragraph without years so far)."""
    out: list[tuple[set[float], set[str]]] = []
    last: dict[int, str] = {}
    for sentence in article.sentences:
        own = _YEAR.findall(sentence.text)
        if own:
            last[sentence.paragraph] = own[-1]
        years = set(own) or ({last[sentence.paragraph]} if sentence.paragraph in last else set())
        out.append((source_values(sentence.text), years))
    return out


def _out_of_time(text: str, times: list[tuple[set[float], set[str]]]) -> list[float]:
    named = set(_YEAR.findall(text))
    out: list[float] = []
    for value in sorted(english_digit_values(text)):
        if value == int(value) and 1800 <= value < 2100:
            continue  # a year itself
        owners = [years for values, years in times if value in values]
        if owners and all(years and not years & named for years in owners):
            out.append(value)
    return out


def _in_time(
    items: list[str], claims: Sequence[Claim], times: list[tuple[set[float], set[str]]]
) -> list[str]:
    kept: list[str] = []
    for i, item in enumerate(items):
        if not _out_of_time(item, times):
            kept.append(item)
            continue
        others = [*kept, *items[i + 1 :]]
        if (claim := _restated(item, claims, times, others)) is not None:
            kept.append(claim.text_en)
        elif not others:
            kept.append(item)  # the last one left: a summary needs a sentence
    return kept


def _restated(
    text: str,
    claims: Sequence[Claim],
    times: list[tuple[set[float], set[str]]],
    others: list[str],
) -> Claim | None:
    """The claim `text` restates (`summarizer.restatement.restated`) among those whose English
    keeps its numbers in time and is not one of `others`."""
    candidates = [
        c for c in claims if c.text_en not in others and not _out_of_time(c.text_en, times)
    ]
    return restated(text, candidates)
