"""`--engine ray` and `Summarizer.summarize_dataset` on a local Ray cluster against the fake server.

The tests marked `ray` start Ray in this process (`ray.init(num_cpus=2)`, one cluster for the
module); the actors reach the fake server on 127.0.0.1. They need the extra: run them with
`pip install -e '.[ray]'` then `pytest -m ray` (the default run leaves them out). Without Ray
installed they fail, saying so. The unmarked tests need no Ray.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from summarizer import (
    ArticleResult,
    AuthError,
    BudgetExhaustedError,
    Duplicate,
    ItemError,
    Settings,
    Summarizer,
)
from summarizer.engines import RayEngine
from summarizer.engines.ray_shared import RunState
from summarizer.render import RUN_ONLY_FIELDS, write_result
from summarizer.testing import FAULT_KINDS, FakeLLMServer, FakeReply, FaultModel, RecordedRequest
from tests.conftest import CLI, write_corpus
from tests.responders import article_responder

F = TypeVar("F", bound=Callable[..., None])


def ray_test(test: F) -> F:
    """A test on the local Ray cluster: marked `ray`, and `slow` too, so that the fast tier
    (`-m "not embedded and not browser and not slow"`) leaves it out as the default run
    (`not ray`) does."""
    return pytest.mark.slow(pytest.mark.ray(test))


_ARTICLE_NO = re.compile(r"Meldung Nummer (\d+):")
_EXCLUDE: Any = {"provenance": set(RUN_ONLY_FIELDS)}


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[Any]:
    """A local Ray of 2 CPUs for the module; fails (never skips) when Ray is not installed."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        pytest.fail(f"the ray tests need Ray: pip install -e '.[ray]' ({exc})", pytrace=False)
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray
    if started:
        ray.shutdown()


def per_article(server: FakeLLMServer) -> Counter[str]:
    """Chat requests the server received, per synthetic article (`a00042`)."""
    found: Counter[str] = Counter()
    for request in server.chat_requests:
        (number,) = set(_ARTICLE_NO.findall(request.text()))
        found[f"a{int(number):05d}"] += 1
    return found


def same_results(a: Path, b: Path) -> list[str]:
    """Names of the result files that differ between two output folders (run-only provenance
    fields aside); the two folders must hold the same names."""
    names = sorted(p.name for p in a.glob("*.json"))
    assert names == sorted(p.name for p in b.glob("*.json"))
    differ = []
    for name in names:
        x = ArticleResult.model_validate_json((a / name).read_bytes())
        y = ArticleResult.model_validate_json((b / name).read_bytes())
        if x.model_dump(exclude=_EXCLUDE) != y.model_dump(exclude=_EXCLUDE):
            differ.append(name)
    return differ


def local_results(settings: Settings, paths: list[Path], out: Path) -> list[Any]:
    """The local engine's items for `paths`, results written to `out`."""
    with Summarizer(settings) as s:
        items = list(s.summarize_paths(paths))
    for item in items:
        if isinstance(item, ArticleResult):
            write_result(out, item)
    return items


# -- without Ray ----------------------------------------------------------------------------


