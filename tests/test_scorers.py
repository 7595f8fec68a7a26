"""Scorers on hand-built results and gold records: no model, no network, exact values."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from sacrebleu.metrics.chrf import CHRF

from summarizer.evaluation.gold import GoldRecord
from summarizer.evaluation.metrics import aggregate, lower_is_better
from summarizer.evaluation.runner import score_gold
from summarizer.evaluation.scorers import (
    call_stats,
    claim_matching,
    contradiction_count,
    entity_recall,
    fact_coverage,
    german_field_count,
    grounding_precision,
    kind_accuracy,
    leak_count,
    number_recall,
    reference_chrf,
    speaker_accuracy,
    translation_chrf,
)
from summarizer.evaluation.scorers.attribution import has_quotation_marks
from summarizer.evaluation.scorers.language import looks_german
from summarizer.schema import (
    ArticleResult,
    Attempts,
    Claim,
    Entity,
    Provenance,
    RemovedSpan,
    Usage,
)

SOURCE = (
    "Belousow tritt zurück\n\n"
    "Der Minister sagte am 30. November, die Lage sei „sehr ernst“. Foto: dpa\n\n"
    "Rund 200 Löschfahrzeuge waren im Einsatz."
)


def claim(text_en: str, quote: str, start: int | None = None, end: int | None = None) -> Claim:
    """A claim whose offsets default to the quote's first position in SOURCE."""
    if start is None:
        start = SOURCE.find(quote)
        assert start >= 0, quote
    return Claim(
        text_en=text_en,
        speaker="the minister",
        attribution="sagte",
        kind="statement",
        quote=quote,
        start=start,
        end=start + len(quote) if end is None else end,
    )


def provenance(
    cache: dict[str, str] | None = None, attempts: Attempts | None = None, **kw: Any
) -> Provenance:
    return Provenance.model_validate(
        {
            "model": "fake",
            "endpoint_host": "localhost",
            "mode": "json_schema",
            "prompt_versions": {},
            "schema_hash": "0" * 16,
            "cache": cache or {},
            "attempts": attempts or Attempts(),
            "usage": Usage(prompt_tokens=100, completion_tokens=20),
            "seconds": 1.5,
            "summarizer_version": "0",
            "preprocessing_version": "0",
            **kw,
        }
    )


def result(**overrides: Any) -> ArticleResult:
    values: dict[str, Any] = {
        "id": "a1",
        "source_path": None,
        "sha256": "0" * 64,
        "language": "de",
        "title_original": "Belousow tritt zurück",
        "title_en": "Belousov resigns",
        "summary_en": "The minister said the situation was serious.",
        "key_points_en": [],
        "entities": [],
        "claims": [],
        "translation_en": "Belousov resigns\n\nThe minister spoke.",
        "removed": [],
        "rejected_claims": [],
        "provenance": provenance(),
    }
    values.update(overrides)
    return ArticleResult.model_validate(values)


def record(**overrides: Any) -> GoldRecord:
    values: dict[str, Any] = {
        "id": "a1",
        "article": "articles/a1.txt",
        "language": "de",
        "facts": [
            {
                "id": "date",
                "statement": "Belousov spoke on 30 November.",
                "match": [["Belousov", "Belousow"], ["30 November", "November 30"]],
            },
            {
                "id": "engines",
                "statement": "About 200 fire engines were deployed.",
                "match": [["200"], ["fire engine", "fire truck"]],
            },
            {
                "id": "serious",
                "statement": "The situation is 'very serious'.",
                "match": [['"very serious"', "grave"]],
            },
        ],
    }
    values.update(overrides)
    return GoldRecord.model_validate(values)


def dumps(model: Any) -> str:
    return json.dumps(model.model_dump(mode="json"))


# --- fact coverage ----------------------------------------------------------------------------


