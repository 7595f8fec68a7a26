"""The claims step by default, against a scripted fake server: every checkable sentence is a
claim in its aligned English, attributed by code, with no claims call; a sentence whose
English the translation did not give is translated alone; an English source's sentences are
their own English."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from summarizer import Summarizer
from summarizer.settings import Settings
from summarizer.testing import FakeLLMServer, FakeReply
from tests.conftest import without_translation_check

SUMMARY = {
    "title_en": "Nigerian police free boys",
    "summary_sentences": ["Police freed more than 300 boys in Kaduna.", "Teachers were held."],
    "key_points_en": ["300 boys freed", "Teachers arrested", "Residents tipped off police"],
    "entities": [{"name": "Kaduna", "type": "place"}],
}
GERMAN = (
    "In Nigeria hat die Polizei mehr als 300 Jungen aus einer Koranschule in Kaduna befreit. "
    "Die Opfer seien misshandelt worden, sagte der Polizeisprecher Yakubu Sabo. "
    "Der Betreiber und sechs Lehrer wurden laut Polizei festgenommen."
)
ENGLISH = [
    "In Nigeria, police have freed more than 300 boys from a Koranic school in Kaduna.",
    "The victims had been abused, said police spokesman Yakubu Sabo.",
    "The operator and six teachers were arrested, according to the police.",
]


@pytest.fixture
def make_settings(make_settings: Callable[..., Settings]) -> Callable[..., Settings]:
    checked = without_translation_check(make_settings)

    def settings(server: FakeLLMServer, **overrides: object) -> Settings:
        return checked(server, **{"claim_picks": False, **overrides})

    return settings


def _tasks(server: FakeLLMServer) -> list[str]:
    """What each chat request asked for: "translate", "summary" or "claims"."""
    out = []
    for request in server.chat_requests:
        last = str(request.messages[-1].get("content", ""))
        if '"claims"' in last:
            out.append("claims")
        elif '"title_en"' in last:
            out.append("summary")
        else:
            out.append("translate")
    return out


def test_every_checkable_sentence_is_a_claim_with_no_claims_call(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    numbered = " ".join(f"[{i}] {e}" for i, e in enumerate(ENGLISH, 1)).removeprefix("[1] ")
    strict_fake.enqueue(FakeReply(content=numbered), FakeReply.json(SUMMARY))
    result = make_summarizer(strict_fake).summarize_text(GERMAN)
    assert _tasks(strict_fake) == ["translate", "summary"]  # no claims call
    assert [c.text_en for c in result.claims] == ENGLISH
    assert [c.quote for c in result.claims] == [
        GERMAN[c.start : c.end] for c in result.claims
    ] and "".join(c.quote for c in result.claims).replace(" ", "") == GERMAN.replace(" ", "")
    first, second, third = result.claims
    assert (first.speaker, first.kind) == ("the outlet", "statement")
    assert second.speaker.endswith("Yakubu Sabo") and second.kind == "report"
    assert second.attribution == "sagte der Polizeisprecher Yakubu Sabo"
    assert third.attribution == "laut Polizei" and third.kind == "report"
    assert "claims" in result.provenance.prompt_versions  # the template, though not asked
    assert "claims" not in result.provenance.cache


def test_sentences_the_translation_merged_are_translated_alone(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    """One English sentence for three: no sentence has English of its own, so each is
    translated alone (one call each) and becomes a claim."""
    merged = (
        "Police freed more than 300 boys from a Koranic school in Kaduna; they had been "
        "abused, and the operator and six teachers were arrested."
    )
    strict_fake.enqueue(
        FakeReply(content=merged),
        FakeReply.json(SUMMARY),
        *(FakeReply(content=e) for e in ENGLISH),
    )
    result = make_summarizer(strict_fake).summarize_text(GERMAN)
    assert _tasks(strict_fake) == ["translate", "summary", *["translate"] * 3]
    alone = [r.messages[-1]["content"] for r in strict_fake.chat_requests[2:]]
    for request, claim in zip(alone, result.claims, strict=True):
        assert claim.quote in str(request)  # its own sentence, alone
    assert [c.text_en for c in result.claims] == ENGLISH
    assert result.translation_en == merged  # the paragraph's own translation is kept
    assert sorted(result.provenance.cache) == [
        "claims.en:1",
        "claims.en:2",
        "claims.en:3",
        "summary",
        "translate:0",
    ]


def test_a_sentence_translated_alone_is_a_claim_whatever_anchor_its_english_leaves_out(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    """Its aligned English names none of the anchors it shares with the paragraph's English
    ("Koranschule" ~ "Koranic", "Sabo"), so it is translated alone; the answer leaves them out
    too, and is still that sentence's own English: a claim, not a lost sentence."""
    german = (
        "Die Koranschule bestand seit rund zehn Jahren, sagte Sabo. "
        "Die Eltern hätten sich über die Zustände in der Koranschule schockiert gezeigt."
    )
    first = "The Koranic school had existed for about ten years, Sabo said."
    alone = "The parents were shocked by the conditions at the school."
    strict_fake.enqueue(
        FakeReply(content=f"{first} [2] The parents were shocked."),
        FakeReply.json(SUMMARY),
        FakeReply(content=alone),
    )
    result = make_summarizer(strict_fake).summarize_text(german)
    assert _tasks(strict_fake) == ["translate", "summary", "translate"]
    assert [c.text_en for c in result.claims] == [first, alone]
    assert result.claims[1].speaker == "Sabo"  # Konjunktiv I: the paragraph's source goes on


