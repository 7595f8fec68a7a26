"""The result schema: what summarizer returns for one article (field names are a fixed contract)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ArticleResult",
    "Attempts",
    "BatchCost",
    "Claim",
    "ClaimKind",
    "Entity",
    "EntityType",
    "Provenance",
    "RejectedClaim",
    "RemovedSpan",
    "Usage",
    "schema_hash",
]

EntityType = Literal["person", "organization", "place", "other"]
ClaimKind = Literal["statement", "quote", "allegation", "denial", "report"]


class Entity(BaseModel):
    """A named person, organization, place or other entity the article mentions."""

    name: str
    type: EntityType


class Claim(BaseModel):
    """An attributed claim, grounded by a verbatim quote of the cleaned source text."""

    text_en: str = Field(description="The claim in English.")
    speaker: str = Field(description="Who asserts it; 'the article' for the outlet itself.")
    attribution: str = Field(description="The source phrase as given, e.g. 'laut KCNA'.")
    kind: ClaimKind
    quote: str = Field(description="Verbatim span of the cleaned source text.")
    start: int = Field(ge=0, description="Offset of quote in the cleaned text.")
    end: int = Field(ge=0, description="End offset (exclusive) of quote in the cleaned text.")


class RejectedClaim(BaseModel):
    """A claim the model produced that failed grounding after every re-ask."""

    claim: dict[str, object]
    reason: str


class RemovedSpan(BaseModel):
    """Text stripped from the raw input before the model saw it (offsets in the raw text)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    reason: str


class Usage(BaseModel):
    """Token usage, including failed attempts and re-asks."""

    prompt_tokens: int = 0
    completion_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
        )


class Attempts(BaseModel):
    """How many requests each failure class cost, summed over the article's calls."""

    calls: int = Field(0, description="Logical LLM calls (cached ones included).")
    requests: int = Field(0, description="HTTP requests attempted (incl. failed connects).")
    reasks: int = Field(0, description="Validation re-asks made by instructor.")
    transport_retries: int = Field(0, description="Retries after 429/5xx/timeouts.")
    first_attempt_valid: int = Field(0, description="Uncached calls valid on the first try.")
    truncated: int = Field(0, description="Responses cut off at max_tokens (then split).")

    def __add__(self, other: Attempts) -> Attempts:
        return Attempts.model_validate(
            {k: getattr(self, k) + getattr(other, k) for k in Attempts.model_fields}
        )


class BatchCost(BaseModel):
    """How a result was paid for through a Batch API job (`run --batch`)."""

    job: str = Field(description="The batch job's id (`summarizer batch status JOB`).")
    discount: float = Field(
        description="Share of the live price not billed for the batch tokens (0.5: half price)."
    )


class Provenance(BaseModel):
    """Where a result came from, enough to reproduce and audit it."""

    model: str
    endpoint_host: str
    mode: str
    prompt_versions: dict[str, str]
    schema_hash: str
    cache: dict[str, Literal["hit", "miss"]] = Field(description="Per call: hit or miss.")
    attempts: Attempts
    usage: Usage
    saved_usage: Usage = Field(
        default_factory=Usage, description="Tokens that cache hits did not spend again."
    )
    seconds: float
    summarizer_version: str
    preprocessing_version: str
    agency_tags: list[str] = Field(
        default_factory=list, description="News agencies credited in the text, e.g. 'afp'."
    )
    batch: BatchCost | None = Field(
        None, description="Set when `usage` went through the Batch API, at its price."
    )
    notes: list[str] = Field(
        default_factory=list,
        description="What the run did instead of failing the article, e.g. a summary made of "
        "the first claims when the summary call failed.",
    )


class ArticleResult(BaseModel):
    """Everything summarizer produces for one article."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source_path: str | None
    sha256: str
    language: str
    title_original: str | None
    title_en: str
    summary_en: str
    key_points_en: list[str]
    entities: list[Entity]
    claims: list[Claim]
    translation_en: str
    removed: list[RemovedSpan]
    rejected_claims: list[RejectedClaim]
    provenance: Provenance


@cache
def schema_hash() -> str:
    """A short fingerprint of the result schema; it changes whenever a field changes."""
    schema = json.dumps(ArticleResult.model_json_schema(), sort_keys=True)
    return hashlib.sha256(schema.encode("utf-8")).hexdigest()[:16]
