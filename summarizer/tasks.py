"""Per-task response models and their validators for the three LLM calls.

The models are deliberately small (design for the weakest model we ship). Claims are
extractive: the model names a sentence number and code fills in the verbatim quote and
offsets, so grounding holds by construction; the validator still checks it and makes
instructor re-ask on an unknown sentence or a quote that is not in the source.
"""

from __future__ import annotations

import json
import re
from typing import Any

from instructor import OpenAISchema
from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from summarizer.budget import MAX_CLAIMS
from summarizer.grounding import locate_quote
from summarizer.schema import ClaimKind, Entity, RejectedClaim

__all__ = ["ClaimPick", "ClaimPicks", "SummaryDraft", "count_sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9])")


def count_sentences(text: str) -> int:
    """English sentences in `text` (for the 2-4 sentence rule of summaries)."""
    stripped = text.strip()
    return len(_SENTENCE_END.split(stripped)) if stripped else 0


class _Response(OpenAISchema):
    """A response model, ready for instructor as it is (so it is not wrapped anew in a
    subclass on every call), whose JSON schema, sent with every call, is built once."""

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The model's JSON schema; with the default arguments, a copy of a cached one."""
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        if cls not in _SCHEMAS:
            _SCHEMAS[cls] = super().model_json_schema()
        return dict(_SCHEMAS[cls])


_SCHEMAS: dict[type[BaseModel], dict[str, Any]] = {}


class SummaryDraft(_Response):
    """The summary call's answer, built from the English translation.

    The summary comes as a list of 2-4 sentences: a grammar-constrained server (llama.cpp's
    json_schema) then enforces the count, which a small model does not reliably obey in prose.
    """

    title_en: str = Field(min_length=3, max_length=200)
    summary_sentences: list[str] = Field(min_length=2, max_length=4)
    # No key points: the result's are claims chosen by code (`summarizer.key_points`). The
    # summary prompt still lists them, so that the model keeps its summary short (asked
    # without them, the 1.5B model wrote summaries about 40% longer); the schema has no such
    # field, so a grammar-constrained server never decodes them, and a model that writes them
    # anyway has them ignored. A comment, not the docstring: the docstring is the schema's
    # description, part of every cache key.
    entities: list[Entity] = Field(default_factory=list, max_length=30)

    @field_validator("summary_sentences")
    @classmethod
    def _no_empty_strings(cls, value: list[str]) -> list[str]:
        items = [" ".join(v.split()) for v in value]
        if any(not item for item in items):
            raise ValueError("items must not be empty strings")
        return items

    @model_validator(mode="after")
    def _at_most_four_sentences(self) -> SummaryDraft:
        if (n := count_sentences(self.summary_en)) > 4:
            raise ValueError(f"the summary must have 2 to 4 sentences in all, it has {n}")
        return self

    @classmethod
    def salvage(cls, raw: str | None) -> SummaryDraft | None:
        """Keep an answer that failed only on length: at most 4 summary sentences (the first
        of each item, then the rest in order) and 30 entities; None if it still
        does not validate."""
        try:
            data = json.loads(raw or "")
            items = [str(item) for item in data["summary_sentences"]]
        except (ValueError, TypeError, KeyError):
            return None
        pieces = [_SENTENCE_END.split(" ".join(item.split())) for item in items]
        firsts = [p[0] for p in pieces if p and p[0]]
        rest = [s for p in pieces for s in p[1:] if s]
        data["summary_sentences"] = (firsts + rest)[:4]
        if isinstance(data.get("entities"), list):
            data["entities"] = data["entities"][:30]
        try:
            return cls.model_validate(data)
        except ValidationError:
            return None

    @property
    def summary_en(self) -> str:
        """The summary as one paragraph."""
        return " ".join(
            s if s.endswith((".", "!", "?", '"', "”")) else f"{s}." for s in self.summary_sentences
        )


class ClaimPick(BaseModel):
    """One claim, named by its source sentence number; quote and offsets are filled by code."""

    sentence: int = Field(description="Number of the source sentence, e.g. 3 for [3].")
    speaker: str = Field(min_length=1)
    attribution: str = ""
    kind: ClaimKind
    text_en: str = Field(min_length=1)
    # Not offered to the model (hidden from the schema), but checked if a server sends one.
    quote: SkipJsonSchema[str | None] = None
    start: SkipJsonSchema[int] = -1
    end: SkipJsonSchema[int] = -1

    @model_validator(mode="after")
    def _ground(self, info: ValidationInfo) -> ClaimPick:
        context: dict[str, Any] = info.context or {}
        sentences: list[dict[str, Any]] = context.get("sentences") or []
        if not sentences:
            return self
        by_number = {int(s["number"]): s for s in sentences}
        if self.sentence not in by_number:
            first, last = sentences[0]["number"], sentences[-1]["number"]
            raise ValueError(
                f"sentence {self.sentence} does not exist: use a number from {first} to {last}"
            )
        s = by_number[self.sentence]
        if self.quote:
            span = locate_quote(self.quote, s["text"])
            if span is None:
                raise ValueError(
                    f"quote {self.quote!r} is not in sentence [{self.sentence}]: "
                    "quote the source words exactly"
                )
            self.start, self.end = s["start"] + span[0], s["start"] + span[1]
            self.quote = s["text"][span[0] : span[1]]
        else:
            self.start, self.end, self.quote = s["start"], s["end"], s["text"]
        return self


class ClaimPicks(_Response):
    """The claims call's answer (and, when salvaged after the re-asks, what was rejected)."""

    claims: list[ClaimPick] = Field(max_length=MAX_CLAIMS + 2)
    rejected: SkipJsonSchema[list[RejectedClaim]] = Field(default_factory=list)
