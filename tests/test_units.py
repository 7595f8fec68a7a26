"""German units after a number in English text: written in English, nothing else touched."""

from summarizer.units import english_units


def test_a_german_unit_after_a_number_is_written_in_english() -> None:
    cases = {
        "The 53-kilogramm female orangutan": "The 53-kilogram female orangutan",
        "Of these, 58 Prozent are threatened.": "Of these, 58 percent are threatened.",
        "It flew at 200 Stundenkilometer.": "It flew at 200 km/h.",
        "It took 1 Stunde and 3 Jahren.": "It took 1 hour and 3 years.",
        "A 2.5 Prozent rise; the 10-Tonnen truck.": "A 2.5 percent rise; the 10-tonne truck.",
    }
    for german, english in cases.items():
        assert english_units(german) == english


def test_english_units_names_and_words_not_after_a_number_stay() -> None:
    for text in (
        "20 Kilometer away, 3 metres deep, 5 minutes later",  # English words already
        "Senator Gramm said the Prozent sign was wrong",  # not after a number
        "The Tage and Jahre of 2019",
        "Room A1-Tag",
    ):
        assert english_units(text) == text
