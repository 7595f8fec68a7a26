"""The conversation about one chunk of an article: its paragraph turns and their English.

The calls about an article (about each chunk of a long one) form one conversation: paragraph,
its translation, next paragraph, ..., then the summary task, or instead the claims task. Each
call's prompt extends the previous call's prompt and answer, so a llama.cpp server reads every
paragraph and translation once (see `summarizer.prompts`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from summarizer.alignment import JOINED, align, anchor_stems, names_apart
from summarizer.article import Article, Sentence
from summarizer.chunking import Chunk, plan_chunks
from summarizer.countries import swapped_back
from summarizer.fidelity import mend_numbers
from summarizer.language import detect_language
from summarizer.meaning import cited_again, doers_again
from summarizer.place_names import english_place_names, misspelled_places
from summarizer.units import english_units

__all__ = ["Conversation", "clean_translation", "conversations", "english_of", "turn"]

_MARKERS = re.compile(r"\[\d{1,4}\]\s*|</?(?:paragraph|translation|article)>")
_MARKER = re.compile(r"\[(\d{1,4})\]\s*")


def clean_translation(text: str) -> str:
    """One paragraph of English: markers the model echoed removed, whitespace folded."""
    return " ".join(_MARKERS.sub("", text).split()).strip()


def english_of(answer: str, source: str) -> str:
    """The model's translation `answer` as the result gives it: cleaned, its numbers mended
    from the `source` (`summarizer.fidelity`), German names of foreign places in English
    (`summarizer.place_names`) and of units after a number (`summarizer.units`), a country
    the source never mentions put back as the one it names (`summarizer.countries`), and a
    name the source makes a relative clause's subject put back in front of its verb ("which
    began in Moscow" -> "which Moscow began", `summarizer.meaning.doers_again`) and a source
    it cites made no doer ("injured by Moscow", `summarizer.meaning.cited_again`); the
    source's words a re-ask named and the model copied in parentheses ("on Saturday
    (Samstag)"), square brackets it put around sentences and a name or number appended as a
    sentence of its own ("… 20 years. Turkey.") are left out. An answer in the
    source's language (a copy) keeps its words."""
    english = _unbracketed(_without_echoes(clean_translation(answer), source), source)
    english = _without_fragment(english)
    english = misspelled_places(english_place_names(mend_numbers(english, source)), source)
    english = swapped_back(english, source)
    if detect_language(english) not in ("en", "und"):  # a copy of the source: taken as it is
        return doers_again(english, source)
    return cited_again(doers_again(english_units(english), source), source)


_BRACKETED = re.compile(r"\[\s*([^\[\]]*?\w[^\[\]]*?)\s*\]\s?")


_FRAGMENT = re.compile(
    r"(?<=[.!?\"”])\s+(?:According to [^.!?]{1,40}|"
    r"[A-Z0-9][\w\-,'’]*(?:\s+[A-Z0-9][\w\-,'’]*){0,2})\.$"
)


def _without_fragment(english: str) -> str:
    """`english` without a last "sentence" that is only a name, a number or a citation ("…
    in the past 20 years. Turkey.", "… on ice. July.", "… arrested. According to the
    police."): a re-ask's item appended, not put where it belongs."""
    return _FRAGMENT.sub("", english)


def _unbracketed(english: str, source: str) -> str:
    """`english` without square brackets the model put around sentences of its own ("[20
    million returns land on the garbage. ] But …"), where the source has none."""
    if "[" in source:
        return english
    return " ".join(_BRACKETED.sub(r"\1 ", english).split())


_ECHO = re.compile(r" \(([^()\d]{2,60})\)")


