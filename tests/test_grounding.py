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
