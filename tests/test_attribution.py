import pytest

from summarizer.attribution import attribute, find_cues


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
        (4, 1, "Die Lage sei ernst."),  # Konjunktiv I: in a new paragraph too
        (5, 2, "„Wir sind bereit.“"),  # a bare quotation continues only in its paragraph
        (6, 3, "Die Sonne schien."),
        (7, 4, "Die Zahlen legte die IUCN am Freitag vor, teilte die Union mit."),
        (8, 4, "Sie untersuchte die Bestände aller 454 Baumarten."),  # "Sie": the source goes on
        (9, 5, "Sie untersuchte die Bestände."),  # not in a new paragraph
        (10, 6, "Der Roman erscheine im November, teilte der Verlag mit."),
        (11, 6, "Darin sei ein Mann die Hauptfigur."),
        (12, 6, "Er sieht es als seine Mission, zu helfen."),  # the man: no cue just before
    ]
    got = attribute_all(sentences, {}, "de")
    assert [(a.speaker, a.kind) for a in got.values()] == [
        ("Kim", "report"),
        ("Kim", "quote"),
        ("Kim", "report"),
        ("Kim", "report"),
        (OUTLET, "quote"),
        (OUTLET, "statement"),
        ("Union", "report"),
        ("Union", "report"),
        (OUTLET, "statement"),
        ("Verlag", "report"),
        ("Verlag", "report"),
        (OUTLET, "statement"),
    ]


def test_speech_act_subjects_are_read_from_the_aligned_english() -> None:
    from summarizer.attribution import OUTLET, attribute_all

    sentences = [
        (1, 0, "Nordkoreas Machthaber Kim Jong Un hat Russland seine Unterstützung zugesichert."),
        (2, 1, "Er betonte, die Zusammenarbeit werde wachsen."),
        (3, 2, "Belousow führte auch Gespräche mit No Kwang Chol und sagte, man sei bereit."),
        (4, 3, "Das Wetter in Pjöngjang war kalt."),
    ]
    english = {
        1: "The leader of North Korea, Kim Jong Un, has assured Russia of his support.",
        2: "He stressed that cooperation would grow.",
        3: "Belousov also held talks with No Kwang Chol and said that they were ready.",
        4: "The weather in Pyongyang was cold.",
    }
    got = attribute_all(sentences, english, "de")
    assert [(a.speaker, a.kind) for a in got.values()] == [
        ("Kim Jong Un", "report"),
        ("Kim Jong Un", "report"),  # a pronoun subject: the last named speaker, across paragraphs
        ("Belousov", "report"),
        (OUTLET, "statement"),
    ]


def test_a_subject_without_a_verb_of_saying_or_not_named_in_the_source_is_no_speaker() -> None:
    from summarizer.attribution import OUTLET, attribute

    # No verb of saying in the German: the English subject does not make a speaker.
    got = attribute("Kim besuchte eine Fabrik.", "Kim visited a factory.", "de")
    assert (got.speaker, got.named) == (OUTLET, False)
    # A subject the German sentence does not name is the translation's invention.
    got = attribute("Man sagte, es regne.", "Officials said it was raining.", "de")
    assert got.speaker == OUTLET


def test_a_backward_cue_attributes_the_sentence_before_it() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Kim habe den Sieg Russlands vorausgesagt."),
        (2, 0, "Dies berichtet die Nachrichtenagentur KCNA."),
    ]
    english = {
        1: "Kim predicted Russia's victory.",
        2: "This is reported by the news agency KCNA.",
    }
    got = attribute_all(sentences, english, "de")
    assert got[1].speaker == got[2].speaker == "the news agency KCNA"
    assert got[1].cue == "" and got[2].cue in sentences[1][2]


def test_a_title_only_speaker_takes_the_name_the_english_gave_that_title() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Präsident Kim Jong Un empfing den Minister in Pjöngjang."),
        (2, 1, "Der Präsident Nordkoreas sagte, man stehe an der Seite Russlands."),
    ]
    english = {
        1: "President Kim Jong Un received the minister in Pyongyang.",
        2: "The President of North Korea said that they stood by Russia.",
    }
    got = attribute_all(sentences, english, "de")
    assert got[2].speaker == "Kim Jong Un"


def test_a_cue_speaker_takes_its_english_noun_phrase() -> None:
    from summarizer.attribution import attribute

    got = attribute(
        "Dies meldete die nordkoreanische staatliche Nachrichtenagentur KCNA am Morgen.",
        "This was reported by the North Korean state news agency KCNA in the morning.",
        "de",
    )
    assert got.speaker.endswith("news agency KCNA") and "North Korean" in got.speaker


