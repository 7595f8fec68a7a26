import summarizer


def test_all_is_sorted_and_complete() -> None:
    assert summarizer.__all__ == sorted(summarizer.__all__)
    assert summarizer.__all__ == [
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


def test_every_exported_member_exists_and_belongs_to_us() -> None:
    for name in summarizer.__all__:
        member = getattr(summarizer, name)
        if name != "__version__":
            assert member.__module__.startswith("summarizer."), name


def test_errors_share_one_root() -> None:
    for name in summarizer.__all__:
        member = getattr(summarizer, name)
        if isinstance(member, type) and issubclass(member, Exception):
            assert issubclass(member, summarizer.SummarizerError), name