def test_fact_covered_by_paraphrase_with_alternatives_and_normalization() -> None:
    res = result(
        summary_en="Nothing relevant.",
        key_points_en=["Some point.", "BELOUSOW spoke on November 30."],
        claims=[claim("The situation is “very serious”, he said.", "sehr ernst")],
    )
    cov = fact_coverage(res, record())
    assert cov.covered == ["date", "serious"]
    assert cov.missed == ["engines"]
    assert cov.total == 3
    assert cov.recall == pytest.approx(2 / 3)
    assert cov.covered_by == {"date": "key_points_en[1]", "serious": "claims[0].text_en"}
    assert cov.metrics() == {"fact_recall": 2 / 3, "fact_count": 3, "fact_covered_count": 2}
    assert json.loads(dumps(cov))["covered_by"]["date"] == "key_points_en[1]"


def test_fact_needs_all_groups_in_one_unit() -> None:
    res = result(summary_en="Belousov spoke.", key_points_en=["It was November 30."])
    assert fact_coverage(res, record()).covered == []
    assert fact_coverage(res, record()).recall == 0.0


def test_wrong_statement_does_not_match() -> None:
    # 2000 is not 200, 20 is not 200; "fire engine" alone is not enough.
    res = result(
        summary_en="About 2000 fire engines were deployed.",
        key_points_en=["Some 20 fire trucks came.", "Fire engines were there."],
    )
    cov = fact_coverage(res, record())
    assert cov.missed == ["date", "engines", "serious"]
    res = result(summary_en="Roughly 200 fire trucks were deployed.")
    assert fact_coverage(res, record()).covered_by == {"engines": "summary_en"}


def test_summary_is_preferred_as_covering_unit() -> None:
    res = result(summary_en="The situation is grave.", claims=[claim("It is grave.", "sehr ernst")])
    assert fact_coverage(res, record()).covered_by == {"serious": "summary_en"}


# --- claim matching ---------------------------------------------------------------------------


def test_claim_matching_reports_facts_and_unmatched() -> None:
    res = result(
        claims=[
            claim("Belousov said on November 30 the situation was grave.", "sehr ernst"),
            claim("The minister resigned.", "tritt zurück"),
            claim("200 fire trucks were deployed.", "Rund 200 Löschfahrzeuge"),
        ]
    )
    cm = claim_matching(res, record())
    assert [c.fact_ids for c in cm.claims] == [["date", "serious"], [], ["engines"]]
    assert [c.matched for c in cm.claims] == [True, False, True]
    assert cm.unmatched == [1]
    assert cm.matched_share == pytest.approx(2 / 3)
    assert cm.metrics() == {
        "claim_matched_share": 2 / 3,
        "claim_count": 3,
        "claim_matched_count": 2,
    }


def test_claim_matching_without_claims() -> None:
    cm = claim_matching(result(claims=[]), record())
    assert cm.claims == []
    assert cm.unmatched == []
    assert cm.matched_share is None
    assert cm.metrics()["claim_count"] == 0


# --- grounding --------------------------------------------------------------------------------


def test_grounding_precision_with_wrong_offsets_and_made_up_quote() -> None:
    good = claim("It is serious.", "die Lage sei „sehr ernst“")
    shifted = claim("200 engines.", "Rund 200 Löschfahrzeuge", start=SOURCE.find("Rund") + 1)
    made_up = claim("He resigned.", "Ich trete zurück", start=0)
    score = grounding_precision(result(claims=[good, shifted, made_up]), SOURCE)
    assert (score.n, score.grounded) == (3, 1)
    assert score.precision == pytest.approx(1 / 3)
    assert [f.index for f in score.failures] == [1, 2]
    first, second = score.failures
    assert first.problems == ["offsets"]
    assert first.at_offsets == "und 200 Löschfahrzeuge "
    real = SOURCE.find("Rund")
    assert first.located == (real, real + len("Rund 200 Löschfahrzeuge"))
    assert second.problems == ["offsets", "not_located"]
    assert second.located is None
    assert json.loads(dumps(score))["failures"][0]["located"] == [real, real + 23]
    assert score.metrics() == {
        "grounding_precision": 1 / 3,
        "grounding_claims_count": 3,
        "grounding_grounded_count": 1,
    }