def test_a_statement_the_english_cites_is_no_speaker() -> None:
    from summarizer.attribution import attribute

    got = attribute(
        'Man muss die Verantwortlichen aus den Stadien werfen", hatte Fifa-Präsident Gianni '
        "Infantino am Wochenende gesagt.",
        "FIFA President Gianni Infantino said that those responsible must be expelled from "
        "stadiums, according to a statement made on Sunday.",
        "de",
    )
    assert got.speaker == "FIFA President Gianni Infantino"


def test_quotation_marks_make_a_quote_only_around_two_words_or_more() -> None:
    from summarizer.attribution import OUTLET, attribute

    got = attribute("Die Lage sei „sehr ernst und gefährlich“.", "", "de")
    assert (got.speaker, got.kind) == (OUTLET, "quote")
    got = attribute("Das Wort „Krise“ fiel oft.", "", "de")
    assert got.kind == "statement"


def test_a_cue_naming_no_one_takes_the_source_named_before_or_after_it() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Tote gab es laut den Angaben nicht."),
        (2, 0, "Dutzende hätten ihre Häuser verlassen müssen, sagte Vizepräsident Fuat Oktay."),
        (3, 1, "Dem Bericht zufolge wurden Hunderte Gebäude beschädigt."),
        (4, 2, "Seit dem Beben habe es fast 200 Nachbeben gegeben."),
    ]
    got = attribute_all(sentences, {}, "de")
    assert {a.speaker for a in got.values()} == {"Vice president Fuat Oktay"}
    assert got[1].cue == "laut den Angaben"


def test_a_name_in_apposition_to_the_cue_is_the_speaker() -> None:
    from summarizer.attribution import attribute

    got = attribute(
        "„Die Untersuchung ist wichtig“, sagte der republikanische Gouverneur des "
        "US-Bundesstaates Vermont, Phil Scott, dem Sender CNN.",
        "",
        "de",
    )
    assert (got.speaker, got.kind) == ("Phil Scott", "quote")


def test_titles_in_quotation_marks_are_no_quote_and_a_quotation_may_end_a_sentence() -> None:
    from summarizer.claim_kind import kind_of

    assert kind_of("Der Roman „Die Kakerlake“ erscheint im November.", named=False) == ("statement")
    assert kind_of('Es geht um einen Mann namens "Jim Sams".', named=True) == "report"
    assert kind_of('Zuvor hatte "AviationNetOnline" darüber berichtet.', named=True) == "report"
    ending = 'Einige von ihnen gaben an, vergewaltigt worden zu sein", sagte Sabo.'
    assert kind_of(ending, named=True) == "quote"
    assert kind_of("Sie sprach von einer „dürftigen Bilanz“.", named=True) == "quote"


def test_a_title_subject_speaks_for_the_name_that_title_had_or_the_last_named() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Die Nachrichtenagentur KCNA meldete das Treffen."),
        (2, 1, "Präsident Kim Jong Un sagte, der Besuch sei nützlich."),
        (3, 2, "Der Staatschef bekräftigte, die Lage sei ernst."),  # no name after "Staatschef"
        (4, 3, "Verteidigungsminister Andrej Beloussow traf No Kwang-chol."),
        (5, 4, "Der Minister sagte, man sei bereit."),  # "Minister" last named Beloussow
    ]
    english = {3: "The Prime Minister confirmed that the situation was serious."}
    got = attribute_all(sentences, english, "de")
    assert got[3].speaker == "President Kim Jong Un"
    assert got[5].speaker == "Andrej Beloussow"


def test_a_participle_of_saying_after_a_comma_names_its_subject() -> None:
    from summarizer.attribution import attribute

    got = attribute(
        "Belousow führte Gespräche mit No Kwang-chol und sagte, der Pakt werde helfen.",
        "Andrej Belousow also held talks with No Kwang-chol, stating that the pact will help.",
        "de",
    )
    assert got.speaker == "Andrej Belousow"


def test_attribution_on_the_gold_with_reference_english_does_not_regress() -> None:
    """Code attribution scored on both gold suites with the human reference as English
    (`evals/reference_attribution.py`, no model): a rule change may only keep or raise it."""
    from pathlib import Path

    from evals.reference_attribution import score

    root = Path(__file__).resolve().parents[1] / "evals"
    right, judged, kinds_right, kinds_judged = score([root / "seeds", root / "wmt20"])
    assert judged >= 40 and kinds_judged >= 80  # the gold's named-source facts, judged claims
    assert right / judged >= 0.82 and kinds_right / kinds_judged >= 0.91  # 39/47, 76/83


