"""Scripted answers of the fake server: `FakeReply`, a completion, an error or a fault."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from summarizer.testing.faults import FAULT_KINDS, REPLY_FAULTS

__all__ = ["FakeReply"]

_DEFAULT_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    409: "invalid_request_error",
    422: "invalid_request_error",
    429: "requests",
}


@dataclass(frozen=True)
class FakeReply:
    """One scripted answer to a chat completion request.

    `content` or `tool_call` (`{"name": ..., "arguments": "<json string>"}`) make a 200
    chat.completion; `status` >= 400 makes an OpenAI-style error body unless `body` overrides
    the raw bytes. `delay` seconds pass before answering (on top of the server's latency).
    `fault` is one of `REPLY_FAULTS`: "reset" closes the connection with an RST and no response,
    "truncate" sends a Content-Length larger than the body and closes, "invalid_json" answers
    200 with a body that is not JSON, "timeout" hangs for the server's `hang` seconds (ending
    early if the client disconnects or the server stops) and then closes without a response.
    """

    content: str | None = None
    tool_call: dict[str, Any] | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay: float = 0.0
    finish_reason: str = "stop"
    fault: str | None = None

    def __post_init__(self) -> None:
        if self.fault is not None and self.fault not in REPLY_FAULTS:
            raise ValueError(
                f"unknown fault {self.fault!r}; expected one of {sorted(REPLY_FAULTS)}"
            )
        if self.tool_call is not None and "name" not in self.tool_call:
            raise ValueError("tool_call needs a 'name' (and usually 'arguments')")
        if self.delay < 0:
            raise ValueError("delay must be >= 0")

    @classmethod
    def json(cls, obj: Any, **kwargs: Any) -> FakeReply:
        """A reply whose content is `json.dumps(obj)`."""
        return cls(content=json.dumps(obj), **kwargs)

    @classmethod
    def tool(cls, name: str, arguments: str | dict[str, Any], **kwargs: Any) -> FakeReply:
        """A reply carrying one tool call (TOOLS mode); dict arguments are JSON-encoded."""
        args = arguments if isinstance(arguments, str) else json.dumps(arguments)
        return cls(tool_call={"name": name, "arguments": args}, **kwargs)

    @classmethod
    def error(
        cls,
        status: int,
        message: str,
        *,
        code: str | None = None,
        type: str | None = None,
        retry_after: float | str | None = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
    ) -> FakeReply:
        """An OpenAI-style error: `{"error": {"message", "type", "param", "code"}}`.

        `retry_after` sets the Retry-After header (seconds, or an HTTP date string).
        """
        if type is None:
            type = _DEFAULT_ERROR_TYPES.get(status, "server_error" if status >= 500 else "error")
        payload = {"error": {"message": message, "type": type, "param": None, "code": code}}
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if retry_after is not None:
            if isinstance(retry_after, float) and retry_after.is_integer():
                retry_after = int(retry_after)
            all_headers["Retry-After"] = str(retry_after)
        return cls(
            status=status, headers=all_headers, body=json.dumps(payload).encode(), delay=delay
        )

    @classmethod
    def for_fault(cls, kind: str) -> FakeReply:
        """The reply a fault of `kind` (one of `FAULT_KINDS`) produces."""
        if kind == "429":
            return cls.error(
                429, "Rate limit reached (injected fault).", code="rate_limit_exceeded"
            )
        if kind == "500":
            return cls.error(500, "The server had an error (injected fault).")
        if kind == "503":
            return cls.error(503, "The engine is currently overloaded (injected fault).")
        if kind in REPLY_FAULTS:
            return cls(fault=kind)
        raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
