"""A country the English names in place of the one its source names, put back by code.

A small model swaps one country for another: "Beim jüngsten Erdbeben in der Türkei sind 34
Personen verletzt worden" came back as "On the latest earthquake in Germany, 34 people were
injured". Where the English names exactly one country that its source never mentions, in any
form (noun, adjective, capital), and the source names exactly one country by its noun that
the English lacks, the first is the second misread, and code writes the second. On the human
references of the 118 WMT20 documents, neither in their 1,570 segments nor in 616 windows of
three segments does such a pair occur.
"""

from __future__ import annotations

import re

__all__ = ["swapped_back"]

# English name -> (its other English names, German nouns that name it, lower-case German
# stems of any mention: noun, adjective, capital, government). The English adjective is no
# name of the country here: "der türkische Vizepräsident" is "Turkish" in a paragraph that
# also says "in Germany" for "in der Türkei".
_COUNTRIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Germany": (
        (), ("Deutschland", "Bundesrepublik"),
        ("deutsch", "bundes", "hierzuland", "brd", "berlin"),
    ),
    "Turkey": (("Türkiye",), ("Türkei",), ("türk", "ankara", "istanbul")),
    "France": ((), ("Frankreich",), ("frank", "franz", "paris")),
    "Italy": ((), ("Italien",), ("itali", "rom")),
    "Spain": ((), ("Spanien",), ("spani", "madrid")),
    "Russia": (("Moscow", "Kremlin"), ("Russland",), ("russ", "moskau", "kreml")),
    "Ukraine": (("Kyiv", "Kiev"), ("Ukraine",), ("ukrain", "kiew")),
    "China": (("Beijing",), ("China",), ("china", "chines", "peking")),
    "Japan": (("Tokyo",), ("Japan",), ("japan", "tokio")),
    "India": ((), ("Indien",), ("indi", "delhi")),
    "Iran": (("Tehran",), ("Iran",), ("iran", "teheran")),
    "Iraq": (("Baghdad",), ("Irak",), ("irak", "bagdad")),
    "Syria": (("Damascus",), ("Syrien",), ("syri", "damaskus")),
    "Israel": ((), ("Israel",), ("israel", "jerusalem")),
    "Egypt": (("Cairo",), ("Ägypten",), ("ägypt", "kairo")),
    "Greece": ((), ("Griechenland",), ("griech", "athen")),
    "Poland": (("Warsaw",), ("Polen",), ("polen", "polnisch", "warschau")),
    "Austria": (("Vienna",), ("Österreich",), ("österreich", "wien")),
    "Switzerland": ((), ("Schweiz",), ("schweiz", "bern")),
    "Britain": (
        ("UK", "United Kingdom", "England", "London"),
        ("Großbritannien", "Vereinigte Königreich", "Vereinigten Königreich", "England"),
        ("brit", "großbritannien", "vereinigte", "england", "engl", "london"),
    ),
    "Brazil": ((), ("Brasilien",), ("brasil",)),
    "Mexico": ((), ("Mexiko",), ("mexik",)),
    "Canada": ((), ("Kanada",), ("kanad",)),
    "Australia": ((), ("Australien",), ("austral",)),
    "North Korea": (
        ("Pyongyang", "DPRK"), ("Nordkorea", "DVRK"),
        ("nordkorea", "pjöngjang", "dvrk"),
    ),
    "South Korea": (("Seoul",), ("Südkorea",), ("südkorea", "seoul")),
    "Saudi Arabia": ((), ("Saudi-Arabien",), ("saudi", "riad")),
    "Netherlands": (("Holland",), ("Niederlande",), ("niederl", "holl", "amsterdam")),
    "Belgium": (("Brussels",), ("Belgien",), ("belgi", "brüssel")),
}  # fmt: skip
_ADDED = re.compile(r"\b(" + "|".join(sorted(_COUNTRIES, key=len, reverse=True)) + r")\b")


def swapped_back(english: str, source: str) -> str:
    """`english` with a country that `source` never mentions replaced by the one `source`
    names and `english` lacks, where there is exactly one of each; else `english`."""
    folded = source.casefold()
    added = {
        name
        for name in _ADDED.findall(english)
        if not any(stem in folded for stem in _COUNTRIES[name][2]) and name.casefold() not in folded
    }
    dropped = [
        name
        for name, (forms, nouns, _) in _COUNTRIES.items()
        if any(re.search(rf"\b{re.escape(noun)}s?\b", source) for noun in nouns)
        and not any(re.search(rf"\b{re.escape(f)}\b", english) for f in (name, *forms))
    ]
    if len(added) != 1 or len(dropped) != 1:
        return english
    return re.sub(rf"\b{re.escape(added.pop())}\b", dropped[0], english)