def test_an_english_speaker_drags_no_quotation_along() -> None:
    got = attribute(
        "„Einige von ihnen sagten, sie seien von ihren Lehrern geschlagen worden“, sagte "
        "Polizeisprecher Yakubu Sabo.",
        '"Some of them said they had been beaten by their teachers," Sabo added.',
        "de",
    )
    assert (got.speaker, got.kind) == ("Sabo", "quote")


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (  # a time adverb between the verb of saying and its subject
            "Die AUA übernimmt die Flüge, bestätigte am Freitag ein Pressesprecher der Airline.",
            "spokesman",  # the German noun, in English
        ),
        (  # pluperfect: the subject between the auxiliary and the participle
            'Man muss sie aus den Stadien werfen", hatte Fifa-Präsident Gianni Infantino am '
            "Wochenende gesagt.",
            "Gianni Infantino",  # no German title in an English field (session 23)
        ),
        (  # a speaker, a colon and the quotation
            'Polizeisprecher Andrzej Rydzik: "Wir bestätigen die Festnahme."',
            "Police spokesman Andrzej Rydzik",
        ),
        (
            'Dem entgegnete am Freitag AUA-Vorstand Andreas Otto: "Wir bleiben die Nummer eins".',
            "Andreas Otto",
        ),
        ('Zuvor hatte "AviationNetOnline" darüber berichtet.', "AviationNetOnline"),
    ],
)
def test_cues_with_an_adverb_a_participle_or_a_colon_name_their_speaker(
    sentence: str, speaker: str
) -> None:
    found = attribute(sentence, "", "de")
    assert found.named and found.speaker == speaker
    assert found.cue and found.cue in sentence


def test_a_speaker_left_in_german_takes_the_english_speaker_phrase() -> None:
    sentence = "Die AUA übernimmt die Flüge, bestätigte am Freitag ein Pressesprecher der Airline."
    english = (
        "AUA is taking over the flights, a press spokesman for the airline confirmed on Friday."
    )
    assert attribute(sentence, english, "de").speaker == "press spokesman for the airline"
    media = "Die Anführer sollen nach italienischen Medienberichten hinter dem Handel stecken."
    said = "The leaders are said to be behind the trade, according to Italian media reports."
    found = attribute(media, said, "de")
    assert found.cue == "nach italienischen Medienberichten" and found.speaker == "Italian media"


def test_a_verb_before_a_cue_is_no_part_of_its_source_and_had_is_no_part_of_a_name() -> None:
    assert find_cues("Die Flüge werden dem Bericht zufolge verlegt.", "de") == [
        "dem Bericht zufolge"
    ]
    earlier = attribute('Zuvor hatte "AviationNetOnline" berichtet.', "", "de")
    follows = attribute(
        "Die Flüge werden dem Bericht zufolge verlegt.",
        "According to the report, the flights will be moved.",
        "de",
        last_named=earlier,
    )
    assert follows.speaker == "AviationNetOnline"  # the report named before
    english = "AviationNetOnline had reported on it before."
    assert attribute("Zuvor hatte die Seite darüber berichtet.", english, "de").speaker != (
        "AviationNetOnline had"
    )


def test_a_source_named_by_a_german_noun_is_given_in_english() -> None:
    from summarizer.source_nouns import source_noun as _source_noun

    assert _source_noun("russischen Präsidenten") == "Russian president"
    assert _source_noun("südkoreanischen Geheimdienstes") == "South Korean intelligence service"
    assert _source_noun("Vizepräsident") == "vice president"
    assert _source_noun("Fifapräsident") == ""  # an unknown compound stays as it is
    assert _source_noun("Kim") == ""
    sentence = "Die AUA übernimmt die Flüge, bestätigte am Freitag ein Pressesprecher."
    assert attribute(sentence, "", "de").speaker == "spokesman"
    media = "Die Anführer sollen nach italienischen Medienberichten hinter dem Handel stecken."
    assert attribute(media, "", "de").speaker == "Italian media reports"
    police = 'Polizeisprecher Andrzej Rydzik: "Wir bestätigen die Festnahme."'
    assert attribute(police, "", "de").speaker == "Police spokesman Andrzej Rydzik"  # a name


def test_an_english_speaker_stops_at_the_predicate_after_a_name() -> None:
    from summarizer.attribution import _tidy

    assert _tidy("Jesus published private messages and") == "Jesus"
    assert _tidy("an unnamed official") == "an unnamed official"  # no name before it
    assert _tidy("Ryanair's subsidiary Laudamotion") == "Ryanair's subsidiary Laudamotion"


