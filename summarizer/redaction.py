"""Redaction: credentials removed from text that reaches people or files (errors, logs)."""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["REDACTED", "redact"]

REDACTED = "[redacted]"

_PATTERNS = (
    # An echoed header: `Authorization: Bearer x`, `"authorization": "x"`, `api-key=x`.
    re.compile(
        r"""(?i)((?:proxy-)?authorization|x-api-key|api[-_]?key)(["']?\s*[:=]\s*["']?)"""
        r"""(?:(?:bearer|basic|token)\s+)?[^\s"',}]+"""
    ),
    re.compile(r"(?i)\b(bearer)(\s+)[A-Za-z0-9._~+/=-]{8,}"),
    re.compile(r"\b()()sk-[A-Za-z0-9_-]{8,}"),  # OpenAI-style keys anywhere
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every given secret, bearer token, authorization header value and
    OpenAI-style key replaced by `[redacted]`."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    return text