def test_grounding_requires_verbatim_span_even_when_locatable() -> None:
    # ASCII quote marks: locate_quote finds it, but the span at the offsets is not the quote.
    start = SOURCE.find("„sehr")
    loose = claim("Serious.", '"sehr ernst"', start=start, end=start + 12)
    score = grounding_precision(result(claims=[loose]), SOURCE)
    assert score.precision == 0.0
    assert score.failures[0].problems == ["offsets"]
    assert score.failures[0].located == (start, start + 12)  # the source's own „…“ marks


def test_grounding_with_zero_claims_is_one() -> None:
    score = grounding_precision(result(claims=[]), SOURCE)
    assert (score.n, score.grounded, score.precision, score.failures) == (0, 0, 1.0, [])


# --- entities and numbers ---------------------------------------------------------------------


def test_entity_recall() -> None:
    rec = record(
        entities=[
            {"type": "person", "spellings": ["Andrei Belousov", "Belousov", "Belousow"]},
            {"type": "place", "spellings": ["Rouen"]},
            {"type": "organization", "spellings": ["EU", "European Union"]},
            {"type": "organization", "spellings": ["Lubrizol"]},
        ]
    )
    res = result(
        entities=[Entity(name="belousow", type="person")],
        summary_en="A neutral report from Rouen's prefecture.",
        claims=[claim("Lubrizol's plant burned.", "sehr ernst")],
    )
    er = entity_recall(res, rec)
    assert er.found == ["Andrei Belousov", "Rouen", "Lubrizol"]
    assert er.missed == ["EU"]  # "EU" is not found inside "neutral"
    assert er.recall == 0.75
    assert er.found_in == {
        "Andrei Belousov": "entities[0]",
        "Rouen": "summary_en",
        "Lubrizol": "claims[0].text_en",
    }
    assert er.metrics() == {"entity_recall": 0.75, "entity_count": 4, "entity_found_count": 3}


def test_entity_recall_without_gold_entities_is_none() -> None:
    er = entity_recall(result(), record())
    assert (er.total, er.recall, er.found, er.missed) == (0, None, [], [])


def test_number_recall() -> None:
    rec = record(
        numbers=[
            {"label": "engines", "spellings": ["200"]},
            {"label": "date", "spellings": ["30 November", "November 30"]},
            {"label": "staff", "spellings": ["400", "four hundred"]},
            {"label": "ten", "spellings": ["ten", "10"]},
        ]
    )
    res = result(
        summary_en="Around 2000 engines came, often at night.",  # neither 200 nor "ten"
        key_points_en=["It happened on November 30th."],
        translation_en="Title\n\nFour  Hundred people work there. 200 engines.",
    )
    nr = number_recall(res, rec)
    assert nr.found == ["engines", "date", "staff"]
    assert nr.missed == ["ten"]
    assert nr.recall == 0.75
    assert nr.found_in == {
        "engines": "translation_en",
        "date": "key_points_en[0]",
        "staff": "translation_en",
    }
    assert nr.metrics() == {"number_recall": 0.75, "number_count": 4, "number_found_count": 3}
    assert number_recall(result(), record()).recall is None


# --- leaks ------------------------------------------------------------------------------------


def test_leaks_are_counted_per_field_including_claim_quotes() -> None:
    rec = record(leaks=["Foto: dpa", "Lesen Sie auch", "  "])
    res = result(
        title_en="FOTO: DPA Belousov resigns",
        summary_en="foto:  dpa. Foto: dpa.",
        key_points_en=["clean"],
        claims=[claim("It is serious.", "sehr ernst“. Foto: dpa")],
    )
    report = leak_count(res, rec)
    assert report.total == 4
    assert report.per_leak == {"Foto: dpa": 4, "Lesen Sie auch": 0, "  ": 0}
    assert [(h.field, h.count) for h in report.hits] == [
        ("title_en", 1),
        ("summary_en", 2),
        ("claims[0].quote", 1),
    ]
    assert report.metrics() == {"leak_count": 4, "leaked_strings_count": 1}


def test_no_leaks() -> None:
    report = leak_count(result(), record(leaks=["Foto: dpa"]))
    assert (report.total, report.per_leak, report.hits) == (0, {"Foto: dpa": 0}, [])


# --- translation ------------------------------------------------------------------------------