def test_a_document_cue_names_whose_document_it_is_for_the_sentence_before() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Seit Anfang 2014 verbuchte die Truppe den Verlust von 39 Waffen."),
        (
            2,
            0,
            "Das geht aus einer als Verschlusssache eingestuften Auflistung des "
            "Bundesverteidigungsministeriums hervor, über die das RedaktionsNetzwerk "
            "Deutschland (RND) berichtet.",
        ),
    ]
    english = {1: "Since 2014 the army lost 39 weapons."}
    renderings = {
        "This is based on a list presented by the Federal Defense Ministry, which was "
        "reported to the news network.": "the Federal Defense Ministry",
        "This emerges from a classified list, on which the RND reports.": "the RND",
        "": "federal defence ministry",  # no English: the German noun, in English
    }
    for rendering, speaker in renderings.items():
        got = attribute_all(sentences, {**english, 2: rendering}, "de")
        assert got[1].speaker == got[2].speaker == speaker
        assert got[2].cue.startswith("geht aus einer") and got[2].cue.endswith("hervor")
    got = attribute_all([(1, 0, "Wie aus dem Polizeibericht hervorgeht, brannte es.")], {}, "de")
    assert got[1].cue == "Wie aus dem Polizeibericht hervorgeht" and got[1].named


def test_recognising_that_is_a_speech_act_and_recognising_someone_is_not() -> None:
    from summarizer.attribution import OUTLET

    got = attribute(
        "Kim Jong Un erkannte, dass die Beziehungen ein Instrument der Sicherheit darstellen.",
        "Kim Jong Un recognized that the relations are an instrument of security.",
        "de",
    )
    assert (got.speaker, got.kind) == ("Kim Jong Un", "report")
    got = attribute(
        "Die Polizei erkannte den Täter auf dem Video.",
        "The police recognized the perpetrator on the video.",
        "de",
    )
    assert (got.speaker, got.named) == (OUTLET, False)


def test_a_speaker_from_part_of_a_german_compound_is_its_noun_and_a_subject_its_name() -> None:
    got = attribute(
        "Die AUA übernimmt die Flüge, bestätigte am Freitag ein Pressesprecher.",
        "AUA takes over the flights, a press spokesman confirmed on Friday.",
        "de",
    )
    assert got.speaker == "a press spokesman"
    got = attribute(  # the translation made the spokesman a conference: the German noun's
        "Die AUA übernimmt die Flüge, bestätigte am Freitag ein Pressesprecher.",
        "AUA takes over the flights. This was confirmed by a press conference held on Friday "
        "by an Austrian Airlines spokesperson to the APA.",
        "de",
    )
    assert got.speaker == "spokesman"  # not "a press"
    got = attribute(
        "Jesus veröffentlichte private Nachrichten und forderte seinen Verein zum Handeln auf.",
        "Jesus published private messages and demanded his club take action.",
        "de",
    )
    assert got.speaker == "Jesus"  # not "Jesus published private messages and"


def test_an_adverb_before_the_verb_of_saying_is_not_part_of_the_speaker() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, 'Zuvor hatte "AviationNetOnline" darüber berichtet.'),
        (2, 1, "Das Ministerium kündigte zunächst einen Plan an."),
    ]
    english = {
        1: "AviationNetOnline had previously reported this.",
        2: "The Ministry initially announced a plan.",
    }
    got = attribute_all(sentences, english, "de")
    assert [a.speaker for a in got.values()] == ["AviationNetOnline", "The Ministry"]


def test_a_speaker_in_the_sources_words_names_a_foreign_place_in_english() -> None:
    """Seed 004's "Pjöngjang weist die Vorwürfe ... zurück" gave the speaker "Pjöngjang" to an
    English reader; a German exonym as speaker is given in English, as in the translation."""
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Pjöngjang weist die Vorwürfe als „absurd“ zurück."),
        (2, 1, "Auch Kiew versichert, dass dort Munition gefunden worden sei."),
        (3, 2, "Laut KCNA habe Kim Moskau besucht."),
    ]
    english = {
        1: "Pjöngjang counters the accusations as absurd.",
        2: "Kiew also claims that munitions were found there.",
        3: "According to KCNA, Kim visited Moscow.",
    }
    speakers = {n: a.speaker for n, a in attribute_all(sentences, english, "de").items()}
    assert speakers == {1: "Pyongyang", 2: "Kyiv", 3: "KCNA"}


def test_a_speaker_the_english_puts_in_place_of_the_cues_name_is_not_taken() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Das sagte Polizeisprecher Yakubu Sabo."),
        (2, 1, "Die Eltern hätten sich schockiert gezeigt, als sie davon hörten, sagte Sabo."),
        (3, 1, "Sie hätten von den Leiden ihrer Kinder nichts geahnt."),
        (4, 2, "Insbesondere lobte der russische Präsident laut KCNA den Mut der Truppen."),
    ]
    english = {
        1: "Police spokesman Yakubu Sabo said so.",
        2: "Parents who were shocked to learn about the school's conditions said so.",
        3: "They had no idea of their children's suffering.",
        4: "Russian President mentioned that KCNA praised the troops' courage.",
    }
    got = attribute_all(sentences, english, "de")
    assert [got[n].speaker for n in (2, 3, 4)] == ["Sabo", "Sabo", "KCNA"]
    # A cue's German noun is no name: the English stays ("der Sprecher" -> "the spokesman").
    said = attribute(
        "Es sei ernst, sagte der Sprecher.",
        "It is serious, the spokesman said.",
        "de",
    )
    assert said.speaker == "the spokesman"


