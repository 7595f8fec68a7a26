"""Admission control for an endpoint: request slots and the run-wide pause after a 429."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

__all__ = ["RateGate"]


class RateGate:
    """One process's admission control for an endpoint: at most `limit` requests in flight,
    and a run-wide pause after a 429.

    The limit counts requests on the wire, not calls: a slot is held from sending a request
    to reading its answer, never while instructor parses it or a retry backs off. `on_pause`,
    if set, hears each pause this process decides on, so that worker processes can share it
    (see `summarizer.workers`).
    """

    def __init__(self) -> None:
        self._resume_at = 0.0
        self.on_pause: Callable[[float], None] | None = None
        self.limit: int | None = None
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    def limit_to(self, requests: int | None) -> None:
        """Allow at most `requests` in flight from now on (None: no limit)."""
        if requests != self.limit:
            self.limit, self._slots = requests, None

    def pause(self, seconds: float, *, relay: bool = True) -> None:
        """Hold all calls for `seconds` from now (extends, never shortens, a pause); `relay`
        tells `on_pause` (False for a pause relayed from elsewhere)."""
        self._resume_at = max(self._resume_at, time.monotonic() + seconds)
        if relay and self.on_pause is not None:
            self.on_pause(seconds)

    async def wait(self) -> None:
        """Sleep until the pause is over."""
        while (delay := self._resume_at - time.monotonic()) > 0:  # a pause may be extended
            await asyncio.sleep(delay)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold one of the `limit` request slots (after any pause) for the body's duration.

        A slot freed while other calls wait goes to the first of them before the freeing call
        runs on: otherwise the slot would idle while that call parses its answer and builds its
        next prompt (1-2 ms of CPU per request, and more while the loop is busy)."""
        slots: asyncio.Semaphore | None = None
        if self.limit is not None:
            loop = asyncio.get_running_loop()
            if self._slots is None or self._slots[0] is not loop:  # a semaphore serves one loop
                self._slots = (loop, asyncio.Semaphore(self.limit))
            slots = self._slots[1]
        async with slots or contextlib.nullcontext():
            await self.wait()
            yield
        if slots is not None and slots.locked():  # a call waits for the slot just freed:
            await asyncio.sleep(0)  # let it send its request before this one parses its answer
