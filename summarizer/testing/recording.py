"""What the fake server received: `RecordedRequest`, one per HTTP request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["RecordedRequest"]

_SENSITIVE_HEADERS = frozenset(
    {"authorization", "api-key", "x-api-key", "openai-organization", "openai-project", "cookie"}
)


@dataclass
class RecordedRequest:
    """One request as the server received it.

    `headers` has lower-cased names (e.g. `headers["authorization"]`); `body` is the parsed
    JSON (None if absent or not JSON, see `raw_body`); `time` is `time.monotonic()` on arrival;
    `connection` numbers the TCP connection (equal numbers mean a kept-alive connection; 0
    for a request inside a batch, which came in no connection of its own); `outcome` says what
    answered: "queue", "responder", "empty", "fault:KIND", "models", "files", "batches",
    "scripted" (a batch request answered by `FakeBatches.reply_to`), "not_found", "conflict"
    or "bad_request".
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    raw_body: bytes
    time: float
    connection: int
    outcome: str = ""

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages sent, or [] if there are none."""
        if isinstance(self.body, dict):
            messages = self.body.get("messages")
            if isinstance(messages, list):
                return messages
        return []

    @property
    def response_format(self) -> dict[str, Any] | None:
        """The request's `response_format`, if any."""
        if isinstance(self.body, dict):
            value = self.body.get("response_format")
            if isinstance(value, dict):
                return value
        return None

    @property
    def tools(self) -> list[dict[str, Any]]:
        """The request's `tools`, or [] if there are none."""
        if isinstance(self.body, dict):
            value = self.body.get("tools")
            if isinstance(value, list):
                return value
        return []

    @property
    def model(self) -> str | None:
        """The requested model name, if any."""
        if isinstance(self.body, dict):
            value = self.body.get("model")
            if isinstance(value, str):
                return value
        return None

    @property
    def redacted_headers(self) -> dict[str, str]:
        """`headers` with credentials masked, safe to log or print."""
        return {
            name: ("<redacted>" if name in _SENSITIVE_HEADERS else value)
            for name, value in self.headers.items()
        }

    def text(self) -> str:
        """All message text joined by newlines (string contents and text parts)."""
        parts: list[str] = []
        for message in self.messages:
            parts.extend(_message_texts(message))
        return "\n".join(parts)


def _message_texts(message: Any) -> list[str]:
    if not isinstance(message, dict):
        return []
    content = message.get("content")
    if isinstance(content, str):
        return [content]
    texts: list[str] = []
    if isinstance(content, list):
        for part in content:
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
    return texts
