"""Awaiting several calls at once, each to its end, then raising the first failure in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterable
from typing import TypeVar, cast

__all__ = ["all_of", "both"]

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")


async def all_of(awaitables: Iterable[Awaitable[T]]) -> list[T]:
    """The results, in order. Every one runs to its end (a Batch API job queues all their
    requests), then the first exception, in order, is raised."""
    outcomes = await asyncio.gather(*awaitables, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome
    return cast(list[T], outcomes)


async def both(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """`all_of` for two results of different types."""
    a, b = await all_of([cast(Awaitable[object], first), cast(Awaitable[object], second)])
    return cast(A, a), cast(B, b)
