"""`summarizer eval`: runs against the fake server, replay, compare gates, and the HTML report."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.evaluation import (
    Comparison,
    EvalRun,
    compare_runs,
    gate,
    load_run,
    load_suite,
    render_html,
)
from summarizer.testing import FakeLLMServer
from tests.conftest import ROOT

runner = CliRunner()
SEEDS_SUITE = ROOT / "evals" / "seeds"
TRANSLATION_SUITE = ROOT / "evals" / "translation"


def run_eval(env: dict[str, str], runs: Path, *extra: str) -> tuple[int, Path | None, str]:
    result = runner.invoke(app, ["eval", "run", "--runs-dir", str(runs), *extra], env=env)
    path = Path(result.stdout.strip()) if result.stdout.strip() else None
    return result.exit_code, path, result.stderr


def test_the_shipped_suites_load() -> None:
    seeds = load_suite(SEEDS_SUITE)
    assert len(seeds.records) == 5
    assert all(len(r.facts) >= 6 for r in seeds.records)  # gold only grows: no upper bound
    assert ["001_921c84898896e6e9", "003_98bd2a005b1adf2a"] in seeds.spec.same_event
    translation = load_suite(TRANSLATION_SUITE)
    assert len(translation.documents) == 10
    assert all(len(d.references) == 2 for d in translation.documents)


def test_eval_run_scores_every_seed_and_writes_a_run_file(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    code, path, stderr = run_eval(env, tmp_path / "runs")
    assert code == 0, stderr
    assert path is not None and path.parent == tmp_path / "runs"
    run = load_run(path)
    assert run.suite == "seeds" and run.model == "fake-model"
    assert [a.id for a in run.articles] == [r.id for r in load_suite(SEEDS_SUITE).records]
    assert run.overall["grounding_precision"] == 1.0
    assert run.overall["leak_count"] == 0  # boilerplate never reaches the model
    assert run.overall["error_count"] == 0
    # The fake summary states no gold fact: recall is measured, and it is low.
    assert run.overall["fact_recall"] is not None and run.overall["fact_recall"] < 0.2
    assert run.prompt_versions and run.schema_hash and run.summarizer_version
    assert "seeds · fake-model" in stderr  # the score table went to stderr
    # Replay re-scores from the cache, hermetically: no request reaches the server.
    sent = len(fake.chat_requests)
    code, replayed, _ = run_eval(env, tmp_path / "runs", "--replay")
    assert code == 0
    assert len(fake.chat_requests) == sent
    assert replayed is not None
    again = load_run(replayed)
    assert again.replay
    for key in ("fact_recall", "grounding_precision", "entity_recall", "leak_count"):
        assert again.overall[key] == run.overall[key]


def test_replay_with_an_empty_cache_fails_every_article(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    code, path, stderr = run_eval(env, tmp_path / "runs", "--replay")
    assert code == 1
    assert "CacheMissError" in stderr
    assert len(fake.chat_requests) == 0
    assert path is not None
    assert load_run(path).overall["error_count"] == 5


def test_eval_run_summarizes_through_the_batch_path(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    # A suite whose last record's article repeats the first's text under another name: the
    # batch (as `summarizer run`) reports it as a duplicate and does not summarize it again.
    suite = tmp_path / "suite"
    shutil.copytree(SEEDS_SUITE, suite)
    first = "000_58eb544191ba0126"
    shutil.copy(suite / "articles" / f"{first}.txt", suite / "articles" / "zz_copy.txt")
    gold = (suite / "gold" / f"{first}.yaml").read_text(encoding="utf-8")
    gold = gold.replace(f"id: {first}", "id: zz_copy").replace(
        f"article: articles/{first}.txt", "article: articles/zz_copy.txt"
    )
    (suite / "gold" / "zz_copy.yaml").write_text(gold, encoding="utf-8")
    code, path, stderr = run_eval(env, tmp_path / "runs", "--suite", str(suite))
    assert code == 1  # the duplicate is that article's error
    assert path is not None
    run = load_run(path)
    assert [a.id for a in run.articles] == [r.id for r in load_suite(suite).records]
    *seeds, copy = run.articles
    assert all(a.status == "ok" for a in seeds)
    assert copy.status == "error" and copy.result is None
    assert copy.error is not None and f"duplicate of {first}" in copy.error
    assert run.overall["error_count"] == 1
    assert "zz_copy" in stderr
    # A second run recalls every finished article from the batch's memo: no request, and
    # every call of every result a cache hit.
    sent = len(fake.chat_requests)
    code, again_path, _ = run_eval(env, tmp_path / "runs", "--suite", str(suite))
    assert code == 1 and again_path is not None
    assert len(fake.chat_requests) == sent
    again = load_run(again_path)
    for a in again.articles[:-1]:
        assert a.result is not None
        assert set(a.result.provenance.cache.values()) == {"hit"}
    assert [a.metrics.get("fact_recall") for a in again.articles] == [
        a.metrics.get("fact_recall") for a in run.articles
    ]


def test_translation_suite_scores_chrf(env: dict[str, str], tmp_path: Path) -> None:
    code, path, stderr = run_eval(env, tmp_path / "runs", "--suite", str(TRANSLATION_SUITE))
    assert code == 0, stderr
    assert path is not None
    run = load_run(path)
    assert len(run.articles) == 10
    # The fake "translation" echoes the German: chrF against English references is low.
    chrf = run.overall["translation_chrf"]
    assert chrf is not None and 5 < chrf < 50


def _run_with(run: EvalRun, **overall: float) -> EvalRun:
    return run.model_copy(update={"overall": {**run.overall, **overall}})


@pytest.fixture
def two_runs(env: dict[str, str], tmp_path: Path) -> tuple[Path, Path]:
    code, path, _ = run_eval(env, tmp_path / "runs")
    assert code == 0 and path is not None
    base = load_run(path)
    worse = _run_with(base, fact_recall=(base.overall["fact_recall"] or 0) - 0.1)
    # Drop one claim of the first article and change another's speaker.
    first = worse.articles[0]
    assert first.result is not None and len(first.result.claims) >= 2
    claims = [first.result.claims[0].model_copy(update={"speaker": "Someone else"})]
    result = first.result.model_copy(update={"claims": claims})
    worse.articles[0] = first.model_copy(update={"result": result})
    b = tmp_path / "b.json"
    b.write_text(worse.model_dump_json())
    return path, b


def test_compare_shows_deltas_and_claim_diffs(two_runs: tuple[Path, Path]) -> None:
    a, b = two_runs
    comparison = compare_runs(load_run(a), load_run(b))
    _, _, delta = comparison.metrics["fact_recall"]
    assert delta == pytest.approx(-0.1)
    (diff,) = comparison.claim_diffs
    assert len(diff.dropped) >= 1 and len(diff.changed) == 1 and diff.added == []
    assert diff.changed[0][1].speaker == "Someone else"
    result = runner.invoke(app, ["eval", "compare", str(a), str(b)])
    assert result.exit_code == 0
    assert "fact_recall" in result.stdout and "-0.100" in result.stdout
    assert "Someone else" in result.stdout


def test_compare_gates_exit_nonzero(two_runs: tuple[Path, Path]) -> None:
    a, b = two_runs
    ok = runner.invoke(app, ["eval", "compare", str(a), str(b), "--max-drop", "fact_recall=0.2"])
    assert ok.exit_code == 0
    dropped = runner.invoke(
        app, ["eval", "compare", str(a), str(b), "--max-drop", "fact_recall=0.05"]
    )
    assert dropped.exit_code == 1
    assert "fact_recall dropped" in dropped.stderr
    floor = runner.invoke(
        app, ["eval", "compare", str(a), str(b), "--fail-if", "grounding_precision<1"]
    )
    assert floor.exit_code == 0
    leaks = runner.invoke(app, ["eval", "compare", str(a), str(b), "--fail-if", "leak_count>=0"])
    assert leaks.exit_code == 1
    bad = runner.invoke(app, ["eval", "compare", str(a), str(b), "--fail-if", "nonsense"])
    assert bad.exit_code == 2
    comparison = compare_runs(load_run(a), load_run(b))
    assert gate(comparison, fail_if=["fact_recall<=1"]) != []
    assert gate(comparison, fail_if=["fact_recall>1"]) == []


def test_report_is_self_contained(two_runs: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two_runs
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["eval", "report", str(a), "--html", str(out)])
    assert result.exit_code == 0
    page = out.read_text()
    for external in ("<script", "<link", "src=", "@import", "url("):
        assert external not in page
    assert "<svg" in page and "<polyline" in page
    run = load_run(a)
    n_claims = sum(len(x.result.claims) for x in run.articles if x.result)
    assert page.count("<mark ") == n_claims
    assert page.count("<del>") == sum(len(x.details["removed"]) for x in run.articles)


def test_max_drop_of_a_lower_is_better_metric_is_a_rise() -> None:
    comparison = Comparison(
        a="A",
        b="B",
        metrics={"contradiction_count_total": (1.0, 3.0, 2.0), "leak_count": (2.0, 0.0, -2.0)},
        claim_diffs=[],
    )
    assert gate(comparison, max_drop=["contradiction_count_total=1"]) == [
        "contradiction_count_total rose from 1.0 to 3.0 (allowed rise 1)"
    ]
    assert gate(comparison, max_drop=["contradiction_count_total=2"]) == []
    assert gate(comparison, max_drop=["leak_count=0"]) == []  # fewer leaks: no regression


_NEW = ("speaker_", "kind_", "contradiction", "german_field", "language_fields")
_NEW_DETAILS = ("wrong_speakers", "wrong_kinds", "contradictions", "german_fields")


def _without_new_scores(run: EvalRun) -> EvalRun:
    """The run as a run file written before the speaker, kind, contradiction and language
    scorers existed."""

    def old(metrics: dict[str, float | None]) -> dict[str, float | None]:
        return {k: v for k, v in metrics.items() if not k.startswith(_NEW)}

    articles = [
        a.model_copy(
            update={
                "metrics": old(a.metrics),
                "details": {k: v for k, v in a.details.items() if k not in _NEW_DETAILS},
            }
        )
        for a in run.articles
    ]
    return run.model_copy(update={"overall": old(run.overall), "articles": articles})


def test_old_run_files_without_the_new_scores_compare_and_report(
    two_runs: tuple[Path, Path], tmp_path: Path
) -> None:
    new_path, _ = two_runs
    new = load_run(new_path)
    for name in ("contradiction_count_total", "german_field_count_total", "kind_claims_count"):
        assert name in new.overall
    assert all(key in new.articles[0].details for key in _NEW_DETAILS)
    old_path = tmp_path / "old.json"
    old_path.write_text(_without_new_scores(new).model_dump_json())
    comparison = compare_runs(load_run(old_path), new)
    assert comparison.metrics["german_field_count_total"][0] is None
    assert comparison.metrics["german_field_count_total"][2] is None
    shown = runner.invoke(app, ["eval", "compare", str(old_path), str(new_path)])
    assert shown.exit_code == 0 and "german_field_count_total" in shown.stdout
    gated = runner.invoke(
        app, ["eval", "compare", str(old_path), str(new_path), "--max-drop", "kind_accuracy=1"]
    )
    assert gated.exit_code == 1  # not measured in run A: no delta, so the gate fails
    old_page, new_page = tmp_path / "old.html", tmp_path / "new.html"
    assert (
        runner.invoke(app, ["eval", "report", str(old_path), "--html", str(old_page)]).exit_code
        == 0
    )
    assert (
        runner.invoke(app, ["eval", "report", str(new_path), "--html", str(new_page)]).exit_code
        == 0
    )
    assert "English fields still in German" not in old_page.read_text()
    assert new_page.read_text().count("English fields still in German") == len(new.articles)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
def test_report_renders_in_headless_chromium(two_runs: tuple[Path, Path], tmp_path: Path) -> None:
    """The report as a browser renders it: the DOM after parsing, from real headless Chromium."""
    browser = _chromium()
    assert browser, "chromium is required (.ci/run installs Debian's chromium)"
    a, _ = two_runs
    run = load_run(a)
    page = tmp_path / "report.html"
    page.write_text(render_html(run, history=[run, run]))
    profile = tempfile.mkdtemp(prefix="chromium-")
    try:
        dom = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        ).stdout
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert 'id="metrics"' in dom
    assert dom.count('class="series"') == 4  # one line per charted metric
    first = run.articles[0]
    assert first.result is not None
    quote = first.result.claims[0].quote
    assert f'href="#{first.id}-c1"' in dom and f'id="{first.id}-c1"' in dom
    assert quote[:20].replace("&", "&amp;") in dom
    n_claims = sum(len(x.result.claims) for x in run.articles if x.result)
    assert dom.count("<mark ") == n_claims
    assert "Missed gold facts" in dom
    assert json.dumps(run.suite)[1:-1] in dom
