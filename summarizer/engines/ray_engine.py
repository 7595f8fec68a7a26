"""The driver of a Ray run: inputs as a Ray dataset, `map_batches` over article actors, results.

`RayEngine.items` yields an `Item` per input in input order, as `Summarizer.summarize_paths`
does; `RayEngine.write` writes a JSONL or Parquet dataset where every node can reach it. The
driver finds the inputs (`summarizer.sources`: files, folders, JSON/JSONL records; ids as
`summarize_paths` gives them), skips the finished ones (the checkpoint, below), and sends the
rest as rows to `ArticleActor`s (`summarizer.engines.ray_actor`). Ray is imported here and in
the actor only when a run starts: without the `ray` extra, summarizer imports and runs as ever.

The checkpoint is the memo of `summarizer.batch`: a finished article is stored under its input's
SHA-256 and the run fingerprint. An article whose memo the driver finds is not sent at all; one
whose memo an actor finds is recalled there, without a call; the driver also stores the memo
of each result it receives, so a cluster whose nodes have caches of their own keeps one
checkpoint on the driver. A written dataset is its own checkpoint: its rows carry the memo key,
and a rerun into the same destination sends only the inputs without an "ok" row there.
"""

from __future__ import annotations

import logging
import math
import os
import time
import uuid
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from summarizer.article_run import ArticleRunner
from summarizer.batch import Duplicate, Item, ItemError, as_rerun
from summarizer.cache_keys import MemoEntry
from summarizer.engines.ray_actor import ArticleActor
from summarizer.engines.ray_rows import dataset_exists, dataset_format, input_row, item_of
from summarizer.engines.ray_shared import NodeServer, RunState, RunView
from summarizer.errors import AuthError, ConfigError, InputError, QuotaError, SummarizerError
from summarizer.schema import ArticleResult
from summarizer.settings import Settings
from summarizer.sources import Source, iter_sources
from summarizer.usage import Ledger

__all__ = ["RAY_INSTALL", "DatasetReport", "RayEngine", "require_ray"]

log = logging.getLogger(__name__)

RAY_INSTALL = "pip install 'summarizer[ray]'"

CALLS_PER_ACTOR = 2
"""Batches an actor works on at once: its lanes go to the next batch's articles while one
batch waits for its slowest article."""

_STREAM = "standard input and pipes cannot be read on a Ray cluster: save the input to a file"


def require_ray(address: str | None = None) -> Any:
    """The `ray` module with Ray Data, or a `ConfigError` saying how to install it, or that
    a `ray://` address (or `RAY_ADDRESS`) cannot work: Ray Data 2.60's streaming executor
    fails under Ray Client ("'Worker' object has no attribute 'core_worker'", seen against a
    `ray start --head` cluster), so the driver must run on the cluster."""
    target = address or os.environ.get("RAY_ADDRESS", "")
    if target.startswith("ray://"):
        raise ConfigError(
            f"{target}: Ray Data cannot run through Ray Client (ray://); run the driver on "
            "the cluster: ray job submit --address http://HEAD:8265 --working-dir . -- "
            "summarizer run INPUT --engine ray --ray-address auto"
        )
    try:
        import ray
        import ray.data  # pyarrow and pandas come with it
    except ImportError as exc:
        raise ConfigError(
            f"--engine ray needs Ray, which is not installed ({exc}): {RAY_INSTALL}"
        ) from None
    return ray


@dataclass
class DatasetReport:
    """What `RayEngine.write` wrote: outcome rows by status, and inputs skipped as finished."""

    destination: str
    outcomes: dict[str, int] = field(default_factory=dict)
    skipped: int = 0

    @property
    def failed(self) -> int:
        """Rows of articles that failed."""
        return self.outcomes.get("error", 0)


@dataclass(frozen=True)
class _Recall:
    """A finished input the driver found in its memo: recalled when its turn comes."""

    source: Source
    key: str


