from summarizer.attribution import find_cues


def test_german_attribution_cues_are_found_verbatim() -> None:
    cases = {
        "Laut KCNA habe der Staatschef versprochen, zu helfen.": ["Laut KCNA"],
        "Bei dem Treffen sagte Kim, die USA hätten grünes Licht gegeben.": ["sagte Kim"],
        "Seitdem hat Nordkorea nach Angaben des südkoreanischen Geheimdienstes mehr als 10.000 "
        "Container geliefert.": ["nach Angaben des südkoreanischen Geheimdienstes"],
        "Der Nachrichtenagentur Yonhap zufolge war es die erste Meldung.": [
            "Der Nachrichtenagentur Yonhap zufolge"
        ],
        "Kim traf Belousow, wie die Nachrichtenagentur KCNA berichtete.": [
            "wie die Nachrichtenagentur KCNA berichtete"
        ],
        "Die Sonne schien den ganzen Tag.": [],
    }
    for sentence, expected in cases.items():
        assert find_cues(sentence, "de") == expected, sentence
        for cue in expected:
            assert cue in sentence


def test_english_cues_and_unknown_languages() -> None:
    assert find_cues("According to the Kremlin, talks failed.", "en") == [
        "According to the Kremlin"
    ]
    assert find_cues("Laut KCNA.", "xx") == []
