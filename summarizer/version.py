"""Versions: the package's (installed metadata), and that of the code that makes results."""

from importlib.metadata import PackageNotFoundError, version

__all__ = ["RESULT_VERSION", "__version__"]

RESULT_VERSION = "37"
"""Bump whenever code that turns the model's answers into a result changes (claims, attribution,
alignment): it is part of the run fingerprint, so a finished article's memoized result is not
served from a version that would now make another one. The calls' own cache entries stay."""

try:
    __version__ = version("summarizer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"
