"""The fault model of the fake server: the fault kinds, and drawing them at a rate."""

from __future__ import annotations

import random
from collections.abc import Sequence

__all__ = ["FAULT_KINDS", "REPLY_FAULTS", "FaultModel"]

REPLY_FAULTS: frozenset[str] = frozenset({"reset", "truncate", "invalid_json", "timeout"})
"""Faults a `FakeReply` can carry in its `fault` field (wire-level misbehaviour)."""

FAULT_KINDS: tuple[str, ...] = ("429", "500", "503", "reset", "timeout", "truncate", "invalid_json")
"""Every kind `fault_rate` can draw from: three HTTP errors plus the `REPLY_FAULTS`."""


class FaultModel:
    """Draws a fault kind for a request with chance `rate`, from `kinds`, with a seeded RNG.

    `seed` seeds the `random.Random` used for both decisions, so runs are reproducible. Not
    thread-safe: the server draws under its own lock.
    """

    def __init__(
        self, rate: float = 0.0, kinds: Sequence[str] = FAULT_KINDS, seed: int | None = None
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault_rate must be between 0 and 1")
        unknown = [kind for kind in kinds if kind not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; expected some of {FAULT_KINDS}")
        if rate > 0 and not kinds:
            raise ValueError("fault_rate > 0 needs at least one fault kind")
        self.rate = rate
        self.kinds: tuple[str, ...] = tuple(kinds)
        self._rng = random.Random(seed)

    def draw(self) -> str | None:
        """The fault kind hitting the next request, or None if it is answered normally."""
        if self.rate > 0 and self._rng.random() < self.rate:
            return self._rng.choice(self.kinds)
        return None