def test_an_answer_with_its_only_number_at_the_end_is_no_crash(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    """A 1.5B re-ask answered with the paragraph's first number after all of its text ("…
    arrested. [1]"): no piece of it began at a number, and aligning the numbers crashed the
    article (zip of no pieces with one stop)."""
    strict_fake.enqueue(
        FakeReply(content=" ".join(ENGLISH) + " [1]"),
        FakeReply.json(SUMMARY),
        *(FakeReply(content=e) for e in ENGLISH),
    )
    result = make_summarizer(strict_fake).summarize_text(GERMAN)
    assert result.translation_en == " ".join(ENGLISH)
    assert [c.text_en for c in result.claims] == ENGLISH


def test_a_sentence_whose_english_describes_the_article_is_no_claim(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    """The headline's English is "The article discusses …" in the paragraph's answer and in
    its translation alone: that sentence makes no claim."""
    german = "Mahnmal für die Opfer in Oslo enthüllt\n\n" + GERMAN
    described = "The article discusses the unveiling of a memorial in Oslo."
    numbered = " ".join(f"[{i}] {e}" for i, e in enumerate(ENGLISH, 2)).removeprefix("[2] ")
    strict_fake.enqueue(
        FakeReply(content=described),  # the headline
        FakeReply(content=numbered),
        FakeReply.json(SUMMARY),
        FakeReply(content=described),  # the headline alone, for its claim
    )
    result = make_summarizer(strict_fake).summarize_text(german)
    assert _tasks(strict_fake) == ["translate", "translate", "summary", "translate"]
    assert [c.text_en for c in result.claims] == ENGLISH
    assert result.title_en == ENGLISH[0]  # the lead's English, not the description


def test_an_english_sources_sentences_are_claims_without_a_call(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    strict_fake.enqueue(FakeReply.json(SUMMARY))
    result = make_summarizer(strict_fake).summarize_text(" ".join(ENGLISH))
    assert _tasks(strict_fake) == ["summary"]
    assert [c.text_en for c in result.claims] == [c.quote for c in result.claims] == ENGLISH
    assert result.claims[1].speaker.endswith("Yakubu Sabo")


def test_the_claims_call_is_made_when_asked_for(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    numbered = " ".join(f"[{i}] {e}" for i, e in enumerate(ENGLISH, 1))
    picks = {
        "claims": [
            {
                "sentence": 1,
                "speaker": "the outlet",
                "attribution": "",
                "kind": "statement",
                "text_en": "Police in Nigeria freed more than 300 boys held in Kaduna.",
            }
        ]
    }
    strict_fake.enqueue(FakeReply(content=numbered), FakeReply.json(SUMMARY), FakeReply.json(picks))
    result = make_summarizer(strict_fake, claim_picks=True).summarize_text(GERMAN)
    assert _tasks(strict_fake) == ["translate", "summary", "claims"]
    assert [c.text_en for c in result.claims] == [picks["claims"][0]["text_en"], *ENGLISH[1:]]