def test_a_verb_of_writing_after_the_text_and_an_age_name_their_speaker() -> None:
    from summarizer.attribution import OUTLET, attribute_all

    sentences = [
        (1, 0, "Jesus veröffentlichte die Nachrichten und sagte, er sei stolz."),
        (2, 0, '"Stolz darauf, zu sein, wer ich bin", schrieb der 28-Jährige.'),
        (3, 1, "Der Roma-Anhänger dürfe nie wieder ins Stadion, schrieb der Klub auf Twitter."),
        (4, 2, "Ian McEwan schreibt Brexit-Roman"),
    ]
    english = {
        1: "Jesus published the messages and said he was proud.",
        2: '"Proud to be who I am", wrote the 28-year-old.',
        3: "The Roma supporter may never enter the stadium again, wrote the club on Twitter.",
        4: "Ian McEwan writes Brexit novel",
    }
    got = attribute_all(sentences, english, "de")
    assert (got[2].speaker, got[2].cue) == ("Jesus", "schrieb der 28-Jährige")
    assert (got[3].speaker, got[3].cue) == ("club", "schrieb der Klub")
    assert (got[4].speaker, got[4].cue) == (OUTLET, "")  # writing a novel is not saying
    # With no one named before, the age is the English's.
    alone = attribute(sentences[1][2], english[2], "de")
    assert alone.speaker == "the 28-year-old"
    lawyer = attribute(
        "Das Tier wurde geflogen, wie Anwalt Andrés Gil Domínguez erklärte.",
        "The animal was flown, as attorney Andrés Gil Domínguez explained.",
        "de",
    )
    assert lawyer.speaker == "attorney Andrés Gil Domínguez"


def test_a_quoted_name_is_no_quote_and_a_cue_may_cite_its_sources_source() -> None:
    from summarizer.claim_kind import kind_of

    assert kind_of('Der Öltanker "Stena Impero" ist auf dem Weg.', named=False) == "statement"
    assert kind_of('Er sagte: "Wir kommen morgen".', named=True) == "quote"
    assert kind_of('Eurowings diene nur als "Production Company".', named=True) == "quote"
    assert find_cues("Wie AviationNetOnline schreibt, diene Eurowings als Firma.", "de") == [
        "Wie AviationNetOnline schreibt"
    ]
    sentence = "Zuletzt hatte Bloomberg unter Berufung auf Insider berichtet, dass es vorangeht."
    assert find_cues(sentence, "de") == ["hatte Bloomberg"]


def test_an_english_speaker_phrase_stops_at_the_sentence_before() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Die Besatzung bereite die Abfahrt vor, teilte Reedereichef Erik Hånell mit."),
    ]
    english = {1: "The crew is preparing at the dock. Reedereichef Erik Hånell sent a message."}
    assert attribute_all(sentences, english, "de")[1].speaker == "Erik Hånell"


def test_von_der_polizei_hiess_es_a_quoted_name_in_a_title_and_konjunktiv_forms() -> None:
    from summarizer.attribution import OUTLET, attribute_all

    sentences = [
        (1, 0, "Von der Polizei hieß es, dass die Verdächtigen gemordet hätten."),
        (2, 0, "Es handele sich um Mohammed C. (27) aus Guinea."),
        (3, 1, '"Das wissen wir nicht", sagte "Sea Watch"-Sprecher Ruben Neugebauer der dpa.'),
        (4, 2, "Zuletzt gab es Pressemeldungen, die von Fortschritten berichten."),
    ]
    english = {
        1: "From the police, it was reported that the suspects had killed.",
        2: "It involved Mohammed C. (27) from Guinea.",
        3: '"We do not know", said Sea Watch spokesman Ruben Neugebauer of the dpa.',
        4: "Multiple press reports were made about progress.",
    }
    got = attribute_all(sentences, english, "de")
    assert (got[1].speaker, got[1].cue) == ("police", "Von der Polizei hieß es")
    assert got[2].speaker == "police"  # Konjunktiv I: "handele"
    assert got[3].speaker == "Sea Watch spokesman Ruben Neugebauer"
    assert got[3].cue == 'sagte "Sea Watch"-Sprecher Ruben Neugebauer'
    assert got[4].speaker == OUTLET  # "press reports were made": a noun, not a verb of saying


