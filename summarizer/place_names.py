"""German names of foreign places in English text, replaced by their English names.

A small model keeps a German exonym in its English ("Pjöngjang", "Kiew", "Nordkorea",
"Marmarameer") where every English reader expects "Pyongyang", "Kyiv", "North Korea", "Sea
of Marmara". An exonym is a closed list, so code replaces it, with its genitive ("Moskaus"
-> "Moscow's"). The list holds places outside Germany only: a German place's own name may
be part of a club's or a party's ("1. FC Köln", "Alternative für Deutschland"), while a
foreign city's German name in a club's ("Inter Mailand", "Dynamo Kiew", "Rapid Wien") is
English as "Inter Milan", "Dynamo Kyiv" or "Rapid Vienna" too. A small model also
misspells an exonym it tries to make English ("Pjöngjang" as "Pongjang"); where the source
names the place, code gives it its English name too.
"""

from __future__ import annotations

import difflib
import re

__all__ = ["EXONYMS", "english_name", "english_place_names", "misspelled_places"]

EXONYMS: dict[str, str] = {
    # countries and seas
    "Nordkorea": "North Korea", "Südkorea": "South Korea", "Weißrussland": "Belarus",
    "Russland": "Russia", "Frankreich": "France", "Italien": "Italy", "Spanien": "Spain",
    "Griechenland": "Greece", "Ungarn": "Hungary", "Tschechien": "Czech Republic",
    "Rumänien": "Romania", "Bulgarien": "Bulgaria", "Kroatien": "Croatia",
    "Serbien": "Serbia", "Belgien": "Belgium", "Dänemark": "Denmark", "Schweden": "Sweden",
    "Norwegen": "Norway", "Finnland": "Finland", "Großbritannien": "Great Britain",
    "Irland": "Ireland", "Litauen": "Lithuania", "Lettland": "Latvia", "Estland": "Estonia",
    "Slowakei": "Slovakia", "Slowenien": "Slovenia", "Zypern": "Cyprus",
    "Türkei": "Turkey", "Syrien": "Syria", "Irak": "Iraq", "Libyen": "Libya",
    "Ägypten": "Egypt", "Saudi-Arabien": "Saudi Arabia", "Marokko": "Morocco",
    "Algerien": "Algeria", "Tunesien": "Tunisia", "Äthiopien": "Ethiopia",
    "Südafrika": "South Africa", "Jemen": "Yemen", "Jordanien": "Jordan",
    "Libanon": "Lebanon", "Kasachstan": "Kazakhstan", "Usbekistan": "Uzbekistan",
    "Brasilien": "Brazil", "Argentinien": "Argentina", "Kanada": "Canada",
    "Mexiko": "Mexico", "Kolumbien": "Colombia", "Australien": "Australia",
    "Neuseeland": "New Zealand", "Indien": "India", "Indonesien": "Indonesia",
    "Krim": "Crimea", "Sibirien": "Siberia", "Marmarameer": "Sea of Marmara",
    "Mittelmeer": "Mediterranean", "Schwarze Meer": "Black Sea", "Schwarzen Meer": "Black Sea",
    "Niederlande": "Netherlands", "Luxemburg": "Luxembourg", "Albanien": "Albania",
    "Nordmazedonien": "North Macedonia", "Bosnien": "Bosnia", "Georgien": "Georgia",
    "Armenien": "Armenia", "Aserbaidschan": "Azerbaijan", "Tschetschenien": "Chechnya",
    "Kaukasus": "Caucasus", "Grönland": "Greenland", "Palästina": "Palestine",
    "Gazastreifen": "Gaza Strip", "Westjordanland": "West Bank", "Katar": "Qatar",
    "Bangladesch": "Bangladesh", "Kambodscha": "Cambodia", "Philippinen": "Philippines",
    "Singapur": "Singapore", "Kuba": "Cuba", "Bolivien": "Bolivia", "Kenia": "Kenya",
    "Tansania": "Tanzania", "Südsudan": "South Sudan", "Kongo": "Congo",
    "Kamerun": "Cameroon", "Simbabwe": "Zimbabwe", "Sambia": "Zambia",
    "Mosambik": "Mozambique", "Madagaskar": "Madagascar", "Vereinigte Staaten": "United States",
    "Vereinigten Staaten": "United States", "Ostsee": "Baltic Sea", "Nordsee": "North Sea",
    "Ärmelkanal": "English Channel", "Persische Golf": "Persian Gulf",
    "Persischen Golf": "Persian Gulf",
    # cities
    "Pjöngjang": "Pyongyang", "Kiew": "Kyiv", "Charkiw": "Kharkiv", "Moskau": "Moscow",
    "Mailand": "Milan", "Neapel": "Naples", "Venedig": "Venice",
    "Florenz": "Florence", "Warschau": "Warsaw", "Prag": "Prague", "Brüssel": "Brussels",
    "Genf": "Geneva", "Lissabon": "Lisbon", "Kopenhagen": "Copenhagen", "Athen": "Athens",
    "Belgrad": "Belgrade", "Bukarest": "Bucharest", "Tiflis": "Tbilisi", "Kairo": "Cairo",
    "Teheran": "Tehran", "Damaskus": "Damascus", "Antwerpen": "Antwerp",
    "Den Haag": "The Hague", "Straßburg": "Strasbourg", "Sankt Petersburg": "Saint Petersburg",
    "Neu-Delhi": "New Delhi", "Peking": "Beijing", "Tokio": "Tokyo", "Kapstadt": "Cape Town",
    "Bagdad": "Baghdad", "Riad": "Riyadh", "Mekka": "Mecca", "Nizza": "Nice",
    "Lüttich": "Liège", "Genua": "Genoa", "Krakau": "Kraków", "Danzig": "Gdańsk",
    "Lemberg": "Lviv", "Cherson": "Kherson", "Saporischschja": "Zaporizhzhia",
    "Donezk": "Donetsk", "Bachmut": "Bakhmut", "Wolgograd": "Volgograd",
    "Nowosibirsk": "Novosibirsk", "Jekaterinburg": "Yekaterinburg",
    "Wladiwostok": "Vladivostok", "Taschkent": "Tashkent", "Eriwan": "Yerevan",
    # Austria and Switzerland ("Rapid Wien" is "Rapid Vienna" in English too)
    "Österreich": "Austria", "Schweiz": "Switzerland", "Wien": "Vienna", "Zürich": "Zurich",
    "Luzern": "Lucerne", "Tirol": "Tyrol", "Kärnten": "Carinthia", "Steiermark": "Styria",
}  # fmt: skip

