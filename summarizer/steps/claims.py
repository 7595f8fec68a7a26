"""The claims step: every checkable sentence as a claim in its English, the model's picks when
asked for (the claims call, salvage of a partly valid answer), attribution, verbatim quotes."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from pydantic import ValidationError

from summarizer.article import Article
from summarizer.attribution import OUTLET, Attribution, attribute_all
from summarizer.budget import EXTRA_CLAIMS, claims_budget, max_claims_for
from summarizer.cached_call import ArticleCalls
from summarizer.conversation import Conversation
from summarizer.errors import OutputTruncatedError, ValidationFailedError
from summarizer.fidelity import describes, mend_numbers
from summarizer.grounding import locate_quote
from summarizer.schema import Claim, RejectedClaim
from summarizer.steps.claim_english import (
    checkable,
    copied,
    follows,
    holds,
    shares_anchor,
    without_others,
)
from summarizer.steps.translate import translate_turn
from summarizer.tasks import ClaimPick, ClaimPicks

__all__ = ["extract_claims"]


async def extract_claims(
    article: Article,
    talk: Conversation,
    calls: ArticleCalls,
    *,
    multi: bool,
    check: bool = True,
    pick: bool = False,
) -> tuple[list[Claim], list[RejectedClaim]]:
    """The grounded claims of one chunk (after its conversation), and the rejected ones:
    every checkable sentence in its aligned English (one whose English is missing or not its
    own is translated alone), attributed by code. `pick`: the model picks and phrases claims
    in a call of its own (the claims prompt), and the other sentences with aligned English of
    their own are claims too; `multi`: the article has several chunks (the calls are named
    per chunk); `check`: a sentence translated for a claim is checked like a paragraph
    (`translate_turn`)."""
    chunk = talk.chunk
    context = {
        "turns": talk.turns,
        "sentences": [asdict(s) for s in chunk.sentences],  # for the validator, not the prompt
        "max_claims": max_claims_for(len(chunk.sentences)),
    }
    name = f"claims:{chunk.index}" if multi else "claims"
    picks, max_claims = ClaimPicks.model_construct(claims=[], rejected=[]), 0
    if pick:
        picks, name, max_claims = await _pick(name, context, calls)
    language = article.language if check else ""
    aligned, joined = talk.alignment()  # the conversation is complete: computed once
    chosen, untranslated = await _in_english(
        article, talk, aligned, picks.claims, name, calls, language
    )
    if pick:
        chosen = chosen[: max_claims + EXTRA_CLAIMS]
    extra, lacking = _every_other_sentence(article, chosen, aligned, joined, context)
    if lacking and not pick:  # translated alone, then made claims like the others
        alone = await _alone(article, talk, lacking, joined, name, calls, language)
        aligned, joined = aligned | alone, joined - set(alone)
        again = _every_other_sentence(
            article, chosen + extra, aligned, joined, context, frozenset(alone)
        )
        extra += again[0]
    chosen += extra
    sentences = ((s.number, s.paragraph, s.text) for s in chunk.sentences)
    attributions = attribute_all(sentences, aligned, article.language)
    for second in joined:  # a pair rendered as one: the pair's claim takes a named source
        first = attributions.get(second - 1)
        if first is not None and not first.named and attributions[second].named:
            attributions[second - 1] = attributions[second]
    claims, rejected = _grounded(article, chosen, untranslated, attributions)
    if pick and not claims and max_claims == 0:  # the model picked none (cut off), nor code
        raise OutputTruncatedError(f"{name}: {picks.rejected[0].reason}", task=name)
    claims.sort(key=lambda claim: claim.start)
    return claims, [*picks.rejected, *rejected]


async def _alone(
    article: Article,
    talk: Conversation,
    lacking: list[int],
    joined: set[int],
    name: str,
    calls: ArticleCalls,
    language: str,
) -> dict[int, str]:
    """English for checkable sentences whose aligned English is missing or not theirs (a
    paragraph the translation merged or reordered): each translated alone, a call each, and
    a sentence rendered together with it too; an English source's sentences are their own."""
    sentences = {s.number: s for s in talk.chunk.sentences}
    wanted = sorted({*lacking, *(n + 1 for n in lacking if n + 1 in joined)})
    if article.language == "en":
        return {n: sentences[n].text for n in wanted}
    out: dict[int, str] = {}
    for number in wanted:
        try:
            english = await translate_turn(
                list(talk.turns),
                [sentences[number]],
                f"{name}.en:{number}",
                calls,
                language=language,
            )
        except (OutputTruncatedError, ValidationFailedError):
            continue  # no English, no claim: the paragraph's translation still has it
        if english := without_others(english, sentences[number].text, article):
            out[number] = english
    return out