def test_a_newspaper_in_quotation_marks_is_a_source_and_no_quote() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Einige Banken dürfte die Pleite laut einem Pressebericht teuer zu stehen kommen."),
        (2, 0, 'Betroffen sei auch die Credit Suisse, schreibt die "Financial Times" am Freitag.'),
    ]
    english = {
        1: "The bankruptcy could cost some banks dearly.",
        2: 'Credit Suisse is affected too, the "Financial Times" writes on Friday.',
    }
    got = attribute_all(sentences, english, "de")
    assert (got[1].speaker, got[1].kind) == ("press report", "report")
    assert (got[2].speaker, got[2].cue) == ("Financial Times", 'schreibt die "Financial Times"')
    assert got[2].kind == "report"


def test_so_names_a_source_only_at_the_end_of_a_clause() -> None:
    assert find_cues("Mehr als ein Fünftel sei bedroht, so die IUCN.", "de") == ["so die IUCN"]
    assert find_cues("Das sei falsch, so KCNA, und man werde reagieren.", "de") == ["so KCNA"]
    sentence = "Dazu müsse Tesla so viele Ressourcen wie möglich aufbieten."
    assert find_cues(sentence, "de") == []


def test_a_source_noun_outranks_an_english_speaker_that_names_another() -> None:
    got = attribute(
        "Unter den Opfern sei ein Schleuser, berichtete das örtliche Nachrichtenportal.",
        "A boat sank, and a survivor reported that a smuggler was among the dead.",
        "de",
    )
    assert got.speaker == "news portal"
    un = attribute(
        "Es kamen nach Angaben des Flüchtlingshilfswerks der Vereinten Nationen (UNHCR) "
        "174 Menschen ums Leben.",
        "According to the UN High Commissioner for Refugees (UNHCR), 174 people died.",
        "de",
    )
    assert un.speaker == "the UN High Commissioner for Refugees (UNHCR)"
    researchers = attribute(
        "Dennoch sollte die Technik laut den Forschern nur im Ausnahmefall genutzt werden.",
        "However, the technology should only be used in exceptional cases.",
        "de",
    )
    assert researchers.speaker == "researchers"


def test_a_foreign_place_in_the_genitive_speaks_in_the_nominative() -> None:
    got = attribute(
        "Dabei waren nach Angaben Moskaus drei Grenzschützer verletzt worden.",
        "Three border guards were injured, Moscow said.",
        "de",
    )
    assert got.speaker == "Moscow"


def test_wie_x_sagte_with_words_between_and_a_source_in_a_compound() -> None:
    said = attribute(
        "Die Proben geben keinen Grund zur Sorge, wie Präfekt Pierre-André Durand am "
        "Freitagmorgen bei einer Pressekonferenz sagte.",
        "The samples give no cause for concern, as prefect Pierre-André Durand said.",
        "de",
    )
    assert said.speaker == "prefect Pierre-André Durand"
    assert said.cue.startswith("wie Präfekt") and said.cue.endswith("sagte")
    authorities = attribute(
        "Nach Behördenangaben sollen keine Stoffe ausgetreten sein.",
        "No substances leaked.",
        "de",
    )
    assert (authorities.speaker, authorities.cue) == ("authorities", "Nach Behördenangaben")
    prefecture = attribute(
        "Das teilte die Präfektur der Normandie am Freitag mit.",
        "The news agency informed the Prefecture on Friday.",
        "de",
    )
    assert prefecture.speaker == "prefecture"


def test_an_english_speaker_stops_at_a_verb_of_saying_and_an_adverb_after_it() -> None:
    from summarizer.attribution import OUTLET, attribute_all

    tweeted = attribute(
        '"Das ist verantwortlich", twitterte der amerikanische Aussenminister Mike Pompeo.',
        '"That is responsible," tweeted Mike Pompeo.',
        "de",
    )
    assert tweeted.speaker == "Mike Pompeo"
    xi = attribute(
        "Chinas Präsident Xi Jinping persönlich sagte, das Projekt sei eröffnet.",
        "China's President Xi Jinping personally said the project was open.",
        "de",
    )
    assert xi.speaker == "China's President Xi Jinping"
    # "Den Angaben zufolge" names no one, capitalised or not.
    sentences = [(1, 0, "Den Angaben zufolge zeigten frühere Forschungen, dass Ratten lachen.")]
    english = {1: "According to the information, earlier research showed that rats laugh."}
    assert attribute_all(sentences, english, "de")[1].speaker == OUTLET


def test_a_quoted_term_continues_no_one_and_pointing_out_is_a_speech_act() -> None:
    from summarizer.attribution import OUTLET, attribute_all

    sentences = [
        (1, 0, "Chinas Präsident Xi Jinping sagte, das Projekt sei eröffnet."),
        (2, 0, 'Das Projekt wird wegen seiner Struktur auch "Seestern" genannt.'),
        (3, 1, "Zuletzt hatte Bloomberg berichtet, dass es vorangehe."),
        (4, 1, "Rohstoffexperten verwiesen aber darauf, dass Aramco einen Börsengang plane."),
    ]
    english = {
        1: "China's President Xi Jinping said the project was open.",
        2: 'The project is also known as "Seestern" for its structure.',
        3: "Bloomberg reported that it progressed.",
        4: "However, experts warned that Aramco is planning a stock market listing.",
    }
    got = attribute_all(sentences, english, "de")
    assert got[2].speaker == OUTLET  # one quoted word is a term, not Xi's quotation
    assert (got[4].speaker, got[4].kind) == ("experts", "report")