REF_A = ["The fire is out.", "Nobody was injured in the incident."]
REF_B = ["The blaze has been extinguished.", "No one was hurt."]


def test_identical_translation_scores_100() -> None:
    score = translation_chrf(list(REF_A), [REF_A])
    assert score.aligned is True
    assert score.chrf == pytest.approx(100.0)
    assert score.bleu == pytest.approx(100.0)
    assert score.chrf_per_reference == pytest.approx([100.0])
    assert (score.hypothesis_paragraphs, score.reference_paragraphs) == (2, [2])
    assert score.chrf_signature.startswith("nrefs:1|case:mixed|eff:yes|nc:6|nw:0")
    assert score.metrics() == {
        "translation_chrf": score.chrf,
        "translation_bleu": score.bleu,
        "translation_aligned": 1.0,
        "translation_chrf_ref1": score.chrf_per_reference[0],
    }


def test_multiple_references_take_the_best_per_segment() -> None:
    score = translation_chrf(list(REF_B), [REF_A, REF_B])
    only_a = CHRF().corpus_score(REF_B, [REF_A]).score
    assert only_a < 50
    assert score.chrf_per_reference == pytest.approx([only_a, 100.0])
    assert score.chrf == pytest.approx(100.0)
    assert score.bleu == pytest.approx(100.0)
    assert score.chrf_signature.startswith("nrefs:2|")
    assert score.bleu_signature.startswith("nrefs:2|")
    assert set(score.metrics()) == {
        "translation_chrf",
        "translation_bleu",
        "translation_aligned",
        "translation_chrf_ref1",
        "translation_chrf_ref2",
    }


def test_misaligned_paragraphs_score_the_joined_document() -> None:
    merged = translation_chrf([" ".join(REF_A)], [REF_A])
    assert merged.aligned is False
    assert merged.chrf == pytest.approx(100.0)
    dropped = translation_chrf([REF_A[0]], [REF_A, REF_B])
    assert dropped.aligned is False
    assert (dropped.hypothesis_paragraphs, dropped.reference_paragraphs) == (1, [2, 2])
    expected = CHRF().corpus_score([REF_A[0]], [[" ".join(REF_A)], [" ".join(REF_B)]]).score
    assert dropped.chrf == pytest.approx(expected)
    assert dropped.chrf < 70
    assert dropped.metrics(prefix="doc")["doc_aligned"] == 0.0


def test_translation_needs_a_reference() -> None:
    with pytest.raises(ValueError, match="at least one reference"):
        translation_chrf(["x"], [])


def test_reference_chrf_skips_the_title_paragraph() -> None:
    rec = record(reference={"title_en": "Belousov resigns", "paragraphs_en": ["P one.", "P two."]})
    res = result(translation_en="Belousov resigns\n\nP one.\n\nP two.\n\nP three.")
    score = reference_chrf(res, rec)
    assert score is not None
    assert score.aligned is True
    assert score.hypothesis_paragraphs == 3  # title + 2 body paragraphs
    assert score.chrf == pytest.approx(100.0)
    # the title is compared with title_en, not with the first translated paragraph
    other_title = reference_chrf(res.model_copy(update={"title_en": "Something else"}), rec)
    assert other_title is not None
    assert other_title.chrf < 90


def test_reference_chrf_without_titles_starts_at_the_first_paragraph() -> None:
    rec = record(reference={"paragraphs_en": ["P one.", "P two."]})
    res = result(title_original=None, translation_en="P one.\n\nP two.")
    score = reference_chrf(res, rec)
    assert score is not None
    assert (score.aligned, score.hypothesis_paragraphs) == (True, 2)
    assert score.chrf == pytest.approx(100.0)
    # the pipeline detected a title the reference does not translate: it is skipped
    titled = result(translation_en="Belousov resigns\n\nP one.\n\nP two.")
    score = reference_chrf(titled, rec)
    assert score is not None
    assert score.chrf == pytest.approx(100.0)


