"""Attribution scorers: whether claims name the right speaker and carry the right kind.

Both judge claims through the facts they state: a claim states a gold fact when its `text_en`
matches the fact's term groups (`fact_matches`, the fact-coverage matcher).
"""

from __future__ import annotations

from summarizer.evaluation.gold import GoldFact, GoldRecord
from summarizer.evaluation.matching import contains, fact_matches, fold
from summarizer.evaluation.metrics import (
    KIND_ACCURACY,
    KIND_CLAIMS_COUNT,
    KIND_CORRECT_COUNT,
    SPEAKER_ACCURACY,
    SPEAKER_CORRECT_COUNT,
    SPEAKER_FACTS_COUNT,
    Metrics,
    Score,
    ratio,
)
from summarizer.schema import ArticleResult, Claim

__all__ = [
    "KindAccuracy",
    "KindCheck",
    "SpeakerAccuracy",
    "SpeakerCheck",
    "has_quotation_marks",
    "kind_accuracy",
    "names_speaker",
    "speaker_accuracy",
]

_QUOTATION_MARKS = '„“”"«»‹›‚'
"""Marks that only ever quote: German, English and French double quotes, guillemets, and the
German low single opening mark. The straight `'` and a lone `’` are apostrophes too."""


class SpeakerCheck(Score):
    """One gold fact with a named speaker, and the claims that state it."""

    fact_id: str
    expected: list[str]
    claims: list[int]
    speakers: list[str]
    correct: bool


class SpeakerAccuracy(Score):
    """Named-source gold facts stated by claims: the share whose claims name the source.

    `accuracy` is None when no such fact is stated by any claim.
    """

    checks: list[SpeakerCheck]
    accuracy: float | None

    @property
    def wrong(self) -> list[SpeakerCheck]:
        """The facts whose claims all name someone else."""
        return [c for c in self.checks if not c.correct]

    def metrics(self) -> Metrics:
        """`speaker_accuracy`, `speaker_facts_count`, `speaker_correct_count`."""
        correct = sum(c.correct for c in self.checks)
        return {
            SPEAKER_ACCURACY.name: self.accuracy,
            SPEAKER_FACTS_COUNT.name: len(self.checks),
            SPEAKER_CORRECT_COUNT.name: correct,
        }


def names_speaker(claim: Claim, spellings: list[str]) -> bool:
    """Whether the claim's `speaker` or `attribution` (the verbatim cue) contains one of the
    spellings, standing on its own (word-edge rules of `contains`)."""
    fields = [fold(claim.speaker), fold(claim.attribution)]
    return any(contains(f, fold(s), words=True) for f in fields for s in spellings)


def speaker_accuracy(result: ArticleResult, record: GoldRecord) -> SpeakerAccuracy:
    """The share of named-source facts whose claims name their source.

    Counted: gold facts with a non-empty `speaker` that at least one claim states. Such a fact
    is right when any claim stating it names one of the accepted spellings in its `speaker` or
    `attribution` (see `names_speaker`). Facts the outlet asserts itself (empty `speaker`) are
    not counted, whatever speaker a claim gives them; facts no claim states are `fact_recall`'s
    business, not this one's.
    """
    checks: list[SpeakerCheck] = []
    for fact in record.facts:
        if not fact.speaker:
            continue
        stating = [i for i, c in enumerate(result.claims) if fact_matches(fact, c.text_en)]
        if not stating:
            continue
        checks.append(
            SpeakerCheck(
                fact_id=fact.id,
                expected=fact.speaker,
                claims=stating,
                speakers=[result.claims[i].speaker for i in stating],
                correct=any(names_speaker(result.claims[i], fact.speaker) for i in stating),
            )
        )
    return SpeakerAccuracy(
        checks=checks, accuracy=ratio(sum(c.correct for c in checks), len(checks))
    )


def has_quotation_marks(text: str) -> bool:
    """Whether `text` holds a quotation mark: one of „ “ ” " « » ‹ › ‚, or a ‘ with a ’ after
    it (a pair: a lone ’ or ' is an apostrophe)."""
    if any(mark in text for mark in _QUOTATION_MARKS):
        return True
    opening = text.find("‘")
    return opening >= 0 and "’" in text[opening + 1 :]


class KindCheck(Score):
    """One judged claim: its kind, the kinds of the annotated gold facts it states, and why it
    is wrong (`problem`, empty when right)."""

    index: int
    kind: str
    expected: list[str]
    problem: str
    correct: bool


class KindAccuracy(Score):
    """Judged claims with the right kind; `accuracy` is None when no claim is judged."""

    checks: list[KindCheck]
    accuracy: float | None

    @property
    def wrong(self) -> list[KindCheck]:
        """The judged claims with a wrong kind."""
        return [c for c in self.checks if not c.correct]

    def metrics(self) -> Metrics:
        """`kind_accuracy`, `kind_claims_count`, `kind_correct_count`."""
        return {
            KIND_ACCURACY.name: self.accuracy,
            KIND_CLAIMS_COUNT.name: len(self.checks),
            KIND_CORRECT_COUNT.name: sum(c.correct for c in self.checks),
        }


def _kind_problem(claim: Claim, expected: list[str]) -> str:
    if expected and claim.kind not in expected:
        return f"gold kind {' or '.join(expected)}"
    if claim.kind == "quote" and not has_quotation_marks(claim.quote):
        return "quote without quotation marks in the source"
    return ""


def kind_accuracy(result: ArticleResult, record: GoldRecord) -> KindAccuracy:
    """The share of judged claims whose `kind` is right.

    Judged: every claim that states a gold fact with an annotated `kind`, and every claim of
    kind `quote`. A judged claim is right when both hold:

    - gold: if it states annotated facts, its kind is the kind of one of them;
    - code: if its kind is `quote`, its `quote` (the verbatim source span) holds quotation
      marks (`has_quotation_marks`): words are a quote only when the source quotes them.
    """
    annotated: list[GoldFact] = [f for f in record.facts if f.kind is not None]
    checks: list[KindCheck] = []
    for i, claim in enumerate(result.claims):
        expected = sorted({str(f.kind) for f in annotated if fact_matches(f, claim.text_en)})
        if not expected and claim.kind != "quote":
            continue
        problem = _kind_problem(claim, expected)
        checks.append(
            KindCheck(
                index=i, kind=claim.kind, expected=expected, problem=problem, correct=not problem
            )
        )
    return KindAccuracy(checks=checks, accuracy=ratio(sum(c.correct for c in checks), len(checks)))
