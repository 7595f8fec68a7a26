"""summarizer: news articles in, grounded English summaries, translations and claims out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("summarizer")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"

from summarizer.errors import (
    AuthError,
    BudgetExhaustedError,
    CacheMissError,
    ConfigError,
    EmbeddedModelError,
    InputError,
    LLMError,
    OutputTruncatedError,
    PromptError,
    QuotaError,
    SummarizerError,
    TransportError,
    ValidationFailedError,
)
from summarizer.pipeline import Duplicate, ItemError, Summarizer, summarize
from summarizer.schema import (
    ArticleResult,
    Attempts,
    Claim,
    Entity,
    Provenance,
    RejectedClaim,
    RemovedSpan,
    Usage,
)
from summarizer.settings import Settings

__all__ = [
    "ArticleResult",
    "Attempts",
    "AuthError",
    "BudgetExhaustedError",
    "CacheMissError",
    "Claim",
    "ConfigError",
    "Duplicate",
    "EmbeddedModelError",
    "Entity",
    "InputError",
    "ItemError",
    "LLMError",
    "OutputTruncatedError",
    "PromptError",
    "Provenance",
    "QuotaError",
    "RejectedClaim",
    "RemovedSpan",
    "Settings",
    "Summarizer",
    "SummarizerError",
    "TransportError",
    "Usage",
    "ValidationFailedError",
    "__version__",
    "summarize",
]
