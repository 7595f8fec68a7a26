"""summarizer: news articles in, grounded English summaries, translations and claims out."""

from summarizer.batch import Duplicate, ItemError
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
from summarizer.summarizer import Summarizer, summarize
from summarizer.version import __version__

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
