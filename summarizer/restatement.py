"""Summary sentences that restate a claim keep the claim's speaker.

A small model summarizing "Kim told Shoigu that North Korea supports Russia" writes "Shoigu
told Kim that he supports Russia": the same words with the roles swapped. Code catches that
when the summary sentence names who speaks: the claim it restates (the one sharing most of
its content words) has a named speaker, and the summary's speaker is not that one. The same holds
for who does what ("Kim visited Belousov" for "Kim received Belousov, who visited
Pyongyang"): the doer of a verb both share is another party in the claim, who appears in the
summary after that verb. Such a sentence is replaced by the claim's own English, which is a
translation of the source.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from summarizer.attribution import OUTLET, speech_subject
from summarizer.meaning import lost_acts
from summarizer.schema import Claim
from summarizer.tasks import SummaryDraft

__all__ = ["restated", "restated_faithfully"]

_CONTENT = re.compile(r"\d+|[^\W\d_]{4,}")
_RESTATES = 0.5  # share of a sentence's content words a claim must have for it to restate it
_MIN_SHARED = 3  # and at least this many: two shared words are a topic, not a restatement
# A verb in the past: "visited", "received", or one of the common irregular ones.
_DEED = re.compile(
    r"\b(?:[a-z]{3,}ed|met|told|gave|sent|led|won|beat|hit|sold|paid|took|left|made|fought|"
    r"caught|brought|bought|struck|shot|threw|chose|held|sought)\b"
)
_AUXILIARY = re.compile(r"(?:\s+(?:has|had|have|also|then|reportedly|who|which|that))+$")
_PASSIVE = re.compile(r"\b(?:was|were|been|being|is|are|be)$")
_NAME = re.compile(r"[A-Z][\w\-’'.]*(?:\s+[A-Z][\w\-’'.]*)*")


def restated_faithfully(
    draft: SummaryDraft, claims: Sequence[Claim], language: str = ""
) -> SummaryDraft:
    """The draft with each summary sentence that gives a claim to the wrong
    speaker, swaps who does what, or turns an accusation or a denial of its source sentence
    into something else (`summarizer.fidelity.lost_acts`, for sources in `language`) replaced
    by that claim's English; a sentence that then says what one before it says, word for word,
    is left out (a replaced "The United States has warned …" became the summary's next
    sentence, "Ajit Pai … warned …", twice)."""
    sentences: list[str] = []
    for sentence in draft.summary_sentences:
        faithful = _faithful(sentence, claims, language)
        if " ".join(faithful.casefold().split()) not in {
            " ".join(s.casefold().split()) for s in sentences
        }:
            sentences.append(faithful)
    return draft.model_copy(update={"summary_sentences": sentences})


def _faithful(text: str, claims: Sequence[Claim], language: str) -> str:
    speakers = speech_subject(text)
    claim = restated(text, claims, speakers)
    if claim is None:
        return text
    lost = lost_acts(claim.quote, text, language)
    if lost and len(lost_acts(claim.quote, claim.text_en, language)) < len(lost):
        return claim.text_en
    if not speakers:
        return claim.text_en if _swapped(text, claim.text_en) else text
    if claim.speaker == OUTLET:
        return text
    # The claim's speaker, or whom its own English has speak ("KCNA: Kim told Shoigu ...").
    parties = (claim.speaker, *speech_subject(claim.text_en))
    if any(_same_party(s, p) for s in speakers for p in parties):
        return text
    return claim.text_en


def _swapped(summary: str, claim: str) -> bool:
    """Whether `summary` has another doer than `claim` for a verb both use, and the claim's
    doer is who the summary's verb acts on."""
    for verb in set(_DEED.findall(summary)) & set(_DEED.findall(claim)):
        ours, theirs = _doer(summary, verb), _doer(claim, verb)
        if not ours or not theirs or _same_party(ours, theirs):
            continue
        after = summary[summary.index(verb) + len(verb) :]
        if any(_same_head(theirs, name) for name in _NAME.findall(after)):
            return True
    return False


def _same_head(one: str, other: str) -> bool:
    """Whether two names end in the same word, spelling aside ("Andrei Belousov",
    "Defense Minister Beloussow"); "North Korea" is not "North Korean President Kim"."""
    a, b = one.split()[-1].casefold(), other.split()[-1].casefold()
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.75


def _doer(text: str, verb: str) -> str:
    """Who does `verb` (its first use) in `text`: the last name before it, past an
    apposition between commas, a relative pronoun or an auxiliary; "" for a passive verb."""
    raw = text[: re.search(rf"\b{verb}\b", text).start()].rstrip()  # type: ignore[union-attr]
    bare = _AUXILIARY.sub("", raw)
    relative = re.search(r"\b(?:who|which|that)\b", raw[len(bare) :]) is not None
    before = bare.rstrip(" ,")
    if _PASSIVE.search(before):
        return ""
    if not relative and raw[len(before) :].lstrip().startswith(","):
        before = before[: before.rfind(",")]  # past "Kim, North Korea's leader, visited"
    names = _NAME.findall(before)
    return names[-1] if names else ""


def _words(text: str) -> set[str]:
    return {w[:5] for w in _CONTENT.findall(text.casefold())}


def restated(text: str, claims: Sequence[Claim], speakers: Sequence[str] = ()) -> Claim | None:
    """The claim `text` restates: the one sharing most of its content words (its `speakers`'
    words aside), if it shares at least half of them, and three or more."""
    words = _words(text) - _words(" ".join(speakers))
    if not words:
        return None
    best = max(claims, key=lambda c: len(words & _words(c.text_en)), default=None)
    shared = len(words & _words(best.text_en)) if best is not None else 0
    if shared < max(_MIN_SHARED, _RESTATES * len(words)):
        return None
    return best


def _same_party(one: str, other: str) -> bool:
    """Whether two speakers name the same party: a word of one is a word of the other,
    spelling aside ("Schoigu"/"Shoigu", "Korean"/"Korea")."""
    first = [w.casefold() for w in re.findall(r"[^\W\d_]{3,}", one) if w[0].isupper()]
    second = [w.casefold() for w in re.findall(r"[^\W\d_]{3,}", other) if w[0].isupper()]
    return any(difflib.SequenceMatcher(None, a, b).ratio() >= 0.75 for a in first for b in second)