def test_media_that_report_a_quoted_person_and_demnach_at_a_sentences_start() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, "Nun die Überraschung: Spider-Man erhält einen dritten Film."),
        (2, 0, "Das berichten mehrere US-Medien übereinstimmend."),
        (3, 0, "Demnach soll auch schon der Kinostart feststehen."),
        (4, 1, 'Im Magazin "Screenrant" wird Marvel-Boss Kevin Feige zitiert: "Ich freue mich.'),
        (5, 2, "Laut Branchenmagazinen würde der Konzern Disney beteiligt."),
    ]
    english = {
        1: "Now the surprise: Spider-Man gets a third film.",
        2: "This is reported by multiple US media outlets.",
        3: "The start is reportedly fixed.",
        4: 'In "Screenrant", Marvel boss Kevin Feige is quoted: "I am glad.',
        5: "According to trade magazines, Disney would take part.",
    }
    got = attribute_all(sentences, english, "de")
    assert {got[n].speaker for n in (1, 2, 3)} == {"multiple US media outlets"}
    assert (got[4].speaker, got[4].cue) == (
        "Marvel boss Kevin Feige",
        "wird Marvel-Boss Kevin Feige zitiert",
    )
    assert got[5].speaker == "trade magazines"


def test_nach_ansicht_a_dismissal_and_a_subject_before_two_verbs() -> None:
    from summarizer.claim_kind import kind_of

    adviser = attribute(
        "Die Angriffe tragen nach Ansicht seines Spitzenberaters nicht zu Hass bei.",
        "The attacks do not create hate among his supporters.",
        "de",
    )
    assert (adviser.speaker, adviser.cue) == ("top adviser", "nach Ansicht seines Spitzenberaters")
    humbug = 'Anschuldigungen, dass er Abgeordnete gefährde, tat er als "Humbug" ab.'
    assert kind_of(humbug, named=True) == "denial"
    man = attribute(
        "Dann meldete sich ein Mann und sagte, Katie sei bei ihm.",
        "57 days later, a man called and said that Katie was in his house.",
        "de",
    )
    assert man.speaker == "a man"


def test_a_quotation_over_several_sentences_is_its_speakers_throughout() -> None:
    from summarizer.attribution import attribute_all

    sentences = [
        (1, 0, 'Im Magazin wird Marvel-Boss Kevin Feige zitiert: "Ich freue mich darüber.'),
        (2, 0, "Ich und alle bei den Marvel-Studios sind höchst erfreut."),
        (3, 0, 'Man weiß nie, was die Zukunft bringen wird".'),
        (4, 1, '"Wir können nicht scannen, wer die Leute sind.'),
        (5, 1, 'Die kommen ohne Pässe", sagte Neugebauer.'),
    ]
    english = {
        1: 'In the magazine, Marvel boss Kevin Feige is quoted: "I am glad about it.',
        2: "All of us at Marvel Studios are delighted.",
        3: 'You never know what the future holds."',
        4: '"We cannot scan who the people are.',
        5: 'They come without passports," said Neugebauer.',
    }
    got = attribute_all(sentences, english, "de")
    assert [got[n].speaker for n in (1, 2, 3)] == ["Marvel boss Kevin Feige"] * 3
    assert [got[n].kind for n in (2, 3)] == ["report", "quote"]  # quote: with its marks only
    assert [got[n].speaker for n in (4, 5)] == ["Neugebauer", "Neugebauer"]  # the closer's


def test_a_compound_rendered_as_two_english_words_is_the_whole_speaker() -> None:
    got = attribute(
        "Die Bewegung sei ein Segen, sagte der Polarforscher.",
        "The movement was a blessing, said the polar explorer.",
        "de",
    )
    assert got.speaker == "the polar explorer"


def test_a_noun_after_a_verb_whose_subject_came_first_is_its_object() -> None:
    pai = (
        "Der Chef der US-Behörde FCC, Ajit Pai, hat die Bundesregierung davor gewarnt, dem "
        "Konzern zu vertrauen."
    )
    assert find_cues(pai, "de") == []
    got = attribute(pai, "Ajit Pai, head of the FCC, has warned the government.", "de")
    assert got.speaker == "Ajit Pai"
    assert find_cues("Xi Jinping persönlich verkündete die Eröffnung des Projekts.", "de") == []
    assert find_cues("Der Sprecher sagte der Zeitung, es gehe voran.", "de") == [
        "Der Sprecher sagte"
    ]
    # The subject after the verb still speaks: after a clause, an opener or a quotation.
    for sentence, cue in (
        ("Es gehe voran, sagte der Sprecher.", "sagte der Sprecher"),
        (
            "Das bestätigte am Freitag ein Pressesprecher.",
            "bestätigte am Freitag ein Pressesprecher",
        ),
        ('"Wir kommen", sagte Kim.', "sagte Kim"),
    ):
        assert find_cues(sentence, "de") == [cue]


