"""Attribution by code: who asserts each sentence (its cue, speaker) and the claim's kind.

German news names its sources in fixed ways: "laut KCNA", "nach Angaben des Ministeriums",
"Staatsmedien zufolge", "sagte Kim", "wie die Polizei mitteilte", quotation marks, and reported
speech in Konjunktiv I ("Die Lage sei ernst"). `find_cues` finds the cue phrases verbatim;
`attribute` turns a sentence (and its English, when the translation is aligned) into an
`Attribution`: the cue as the source gives it, the speaker (in English where the translation
names it, else the source's own words), and the kind. Rules, not the model, decide the kind:
`quote` only when the sentence has quotation marks and a speaker, `denial` and `allegation`
by their verbs, `report` for any other attributed sentence, `statement` for the outlet's own.
A quotation or reported speech with no cue of its own continues the previous sentence's
speaker within the paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["OUTLET", "Attribution", "attribute", "attribute_all", "find_cues"]

OUTLET = "the outlet"
"""The speaker of a sentence no one else is said to assert: the publication itself."""

Kind = Literal["statement", "quote", "allegation", "denial", "report"]

_ART = r"(?:(?:der|die|das|des|dem|den|einer|eines|einem)\s+)"
_ADJ = r"(?:[a-zäöü][\w\-]*(?:e|en|er|es|em)\s+)"  # "nordkoreanische", "russischen"
_CAPS = r"[A-ZÄÖÜ][\w\-]*(?:\s+[A-ZÄÖÜ][\w\-]*){0,3}"
_NAME = rf"{_ART}?{_ADJ}{{0,2}}?{_CAPS}"
_PRONOUN = r"(?!(?:Dies|Diese|Dieser|Er|Sie|Es|Das|Man|Wir|Ich|Ihr)\b)"
_SUBJECT = (
    rf"(?:(?:[Dd]ie|[Dd]er|[Dd]as|[Aa]uch)\s+)?{_PRONOUN}{_ADJ}{{0,2}}{_CAPS}(?:\s+und\s+{_CAPS})?"
)
_VERBS = (
    r"sagte|sagt|sagten|erklärte|erklärt|erklärten|betonte|betont|berichtete|berichtet|"
    r"berichteten|teilte|teilt|warf|versicherte|versichert|bekräftigte|kommentierte|meldete|"
    r"meldet|bestätigte|bestätigt|zitierte|warnte|warnt|kritisierte|forderte|fordert"
)
_SUBJECT_VERBS = (  # "Die USA werfen Nordkorea vor", "Pjöngjang weist die Vorwürfe zurück"
    r"werfen|wirft|warfen|beschuldigen|beschuldigt|beschuldigte|bestreiten|bestreitet|"
    r"bestritt|bestritten|dementierte|dementiert|weist|wies|wiesen|weisen"
)
_GERMAN = [
    rf"\b[Ll]aut\s+(?:Angaben\s+)?{_NAME}",
    rf"\b[Nn]ach\s+Angaben\s+{_NAME}",
    rf"\b{_ART}?{_ADJ}{{0,2}}{_CAPS}\s+zufolge\b",
    rf"\b[Ww]ie\s+{_NAME}\s+(?:berichtete|mitteilte|meldete|erklärte|sagte)\b",
    rf"\b(?:{_VERBS})\s+{_NAME}",
    r"\bheißt\s+es\s+in\s+(?:der|dem|einer|einem)\s+\w+",
    rf"\b[Ss]o\s+{_NAME}",
    rf"(?:^|(?<=[,;:]\s)){_SUBJECT}\s+(?:{_SUBJECT_VERBS}|{_VERBS})\b",
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
# The speaker as the English translation names it.
_EN_SPEAKER = [
    re.compile(
        r"\b(?:reported|stated|said|announced|claimed|denied|confirmed)\s+by\s+"
        r"((?:[\w\-’']+\s+){0,6}?[\w\-’']+)(?=\s*(?:[,.;:]|$|\s+that\b))"
    ),
    re.compile(
        r"\b[Aa]ccording\s+to\s+((?:[\w\-’']+\s+){0,6}?[\w\-’']+)(?=\s*(?:[,.;:]|$|\s+that\b))"
    ),
    re.compile(
        r"((?:[Tt]he\s+)?(?:[\w\-’']+\s+){0,4}?[\w\-’']+)\s+(?:said|says|stated|reported|reports|"
        r"announced|told|explained|stressed|emphasi[sz]ed|confirmed|added|claimed|denied|"
        r"wrote|accused|accuses|rejected|rejects|insisted|warned)\b"
    ),
    re.compile(
        r"\b(?:said|says|stated|reported|told|explained|stressed)\s+((?:[A-Z][\w\-]*\s*){1,4})"
    ),
]
_CUE_WORDS = re.compile(
    r"\b(?:[Ll]aut|[Nn]ach|Angaben|zufolge|[Ww]ie|[Ss]o|heißt|es|in|mitteilte|[Aa]uch|"
    rf"{_VERBS}|{_SUBJECT_VERBS}|[Dd]er|[Dd]ie|[Dd]as|des|dem|den|einer|eines|einem)\b"
)
_QUOTE_MARKS = re.compile(r"[„“”\"«»‹›]|‚[^‘’]+[‘’]")
_CONTINUES = re.compile(  # Konjunktiv I, "demnach", "hieß es": the previous source goes on
    r"\b(?:sei|seien|habe|hätten|werde|würden|könne|müsse|wolle|solle|dürfe|gebe|stehe|liege|"
    r"demnach|hieß\s+es|heißt\s+es)\b"
)
_CONTINUING_CUE = re.compile(r"\b(?:heißt|hieß)\s+es\b")
_DENIAL = re.compile(
    r"\b(?:bestreit\w*|bestritt\w*|dementi\w*|zurückgewiesen|zurückzuweisen|leugne\w*|"
    r"[Dd]enied|denies|deny)\b|\b(?:wies|weist|weisen|wiesen)\b[^.]*\bzurück\b|\babsurd\b"
)
_ALLEGATION = re.compile(
    r"\b(?:vorwerfen|vorgeworfen|[Vv]orw[uü]rf\w*|beschuldig\w*|bezichtig\w*|"
    r"accus\w*|alleg\w*)\b|\b(?:werfen|wirft|warf|warfen)\b[^.]*\bvor\b"
)
_PRONOUN_START = re.compile(
    r"^(?:[Tt]his|[Tt]hat|[Hh]e|[Ss]he|[Ii]t|[Tt]hey|[Ww]e|I|[Tt]here)(?:\s|$)"
)


@dataclass(frozen=True)
class Attribution:
    """Who asserts one sentence, as code reads it."""

    speaker: str
    """English where the translation names it, else the source's words; `OUTLET` if none."""
    cue: str
    """The cue phrase, verbatim from the sentence; "" when it has none of its own."""
    kind: Kind
    named: bool
    """Whether someone other than the outlet is named (by a cue, or continued)."""