def test_reference_chrf_starts_at_its_first_paragraph() -> None:
    # headline, dateline, caption, then the two paragraphs the reference translates
    raw = "Belousov resigns\n\nFriday, 27 September\n\nA caption.\n\nP eins.\n\nP zwei.\n"
    rec = record(reference={"title_en": "Belousov resigns", "paragraphs_en": ["P one.", "P two."]})
    english = "Belousov resigns\n\nFriday, September 27\n\nA caption.\n\nP one.\n\nP two."
    res = result(translation_en=english)
    misaligned = reference_chrf(res, rec, raw)
    assert misaligned is not None and misaligned.chrf < 80
    rec = record(
        reference={
            "title_en": "Belousov resigns",
            "paragraphs_en": ["P one.", "P two."],
            "first_paragraph": 4,
        }
    )
    score = reference_chrf(res, rec, raw)
    assert score is not None
    assert (score.aligned, score.chrf) == (True, pytest.approx(100.0))
    # the dateline removed as boilerplate: the teaser is the translation's third paragraph
    start = raw.index("Friday")
    removed = [RemovedSpan(start=start, end=raw.index("\n", start), reason="dateline")]
    cut = result(translation_en=english.replace("Friday, September 27\n\n", ""), removed=removed)
    score = reference_chrf(cut, rec, raw)
    assert score is not None and score.chrf == pytest.approx(100.0)


def test_reference_chrf_with_missing_paragraph_or_no_reference() -> None:
    rec = record(reference={"title_en": "Belousov resigns", "paragraphs_en": ["P one.", "P 2."]})
    short = reference_chrf(result(translation_en="Belousov resigns\n\nP one."), rec)
    assert short is not None
    assert (short.aligned, short.hypothesis_paragraphs, short.reference_paragraphs) == (
        False,
        2,
        [3],
    )
    assert short.chrf < 100
    assert reference_chrf(result(), record()) is None


# --- call statistics --------------------------------------------------------------------------


def test_call_stats_rates() -> None:
    attempts = Attempts(
        calls=4, requests=5, reasks=1, transport_retries=1, first_attempt_valid=2, truncated=1
    )
    cache = {"translate:0": "hit", "translate:1": "miss", "summary": "miss", "claims": "miss"}
    stats = call_stats(result(provenance=provenance(cache=cache, attempts=attempts)))
    assert (stats.calls, stats.cache_hits, stats.uncached_calls) == (4, 1, 3)
    assert stats.first_attempt_valid_rate == pytest.approx(2 / 3)
    assert stats.reask_rate == pytest.approx(1 / 3)
    assert stats.transport_retry_rate == 0.2
    assert stats.cache_hit_rate == 0.25
    assert (stats.truncations, stats.prompt_tokens, stats.completion_tokens) == (1, 100, 20)
    assert stats.seconds == 1.5
    metrics = stats.metrics()
    assert metrics["truncation_count"] == 1
    assert metrics["elapsed_seconds"] == 1.5
    assert metrics["uncached_calls_count"] == 3


def test_call_stats_all_cached_has_no_rates() -> None:
    attempts = Attempts(calls=3)
    cache = {"translate:0": "hit", "summary": "hit", "claims": "hit"}
    stats = call_stats(result(provenance=provenance(cache=cache, attempts=attempts)))
    assert stats.uncached_calls == 0
    assert stats.first_attempt_valid_rate is None
    assert stats.reask_rate is None
    assert stats.transport_retry_rate is None
    assert stats.cache_hit_rate == 1.0
    empty = call_stats(result())
    assert (empty.calls, empty.cache_hit_rate) == (0, None)


# --- aggregation ------------------------------------------------------------------------------


def test_aggregate_means_totals_and_pooled_rates() -> None:
    rows: list[dict[str, float | None]] = [
        {"fact_recall": 1.0, "fact_count": 1, "fact_covered_count": 1, "reask_rate": None},
        {"fact_recall": 0.25, "fact_count": 4, "fact_covered_count": 1, "reask_rate": 0.5},
        {"fact_recall": None, "elapsed_seconds": 2.5, "reask_rate": math.nan},
    ]
    agg = aggregate(rows)
    assert agg == {
        "articles": 3.0,
        "fact_recall": 0.625,
        "fact_count": 2.5,
        "fact_count_total": 5.0,
        "fact_covered_count": 1.0,
        "fact_covered_count_total": 2.0,
        "reask_rate": 0.5,
        "elapsed_seconds": 2.5,
        "elapsed_seconds_total": 2.5,
        "fact_recall_micro": 0.4,
    }