def test_a_cue_inside_a_quotation_is_the_quoted_words_not_the_source() -> None:
    """Seen on a WMT20 document outside the gold suites: „Und Amerika sagt, …“, ergänzte
    Ruhani made "And America" the speaker of that quotation and of the sentences after it."""
    from summarizer.attribution import attribute_all

    quoted = '"Und Amerika sagt, ich hebe die Sanktionen auf", ergänzte Ruhani.'
    assert find_cues(quoted, "de") == ["ergänzte Ruhani"]
    assert find_cues('"Und sie haben eindeutig gesagt, wir heben alles auf".', "de") == []
    # A quoted name before the cue is still part of it.
    sea_watch = '"Sea Watch"-Sprecher Ruben Neugebauer sagte, das Schiff sei voll.'
    assert find_cues(sea_watch, "de") == ['"Sea Watch"-Sprecher Ruben Neugebauer sagte']
    sentences = [(1, 0, quoted), (2, 0, '"Und sie haben eindeutig gesagt, wir heben alles auf".')]
    english = {1: '"And America says I will lift the sanctions," added Rouhani.'}
    got = attribute_all(sentences, english, "de")
    assert [got[n].speaker for n in (1, 2)] == ["Ruhani", "Ruhani"]


def test_a_speaker_phrase_stops_at_a_verb_of_saying_in_the_present() -> None:
    """German news reports in the present ("…“, erklärt Davide Farnocchia"), and so does its
    English: the verb is no part of the speaker."""
    sentence = (
        '"Das Objekt wird im Dezember am hellsten sein", erklärt Davide Farnocchia von der Nasa.'
    )
    english = '"The object will be brightest in December," explains Davide Farnocchia from NASA.'
    assert attribute(sentence, english, "de").speaker == "Davide Farnocchia"


def test_a_quoted_name_after_a_name_and_its_comma_or_in_is_no_quote() -> None:
    from summarizer.claim_kind import kind_of

    for sentence in (
        'Das Werk von Streetart-Star Banksy, "Devolved Parliament", soll versteigert werden.',
        'Das Werk wurde umbenannt in "Devolved Parliament" ("Delegiertes Parlament").',
    ):
        assert kind_of(sentence, named=False) == "statement", sentence
    for sentence in (
        'Er sagte, "Wir schaffen das".',
        "Moskau solle nun „auf die feindlichen Kräfte reagieren“.",
    ):
        assert kind_of(sentence, named=True) == "quote", sentence


def test_a_name_after_a_german_title_is_given_with_the_title_in_english_or_alone() -> None:
    """Where the English dropped the cue, the speaker came out in the source's words
    ("Ufo-Tarifvorstand Daniel Flohr", seen on a WMT20 document outside the gold)."""
    said = "Die Lage sei ernst, {} am Freitag."
    english = "The situation is serious."
    cases = {
        "teilte Ufo-Tarifvorstand Daniel Flohr mit": "Daniel Flohr",
        "sagte Polizeisprecher Yakubu Sabo": "Police spokesman Yakubu Sabo",
        "sagte Anwalt Andrés Gil Domínguez": "Lawyer Andrés Gil Domínguez",
        "sagte der Sprecher": "spokesman",
    }
    for cue, speaker in cases.items():
        assert attribute(said.format(cue), english, "de").speaker == speaker, cue


def test_a_speaker_phrase_leaves_out_the_day_and_a_broadcaster_is_named_in_english() -> None:
    """Seen on WMT20 documents outside the gold: "as reported by Greek coastguard on Friday"
    gave the speaker "Greek coastguard on Friday", and "berichtete der Staatsrundfunk" with no
    English for it gave "Staatsrundfunk"."""
    coast = (
        "Insgesamt starben sieben Menschen, wie die griechische Küstenwache am Freitag mitteilte."
    )
    english = "Seven people died overall, as reported by Greek coastguard on Friday."
    assert attribute(coast, english, "de").speaker == "Greek coastguard"
    radio = "Das berichtete der Staatsrundfunk."
    assert attribute(radio, "No more than 29,400 people have arrived.", "de").speaker == (
        "state broadcaster"
    )
    from summarizer.source_nouns import source_noun

    assert source_noun("Küstenwache") == "coastguard"
