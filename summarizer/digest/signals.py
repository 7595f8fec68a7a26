"""Cheap signals of one result for grouping: name keys, dates, and a weighted word profile.

Names are compared by a key that ignores transliteration (Belousow, Beloussow and Belousov
share one; so do Schoigu and Shoigu, Pjöngjang and Pyongyang). Dates are read by code from
the English and the source quotes (German and English month names).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from summarizer.schema import ArticleResult

__all__ = [
    "Signals",
    "corroborated",
    "dates_agree",
    "dates_in",
    "days_apart",
    "figures_in",
    "name_key",
    "names_in",
    "signals_of",
    "spoken",
]

_MONTHS = {
    "january": 1, "jan": 1, "januar": 1, "jänner": 1,
    "february": 2, "feb": 2, "februar": 2,
    "march": 3, "mar": 3, "märz": 3, "maerz": 3,
    "april": 4, "apr": 4,
    "may": 5, "mai": 5,
    "june": 6, "jun": 6, "juni": 6,
    "july": 7, "jul": 7, "juli": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "october": 10, "oct": 10, "oktober": 10, "okt": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12, "dezember": 12, "dez": 12,
}  # fmt: skip
_LONG = (1, 3, 5, 7, 8, 10, 12)
_LEAD_CLAIMS = 3  # the claims of the opening sentences, where news gives its date
_MONTH_WORDS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\.?\s+(?:of\s+)?(?P<m>{_MONTH})\b\.?(?:,?\s+(?P<y>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
_MONTH_DAY = re.compile(
    rf"\b(?P<m>{_MONTH})\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d))?",
    re.IGNORECASE,
)
_FIGURE = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_THOUSANDS = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_NAME = re.compile(r"\b[A-ZÄÖÜ][\w'’]*(?:-[\w'’]+)*(?: [A-ZÄÖÜ][\w'’]*(?:-[\w'’]+)*)*")
_WORD = re.compile(r"[^\W\d_]{4,}")
_STOP = frozenset(
    "that this with from have were been said says will would their they there which about "
    "after also into more than when what over other some such only most very these those "
    "herr frau nach sich sind wird wurde eine einer einem einen dass oder aber auch".split()
)
_NOT_NAMES = frozenset(
    "the a an in on at of and but he she it they this that mr mrs "
    "der die das dem den des ein eine einer laut am im auf bei nach mit von und".split()
)
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch"
_CALENDAR = [*_MONTHS, *f"{_WEEKDAYS} donnerstag freitag samstag sonntag".split()]


def name_key(name: str) -> str:
    """A spelling-insensitive key of a name: lower-case ASCII letters, with transliteration
    variants folded (ss→s, sch→sh, w→v, j/y→i) and doubled letters collapsed."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(c for c in text if c.isascii() and c.isalnum())
    for a, b in (("sch", "sh"), ("ss", "s"), ("w", "v"), ("j", "i"), ("y", "i")):
        text = text.replace(a, b)
    return re.sub(r"(.)\1+", r"\1", text)


def names_in(text: str) -> list[str]:
    """Runs of capitalised words (joined by a space or hyphen) in `text`, as written."""
    found = []
    for match in _NAME.finditer(text):
        words = match.group().split()
        while words and words[0].casefold() in _NOT_NAMES:
            words = words[1:]
        if words:
            found.append(" ".join(words))
    return found


def dates_in(text: str) -> list[tuple[str, int, int]]:
    """Day-and-month dates in `text` (English or German month names): each as it is
    normalised ('11-30', or '2024-11-30' with a year), with its span."""
    found: dict[int, tuple[str, int, int]] = {}
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        for m in pattern.finditer(text):
            day, month = int(m.group("d")), _MONTHS[m.group("m").casefold()]
            if not 1 <= day <= 31 or m.start() in found:
                continue
            value = f"{month:02d}-{day:02d}"
            found[m.start()] = (f"{m.group('y')}-{value}" if m.group("y") else value, *m.span())
    return [found[k] for k in sorted(found)]