def find_cues(sentence: str, language: str) -> list[str]:
    """Attribution phrases found in `sentence`, verbatim, in order of appearance."""
    found: list[tuple[int, str]] = []
    for pattern in _PATTERNS.get(language, []):
        for match in pattern.finditer(sentence):
            text = match.group(0).strip()
            if not any(start <= match.start() < start + len(t) for start, t in found):
                found.append((match.start(), text))
    return [text for _, text in sorted(found)]


def _english_speaker(english: str) -> str:
    for pattern in _EN_SPEAKER:
        if match := pattern.search(english):
            name = " ".join(match.group(1).split()).strip(" ,.'’\"“”„")
            if name and not (_PRONOUN_START.match(name) and len(name.split()) <= 2):
                return name
    return ""


def _source_speaker(cue: str) -> str:
    """The name inside a cue, in the source's words: "laut KCNA" -> "KCNA"."""
    return " ".join(_CUE_WORDS.sub(" ", cue).split()).strip(" ,.")


def _kind(sentence: str, *, named: bool) -> Kind:
    if _DENIAL.search(sentence):
        return "denial"
    if _ALLEGATION.search(sentence):
        return "allegation"
    if not named:
        return "statement"
    return "quote" if _QUOTE_MARKS.search(sentence) else "report"


def attribute(
    sentence: str, english: str, language: str, previous: Attribution | None = None
) -> Attribution:
    """The attribution of `sentence` (`english`: its translation, or ""); `previous`: the
    paragraph's sentence before it, whose speaker a cue-less quotation or Konjunktiv I
    sentence continues."""
    cues = find_cues(sentence, language)
    continues = previous is not None and previous.named
    if cues and continues and _CONTINUING_CUE.search(cues[0]):  # "heißt es in der Mitteilung"
        assert previous is not None
        return Attribution(previous.speaker, cues[0], _kind(sentence, named=True), named=True)
    if cues:
        speaker = _english_speaker(english) or _source_speaker(cues[0]) or OUTLET
        return Attribution(speaker, cues[0], _kind(sentence, named=True), named=True)
    if continues and (_QUOTE_MARKS.search(sentence) or _CONTINUES.search(sentence)):
        assert previous is not None
        return Attribution(previous.speaker, "", _kind(sentence, named=True), named=True)
    return Attribution(OUTLET, "", _kind(sentence, named=False), named=False)


def attribute_all(
    sentences: Iterable[tuple[int, int, str]], english: dict[int, str], language: str
) -> dict[int, Attribution]:
    """Attributions of `(number, paragraph, text)` sentences by number, in order, each
    paragraph's speaker carried from one sentence to the next."""
    out: dict[int, Attribution] = {}
    previous: Attribution | None = None
    paragraph = -1
    for number, index, text in sentences:
        if index != paragraph:
            previous, paragraph = None, index
        previous = out[number] = attribute(text, english.get(number, ""), language, previous)
    return out