def _without_echoes(english: str, source: str) -> str:
    """`english` without the source's own words in parentheses where the source has them
    outside any: a re-ask names a lost item with them ("Saturday (Samstag)"), and a small
    model copies that into its answer. Acronyms stay ("German Cancer Research Center (DKFZ)")."""

    def echo(match: re.Match[str]) -> str:
        words = match.group(1)
        if words.isupper() or words not in source or f"({words})" in source:
            return match.group(0)
        return ""

    return _ECHO.sub(echo, english)


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
        return self.alignment()[0]

    def joined(self) -> set[int]:
        """The numbers of sentences whose English is rendered together with the sentence
        before them (in `aligned`, under that sentence's number)."""
        return self.alignment()[1]

    def alignment(self) -> tuple[dict[int, str], set[int]]:
        """`aligned` and `joined` from one pass over the turns."""
        pairs = self._alignment()
        aligned = {number: text for number, text in pairs.items() if text}
        return aligned, {number for number, text in pairs.items() if text == JOINED}

    def _alignment(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for one in self.turns:
            sources = {int(s["number"]): str(s["text"]) for s in one["sentences"]}
            answer = str(one.get("answer") or "")
            by_numbers = _by_numbers(sources, answer)
            texts = list(sources.values())
            english = english_of(answer, " ".join(texts))
            whole = dict(zip(sources, align(texts, english), strict=True))
            # The model's numbers, unless they put a sentence's names under another's number
            # and the sentences' own alignment does not.
            names = anchor_stems(english), anchor_stems(" ".join(texts))
            if _mismatch(sources, whole, names) < _mismatch(sources, by_numbers, names):
                by_numbers = whole
            for number, rendered in by_numbers.items():
                if rendered is not None:
                    out.setdefault(number, rendered)
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


def _by_numbers(sources: dict[int, str], answer: str) -> dict[int, str | None]:
    """The English of each sentence from a translation cut at the numbers it kept."""
    numbers = list(sources)
    out: dict[int, str | None] = {}
    pieces = _pieces(answer, numbers)
    # no piece at all: the answer's only text stood before its first number ("… [5]")
    stops = [start for start, _ in pieces[1:]] + ([numbers[-1] + 1] if pieces else [])
    for (start, text), stop in zip(pieces, stops, strict=True):
        covered = [n for n in numbers if start <= n < stop]
        texts = [sources[n] for n in covered]
        english = align(texts, english_of(text, " ".join(texts)))
        out.update(zip(covered, english, strict=True))
    return out


def _mismatch(
    sources: dict[int, str], english: dict[int, str | None], names: tuple[set[str], set[str]]
) -> float:
    """How badly an alignment pairs names: per sentence (a joined pair as one) the names one
    side has and the other lacks (`summarizer.alignment.names_apart`; `names`: the stems of
    the turn's whole English, so English the alignment leaves out still counts, and of its
    source); unaligned: infinite."""
    if not any(english.get(n) for n in sources):
        return math.inf
    total = 0
    for number, text in sources.items():
        rendered = english.get(number)
        if rendered is None or rendered == JOINED:
            continue
        source = text if english.get(number + 1) != JOINED else f"{text} {sources[number + 1]}"
        total += names_apart(source, rendered, names)
    return total


def _pieces(answer: str, numbers: list[int]) -> list[tuple[int, str]]:
    """A paragraph's translation cut at the sentence numbers it kept, each piece with the
    number that begins it; text before the first kept number is the paragraph's first
    sentence's (a model often drops the first number only), and an answer with no numbers
    is one piece. A piece runs to the next kept number, so it may render several sentences
    (`_alignment` aligns them); a number out of order or not the paragraph's is text."""
    marks: list[tuple[int, int, int]] = []  # (start, end, number)
    for match in _MARKER.finditer(answer):
        number = int(match.group(1))
        if number in numbers and (not marks or number > marks[-1][2]):
            marks.append((match.start(), match.end(), number))
    if not marks:
        return [(numbers[0], answer)] if numbers else []
    pieces = [(numbers[0], answer[: marks[0][0]])] if marks[0][2] > numbers[0] else []
    ends = [start for start, _, _ in marks[1:]] + [len(answer)]
    for (_, end, number), stop in zip(marks, ends, strict=True):
        pieces.append((number, answer[end:stop]))
    return [(start, text) for start, text in pieces if text.strip()]


def conversations(article: Article, chunk_chars: int) -> list[Conversation]:
    """An empty conversation per chunk of the article."""
    return [Conversation(chunk) for chunk in plan_chunks(article, chunk_chars)]