def test_aggregate_all_none_and_empty() -> None:
    agg = aggregate([{"reask_rate": None, "reasks_count": 0, "uncached_calls_count": 0}])
    assert agg["reask_rate"] is None
    assert agg["reask_rate_micro"] is None
    assert agg["reasks_count_total"] == 0.0
    assert aggregate([]) == {"articles": 0.0}


def test_aggregate_of_real_metrics_round_trips_to_json() -> None:
    res = result(claims=[claim("200 fire trucks.", "Rund 200 Löschfahrzeuge")])
    rec = record()
    row: dict[str, float | None] = {
        **fact_coverage(res, rec).metrics(),
        **claim_matching(res, rec).metrics(),
        **grounding_precision(res, SOURCE).metrics(),
        **call_stats(res).metrics(),
    }
    agg = aggregate([row, row])
    assert agg["fact_recall"] == pytest.approx(1 / 3)
    assert agg["grounding_precision_micro"] == 1.0
    assert agg["claim_matched_share_micro"] == 1.0
    assert agg["cache_hit_rate"] is None
    assert json.loads(json.dumps(agg))["grounding_claims_count_total"] == 2.0


# --- speakers ---------------------------------------------------------------------------------


def said(
    text_en: str,
    speaker: str = "the article",
    attribution: str = "",
    kind: str = "statement",
    quote: str = "Rund 200 Löschfahrzeuge waren im Einsatz.",
) -> Claim:
    """A claim for the attribution scorers (their verdicts do not read the offsets)."""
    return Claim(
        text_en=text_en,
        speaker=speaker,
        attribution=attribution,
        kind=kind,  # type: ignore[arg-type]
        quote=quote,
        start=0,
        end=len(quote),
    )


def attributed(**kinds: str) -> GoldRecord:
    """The default record with speakers on "date" (Belousov) and "engines" (the fire
    brigade), none on "serious" (the outlet's own); `kinds` annotates facts by id."""
    rec = record()
    speakers = {"date": ["Belousov", "Belousow"], "engines": ["fire brigade", "Feuerwehr"]}
    facts = [
        f.model_copy(update={"speaker": speakers.get(f.id, []), "kind": kinds.get(f.id)})
        for f in rec.facts
    ]
    return rec.model_copy(update={"facts": facts})


def test_speaker_accuracy_counts_named_source_facts_stated_by_claims() -> None:
    res = result(
        claims=[
            said("Belousov spoke on 30 November.", speaker="Andrei Belousov"),
            said(
                "About 200 fire engines were deployed.", speaker="the minister", attribution="sagte"
            ),
            # The outlet's own fact, given to a named speaker: not counted either way.
            said("The situation is grave.", speaker="KCNA"),
        ]
    )
    score = speaker_accuracy(res, attributed())
    assert score.accuracy == 0.5
    assert score.metrics() == {
        "speaker_accuracy": 0.5,
        "speaker_facts_count": 2,
        "speaker_correct_count": 1,
    }
    (wrong,) = score.wrong
    assert (wrong.fact_id, wrong.claims, wrong.speakers) == ("engines", [1], ["the minister"])
    assert wrong.expected == ["fire brigade", "Feuerwehr"]


def test_speaker_right_when_any_claim_names_it_in_speaker_or_attribution() -> None:
    res = result(
        claims=[
            said("200 fire trucks were deployed.", speaker="the article"),
            said("200 fire engines came.", speaker="officials", attribution="laut Feuerwehr"),
        ]
    )
    score = speaker_accuracy(res, attributed())
    assert [(c.fact_id, c.claims, c.correct) for c in score.checks] == [("engines", [0, 1], True)]
    assert score.accuracy == 1.0


