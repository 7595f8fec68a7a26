import sqlite3
from pathlib import Path

import pytest

from summarizer.cache import ResultCache, cache_key


def test_key_is_canonical_and_sensitive_to_every_part() -> None:
    base = {"model": "m", "context": {"a": 1, "b": [1, 2]}, "sampling": {"temperature": 0}}
    assert cache_key(base) == cache_key(
        {"sampling": {"temperature": 0}, "context": {"b": [1, 2], "a": 1}, "model": "m"}
    )
    assert cache_key(base) != cache_key({**base, "model": "m2"})
    assert cache_key(base) != cache_key({**base, "context": {"a": 1, "b": [2, 1]}})
    assert cache_key(base) != cache_key({**base, "sampling": {"temperature": 0.1}})


def test_values_are_stored_as_json_text_not_pickles(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.set("k", {"value": "ä", "n": 1})
    assert cache.get("k") == {"value": "ä", "n": 1}
    assert cache.get("missing") is None
    cache.close()
    rows = (
        sqlite3.connect(tmp_path / "cache.db")
        .execute("SELECT key, raw, value, mode FROM Cache WHERE key = 'k'")
        .fetchall()
    )
    assert rows, "entry not in the sqlite index"
    _, _, value, _mode = rows[0]
    assert isinstance(value, str)  # diskcache MODE_RAW text, never a pickle blob
    assert value.startswith("{")


def test_stats_and_clear(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    cache.set("a", {"x": 1})
    cache.get("a")
    cache.get("b")
    stats = cache.stats()
    assert (stats.entries, stats.hits, stats.misses) == (1, 1, 1)
    assert cache.clear() == 1
    assert cache.stats().entries == 0
    cache.close()


def test_unopenable_cache_path_degrades_to_no_cache(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = ResultCache(blocker / "cache")
    assert not cache.enabled
    cache.set("k", {"v": 1})
    assert cache.get("k") is None
    assert "cache disabled" in caplog.text


def test_writes_are_visible_at_once_and_on_disk_once_flushed_or_closed(tmp_path: Path) -> None:
    """`set` hands the write to the writer thread: this process reads it back at once, other
    processes once `flushed()` is done, and `close()` writes everything still pending."""
    cache = ResultCache(tmp_path)
    cache.set("k", {"v": 1})
    assert cache.get("k") == {"v": 1}  # pending or written: visible here either way
    cache.flushed().result(timeout=10)
    other = ResultCache(tmp_path)  # another handle: what is on disk
    assert other.get("k") == {"v": 1}
    for i in range(300):
        cache.set(f"n{i}", {"i": i})
    cache.close()
    assert [other.get(f"n{i}") for i in range(300)] == [{"i": i} for i in range(300)]
    assert other.stats().entries == 301
    other.close()


def test_a_failed_background_write_warns_and_keeps_going(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A write that fails (here: the database replaced by garbage) is a warning, and whoever
    waits for it is released; the writer thread goes on with the next writes."""
    cache = ResultCache(tmp_path)
    cache.set("k", {"v": 1})
    cache.flushed().result(timeout=10)
    cache._stop_writer()  # its SQLite connection goes with it; the next write opens a new one
    if cache._cache is not None:
        cache._cache.close()
    (tmp_path / "cache.db").write_bytes(b"not a database\x00" * 512)
    for path in tmp_path.glob("cache.db-*"):
        path.unlink()
    cache.set("k2", {"v": 2})
    cache.flushed().result(timeout=10)
    assert "cache write failed" in caplog.text
    cache.set("k3", {"v": 3})
    cache.flushed().result(timeout=10)
    cache.close()


def test_a_cancelled_wait_for_the_writes_does_not_stop_the_writer(tmp_path: Path) -> None:
    """A batch stopped early cancels its waits on `flushed()`; the writer thread goes on, so
    later waits end and `close` writes everything (before: the thread died, close hung)."""
    cache = ResultCache(tmp_path)
    for attempt in range(20):
        for i in range(500):  # keep the writer busy, so the wait is still pending when cancelled
            cache.set(f"{attempt}-{i}", {"i": i})
        if cache.flushed().cancel():
            break
    else:
        pytest.skip("the writer was always faster than the cancel")
    cache.set("after", {"v": 1})
    cache.flushed().result(timeout=10)
    cache.close()
    assert ResultCache(tmp_path).get("after") == {"v": 1}
