"""On-disk cache of LLM results: diskcache storage, JSON values, keys from what shapes output.

A key is the SHA-256 of the canonical JSON of every input that changes a call's output
(model, endpoint, messages template and rendering context, template version, response schema,
sampling parameters, mode, preprocessing version) and nothing else. Values are JSON text,
never pickles. A cache that cannot be opened, read or written degrades to "no cache" with a
warning: it never fails a run. A corrupt database file is moved aside
(`cache.db.corrupt-<timestamp>`) and a fresh cache is created in its place, with a warning.

Writes go through one writer thread per cache, in batches of one transaction each: SQLite
lets one process write at a time, and a write that waits for another process's lock (or for a
WAL checkpoint) would otherwise stall the event loop, and every call in flight with it. A
pending write is already visible to `get` in this process; `flushed()` (awaited before an
article's result is handed out) and `close()` wait until the writes are on disk. Worker
processes (`summarizer.workers`) write nothing themselves: `relay` hands their entries to the
parent, so a batch has one writing process.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import diskcache

__all__ = ["CacheStats", "ResultCache", "cache_key", "canonical_json"]

log = logging.getLogger(__name__)

_HITS_KEY = "__summarizer_hits__"
_MISSES_KEY = "__summarizer_misses__"
_STAT_KEYS = (_HITS_KEY, _MISSES_KEY)
_DB_FILE = "cache.db"  # diskcache's SQLite file; -wal and -shm files sit beside it


def canonical_json(value: Any) -> str:
    """Serialize deterministically: sorted keys, no whitespace, UTF-8 kept."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def cache_key(parts: dict[str, Any]) -> str:
    """Hash the parts that shape a call's output into a hex key."""
    return hashlib.sha256(canonical_json(parts).encode("utf-8")).hexdigest()


def _is_corrupt(exc: BaseException) -> bool:
    """SQLite's "not a database" / "malformed" errors, not locks or permissions
    (`OperationalError`, a subclass, covers those)."""
    return isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError)


def _open(directory: Path) -> diskcache.Cache:
    # cull_limit=0: no eviction query on every write; `close` evicts instead.
    return diskcache.Cache(str(directory), statistics=False, cull_limit=0)


def _open_or_replace(directory: Path) -> diskcache.Cache:
    """Open the cache; a corrupt database is moved aside with a warning and a new one made."""
    try:
        return _open(directory)
    except sqlite3.DatabaseError as exc:
        if not _is_corrupt(exc):
            raise
        aside = move_aside(directory)
        log.warning("cache database was corrupt (%s): moved to %s, starting anew", exc, aside)
        return _open(directory)


