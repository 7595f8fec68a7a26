"""German names of foreign places in the English output (`summarizer.place_names`)."""

from __future__ import annotations

from collections.abc import Callable

from summarizer import Summarizer
from summarizer.place_names import english_place_names, misspelled_places
from summarizer.testing import FakeLLMServer, FakeReply


def test_german_names_of_foreign_places_become_english() -> None:
    assert english_place_names("Kim met Shoigu in Pjöngjang, not in Moskau.") == (
        "Kim met Shoigu in Pyongyang, not in Moscow."
    )
    assert english_place_names("Kiews mayor") == "Kyiv's mayor"  # a genitive
    assert english_place_names("Inter Mailand beat Dynamo Kiew") == "Inter Milan beat Dynamo Kyiv"
    assert english_place_names("the hub in Wien") == "the hub in Vienna"
    assert english_place_names("earthquake in the Marmarameer") == (
        "earthquake in the Sea of Marmara"
    )
    assert english_place_names("from Peking via Saporischschja to the Persischen Golf") == (
        "from Beijing via Zaporizhzhia to the Persian Gulf"
    )


def test_english_names_compounds_and_german_places_stay() -> None:
    text = "Athens, Nordirland, the Nordkorea-Konflikt, 1. FC Köln and Bayern München"
    assert english_place_names(text) == text


def test_a_misspelled_exonym_the_source_names_gets_its_english_name() -> None:
    source = "Belousow besuchte Pjöngjang und Kiew."
    assert misspelled_places("Belousov visited Pongjang and Pongjang's Kiev.", source) == (
        "Belousov visited Pyongyang and Pyongyang's Kyiv."
    )
    # Only for a place the source names, and only where the English lacks its English name.
    assert misspelled_places("Belousov visited Pongjang.", "Belousow reiste.") == (
        "Belousov visited Pongjang."
    )
    mixed = "Pyongyang, also Pongjang"
    assert misspelled_places(mixed, source) == mixed
    # A word that begins like the English name or is part of it is no misspelling.
    for english, german in (
        ("the Italian club", "der Klub aus Italien"),
        ("the Korea summit", "in Südkorea"),
        ("Moskow and Mosque", "in Moskau"),
    ):
        assert misspelled_places(english, german) == english.replace("Moskow", "Moscow"), english


def test_the_translation_summary_and_claims_use_english_place_names(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    german = "Kim Jong-un empfing Sergej Schoigu in Pjöngjang."
    strict_fake.enqueue(
        FakeReply(content="[1] Kim Jong-un received Sergei Shoigu in Pjöngjang."),
        FakeReply.json(
            {
                "title_en": "Shoigu in Pongjang",
                "summary_sentences": ["Kim received Shoigu in Pjöngjang.", "Nordkorea hosted."],
                "key_points_en": ["A visit to Pjöngjang", "Shoigu came", "Kim received him"],
                "entities": [
                    {"name": "Nordkorea", "type": "place"},
                    {"name": "North Korea", "type": "place"},
                ],
            }
        ),
        FakeReply.json({"claims": []}),
    )
    result = make_summarizer(strict_fake).summarize_text(german)
    assert result.translation_en == "Kim Jong-un received Sergei Shoigu in Pyongyang."
    assert result.title_en == "Shoigu in Pyongyang"
    assert result.summary_en == "Kim received Shoigu in Pyongyang. North Korea hosted."
    # The key point is the claim's English (`summarizer.key_points`), not the model's point.
    assert result.key_points_en == ["Kim Jong-un received Sergei Shoigu in Pyongyang."]
    assert [e.name for e in result.entities] == ["North Korea"]  # one entity, not two
    # The claim's English comes from the numbered answer, made English the same way.
    assert [c.text_en for c in result.claims] == [
        "Kim Jong-un received Sergei Shoigu in Pyongyang."
    ]
    # The conversation keeps the model's own answer: the prompt cache reuses it.
    later = [
        m["content"] for m in strict_fake.chat_requests[1].messages if m["role"] == "assistant"
    ]
    assert later == ["[1] Kim Jong-un received Sergei Shoigu in Pjöngjang."]
