"""Lexical matching of gold terms against output text: term groups, spellings, output units.

All comparisons are on `summarizer.grounding.normalize` text, case-folded:

- facts: a fact matches a unit when every term group of `GoldFact.match` has an alternative
  that is a substring of the unit. An alternative that starts or ends with a digit must not
  touch another digit there ("30" does not match "300" or "1930"); letters are not guarded,
  so stems like "evacuat" match "evacuated".
- spellings (entities, numbers): a spelling must stand on its own: a letter at its edge must
  not touch another letter, a digit not another digit ("EU" is not in "neutral", "ten" not in
  "often", "30" not in "300", but "30" is in "30th" and "Merkel" in "Merkel's").
"""

from __future__ import annotations

from collections.abc import Sequence

from summarizer.evaluation.gold import GoldFact
from summarizer.grounding import normalize
from summarizer.schema import ArticleResult

__all__ = ["contains", "fact_matches", "find_spellings", "fold", "groups_match", "output_units"]

Field = tuple[str, str]
"""A labelled piece of output text: (label like `key_points_en[2]`, text)."""


def fold(text: str) -> str:
    """The comparison form: normalized quotes, dashes and spaces, case-folded."""
    return normalize(text).casefold()


def _edge_ok(needle_char: str, neighbour: str | None, *, letters: bool) -> bool:
    """Whether a match edge may touch `neighbour` (None: start or end of the text)."""
    if neighbour is None:
        return True
    if needle_char.isdigit():
        return not neighbour.isdigit()
    if letters and needle_char.isalpha():
        return not neighbour.isalpha()
    return True


def contains(haystack: str, needle: str, *, words: bool) -> bool:
    """Whether folded `needle` occurs in folded `haystack` under the module's edge rules.

    Digits at the needle's edges never touch other digits; with `words`, letters at its edges
    never touch other letters either. Both arguments must already be `fold`ed.
    """
    if not needle:
        return False
    pos = haystack.find(needle)
    while pos >= 0:
        end = pos + len(needle)
        before = haystack[pos - 1] if pos > 0 else None
        after = haystack[end] if end < len(haystack) else None
        if _edge_ok(needle[0], before, letters=words) and _edge_ok(
            needle[-1], after, letters=words
        ):
            return True
        pos = haystack.find(needle, pos + 1)
    return False


def groups_match(groups: Sequence[Sequence[str]], text: str) -> bool:
    """Whether `text` (one output unit) has, for every term group, one of its alternatives."""
    unit = fold(text)
    return all(any(contains(unit, fold(alt), words=False) for alt in group) for group in groups)


def fact_matches(fact: GoldFact, text: str) -> bool:
    """Whether `text` (one output unit) matches every term group of `fact`."""
    return groups_match(fact.match, text)


def output_units(result: ArticleResult) -> list[Field]:
    """The output units facts are matched against, labelled: summary, key points, claims."""
    units = [("summary_en", result.summary_en)]
    units += [(f"key_points_en[{i}]", point) for i, point in enumerate(result.key_points_en)]
    units += [(f"claims[{i}].text_en", claim.text_en) for i, claim in enumerate(result.claims)]
    return units


def _first_hit(spellings: Sequence[str], fields: Sequence[Field]) -> str | None:
    """Label of the first field containing any spelling (word-edge rules), or None."""
    needles = [fold(s) for s in spellings]
    for label, text in fields:
        folded = fold(text)
        if any(contains(folded, needle, words=True) for needle in needles):
            return label
    return None


def find_spellings(
    items: Sequence[tuple[str, Sequence[str]]], fields: Sequence[Field]
) -> tuple[list[str], list[str], dict[str, str]]:
    """(found labels, missed labels, label -> first field) for labelled spelling lists."""
    found: list[str] = []
    missed: list[str] = []
    found_in: dict[str, str] = {}
    for label, spellings in items:
        where = _first_hit(spellings, fields)
        if where is None:
            missed.append(label)
        else:
            found.append(label)
            found_in.setdefault(label, where)
    return found, missed, found_in
