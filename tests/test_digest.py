"""The digest: signals, blocking, merging and discrepancies as pure functions; the whole
digest against the fake server (pair and event calls, the cache, bad files, the CLI)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import Summarizer
from summarizer.cli import app
from summarizer.digest import Digest, Event, load_results
from summarizer.digest.blocking import candidate_pairs
from summarizer.digest.discrepancies import discrepancy_candidates
from summarizer.digest.merging import merge_claims
from summarizer.digest.render import digest_markdown
from summarizer.digest.signals import dates_agree, dates_in, name_key, signals_of
from summarizer.render import to_json
from summarizer.schema import ArticleResult, Attempts, Claim, Entity, Provenance, Usage
from summarizer.testing import FakeLLMServer
from tests.responders import digest_responder

runner = CliRunner()


def claim(text_en: str, quote: str, start: int = 0, speaker: str = "the outlet") -> Claim:
    kind = "statement" if speaker == "the outlet" else "report"
    return Claim(
        text_en=text_en,
        speaker=speaker,
        attribution="",
        kind=kind,
        quote=quote,
        start=start,
        end=start + len(quote),
    )


def result(id: str, title: str, claims: list[Claim], people: tuple[str, ...] = ()) -> ArticleResult:
    summary = " ".join(c.text_en for c in claims[:2])
    return ArticleResult(
        id=id,
        source_path=None,
        sha256="0" * 64,
        language="de",
        title_original=None,
        title_en=title,
        summary_en=summary,
        key_points_en=[c.text_en for c in claims[:3]],
        entities=[Entity(name=p, type="person") for p in people],
        claims=claims,
        translation_en=summary,
        removed=[],
        rejected_claims=[],
        provenance=Provenance(
            model="fake-model",
            endpoint_host="127.0.0.1",
            mode="json_schema",
            prompt_versions={},
            schema_hash="x",
            cache={},
            attempts=Attempts(),
            usage=Usage(),
            seconds=0.0,
            summarizer_version="0",
            preprocessing_version="0",
        ),
    )


MEETING = "Kim meets the Russian defence minister"


def meeting_reports() -> list[ArticleResult]:
    """Two reports of one meeting (a day apart, names spelled two ways), and two reports of
    different visits that share everything but a date."""
    a = result(
        "a1",
        MEETING,
        [
            claim(
                "Kim Jong-un met Andrej Belousow in Pyongyang on 30 November.",
                "Kim Jong-un traf am 30. November Andrej Belousow in Pjöngjang.",
                0,
                "KCNA",
            ),
            claim(
                "Kim said the United States had escalated the war with 300 missiles.",
                "Kim sagte, die USA hätten den Krieg mit 300 Raketen eskaliert.",
                64,
                "Kim",
            ),
        ],
        ("Kim Jong-un", "Andrej Belousow"),
    )
    b = result(
        "b2",
        MEETING,
        [
            claim(
                "On 29 November Kim Jong Un received Andrej Beloussow in Pyongyang.",
                "Am 29. November empfing Kim Jong Un den Minister Andrej Beloussow in Pjöngjang.",
                0,
            ),
            claim(
                "Kim said the United States had escalated the war with 200 missiles.",
                "Kim sagte, die USA hätten den Krieg mit 200 Raketen eskaliert.",
                70,
                "Kim",
            ),
        ],
        ("Kim Jong Un", "Andrej Beloussow"),
    )
    visit = "Shoigu visits Pyongyang for talks with Kim"
    c = result(
        "c3",
        visit,
        [claim("Sergei Shoigu held talks with Kim Jong Un in Pyongyang.", "Schoigu sprach.")],
        ("Sergei Shoigu", "Kim Jong Un"),
    )
    d = result(
        "d4",
        visit,
        [claim("Sergei Shoigu held talks with Kim Jong Un in Pyongyang again.", "Schoigu.")],
        ("Sergei Shoigu", "Kim Jong Un"),
    )
    return [a, b, c, d]


# -- pure parts --------------------------------------------------------------------------------


def test_name_keys_ignore_transliteration_but_not_the_name() -> None:
    assert len({name_key(n) for n in ("Belousow", "Beloussow", "Belousov", "Beloussov")}) == 1
    assert name_key("Schoigu") == name_key("Shoigu")
    assert name_key("Pjöngjang") == name_key("Pyongyang")
    assert name_key("Kim Jong-un") == name_key("Kim Jong Un")
    assert name_key("Shoigu") != name_key("Belousov")


def test_dates_are_read_in_german_and_english() -> None:
    text = "Am 29. November empfing er ihn; on November 30th, 2024 and 1 December they met."
    assert [d for d, _, _ in dates_in(text)] == ["11-29", "2024-11-30", "12-01"]
    start, end = dates_in(text)[0][1:]
    assert text[start:end] == "29. November"
    assert dates_in("Kim spoke for 30 minutes in May") == []


def test_dates_agree_within_three_days_and_across_the_new_year() -> None:
    reports = {r.id: signals_of(r) for r in meeting_reports()}
    assert dates_agree(reports["a1"], reports["b2"]) is True
    assert dates_agree(reports["c3"], reports["d4"]) is None  # no date: unknown
    late = signals_of(result("x", "t", [claim("It happened on 31 December.", "q")]))
    early = signals_of(result("y", "t", [claim("It happened on 2 January.", "q")]))
    far = signals_of(result("z", "t", [claim("It happened on 20 January.", "q")]))
    assert dates_agree(late, early) is True
    assert dates_agree(late, far) is False


def test_figures_and_corroboration_of_one_occurrence() -> None:
    from summarizer.digest.signals import corroborated, figures_in

    text = "Am 30. November starben 34 Menschen, 30.000 flohen, Stärke 4,6, im Jahr 2019 5 Kinder."
    assert figures_in(text) == {"34", "30000", "4.6"}  # no date, year or small count
    toll = [claim("34 people died.", "Bei dem Beben starben 34 Menschen.")]
    other = [claim("12 people died.", "Bei dem Beben starben 12 Menschen.")]
    quake, same, elsewhere = (signals_of(result(i, "Quake", c)) for i, c in
                              (("q1", toll), ("q2", toll), ("q3", other)))  # fmt: skip
    assert corroborated(quake, same) and not corroborated(quake, elsewhere)
    a, b, c, d = (signals_of(r) for r in meeting_reports())
    assert corroborated(a, b) and not corroborated(c, d)  # dated a day apart; undated


def test_blocking_finds_the_pair_without_comparing_all_pairs() -> None:
    rng = random.Random(7)
    words = [f"topic{i:03d}" for i in range(400)]
    unrelated = [
        result(f"u{i:04d}", " ".join(rng.sample(words, 6)), [claim("The council met.", "q")])
        for i in range(600)
    ]
    reports = [*unrelated, *meeting_reports()]
    signals = [signals_of(r) for r in reports]
    pairs = candidate_pairs(signals, per_article=3)
    ids = {(reports[i].id, reports[j].id) for i, j, _ in pairs}
    assert ("a1", "b2") in ids
    assert len(pairs) <= 3 * len(reports)  # at most per_article per result, never n²/2
    assert all(score >= 0.12 for _, _, score in pairs)


def test_claims_stated_by_both_reports_merge_with_each_source_grounded() -> None:
    a, b, *_ = meeting_reports()
    merged = merge_claims([a, b])
    shared = [m for m in merged if len(m.sources) == 2]
    assert len(shared) == 2
    for entry in shared:
        for source in entry.sources:
            original = {c.quote: c for c in (a if source.article == "a1" else b).claims}
            assert original[source.quote].start == source.start
            assert original[source.quote].end == source.end
    assert sum(len(m.sources) for m in merged) == len(a.claims) + len(b.claims)


def test_a_place_that_differs_in_claims_stating_the_same_thing_is_a_candidate() -> None:
    said = "Der Minister traf die Delegation am Montag in {} zu Gesprächen."
    a = result(
        "p1",
        "t",
        [claim("The minister met the delegation for talks in Berlin.", said.format("Berlin"))],
    )
    b = result(
        "p2",
        "t",
        [claim("The minister met the delegation for talks in Bonn.", said.format("Bonn"))],
    )
    a.entities.append(Entity(name="Berlin", type="place"))
    b.entities.append(Entity(name="Bonn", type="place"))
    (found,) = discrepancy_candidates([a, b], merge_claims([a, b]))
    assert found.about == "place" and [v.value for v in found.values] == ["Berlin", "Bonn"]
    b.entities[0] = Entity(name="Bonn", type="organization")  # no place: nothing to compare
    assert discrepancy_candidates([a, b], merge_claims([a, b])) == []


def test_discrepancy_candidates_name_the_date_the_number_and_the_spellings() -> None:
    a, b, *_ = meeting_reports()
    found = discrepancy_candidates([a, b], merge_claims([a, b]))
    by_about = {d.about: d for d in found}
    assert [v.value for v in by_about["date"].values] == ["30 November", "29 November"]
    assert [v.value for v in by_about["number"].values] == ["300", "200"]
    names = sorted(tuple(v.value for v in d.values) for d in found if d.about == "name")
    assert names == [("Andrej Belousow", "Andrej Beloussow"), ("Kim Jong-un", "Kim Jong Un")]
    for d in found:
        for v in d.values:
            assert v.quote in {c.quote for c in (a if v.article == "a1" else b).claims}


# -- the whole digest on the fake server -------------------------------------------------------


@pytest.fixture
def digest_fake() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(responder=digest_responder) as server:
        yield server


def test_digest_groups_one_event_links_the_visits_and_is_cached(
    digest_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    summarizer = make_summarizer(digest_fake)
    digest = summarizer.digest(meeting_reports())
    events = {tuple(e.articles): e for e in digest.events}
    assert set(events) == {("a1", "b2"), ("c3",), ("d4",)}
    meeting = events[("a1", "b2")]
    assert meeting.title == MEETING and meeting.date == "29 November .. 30 November"
    assert {d.about for d in meeting.discrepancies} == {"date", "number", "name"}
    # c3 and d4: the model says one event (equal headlines), but they give no date: related.
    (visits,) = [p for p in digest.pairs if set(p.articles) == {"c3", "d4"}]
    assert visits.relation == "related" and visits.by == "code"
    assert [set(link.events) for link in digest.links] == [{"event-c3", "event-d4"}]
    calls = len(digest_fake.chat_requests)
    assert digest.calls == calls > 0 and digest.cached_calls == 0
    again = summarizer.digest(meeting_reports())
    assert len(digest_fake.chat_requests) == calls  # a second digest makes no call
    assert again.cached_calls == calls and again.calls == 0
    assert again.model_dump(exclude={"calls", "cached_calls"}) == digest.model_dump(
        exclude={"calls", "cached_calls"}
    )


def test_a_pair_the_model_cannot_judge_is_kept_apart(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    from summarizer.testing import FakeReply

    for _ in range(10):  # every attempt: a relation the schema does not allow
        strict_fake.enqueue(FakeReply.json({"reason": "unsure", "relation": "maybe"}))
    a, b, *_ = meeting_reports()
    digest = make_summarizer(strict_fake, max_reasks=1).digest([a, b])
    (pair,) = digest.pairs
    assert pair.relation == "different" and pair.by == "code"
    assert "ValidationFailedError" in pair.reason
    assert [e.articles for e in digest.events] == [["a1"], ["b2"]]


def write_results(folder: Path, results: list[ArticleResult]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for r in results:
        (folder / f"{r.id}.json").write_text(to_json(r), encoding="utf-8")


def test_bad_result_files_are_errors_and_the_rest_is_read(tmp_path: Path) -> None:
    write_results(tmp_path, meeting_reports()[:2])
    (tmp_path / "corrupt.json").write_text('{"id": "x"', encoding="utf-8")
    old = json.loads(to_json(meeting_reports()[2]))
    old["provenance"]["schema_hash"] = "0123456789abcdef"
    old["headline"] = old.pop("title_en")  # a field an older schema had
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    (tmp_path / "other.json").write_text('{"id": "y"}', encoding="utf-8")
    (tmp_path / "digest.json").write_text(
        Digest(events=[], links=[], pairs=[], errors=[]).model_dump_json()
    )
    results, errors = load_results([tmp_path, tmp_path / "gone.json"])
    assert sorted(r.id for r in results) == ["a1", "b2"]
    kinds = {Path(e.path).name: e.error for e in errors}
    assert kinds == {
        "corrupt.json": "CorruptFile",
        "old.json": "OldSchema",
        "other.json": "NotAResult",
        "gone.json": "MissingFile",
    }
    assert "summarize the article again" in next(
        e.message for e in errors if e.error == "OldSchema"
    )


def test_cli_digest_writes_json_and_markdown_and_exits_1_on_a_bad_file(
    env: dict[str, str], digest_fake: FakeLLMServer, tmp_path: Path
) -> None:
    env = {**env, "SUMMARIZER_BASE_URL": digest_fake.base_url}
    out = tmp_path / "out"
    write_results(out, meeting_reports())
    result = runner.invoke(app, ["digest", str(out)], env=env)
    assert result.exit_code == 0, result.output
    digest = Digest.model_validate_json((out / "digest.json").read_text(encoding="utf-8"))
    assert [e.articles for e in digest.events if len(e.articles) > 1] == [["a1", "b2"]]
    markdown = (out / "digest.md").read_text(encoding="utf-8")
    assert markdown == digest_markdown(digest) + "\n"
    assert "30 November" in markdown and "29 November" in markdown
    (out / "broken.json").write_text("not json", encoding="utf-8")
    again = runner.invoke(app, ["digest", str(out), "-o", str(tmp_path / "d")], env=env)
    assert again.exit_code == 1
    assert "broken.json" in again.output and (tmp_path / "d" / "digest.json").is_file()
    html = runner.invoke(
        app, ["digest", str(out), "-f", "html", "-o", str(tmp_path / "h")], env=env
    )
    page = (tmp_path / "h" / "digest.html").read_text(encoding="utf-8")
    assert html.exit_code == 1 and "Andrej Beloussow" in page and "<script" in page
    missing = runner.invoke(app, ["digest", str(tmp_path / "nothing")], env=env)
    assert missing.exit_code == 2 and "no such folder" in missing.output


def test_run_with_digest_writes_the_digest_of_its_results(
    env: dict[str, str], tmp_path: Path
) -> None:
    from tests.conftest import SEED_FILES

    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(SEED_FILES[0]), str(SEED_FILES[1]), "-o", str(out), "--digest"], env=env
    )
    assert result.exit_code == 0, result.output
    digest = Digest.model_validate_json((out / "digest.json").read_text(encoding="utf-8"))
    assert sorted(a for e in digest.events for a in e.articles) == sorted(
        p.stem for p in out.glob("*.json") if p.name != "digest.json"
    )


# -- scorers -----------------------------------------------------------------------------------


def test_grouping_score_counts_found_missed_and_false_merges() -> None:
    from summarizer.evaluation.scorers import grouping_score

    same = [["a", "b"], ["c", "d"]]
    different = [["a", "c"], ["b", "e"], ["d", "e"]]
    score = grouping_score([["b", "a", "e"], ["c"], ["d"]], same, different)
    assert score.found == [("a", "b")] and score.missed == [("c", "d")]
    assert score.false_merges == [("b", "e")]
    assert score.metrics() == {
        "grouping_precision": 0.5,
        "grouping_recall": 0.5,
        "false_merge_count": 1,
    }
    alone = grouping_score([["a"], ["b"]], same, different).metrics()
    assert alone["grouping_precision"] is None and alone["grouping_recall"] == 0.0


def test_discrepancy_recall_needs_each_articles_own_value() -> None:
    from summarizer.evaluation.gold import Discrepancy as Gold
    from summarizer.evaluation.scorers import discrepancy_recall

    a, b, *_ = meeting_reports()
    merged = merge_claims([a, b])
    found = discrepancy_candidates([a, b], merged)
    event = Event(
        id="e",
        title="t",
        date=None,
        articles=["a1", "b2"],
        summary_en="s",
        claims=merged,
        discrepancies=found,
    )
    digest = Digest(events=[event], links=[], pairs=[], errors=[])
    date = Gold(
        articles=["a1", "b2"],
        about="meeting date",
        values={"a1": '30 November ("am 30. November")', "b2": "29 November"},
        match={"a1": ["30 November", "November 30"], "b2": ["29 November", "November 29"]},
    )
    swapped = date.model_copy(update={"match": {"a1": ["29 November"], "b2": ["30 November"]}})
    title = Gold(articles=["a1", "b2"], about="title", values={"a1": "ruler", "b2": "president"})
    score = discrepancy_recall(digest, [date, swapped, title])
    assert score.found == ["meeting date"] and score.metrics() == {"discrepancy_recall": 1 / 3}


def test_a_pair_with_no_name_in_common_is_not_sent_to_the_model(
    digest_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    council = "The council approves the budget for the new school year"
    one = result("s1", council, [claim("The council approved the budget of 40 million.", "q")])
    two = result("s2", council, [claim("The council approved the budget of 40 million.", "q")])
    named = result("s3", council, [claim("Mayor Okafor approved the budget of 40 million.", "q")])
    digest = make_summarizer(digest_fake).digest([one, two, named])
    by_pair = {frozenset(p.articles): p for p in digest.pairs}
    assert by_pair[frozenset({"s1", "s2"})].by == "code"
    assert by_pair[frozenset({"s1", "s2"})].relation == "different"
    assert digest_fake.chat_requests == [] and digest.calls == 0
