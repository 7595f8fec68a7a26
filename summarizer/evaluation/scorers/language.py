"""Language scorer: English output fields that are still German.

`summarizer.language.detect_language` is built for whole articles and does not fit short
fields: it needs two function-word hits (a bare cue like "bestätigte die Sängerin" is "und"),
counts words English shares ("die", "war", "am") as German, and breaks ties towards German
("Ukraine war: the die is cast" is "de"). `looks_german` is the rule for fields instead.
"""

from __future__ import annotations

import re

from summarizer.evaluation.metrics import GERMAN_FIELD_COUNT, LANGUAGE_FIELDS_COUNT, Metrics, Score
from summarizer.schema import ArticleResult

__all__ = ["GermanField", "LanguageReport", "german_field_count", "looks_german"]

_WORD = re.compile(r"[^\W\d_]+")

_SHARED = frozenset("in an am die den war hat was will also so man".split())
"""Words both languages use; they prove nothing and count for neither."""

_GERMAN = frozenset(
    (
        "der das und ist nicht ein eine einer einen eines dem des mit von zu auf für im sich "
        "auch es haben wird wurde wurden sind bei nach aus wie dass über vom zum zur noch nur "
        "sie er wir ihr oder aber als durch sein seine seiner sei seien dies diese dieser diesen "
        "laut zufolge sagte sagt berichtet berichtete meldete"
    ).split()
)
_ENGLISH = frozenset(
    (
        "the a and of to is that for it with as on are by be this have from or at not but "
        "which has had were been its their they he she his her who said says would"
    ).split()
)
_UMLAUT = re.compile(r"[äöüß]")


def looks_german(text: str) -> bool:
    """Whether an English field reads as German.

    German evidence: German function and attribution words (der, das, ist, laut, sagte, ...)
    and lowercase words with ä, ö, ü or ß ("bestätigte": capitalized ones may be names like
    "Pjöngjang" or "Schröder"). English evidence: English function words. Words both
    languages use ("in", "die", "war", "am") count for neither. German when there is German
    evidence and more of it than English: so a German sentence with an English word is German,
    English with German names or a German term in it is not, and names alone are nothing.
    """
    german = english = 0
    for word in _WORD.findall(text):
        lower = word.lower()
        if lower in _SHARED:
            continue
        if lower in _GERMAN or (word == lower and _UMLAUT.search(word)):
            german += 1
        elif lower in _ENGLISH:
            english += 1
    return german > english


class GermanField(Score):
    """An English output field that reads as German."""

    field: str
    text: str


class LanguageReport(Score):
    """How many English fields were checked and which of them read as German."""

    checked: int
    german: list[GermanField]

    def metrics(self) -> Metrics:
        """`german_field_count` and `language_fields_count`."""
        return {GERMAN_FIELD_COUNT.name: len(self.german), LANGUAGE_FIELDS_COUNT.name: self.checked}


def german_field_count(result: ArticleResult) -> LanguageReport:
    """The English fields (`title_en`, `summary_en`, each key point, each claim's `text_en`)
    that `looks_german`. Empty fields are not checked."""
    fields = [("title_en", result.title_en), ("summary_en", result.summary_en)]
    fields += [(f"key_points_en[{i}]", p) for i, p in enumerate(result.key_points_en)]
    fields += [(f"claims[{i}].text_en", c.text_en) for i, c in enumerate(result.claims)]
    checked = [(label, text) for label, text in fields if text.strip()]
    german = [GermanField(field=label, text=text) for label, text in checked if looks_german(text)]
    return LanguageReport(checked=len(checked), german=german)
