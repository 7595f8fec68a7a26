from summarizer.grounding import locate_quote, normalize

SOURCE = "Moskau solle nun „auf die feindlichen Kräfte reagieren“.  Er sagte – wörtlich – nichts."


def test_normalize_unifies_quotes_dashes_and_spaces() -> None:
    assert normalize(" „a“  ‚b‘ – c—d\n e ") == "\"a\" 'b' - c-d e"


def test_exact_quote_gets_exact_offsets() -> None:
    quote = "auf die feindlichen Kräfte reagieren"
    start, end = locate_quote(quote, SOURCE) or (0, 0)
    assert SOURCE[start:end] == quote


def test_quote_with_other_quote_marks_dashes_and_spacing_is_found() -> None:
    span = locate_quote('"auf die feindlichen  Kräfte reagieren"', SOURCE)
    assert span is not None
    assert SOURCE[span[0] : span[1]] == "„auf die feindlichen Kräfte reagieren“"
    span = locate_quote("'Moskau solle nun'", SOURCE)  # quote marks the source lacks
    assert span is not None
    assert SOURCE[span[0] : span[1]] == "Moskau solle nun"
    span = locate_quote("Er sagte - wörtlich - nichts.", SOURCE)
    assert span is not None
    assert SOURCE[span[0] : span[1]] == "Er sagte – wörtlich – nichts."


def test_made_up_or_translated_quotes_are_not_found() -> None:
    assert locate_quote("Moscow should now respond to hostile forces", SOURCE) is None
    assert locate_quote("auf die freundlichen Kräfte", SOURCE) is None
    assert locate_quote("", SOURCE) is None
    assert locate_quote("moskau solle nun", SOURCE) is None  # verbatim means case too


def test_within_limits_the_search() -> None:
    assert locate_quote("Er sagte", SOURCE, within=(0, 20)) is None
    span = locate_quote("Er sagte", SOURCE, within=(50, len(SOURCE)))
    assert span is not None
    assert SOURCE[span[0] : span[1]] == "Er sagte"


def test_quotes_that_start_with_a_quote_mark_keep_it() -> None:
    source = "Er sagte: 'Wir bleiben', heißt es."
    span = locate_quote("'Wir bleiben', heißt es.", source)
    assert span is not None
    assert source[span[0] : span[1]] == "'Wir bleiben', heißt es."
    # Located again from its own text, a span is stable (cached results re-validate this way).
    again = locate_quote(source[span[0] : span[1]], source)
    assert again == span


def _reference_locate(quote: str, source: str) -> tuple[int, int] | None:
    """The definition, one character at a time: normalize with a map from each normalized
    character to its source offset, find the quote (with, then without its edge quote marks)."""
    table = str.maketrans({"„": '"', "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "})
    out: list[str] = []
    index: list[int] = []
    pending = False
    for i, ch in enumerate(source.translate(table)):
        if ch.isspace():
            pending = bool(out)
            continue
        if pending:
            out.append(" ")
            index.append(i - 1)
            pending = False
        out.append(ch)
        index.append(i)
    haystack = "".join(out)
    full = normalize(quote)
    for needle in (full, full.strip(" \"'")):
        if needle and (pos := haystack.find(needle)) >= 0:
            return index[pos], index[pos + len(needle) - 1] + 1
    return None


def test_offsets_match_the_character_by_character_definition() -> None:
    """Random texts of words, quote marks, dashes and runs of mixed blanks; the quotes are
    random slices of them, some wrapped in quote marks, plus a few that are not there."""
    import random

    rng = random.Random(5)
    pieces = ["ab", "Kräfte", "„", "“", '"', "–", "-", ".", " ", "  ", "\n", "\t \n", "\u00a0"]
    found = 0
    for _ in range(3000):
        source = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        i = rng.randint(0, len(source))
        quote = source[i : rng.randint(i, len(source))]
        if rng.random() < 0.2:
            quote = f'"{quote}"'
        elif rng.random() < 0.1:
            quote = "Kräfte ab"
        expected = _reference_locate(quote, source)
        assert locate_quote(quote, source) == expected, (quote, source)
        found += expected is not None
    assert found > 1500  # most slices are found: the comparison is not vacuous
