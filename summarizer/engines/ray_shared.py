"""What a Ray run shares across its actors: the token budget, the 429 pause, the stop, duplicates.

One small async actor, `RunState`, holds the run's one view of what worker processes leave to
their parent in `summarizer.workers`: the tokens spent against `--max-tokens-total`, the pause
after a 429 (any actor's pause holds every actor's requests), the error that stops the job (an
auth or quota error) and the first input of each cleaned text (duplicates). Each article actor
talks to it through a `RunLink`: it relays its own pauses (`RateGate.on_pause`), and keeps one
long-poll call (`RunState.watch`) open that returns as soon as another actor pauses or the job
stops, so a pause reaches every actor within a round trip, with no polling in between.

`NodeServer` is the embedded model on a cluster: one llama.cpp server per node, started by the
first actor of that node that asks for it and shared by all of them (see `ray_engine`).

This module never imports Ray: the classes are plain, made actors by `ray.remote` in
`summarizer.engines.ray_engine`, and handles are typed `Any`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from summarizer.embedded import EmbeddedServer, get_model
from summarizer.errors import SummarizerError
from summarizer.llm import RateGate
from summarizer.settings import Settings

__all__ = ["NodeServer", "RunLink", "RunState", "RunView", "await_ref"]

log = logging.getLogger(__name__)

WATCH_SECONDS = 30.0
"""How long one `watch` call waits for a change before it returns anyway (and is renewed)."""


async def await_ref(ref: Any) -> Any:
    """Await a Ray ObjectRef on any event loop (an actor's private loop among them)."""
    return await asyncio.wrap_future(ref.future())


@dataclass
class RunView:
    """What `RunState.snapshot` reports (tests and benchmarks read it)."""

    spent: int = 0
    finished: int = 0
    pauses: int = 0
    stopped: bool = False
    actors: dict[str, int] = field(default_factory=dict)
    """Actor id -> process id of every article actor that started (restarts included)."""
    ready: list[float] = field(default_factory=list)
    """`time.time()` at which each article actor was ready."""
    outcomes: dict[str, int] = field(default_factory=dict)
    """Outcome rows returned, by status ("ok", "error", "duplicate")."""


class RunState:
    """The run's shared state, one async actor per run (see the module docstring)."""

    def __init__(self, budget: int | None) -> None:
        self._budget = budget
        self._view = RunView()
        self._resume_at = 0.0  # time.monotonic() of this actor
        self._fatal: SummarizerError | None = None
        self._generation = 0
        self._changed = asyncio.Event()
        self._owners: dict[str, tuple[int, str]] = {}  # cleaned-text digest -> (index, id)

    def _bump(self) -> None:
        self._generation += 1
        self._changed.set()
        self._changed = asyncio.Event()

    async def hello(self, actor: str, pid: int) -> None:
        """An article actor started (or restarted) in process `pid`."""
        self._view.actors[actor] = pid
        self._view.ready.append(time.time())

    async def seed(self, owners: dict[str, tuple[int, str]]) -> None:
        """Texts the driver already knows (finished articles it recalled itself)."""
        for digest, owner in owners.items():
            self._claim_for(digest, owner)

    async def claim(self, digest: str, index: int, id: str) -> tuple[int, str]:
        """The first input (index, id) of this cleaned text so far, this one if none was."""
        return self._claim_for(digest, (index, id))

    def _claim_for(self, digest: str, owner: tuple[int, str]) -> tuple[int, str]:
        known = self._owners.get(digest)
        if known is None or owner[0] < known[0]:
            self._owners[digest] = known = owner
        return known

    async def admit(self) -> bool:
        """Whether an article may start: the run's token budget is not spent."""
        return self._fatal is None and (self._budget is None or self._view.spent < self._budget)

    async def spend(self, tokens: int) -> None:
        """An article ended (done or failed) after spending `tokens`."""
        self._view.spent += tokens
        self._view.finished += 1

    async def tally(self, statuses: list[str]) -> None:
        """A batch returned outcome rows of these statuses."""
        for status in statuses:
            self._view.outcomes[status] = self._view.outcomes.get(status, 0) + 1

    async def pause(self, seconds: float) -> None:
        """An actor saw a 429: every actor holds its requests for `seconds` from now."""
        resume_at = time.monotonic() + seconds
        if resume_at > self._resume_at:
            self._resume_at = resume_at
            self._view.pauses += 1
            self._bump()

    async def stop(self, error: SummarizerError) -> None:
        """An error that ends the job (auth, quota): every actor stops starting articles."""
        if self._fatal is None:
            self._fatal = error
            self._view.stopped = True
            self._bump()

    async def fatal(self) -> SummarizerError | None:
        """The error that stopped the job, if one did."""
        return self._fatal

    async def watch(
        self, seen: int, timeout: float = WATCH_SECONDS
    ) -> tuple[int, float, SummarizerError | None]:
        """Once the state differs from generation `seen` (or after `timeout`): the generation,
        the seconds left of the pause, and the error that stopped the job."""
        if seen == self._generation:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), timeout)
        return self._generation, max(0.0, self._resume_at - time.monotonic()), self._fatal

    async def snapshot(self) -> RunView:
        """The counters so far."""
        return self._view


