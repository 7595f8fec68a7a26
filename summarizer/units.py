"""German units of measure left after a number in English text, replaced by their English.

A small model keeps the German unit of a measurement in its English ("The 53-kilogramm
orangutan", "58 Prozent", "200 Stundenkilometer"). A unit after a number is a closed list,
so code writes it in English: in the singular after "1" and in a hyphenated compound ("a
53-kilogram ape"), else in the plural. Only forms that are no English word are replaced
("20 Kilometer" stays: "kilometer" is English), and only right after a number, so a name
(a "Gramm" in a title) is never touched.
"""

from __future__ import annotations

import re

__all__ = ["UNITS", "english_units"]

UNITS: dict[str, tuple[str, str]] = {  # German unit (folded) -> (English singular, plural)
    "kilogramm": ("kilogram", "kilograms"),
    "gramm": ("gram", "grams"),
    "milligramm": ("milligram", "milligrams"),
    "tonnen": ("tonne", "tonnes"),
    "kilometern": ("kilometre", "kilometres"),
    "metern": ("metre", "metres"),
    "zentimeter": ("centimetre", "centimetres"),
    "zentimetern": ("centimetre", "centimetres"),
    "millimetern": ("millimetre", "millimetres"),
    "quadratmeter": ("square metre", "square metres"),
    "quadratmetern": ("square metre", "square metres"),
    "quadratkilometer": ("square kilometre", "square kilometres"),
    "quadratkilometern": ("square kilometre", "square kilometres"),
    "kubikmeter": ("cubic metre", "cubic metres"),
    "stundenkilometer": ("km/h", "km/h"),
    "stundenkilometern": ("km/h", "km/h"),
    "litern": ("litre", "litres"),
    "prozent": ("percent", "percent"),
    "prozentpunkte": ("percentage point", "percentage points"),
    "prozentpunkten": ("percentage point", "percentage points"),
    "grad": ("degree", "degrees"),
    "stunde": ("hour", "hours"),
    "stunden": ("hour", "hours"),
    "sekunde": ("second", "seconds"),
    "woche": ("week", "weeks"),
    "jahr": ("year", "years"),
    "jahre": ("year", "years"),
    "monat": ("month", "months"),
    "monate": ("month", "months"),
    "tag": ("day", "days"),
    "tage": ("day", "days"),
    "minuten": ("minute", "minutes"),
    "sekunden": ("second", "seconds"),
    "jahren": ("year", "years"),
    "monaten": ("month", "months"),
    "tagen": ("day", "days"),
    "wochen": ("week", "weeks"),
}

_UNIT = re.compile(
    r"(?<![\w.,])(?P<number>\d+(?:[.,]\d+)*)(?P<gap>[ \u00a0-])"
    r"(?P<unit>" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")(?![\w-])",
    re.IGNORECASE,
)


def english_units(text: str) -> str:
    """`text` (English) with each German unit right after a number in English ("53-kilogramm"
    -> "53-kilogram", "58 Prozent" -> "58 percent")."""

    def english(match: re.Match[str]) -> str:
        singular, plural = UNITS[match["unit"].casefold()]
        one = match["gap"] == "-" or match["number"] == "1"
        return f"{match['number']}{match['gap']}{singular if one else plural}"

    return _UNIT.sub(english, text)
