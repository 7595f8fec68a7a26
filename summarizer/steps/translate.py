"""The translate step: each paragraph (or piece of one) translated as the next conversation turn."""

from __future__ import annotations

import itertools
from typing import Any

from summarizer.article import Article, Sentence
from summarizer.at_once import all_of
from summarizer.budget import TRANSLATION_PIECE_CHARS, translation_budget
from summarizer.cached_call import ArticleCalls
from summarizer.chunking import Piece
from summarizer.conversation import Conversation, english_of, turn
from summarizer.errors import OutputTruncatedError, ValidationFailedError
from summarizer.fidelity import lost_in_sentences
from summarizer.language import detect_language

__all__ = ["translate_chunks", "translate_turn"]


async def translate_chunks(
    article: Article,
    talks: list[Conversation],
    calls: ArticleCalls,
    *,
    check: bool = True,
    apart: bool = False,
) -> list[str]:
    """Build each chunk's conversation: its paragraphs in order, each translated in a call
    whose prompt is the conversation so far (English sources pass through, untranslated);
    `check`: ask again for an English that lost a number, date or acronym; `apart` (layout
    "paragraphs"): each paragraph translated in a request of its own, all at once. Returns
    the English paragraphs, one per source paragraph."""
    if article.language == "en":
        for talk in talks:
            for piece in talk.chunk.pieces(article, TRANSLATION_PIECE_CHARS):
                talk.turns.append(turn(_sentences(talk, piece), translate=False))
                talk.english.append((piece.paragraph, article.text[piece.start : piece.end]))
        return list(article.paragraphs)
    language = article.language if check else ""
    pieces: dict[int, list[str]] = {}
    planned: list[tuple[Conversation, Piece, str]] = []
    for talk in talks:
        for piece in talk.chunk.pieces(article, TRANSLATION_PIECE_CHARS):
            part = sum(1 for _, p, _ in planned if p.paragraph == piece.paragraph)
            name = f"translate:{piece.paragraph}" + ("" if piece.whole else f".p{part}")
            planned.append((talk, piece, name))
    if apart:  # no request waits for another: each has its own turns, all asked at once
        own: list[list[dict[str, Any]]] = [[] for _ in planned]
        answers = await all_of(
            translate_turn(turns, _sentences(talk, piece), name, calls, language=language)
            for (talk, piece, name), turns in zip(planned, own, strict=True)
        )
        for (talk, _, _), turns in zip(planned, own, strict=True):
            talk.turns.extend(turns)
    else:
        answers = [
            await translate_turn(
                talk.turns, _sentences(talk, piece), name, calls, language=language
            )
            for talk, piece, name in planned
        ]
    for (talk, piece, _), english in zip(planned, answers, strict=True):
        pieces.setdefault(piece.paragraph, []).append(english)
        talk.english.append((piece.paragraph, english))
    return [" ".join(pieces[i]) for i in range(len(article.paragraphs))]


def _sentences(talk: Conversation, piece: Piece) -> list[Sentence]:
    return [s for s in talk.chunk.sentences if piece.start <= s.start < piece.end]


async def translate_turn(
    turns: list[dict[str, Any]],
    sentences: list[Sentence],
    name: str,
    calls: ArticleCalls,
    *,
    language: str = "",
) -> str:
    """Translate `sentences` (a paragraph or part of one) as the next turn after `turns`,
    which then holds it with the model's answer as written; a cut-off or empty answer is
    retried as two halves. An answer that lost a number, date or acronym of the source
    (`summarizer.fidelity`, for a source in `language`) is asked once more after it, naming
    what it lost; the answer that lost less stays (with the exchange, when it is the second;
    "" for `language`: no check). If that still lost something, the sentences are translated
    again as two halves, which stay if they lose less. Returns the cleaned English, with
    numbers written in broken groups ("20, 000") mended and German names of foreign places
    ("Pjöngjang") in English, by code."""
    this = turn(sentences, translate=True)
    texts = [s.text for s in sentences]
    source = " ".join(texts)
    try:
        raw = await _ask(turns, this, name, calls, source)
    except OutputTruncatedError:
        calls.ledger.truncated()
        if len(sentences) < 2:
            raise
        return await _translate_halves(turns, sentences, name, calls, language)
    cleaned = english_of(raw, source)
    if not cleaned:  # e.g. "[1]" and a line break: try the halves, else give up
        if len(sentences) > 1:
            return await _translate_halves(turns, sentences, name, calls, language)
        raise ValidationFailedError(
            f"{name}: the model returned an empty translation", task=name, last_output=raw
        )
    copied = detect_language(cleaned) == language  # untranslated: no English to check
    if copied or not (missing := lost_in_sentences(texts, cleaned, language)):
        turns.append({**this, "answer": raw})
        return cleaned
    again = {**this, "first": raw, "keep": missing}
    try:
        fixed = await _ask(turns, again, f"{name}.keep", calls, source)
    except (OutputTruncatedError, ValidationFailedError):
        fixed = ""
    best, exchange = cleaned, {**this, "answer": raw}
    if (better := english_of(fixed, source)) and len(
        lost := lost_in_sentences(texts, better, language)
    ) < len(missing):
        best, exchange, missing = better, {**again, "answer": fixed}, lost
    if missing and len(sentences) > 1:
        # Still lost: narrower requests, each checked and re-asked in turn (a small model
        # keeps "werfen ... vor" as "accuse" in a sentence alone more often than in three).
        trial = list(turns)
        halves = await _translate_halves(trial, sentences, name, calls, language)
        if len(lost_in_sentences(texts, halves, language)) < len(missing):
            turns[:] = trial
            return halves
    turns.append(exchange)
    return best


async def _ask(
    turns: list[dict[str, Any]], this: dict[str, Any], name: str, calls: ArticleCalls, source: str
) -> str:
    return await calls.text(
        name,
        "translate",
        {"turns": [*turns, this]},
        translation_budget(source),
        # One paragraph in, one line out: after a line break small models add notes
        # ("This translation keeps…") or loop over the article ("[1] …").
        stop=["\n"],
    )


async def _translate_halves(
    turns: list[dict[str, Any]],
    sentences: list[Sentence],
    name: str,
    calls: ArticleCalls,
    language: str,
) -> str:
    """Translate two or more sentences as two turns of about equal length."""
    cut = _middle(sentences)
    parts = [
        await translate_turn(turns, half, f"{name}.{i}", calls, language=language)
        for i, half in enumerate((sentences[:cut], sentences[cut:]))
    ]
    return " ".join(parts)


def _middle(sentences: list[Sentence]) -> int:
    """Where to cut a run of two or more sentences into halves of about equal length."""
    ends = list(itertools.accumulate(len(s.text) for s in sentences))
    return min(range(1, len(sentences)), key=lambda i: abs(ends[i - 1] - ends[-1] / 2))
