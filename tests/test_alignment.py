"""Sentence alignment of a translated paragraph to its source sentences."""

from __future__ import annotations

from summarizer.alignment import JOINED, align
from summarizer.conversation import conversations, turn


def test_equal_counts_align_in_order() -> None:
    sources = ["Kim traf Belousow.", "Er sagte, Moskau solle reagieren."]
    english = "Kim met Belousov. He said Moscow should respond."
    assert align(sources, english) == ["Kim met Belousov.", "He said Moscow should respond."]


def test_two_sources_rendered_as_one_english_sentence_are_joined() -> None:
    sources = [
        "Im Norden Nigerias gibt es viele private Koranschulen.",
        "Sie ersetzen die oft mangelhaften staatlichen Einrichtungen.",
        "Nach Angaben des UN-Flüchtlingshilfswerks flohen 40.000 Menschen nach Niger.",
    ]
    english = (
        "In northern Nigeria there are many private Koranic schools that replace the often "
        "inadequate state institutions. According to the UN refugee agency, 40,000 people "
        "fled to Niger."
    )
    got = align(sources, english)
    assert got[0] is not None and got[0].startswith("In northern Nigeria")
    assert got[1] == JOINED
    assert got[2] is not None and got[2].startswith("According to the UN")


def test_one_source_rendered_as_two_english_sentences_takes_both() -> None:
    sources = [
        "Renner kritisierte, dass die Liste unklar sei, und verlangte Aufklärung vom Ministerium.",
        "Tauber schwieg.",
    ]
    english = (
        "Renner criticized that the list was unclear. She demanded clarification from the "
        "ministry. Tauber remained silent."
    )
    assert align(sources, english) == [
        "Renner criticized that the list was unclear. She demanded clarification from the "
        "ministry.",
        "Tauber remained silent.",
    ]


def test_a_paragraph_that_cannot_align_gives_no_english() -> None:
    sources = ["Eins ist hier.", "Zwei ist da.", "Drei ist dort.", "Vier fehlt."]
    assert align(sources, "One sentence only.") == [None] * 4
    assert align(sources, "") == [None] * 4
    assert align(["Ein Satz."], "One. Two.") == ["One. Two."]


def test_the_conversation_aligns_unnumbered_answers_and_knows_joined_sentences() -> None:
    from summarizer.article import from_text

    article = from_text(
        "Im Norden Nigerias gibt es viele private Koranschulen. Sie ersetzen die oft "
        "mangelhaften staatlichen Einrichtungen. Nach Angaben des UN-Flüchtlingshilfswerks "
        "flohen 40.000 Menschen nach Niger."
    )
    (talk,) = conversations(article, 10_000)
    answer = (
        "In northern Nigeria there are many private Koranic schools that replace the often "
        "inadequate state institutions. According to the UN refugee agency, 40,000 people "
        "fled to Niger."
    )
    talk.turns.append({**turn(list(talk.chunk.sentences), translate=True), "answer": answer})
    first, second, third = (s.number for s in talk.chunk.sentences)
    assert set(talk.aligned()) == {first, third}
    assert talk.joined() == {second}


def test_numbered_answers_keep_the_first_sentence_whose_number_the_model_dropped() -> None:
    from summarizer.article import from_text

    article = from_text(
        "In den vergangenen Jahren gingen der Bundeswehr zahlreiche Waffen verloren. Darunter "
        "sind auch drei Maschinengewehre. Der Verbleib ist in den meisten Fällen unklar. Die "
        "Opposition spricht von einem beängstigenden Ausmaß."
    )
    (talk,) = conversations(article, 10_000)
    n = [s.number for s in talk.chunk.sentences]
    answer = (  # the first number left off, the third and fourth run together
        f"In recent years the Bundeswehr lost many weapons. [{n[1]}] Among them are three "
        f"machine guns. [{n[2]}] Their whereabouts are unclear in most cases. The opposition "
        "speaks of an alarming scale."
    )
    talk.turns.append({**turn(list(talk.chunk.sentences), translate=True), "answer": answer})
    assert talk.aligned() == {
        n[0]: "In recent years the Bundeswehr lost many weapons.",
        n[1]: "Among them are three machine guns.",
        n[2]: "Their whereabouts are unclear in most cases.",
        n[3]: "The opposition speaks of an alarming scale.",
    }
    # A preamble before the first sentence's own number is no sentence's English.
    talk.turns[-1]["answer"] = f"Translation: [{n[0]}] A. [{n[1]}] B. [{n[2]}] C. [{n[3]}] D."
    assert talk.aligned() == {n[0]: "A.", n[1]: "B.", n[2]: "C.", n[3]: "D."}


def test_german_names_of_foreign_places_meet_their_english_names() -> None:
    from summarizer.alignment import anchor_stems

    german = anchor_stems("Kim empfing ihn in Pjöngjang, nicht in Kiews Mitte.") - {"mit"}
    assert german == anchor_stems("Kim received him in Pyongyang, not in central Kyiv.")
    assert anchor_stems("Moskau") == anchor_stems("Moscow") == {"mos"}  # three letters still


def test_numbers_that_put_a_sentence_under_another_yield_to_the_names() -> None:
    from summarizer.article import from_text

    article = from_text(
        "Kim traf Putin in Moskau. Der Kreml bestätigte das Treffen am Dienstag. Trump reiste "
        "nach Alaska."
    )
    (talk,) = conversations(article, 10_000)
    n = [s.number for s in talk.chunk.sentences]
    answer = (  # the second number on the third sentence, none on the second
        f"[{n[0]}] Kim met Putin in Moscow. The Kremlin confirmed the meeting on Tuesday. "
        f"[{n[1]}] Trump travelled to Alaska."
    )
    talk.turns.append({**turn(list(talk.chunk.sentences), translate=True), "answer": answer})
    assert talk.aligned() == {
        n[0]: "Kim met Putin in Moscow.",
        n[1]: "The Kremlin confirmed the meeting on Tuesday.",
        n[2]: "Trump travelled to Alaska.",
    }
    assert talk.joined() == set()
    # The first sentence's number on the second sentence: the first would be lost.
    two = [s.number for s in talk.chunk.sentences][:2]
    talk.turns[-1] = {
        **turn(list(talk.chunk.sentences)[:2], translate=True),
        "answer": f"Kim met Putin in Moscow. [{two[0]}] The Kremlin confirmed it on Tuesday.",
    }
    assert talk.aligned() == {
        two[0]: "Kim met Putin in Moscow.",
        two[1]: "The Kremlin confirmed it on Tuesday.",
    }