def move_aside(directory: Path) -> Path:
    """Rename the cache database (and its -wal/-shm files) to `cache.db.corrupt-<timestamp>`."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    aside = directory / f"{_DB_FILE}.corrupt-{stamp}"
    n = 1
    while aside.exists():
        n += 1
        aside = directory / f"{_DB_FILE}.corrupt-{stamp}-{n}"
    for suffix in ("", "-wal", "-shm"):
        source = directory / f"{_DB_FILE}{suffix}"
        if source.exists():
            source.rename(aside.with_name(aside.name + suffix))
    return aside


@dataclass(frozen=True)
class CacheStats:
    """What `summarizer cache info` shows."""

    directory: Path
    entries: int
    size_bytes: int
    hits: int
    misses: int


class ResultCache:
    """A JSON-valued diskcache; every failure turns into a warning and a miss."""

    def __init__(self, directory: Path, *, enabled: bool = True) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._cache: diskcache.Cache | None = None
        self._warned = False
        self._hits = 0
        self._misses = 0
        self._pending: dict[str, str] = {}  # written by `set`, not yet on disk
        self._queue: queue.SimpleQueue[tuple[str, str] | Future[None] | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self.relay: Callable[[str, str], None] | None = None
        """If set, `set` hands each entry (key, JSON text) to it instead of writing it: a
        worker process relays its entries to the parent, which writes them with `set_text`
        (see `summarizer.workers`)."""
        if enabled:
            try:
                directory.mkdir(parents=True, exist_ok=True)
                self._cache = _open_or_replace(directory)
            except Exception as exc:  # read-only, full, unreplaceable: degrade, never crash
                self._warn(f"cache disabled, cannot open {directory}: {exc}")

    @property
    def enabled(self) -> bool:
        """False when disabled by the user or degraded after a failure."""
        return self._cache is not None

    def _warn(self, message: str) -> None:
        if not self._warned:
            log.warning(message)
            self._warned = True

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored JSON object, or None on a miss or any failure."""
        if self._cache is None:
            return None
        try:
            with self._lock:
                raw = self._pending.get(key)
            if raw is None:
                raw = self._cache.get(key)
            with self._lock:
                if raw is None:
                    self._misses += 1
                else:
                    self._hits += 1
            if raw is None:
                return None
            value = json.loads(raw)
        except Exception as exc:
            self._warn(f"cache read failed, treating as a miss: {exc}")
            return None
        return value if isinstance(value, dict) else None

    def set(self, key: str, value: dict[str, Any]) -> None:
        """Store a JSON object (by the writer thread, soon); failures only warn."""
        if self._cache is None:
            return
        text = canonical_json(value)
        if self.relay is not None:
            self.relay(key, text)
        else:
            self.set_text(key, text)

    def set_text(self, key: str, text: str) -> None:
        """`set` for a value already serialized by `canonical_json`."""
        if self._cache is None:
            return
        with self._lock:
            self._pending[key] = text
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_loop, name="summarizer-cache-writer", daemon=True
                )
                self._writer.start()
                atexit.register(self._stop_writer)  # a caller that never closes loses nothing
        self._queue.put((key, text))

    def flushed(self) -> Future[None]:
        """A future done once every `set` made so far is on disk (or has failed, with its
        warning); await it with `asyncio.wrap_future`."""
        done: Future[None] = Future()
        with self._lock:
            if not self._pending:
                done.set_result(None)
                return done
        self._queue.put(done)
        return done

    def _write_loop(self) -> None:
        """The writer thread: each time, everything queued so far in one transaction."""
        while True:
            batch = [self._queue.get()]
            with contextlib.suppress(queue.Empty):
                while True:
                    batch.append(self._queue.get_nowait())
            writes = [item for item in batch if isinstance(item, tuple)]
            if writes and self._cache is not None:
                try:
                    with self._cache.transact(retry=True):
                        for key, text in writes:
                            self._cache.set(key, text)
                except Exception as exc:
                    self._warn(f"cache write failed, result kept but not cached: {exc}")
            with self._lock:
                for key, text in writes:
                    if self._pending.get(key) is text:
                        del self._pending[key]
            for item in batch:
                if isinstance(item, Future):
                    with contextlib.suppress(InvalidStateError):  # its waiter was cancelled
                        item.set_result(None)
            if None in batch:
                return

    def _stop_writer(self) -> None:
        """Write what is pending and end the writer thread."""
        with self._lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            self._queue.put(None)
            writer.join()
            atexit.unregister(self._stop_writer)

    def _flush_counts(self) -> None:
        if self._cache is None:
            return
        self.flushed().result()
        with self._lock:
            hits, misses, self._hits, self._misses = self._hits, self._misses, 0, 0
        try:
            if hits:
                self._cache.incr(_HITS_KEY, hits)
            if misses:
                self._cache.incr(_MISSES_KEY, misses)
        except Exception:  # statistics are best effort
            pass

    def _entries(self) -> int:
        assert self._cache is not None
        return len(self._cache) - sum(1 for k in _STAT_KEYS if k in self._cache)

    def stats(self) -> CacheStats:
        """Entries, bytes on disk and lifetime hit/miss counts."""
        if self._cache is None:
            return CacheStats(self.directory, 0, 0, 0, 0)
        self._flush_counts()
        return CacheStats(
            self.directory,
            self._entries(),
            int(self._cache.volume()),
            int(self._cache.get(_HITS_KEY, 0)),
            int(self._cache.get(_MISSES_KEY, 0)),
        )

    def clear(self) -> int:
        """Remove every entry; returns how many there were. A cache that cannot be read is
        moved aside and replaced by an empty one, so a cleared cache always works."""
        if self._cache is None:
            return 0
        self.flushed().result()
        try:
            n = self._entries()
            self._cache.clear()
        except sqlite3.DatabaseError as exc:
            if not _is_corrupt(exc):
                raise
            self._cache.close()
            aside = move_aside(self.directory)
            log.warning("cache database was corrupt (%s): moved to %s", exc, aside)
            self._cache = _open(self.directory)
            return 0
        return n

    def close(self) -> None:
        """Evict beyond the size limit (least recently stored first) and release SQLite."""
        self._stop_writer()
        if self._cache is not None:
            self._flush_counts()
            with contextlib.suppress(Exception):  # eviction is housekeeping, never a failure
                self._cache.cull()
            self._cache.close()
