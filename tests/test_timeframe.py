"""Summary sentences and key points that take a number out of the year its source gives it."""

from __future__ import annotations

from collections.abc import Callable

from summarizer import Summarizer
from summarizer.article import from_text
from summarizer.schema import Claim
from summarizer.tasks import SummaryDraft
from summarizer.testing import FakeLLMServer, FakeReply
from summarizer.timeframe import kept_in_time, out_of_time
from tests.conftest import claim_in

ARTICLE = from_text(
    "Erdbeben vor Istanbul\n\n"
    "Beim jüngsten Erdbeben in der Türkei sind am Donnerstag 34 Personen verletzt worden. "
    "Tote gab es laut den Angaben nicht.\n\n"
    "Eines der schwersten Beben war eines der Stärke 7,6 im Jahr 1999. "
    "Das Epizentrum lag damals in Gölcük. Mehr als 17 000 Menschen kamen ums Leben.\n\n"
    "Seit Anfang 2014 verlor die Truppe 39 Waffen. Davon wurden 2 wieder gefunden."
)


def claim(text_en: str, quote: str) -> Claim:
    return claim_in(ARTICLE.text, text_en, quote)


CLAIMS = [
    claim(
        "In the latest earthquake in Turkey, 34 people were injured on Thursday.",
        "Beim jüngsten Erdbeben in der Türkei sind am Donnerstag 34 Personen verletzt worden.",
    ),
    claim(
        "One of the worst earthquakes was one of magnitude 7.6 in 1999.",
        "Eines der schwersten Beben war eines der Stärke 7,6 im Jahr 1999.",
    ),
    claim("More than 17,000 people died.", "Mehr als 17 000 Menschen kamen ums Leben."),
]


def test_a_number_stands_under_its_sentences_year_or_the_last_one_its_paragraph_named() -> None:
    assert out_of_time("34 people were injured and more than 17,000 people died.", ARTICLE) == [
        17000.0
    ]
    assert out_of_time("In 1999 more than 17,000 people died.", ARTICLE) == []
    assert out_of_time("A 7.6 earthquake struck.", ARTICLE) == [7.6]  # its own sentence's year
    assert out_of_time("The unit lost 39 weapons.", ARTICLE) == [39.0]
    assert out_of_time("Since 2014, the unit lost 39 weapons.", ARTICLE) == []
    # Numbers of sentences under no year, years themselves, and numbers the source lacks.
    assert out_of_time("34 people were injured in 2019; 12 schools closed.", ARTICLE) == []
    # "2" is in a sentence under 2014 only: a summary "2 weapons were found" lacks the year.
    assert out_of_time("2 weapons were found again.", ARTICLE) == [2.0]


def test_a_point_out_of_its_time_takes_the_claim_it_restates_or_is_left_out() -> None:
    draft = SummaryDraft(
        title_en="Earthquake near Istanbul",
        summary_sentences=[
            "The earthquake occurred on Thursday, 34 people were injured in Turkey, and more "
            "than 17,000 people died.",
            "The epicenter was in Gölcük, with more than 17,000 people killed.",
            "The worst earthquake was of magnitude 7.6 in 1999.",
        ],
        entities=[],
    )
    kept = kept_in_time(draft, CLAIMS, ARTICLE)
    # The first sentence restates the Thursday claim most; "More than 17,000 people died." is
    # itself out of its time (its year is its neighbour's), so it cannot stand in. No claim
    # restates the second sentence and keeps its time: it is left out.
    assert kept.summary_sentences == [
        "In the latest earthquake in Turkey, 34 people were injured on Thursday.",
        "The worst earthquake was of magnitude 7.6 in 1999.",
    ]
    assert kept_in_time(kept, CLAIMS, ARTICLE) == kept  # nothing else out of its time


def test_the_last_sentence_left_stays_even_out_of_its_time() -> None:
    draft = SummaryDraft(
        title_en="Losses",
        summary_sentences=["The unit lost 39 weapons.", "Its losses grew."],
        entities=[],
    )
    alone = draft.model_copy(update={"summary_sentences": ["The unit lost 39 weapons."]})
    assert kept_in_time(draft, CLAIMS, ARTICLE).summary_sentences == ["Its losses grew."]
    assert kept_in_time(alone, CLAIMS, ARTICLE).summary_sentences == ["The unit lost 39 weapons."]


def test_the_pipeline_keeps_summary_numbers_in_their_time_and_mends_their_groups(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    german = (
        "Am Donnerstag wurden in Istanbul 34 Menschen verletzt.\n\n"
        "Im Jahr 1999 starben mehr als 17.000 Menschen bei einem Beben."
    )
    strict_fake.enqueue(
        FakeReply(content="[1] On Thursday, 34 people were injured in Istanbul."),
        FakeReply(content="[1] In 1999, more than 17, 000 people died in an earthquake."),
        FakeReply.json(
            {
                "title_en": "Earthquake in Istanbul",
                "summary_sentences": [
                    "On Thursday 34 people were injured in Istanbul.",
                    "In 1999, more than 17, 000 people died.",
                ],
                "key_points_en": ["An earthquake struck Istanbul", "Injuries", "Deaths"],
                "entities": [],
            }
        ),
        FakeReply.json({"claims": []}),
    )
    result = make_summarizer(strict_fake).summarize_text(german)
    assert result.translation_en.endswith("more than 17,000 people died in an earthquake.")
    assert result.summary_en == (
        "On Thursday 34 people were injured in Istanbul. In 1999, more than 17,000 people died."
    )
