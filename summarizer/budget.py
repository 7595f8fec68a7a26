"""Every token, context and size number: output budgets, chunk sizes and batch sizing.

Pure arithmetic, no I/O. Each number says where it comes from; "docs" means
docs/decisions.md, a commit id the commit that set or last measured it.
"""

from __future__ import annotations

import math

__all__ = [
    "BATCH_DISCOUNT",
    "CHARS_PER_TOKEN",
    "MAX_CLAIMS",
    "REMOTE_CONCURRENCY",
    "REMOTE_CONTEXT_TOKENS",
    "TRANSLATION_PIECE_CHARS",
    "TURN_CHARS",
    "chunk_chars",
    "claims_budget",
    "estimate_tokens",
    "lanes",
    "max_claims_for",
    "merge_chars",
    "summary_budget",
    "translation_budget",
    "worker_processes",
]

# --- tokens per call ---------------------------------------------------------------------

CHARS_PER_TOKEN = 3.2
"""Characters per token for budgets: between German (>= 2.5 chars/token) and English (~3.5,
see `chunk_chars`), erring towards more tokens for English; first pipeline, 58761d1."""


def estimate_tokens(text: str) -> int:
    """A conservative token estimate for budgets (about 3.2 characters per token)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


def translation_budget(paragraph: str) -> int:
    """max_tokens for translating `paragraph`: room for a wordier English, no room to loop.

    1.6x the source's estimate plus 48 (first pipeline, 58761d1; no measurement on record);
    a reply cut off there is never used: the paragraph is translated again in halves (docs).
    """
    return int(estimate_tokens(paragraph) * 1.6) + 48


def summary_budget(translation: str) -> int:
    """max_tokens for the summary call.

    420 tokens plus 1/8 of the translation's estimate, at most 600 in all (first pipeline,
    58761d1; no measurement on record).
    """
    return 420 + min(estimate_tokens(translation) // 8, 180)


MAX_CLAIMS = 10
"""Most claims asked for in one call (the schema accepts 2 more); first pipeline, 58761d1."""


def max_claims_for(sentence_count: int) -> int:
    """How many claims to ask for: about one per two sentences, 3 to MAX_CLAIMS."""
    return max(3, min(MAX_CLAIMS, (sentence_count + 1) // 2))


def claims_budget(max_claims: int) -> int:
    """max_tokens for the claims call: about 90 tokens per claim.

    90 a claim since d637c1b, when a claims answer cut off at its budget failed a whole
    article (seed 003 on the 1.5B model); a cut-off answer is asked again for fewer claims.
    """
    return 40 + 90 * max_claims


# --- context and chunk sizes -------------------------------------------------------------

REMOTE_CONTEXT_TOKENS = 16_384
"""Context a call must fit on a remote endpoint unless SUMMARIZER_CONTEXT_TOKENS says
otherwise (the embedded server's is its n_ctx); set with long-article chunking, a76efa7."""

TRANSLATION_PIECE_CHARS = 1000
"""Longest text translated in one call; longer paragraphs go in sentence groups (a76efa7,
where sentences were also capped at 1000 characters, so one sentence always fits a piece)."""

TURN_CHARS = 200
"""What a paragraph costs in a call beyond its text, in source characters (about 70 tokens:
its data-block tags, sentence numbers, the request to translate it, the chat template).
200 since translate turns ask before and after the paragraph (9103094); counted per
translation piece, since one per paragraph under-counted about 70 tokens a piece (docs)."""


def chunk_chars(context_tokens: int) -> int:
    """Source characters per chunk so that every call about a chunk fits `context_tokens`.

    The summary and claims calls are the largest: the chunk's conversation, its paragraphs
    (German, >= 2.5 chars/token) and their English translations (~1.1x as long, ~3.5
    chars/token), is about 0.71 tokens per source character, plus up to about 1,250 tokens of
    instructions and output budget (940 for ten claims); 0.95 leaves room for the response
    schema where a mode puts it in the prompt. What each paragraph adds besides its text
    (tags, numbers, the request to translate it) is counted by `plan_chunks` per turn.
    The 1,300 reserved tokens let the claims call of a full chunk fit 4,096 (cc75935).
    """
    return max(800, int((context_tokens - 1300) / 0.95))


def merge_chars(context_tokens: int) -> int:
    """Characters of chunk summaries merged in one call (output and schema reserved).

    1,800 tokens reserved for the output (a summary budget, at most 600), the instructions
    and the schema; the rest at 2.5 characters a token, low for English summaries (~3.5); at
    least 1,500 (a76efa7).
    """
    return max(1500, int((context_tokens - 1800) * 2.5))


# --- the Batch API ---------------------------------------------------------------------

BATCH_DISCOUNT = 0.5
"""Share of the live price the Batch API does not bill (OpenAI: half price; `run --batch`)."""


# --- batch sizing ------------------------------------------------------------------------

REMOTE_CONCURRENCY = 8
"""Requests in flight on a remote endpoint by default (the embedded server: 1, its one slot);
first pipeline, 58761d1."""

_SPARE_LANES_FROM = 16
_REQUESTS_PER_SPARE_LANE = 8
"""From 16 requests in flight, one more article in progress per 8 (36 at 32): 8 A/B pairs
1.12 against 1.15 mean; more spare articles were worse (40 at 32: 1.15); cd66697, docs."""

_REQUESTS_PER_WORKER = 16
"""One worker process per 16 requests in flight, up to the cores (docs, "Worker processes":
two workers 1.088-1.102 against 1.27-1.62 in one process; 3 or 4 on 2 cores never better)."""


def lanes(concurrency: int, *, embedded: bool) -> int:
    """Articles a batch keeps in progress for `concurrency` requests in flight.

    From 16 requests in flight on a remote endpoint (a serving cluster or a hosted API,
    whose prefix cache is shared by all its requests), one more per 8 requests: a request
    slot freed while its article is between calls (instructor parsing, the cache, the next
    prompt) then goes at once to another article's request. Otherwise exactly one article
    per request: a llama.cpp server (the embedded one, or a local one at fewer slots) keeps
    each article's conversation in one slot's prompt cache, which another article would
    evict.
    """
    if embedded or concurrency < _SPARE_LANES_FROM:
        return concurrency
    return concurrency + concurrency // _REQUESTS_PER_SPARE_LANE


def worker_processes(concurrency: int, cores: int) -> int:
    """Worker processes for `concurrency` requests in flight: one per 16, 1 to `cores`."""
    return max(1, min(cores, concurrency // _REQUESTS_PER_WORKER))


# --- literals of the steps and the batch ---------------------------------------------------

MERGE_TOKENS = 700
"""max_tokens of a call that merges the summaries of a long article's chunks: room for a merged
headline, 2-4 sentences and 3-8 points (a76efa7)."""

MAX_ENTITIES = 30
"""Entities kept from the chunk drafts of a long article (a76efa7)."""

DRAFT_OVERHEAD_CHARS = 40
"""Characters a draft adds to a merge prompt beyond its text (its JSON keys; a76efa7)."""

EXTRA_CLAIMS = 2
"""Claims kept beyond those asked for: the schema accepts more, and a small model's extra
ones are often good (58761d1)."""

WINDOW_PER_LANE = 4
MIN_WINDOW = 8
"""The batch's reorder window: inputs loaded or in progress, 4 per lane and at least 8, so
loading runs ahead of the lanes and results still come out in input order (cd66697)."""