def test_speaker_spellings_stand_on_their_own_and_unstated_facts_are_not_counted() -> None:
    rec = attributed()
    # "Belousovs" is not "Belousov" (word edges), so the only stating claim names no one.
    res = result(claims=[said("Belousov spoke on 30 November.", speaker="the Belousovs")])
    assert speaker_accuracy(res, rec).accuracy == 0.0
    assert speaker_accuracy(result(claims=[]), rec).accuracy is None
    assert speaker_accuracy(res, record()).metrics()["speaker_facts_count"] == 0  # no speakers


# --- kinds ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "marked"),
    [
        ("Der Minister sagte, die Lage sei „sehr ernst“.", True),
        ('Er sagte: "Wir kommen."', True),
        ("Il a dit « non ».", True),
        ("Er sagte ‚nein‘.", True),
        ("He said ‘no’ twice.", True),
        ("Kims Partei's Linie.", False),  # a straight apostrophe
        ("Kim’s visit was short.", False),  # a lone curly apostrophe
        ("Die Lage sei sehr ernst.", False),
    ],
)
def test_quotation_marks(quote: str, marked: bool) -> None:
    assert has_quotation_marks(quote) is marked


def test_kind_accuracy_against_gold_kinds() -> None:
    rec = attributed(date="statement", engines="report")
    res = result(
        claims=[
            said("Belousov spoke on 30 November.", kind="report"),  # gold: statement
            said("200 fire engines were deployed.", kind="report"),  # right
            said("The minister resigned.", kind="allegation"),  # no gold fact: not judged
            said("The situation is grave.", kind="denial"),  # "serious" has no gold kind
        ]
    )
    score = kind_accuracy(res, rec)
    assert [(c.index, c.correct) for c in score.checks] == [(0, False), (1, True)]
    assert score.wrong[0].expected == ["statement"] and "gold kind" in score.wrong[0].problem
    assert score.metrics() == {
        "kind_accuracy": 0.5,
        "kind_claims_count": 2,
        "kind_correct_count": 1,
    }


def test_quote_kind_needs_quotation_marks_even_without_gold_kind() -> None:
    marked = "Der Minister sagte am 30. November, die Lage sei „sehr ernst“."
    res = result(
        claims=[
            said("The situation is very serious, he said.", kind="quote", quote=marked),
            said("The minister resigned.", kind="quote", quote="Belousow tritt zurück"),
        ]
    )
    score = kind_accuracy(res, record())  # no fact has a gold kind
    assert [(c.index, c.correct) for c in score.checks] == [(0, True), (1, False)]
    assert score.wrong[0].problem == "quote without quotation marks in the source"
    assert score.accuracy == 0.5


def test_kind_matching_any_of_several_gold_kinds_but_unmarked_quote_is_wrong() -> None:
    rec = attributed(date="quote", serious="statement")
    both = "Belousov said on 30 November the situation was grave."
    res = result(
        claims=[
            said(both, kind="statement"),  # states "date" (quote) and "serious" (statement)
            said(both, kind="quote", quote="Die Lage sei sehr ernst."),  # gold ok, no marks
        ]
    )
    score = kind_accuracy(res, rec)
    assert [c.expected for c in score.checks] == [["quote", "statement"]] * 2
    assert [c.correct for c in score.checks] == [True, False]
    assert kind_accuracy(result(claims=[said("The minister resigned.")]), rec).accuracy is None


# --- contradictions ---------------------------------------------------------------------------


def contradicting() -> GoldRecord:
    return record(
        contradictions=[
            {
                "id": "wrong_date",
                "statement": "Belousov spoke on 29 November.",
                "match": [["Belousov", "Belousow"], ["29 November", "November 29"]],
                "unless": ["not on 29 November", "not 29 November"],
            },
            {
                "id": "swapped",
                "statement": "Kim travelled to Moscow (Belousov came to Pyongyang).",
                "match": [["Kim"], ["visited Moscow", "travelled to Moscow", "trip to Moscow"]],
            },
        ]
    )