class RunLink:
    """An article actor's side of `RunState`, on the actor's event loop."""

    def __init__(
        self, state: Any, gate: RateGate, on_stop: Callable[[SummarizerError], None]
    ) -> None:
        self._state = state
        self._gate = gate
        self._on_stop = on_stop
        self._watcher: asyncio.Task[None] | None = None
        self.fatal: SummarizerError | None = None
        gate.on_pause = self._relay

    def _relay(self, seconds: float) -> None:
        self._state.pause.remote(seconds)  # fire and forget; the watch brings it back to all

    async def start(self, actor: str, pid: int) -> None:
        """Say hello and start listening for pauses and the stop."""
        try:
            await await_ref(self._state.hello.remote(actor, pid))
        except Exception as exc:  # an actor that starts as the job ends: nothing to do
            log.debug("run state unreachable: %s", exc)
            return
        self._watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        seen = -1
        while True:
            try:
                seen, pause, fatal = await await_ref(self._state.watch.remote(seen))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the run state is gone: the job is ending
                log.debug("run state unreachable: %s", exc)
                return
            if pause > 0:
                self._gate.pause(pause, relay=False)
            if fatal is not None and self.fatal is None:
                self.fatal = fatal
                self._on_stop(fatal)

    async def claim(self, digest: str, index: int, id: str) -> tuple[int, str]:
        """See `RunState.claim`."""
        owner: tuple[int, str] = await await_ref(self._state.claim.remote(digest, index, id))
        return owner

    async def admit(self) -> bool:
        """See `RunState.admit`."""
        if self.fatal is not None:
            return False
        return bool(await await_ref(self._state.admit.remote()))

    def tally(self, statuses: list[str]) -> None:
        """See `RunState.tally` (fire and forget)."""
        self._state.tally.remote(statuses)

    async def spend(self, tokens: int) -> None:
        """See `RunState.spend`; awaited, so that this actor's next `admit` counts it."""
        try:
            await await_ref(self._state.spend.remote(tokens))
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the run state is gone: the job is ending
            log.debug("run state unreachable: %s", exc)

    async def stop(self, error: SummarizerError) -> None:
        """Stop the job for every actor (this one included, through its watch)."""
        self.fatal = self.fatal or error
        await await_ref(self._state.stop.remote(error))

    def close(self) -> None:
        """Stop listening."""
        if self._watcher is not None:
            self._watcher.cancel()


class NodeServer:
    """The embedded model's server for one node, shared by the article actors on it."""

    def __init__(self, settings: Settings, n_parallel: int) -> None:
        self._settings = settings
        self._n_parallel = n_parallel
        self._server: EmbeddedServer | None = None
        self._address: tuple[str, str] | None = None

    def address(self) -> tuple[str, str]:
        """(base_url, api_key) of the node's server, started by the first call (it assembles
        the model in this node's cache folder if needed)."""
        if self._address is None:
            settings = self._settings
            server = EmbeddedServer(
                get_model(settings.model),
                models_dir=settings.models_dir,
                n_ctx=settings.n_ctx,
                n_parallel=self._n_parallel,
                threads=settings.threads,
            )
            base_url = server.start()
            self._server, self._address = server, (base_url, server.api_key)
        return self._address

    def stop(self) -> None:
        """Stop the server (the actor's end stops it too: its child watches this process)."""
        if self._server is not None:
            self._server.stop()
            self._server, self._address = None, None
