"""Attribution cues: phrases in a sentence that name who asserts it ("laut KCNA", "sagte Kim")."""

from __future__ import annotations

import re

__all__ = ["find_cues"]

_ART = r"(?:(?:der|die|das|des|dem|den|einer|eines|einem)\s+)"
_CAPS = r"[A-ZÄÖÜ][\w\-]*(?:\s+[A-ZÄÖÜ][\w\-]*){0,3}"
_NAME = rf"{_ART}?(?:[a-zäöü][\w\-]*\s+){{0,2}}?{_CAPS}"
_VERBS = (
    r"sagte|sagt|erklärte|erklärt|betonte|berichtete|berichtet|berichteten|teilte|warf|"
    r"versicherte|bekräftigte|kommentierte|meldete|bestätigte|zitierte"
)
_GERMAN = [
    rf"\b[Ll]aut\s+(?:Angaben\s+)?{_NAME}",
    rf"\b[Nn]ach\s+Angaben\s+{_NAME}",
    rf"\b{_ART}?(?:[a-zäöü][\w\-]*\s+){{0,2}}{_CAPS}\s+zufolge\b",
    rf"\b[Ww]ie\s+{_NAME}\s+(?:berichtete|mitteilte|meldete|erklärte|sagte)\b",
    rf"\b(?:{_VERBS})\s+{_NAME}",
    r"\bheißt\s+es\s+in\s+(?:der|dem|einer|einem)\s+\w+",
    rf"\b[Ss]o\s+{_NAME}",
]
_EN_NAME = r"(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}?[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*){0,3}"
_ENGLISH = [
    rf"\b[Aa]ccording\s+to\s+{_EN_NAME}",
    rf"\b{_EN_NAME}\s+(?:said|says|reported|told|claimed|denied|announced)\b",
    r"\b(?:said|says|told)\s+[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,2}",
]
_PATTERNS = {
    "de": [re.compile(p) for p in _GERMAN],
    "en": [re.compile(p) for p in _ENGLISH],
}


def find_cues(sentence: str, language: str) -> list[str]:
    """Attribution phrases found in `sentence`, verbatim, in order of appearance."""
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS.get(language, []):
        for match in pattern.finditer(sentence):
            text = match.group(0).strip()
            if not any(start <= match.start() < start + len(t) for start, t in found):
                found.append((match.start(), text))
    return [text for _, text in sorted(found)]
