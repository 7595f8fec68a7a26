"""Hostile ids, paths and write failures: nothing is written outside `--out`, nothing prints
a traceback, and one article's failure never stops the batch (issue 13's cases)."""

from __future__ import annotations

import codecs
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer import ArticleResult, ItemError, Summarizer, sources
from summarizer.cache_keys import CallEntry
from summarizer.cli import app
from summarizer.render import remove_stale_temporaries
from summarizer.testing import FakeLLMServer, FakeReply, RecordedRequest
from tests.conftest import CLI, CLI_API_KEY, CLI_CODE, SEED_FILES
from tests.responders import article_responder
from tests.test_resume import cli_env

runner = CliRunner()
ARTICLE = SEED_FILES[1]
TEXT = ARTICLE.read_text(encoding="utf-8")


def records(path: Path, ids: list[str]) -> Path:
    """A JSONL file of one record per id, each text distinct (no duplicates)."""
    texts = [f"{TEXT}\n\nDer {n}. Absatz ist neu." for n in range(1, len(ids) + 1)]
    lines = [json.dumps({"id": id, "text": text}) for id, text in zip(ids, texts, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def results(out: Path) -> dict[str, ArticleResult]:
    """The results in `out` by their `id` field (the original id, whatever the file name)."""
    found = {}
    for path in out.glob("*.json"):
        if not path.is_file():
            continue
        result = ArticleResult.model_validate_json(path.read_text(encoding="utf-8"))
        found[result.id] = result
    return found


# 1. ids that would escape --out -------------------------------------------------------------


def test_record_ids_never_write_outside_out(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work" / "deep"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    ids = ["../../escaped", str(tmp_path / "ABS"), "https://www.example.com/politik/x.html"]
    source = records(tmp_path / "in.jsonl", ids)
    before = files_under(tmp_path)
    result = runner.invoke(app, ["run", str(source), "-o", "out"], env=env)
    assert result.exit_code == 0, result.output
    out = (work / "out").resolve()
    new = files_under(tmp_path) - before
    written = {p for p in new if "cache" not in p.relative_to(tmp_path).parts}
    assert written and all(p.resolve().parent == out for p in written), written
    assert [p for p in out.iterdir() if p.is_dir()] == []  # no nested folders from a URL id
    assert sorted(results(out)) == sorted(ids)  # the original ids stay in the results


# 2. a failed write is that article's error ----------------------------------------------------


def test_unwritable_result_fails_only_its_article_and_a_rerun_makes_no_calls(
    env: dict[str, str], fake: FakeLLMServer, tmp_path: Path
) -> None:
    ids = ["a\x00nul", "x" * 300, "blocked", "fine"]
    source = records(tmp_path / "in.jsonl", ids)
    out = tmp_path / "out"
    out.mkdir()
    (out / "blocked.json").mkdir()  # the result's path is taken by a folder
    result = runner.invoke(app, ["run", str(source), "-o", str(out)], env=env)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "failed blocked: cannot write the result" in result.stderr
    assert sorted(results(out)) == sorted(["a\x00nul", "x" * 300, "fine"])
    calls = len(fake.requests)
    (out / "blocked.json").rmdir()
    again = runner.invoke(app, ["run", str(source), "-o", str(out)], env=env)
    assert again.exit_code == 0, again.output
    assert len(fake.requests) == calls  # the answers were cached: no call on the rerun
    assert sorted(results(out)) == sorted(ids)


def test_out_that_is_a_file_is_refused_before_any_call(
    env: dict[str, str], fake: FakeLLMServer, tmp_path: Path
) -> None:
    target = tmp_path / "results.json"
    target.write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["run", str(ARTICLE), "-o", str(target)], env=env)
    assert result.exit_code == 2, result.output
    assert "is not a folder" in result.stderr
    assert fake.requests == []
    below = runner.invoke(app, ["run", str(ARTICLE), "-o", str(target / "sub")], env=env)
    assert below.exit_code == 2, below.output
    assert "cannot write there" in below.stderr
    assert fake.requests == []


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file-size limits")
def test_a_full_disk_fails_each_article_cleanly(tmp_path: Path) -> None:
    """Files cannot grow past 1 KB (as on a full disk): no result fits, every article gets
    its own error, the batch completes, and no traceback is printed."""
    folder = tmp_path / "in"
    folder.mkdir()
    for n, name in enumerate(("one", "two", "three")):
        (folder / f"{name}.txt").write_text(f"{TEXT}\n\nAbsatz {n}.", encoding="utf-8")
    setup = (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024)); "
    )
    with FakeLLMServer(responder=article_responder) as server:
        env = cli_env(server, tmp_path / "cache", concurrency=2)
        proc = subprocess.run(
            [sys.executable, "-c", setup + CLI_CODE, "run", str(folder), "-o", str(tmp_path / "o")],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    for name in ("one", "two", "three"):
        assert f"failed {name}: cannot write the result" in proc.stderr
    assert list((tmp_path / "o").glob("*.json")) == []


# 3. rich markup in ids -------------------------------------------------------------------------


def test_markup_in_ids_is_printed_not_interpreted(env: dict[str, str], tmp_path: Path) -> None:
    source = records(tmp_path / "in.jsonl", ["[/x]", "[bold]loud"])
    result = runner.invoke(app, ["run", str(source), "-o", str(tmp_path / "out")], env=env)
    assert result.exit_code == 0, result.output
    assert "[/x]" in result.stderr and "[bold]loud" in result.stderr
    assert sorted(results(tmp_path / "out")) == ["[/x]", "[bold]loud"]


# 4. file names that are not UTF-8 ----------------------------------------------------------------


def test_a_file_name_that_is_not_utf8_is_summarized(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "wb") as handle:
        handle.write(TEXT.encode("utf-8"))
    (folder / "good.txt").write_text(TEXT + "\n\nNoch ein Absatz.", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(folder), "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    found = results(out)
    assert sorted(found) == ["bad\ufffd", "good"]
    assert found["bad\ufffd"].source_path == str(folder / "bad\ufffd.txt")


# 5. pipes and FIFOs are read once, and never block the rest ----------------------------------


def test_process_substitution_is_read_once(fake: FakeLLMServer, tmp_path: Path) -> None:
    env = cli_env(fake, tmp_path / "cache", concurrency=2)
    out = tmp_path / "out"
    command = f"{sys.executable} -c '{CLI_CODE}' run <(cat {ARTICLE}) -o {out} -f jsonl"
    proc = subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    (line,) = proc.stdout.splitlines()
    assert json.loads(line)["sha256"] == ArticleResult.model_validate_json(line).sha256
    assert len(json.loads(line)["claims"]) > 0


def test_a_fifo_is_read_when_written_and_one_nobody_writes_fails_alone(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sources, "STREAM_WAIT_SECONDS", 1.0)
    late, silent = tmp_path / "late.txt", tmp_path / "silent.txt"
    os.mkfifo(late)
    os.mkfifo(silent)

    def write_late() -> None:
        time.sleep(0.3)
        with open(late, "w", encoding="utf-8") as handle:
            handle.write(TEXT)

    writer = threading.Thread(target=write_late)
    writer.start()
    other = tmp_path / "other.txt"
    other.write_text(TEXT + "\n\nNoch ein Absatz.", encoding="utf-8")
    out = tmp_path / "out"
    args = ["run", str(silent), str(late), str(other), "-o", str(out)]
    result = runner.invoke(app, args, env=env)
    writer.join()
    assert result.exit_code == 1, result.output
    assert f"failed {silent}: no data for 1 s" in result.stderr
    assert sorted(results(out)) == ["late", "other"]


def test_other_inputs_do_not_wait_for_a_fifo_writer(
    fake: FakeLLMServer,
    make_summarizer: Callable[..., Summarizer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The FIFO's writer writes only once the next input's calls have begun: had that input
    waited for the FIFO, no call would come, nothing would be written, and the FIFO fail."""
    monkeypatch.setattr(sources, "STREAM_WAIT_SECONDS", 10.0)
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)
    other = tmp_path / "other.txt"
    other.write_text(TEXT + "\n\nNoch ein Absatz.", encoding="utf-8")

    def write_after_the_first_call() -> None:
        deadline = time.monotonic() + 8
        while not fake.requests and time.monotonic() < deadline:
            time.sleep(0.01)
        if fake.requests:
            with open(fifo, "w", encoding="utf-8") as handle:
                handle.write(TEXT)

    writer = threading.Thread(target=write_after_the_first_call)
    writer.start()
    items = list(make_summarizer(fake).summarize_paths([fifo, other]))
    writer.join()
    assert [type(i).__name__ for i in items] == ["ArticleResult", "ArticleResult"], items


# 6. a corrupt cache database -----------------------------------------------------------------


def test_a_corrupt_cache_is_moved_aside_and_replaced(
    env: dict[str, str], fake: FakeLLMServer, tmp_path: Path
) -> None:
    cache = Path(env["SUMMARIZER_CACHE_DIR"]) / "llm"
    cache.mkdir(parents=True)
    (cache / "cache.db").write_bytes(b"this is not a database" * 100)
    out = tmp_path / "out"
    first = runner.invoke(app, ["run", str(ARTICLE), "-o", str(out)], env=env)
    assert first.exit_code == 0, first.output
    assert "cache database was corrupt" in first.stderr
    assert len(list(cache.glob("cache.db.corrupt-*"))) == 1
    calls = len(fake.requests)
    second = runner.invoke(app, ["run", str(ARTICLE), "-o", str(out)], env=env)
    assert second.exit_code == 0 and "cache database was corrupt" not in second.stderr
    assert len(fake.requests) == calls  # the new cache works: all hits


def test_cache_clear_repairs_a_corrupt_cache(env: dict[str, str], tmp_path: Path) -> None:
    cache = Path(env["SUMMARIZER_CACHE_DIR"]) / "llm"
    cache.mkdir(parents=True)
    (cache / "cache.db").write_bytes(b"garbage" * 100)
    cleared = runner.invoke(app, ["cache", "clear"], env=env)
    assert cleared.exit_code == 0, cleared.output
    info = runner.invoke(app, ["cache", "info"], env=env)
    assert "entries:   0" in info.stdout
    assert list(cache.glob("cache.db.corrupt-*"))


# 9. smaller problems -------------------------------------------------------------------------


def test_stale_temporaries_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    stale = tmp_path / f".a.json.{'0' * 32}.tmp"
    fresh = tmp_path / f".b.json.{'1' * 32}.tmp"
    keep = tmp_path / "notes.tmp"
    for path in (stale, fresh, keep):
        path.write_text("x", encoding="utf-8")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    assert remove_stale_temporaries(tmp_path) == 1
    assert not stale.exists() and fresh.exists() and keep.exists()


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_a_bom_are_read(
    env: dict[str, str], tmp_path: Path, codec: str
) -> None:
    path = tmp_path / "wide.txt"
    bom = {"utf-16": b"", "utf-16-be": codecs.BOM_UTF16_BE, "utf-32": b""}[codec]
    path.write_bytes(bom + TEXT.encode(codec))
    result = runner.invoke(app, ["run", str(path), "-o", str(tmp_path / "out")], env=env)
    assert result.exit_code == 0, result.output
    assert results(tmp_path / "out")["wide"].sha256


def test_unchanged_results_are_not_rewritten(env: dict[str, str], tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner.invoke(app, ["run", str(ARTICLE), "-o", str(out)], env=env)
    path = out / f"{ARTICLE.stem}.json"
    first = path.stat()
    time.sleep(0.01)
    again = runner.invoke(app, ["run", str(ARTICLE), "-o", str(out)], env=env)
    assert again.exit_code == 0
    second = path.stat()
    assert (second.st_ino, second.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)


def test_an_echoed_authorization_header_is_redacted(
    env: dict[str, str], strict_fake: FakeLLMServer, tmp_path: Path
) -> None:
    message = f"bad request; your headers: Authorization: Bearer {CLI_API_KEY}"
    for _ in range(5):
        strict_fake.enqueue(FakeReply.error(400, message))
    env = {**env, "SUMMARIZER_BASE_URL": strict_fake.base_url}
    result = runner.invoke(app, ["run", str(ARTICLE), "-o", str(tmp_path / "o")], env=env)
    assert result.exit_code in (1, 2), result.output
    assert CLI_API_KEY not in result.output
    assert "[redacted]" in result.output


def test_the_library_error_carries_no_echoed_credentials(
    strict_fake: FakeLLMServer, make_summarizer: Callable[..., Summarizer]
) -> None:
    message = "denied; echo: Authorization: Bearer sk-test-secret-123"
    strict_fake.enqueue(*[FakeReply.error(400, message) for _ in range(5)])
    (item,) = make_summarizer(strict_fake).summarize_paths([ARTICLE])
    assert isinstance(item, ItemError)
    assert "sk-test-secret-123" not in item.message and "[redacted]" in item.message


# 7. a claims answer that never fits the schema --------------------------------------------


def _asks_for_claims(request: RecordedRequest) -> bool:
    return '\\"claims\\"' in json.dumps(request.messages)


def _claims_not_a_list(request: RecordedRequest) -> FakeReply:
    if _asks_for_claims(request):
        return FakeReply.json({"claims": "not a list"})
    return article_responder(request)


def test_claims_that_never_fit_fail_the_article_and_a_rerun_repairs_it(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    with FakeLLMServer(responder=_claims_not_a_list) as broken:
        env = cli_env(broken, tmp_path / "cache", concurrency=2)
        args = [*CLI, "run", str(ARTICLE), "-o", str(out)]
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert f"failed {ARTICLE.stem}: claims: output failed validation" in proc.stderr
    assert not list(out.glob("*.json"))
    with FakeLLMServer(responder=article_responder) as healthy:
        env = cli_env(healthy, tmp_path / "cache", concurrency=2)
        proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr
        assert any(_asks_for_claims(r) for r in healthy.chat_requests)
    assert len(results(out)[ARTICLE.stem].claims) > 0


def test_a_salvaged_answer_is_cached_marked_and_a_clean_one_as_before() -> None:
    salvaged = CallEntry(task="claims", value={"claims": []}, salvaged=True).encode()
    assert salvaged["salvaged"] is True
    assert CallEntry.decode(salvaged) == CallEntry(
        task="claims", value={"claims": []}, salvaged=True
    )
    clean = CallEntry(task="claims", value={"claims": []}).encode()
    assert "salvaged" not in clean  # entries of clean answers keep their old shape


def test_run_replay_names_its_own_option(
    env: dict[str, str], fake: FakeLLMServer, tmp_path: Path
) -> None:
    args = ["run", str(ARTICLE), "-o", str(tmp_path / "out"), "--replay"]
    result = runner.invoke(app, args, env=env)
    assert result.exit_code == 1, result.output
    assert "not in the cache, and replay (--replay, SUMMARIZER_REPLAY)" in result.stderr
    assert fake.requests == []
