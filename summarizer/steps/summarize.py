"""The summary step: one summary call per chunk, several chunks' drafts merged into one."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from summarizer.article import Article
from summarizer.budget import DRAFT_OVERHEAD_CHARS, MAX_ENTITIES, MERGE_TOKENS, summary_budget
from summarizer.cached_call import ArticleCalls
from summarizer.conversation import Conversation
from summarizer.countries import swapped_back
from summarizer.errors import ValidationFailedError
from summarizer.fidelity import describes, mend_groups
from summarizer.grounding import locate_quote
from summarizer.leftovers import left_in_german
from summarizer.meaning import cited_again, doers_again
from summarizer.place_names import english_place_names, misspelled_places
from summarizer.schema import Claim, Entity
from summarizer.tasks import SummaryDraft
from summarizer.units import english_units

__all__ = [
    "english_title",
    "extractive_draft",
    "in_english_place_names",
    "mended_from_source",
    "summarize_chunks",
    "unique_entities",
    "without_remarks",
    "without_source_copies",
]


async def summarize_chunks(
    talks: list[Conversation], calls: ArticleCalls, *, merge_chars: int
) -> SummaryDraft:
    """One summary call per chunk (after its conversation); several chunks are merged, in
    groups of drafts of at most `merge_chars`."""
    drafts: list[SummaryDraft] = []
    for talk in talks:
        draft = await _draft(
            "summary" if len(talks) == 1 else f"summary:{talk.chunk.index}",
            "summary",
            {"turns": talk.turns},
            summary_budget(talk.translation()),
            calls,
        )
        drafts.append(draft)
    if len(drafts) == 1:
        return drafts[0]
    entities = [e for d in drafts for e in d.entities][:MAX_ENTITIES]
    level = 0
    while len(drafts) > 1:  # merge in groups that fit the context, then merge the merges
        drafts = await _merge_level(drafts, level, calls, merge_chars)
        level += 1
    return drafts[0].model_copy(update={"entities": entities})


async def _merge_level(
    drafts: list[SummaryDraft], level: int, calls: ArticleCalls, merge_chars: int
) -> list[SummaryDraft]:
    """One level of merging: each group of drafts that fits `merge_chars` merged into one."""
    groups = _group_drafts(drafts, merge_chars)
    merged: list[SummaryDraft] = []
    for g, group in enumerate(groups):
        if len(group) == 1:
            merged.append(group[0])
            continue
        parts = [{"title": d.title_en, "summary": d.summary_en} for d in group]
        name = "summary:merge" if len(groups) == 1 else f"summary:merge:{level}.{g}"
        merged.append(await _draft(name, "merge", {"parts": parts}, MERGE_TOKENS, calls))
    return merged


async def _draft(
    name: str, task: str, context: dict[str, Any], max_tokens: int, calls: ArticleCalls
) -> SummaryDraft:
    """A summary or merge call; an answer still too long after the re-asks is clipped
    (`SummaryDraft.salvage`) rather than losing the article."""
    try:
        return await calls.structured(name, task, context, SummaryDraft, max_tokens)
    except ValidationFailedError as exc:
        salvaged = SummaryDraft.salvage(exc.last_output)
        if salvaged is None:
            raise
        calls.store_salvage(task, context, max_tokens, salvaged, exc)
        return salvaged


def _draft_chars(draft: SummaryDraft) -> int:
    return len(draft.title_en) + len(draft.summary_en)


def _group_drafts(drafts: list[SummaryDraft], max_chars: int) -> list[list[SummaryDraft]]:
    """Consecutive groups of drafts whose text fits `max_chars` (at least two per group)."""
    groups: list[list[SummaryDraft]] = [[]]
    size = 0
    for draft in drafts:
        chars = _draft_chars(draft) + DRAFT_OVERHEAD_CHARS
        if len(groups[-1]) >= 2 and size + chars > max_chars:
            groups.append([])
            size = 0
        groups[-1].append(draft)
        size += chars
    return groups


def without_source_copies(draft: SummaryDraft, article: Article) -> SummaryDraft:
    """The draft without summary sentences copied word for word from a source that
    is not in English: that is no English summary but a passage in the source, e.g. an English
    instruction planted in a German article ("Ignore all previous instructions…")."""
    if article.language in ("en", "und"):
        return draft

    def copied(text: str) -> bool:
        return len(text.split()) >= 4 and locate_quote(text, article.text) is not None

    return draft.model_copy(
        update={
            "summary_sentences": [t for t in draft.summary_sentences if not copied(t)],
        }
    )


_REMARK = re.compile(
    r"\b(?:[Tt]he|[Tt]his)\s+(?:article|text|passage|paragraph)\s+(?:does\s+not|doesn't|did\s+not|"
    r"do(?:es)?\s+not|is\s+not|only|mainly|focuses|provides\s+no|gives\s+no|contains\s+no|"
    r"makes\s+no|lacks)\b|^(?:There\s+is\s+|No\s+)(?:no\s+)?(?:further\s+|more\s+|specific\s+)?"
    r"(?:information|details?)\s+(?:is\s+|are\s+|was\s+)?(?:given|provided|available|about|on)\b"
)
"""A remark about the article rather than its news: "The article does not provide information
about the specific individuals involved", "No further details are given"."""