_ENGLISH = frozenset(EXONYMS.values())
_EXONYM = re.compile(
    r"(?<![\w-])(" + "|".join(map(re.escape, sorted(EXONYMS, key=len, reverse=True))) + r")(s)?"
    r"(?![\w-])"
)


def english_name(word: str) -> str | None:
    """The English name of a German exonym `word`, also in the genitive ("Kiews" -> "Kyiv");
    None for any other word."""
    return EXONYMS.get(word) or EXONYMS.get(word.removesuffix("s"))


def english_place_names(text: str) -> str:
    """`text` (English) with each German exonym of a foreign place in its English form, a
    genitive "Moskaus" as "Moscow's"."""

    def english(match: re.Match[str]) -> str:
        if match.group(0) in _ENGLISH:
            return match.group(0)  # "Athens" is no genitive of "Athen"
        name = EXONYMS[match.group(1)]
        return f"{name}'s" if match.group(2) else name

    return _EXONYM.sub(english, text)


_CAPITALISED = re.compile(r"(?<![\w-])([A-Z][a-zäöü]{3,})('s|’s)?(?![\w-])")
_LIKE = 0.75  # difflib ratio of a misspelling to the exonym or its English name


def misspelled_places(english: str, source: str) -> str:
    """`english` with a misspelling of a foreign place that `source` names by its German
    exonym ("Pongjang" where the source has "Pjöngjang") in the English form ("Pyongyang"),
    where `english` lacks that form. A word that begins like the English name ("Italian" for
    "Italien") or is part of it ("Korea" of "South Korea") is no misspelling."""
    for found in {m.group(1) for m in _EXONYM.finditer(source)}:
        name = EXONYMS[found]
        if name in english:
            continue

        def mended(match: re.Match[str], found: str = found, name: str = name) -> str:
            word = match.group(1)
            if word[:4].casefold() == name[:4].casefold() or word in name or word == found:
                return match.group(0)
            if max(_likeness(word, found), _likeness(word, name)) < _LIKE:
                return match.group(0)
            return name + (match.group(2) or "")

        english = _CAPITALISED.sub(mended, english)
    return english


def _likeness(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold()).ratio()
