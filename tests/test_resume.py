"""The CLI as a process: kill -9 mid-run and resume; two runs over the same folder at once.

The CLI runs as a subprocess against an in-process fake server, configured only through
`SUMMARIZER_*` variables, so this is what a user's shell does.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer import ArticleResult
from summarizer.testing import FakeLLMServer, RecordedRequest
from tests.conftest import CLI, CLI_CODE, write_corpus
from tests.responders import article_responder

_ARTICLE_NO = re.compile(r"Meldung Nummer (\d+):")


def article_of(request: RecordedRequest) -> str:
    (number,) = set(_ARTICLE_NO.findall(request.text()))
    return f"a{int(number):05d}"


def cli_env(
    server: FakeLLMServer, cache: Path, concurrency: int, workers: int = 1
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SUMMARIZER_", "OPENAI_")) and k != "PYTHONPATH"
    }
    env.update(
        SUMMARIZER_BASE_URL=server.base_url,
        SUMMARIZER_MODEL="fake-model",
        SUMMARIZER_API_KEY="sk-test",
        SUMMARIZER_MODE="json_schema",
        SUMMARIZER_CACHE_DIR=str(cache),
        SUMMARIZER_CONCURRENCY=str(concurrency),
        SUMMARIZER_WORKERS=str(workers),
        SUMMARIZER_RETRY_MAX_WAIT="0.05",
        SUMMARIZER_CLAIM_PICKS="true",  # the responder answers the claims call
    )
    return env


def run_cli(
    folder: Path, out: Path, env: dict[str, str], *extra: str, cwd: Path, cli: list[str] = CLI
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*cli, "run", str(folder), "--out", str(out), *extra],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def results_in(out: Path) -> dict[str, ArticleResult]:
    """Every `<id>.json` in `out`, each parsed and validated: a partial file fails here."""
    found = {}
    for path in sorted(out.glob("*.json")):
        assert not path.name.startswith("."), f"a temp file looks like a result: {path.name}"
        found[path.stem] = ArticleResult.model_validate_json(path.read_text(encoding="utf-8"))
    return found


@pytest.fixture
def slow_fake() -> Iterator[FakeLLMServer]:
    with FakeLLMServer(responder=article_responder, latency=0.05) as server:
        yield server


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2], ids=["one process", "two workers"])
def test_kill_9_midway_then_resume_redoes_only_unfinished_articles(
    slow_fake: FakeLLMServer, tmp_path: Path, workers: int
) -> None:
    """With workers, kill -9 of the run ends them too: their stdin closes. (`communicate`
    waits for them: they hold the run's stderr.)"""
    paths = write_corpus(tmp_path / "articles", 100)
    ids = [p.stem for p in paths]
    out = tmp_path / "out"
    env = cli_env(slow_fake, tmp_path / "cache", concurrency=4, workers=workers)

    proc = run_cli(tmp_path / "articles", out, env, cwd=tmp_path)
    deadline = time.monotonic() + 120
    try:
        while len(list(out.glob("*.json"))) < 30:
            assert proc.poll() is None, f"the run ended early: {proc.communicate()}"
            assert time.monotonic() < deadline, "no progress"
            time.sleep(0.005)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL

    # Whatever is on disk is whole: every result file is complete, valid JSON.
    finished = results_in(out)
    assert 30 <= len(finished) <= 60, f"killed too late: {len(finished)} finished"
    assert set(finished) <= set(ids)
    assert list(finished) == ids[: len(finished)], "results are written in input order"
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert all(name.endswith(".tmp") for name in leftovers), leftovers
    # 1 call per paragraph (title + 3) + summary + claims, all alike in this corpus.
    (per_article,) = {r.provenance.attempts.calls for r in finished.values()}
    first_run_requests = len(slow_fake.chat_requests)

    # Resume: the same command to completion.
    slow_fake.reset()
    rerun = run_cli(tmp_path / "articles", out, env, cwd=tmp_path)
    _, stderr = rerun.communicate(timeout=180)
    assert rerun.returncode == 0, stderr
    done = results_in(out)
    assert list(done) == ids
    spent = Counter(article_of(r) for r in slow_fake.chat_requests)
    # Finished articles cost nothing: every call of theirs is a cache hit.
    assert not set(spent) & set(finished), sorted(set(spent) & set(finished))
    for id in finished:  # and their files are left as the run that computed them wrote them
        assert done[id] == finished[id], id
    # Unfinished ones cost at most their calls (some were cached before the kill).
    unfinished = len(ids) - len(finished)
    assert len(slow_fake.chat_requests) <= unfinished * per_article
    unfinished_ids = [i for i in ids if i not in finished]
    assert sum(spent.values()) == sum(done[i].provenance.attempts.requests for i in unfinished_ids)
    assert first_run_requests + len(slow_fake.chat_requests) >= len(ids) * per_article
    assert slow_fake.errors == []


@pytest.mark.slow
def test_two_runs_over_the_same_folder_output_and_cache_at_once(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path / "articles", 60)
    ids = [p.stem for p in paths]
    out = tmp_path / "out"
    folder = tmp_path / "articles"
    with FakeLLMServer(responder=article_responder, latency=0.02) as server:
        env = cli_env(server, tmp_path / "cache", concurrency=4)
        procs = [run_cli(folder, out, env, "--format", "jsonl", cwd=tmp_path) for _ in range(2)]
        outputs = [p.communicate(timeout=180) for p in procs]
        for proc, (_, stderr) in zip(procs, outputs, strict=True):
            assert proc.returncode == 0, stderr
            assert "Traceback" not in stderr
            assert not re.search(r"cache (disabled|read failed|write failed)", stderr), stderr
        # The shared cache is intact afterwards: a third run is served from it entirely.
        server.reset()
        third = run_cli(folder, out, env, "--format", "jsonl", cwd=tmp_path)
        third_out, third_err = third.communicate(timeout=180)
        assert third.returncode == 0, third_err
        assert server.chat_requests == []
        assert server.errors == []
    # Both printed every result, whole, in input order, and they agree.
    streams = [
        [ArticleResult.model_validate_json(line) for line in stdout.splitlines()]
        for stdout, _ in outputs
    ]
    for stream in streams:
        assert [r.id for r in stream] == ids
    for a, b in zip(*streams, strict=True):
        assert a.model_dump(exclude={"provenance"}) == b.model_dump(exclude={"provenance"})
    # Every file on disk is complete and equal to what was printed; no temp files are left.
    on_disk = results_in(out)
    assert list(on_disk) == ids
    for r in streams[0]:
        assert on_disk[r.id].model_dump(exclude={"provenance"}) == r.model_dump(
            exclude={"provenance"}
        )
    assert [p.name for p in out.iterdir() if not p.name.endswith(".json")] == []
    for line in third_out.splitlines():
        assert set(json.loads(line)["provenance"]["cache"].values()) == {"hit"}


def _cli_on_a_full_disk(limit: int) -> list[str]:
    """The CLI in a process whose files cannot grow past `limit` bytes, as on a full disk:
    writes fail with EFBIG (SIGXFSZ, which would kill it, is ignored). Set in the child's own
    code, not a preexec_fn, which is unsafe with this process's server threads."""
    setup = (
        "import resource, signal; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit})); "
    )
    return [sys.executable, "-c", setup + CLI_CODE]


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="POSIX file-size limits")
def test_a_cache_that_fills_up_only_warns_and_every_result_is_written(tmp_path: Path) -> None:
    """Files cannot grow past 256 KB: the cache opens (its schema takes ~200 KB of write-ahead
    log), then its writes fail as on a full disk, while each result file (a few KB) still
    fits. 60 articles: their calls and results alone are ~300 KB of JSON (~4.9 KB an
    article), more than any one file may hold, however the writer batches them. A warning,
    and every article is done."""
    paths = write_corpus(tmp_path / "articles", 60)
    out = tmp_path / "out"
    with FakeLLMServer(responder=article_responder) as server:
        env = cli_env(server, tmp_path / "cache", concurrency=2)
        proc = run_cli(
            tmp_path / "articles", out, env, cwd=tmp_path, cli=_cli_on_a_full_disk(256 * 1024)
        )
        _, stderr = proc.communicate(timeout=120)
        assert server.errors == []
    assert proc.returncode == 0, stderr
    assert "cache write failed" in stderr, stderr
    assert "Traceback" not in stderr
    assert list(results_in(out)) == [p.stem for p in paths]