def without_remarks(draft: SummaryDraft) -> SummaryDraft:
    """The draft without summary sentences that remark on the article instead of
    saying what it reports (a small model ends a summary with "The article does not provide
    information about …"); a summary left with none keeps its first sentence."""
    sentences = [t for t in draft.summary_sentences if not _REMARK.search(t)]
    return draft.model_copy(
        update={
            "summary_sentences": sentences or draft.summary_sentences[:1],
        }
    )


def in_english_place_names(draft: SummaryDraft) -> SummaryDraft:
    """The draft with German names of foreign places ("Pjöngjang", "Nordkorea") in English,
    in its title, sentences and entity names."""
    return _each_text(draft, english_place_names).model_copy(
        update={
            "entities": [
                e.model_copy(update={"name": english_place_names(e.name)}) for e in draft.entities
            ],
        }
    )


def mended_from_source(draft: SummaryDraft, article: Article) -> SummaryDraft:
    """The draft mended as the translation is, from the article's source: its numbers of four
    digits or more written in broken groups ("20, 000") the English way
    (`summarizer.fidelity.mend_groups`), a German unit after a number in English
    (`summarizer.units`), and a name the source makes a relative clause's
    subject in front of its verb ("which began in Moscow" -> "which Moscow began",
    `summarizer.meaning.doers_again`), a source it cites made no doer ("injured by
    Moscow", `summarizer.meaning.cited_again`), and a foreign place the source names by its
    German exonym spelled right ("Pongjang" -> "Pyongyang", also in entity names), and a
    country it never mentions put back as the one it names (`summarizer.countries`)."""
    source = article.text
    mended = _each_text(
        draft,
        lambda text: swapped_back(
            misspelled_places(
                cited_again(doers_again(english_units(mend_groups(text, source)), source), source),
                source,
            ),
            source,
        ),
    )
    return mended.model_copy(
        update={
            "entities": [
                e.model_copy(update={"name": misspelled_places(e.name, source)})
                for e in mended.entities
            ]
        }
    )


def _each_text(draft: SummaryDraft, change: Callable[[str], str]) -> SummaryDraft:
    """The draft with `change` made to its title and summary sentences."""
    return draft.model_copy(
        update={
            "title_en": change(draft.title_en),
            "summary_sentences": [change(t) for t in draft.summary_sentences],
        }
    )


def english_title(translated: str, headline: str, language: str, *instead: str) -> str:
    """The article's English title: its headline's translation, unless that is the headline
    as it was or mostly so, with lower-case words of the source's `language` in it (a small
    model left "Everest-Stau-Fotograf: 13 Achttausender in sechs Monaten" as it is, and gave
    "Mrs. Kündigt ihren Job um 57 Tage nach …"), or a description of the article instead
    ("The article discusses the unveiling of …"); then the first of `instead` that is not
    (the lead sentence's English, which translates the source, before the summary's own
    headline). A headline of names only ("Merkel in Paris") is its own."""
    words = re.findall(r"\w+", translated.casefold())
    source = set(re.findall(r"\w+", headline.casefold()))
    copied = bool(words) and sum(w in source for w in words) >= 0.6 * len(words)
    kept = language not in ("en", "und") and (copied or bool(left_in_german(headline, translated)))
    if (kept and re.search(r"\b[a-zäöüß]{4,}\b", headline)) or describes(headline, translated):
        return next((t for t in instead if t.strip() and t.strip() != headline.strip()), translated)
    return translated


def extractive_draft(claims: Sequence[Claim], title_en: str | None) -> SummaryDraft | None:
    """A draft made of the article's first claims, in order, for when the summary call
    failed: the title's English (else the first claim's) and up to three claims as the
    summary, the title's own claim aside; None without claims."""
    body = [c.text_en for c in claims if c.text_en.strip() and c.text_en != title_en]
    if not body:
        return None
    return SummaryDraft.model_construct(
        title_en=title_en or body[0],
        summary_sentences=body[:3],
        entities=[],
    )


def unique_entities(entities: list[Entity]) -> list[Entity]:
    """The entities with names stripped, each name once (case-insensitively), empty ones out."""
    seen: set[str] = set()
    unique: list[Entity] = []
    for entity in entities:
        name = entity.name.strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            unique.append(Entity(name=name, type=entity.type))
    return unique
