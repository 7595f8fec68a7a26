"""The digest schema: events across articles, their merged claims and discrepancies."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from summarizer.schema import ClaimKind

__all__ = [
    "DIGEST_FORMAT",
    "ClaimSource",
    "Digest",
    "DigestFileError",
    "Discrepancy",
    "DiscrepancyValue",
    "Event",
    "EventLink",
    "MergedClaim",
    "PairJudgement",
    "Relation",
]

DIGEST_FORMAT = "summarizer.digest/1"
Relation = Literal["same_event", "related", "different"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ClaimSource(_Model):
    """One article's version of a merged claim, grounded in its own text."""

    article: str
    text_en: str
    speaker: str
    attribution: str
    kind: ClaimKind
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class MergedClaim(_Model):
    """A claim as one entry, with every source that states it."""

    text_en: str
    sources: list[ClaimSource] = Field(min_length=1)


class DiscrepancyValue(_Model):
    """What one source says on a detail, with the words it says it in."""

    article: str
    value: str
    quote: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Discrepancy(_Model):
    """A detail on which the reports of one event disagree."""

    about: Literal["date", "number", "name", "place", "speaker"]
    detail: str = Field(description="What the values are about, e.g. 'date of the meeting'.")
    values: list[DiscrepancyValue] = Field(min_length=2)


class PairJudgement(_Model):
    """How two articles relate, as decided (by the model, or by code without a call)."""

    articles: tuple[str, str]
    relation: Relation
    reason: str
    score: float = Field(description="The cheap signals' similarity that made it a candidate.")
    by: Literal["model", "code"]


class Event(_Model):
    """Articles about the same real-world occurrence (one article may stand alone)."""

    id: str
    title: str
    date: str | None = Field(description="The date, or a range 'a .. b', as the members give it.")
    articles: list[str] = Field(min_length=1)
    summary_en: str
    claims: list[MergedClaim]
    discrepancies: list[Discrepancy]


class EventLink(_Model):
    """Two events that are related but are not the same occurrence."""

    events: tuple[str, str]
    reason: str


class DigestFileError(_Model):
    """A result file the digest could not use, and why."""

    path: str
    error: str
    message: str


class Digest(_Model):
    """The digest of a finished run's results."""

    format: str = DIGEST_FORMAT
    events: list[Event]
    links: list[EventLink]
    pairs: list[PairJudgement] = Field(description="Every candidate pair and its judgement.")
    errors: list[DigestFileError]
    calls: int = Field(0, description="Model calls made (answers not in the cache).")
    cached_calls: int = Field(0, description="Calls answered from the cache.")
