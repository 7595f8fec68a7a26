"""Summary sentences that give a claim to the wrong speaker."""

from __future__ import annotations

from summarizer.restatement import restated_faithfully
from summarizer.schema import Claim
from summarizer.tasks import SummaryDraft
from tests.conftest import claim_in

SOURCE = "Kim sicherte Schoigu zu, Russland zu unterstützen. Schoigu dankte Kim für die Hilfe."


def claim(text_en: str, speaker: str, quote: str) -> Claim:
    return claim_in(SOURCE, text_en, quote, speaker=speaker, kind="report")


CLAIMS = [
    claim(
        "Kim assured Shoigu that North Korea is ready to support Russia in the war.",
        "Kim",
        "Kim sicherte Schoigu zu, Russland zu unterstützen.",
    ),
    claim(
        "Shoigu thanked Kim for his support and solidarity.",
        "Shoigu",
        "Schoigu dankte Kim für die Hilfe.",
    ),
]


def draft(sentences: list[str]) -> SummaryDraft:
    return SummaryDraft(
        title_en="Kim and Shoigu meet",
        summary_sentences=sentences,
        entities=[],
    )


def test_a_restatement_with_the_roles_swapped_takes_the_claims_english() -> None:
    swapped = draft(
        [
            "Sergei Schoigu, Russian Security Council Secretary, informed Kim that he is ready "
            "to support Russia in the war.",
            "Kim thanks Russia for its support and solidarity.",
            "The two met in Pyongyang.",
        ]
    )
    got = restated_faithfully(swapped, CLAIMS)
    assert got.summary_sentences == [
        CLAIMS[0].text_en,
        CLAIMS[1].text_en,
        "The two met in Pyongyang.",
    ]


def test_a_replaced_sentence_that_repeats_another_is_left_out() -> None:
    """The replacement is the claim's English, which the model's next sentence may already
    be: the summary says it once."""
    repeated = draft(
        [
            "Sergei Schoigu told Kim that he is ready to support Russia in the war.",
            "Kim assured Shoigu that North Korea is ready to support Russia in the war.",
        ]
    )
    got = restated_faithfully(repeated, CLAIMS)
    assert got.summary_sentences == [CLAIMS[0].text_en]


def test_a_restatement_with_the_right_speaker_or_none_stays() -> None:
    faithful = draft(
        [
            "Kim Jong Un told Shoigu that North Korea is ready to support Russia in the war.",
            "Russia's Security Council secretary Sergei Shoigu thanked Kim for his support.",
            "Shoigu said the weather was fine.",  # restates no claim: nothing to check
            "He said it was ready to support Russia.",
        ]
    )
    assert restated_faithfully(faithful, CLAIMS) == faithful


REPORTED = claim(
    "The North Korean leader Kim told Russia's Security Council Secretary Sergei Shoigu that he "
    "is ready to support Russia in the war.",
    "KCNA",
    "Kim sicherte Schoigu zu, Russland zu unterstützen.",
)


def test_a_reported_statement_is_checked_against_whom_the_claim_has_speak() -> None:
    # The claim is KCNA's report; its English has Kim speak, so Kim may, and Shoigu may not,
    # even behind a long apposition.
    right = draft(
        [
            "Kim Jong Un, the leader of North Korea, told Shoigu that he is ready to support "
            "Russia in the war.",
            "They met.",
        ]
    )
    assert restated_faithfully(right, [REPORTED]) == right
    swapped = right.model_copy(
        update={
            "summary_sentences": [
                "Sergei Shoigu, the Russian Federation's Security Council Secretary, told Kim "
                "that he is ready to support Russia in the war.",
                "They met.",
            ]
        }
    )
    got = restated_faithfully(swapped, [REPORTED])
    assert got.summary_sentences == [REPORTED.text_en, "They met."]


VISIT = claim(
    "On Friday, North Korean President Kim Jong Un received Russian Defense Minister Andrei "
    "Belousov, who visited Pyongyang.",
    "the outlet",
    "Kim sicherte Schoigu zu, Russland zu unterstützen.",
)


def test_a_restatement_with_the_doer_swapped_takes_the_claims_english() -> None:
    swapped = draft(
        [
            "Kim Jong Un, North Korea's leader, visited Defense Minister Andrei Belousov in "
            "North Korea on Friday.",
            "Russia received weapons from North Korea.",  # restates no claim here
        ]
    )
    got = restated_faithfully(swapped, [VISIT])
    assert got.summary_sentences == [VISIT.text_en, "Russia received weapons from North Korea."]
    for faithful in (
        "Russian Defense Minister Andrei Belousov visited Kim Jong Un in North Korea on Friday.",
        "Pyongyang was visited on Friday by Defense Minister Belousov, whom Kim Jong Un received.",
        "Kim Jong Un received Defense Minister Andrei Belousov, who visited North Korea.",
    ):
        kept = draft([faithful, "They met."])
        assert restated_faithfully(kept, [VISIT]) == kept, faithful


def test_a_restatement_that_turns_an_accusation_into_a_threat_takes_the_claims_english() -> None:
    accusation = claim(
        "The USA accuse North Korea of supplying Russia with North Korean rockets.",
        "The USA",
        "Kim sicherte Schoigu zu, Russland zu unterstützen.",
    ).model_copy(
        update={
            "quote": "Die USA werfen Nordkorea vor, Russland nordkoreanische Raketen zu liefern."
        }
    )
    lossy = draft(
        [
            "The USA threaten North Korea with rockets for Russia.",  # "werfen vor" lost
            "The USA accuse North Korea over rockets for Russia.",
            "North Korea is accused by the USA of supplying rockets.",
        ]
    )
    got = restated_faithfully(lossy, [accusation], "de")
    assert got.summary_sentences == [accusation.text_en, *lossy.summary_sentences[1:]]
    assert restated_faithfully(lossy, [accusation], "") == lossy  # checks off, or not German
