"""Responders of the fake server: the `Responder` type and the generic `schema_responder`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from summarizer.testing.recording import RecordedRequest
from summarizer.testing.replies import FakeReply

__all__ = ["Responder", "example_for_schema", "schema_responder"]

Responder = Callable[[RecordedRequest], FakeReply]
"""Answers a request when the queue is empty."""


def schema_responder(request: RecordedRequest) -> FakeReply:
    """Best-effort valid reply from the request alone: an example of the requested schema.

    Tools → a tool call whose arguments fit the (chosen or first) tool's parameters;
    `response_format` json_schema → JSON fitting that schema; json_object → `{}`; otherwise
    a short plain-text answer. Custom validators are not known, so they may still fail.
    """
    body = request.body if isinstance(request.body, dict) else {}
    tools = request.tools
    if tools:
        chosen = body.get("tool_choice")
        wanted = None
        if isinstance(chosen, dict):
            wanted = (chosen.get("function") or {}).get("name")
        functions = [t.get("function", {}) for t in tools if isinstance(t, dict)]
        function = next((f for f in functions if f.get("name") == wanted), functions[0])
        schema = function.get("parameters") or {"type": "object"}
        return FakeReply.tool(str(function.get("name", "tool")), example_for_schema(schema))
    response_format = request.response_format or {}
    if response_format.get("type") == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema") or {}
        return FakeReply.json(example_for_schema(schema))
    if response_format.get("type") == "json_object":
        return FakeReply.json({})
    return FakeReply(content="This is a fake reply from FakeLLMServer.")


def example_for_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """A small value valid against a JSON schema (types, $ref, enums, lengths, bounds)."""
    return _example(schema, root or schema, 0)


def _example(schema: Any, root: dict[str, Any], depth: int) -> Any:
    if not isinstance(schema, dict) or depth > 32:
        return None
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return _example(target, root, depth + 1)
    for key in ("const", "default"):
        if key in schema:
            return schema[key]
    if schema.get("enum"):
        return schema["enum"][0]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    for key in ("anyOf", "oneOf", "allOf"):
        options = schema.get(key)
        if isinstance(options, list) and options:
            non_null = [o for o in options if not (isinstance(o, dict) and o.get("type") == "null")]
            return _example((non_null or options)[0], root, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {name: _example(sub, root, depth + 1) for name, sub in properties.items()}
    if kind == "array":
        count = max(int(schema.get("minItems", 1)), 0)
        if "maxItems" in schema:
            count = min(count, int(schema["maxItems"]))
        return [_example(schema.get("items") or {}, root, depth + 1) for _ in range(count)]
    if kind == "string":
        formats = {
            "date-time": "2024-01-01T00:00:00Z",
            "date": "2024-01-01",
            "uri": "https://example.com",
        }
        text = formats.get(str(schema.get("format")), "example")
        min_length = int(schema.get("minLength", 0))
        if len(text) < min_length:
            text = text + "x" * (min_length - len(text))
        if "maxLength" in schema:
            text = text[: int(schema["maxLength"])]
        return text
    if kind in ("integer", "number"):
        value: float = 0
        if "minimum" in schema:
            value = schema["minimum"]
        elif "exclusiveMinimum" in schema:
            value = schema["exclusiveMinimum"] + 1
        elif "maximum" in schema and schema["maximum"] < 0:
            value = schema["maximum"]
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return False
    return None