def _every_other_sentence(
    article: Article,
    chosen: list[ClaimPick],
    aligned: dict[int, str],
    joined: set[int],
    context: dict[str, Any],
    alone: frozenset[int] = frozenset(),
) -> tuple[list[ClaimPick], list[int]]:
    """Claims of the checkable sentences (`checkable`) not yet chosen, from their aligned
    English (no call), and the numbers of those whose English is missing, not really
    English, or not theirs (`holds`: misaligned; a sentence translated `alone` is its own,
    whatever anchors its English leaves out). Two sentences rendered as one English sentence
    (`joined`) are one claim quoting both. Exhaustive coverage is code's."""
    picked = {pick.sentence for pick in chosen}
    around: dict[int, str] = {}  # each paragraph's aligned English
    for sentence in context["sentences"]:
        number, paragraph = int(sentence["number"]), int(sentence["paragraph"])
        around[paragraph] = f"{around.get(paragraph, '')} {aligned.get(number, '')}"
    extra: list[ClaimPick] = []
    lacking: list[int] = []
    by_number = {int(s["number"]): s for s in context["sentences"]}
    for sentence in context["sentences"]:
        number = int(sentence["number"])
        if number in picked or number + 1 in joined & picked or number in joined:
            continue
        end = int(by_number[number + 1]["end"]) if number + 1 in joined else int(sentence["end"])
        text = article.text[int(sentence["start"]) : end]
        if not checkable(text):
            continue
        english = without_others(aligned.get(number, ""), text, article)
        if (
            not english
            or copied(english, text, article.language)
            or describes(text, english)  # "The article discusses …": no claim of the source
            or (
                number not in alone and not holds(english, text, around[int(sentence["paragraph"])])
            )
        ):
            lacking.append(number)
            continue
        raw = {"sentence": number, "speaker": OUTLET, "kind": "statement", "text_en": english}
        pick = ClaimPick.model_validate(raw, context=context)
        extra.append(pick.model_copy(update={"quote": text, "end": end}))
    return extra, lacking


async def _pick(
    base_name: str, context: dict[str, Any], calls: ArticleCalls
) -> tuple[ClaimPicks, str, int]:
    """The claims call: an answer that fails validation after the re-asks is salvaged claim
    by claim; a cut-off one is asked again for half as many claims. Returns the picks, the
    name of the call that gave them, and how many claims it asked for."""
    name, max_claims = base_name, int(context["max_claims"])
    while True:
        budget = claims_budget(max_claims)
        try:
            picks = await calls.structured(name, "claims", context, ClaimPicks, budget)
        except ValidationFailedError as exc:
            salvaged = _salvage_claims(exc, context)
            if salvaged is None:  # no claims to keep or to reject: the task failed
                raise
            calls.store_salvage("claims", context, budget, salvaged, exc)
            picks = salvaged
        except OutputTruncatedError as exc:  # never used cut off: ask for half as many
            calls.ledger.truncated()
            if max_claims == 1:  # no picks: the sentences' own claims stand alone
                reason = f"no claims picked by the model: {exc}"
                return (
                    ClaimPicks(claims=[], rejected=[RejectedClaim(claim={}, reason=reason)]),
                    name,
                    0,
                )
            max_claims //= 2
            context = {**context, "max_claims": max_claims}
            name = f"{base_name}.n{max_claims}"
            continue
        return picks, name, max_claims


def _salvage_claims(exc: ValidationFailedError, context: dict[str, Any]) -> ClaimPicks | None:
    """After the re-ask budget: keep each claim that validates, reject the rest with a reason;
    None when the answer holds no list of claim objects at all (nothing to keep or reject)."""
    try:
        data = json.loads(exc.last_output or "")
        raw_claims = data.get("claims", []) if isinstance(data, dict) else []
    except (json.JSONDecodeError, AttributeError):
        raw_claims = []
    if not isinstance(raw_claims, list) or not any(isinstance(c, dict) for c in raw_claims):
        return None
    kept: list[ClaimPick] = []
    rejected: list[RejectedClaim] = []
    for raw in raw_claims:
        try:
            kept.append(ClaimPick.model_validate(raw, context=context))
        except ValidationError as err:
            reasons = "; ".join(e["msg"] for e in err.errors())
            claim = raw if isinstance(raw, dict) else {"raw": raw}
            rejected.append(RejectedClaim(claim=claim, reason=reasons))
    return ClaimPicks(claims=kept, rejected=rejected)


