"""A country the English names in place of its source's (`summarizer.countries`)."""

from __future__ import annotations

from collections.abc import Callable

from summarizer import Summarizer
from summarizer.countries import swapped_back
from summarizer.testing import FakeLLMServer, FakeReply


def test_a_country_the_source_never_mentions_becomes_the_one_it_names() -> None:
    source = "Beim jüngsten Erdbeben in der Türkei sind 34 Personen verletzt worden."
    english = "On the latest earthquake in Germany, 34 people were injured."
    assert swapped_back(english, source) == (
        "On the latest earthquake in Turkey, 34 people were injured."
    )
    assert swapped_back("France must invest now.", "Deutschland muss jetzt investieren.") == (
        "Germany must invest now."
    )


def test_a_country_the_source_mentions_in_any_form_stays() -> None:
    for english, source in (
        # "Bundesrepublik" is Germany; Ukraine is named in both.
        ("Germany supplies Ukraine.", "Die Bundesrepublik liefert an die Ukraine."),
        # The source names Germany by its adjective; Turkey is in the English too.
        ("Germany and Turkey agreed.", "Die deutsche Regierung und die Türkei einigten sich."),
        # The source's country is in the English, in another form.
        ("The Kremlin and Germany spoke.", "Russland sprach mit der Bundesregierung."),
        # Two countries the English lacks: no telling which one was misread.
        ("Spain met France.", "Italien traf Griechenland."),
        # No country the English lacks: nothing was misread.
        ("Turkey, not Germany.", "Die Türkei."),
    ):
        assert swapped_back(english, source) == english, english


def test_the_translation_and_its_claim_name_the_sources_country(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    strict_fake.enqueue(
        FakeReply(content="[1] On the latest earthquake in Germany, 34 people were injured."),
        FakeReply.json(
            {
                "title_en": "Earthquake in Germany",
                "summary_sentences": ["An earthquake hit Germany.", "34 people were injured."],
                "entities": [],
            }
        ),
        FakeReply.json({"claims": []}),
    )
    result = make_summarizer(strict_fake).summarize_text(
        "Beim jüngsten Erdbeben in der Türkei sind 34 Personen verletzt worden."
    )
    assert result.translation_en == "On the latest earthquake in Turkey, 34 people were injured."
    assert [c.text_en for c in result.claims] == [result.translation_en]
    assert result.summary_en == "An earthquake hit Turkey. 34 people were injured."
    assert result.title_en == "Earthquake in Turkey"