def test_engine_ray_without_ray_installed_exits_2_naming_the_extra(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Der Minister sprach.\n", encoding="utf-8")
    hide_ray = "import sys; sys.modules['ray'] = None; "
    command = [sys.executable, "-c", hide_ray + CLI[-1], "run", str(article), "--engine", "ray"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert "pip install 'summarizer[ray]'" in done.stderr
    assert not (tmp_path / "out").exists()


def test_the_run_state_keeps_first_inputs_budget_pause_and_stop() -> None:
    async def scenario() -> None:
        state = RunState(budget=100)
        assert await state.claim("t1", 5, "e") == (5, "e")
        assert await state.claim("t1", 7, "g") == (5, "e")  # a later input: a duplicate
        assert await state.claim("t1", 2, "b") == (2, "b")  # an earlier one takes over
        assert await state.admit()
        await state.spend(60)
        assert await state.admit()
        await state.spend(60)
        assert not await state.admit()  # the budget is spent for every actor
        generation, pause, fatal = await state.watch(-1)
        watching = asyncio.ensure_future(state.watch(generation))
        await asyncio.sleep(0.05)
        assert not watching.done()  # nothing changed: the watch waits
        await state.pause(0.5)
        generation, pause, fatal = await asyncio.wait_for(watching, 1)
        assert 0.3 < pause <= 0.5 and fatal is None
        await state.stop(AuthError("401"))
        _, _, fatal = await state.watch(generation)
        assert isinstance(fatal, AuthError)

    asyncio.run(scenario())


# -- on a local Ray cluster -------------------------------------------------------------------


@ray_test
def test_300_articles_with_20_percent_faults_lose_none_and_match_the_local_engine(
    ray_cluster: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 300)
    with FakeLLMServer(responder=article_responder, hang=2.0) as server:
        settings = make_settings(server, cache_dir=tmp_path / "local-cache", concurrency=16)
        local = local_results(settings, paths, tmp_path / "local")
        assert all(isinstance(i, ArticleResult) for i in local)

        # The same endpoint (results record its host), now failing 20 % of the requests.
        server.reset()
        server.fault_model = FaultModel(0.2, FAULT_KINDS, seed=17)
        settings = make_settings(
            server,
            cache_dir=tmp_path / "ray-cache",
            timeout=0.5,
            max_retries=8,
            retry_max_wait=0.02,
            concurrency=8,
        )
        with Summarizer(settings) as s:
            items = list(s.summarize_dataset(paths, actors=2))
        spent = per_article(server)
        injected = {r.outcome for r in server.chat_requests if r.outcome.startswith("fault:")}
        assert server.errors == []

    assert injected == {f"fault:{k}" for k in FAULT_KINDS}, "every fault kind was injected"
    assert [i.id for i in items] == [p.stem for p in paths], "one item per input, in order"
    lost = [i for i in items if not isinstance(i, ArticleResult)]
    assert lost == [], lost[:3]
    for item in items:
        assert isinstance(item, ArticleResult)
        a = item.provenance.attempts
        assert a.requests == spent[item.id], item.id  # counted in an actor, seen by the server
        assert a.transport_retries >= 0 and set(item.provenance.cache.values()) == {"miss"}
        write_result(tmp_path / "ray", item)
    assert sum(spent.values()) == sum(i.provenance.attempts.requests for i in items)  # type: ignore[union-attr]
    assert same_results(tmp_path / "local", tmp_path / "ray") == []


@ray_test
def test_a_killed_actor_loses_nothing_and_the_rerun_makes_no_call(
    ray_cluster: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 120)
    lanes = 4
    with FakeLLMServer(responder=article_responder, latency=0.02) as server:
        settings = make_settings(server, concurrency=lanes)
        engine = RayEngine(settings, actors=2)
        killed: list[int] = []

        def kill_one_actor_midway() -> None:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                state = engine.state
                view = ray_cluster.get(state.snapshot.remote()) if state is not None else None
                if view is not None and view.finished >= 40 and len(view.actors) == 2:
                    pid = sorted(view.actors.values())[0]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
                time.sleep(0.02)

        killer = threading.Thread(target=kill_one_actor_midway)
        killer.start()
        items = list(engine.items(paths))
        killer.join()
        first = per_article(server)
        assert killed, "no actor was killed"
        assert engine.last_view is not None and killed[0] not in engine.last_view.actors.values()

        # The job completed: every article once, in order, none lost.
        assert [i.id for i in items] == [p.stem for p in paths]
        assert all(isinstance(i, ArticleResult) for i in items)
        # What finished before the kill was not done again: only the articles in progress in
        # the killed actor (at most its lanes) sent more requests than their calls.
        redone = [i.id for i in items if first[i.id] > i.provenance.attempts.calls]  # type: ignore[union-attr]
        assert len(redone) <= lanes, redone

        # The rerun: every article is finished under the same fingerprint, so no call at all.
        server.reset()
        with Summarizer(settings) as s:
            again = list(s.summarize_dataset(paths, actors=2))
        assert server.chat_requests == []
        assert [i.id for i in again] == [p.stem for p in paths]
        for before, after in zip(items, again, strict=True):
            assert isinstance(after, ArticleResult) and isinstance(before, ArticleResult)
            assert set(after.provenance.cache.values()) == {"hit"}
            assert after.model_dump(exclude=_EXCLUDE) == before.model_dump(exclude=_EXCLUDE)


@ray_test
def test_an_actor_recalls_finished_articles_from_the_memo_without_a_call(
    ray_cluster: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    """The checkpoint in the actors too (what a batch redone after a lost actor relies on):
    with the driver's own memo lookups out of the way, the actors find every finished article
    and make no call."""
    paths = write_corpus(tmp_path / "articles", 24)
    with FakeLLMServer(responder=article_responder) as server:
        settings = make_settings(server, concurrency=4)
        with Summarizer(settings) as s:
            first = list(s.summarize_dataset(paths, actors=2))
        server.reset()
        engine = RayEngine(settings, actors=2)
        engine._plan = lambda inputs: _all_sent(engine, inputs)  # type: ignore[method-assign]
        again = list(engine.items(paths))
        assert server.chat_requests == []
    assert engine.last_view is not None and engine.last_view.outcomes == {"ok": 24}
    for before, after in zip(first, again, strict=True):
        assert isinstance(after, ArticleResult) and isinstance(before, ArticleResult)
        assert set(after.provenance.cache.values()) == {"hit"}
        assert after.model_dump(exclude=_EXCLUDE) == before.model_dump(exclude=_EXCLUDE)


def _all_sent(engine: RayEngine, inputs: Any) -> Any:
    """A plan that sends every input to the actors (no lookups on the driver)."""
    from summarizer.engines.ray_engine import _Plan
    from summarizer.engines.ray_rows import input_row
    from summarizer.sources import iter_sources

    plan = _Plan()
    for index, source in enumerate(iter_sources(inputs)):
        plan.rows.append(input_row(index, source))
        plan.total += 1
    return plan


@ray_test
def test_duplicates_bad_records_and_order_are_as_the_local_engine_gives_them(
    ray_cluster: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    paths = write_corpus(folder, 12)
    shutil.copy(paths[3], folder / "a00003-copy.txt")  # sorts first: a00003 is its duplicate
    records = [{"id": "r1", "text": paths[5].read_text(encoding="utf-8")}, "not a record"]
    (folder / "zz.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with FakeLLMServer(responder=article_responder) as server:
        local = local_results(make_settings(server, cache_dir=tmp_path / "a"), [folder], tmp_path)
        with Summarizer(make_settings(server, cache_dir=tmp_path / "b", concurrency=2)) as s:
            remote = list(s.summarize_dataset([folder], actors=2))

    def shape(item: Any) -> tuple[str, str, str]:
        detail = item.of if isinstance(item, Duplicate) else getattr(item, "kind", "")
        return type(item).__name__, item.id, detail

    assert [shape(i) for i in remote] == [shape(i) for i in local]
    assert ("Duplicate", "a00003", "a00003-copy") in [shape(i) for i in remote]
    assert ("Duplicate", "r1", "a00005") in [shape(i) for i in remote]
    assert ("ItemError", "zz:2", "InputError") in [shape(i) for i in remote]


def _one_429_after(n_before: int, *, reply_delay: float) -> Callable[[RecordedRequest], FakeReply]:
    lock = threading.Lock()
    count = [0]

    def respond_or_429(request: RecordedRequest) -> FakeReply:
        with lock:
            count[0] += 1
            if count[0] == n_before + 1:
                return FakeReply.error(429, "Rate limit reached", retry_after=0.5)
        return dataclasses.replace(article_responder(request), delay=reply_delay)

    return respond_or_429


@ray_test
def test_a_429_in_one_actor_pauses_the_requests_of_every_actor(
    ray_cluster: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 16)
    with FakeLLMServer(responder=_one_429_after(30, reply_delay=0.3)) as server:
        settings = make_settings(server, concurrency=4, retry_max_wait=2.0)
        engine = RayEngine(settings, actors=2)
        items = list(engine.items(paths))
        requests = server.chat_requests
    assert all(isinstance(i, ArticleResult) for i in items)
    assert engine.last_view is not None and engine.last_view.pauses == 1
    t429 = requests[30].time
    after = [round(r.time - t429, 3) for r in requests[31:]]
    # 8 lanes in 2 processes; the other actor hears of the pause through the run state, a
    # round trip or two: 0.1 s covers it.
    in_pause = [t for t in after if 0.1 < t < 0.45]
    assert in_pause == [], f"requests sent during the 0.5 s pause: {in_pause}"


@ray_test
def test_the_token_budget_holds_across_the_actors(
    ray_cluster: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 40)
    with FakeLLMServer(responder=article_responder) as server:
        probe = local_results(
            make_settings(server, cache_dir=tmp_path / "probe"), paths[:1], tmp_path
        )
        assert isinstance(probe[0], ArticleResult)
        per = probe[0].provenance.usage.prompt_tokens + probe[0].provenance.usage.completion_tokens
        budget = 6 * per
        settings = make_settings(server, max_tokens_total=budget, concurrency=2)
        with Summarizer(settings) as s:
            items = list(s.summarize_dataset(paths, actors=2))
    done = [i for i in items if isinstance(i, ArticleResult)]
    unstarted = [i for i in items if isinstance(i, ItemError)]
    assert unstarted and all(isinstance(i.error, BudgetExhaustedError) for i in unstarted)
    assert len(done) + len(unstarted) == 40
    # Articles start until the run's spend (summed over both actors) reaches the budget; those
    # then in progress finish: at most the other 3 of the 2 x 2 lanes, as in one process.
    tokens = sorted(
        r.provenance.usage.prompt_tokens + r.provenance.usage.completion_tokens for r in done
    )
    assert sum(tokens[:-4]) < budget, "an article started after the budget was spent"
    assert len(done) <= budget // tokens[0] + 1 + 3


@ray_test
def test_an_auth_error_stops_the_whole_job(
    ray_cluster: Any, make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    paths = write_corpus(tmp_path / "articles", 80)

    def refuse(_: RecordedRequest) -> FakeReply:
        return FakeReply.error(401, "Incorrect API key provided")

    with FakeLLMServer(responder=refuse) as server:
        settings = make_settings(server, concurrency=4)
        with Summarizer(settings) as s, pytest.raises(AuthError):
            seen = []
            for item in s.summarize_dataset(paths, actors=2):
                seen.append(item)
        sent = len(server.chat_requests)
    # Never retried, and no article started once the stop reached the actors: far fewer
    # requests than articles (each article's first call is refused).
    assert sent < 30, sent
    assert all(isinstance(i, ItemError) for i in seen)


@ray_test
def test_the_cli_on_ray_writes_the_files_summarizer_run_writes_and_a_dataset(
    ray_cluster: Any, fake: FakeLLMServer, env: dict[str, str], tmp_path: Path
) -> None:
    folder = tmp_path / "articles"
    write_corpus(folder, 10)
    base = {**os.environ, **env}

    def cli(*args: str, cache: str) -> subprocess.CompletedProcess[str]:
        run_env = {**base, "SUMMARIZER_CACHE_DIR": str(tmp_path / cache)}
        return subprocess.run(
            [*CLI, "run", str(folder), *args],
            env=run_env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=tmp_path,
        )

    local = cli("--out", str(tmp_path / "local"), cache="c1")
    assert local.returncode == 0, local.stderr
    remote = cli(
        "--out", str(tmp_path / "ray"), "--engine", "ray", "--ray-address", "auto", cache="c2"
    )
    assert remote.returncode == 0, remote.stderr
    assert same_results(tmp_path / "local", tmp_path / "ray") == []
    for name in ("a00000.json", "a00009.json"):  # the same fields, in the same order
        a, b = (json.loads((tmp_path / d / name).read_text()) for d in ("local", "ray"))
        assert list(a) == list(b) and list(a["provenance"]) == list(b["provenance"])

    dataset = tmp_path / "results.parquet"
    args = ("--engine", "ray", "--ray-address", "auto", "--dataset", str(dataset))
    first = cli(*args, cache="c3")
    assert first.returncode == 0, first.stderr
    assert "10 row(s) written" in first.stderr and "0 input(s) already there" in first.stderr
    import pyarrow.parquet as pq

    table = pq.read_table(dataset).to_pylist()
    assert sorted(r["id"] for r in table) == [f"a{i:05d}" for i in range(10)]
    for row in table:
        assert row["status"] == "ok" and row["memo_key"]
        expected = ArticleResult.model_validate_json(
            (tmp_path / "local" / f"{row['id']}.json").read_bytes()
        )
        got = ArticleResult.model_validate_json(row["result"])
        assert got.model_dump(exclude=_EXCLUDE) == expected.model_dump(exclude=_EXCLUDE)
    fake.reset()
    again = cli(*args, cache="c4")  # a fresh cache: the dataset is the checkpoint
    assert again.returncode == 0, again.stderr
    assert "0 row(s) written" in again.stderr and "10 input(s) already there" in again.stderr
    assert fake.chat_requests == []
