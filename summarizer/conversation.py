"""The conversation about one chunk of an article: its paragraph turns and their English.

The calls about an article (about each chunk of a long one) form one conversation: paragraph,
its translation, next paragraph, ..., then the summary task, or instead the claims task. Each
call's prompt extends the previous call's prompt and answer, so a llama.cpp server reads every
paragraph and translation once (see `summarizer.prompts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from summarizer.alignment import JOINED, align
from summarizer.article import Article, Sentence
from summarizer.chunking import Chunk, plan_chunks

__all__ = ["Conversation", "clean_translation", "conversations", "turn"]

_MARKERS = re.compile(r"\[\d{1,4}\]\s*|</?(?:paragraph|translation|article)>")
_NUMBERED = re.compile(r"\[(\d{1,4})\]\s*(.*?)\s*(?=\[\d{1,4}\]|$)", re.S)


def clean_translation(text: str) -> str:
    """One paragraph of English: markers the model echoed removed, whitespace folded."""
    return " ".join(_MARKERS.sub("", text).split()).strip()


def turn(sentences: list[Sentence], *, translate: bool) -> dict[str, Any]:
    """One paragraph (or part of one) as a turn of the conversation (`base` prompt)."""
    numbered = [{"number": s.number, "text": s.text} for s in sentences]
    return {"sentences": numbered, "translate": translate}


@dataclass
class Conversation:
    """One chunk's conversation so far: its paragraph turns (with the model's answers as
    written) and their cleaned English as (paragraph, text) pieces."""

    chunk: Chunk
    turns: list[dict[str, Any]] = field(default_factory=list)
    english: list[tuple[int, str]] = field(default_factory=list)

    def aligned(self) -> dict[int, str]:
        """English per source sentence number: where a translation kept the numbers, by them;
        else as `summarizer.alignment` pairs its sentences with the source's."""
        return {number: text for number, text in self._alignment().items() if text}

    def joined(self) -> set[int]:
        """The numbers of sentences whose English is rendered together with the sentence
        before them (in `aligned`, under that sentence's number)."""
        return {number for number, text in self._alignment().items() if text == JOINED}

    def _alignment(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for one in self.turns:
            numbers = [int(s["number"]) for s in one["sentences"]]
            answer = one.get("answer") or ""
            found = _NUMBERED.findall(answer)
            for number, text in found:
                if int(number) in numbers and (cleaned := clean_translation(text)):
                    out.setdefault(int(number), cleaned)
            if not found:
                sources = [str(s["text"]) for s in one["sentences"]]
                english = align(sources, clean_translation(answer))
                for number, text in zip(numbers, english, strict=True):
                    if text is not None:
                        out.setdefault(number, text)
        return out

    def translation(self) -> str:
        """The chunk's translation: a paragraph's pieces joined by spaces, paragraphs by blank
        lines."""
        out: list[str] = []
        last: int | None = None
        for paragraph, text in self.english:
            if out and paragraph == last:
                out[-1] = f"{out[-1]} {text}"
            else:
                out.append(text)
            last = paragraph
        return "\n\n".join(out)


def conversations(article: Article, chunk_chars: int) -> list[Conversation]:
    """An empty conversation per chunk of the article."""
    return [Conversation(chunk) for chunk in plan_chunks(article, chunk_chars)]
