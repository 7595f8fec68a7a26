"""A claim's kind from its sentence: denial, allegation, quote, report or statement.

Rules, not the model, decide it: `denial` and `allegation` by their verbs, `quote` when
quotation marks hold words (two or more: one quoted word is a term, not a quotation; nor is
a title after "Roman", "namens", ..., nor a name after its noun, Öltanker "Stena Impero"; marks
pair in order), or end a quotation begun the sentence before, `report` for any other
attributed sentence, `statement` for the outlet's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

__all__ = ["QUOTE_MARKS", "Kind", "kind_of", "quoted_spans", "turns_quotation", "unquoted"]

Kind = Literal["statement", "quote", "allegation", "denial", "report"]

QUOTE_MARKS = re.compile(r"[„“”\"«»‹›]|‚[^‘’]+[‘’]")
_DENIAL = re.compile(
    r"\b(?:bestreit\w*|bestritt\w*|dementi\w*|zurückgewiesen|zurückzuweisen|leugne\w*|"
    r"[Dd]enied|denies|deny|abgetan)\b|\b(?:wies|weist|weisen|wiesen)\b[^.]*\bzurück\b|"
    r"\b(?:tat|taten|tut|tun)\b[^.]*\bals\b[^.]*\bab\b|\babsurd\b"  # "tat sie als Humbug ab"
)
_ALLEGATION = re.compile(
    r"\b(?:vorwerfen|vorgeworfen|[Vv]orw[uü]rf\w*|beschuldig\w*|bezichtig\w*|"
    r"accus\w*|alleg\w*)\b|\b(?:werfen|wirft|warf|warfen)\b[^.]*\bvor\b"
)
_MARKS = re.compile(r"[„“”\"«»‹›]")
# A quotation mark after a title word quotes a name, not words said: der Roman „Die
# Kakerlake“, ein Mann namens „Jim Sams“, Erzählung „Die Verwandlung“.
_TITLE_BEFORE = re.compile(
    r"\b(?:Roman|Romans|Erzählung|Buch|Buches|Film|Films|Titel|Serie|Album|Song|Lied|Stück|"
    r"Oper|Zeitung|Magazin|Sendung|Show|Kampagne|Aktion|Operation|Motto|Projekt|Programm|"
    r"namens|genannt|Name|Namen|Original|Portal|Website|Plattform|Blog|Hashtag)\W*$"
)
# A quotation of capitalised words after a noun (or a name and its comma), an article or "in"
# names something: der Öltanker "Stena Impero", die "Financial Times", das Werk von Banksy,
# "Devolved Parliament", umbenannt in "Devolved Parliament" (but Eurowings diene als
# "Production Company" quotes a term).
_NAME_ONLY = re.compile(r"(?:[A-ZÄÖÜ0-9][\w\-.'’&]*\s*){1,4}")
_NOUN_BEFORE = re.compile(
    r"(?:\b(?:[A-ZÄÖÜ][\w\-]*,?|der|die|das|den|dem|des|in)|[“”\"»]\s*\()\s*$"
)  # or a name's own translation in brackets after it: "Devolved Parliament" ("Delegiertes …")
# The end of a quotation that began in the sentence before: „Die Opfer wurden misshandelt.
# Einige gaben an, vergewaltigt worden zu sein“, sagte Sabo.
_QUOTE_ENDS = re.compile(r"^[^„“”\"«»‹›]{12,}[“”\"«»‹›]\s*(?:,?\s*\w|[.!?]?\s*$)")


def quoted_spans(sentence: str) -> list[tuple[int, int]]:
    """Where a sentence quotes (start and end of each pair of quotation marks): its marks
    paired in order, first with second, third with fourth, so that straight quotes ("...")
    pair as typographic ones."""
    marks = [m.start() for m in _MARKS.finditer(sentence)]
    return list(zip(marks[::2], marks[1::2], strict=False))


def unquoted(
    pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]
) -> Iterator[re.Match[str]]:
    """The matches of `pattern` in `text` that are not inside a quotation (`spans`, the
    text's `quoted_spans`, found once for all its patterns): a verb of saying in quoted words
    ("„Und Amerika sagt, …“, ergänzte Ruhani") names no source."""
    for match in pattern.finditer(text):
        if not any(a <= match.start() and match.end() <= b for a, b in spans):
            yield match


def _quoted(sentence: str) -> list[tuple[int, str]]:
    """The quoted spans of a sentence (start, text)."""
    return [(a, sentence[a + 1 : b]) for a, b in quoted_spans(sentence)]


def turns_quotation(sentence: str) -> bool:
    """Whether `sentence` opens or closes a quotation: an odd number of quotation marks."""
    return len(QUOTE_MARKS.findall(sentence)) % 2 == 1


def kind_of(sentence: str, *, named: bool) -> Kind:
    """The kind of a claim on `sentence`; `named`: someone other than the outlet asserts it."""
    if _DENIAL.search(sentence):
        return "denial"
    if _ALLEGATION.search(sentence):
        return "allegation"
    quoted = [
        (start, text)
        for start, text in _quoted(sentence)
        if len(text.split()) >= 2
        and not _TITLE_BEFORE.search(sentence[max(0, start - 30) : start])
        and not (_NAME_ONLY.fullmatch(text.strip()) and _NOUN_BEFORE.search(sentence[:start]))
    ]
    ends = turns_quotation(sentence) and _QUOTE_ENDS.match(sentence)
    if quoted or ends:
        return "quote"
    return "report" if named else "statement"