_NOT_NAME_KEYS = frozenset(name_key(w) for w in _CALENDAR)


def days_apart(a: str, b: str) -> int:
    """Days between two month-day dates ('11-29', '11-30'), the short way round the year."""
    days = abs(_day_of_year(a) - _day_of_year(b))
    return min(days, 366 - days)


def _day_of_year(date: str) -> int:
    month, day = (int(x) for x in date.split("-"))
    return (
        dt.date(2000, month, min(day, 29 if month == 2 else 31 if month in _LONG else 30))
        - dt.date(2000, 1, 1)
    ).days


def _days_around(date: str) -> list[str]:
    """A month-day date and the days either side (so that reports a day apart share one)."""
    first = dt.date(2000, 1, 1) + dt.timedelta(days=_day_of_year(date))
    return [(first + dt.timedelta(days=d)).strftime("%m-%d") for d in (-1, 0, 1)]


def dates_agree(a: Signals, b: Signals, *, within: int = 3) -> bool | None:
    """Whether two results date their news alike: some date of each within `within` days
    (True), none (False), or unknown when either gives no date (None)."""
    if not a.dates or not b.dates:
        return None
    return any(days_apart(x, y) <= within for x in a.dates for y in b.dates)


def spoken(date: str) -> str:
    """A normalised date as words: '11-30' as '30 November', '2024-11-30' as '30 November 2024'."""
    *year, month, day = date.split("-")
    text = f"{int(day)} {_MONTH_WORDS[int(month) - 1]}"
    return f"{text} {year[0]}" if year else text


@dataclass(frozen=True)
class Signals:
    """What grouping compares of one result."""

    id: str
    names: frozenset[str]  # name keys of its entities and capitalised words
    dates: frozenset[str]  # month-day of every date it gives
    words: Counter[str] = field(compare=False)  # word profile of title, summary, points
    numbers: frozenset[str] = frozenset()  # the specific figures its sources give


def figures_in(text: str) -> set[str]:
    """The specific figures of a source text, normalised ('30.000' and '30,000' as '30000',
    '4,6' as '4.6'): no dates, no years, nothing from 0 to 12 (which any two reports share)."""
    for _, start, end in reversed(dates_in(text)):
        text = text[:start] + " " + text[end:]
    found = set()
    for n in _FIGURE.findall(text):
        value = re.sub(r"[.,]", "", n) if _THOUSANDS.fullmatch(n) else n.replace(",", ".")
        if re.fullmatch(r"(19|20)\d\d", value) or (value.isdigit() and int(value) <= 12):
            continue
        found.add(value)
    return found


def corroborated(a: Signals, b: Signals) -> bool:
    """Whether two results share evidence of one occurrence: dates within three days of each
    other, or a specific figure (a toll, a sum, a count) both sources give."""
    return bool(dates_agree(a, b)) or bool(a.numbers & b.numbers)


def signals_of(result: ArticleResult) -> Signals:
    """The cheap signals of one result (English fields, plus its claims' source quotes)."""
    head = " ".join([result.title_en, result.summary_en, *result.key_points_en])
    texts = [head, *(c.text_en for c in result.claims)]
    runs = [e.name for e in result.entities if e.type != "other"]
    runs += [n for text in texts for n in names_in(text)]
    names = {name_key(w) for run in runs for w in re.split(r"[ -]", run) if len(w) >= 3}
    names -= _NOT_NAME_KEYS
    lead = result.claims[:_LEAD_CLAIMS]
    dated = [head, *(c.text_en for c in lead), *(c.quote for c in lead)]
    dates = {value[-5:] for text in dated for value, _, _ in dates_in(text)}
    words = Counter(w.casefold() for w in _WORD.findall(head) if w.casefold() not in _STOP)
    words.update({f"#{k}": 2 for k in names})  # names weigh twice a word
    words.update(f"@{day}" for date in dates for day in _days_around(date))
    return Signals(
        id=result.id,
        names=frozenset(names),
        dates=frozenset(dates),
        words=words,
        numbers=frozenset(n for c in result.claims for n in figures_in(c.quote)),
    )
