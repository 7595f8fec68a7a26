"""LLM calls through openai + instructor: the client, its rate gate, retries and modes."""

from __future__ import annotations

from summarizer.llm.client import Completion, LLMClient, Transport, request_params
from summarizer.llm.gate import RateGate
from summarizer.llm.modes import mode_name, resolve_mode
from summarizer.llm.stats import CallStats

__all__ = [
    "CallStats",
    "Completion",
    "LLMClient",
    "RateGate",
    "Transport",
    "mode_name",
    "request_params",
    "resolve_mode",
]
