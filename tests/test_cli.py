"""The CLI through typer's CliRunner, against the fake server (configured via the environment)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from summarizer import __version__
from summarizer.cli import app
from summarizer.testing import FakeLLMServer, FakeReply
from tests.conftest import CLI_API_KEY, SEED_FILES

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"summarizer {__version__}"


def test_help_shows_examples() -> None:
    result = runner.invoke(app, ["run", "--help"])
    assert result.exit_code == 0
    assert "summarizer run seeds/" in result.stdout


def test_run_folder_writes_one_json_per_article(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEED_FILES[0].parent, seeds)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(seeds), "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    written = sorted(p.stem for p in out.glob("*.json"))
    assert written == [p.stem for p in SEED_FILES]
    data = json.loads((out / f"{SEED_FILES[0].stem}.json").read_text())
    assert data["id"] == SEED_FILES[0].stem
    assert data["provenance"]["model"] == "fake-model"
    assert result.stdout == ""  # json format: files only, nothing on stdout
    sent = len(fake.chat_requests)
    # A rerun is served from the cache: zero requests.
    again = runner.invoke(app, ["run", str(seeds), "--out", str(out)], env=env)
    assert again.exit_code == 0
    assert len(fake.chat_requests) == sent


def test_jsonl_goes_to_stdout_and_md_files_are_written(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(SEED_FILES[1]), str(SEED_FILES[2]), "-o", str(out), "-f", "jsonl"], env=env
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert [json.loads(line)["id"] for line in lines] == [SEED_FILES[1].stem, SEED_FILES[2].stem]
    md = runner.invoke(app, ["run", str(SEED_FILES[1]), "-o", str(out), "-f", "md"], env=env)
    assert md.exit_code == 0
    assert md.stdout.startswith("# ")
    assert (out / f"{SEED_FILES[1].stem}.md").read_text().startswith("# ")


def test_failed_item_sets_exit_code_1_and_others_are_written(
    env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED_FILES[0], folder)
    (folder / "empty.txt").write_text("   \n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "-o", str(out)], env=env)
    assert result.exit_code == 1
    assert (out / f"{SEED_FILES[0].stem}.json").exists()
    assert not (out / "empty.json").exists()
    assert "empty article" in result.stderr


def test_auth_error_stops_the_run_with_a_clear_message(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    fake.enqueue(FakeReply.error(401, "Incorrect API key provided", code="invalid_api_key"))
    result = runner.invoke(app, ["run", str(SEED_FILES[0]), "-o", str(tmp_path / "o")], env=env)
    assert result.exit_code == 2
    assert "refused the credentials" in result.stderr
    assert CLI_API_KEY not in result.output


def test_bad_options_are_usage_errors(env: dict[str, str], tmp_path: Path) -> None:
    missing = runner.invoke(app, ["run", str(tmp_path / "nope")], env=env)
    assert missing.exit_code == 2
    assert "no such file" in missing.stderr
    bad_format = runner.invoke(app, ["run", str(SEED_FILES[0]), "-f", "xml"], env=env)
    assert bad_format.exit_code == 2
    bad_env = runner.invoke(
        app, ["run", str(SEED_FILES[0])], env={**env, "SUMMARIZER_MAX_REASKS": "x"}
    )
    assert bad_env.exit_code == 2
    assert "max_reasks" in bad_env.stderr


def test_a_ray_client_address_is_refused_before_any_work(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    """Ray Data 2.60 fails under Ray Client: ray:// gets the `ray job submit` way instead
    (Ray need not be installed to be told so)."""
    out = str(tmp_path / "out")
    for args, extra in (
        (["--ray-address", "ray://head:10001"], {}),
        ([], {"RAY_ADDRESS": "ray://head:10001"}),
    ):
        result = runner.invoke(
            app,
            ["run", str(SEED_FILES[0]), "-o", out, "--engine", "ray", *args],
            env={**env, **extra},
        )
        assert result.exit_code == 2
        assert "ray job submit" in result.stderr and "Ray Client" in result.stderr
    assert fake.chat_requests == []


def test_options_override_environment(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["run", str(SEED_FILES[0]), "-o", str(out), "--model", "other-model"], env=env
    )
    assert result.exit_code == 0, result.output
    assert {r.model for r in fake.chat_requests} == {"other-model"}


def test_the_claims_call_is_an_option_over_the_environment(
    env: dict[str, str], tmp_path: Path, fake: FakeLLMServer
) -> None:
    def claims_calls() -> int:
        return sum('"claims"' in str(r.messages[-1].get("content")) for r in fake.chat_requests)

    args = ["run", str(SEED_FILES[0]), "-o", str(tmp_path / "out"), "--no-cache"]
    assert env["SUMMARIZER_CLAIM_PICKS"] == "true"
    assert runner.invoke(app, args, env=env).exit_code == 0
    assert claims_calls() == 1
    result = runner.invoke(app, [*args, "--no-claim-picks"], env=env)
    assert result.exit_code == 0, result.output
    assert claims_calls() == 1  # none more


def test_cache_info_and_clear(env: dict[str, str], tmp_path: Path) -> None:
    runner.invoke(app, ["run", str(SEED_FILES[0]), "-o", str(tmp_path / "o")], env=env)
    info = runner.invoke(app, ["cache", "info"], env=env)
    assert info.exit_code == 0
    entries = int(info.stdout.split("entries:")[1].split()[0])
    assert entries > 0
    cleared = runner.invoke(app, ["cache", "clear"], env=env)
    assert f"removed {entries} entries" in cleared.stdout
    info = runner.invoke(app, ["cache", "info"], env=env)
    assert "entries:   0" in info.stdout


def test_clean_prints_the_cleaned_text_and_lists_removals() -> None:
    result = runner.invoke(app, ["clean", str(SEED_FILES[1]), "--show-removed"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Der nordkoreanische Machthaber Kim Jong-un traf sich")
    assert "Kommentar (0)" not in result.stdout
    assert "[Anzeige_2]" not in result.stdout
    assert "4 span(s) removed" in result.stderr
    for reason in ("photo_caption", "ad_marker", "source_line", "comment_counter"):
        assert reason in result.stderr


def test_clean_reports_an_only_boilerplate_file(tmp_path: Path) -> None:
    path = tmp_path / "links.txt"
    path.write_text("Lesen Sie auch\n- Eins\n- Zwei\n")
    result = runner.invoke(app, ["clean", str(path)])
    assert result.exit_code == 1
    assert "only boilerplate" in result.stderr


def test_results_are_written_with_normal_permissions(tmp_path: Path) -> None:
    import os

    from summarizer.render import write_atomic

    target = tmp_path / "r.json"
    old = os.umask(0o022)
    try:
        write_atomic(target, "{}\n")
    finally:
        os.umask(old)
    assert target.read_text() == "{}\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o644)
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temp file left