@contextlib.contextmanager
def _read_only(folder: Path) -> Iterator[None]:
    """`folder` and its files made read-only: by mode bits, or for root (whom they do not
    stop) by the immutable attribute; skips where neither holds (another file system)."""
    files = [folder, *folder.iterdir()]
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("root, and no chattr to make a folder read-only")
        made = subprocess.run(["chattr", "+i", *map(str, files)], capture_output=True).returncode
        undo = ["chattr", "-i", *map(str, files)]
    else:
        for path in files:
            path.chmod(0o555 if path.is_dir() else 0o444)
        made, undo = 0, ["chmod", "-R", "u+w", str(folder)]
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            pytest.skip(f"cannot make a folder read-only here (chattr exit {made})")
        yield
    finally:
        subprocess.run(undo, capture_output=True)


def test_a_read_only_cache_degrades_to_no_cache_with_a_warning(tmp_path: Path) -> None:
    """A cache filled by an earlier run, then made read-only: the next run, with two new
    articles, says the cache is disabled and completes every article (SQLite cannot open a
    write-ahead-logged database in a folder it cannot write)."""
    write_corpus(tmp_path / "articles", 6)
    out = tmp_path / "out"
    cache = tmp_path / "cache"
    with FakeLLMServer(responder=article_responder) as server:
        env = cli_env(server, cache, concurrency=2)
        first = run_cli(tmp_path / "articles", out, env, cwd=tmp_path)
        assert first.communicate(timeout=120) and first.returncode == 0
        for extra in write_corpus(tmp_path / "more", 8)[6:]:
            extra.rename(tmp_path / "articles" / extra.name)
        server.reset()
        with _read_only(cache / "llm"):
            second = run_cli(tmp_path / "articles", out, env, cwd=tmp_path)
            _, stderr = second.communicate(timeout=120)
        assert server.errors == []
        assert len({article_of(r) for r in server.chat_requests}) == 8  # no cache: all called
    assert second.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "cache disabled" in stderr, stderr
    assert list(results_in(out)) == [f"a{i:05d}" for i in range(8)]