def test_contradictions_found_per_sentence_and_counted_once() -> None:
    res = result(
        title_en="Kim's trip to Moscow",
        summary_en="The ministry met. Belousov spoke on November 29 in Pyongyang.",
        claims=[said("Belousov spoke on 29 November.")],
        translation_en="Belousov in Pyongyang\n\nKim visited Moscow. It was cold.",
    )
    report = contradiction_count(res, contradicting())
    assert report.found == ["wrong_date", "swapped"]
    assert report.metrics() == {"contradiction_count": 2, "contradictions_checked_count": 2}
    assert [(h.id, h.unit) for h in report.hits] == [
        ("wrong_date", "summary_en.sentence[1]"),
        ("wrong_date", "claims[0].text_en"),
        ("swapped", "title_en"),
        ("swapped", "translation_en.sentence[1]"),
    ]
    assert report.hits[0].text == "Belousov spoke on November 29 in Pyongyang."
    assert lower_is_better("contradiction_count") and lower_is_better("contradiction_count_total")
    agg = aggregate([report.metrics(), report.metrics()])
    assert agg["contradiction_count_total"] == 4


def test_contradiction_needs_every_group_in_one_sentence_and_no_unless_term() -> None:
    res = result(
        summary_en="Belousov spoke on 30 November. It was not November 29.",
        key_points_en=["Belousov spoke on 30 November, not on 29 November as first reported."],
        claims=[said("Kim welcomed Belousov. Moscow was visited earlier.")],
        translation_en="Kim did not travel; Belousov visited Pyongyang.",
    )
    report = contradiction_count(res, contradicting())
    assert (report.found, report.hits) == ([], [])
    empty = contradiction_count(res, record())
    assert empty.metrics() == {"contradiction_count": 0, "contradictions_checked_count": 0}


# --- German in English fields -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "german"),
    [
        ("bestätigte die Sängerin", True),  # a bare German attribution cue
        ("laut KCNA", True),
        ("Die Regierung bestätigte das Treffen, ein Statement gab es nicht.", True),
        ("Das Treffen fand in Moskau statt.", True),  # "in" counts for neither language
        ("In June Vereinbarung zur Zusammenarbeit unterschritten", True),
        ("Kim Jong Un told Sergei Schoigu in Pjöngjang", False),  # German names
        ("Ukraine war: the die is cast", False),  # words English shares with German
        ('Kim called the alliance "unbesiegbar" and thanked Putin.', False),
        ("Gerhard Schröder", False),
        ("Belousov resigns", False),
        ("", False),
    ],
)
def test_looks_german(text: str, german: bool) -> None:
    assert looks_german(text) is german


def test_german_field_count_checks_every_english_field() -> None:
    res = result(
        title_en="Kim Jong Un meets Schoigu in Pjöngjang",
        summary_en="Der Minister sagte, die Lage sei sehr ernst.",
        key_points_en=["", "The minister resigned."],
        claims=[said("bestätigte die Sängerin"), said("The situation is grave.")],
    )
    report = german_field_count(res)
    assert [(f.field, f.text) for f in report.german] == [
        ("summary_en", "Der Minister sagte, die Lage sei sehr ernst."),
        ("claims[0].text_en", "bestätigte die Sängerin"),
    ]
    assert report.metrics() == {"german_field_count": 2, "language_fields_count": 5}
    assert german_field_count(result()).metrics()["german_field_count"] == 0


def test_score_gold_carries_the_new_metrics_and_details() -> None:
    res = result(
        summary_en="Belousov spoke on November 29.",
        claims=[said("200 fire engines came.", kind="quote", quote="Rund 200 Löschfahrzeuge")],
        key_points_en=["Rund 200 Löschfahrzeuge waren im Einsatz."],
    )
    metrics, details = score_gold(res, contradicting(), source_text=SOURCE, raw_text=SOURCE)
    assert metrics["contradiction_count"] == 1 and metrics["german_field_count"] == 1
    assert metrics["kind_accuracy"] == 0.0 and metrics["speaker_accuracy"] is None
    assert details["contradictions"][0]["unit"] == "summary_en.sentence[0]"
    assert details["german_fields"] == [
        {"field": "key_points_en[0]", "text": "Rund 200 Löschfahrzeuge waren im Einsatz."}
    ]
    assert details["wrong_kinds"][0]["index"] == 0 and details["wrong_speakers"] == []
