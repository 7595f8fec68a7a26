"""The summary step's code mends: remarks about the article are no part of its summary."""

from summarizer.steps import without_remarks
from summarizer.tasks import SummaryDraft


def test_remarks_about_the_article_leave_the_summary() -> None:
    draft = SummaryDraft(
        title_en="Salvini demands an apology",
        summary_sentences=[
            "Salvini demanded an apology from Rackete.",
            "The article does not provide information about the specific individuals involved.",
        ],
    )
    kept = without_remarks(draft)
    assert kept.summary_sentences == ["Salvini demanded an apology from Rackete."]
    # News that names a report or gives details stays; a summary of remarks only keeps one.
    news = ["According to the report, no details of the plan were released.", "It said so."]
    assert without_remarks(draft.model_copy(update={"summary_sentences": news})) == (
        draft.model_copy(update={"summary_sentences": news})
    )
    only = ["The text does not say who fired.", "This article only gives the date."]
    assert (
        without_remarks(draft.model_copy(update={"summary_sentences": only})).summary_sentences
        == only[:1]
    )


def test_a_headline_left_as_it_was_takes_the_summarys_headline() -> None:
    from summarizer.steps import english_title

    headline = "Everest-Stau-Fotograf: 13 Achttausender in sechs Monaten"
    drafted = "Everest photographer climbs 13 of the 14 highest peaks in six months"
    lead = "A Nepalese climber has scaled 13 of the 14 highest mountains in six months."
    assert english_title(headline, headline, "de", lead, drafted) == lead
    assert english_title(headline, headline, "de", headline, drafted) == drafted
    # A translation, a headline of names only, and an English source keep their own.
    assert english_title("Fire put out", "Brand gelöscht", "de", lead) == "Fire put out"
    assert english_title("Merkel in Paris", "Merkel in Paris", "de", lead) == "Merkel in Paris"
    english = "Storm hits the coast"
    assert english_title(english, english, "en", lead) == english


def test_a_headline_half_left_in_german_or_described_takes_the_lead() -> None:
    from summarizer.steps import english_title

    lead = "A woman from Washington searched for her missing dog for two months."
    headline = "Frau kündigt ihren Job, um 57 Tage nach ihrer verschwundenen Hündin zu suchen"
    half = "Mrs. Kündigt ihren Job um 57 Tage nach ihrer verschwundenen Hündin zu suchen."
    assert english_title(half, headline, "de", lead) == lead
    oslo = "Mahnmal zu Anschlägen von Oslo und Utöya wird enthüllt"
    described = "The article discusses the unveiling of a secret meeting in Oslo and Utöya."
    assert english_title(described, oslo, "de", lead) == lead
    right = "Memorial to the Oslo and Utøya attacks unveiled"
    assert english_title(right, oslo, "de", lead) == right
