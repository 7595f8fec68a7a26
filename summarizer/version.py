"""Versions: the package's (installed metadata), and a digest of the code that makes results."""

import functools
import hashlib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["__version__", "code_digest", "source_digest"]

try:
    __version__ = version("summarizer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"


def source_digest(root: Path) -> str:
    """The SHA-256 of every Python file under `root`: relative paths and contents, in path
    order (compiled files and everything else left out)."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.cache
def code_digest() -> str:
    """The digest of this package's own source. It is part of the run fingerprint, so a
    finished article's memoized result is never served to code that would make another one
    (no version to bump by hand: a result once served from a stale memo went into a committed
    eval run); the calls' own cache entries do not include it and stay."""
    return source_digest(Path(__file__).resolve().parent)
