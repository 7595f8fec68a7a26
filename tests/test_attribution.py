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


def test_code_attributes_speaker_cue_and_kind() -> None:
    from summarizer.attribution import OUTLET, attribute

    cases = [  # (sentence, its English, speaker, cue, kind)
        ("Laut Polizei war der Fahrer betrunken.", "According to the police, the driver was drunk.",
         "the police", "Laut Polizei", "report"),
        ("Die USA und Südkorea werfen Nordkorea vor, Russland Waffen zu liefern.", "",
         "USA und Südkorea", "Die USA und Südkorea werfen", "allegation"),
        ("Pjöngjang weist die Vorwürfe als „absurd“ zurück.", "",
         "Pjöngjang", "Pjöngjang weist", "denial"),
        ("„Wir unterstützen Russland“, sagte Kim.", "'We support Russia,' Kim said.",
         "Kim", "sagte Kim", "quote"),
        ("Die Sonne schien den ganzen Tag.", "The sun shone all day.", OUTLET, "", "statement"),
        ("Das Wort „Krise“ fiel oft.", "The word 'crisis' came up often.", OUTLET, "", "statement"),
    ]  # fmt: skip
    for sentence, english, speaker, cue, kind in cases:
        got = attribute(sentence, english, "de")
        assert (got.speaker, got.cue, got.kind) == (speaker, cue, kind), sentence
        assert got.cue in sentence


def test_quotations_and_reported_speech_continue_the_paragraphs_speaker() -> None:
    from summarizer.attribution import OUTLET, attribute_all

    sentences = [
        (1, 0, "Bei dem Treffen sagte Kim, die USA hätten der Ukraine grünes Licht gegeben."),
        (2, 0, "Moskau solle nun „auf die feindlichen Kräfte reagieren“."),
        (3, 0, "Die Lage sei ernst."),
        (4, 1, "Die Lage sei ernst."),  # a new paragraph: nobody to continue
    ]
    got = attribute_all(sentences, {}, "de")
    assert [(a.speaker, a.kind) for a in got.values()] == [
        ("Kim", "report"),
        ("Kim", "quote"),
        ("Kim", "report"),
        (OUTLET, "statement"),
    ]