async def _in_english(
    article: Article,
    talk: Conversation,
    aligned: dict[int, str],
    picks: list[ClaimPick],
    name: str,
    calls: ArticleCalls,
    language: str,
) -> tuple[list[ClaimPick], dict[int, str]]:
    """The picks, each with English of its own sentence. Small models copy the source sentence
    instead of writing English, or describe a neighbouring sentence (an injected one, say):
    then the claim's English is its own sentence's, from the numbered translation, or else
    translated alone (a call, checked for a source in `language`). Also returns, by index,
    why a pick has no English (such a claim is rejected, not fatal)."""
    chosen = list(picks)
    untranslated: dict[int, str] = {}
    for i, pick in enumerate(chosen):
        english = without_others(aligned.get(pick.sentence, ""), pick.quote or "", article)
        pick = chosen[i] = pick.model_copy(
            update={"text_en": without_others(pick.text_en, pick.quote or "", article)}
        )
        in_source = copied(pick.text_en, pick.quote or "", article.language)
        own = not in_source and shares_anchor(pick.text_en, pick.quote or "")
        usable = english and not copied(english, pick.quote or "", article.language)
        if own and (not usable or follows(pick.text_en, english)):
            continue
        if not usable:
            (sentence,) = [s for s in talk.chunk.sentences if s.number == pick.sentence]
            try:
                english = await translate_turn(
                    list(talk.turns),
                    [sentence],
                    f"{name}.en:{pick.sentence}",
                    calls,
                    language=language,
                )
            except (OutputTruncatedError, ValidationFailedError) as exc:
                untranslated[i] = f"no English for sentence {pick.sentence}: {exc}"
                continue
            english = without_others(english, pick.quote or "", article)
        if not english:
            untranslated[i] = f"no English for sentence {pick.sentence} alone"
            continue
        chosen[i] = pick.model_copy(update={"text_en": english})
    return chosen, untranslated


def _claim(pick: ClaimPick, attribution: Attribution | None) -> Claim:
    """A pick as a claim, attributed by code: a cue (or a continued speaker) found in its
    sentence decides speaker and attribution; else the model's attribution counts only when
    verbatim in the sentence. The kind always follows code's rules (`summarizer.attribution`)."""
    speaker, cue, kind = pick.speaker.strip(), _verbatim_attribution(pick), pick.kind
    if attribution is not None and attribution.named:
        speaker, cue, kind = attribution.speaker, attribution.cue, attribution.kind
    elif attribution is not None:
        speaker = speaker if cue else OUTLET
        kind = attribution.kind if not cue or attribution.kind != "statement" else "report"
    return Claim(
        text_en=mend_numbers(pick.text_en.strip(), pick.quote or ""),
        speaker=speaker or OUTLET,
        attribution=cue,
        kind=kind,
        quote=pick.quote or "",
        start=pick.start,
        end=pick.end,
    )


def _grounded(
    article: Article,
    picks: list[ClaimPick],
    untranslated: dict[int, str],
    attributions: dict[int, Attribution],
) -> tuple[list[Claim], list[RejectedClaim]]:
    """The picks as claims whose quote is verbatim in the cleaned text at its offsets, each
    span once; the others rejected with a reason."""
    claims: list[Claim] = []
    rejected: list[RejectedClaim] = []
    seen: set[tuple[int, int]] = set()
    for i, pick in enumerate(picks):
        claim = _claim(pick, attributions.get(pick.sentence))
        if i in untranslated:
            rejected.append(RejectedClaim(claim=claim.model_dump(), reason=untranslated[i]))
            continue
        # Independent check: the quote must be verbatim in the cleaned text at its offsets.
        span = locate_quote(claim.quote, article.text, within=(claim.start, claim.end))
        if span is None or article.text[claim.start : claim.end] != claim.quote:
            rejected.append(RejectedClaim(claim=claim.model_dump(), reason="quote not found"))
            continue
        if (claim.start, claim.end) in seen:
            continue
        seen.add((claim.start, claim.end))
        claims.append(claim)
    return claims, rejected


def _verbatim_attribution(pick: ClaimPick) -> str:
    """The model's attribution phrase as the source gives it, if it is verbatim in the
    claim's sentence, else ""."""
    phrase = pick.attribution.strip()
    sentence = pick.quote or ""
    if phrase and (span := locate_quote(phrase, sentence)) is not None:
        return sentence[span[0] : span[1]]
    return ""