@dataclass
class _Plan:
    rows: list[dict[str, Any]] = field(default_factory=list)
    known: dict[int, tuple[Item | _Recall, str]] = field(default_factory=dict)
    total: int = 0


class RayEngine:
    """Runs batches on a Ray cluster with the settings (and prompts) of one summarizer.

    Args:
        settings: the run's settings; `concurrency` counts requests in flight per actor.
        runner: the driver's `ArticleRunner` (a `Summarizer`'s), for the memo; made if None.
        prompts_dir: prompt folder override, sent to the actors.
        address: None (the Ray this process is connected to, else `RAY_ADDRESS`, else a new
            local one), or "auto" (the cluster `ray start` made on this machine); "ray://"
            is refused (see `require_ray`).
        actors: article actors (default: one per CPU of the cluster).
        concurrency: requests in flight per actor (default: the backend's).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        runner: ArticleRunner | None = None,
        prompts_dir: Path | None = None,
        address: str | None = None,
        actors: int | None = None,
        concurrency: int | None = None,
    ) -> None:
        self._ray = require_ray(address)
        self.settings = settings
        self._own_runner = runner is None
        self._runner = runner or ArticleRunner(settings, prompts_dir=prompts_dir)
        self._prompts_dir = prompts_dir
        self._address = address
        self._actors = actors
        self.concurrency = concurrency or self._runner.backend.default_concurrency
        self.state: Any = None
        """The current run's `RunState` actor handle (None between runs)."""
        self.last_view: RunView | None = None
        """The last run's shared counters, read just before it ended."""

    def close(self) -> None:
        """Close the driver's cache handle if this engine opened it (not a summarizer's)."""
        if self._own_runner:
            self._runner.close()

    # -- the two ways to run --------------------------------------------------------------

    def items(self, inputs: Iterable[Path | str]) -> Iterator[Item]:
        """A result, `ItemError` or `Duplicate` per input, in input order. An auth or quota
        error stops the job: its item is yielded, then the error is raised."""
        plan = self._plan(inputs)
        owners = {d: (i, _id(known)) for i, (known, d) in plan.known.items() if d}
        rows = self._run(plan.rows, owners, dataset=False) if plan.rows else iter(())
        seen: dict[str, str] = {}  # cleaned-text digest -> id of its first input
        try:
            for index in range(plan.total):
                if index in plan.known:
                    known, digest = plan.known.pop(index)
                    item = self._recall(known) if isinstance(known, _Recall) else known
                else:
                    row = next(rows)
                    assert row["index"] == index, (row["index"], index)
                    item, digest = item_of(row), row["text_sha256"]
                    if isinstance(item, ArticleResult):
                        self._checkpoint(row["memo_key"], item, digest)
                item = _first_seen(item, digest, seen)
                yield item
                if isinstance(item, ItemError) and isinstance(item.error, AuthError | QuotaError):
                    raise item.error
            for _ in rows:  # end the job cleanly (nothing is left)
                pass
        finally:
            if isinstance(rows, Generator):
                rows.close()  # a caller that stops early stops the job

    def write(self, inputs: Iterable[Path | str], destination: str) -> DatasetReport:
        """Summarize into a JSONL or Parquet dataset at `destination` (a folder or URI that
        every node can reach; the format by its suffix). A rerun into the same destination
        skips the inputs it holds as "ok" and appends rows for the others."""
        fmt = dataset_format(destination)
        self._connect()
        finished = self._finished_in(destination, fmt)
        report = DatasetReport(destination)
        rows = []
        for index, source in enumerate(iter_sources(inputs)):
            if source.stream:
                rows.append(input_row(index, source, error=f"{source.origin}: {_STREAM}"))
            elif finished and self._runner.keys.memo(source) in finished:
                report.skipped += 1
            else:
                rows.append(input_row(index, source))
        if rows:
            for _ in self._run(rows, {}, dataset=True, destination=(destination, fmt)):
                pass
        report.outcomes = dict(self.last_view.outcomes) if self.last_view and rows else {}
        return report

    # -- the driver's side ------------------------------------------------------------------

    def _connect(self) -> None:
        ray = self._ray
        if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
            for name, level in (("ray", logging.ERROR), ("ray.data", logging.ERROR)):
                logging.getLogger(name).setLevel(level)  # progress lines and notes: noise
        if not ray.is_initialized():
            local = self._address is None and not os.environ.get("RAY_ADDRESS")
            options: dict[str, Any] = {"include_dashboard": False} if local else {}
            ray.init(address=self._address, logging_level=logging.ERROR, **options)
        ray.data.DataContext.get_current().enable_progress_bars = False

    def _plan(self, inputs: Iterable[Path | str]) -> _Plan:
        """The inputs to send, and those settled here (unreadable, or finished)."""
        plan = _Plan()
        cache, keys = self._runner.cache, self._runner.keys
        recall = cache.enabled and not self.settings.refresh
        for index, source in enumerate(iter_sources(inputs)):
            plan.total += 1
            if source.error is not None or source.stream:
                error = source.error or InputError(f"{source.origin}: {_STREAM}")
                plan.known[index] = (ItemError.of(source, error, Ledger()), "")
                continue
            key = keys.memo(source) if recall else None
            entry = MemoEntry.decode(cache.get(key)) if key is not None else None
            if entry is not None and key is not None:  # read again in its turn: not kept
                plan.known[index] = (_Recall(source, key), entry.text_sha256)
            else:
                plan.rows.append(input_row(index, source))
        return plan

    def _recall(self, recall: _Recall) -> Item:
        """A finished input's memoized result as this run's (an error if it is gone since)."""
        started, source = time.perf_counter(), recall.source
        entry = MemoEntry.decode(self._runner.cache.get(recall.key))
        if entry is None:
            error = SummarizerError(f"{source.origin}: its cached result vanished; rerun")
            return ItemError.of(source, error, Ledger())
        return as_rerun(entry.result, id=source.id, path=source.origin, started=started)

    def _checkpoint(self, key: str, result: ArticleResult, digest: str) -> None:
        """Store a received result's memo on the driver, unless it is there already."""
        cache = self._runner.cache
        if key and cache.enabled and cache.get(key) is None:
            cache.set(key, MemoEntry(result=result, text_sha256=digest).encode())

    def _finished_in(self, destination: str, fmt: str) -> set[str]:
        """Memo keys of the "ok" rows a dataset at `destination` already holds."""
        if self.settings.refresh or not dataset_exists(destination):
            return set()
        ray = self._ray
        read = ray.data.read_parquet if fmt == "parquet" else ray.data.read_json
        try:
            rows = read(destination).select_columns(["status", "memo_key"]).iter_rows()
            return {r["memo_key"] for r in rows if r["status"] == "ok" and r["memo_key"]}
        except Exception as exc:  # unreadable: every input is redone, nothing is lost
            log.warning("cannot read the finished rows of %s (%s): redoing all", destination, exc)
            return set()

    def _run(
        self,
        rows: list[dict[str, Any]],
        owners: dict[str, tuple[int, str]],
        *,
        dataset: bool,
        destination: tuple[str, str] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Run the rows through the actors; yield the outcome rows in input order (or write
        them to `destination`, yielding nothing)."""
        ray = self._ray
        self._connect()
        run = uuid.uuid4().hex[:12]
        state = ray.remote(RunState).options(num_cpus=0).remote(self.settings.max_tokens_total)
        self.state = state
        servers = self._start_servers(run) if self.settings.is_embedded else []
        batches: Any = None
        try:
            ray.get(state.seed.remote(owners))
            ds = self._pipeline(rows, state, f"summarizer-{run}-" if servers else None, dataset)
            try:
                if destination is not None:
                    path, fmt = destination
                    (ds.write_parquet if fmt == "parquet" else ds.write_json)(path)
                    return
                batches = iter(ds.iter_batches(batch_format="pyarrow", batch_size=None))
                for batch in batches:
                    yield from batch.to_pylist()
            except (GeneratorExit, KeyboardInterrupt):
                raise
            except Exception as exc:
                fatal = ray.get(state.fatal.remote())
                if fatal is not None:
                    raise fatal from None
                raise SummarizerError(f"the Ray job failed: {exc}") from exc
        finally:
            if batches is not None and hasattr(batches, "close"):
                batches.close()
            self._end(state, servers)

    def _pipeline(
        self, rows: list[dict[str, Any]], state: Any, server_prefix: str | None, dataset: bool
    ) -> Any:
        """The dataset of the rows mapped by the actors: blocks of one lane-full each, in
        input order."""
        ray = self._ray
        cpus = max(1.0, float(ray.cluster_resources().get("CPU", 1)))
        block = max(1, self._runner.backend.lanes(self.concurrency))
        blocks = math.ceil(len(rows) / block)
        actors = max(1, min(self._actors or int(cpus), blocks))
        ds = ray.data.from_items(rows, override_num_blocks=blocks)
        ds = ds.map_batches(
            ArticleActor,
            fn_constructor_kwargs={
                "settings": self.settings,
                "state": state,
                "concurrency": self.concurrency,
                "prompts_dir": self._prompts_dir,
                "server_prefix": server_prefix,
                "dataset": dataset,
            },
            batch_size=None,
            batch_format="pyarrow",
            compute=ray.data.ActorPoolStrategy(
                size=actors,
                max_concurrent_calls_per_actor=CALLS_PER_ACTOR,
                enable_true_multi_threading=True,
            ),
            num_cpus=min(1.0, cpus / actors),
        )
        ds.context.execution_options.preserve_order = True
        return ds

    def _start_servers(self, run: str) -> list[Any]:
        """One `NodeServer` per node with CPUs, pinned to it, named for its node; each starts
        its llama.cpp server when the first actor of its node asks for it."""
        ray = self._ray
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        nodes = [n for n in ray.nodes() if n.get("Alive") and n["Resources"].get("CPU")]
        actors = self._actors or int(sum(n["Resources"]["CPU"] for n in nodes))
        servers = []
        for node in nodes:
            per_node = min(actors, int(node["Resources"]["CPU"])) * self.concurrency
            strategy = NodeAffinitySchedulingStrategy(node["NodeID"], soft=False)
            server = (
                ray.remote(NodeServer)
                .options(
                    name=f"summarizer-{run}-{node['NodeID']}",
                    num_cpus=0,
                    scheduling_strategy=strategy,
                )
                .remote(self.settings, max(1, per_node))
            )
            servers.append(server)
        return servers

    def _end(self, state: Any, servers: list[Any]) -> None:
        """Read the run's counters, then end its shared actors."""
        ray = self._ray
        try:
            self.last_view = ray.get(state.snapshot.remote(), timeout=10)
        except Exception as exc:
            log.debug("no counters from the run state: %s", exc)
        for server in servers:
            try:
                ray.get(server.stop.remote(), timeout=30)
            except Exception as exc:
                log.debug("embedded server actor: %s", exc)
            ray.kill(server)
        ray.kill(state)
        self.state = None


def _id(known: Item | _Recall) -> str:
    return known.source.id if isinstance(known, _Recall) else known.id


def _first_seen(item: Item, digest: str, seen: dict[str, str]) -> Item:
    """Judged in input order: a Duplicate if an earlier input had the same cleaned text."""
    if not digest:
        return item
    path = item.source_path if isinstance(item, ArticleResult) else item.path
    if digest in seen:
        return Duplicate(id=item.id, path=path, of=seen[digest])
    if isinstance(item, Duplicate):  # its first input was not seen here: trust the cluster
        return item
    seen[digest] = item.id
    return item
