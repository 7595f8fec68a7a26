"""The steps of one article's run: translate, summarize (and merge), extract claims."""

from __future__ import annotations

from summarizer.steps.claims import extract_claims
from summarizer.steps.summarize import (
    english_title,
    extractive_draft,
    in_english_place_names,
    mended_from_source,
    summarize_chunks,
    unique_entities,
    without_remarks,
    without_source_copies,
)
from summarizer.steps.translate import translate_chunks, translate_turn

__all__ = [
    "english_title",
    "extract_claims",
    "extractive_draft",
    "in_english_place_names",
    "mended_from_source",
    "summarize_chunks",
    "translate_chunks",
    "translate_turn",
    "unique_entities",
    "without_remarks",
    "without_source_copies",
]
