"""OpenAI-format response bodies the fake server sends: `chat.completion` and the model list."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator, Sequence
from typing import Any

from summarizer.testing.recording import RecordedRequest
from summarizer.testing.replies import FakeReply

__all__ = ["approx_tokens", "chat_completion", "model_list"]


def approx_tokens(text: str) -> int:
    """Approximate a token count as len(text) // 4, at least 1."""
    return max(1, len(text) // 4)


def chat_completion(
    record: RecordedRequest, reply: FakeReply, ids: Iterator[int], models: Sequence[str]
) -> dict[str, Any]:
    """The `chat.completion` body answering `record` with `reply` (a 200 reply).

    `ids` numbers the ids it makes up; `models[0]` names the model if the request names none.
    """
    content = reply.content
    finish_reason = reply.finish_reason
    stops = record.body.get("stop") if isinstance(record.body, dict) else None
    stops = [stops] if isinstance(stops, str) else stops or []
    for stop in stops:  # as a real server: the text ends before the first stop string
        if content is not None and isinstance(stop, str) and stop and stop in content:
            content, finish_reason = content.split(stop, 1)[0], "stop"
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": None}
    completion_text = content or ""
    if reply.tool_call is not None:
        arguments = reply.tool_call.get("arguments", "{}")
        if not isinstance(arguments, str):
            arguments = json.dumps(arguments)
        message["tool_calls"] = [
            {
                "id": f"call_fake_{next(ids)}",
                "type": "function",
                "function": {"name": reply.tool_call["name"], "arguments": arguments},
            }
        ]
        completion_text += arguments
        if finish_reason == "stop":
            finish_reason = "tool_calls"
    prompt_tokens = approx_tokens(record.text())
    completion_tokens = approx_tokens(completion_text)
    return {
        "id": f"chatcmpl-fake{next(ids):08d}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": record.model or (models[0] if models else "fake-model"),
        "system_fingerprint": "fp_fake",
        "choices": [
            {
                "index": 0,
                "message": message,
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def model_list(models: Sequence[str]) -> dict[str, Any]:
    """The `GET /v1/models` body listing `models`."""
    return {
        "object": "list",
        "data": [
            {"id": model, "object": "model", "created": 0, "owned_by": "fake"} for model in models
        ],
    }
